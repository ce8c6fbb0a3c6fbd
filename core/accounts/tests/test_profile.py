"""The profile page: language, password; the language switch for visitors."""

import pytest
from django.conf import settings

from core.accounts.roles import Role
from core.accounts.tests.factories import PASSWORD
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_profile_shows_the_account(client_for, users):
    page = client_for(Role.UNIT_CLERK).get("/accounts/profile/").content.decode()
    assert users[Role.UNIT_CLERK].username in page
    assert users[Role.UNIT_CLERK].handling_unit.name in page


def test_language_choice_is_saved_and_changes_the_page_language(client_for, users):
    users[Role.DEPUTY].language = "zh-hans"  # the model's default; test accounts use English
    users[Role.DEPUTY].save(update_fields=["language"])
    client = client_for(Role.DEPUTY)
    assert client.get("/accounts/profile/").headers["Content-Language"] == "zh-hans"
    response = client.post("/accounts/profile/", {"language": "en"})
    assert response.status_code == 302
    users[Role.DEPUTY].refresh_from_db()
    assert users[Role.DEPUTY].language == "en"
    assert client.get("/accounts/profile/").headers["Content-Language"] == "en"
    entry = AuditEntry.objects.get(action="user.set_language")
    assert entry.before == {"language": "zh-hans"} and entry.after == {"language": "en"}


def test_saved_language_follows_the_user_to_a_new_session(client, make_user):
    make_user(Role.CITIZEN, username="wang", language="en")
    client.post("/accounts/login/", {"username": "wang", "password": PASSWORD})
    assert client.get("/accounts/profile/").headers["Content-Language"] == "en"


def test_unknown_language_is_refused(client_for, users):
    users[Role.CITIZEN].language = "zh-hans"
    users[Role.CITIZEN].save(update_fields=["language"])
    response = client_for(Role.CITIZEN).post("/accounts/profile/", {"language": "fr"})
    assert response.status_code == 200
    users[Role.CITIZEN].refresh_from_db()
    assert users[Role.CITIZEN].language == "zh-hans"


def test_visitor_switches_language_with_a_cookie(client):
    response = client.post("/language/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert client.get("/accounts/login/").headers["Content-Language"] == "zh-hans"


def test_signed_in_switch_also_saves_the_account_language(client_for, users):
    client = client_for(Role.STAFF)
    client.post("/language/", {"language": "en", "next": "/accounts/profile/"})
    users[Role.STAFF].refresh_from_db()
    assert users[Role.STAFF].language == "en"


def test_password_change_needs_the_old_password(client_for, users):
    client = client_for(Role.CITIZEN)
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "not-it", "new_password1": "new-pass-2026-x", "new_password2": "new-pass-2026-x"},
    )
    assert wrong.status_code == 200
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "new-pass-2026-x", "new_password2": "new-pass-2026-x"},
    )
    assert response.status_code == 302
    users[Role.CITIZEN].refresh_from_db()
    assert users[Role.CITIZEN].check_password("new-pass-2026-x")
    assert client.get("/accounts/profile/").status_code == 200  # still signed in
    assert AuditEntry.objects.filter(action="user.change_password").count() == 1


CONTACT = "/accounts/profile/contact/"


def test_the_profile_shows_the_telephone_given_at_registration(client):
    client.post(
        "/accounts/register/",
        {
            "username": "li-si",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
            "phone": "138 0000 0000",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "138 0000 0000" in page


def test_the_holder_changes_their_e_mail_and_telephone(client_for, users):
    client = client_for(Role.CITIZEN)
    response = client.post(CONTACT, {"email": "new@example.org", "phone": "+86 351 1234567"})
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/profile/"
    page = client.get("/accounts/profile/").content.decode()
    assert "new@example.org" in page and "+86 351 1234567" in page
    users[Role.CITIZEN].refresh_from_db()
    assert (users[Role.CITIZEN].email, users[Role.CITIZEN].phone) == ("new@example.org", "+86 351 1234567")
    entry = AuditEntry.objects.get(action="user.update_contact")
    assert entry.target_id == str(users[Role.CITIZEN].pk)
    assert entry.data == {"changed": ["email", "phone"]}
    assert "new@example.org" not in str(entry.data)  # the log names the fields, keeps no copy


def test_contact_details_can_be_emptied(client_for, users):
    client = client_for(Role.STAFF)
    client.post(CONTACT, {"email": "", "phone": ""})
    users[Role.STAFF].refresh_from_db()
    assert users[Role.STAFF].email == "" and users[Role.STAFF].phone == ""


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"email": "not-an-address", "phone": ""}, "email", "Enter a valid email address."),
        ({"email": "", "phone": "call me"}, "phone", "Enter a telephone number"),
    ],
)
def test_bad_contact_details_are_refused_with_the_reason(client_for, users, data, field, reason):
    before = users[Role.CITIZEN].email
    response = client_for(Role.CITIZEN).post(CONTACT, data)
    assert response.status_code == 200
    assert reason in " ".join(response.context["contact_form"].errors[field])
    assert reason in response.content.decode()
    users[Role.CITIZEN].refresh_from_db()
    assert users[Role.CITIZEN].email == before
    assert not AuditEntry.objects.filter(action="user.update_contact").exists()


def test_saving_unchanged_details_writes_no_audit_entry(client_for, users):
    citizen = users[Role.CITIZEN]
    client_for(Role.CITIZEN).post(CONTACT, {"email": citizen.email, "phone": citizen.phone})
    assert not AuditEntry.objects.filter(action="user.update_contact").exists()


def test_a_visitor_cannot_change_contact_details(client):
    response = client.post(CONTACT, {"email": "x@example.org", "phone": ""})
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_the_contact_page_takes_only_a_post(client_for):
    assert client_for(Role.CITIZEN).get(CONTACT).status_code == 405
