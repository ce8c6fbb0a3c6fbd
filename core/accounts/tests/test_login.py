"""Signing in: Argon2 passwords, lockout after repeated failures (SEC-8), logging out."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.utils import timezone

from core.accounts.models import LoginFailure
from core.accounts.roles import Role
from core.accounts.tests.factories import PASSWORD
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED_TEXT = "Too many failed sign-in attempts"
WRONG_TEXT = "Please enter a correct username and password."


@pytest.fixture
def client():
    """A visitor reading English, so the asserted messages do not depend on the catalogue."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_argon2_is_the_production_password_hasher():
    """Production settings hash new passwords with Argon2 (the tests use MD5 only for speed)."""
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hasher_works_here():
    from django.contrib.auth.hashers import check_password, make_password

    from config.settings import base

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("a long passphrase 2026")
        assert check_password("a long passphrase 2026", encoded)
    assert encoded.startswith("argon2$")


def test_login_page_opens_for_everyone(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_right_password_signs_in_and_goes_to_next(client, make_user):
    user = make_user(Role.CITIZEN, username="alice")
    response = client.post(LOGIN + "?next=/accounts/profile/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/profile/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_next_pointing_off_site_is_ignored(client, make_user):
    make_user(Role.CITIZEN, username="alice")
    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_wrong_password_is_refused_with_a_message_that_names_no_account(client, make_user):
    make_user(Role.CITIZEN, username="alice")
    known = sign_in(client, "alice", "wrong-password")
    unknown = sign_in(client, "nobody-here", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    assert WRONG_TEXT in known.content.decode()
    assert WRONG_TEXT in unknown.content.decode()
    assert SESSION_KEY not in client.session


def test_deactivated_account_cannot_sign_in(client, make_user):
    make_user(Role.STAFF, username="gone", is_active=False)
    response = sign_in(client, "gone")
    assert WRONG_TEXT in response.content.decode()
    assert SESSION_KEY not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_account_is_locked_after_the_limit_and_the_lockout_is_audited(client, make_user):
    user = make_user(Role.STAFF, username="bob")
    for _ in range(2):
        assert WRONG_TEXT in sign_in(client, "bob", "wrong").content.decode()
    third = sign_in(client, "bob", "wrong").content.decode()
    assert LOCKED_TEXT in third
    assert "10 minutes" in third
    entry = AuditEntry.objects.get(action="user.lockout", data__key="user:bob")
    assert entry.target_id == str(user.pk)
    # The client address has a limit of its own, far higher: it is not locked.
    assert not AuditEntry.objects.filter(action="user.lockout", data__key="ip:127.0.0.1").exists()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_locked_account_is_refused_even_with_the_right_password(client, make_user):
    make_user(Role.STAFF, username="bob")
    for _ in range(3):
        sign_in(client, "bob", "wrong")
    response = sign_in(client, "bob")
    assert LOCKED_TEXT in response.content.decode()
    assert SESSION_KEY not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_lockout_of_an_unknown_name_looks_the_same(client):
    """The lockout message never reveals whether the account exists."""
    for _ in range(3):
        response = sign_in(client, "no-such-person", "wrong")
    assert LOCKED_TEXT in response.content.decode()
    assert AuditEntry.objects.filter(action="user.lockout", target_id="").exists()


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_ADDRESS_FAILURE_LIMIT=6)
def test_one_address_trying_many_names_is_locked_out(client, make_user):
    make_user(Role.CITIZEN, username="carol")
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        sign_in(client, name, "wrong", REMOTE_ADDR="203.0.113.9")
    response = sign_in(client, "carol", REMOTE_ADDR="203.0.113.9")
    assert LOCKED_TEXT in response.content.decode()
    # The same account from another address is fine: only the address is locked.
    other = sign_in(client, "carol", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_successful_sign_in_forgives_earlier_failures(client, make_user):
    make_user(Role.CITIZEN, username="dora")
    sign_in(client, "dora", "wrong", REMOTE_ADDR="198.51.100.1")
    sign_in(client, "dora", "wrong", REMOTE_ADDR="198.51.100.2")
    assert sign_in(client, "dora", REMOTE_ADDR="198.51.100.3").status_code == 302
    assert not LoginFailure.objects.filter(key="user:dora").exists()
    client.post("/accounts/logout/")
    sign_in(client, "dora", "wrong", REMOTE_ADDR="198.51.100.4")
    sign_in(client, "dora", "wrong", REMOTE_ADDR="198.51.100.5")
    assert sign_in(client, "dora", REMOTE_ADDR="198.51.100.6").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_lockout_ends_after_its_time(client, make_user):
    make_user(Role.CITIZEN, username="erin")
    for _ in range(3):
        sign_in(client, "erin", "wrong")
    LoginFailure.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert sign_in(client, "erin").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_staff_lift_a_lockout(client, client_for, make_user):
    locked = make_user(Role.DEPUTY, username="frank")
    for _ in range(3):
        sign_in(client, "frank", "wrong", REMOTE_ADDR="192.0.2.1")
    staff = client_for(Role.STAFF)
    response = staff.post(f"/accounts/users/{locked.pk}/reset-lockout/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="user.unlock", target_id=str(locked.pk)).exists()
    assert sign_in(client, "frank", REMOTE_ADDR="192.0.2.2").status_code == 302


def test_logout_is_a_post_and_ends_the_session(client_for):
    client = client_for(Role.CITIZEN)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
