"""Every account page opens for the roles it is meant for."""

import pytest

from core.accounts.roles import Role

pytestmark = pytest.mark.django_db

EVERY_ROLE_PAGES = [
    "/accounts/profile/",
    "/accounts/password/",
    "/accounts/tokens/",
    "/accounts/second-factor/",
]
OFFICE_PAGES = ["/accounts/users/", "/accounts/users/new/"]


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("path", EVERY_ROLE_PAGES)
def test_own_account_pages_open_for_every_role(client_for, role, path):
    assert client_for(role).get(path).status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMINISTRATOR])
@pytest.mark.parametrize("path", OFFICE_PAGES)
def test_account_management_opens_for_staff_and_administrators(client_for, role, path):
    assert client_for(role).get(path).status_code == 200


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
def test_account_management_is_refused_to_everyone_else(client_for, role):
    assert client_for(role).get("/accounts/users/").status_code == 403


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/"])
def test_public_pages_open_anonymously(client, path):
    assert client.get(path).status_code == 200


def test_login_keeps_the_next_page(client):
    page = client.get("/accounts/login/?next=/accounts/tokens/").content.decode()
    assert 'name="next" value="/accounts/tokens/"' in page
