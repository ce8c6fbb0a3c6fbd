"""Who may run a session's business: role rules per action code (deny by default)."""

import pytest

from core.accounts.roles import Role
from core.permissions import roles_allowed
from plenary import permissions as codes

STAFF = {Role.STAFF, Role.ADMINISTRATOR}


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        (codes.VIEW, STAFF | {Role.DEPUTY}), (codes.CHECK_IN, STAFF | {Role.DEPUTY}),
        (codes.MOTION_CREATE, STAFF | {Role.DEPUTY}), (codes.MOTION_SIGN, STAFF | {Role.DEPUTY}),
        (codes.ROSTER_OPEN, STAFF), (codes.ROSTER_REFRESH, STAFF), (codes.PRESIDIUM_SET, STAFF),
        (codes.MOTION_SUBMIT, STAFF), (codes.MOTION_WITHDRAW, STAFF), (codes.MOTION_OPEN, STAFF),
        (codes.MOTION_DECIDE, STAFF), (codes.MOTION_RECORD_HANDS, STAFF),
    ],
)
def test_role_rules(code, allowed):
    assert set(roles_allowed(code)) == allowed
