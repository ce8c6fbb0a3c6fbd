"""The sign-in limits (SEC-8): one account's failures lock that account, not everybody at its
client address; an address has its own, higher limit, which the account page can lift."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings

from core.accounts import rules
from core.accounts.models import LoginFailure
from core.accounts.roles import Role
from core.accounts.tests.factories import PASSWORD
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED_TEXT = "Too many failed sign-in attempts"
OFFICE = "203.0.113.20"


def sign_in(username, password=PASSWORD, address=OFFICE, **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)
    return client, response


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


@override_settings(LOGIN_FAILURE_LIMIT=5, LOGIN_ADDRESS_FAILURE_LIMIT=50)
def test_one_colleague_locked_out_does_not_lock_out_the_office(make_user):
    """The reported defect: five wrong passwords for one account, then three colleagues at the
    same address with their right passwords were all refused."""
    make_user(Role.STAFF, username="typist")
    colleagues = [
        make_user(Role.ADMINISTRATOR, username="the-admin"),
        make_user(Role.STAFF, username="the-staff"),
        make_user(Role.DEPUTY, username="the-deputy"),
    ]
    for _ in range(5):
        sign_in("typist", "wrong")
    _client, response = sign_in("typist")
    assert LOCKED_TEXT in response.content.decode()  # the account itself is locked
    for colleague in colleagues:
        client, response = sign_in(colleague.username)
        assert response.status_code == 302, colleague.username
        assert signed_in(client)


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_ADDRESS_FAILURE_LIMIT=8)
def test_the_address_limit_counts_failures_across_accounts(make_user):
    make_user(Role.CITIZEN, username="carol")
    for name in ("a1", "a2", "a3", "a4", "a5", "a6", "a7"):
        sign_in(name, "wrong")
    client, response = sign_in("carol")
    assert response.status_code == 302  # seven failures: below the address limit
    sign_in("a8", "wrong")  # the eighth
    client, response = sign_in("carol")
    assert LOCKED_TEXT in response.content.decode()
    assert not signed_in(client)
    assert AuditEntry.objects.filter(action="user.lockout", data__key=f"ip:{OFFICE}").exists()
    # From another address the same account signs in.
    client, response = sign_in("carol", address="198.51.100.7")
    assert response.status_code == 302


def test_the_address_limit_is_its_own_setting_and_far_higher():
    from config.settings import base

    assert base.LOGIN_ADDRESS_FAILURE_LIMIT >= 10 * base.LOGIN_FAILURE_LIMIT


def test_the_address_limit_is_never_below_the_account_limit():
    assert rules.failure_limit("ip:192.0.2.1", account_limit=5, address_limit=2) == 5
    assert rules.failure_limit("ip:192.0.2.1", account_limit=5, address_limit=50) == 50
    assert rules.failure_limit("user:bob", account_limit=5, address_limit=50) == 5


# --- which address is the client's --------------------------------------------------------


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    """Anyone can write X-Forwarded-For: it must not let a guesser pick a fresh address."""
    assert rules.client_address("192.0.2.1", "198.51.100.9", 0) == "192.0.2.1"
    assert rules.client_address("192.0.2.1", None, 1) == "192.0.2.1"
    assert rules.client_address("", None, 0) is None


def test_behind_trusted_proxies_the_address_they_saw_counts():
    # The client wrote "6.6.6.6" itself; the one proxy appended the address it saw.
    assert rules.client_address("10.0.0.2", "6.6.6.6, 198.51.100.9", 1) == "198.51.100.9"
    # Two proxies: the outer one saw the client, the inner one saw the outer proxy.
    assert rules.client_address("10.0.0.3", "6.6.6.6, 198.51.100.9, 10.0.0.2", 2) == "198.51.100.9"
    assert rules.client_address("10.0.0.3", "198.51.100.9", 2) == "198.51.100.9"


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_ADDRESS_FAILURE_LIMIT=2, LOGIN_TRUSTED_PROXIES=0)
def test_a_forged_header_does_not_escape_an_address_lockout(make_user):
    make_user(Role.CITIZEN, username="dan")
    sign_in("x1", "wrong")
    sign_in("x2", "wrong")
    _client, response = sign_in("dan", HTTP_X_FORWARDED_FOR="198.51.100.50")
    assert LOCKED_TEXT in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_ADDRESS_FAILURE_LIMIT=2, LOGIN_TRUSTED_PROXIES=1)
def test_behind_a_proxy_each_visitor_has_an_address_of_their_own(make_user):
    """Behind a reverse proxy every request comes from the proxy: one visitor's failures must not
    lock out the whole site."""
    make_user(Role.CITIZEN, username="dan")
    proxy = "10.0.0.2"
    sign_in("x1", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    sign_in("x2", "wrong", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    _client, response = sign_in("dan", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert LOCKED_TEXT in response.content.decode()
    client, response = sign_in("dan", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert response.status_code == 302 and signed_in(client)
    assert LoginFailure.objects.filter(key="ip:198.51.100.1").exists()
    assert not LoginFailure.objects.filter(key=f"ip:{proxy}").exists()


# --- lifting an address lockout -------------------------------------------------------------


@pytest.fixture
def locked_office(make_user):
    """The office address, locked out after failures for several names."""
    with override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_ADDRESS_FAILURE_LIMIT=3):
        for name in ("y1", "y2", "y3"):
            sign_in(name, "wrong")
    make_user(Role.STAFF, username="colleague")
    _client, response = sign_in("colleague")
    assert LOCKED_TEXT in response.content.decode()
    return OFFICE


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMINISTRATOR])
def test_the_office_sees_a_locked_address_and_lifts_it(locked_office, client_for, users, role):
    office = client_for(role)
    page = office.get("/accounts/users/").content.decode()
    assert "Locked client addresses" in page and locked_office in page
    response = office.post("/accounts/users/locked-addresses/unlock/", {"address": locked_office})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="login.unlock_address")
    assert entry.data["address"] == locked_office and entry.data["was_locked"] is True
    assert entry.actor_id == users[role].pk
    client, response = sign_in("colleague")
    assert response.status_code == 302 and signed_in(client)
    assert "Locked client addresses" not in office.get("/accounts/users/").content.decode()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
def test_nobody_else_lifts_an_address_lockout(locked_office, client_for, role):
    response = client_for(role).post("/accounts/users/locked-addresses/unlock/", {"address": locked_office})
    assert response.status_code == 403
    assert LoginFailure.objects.filter(key=f"ip:{locked_office}").exists()
    assert not AuditEntry.objects.filter(action="login.unlock_address").exists()


def test_anonymous_visitors_cannot_lift_an_address_lockout(locked_office):
    response = Client().post("/accounts/users/locked-addresses/unlock/", {"address": locked_office})
    assert response.status_code in (302, 403)
    assert LoginFailure.objects.filter(key=f"ip:{locked_office}").exists()


def test_lifting_an_address_that_is_not_counted_is_not_found(client_for):
    response = client_for(Role.STAFF).post(
        "/accounts/users/locked-addresses/unlock/", {"address": "192.0.2.99"}
    )
    assert response.status_code == 404
