"""Citizens register themselves (role citizen), after a privacy notice (SEC-4)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from core.accounts.models import User
from core.accounts.roles import Role
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

REGISTER = "/accounts/register/"
GOOD = {"username": "citizen-li", "password1": "a-long-pass-2026", "password2": "a-long-pass-2026"}


@pytest.fixture
def client():
    """A visitor reading English, so the asserted messages do not depend on the catalogue."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_register_page_shows_the_privacy_notice(client):
    """SEC-4: purpose, what is collected, retention and rights are stated before collecting."""
    page = client.get(REGISTER).content.decode()
    assert "How your personal information is used" in page
    assert "Retention" in page
    assert "Your rights" in page


def test_registration_makes_a_signed_in_citizen(client):
    response = client.post(REGISTER, {**GOOD, "email": "li@example.org"})
    assert response.status_code == 302
    user = User.objects.get(username="citizen-li")
    assert user.role == Role.CITIZEN
    assert user.handling_unit is None
    assert not user.is_staff and not user.is_superuser
    assert user.check_password("a-long-pass-2026")
    assert client.session[SESSION_KEY] == str(user.pk)
    entry = AuditEntry.objects.get(action="user.register")
    assert entry.target_id == str(user.pk)
    assert "password" not in str(entry.after)


def test_contact_details_are_optional(client):
    assert client.post(REGISTER, GOOD).status_code == 302
    assert User.objects.get(username="citizen-li").email == ""


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"password2": "something-else-1"}, "password2", "The two passwords differ."),
        ({"password1": "short", "password2": "short"}, "password1", "This password is too short."),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "password1", "entirely numeric"),
        ({"username": "bad name!"}, "username", "Enter a valid username."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"phone": "call me maybe"}, "phone", "Enter a telephone number"),
    ],
)
def test_bad_input_is_refused_with_the_reason(client, change, field, reason):
    response = client.post(REGISTER, {**GOOD, **change})
    assert response.status_code == 200
    assert reason in " ".join(response.context["form"].errors[field])
    assert reason in response.content.decode()
    assert not User.objects.filter(role=Role.CITIZEN).exists()


def test_a_taken_username_is_refused_whatever_its_case(client, make_user):
    make_user(Role.STAFF, username="Citizen-Li")
    response = client.post(REGISTER, GOOD)
    assert response.context["form"].errors["username"] == ["This username is taken."]
    assert User.objects.filter(username__iexact="citizen-li").count() == 1


def test_nobody_registers_as_anything_but_a_citizen(client):
    client.post(REGISTER, {**GOOD, "role": Role.ADMINISTRATOR})
    assert User.objects.get(username="citizen-li").role == Role.CITIZEN


def test_signed_in_user_is_sent_to_the_profile(client_for):
    response = client_for(Role.CITIZEN).get(REGISTER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/profile/"


def test_every_password_error_is_in_chinese_on_the_chinese_page(client):
    """Django's zh_Hans catalogue lacks its own 5.2 password-length text (core.accounts.django_texts)."""
    response = client.post(
        REGISTER, {**GOOD, "password1": "123", "password2": "123"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    errors = " ".join(response.context["form"].errors["password1"])
    assert "密码长度太短" in errors and "10" in errors
    assert "This password" not in errors


def test_the_password_rules_are_shown_before_the_first_try(client):
    page = client.get(REGISTER).content.decode()
    field = page.index('name="password1"')
    rules_at = page.index("Your password must contain at least 10 characters.")
    assert page.rindex('for="id_password1"', 0, field) < rules_at < field  # under the label, above the box
    assert "can’t be entirely numeric" in page or "can't be entirely numeric" in page


def test_every_broken_rule_is_reported_at_the_first_try_each_on_its_own_line(client):
    """Before: the first try said only that the passwords differ; the second ran the rules'
    messages together in one line."""
    response = client.post(REGISTER, {**GOOD, "password1": "123", "password2": "1234"})
    errors = response.context["form"].errors
    assert len(errors["password1"]) >= 2
    assert errors["password2"] == ["The two passwords differ."]
    page = response.content.decode()
    for message in errors["password1"]:
        assert f"<li>{message}</li>".replace("'", "&#x27;") in page
