"""Who may run a plenary session's business (deny by default: core.permissions).

- Staff (the session secretariat) and administrators open and update the roster, record
  check-ins, record the presidium, prepare, submit, put to the vote and decide motions.
- A deputy checks themselves in (`attendance.check_in`; the service refuses checking in
  someone else) and may start and sign a motion deputies may file jointly (recall,
  investigation committee; the service checks the kind and that they sign for themselves).
- `plenary.view`: staff, administrators and deputies.
- `session.view`: the secretariat's session desk (roster, attendance with the list of who
  has not checked in, quorum, presidium, motions): staff and administrators.

Imported once from PlenaryConfig.ready().
"""

from core.accounts.roles import Role
from core.permissions import register, roles

VIEW = "plenary.view"
ROSTER_OPEN = "roster.open"
ROSTER_REFRESH = "roster.refresh"
CHECK_IN = "attendance.check_in"
PRESIDIUM_SET = "presidium.set"
MOTION_CREATE = "motion.create"
MOTION_SIGN = "motion.sign"
MOTION_SUBMIT = "motion.submit"
MOTION_WITHDRAW = "motion.withdraw"
MOTION_OPEN = "motion.open"
MOTION_DECIDE = "motion.decide"
MOTION_RECORD_HANDS = "motion.record_hands"
SESSION_VIEW = "session.view"

_staff = roles(Role.STAFF, Role.ADMINISTRATOR)
_staff_or_deputy = roles(Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY)

register(VIEW, _staff_or_deputy)
register(CHECK_IN, _staff_or_deputy)
register(MOTION_CREATE, _staff_or_deputy)
register(MOTION_SIGN, _staff_or_deputy)
for _code in (ROSTER_OPEN, ROSTER_REFRESH, PRESIDIUM_SET, MOTION_SUBMIT, MOTION_WITHDRAW, MOTION_OPEN,
              MOTION_DECIDE, MOTION_RECORD_HANDS):
    register(_code, _staff)
register(SESSION_VIEW, _staff)
