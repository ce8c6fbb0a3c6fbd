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
        (codes.MOTION_UNSIGN, STAFF | {Role.DEPUTY}),
        (codes.ROSTER_OPEN, STAFF), (codes.ROSTER_REFRESH, STAFF), (codes.PRESIDIUM_SET, STAFF),
        (codes.MOTION_SUBMIT, STAFF), (codes.MOTION_WITHDRAW, STAFF), (codes.MOTION_OPEN, STAFF),
        (codes.MOTION_DECIDE, STAFF), (codes.MOTION_RECORD_HANDS, STAFF),
    ],
)
def test_role_rules(code, allowed):
    assert set(roles_allowed(code)) == allowed


@pytest.mark.django_db
def test_motion_view_lets_deputies_see_only_their_term_s_joint_motions(users):
    """`motion.view`: staff every motion; a deputy a joint motion of their own term; nobody else."""
    from balloting.tests.factories import deputies_for, session_today
    from core.permissions import has_perm
    from plenary.models import Motion

    session = session_today()
    own = deputies_for(session, 1)[0]
    stranger = deputies_for(session_today(), 1)[0]
    joint = Motion(session=session, kind="recall", filed_by="deputies")
    presidium = Motion(session=session, kind="resolution", filed_by="presidium")
    assert has_perm(own.user, codes.MOTION_VIEW, joint) is True
    assert has_perm(own.user, codes.MOTION_VIEW, presidium) is False
    assert has_perm(stranger.user, codes.MOTION_VIEW, joint) is False
    assert has_perm(users[Role.STAFF], codes.MOTION_VIEW, presidium) is True
    for role in (Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC):
        assert has_perm(users[role], codes.MOTION_VIEW) is False
        assert has_perm(users[role], codes.MOTION_VIEW, joint) is False
