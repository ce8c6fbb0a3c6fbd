"""Who may run an election: role rules per action code (deny by default)."""

import pytest

from core.accounts.roles import Role
from core.permissions import roles_allowed
from elections import permissions as codes

STAFF = {Role.STAFF, Role.ADMINISTRATOR}
DEPUTY_CODES = {
    codes.VIEW, codes.NOMINATION_CREATE, codes.NOMINATION_SIGN, codes.NOMINATION_SUBMIT,
    codes.NOMINATION_WITHDRAW, codes.NOMINATION_DECLARE_RELATIVE,
}
STAFF_CODES = {
    codes.OFFICE_CREATE, codes.ELECTION_CREATE, codes.ELECTION_SCHEDULE, codes.SCRUTINEER_APPOINT,
    codes.SCRUTINEER_REMOVE, codes.LIST_FINALISE, codes.ROUND_OPEN, codes.ROUND_COUNT, codes.ANNOUNCE,
    codes.TIE_BREAK, codes.REPEAT, codes.SETTLE_LOT, codes.RUNOFF, codes.DEFER_RUNOFF,
}


@pytest.mark.parametrize("code", sorted(DEPUTY_CODES))
def test_deputies_and_staff(code):
    assert set(roles_allowed(code)) == STAFF | {Role.DEPUTY}


@pytest.mark.parametrize("code", sorted(STAFF_CODES))
def test_staff_only(code):
    assert set(roles_allowed(code)) == STAFF
