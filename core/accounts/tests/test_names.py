"""How an account's name is shown: the name-order rule (rules.person_name), and a deputy account
shown with its deputy's name."""

import pytest
from django.test import Client

from core.accounts import rules
from core.accounts.models import User
from core.accounts.roles import Role
from core.organisation.tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "family", "shown"),
    [
        ("小明", "王", "王小明"),
        ("文华", "欧阳", "欧阳文华"),
        ("Ann", "Lee", "Ann Lee"),
        ("Xiaoming", "Wang", "Xiaoming Wang"),
        ("小明", "", "小明"),
        ("", "王", "王"),
        (" 小明 ", " 王 ", "王小明"),
        ("", "", ""),
    ],
)
def test_the_name_order_rule(given, family, shown):
    assert rules.person_name(given, family) == shown


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_header_shows_a_chinese_name_family_name_first_in_every_language(make_user, language):
    user = make_user(Role.STAFF, username="wxm", first_name="小明", last_name="王", language=language)
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/profile/").content.decode()
    assert "王小明" in page
    assert "小明 王" not in page


def test_a_latin_name_keeps_given_name_first(make_user):
    user = make_user(Role.STAFF, first_name="Ann", last_name="Lee")
    assert user.display_name == "Ann Lee" and str(user) == "Ann Lee"


def test_an_account_without_a_name_shows_its_username(make_user):
    assert make_user(Role.CITIZEN, username="citizen-li").display_name == "citizen-li"


def test_a_deputy_account_shows_its_deputys_name_in_the_header(make_user):
    """The demo deputy's header read "代表 (代表)" (a placeholder name and the role) instead of the
    deputy's name."""
    user = make_user(Role.DEPUTY, username="dep", first_name="代表", language="zh-hans")
    DeputyFactory(user=user, name="吕涛志")
    user = User.objects.get(pk=user.pk)
    assert user.display_name == "吕涛志"
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/profile/").content.decode()
    assert "吕涛志" in page
    assert "代表 (代表)" not in page


def test_a_deputy_account_not_linked_to_a_deputy_keeps_its_own_name(make_user):
    user = make_user(Role.DEPUTY, first_name="小红", last_name="李")
    assert user.display_name == "李小红"


def test_the_new_account_form_asks_for_the_family_name_first(client_for):
    page = client_for(Role.STAFF).get("/accounts/users/new/").content.decode()
    assert page.index('name="last_name"') < page.index('name="first_name"')


def test_the_account_list_shows_chinese_names_family_name_first(client_for, make_user):
    make_user(Role.STAFF, username="wxm", first_name="小明", last_name="王")
    page = client_for(Role.STAFF).get("/accounts/users/", {"q": "王小明"}).content.decode()
    assert "wxm" in page and "王小明" in page
