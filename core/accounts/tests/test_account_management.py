"""The congress office's account page: list, create, deactivate (staff and administrators)."""

import re

import pytest
from django.test import Client

from core.accounts.models import User
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.organisation.tests.factories import DeputyFactory, HandlingUnitFactory

pytestmark = pytest.mark.django_db

CREATE = "/accounts/users/new/"


@pytest.fixture
def staff(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users[Role.STAFF])
    return client


def test_staff_see_every_account(staff, users):
    page = staff.get("/accounts/users/").content.decode()
    for user in users.values():
        assert user.username in page


def test_search_and_role_filter(staff, users):
    page = staff.get("/accounts/users/", {"role": Role.UNIT_CLERK}).content.decode()
    assert users[Role.UNIT_CLERK].username in page
    assert users[Role.DEPUTY].username not in page


def test_staff_create_a_unit_clerk_bound_to_a_unit(staff):
    unit = HandlingUnitFactory()
    response = staff.post(
        CREATE, {"username": "clerk-9", "role": Role.UNIT_CLERK, "handling_unit": unit.pk}, follow=True
    )
    assert response.status_code == 200
    clerk = User.objects.get(username="clerk-9")
    assert clerk.role == Role.UNIT_CLERK and clerk.handling_unit == unit
    # The first password is shown once and works.
    password = response.context["password"]
    assert clerk.check_password(password)
    assert password in response.content.decode()
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.after["handling_unit"] == unit.pk
    assert password not in str(entry.after)


def test_a_unit_clerk_without_a_unit_is_refused(staff):
    response = staff.post(CREATE, {"username": "clerk-0", "role": Role.UNIT_CLERK})
    assert "handling_unit" in response.context["form"].errors
    assert not User.objects.filter(username="clerk-0").exists()


def test_a_deputy_account_is_linked_to_its_deputy(staff):
    deputy = DeputyFactory()
    staff.post(CREATE, {"username": "dep-1", "role": Role.DEPUTY, "deputy": deputy.pk})
    deputy.refresh_from_db()
    assert deputy.user.username == "dep-1"


def test_staff_cannot_create_an_administrator(staff):
    response = staff.post(CREATE, {"username": "root2", "role": Role.ADMINISTRATOR})
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="root2").exists()


def test_administrators_create_administrators_who_may_use_the_admin(users):
    client = Client()
    client.force_login(users[Role.ADMINISTRATOR])
    client.post(CREATE, {"username": "root2", "role": Role.ADMINISTRATOR})
    root = User.objects.get(username="root2")
    assert root.is_staff and root.is_superuser


def test_staff_deactivate_an_account_and_it_cannot_sign_in(staff, users):
    deputy = users[Role.DEPUTY]
    response = staff.post(f"/accounts/users/{deputy.pk}/deactivate/")
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.is_active is False
    assert AuditEntry.objects.filter(action="user.deactivate", target_id=str(deputy.pk)).exists()
    other = Client()
    other.force_login(deputy)
    assert other.get("/accounts/profile/").status_code == 302  # signed out: to the login page


def test_staff_cannot_deactivate_an_administrator(staff, users):
    response = staff.post(f"/accounts/users/{users[Role.ADMINISTRATOR].pk}/deactivate/")
    assert response.status_code == 403
    users[Role.ADMINISTRATOR].refresh_from_db()
    assert users[Role.ADMINISTRATOR].is_active


def test_nobody_deactivates_themselves(staff, users):
    staff.post(f"/accounts/users/{users[Role.STAFF].pk}/deactivate/")
    users[Role.STAFF].refresh_from_db()
    assert users[Role.STAFF].is_active


def test_only_administrators_may_be_admin_site_users(users):
    """Constraint: is_staff / is_superuser only on administrators (staff use the pages)."""
    from django.db import IntegrityError, transaction

    staff_user = users[Role.STAFF]
    staff_user.is_superuser = True
    with pytest.raises(IntegrityError), transaction.atomic():
        staff_user.save()


def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("root", "root@example.org", "a-long-pass-2026")
    assert user.role == Role.ADMINISTRATOR


@pytest.mark.parametrize("path", ["/admin/accounts/user/add/", "/admin/accounts/apitoken/", "/admin/"])
def test_administrator_uses_the_django_admin(client_for, path):
    assert client_for(Role.ADMINISTRATOR).get(path).status_code == 200


def test_administrator_opens_an_account_in_the_admin(client_for, users):
    citizen = users[Role.CITIZEN]
    page = client_for(Role.ADMINISTRATOR).get(f"/admin/accounts/user/{citizen.pk}/change/")
    assert page.status_code == 200
    assert "handling_unit" in page.content.decode()


def test_the_deputy_list_shows_number_and_name_in_number_order(staff):
    """As on the other forms: "number name", ordered by number (not by name or by entry)."""
    later = DeputyFactory(code="D0300", name="王五")
    first = DeputyFactory(term=later.term, delegation=later.delegation, code="D0012", name="张三")
    DeputyFactory(
        term=later.term,
        delegation=later.delegation,
        code="D0100",
        name="李四",
        in_office=False,
        left_office_on="2025-01-01",
    )
    field = staff.get(CREATE).context["form"]["deputy"]
    labels = [str(choice[1]) for choice in field.field.choices if choice[0]]
    assert labels == ["D0012 张三", "D0300 王五"]
    page = staff.get(CREATE).content.decode()
    assert f'value="{first.pk}">D0012 张三</option>' in page


# --- the first password: handed over in person, shown once ------------------------------------

LOOK_ALIKES = set("Il1O0o")


def test_the_first_password_has_no_look_alike_characters_and_comes_in_groups(staff):
    for n in range(5):
        response = staff.post(CREATE, {"username": f"dep-{n}", "role": Role.DEPUTY}, follow=True)
        password = response.context["password"]
        assert not LOOK_ALIKES & set(password), password
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password), password
        assert User.objects.get(username=f"dep-{n}").check_password(password)


def test_the_first_password_is_shown_on_the_next_page_once(staff):
    response = staff.post(CREATE, {"username": "dep-7", "role": Role.DEPUTY})
    assert response.status_code == 302  # reloading the next page does not send the form again
    target = response.headers["Location"]
    assert target == "/accounts/users/created/"
    shown = staff.get(target)
    password = shown.context["password"]
    assert password in shown.content.decode() and "dep-7" in shown.content.decode()
    assert password not in target
    again = staff.get(target)  # a reload
    assert again.status_code == 302 and again.headers["Location"] == "/accounts/users/"
    assert password not in staff.get("/accounts/users/").content.decode()
    assert User.objects.filter(username="dep-7").count() == 1


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
def test_nobody_else_opens_the_first_password_page(client_for, role):
    assert client_for(role).get("/accounts/users/created/").status_code == 403
