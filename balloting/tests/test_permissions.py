"""Who may do what with a secret vote: role rules per action code (deny by default)."""

import pytest

from balloting import permissions as codes
from core.accounts.roles import Role
from core.permissions import has_perm, roles_allowed

STAFF = {Role.STAFF, Role.ADMINISTRATOR}


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        (codes.VIEW, STAFF | {Role.DEPUTY}),
        (codes.CREATE, STAFF), (codes.APPOINT, STAFF), (codes.OPEN, STAFF), (codes.CLOSE, STAFF),
        (codes.VOID, STAFF), (codes.COUNT, STAFF), (codes.ISSUE, STAFF),
    ],
)
def test_role_rules(code, allowed):
    assert set(roles_allowed(code)) == allowed


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role.values))
def test_only_deputies_may_cast_and_only_scrutineers_enter(users, role):
    assert has_perm(users[role], codes.CAST) is (role == Role.DEPUTY)
    assert has_perm(users[role], codes.ENTER) is False  # no round: nobody is its scrutineer
    assert has_perm(users[role], codes.SIGN_OFF) is False
    assert has_perm(None, codes.CAST) is False
