"""An account whose password someone else chose (made by the congress office on the account
page, or by an administrator in the Django admin) must choose its own at its first sign-in,
before anything else: only the password page, signing out and the language switch stay open.
Self-registered citizens, the demo accounts (whose passwords the demo's README lists) and
every existing account are not asked. API calls with a token are not concerned."""

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts import services
from core.accounts.models import User
from core.accounts.roles import Role
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD_PAGE = "/accounts/password/"
NEW_PASSWORD = "my own long passphrase 2026"


@pytest.fixture
def office(users):
    client = Client()
    client.force_login(users[Role.STAFF])
    return client


@pytest.fixture
def created(office):
    """A deputy account made on the account page, and the first password it was given."""
    response = office.post(
        "/accounts/users/new/", {"username": "new-deputy", "role": Role.DEPUTY}, follow=True
    )
    return User.objects.get(username="new-deputy"), response.context["password"]


def sign_in(username: str, password: str, next_page: str = "") -> tuple[Client, object]:
    client = Client()
    query = f"?next={next_page}" if next_page else ""
    return client, client.post(LOGIN + query, {"username": username, "password": password})


def path_of(response) -> str:
    return urlsplit(response.headers["Location"]).path


def change(client, old: str, new: str, next_page: str = ""):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    if next_page:
        data["next"] = next_page
    return client.post(PASSWORD_PAGE, data)


def test_an_account_made_by_the_office_must_change_its_password(created):
    account, _password = created
    assert account.must_change_password is True
    assert AuditEntry.objects.get(action="user.create").after["must_change_password"] is True


def test_the_new_account_is_sent_to_the_password_page_whatever_it_opens(created):
    account, password = created
    client, response = sign_in(account.username, password, next_page="/accounts/profile/")
    target = response
    while target.status_code == 302 and path_of(target) != PASSWORD_PAGE:
        target = client.get(target.headers["Location"])
    assert path_of(target) == PASSWORD_PAGE
    for page in ("/", "/accounts/profile/", "/accounts/tokens/", "/plenary/joint-motions/"):
        response = client.get(page)
        assert response.status_code == 302 and path_of(response) == PASSWORD_PAGE, page
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200
    with translation.override(account.language):
        notice = gettext("Your password was chosen by someone else. Choose your own before you go on.")
    assert notice in page.content.decode()


def test_htmx_requests_are_sent_to_the_password_page_too(created):
    account, password = created
    client, _response = sign_in(account.username, password)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and urlsplit(response["HX-Redirect"]).path == PASSWORD_PAGE


def test_signing_out_stays_possible(created):
    account, password = created
    client, _response = sign_in(account.username, password)
    assert path_of(client.post("/accounts/logout/")) != PASSWORD_PAGE
    assert client.get("/accounts/profile/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_choosing_a_password_lifts_the_requirement_and_goes_where_the_user_was_headed(created):
    account, password = created
    client, _response = sign_in(account.username, password)
    response = change(client, password, NEW_PASSWORD, next_page="/accounts/tokens/")
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/tokens/"
    account.refresh_from_db()
    assert account.must_change_password is False and account.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.get(action="user.change_password").data == {"first_sign_in": True}


def test_the_password_given_does_not_count_as_a_new_one(created):
    account, password = created
    client, _response = sign_in(account.username, password)
    response = change(client, password, password)
    assert response.status_code == 200
    with translation.override(account.language):
        refusal = gettext("Choose a password other than the one you were given.")
    assert refusal in response.content.decode()
    account.refresh_from_db()
    assert account.must_change_password is True


def test_a_session_is_refused_by_the_api_until_then_but_a_token_is_not_concerned(created):
    account, password = created
    client, _response = sign_in(account.username, password)
    response = client.get("/api/accounts/me")
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    _token, key = services.create_token(name="手机", by=account)
    assert Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=["deputy"])
def test_the_second_factor_comes_first(created):
    account, password = created
    client, signed_in = sign_in(account.username, password)
    assert path_of(signed_in) == "/accounts/second-factor/"
    assert path_of(client.get(PASSWORD_PAGE)) == "/accounts/second-factor/"
    assert path_of(client.get("/")) == "/accounts/second-factor/"


def test_an_account_with_a_confirmed_device_verifies_it_first(created):
    account, password = created
    TOTPDevice.objects.create(user=account, name="phone", confirmed=True)
    client, response = sign_in(account.username, password)
    assert path_of(response) == "/accounts/second-factor/verify/"
    assert path_of(client.get("/")) == "/accounts/second-factor/verify/"


def test_an_administrator_adding_an_account_in_the_admin_sets_the_requirement(users):
    admin = Client()
    admin.force_login(users[Role.ADMINISTRATOR])
    admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "from-admin",
            "role": Role.CITIZEN,
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert User.objects.get(username="from-admin").must_change_password is True


# --- who is not asked ---------------------------------------------------------------------


def test_existing_and_test_accounts_are_not_asked(users):
    assert not User.objects.filter(must_change_password=True).exists()
    for user in users.values():
        client = Client()
        client.force_login(user)
        assert client.get("/").status_code == 200, user.role


def test_a_citizen_who_registered_chose_their_password(client):
    client.post(
        "/accounts/register/", {"username": "citizen-1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert User.objects.get(username="citizen-1").must_change_password is False
    assert client.get("/").status_code == 200


@override_settings(DEMO=True)
def test_the_demo_accounts_keep_their_published_passwords():
    call_command("create_demo_accounts", stdout=StringIO())
    assert not User.objects.filter(is_demo=True, must_change_password=True).exists()
    client, response = sign_in("demo-deputy", "demo-deputy-2026")
    assert response.status_code == 302 and path_of(response) != PASSWORD_PAGE
    assert client.get("/").status_code == 200


@override_settings(DEMO=True)
def test_resetting_the_demo_clears_a_requirement_set_by_hand():
    call_command("create_demo_accounts", stdout=StringIO())
    User.objects.filter(username="demo-citizen").update(must_change_password=True)
    call_command("create_demo_accounts", stdout=StringIO())
    assert User.objects.get(username="demo-citizen").must_change_password is False
