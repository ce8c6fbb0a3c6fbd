"""TOTP second factor: enrol, verify after the password, and required for some roles."""

import re

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts.roles import Role
from core.accounts.tests.factories import PASSWORD
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

ENROL = "/accounts/second-factor/"
VERIFY = "/accounts/second-factor/verify/"


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    """The code an authenticator app would show now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(username: str) -> tuple[Client, object]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client, response


def test_enrolment_shows_a_qr_code_without_inline_styles(client_for):
    page = client_for(Role.CITIZEN).get(ENROL).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'class="segno"' in svg
    assert "style=" not in page and "<script>" not in page  # CSP: no inline style or script
    assert re.search(r"<code>([A-Z2-7]{4} ?)+</code>", page), "the key for typing in by hand"


def test_enrolment_is_confirmed_with_a_code_from_the_app(client_for, users):
    client = client_for(Role.CITIZEN)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=users[Role.CITIZEN])
    assert device.confirmed is False
    response = client.post(ENROL, {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEntry.objects.filter(action="user.enrol_second_factor").count() == 1
    # This session counts as verified straight away.
    assert client.get("/accounts/profile/").status_code == 200


def test_a_wrong_code_does_not_confirm_and_counts_against_the_device(client_for, users):
    client = client_for(Role.CITIZEN)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=users[Role.CITIZEN])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"token": wrong})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed is False
    assert device.throttling_failure_count == 1


def test_the_same_device_is_offered_until_confirmed(client_for, users):
    client = client_for(Role.DEPUTY)
    client.get(ENROL)
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=users[Role.DEPUTY]).count() == 1


def test_user_with_a_device_must_enter_a_code_after_the_password(make_user):
    user = make_user(Role.DEPUTY, username="zhao")
    device = confirmed_device(user)
    client, response = sign_in("zhao")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(VERIFY)
    # Nothing else opens until the code is given.
    blocked = client.get("/accounts/profile/")
    assert blocked.status_code == 302 and blocked.headers["Location"].startswith(VERIFY)
    verified = client.post(VERIFY + "?next=/accounts/profile/", {"token": code_for(device)})
    assert verified.status_code == 302
    assert verified.headers["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200


def test_a_wrong_code_at_sign_in_is_refused(make_user):
    user = make_user(Role.DEPUTY, username="qian")
    device = confirmed_device(user)
    client, _response = sign_in("qian")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/accounts/profile/").status_code == 302


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=["staff", "administrator"])
@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMINISTRATOR])
def test_required_roles_must_enrol_before_anything_else(role, make_user):
    make_user(role, username="must-enrol")
    client, response = sign_in("must-enrol")
    assert response.headers["Location"].startswith(ENROL)
    for path in ("/accounts/profile/", "/accounts/users/", "/accounts/tokens/", "/admin/"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"].startswith(ENROL), path
    # The session API refuses too, with a reason rather than a redirect.
    api = client.get("/api/accounts/me")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    # The enrol page and logging out stay open.
    assert client.get(ENROL).status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=["staff", "administrator"])
def test_required_role_with_a_device_is_sent_to_verify_not_enrol(make_user):
    user = make_user(Role.STAFF, username="sun")
    confirmed_device(user)
    client, response = sign_in("sun")
    assert response.headers["Location"].startswith(VERIFY)
    assert client.get("/accounts/users/").headers["Location"].startswith(VERIFY)


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=["staff", "administrator"])
@pytest.mark.parametrize("role", [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK])
def test_other_roles_are_not_forced(role, client_for):
    assert client_for(role).get("/accounts/profile/").status_code == 200


def test_removing_the_second_factor_needs_a_verified_session(make_user):
    user = make_user(Role.CITIZEN, username="zhou")
    device = confirmed_device(user)
    client, _response = sign_in("zhou")
    refused = client.post("/accounts/second-factor/remove/")
    assert refused.status_code == 302 and refused.headers["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(VERIFY, {"token": code_for(device)})
    assert client.post("/accounts/second-factor/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="user.remove_second_factor").count() == 1


def test_staff_reset_a_lost_second_factor(client_for, make_user):
    user = make_user(Role.DEPUTY, username="wu")
    confirmed_device(user)
    response = client_for(Role.STAFF).post(f"/accounts/users/{user.pk}/reset-second-factor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
