"""`create_demo_accounts`: one demo account per role, demo mode only."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from core.accounts.models import User
from core.accounts.roles import Role
from core.organisation.models import HandlingUnit
from core.organisation.tests.factories import DeputyFactory, HandlingUnitFactory, TermFactory

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    return out.getvalue()


@override_settings(DEMO=True)
def test_creates_one_demo_account_per_role_and_prints_the_passwords():
    output = run()
    demo = User.objects.filter(is_demo=True)
    assert demo.count() == 6
    assert sorted(demo.values_list("role", flat=True)) == sorted(Role.values)
    assert "demo-staff-2026" in output and "demo-unit-clerk" in output
    assert demo.get(role=Role.STAFF).check_password("demo-staff-2026")
    admin = demo.get(role=Role.ADMINISTRATOR)
    assert admin.is_superuser and admin.is_staff
    assert not demo.filter(is_staff=True).exclude(role=Role.ADMINISTRATOR).exists()


@override_settings(DEMO=True)
def test_demo_accounts_can_sign_in():
    run()
    client = Client()
    response = client.post("/accounts/login/", {"username": "demo-citizen", "password": "demo-citizen-2026"})
    assert response.status_code == 302


@override_settings(DEMO=True)
def test_running_twice_changes_nothing_but_resets_passwords():
    run()
    clerk = User.objects.get(username="demo-unit-clerk")
    clerk.set_password("changed-by-someone")
    clerk.save()
    run()
    assert User.objects.filter(is_demo=True).count() == 6
    clerk.refresh_from_db()
    assert clerk.check_password("demo-unit-clerk-2026")


@override_settings(DEMO=True)
def test_the_clerk_gets_the_first_unit_of_the_current_congress_and_the_deputy_a_deputy():
    term = TermFactory(is_current=True)
    HandlingUnitFactory(congress=term.congress, code="B02")
    first = HandlingUnitFactory(congress=term.congress, code="A01")
    deputy = DeputyFactory(delegation__term=term)
    run()
    assert User.objects.get(username="demo-unit-clerk").handling_unit == first
    deputy.refresh_from_db()
    assert deputy.user == User.objects.get(username="demo-deputy")


@override_settings(DEMO=True)
def test_the_demo_deputy_is_shown_with_its_deputys_name():
    """The header read "代表 (代表)": the role as a placeholder name, then the role."""
    DeputyFactory(delegation__term=TermFactory(is_current=True), name="吕涛志")
    run()
    assert User.objects.get(username="demo-deputy").display_name == "吕涛志"


@override_settings(DEMO=True)
def test_a_placeholder_unit_is_made_only_when_there_is_none():
    run()
    assert HandlingUnit.objects.filter(is_demo=True).count() == 1
    run()
    assert HandlingUnit.objects.count() == 1


@override_settings(DEMO=False)
def test_refuses_in_production_mode():
    with pytest.raises(CommandError):
        run()
    assert not User.objects.exists()


@override_settings(DEMO=True)
def test_never_touches_a_real_account_with_a_demo_name(make_user):
    make_user(Role.STAFF, username="demo-staff")
    with pytest.raises(CommandError):
        run()
    assert not User.objects.filter(is_demo=True).exists()
