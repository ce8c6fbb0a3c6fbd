"""The congress office's account list: pages, the stand-in contact accounts kept out of the
way, and only the actions that apply to each account."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts.models import LoginFailure, User
from core.accounts.roles import Role

pytestmark = pytest.mark.django_db

LIST = "/accounts/users/"


@pytest.fixture
def office(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users[Role.STAFF])
    return client


def stand_in(tracking_number: str) -> User:
    """An account as voices makes it for a message whose sender has no account."""
    user = User(username=f"contact-{tracking_number}", role=Role.CITIZEN, is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def row_of(page: str, username: str) -> str:
    """The table row of one account."""
    match = re.search(r"<tr>\s*<td[^>]*>" + re.escape(username) + r"</td>.*?</tr>", page, re.S)
    assert match, username
    return match.group(0)


def test_the_list_comes_in_pages_of_fifty_that_keep_the_filters(office, make_user):
    """309 rows on one page (20,000 pixels) before. With the fixture's own clerk: 61 clerks."""
    for n in range(60):
        make_user(Role.UNIT_CLERK, username=f"clerk-{n:02d}")
    page = office.get(LIST, {"role": Role.UNIT_CLERK}).content.decode()
    assert page.count("<tr>") == 1 + 50  # the heading row and fifty accounts
    assert "Page 1 of 2" in page and "61 entries" in page
    assert "clerk-00" in page and "clerk-59" not in page
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "role=unit_clerk" in next_link and "page=2" in next_link
    second = office.get(LIST + next_link).content.decode()
    assert "clerk-59" in second and "clerk-00" not in second
    assert second.count("<tr>") == 1 + 11


def test_stand_in_contact_accounts_are_hidden_unless_asked_for(office, users):
    stand_in("M20260101ABCDEF")
    page = office.get(LIST).content.decode()
    assert "contact-M20260101ABCDEF" not in page
    assert users[Role.CITIZEN].username in page
    only = office.get(LIST, {"state": "contacts"}).content.decode()
    assert "contact-M20260101ABCDEF" in only
    assert users[Role.CITIZEN].username not in only


def test_a_deactivated_citizen_is_not_taken_for_a_stand_in(office, make_user):
    make_user(Role.CITIZEN, username="contact-me-later", is_active=False)
    assert "contact-me-later" in office.get(LIST).content.decode()


def test_the_filter_bar_is_the_sites_filter_form(office):
    page = office.get(LIST).content.decode()
    form = re.search(r'<form method="get"[^>]*>', page).group(0)
    assert "filters" in form
    for label in ("Search", "Role", "State"):
        assert f">{label}:</label>" in page


def test_lift_lockout_only_on_a_locked_account(office, make_user):
    locked = make_user(Role.DEPUTY, username="locked-one")
    make_user(Role.DEPUTY, username="free-one")
    LoginFailure.objects.create(
        key="user:locked-one",
        failures=5,
        first_failed_at=timezone.now(),
        locked_until=timezone.now() + timedelta(minutes=10),
    )
    page = office.get(LIST).content.decode()
    assert f"/accounts/users/{locked.pk}/reset-lockout/" in row_of(page, "locked-one")
    assert "Locked out" in row_of(page, "locked-one")
    assert "reset-lockout" not in row_of(page, "free-one")
    locked_only = office.get(LIST, {"state": "locked"}).content.decode()
    assert "locked-one" in locked_only and "free-one" not in locked_only


def test_an_ended_lockout_offers_nothing_to_lift(office, make_user):
    make_user(Role.DEPUTY, username="was-locked")
    LoginFailure.objects.create(
        key="user:was-locked",
        failures=5,
        first_failed_at=timezone.now() - timedelta(hours=1),
        locked_until=timezone.now() - timedelta(minutes=1),
    )
    assert "reset-lockout" not in row_of(office.get(LIST).content.decode(), "was-locked")


def test_reset_second_factor_only_where_a_device_exists(office, make_user):
    with_app = make_user(Role.STAFF, username="has-app")
    make_user(Role.STAFF, username="no-app")
    TOTPDevice.objects.create(user=with_app, name="Datong", confirmed=True)
    page = office.get(LIST).content.decode()
    assert f"/accounts/users/{with_app.pk}/reset-second-factor/" in row_of(page, "has-app")
    assert "reset-second-factor" not in row_of(page, "no-app")


def test_a_deactivated_account_offers_no_actions(office, make_user):
    gone = make_user(Role.STAFF, username="gone", is_active=False)
    TOTPDevice.objects.create(user=gone, name="Datong", confirmed=True)
    LoginFailure.objects.create(
        key="user:gone",
        failures=5,
        first_failed_at=timezone.now(),
        locked_until=timezone.now() + timedelta(minutes=10),
    )
    row = row_of(office.get(LIST).content.decode(), "gone")
    assert "Deactivated" in row
    assert "<form" not in row


def test_an_active_account_can_be_deactivated_but_not_ones_own(office, users):
    page = office.get(LIST).content.decode()
    assert "deactivate" in row_of(page, users[Role.DEPUTY].username)
    assert "deactivate" not in row_of(page, users[Role.STAFF].username)
    # Staff do not manage administrators: no actions on their row.
    assert "<form" not in row_of(page, users[Role.ADMINISTRATOR].username)
