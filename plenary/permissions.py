"""Who may run a plenary session's business (deny by default: core.permissions).

- Staff (the session secretariat) and administrators open and update the roster, record
  check-ins, record the presidium, prepare, submit, put to the vote and decide motions.
- A deputy checks themselves in (`attendance.check_in`; the service refuses checking in
  someone else) and may start, sign and take back their signature on a motion deputies may
  file jointly (recall ELEC-19, investigation committee RES-4; the service checks the kind,
  that they sign for themselves, and that the motion still collects signatures). Staff
  record paper signatures (and signatures taken back in writing) for a deputy.
- `motion.view`: the page of a motion filed by deputies jointly (the motion, who signed, how
  many more must sign): staff and administrators every one; a deputy those of the sessions of
  their own term.
- `plenary.view`: staff, administrators and deputies.
- `session.view`: the secretariat's session desk (roster, attendance with the list of who
  has not checked in, quorum, presidium, motions): staff and administrators.

Imported once from PlenaryConfig.ready().
"""

from core.accounts.roles import Role
from core.permissions import register, role_of, roles

VIEW = "plenary.view"
ROSTER_OPEN = "roster.open"
ROSTER_REFRESH = "roster.refresh"
CHECK_IN = "attendance.check_in"
PRESIDIUM_SET = "presidium.set"
MOTION_CREATE = "motion.create"
MOTION_VIEW = "motion.view"
MOTION_SIGN = "motion.sign"
MOTION_UNSIGN = "motion.unsign"
MOTION_SUBMIT = "motion.submit"
MOTION_WITHDRAW = "motion.withdraw"
MOTION_OPEN = "motion.open"
MOTION_DECIDE = "motion.decide"
MOTION_RECORD_HANDS = "motion.record_hands"
SESSION_VIEW = "session.view"

_staff = roles(Role.STAFF, Role.ADMINISTRATOR)
_staff_or_deputy = roles(Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY)


def deputy_of(user):
    """The deputy record of a deputy's account (a user has at most one), or None."""
    from core.organisation.models import Deputy

    if role_of(user) != Role.DEPUTY:
        return None
    return Deputy.objects.filter(user=user).select_related("term").first()


def can_view_joint_motion(user, motion=None) -> bool:
    """Staff and administrators: every motion. A deputy: a motion deputies file jointly, in a
    session of their own term (at the door, `motion=None`: any deputy)."""
    role = role_of(user)
    if role in (Role.STAFF, Role.ADMINISTRATOR):
        return True
    if role != Role.DEPUTY:
        return False
    if motion is None:
        return True
    if motion.filed_by != "deputies":
        return False
    deputy = deputy_of(user)
    return deputy is not None and deputy.term_id == motion.session.term_id


register(MOTION_VIEW, can_view_joint_motion)

register(VIEW, _staff_or_deputy)
register(CHECK_IN, _staff_or_deputy)
register(MOTION_CREATE, _staff_or_deputy)
register(MOTION_SIGN, _staff_or_deputy)
register(MOTION_UNSIGN, _staff_or_deputy)
for _code in (ROSTER_OPEN, ROSTER_REFRESH, PRESIDIUM_SET, MOTION_SUBMIT, MOTION_WITHDRAW, MOTION_OPEN,
              MOTION_DECIDE, MOTION_RECORD_HANDS):
    register(_code, _staff)
register(SESSION_VIEW, _staff)
