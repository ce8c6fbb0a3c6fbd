"""Who may open casework's desks (deny by default: core.permissions).

Casework's action codes belong to each kind of case (`suggestion.assign`, ...). Its desks
span every kind, so they have codes of their own; they only read, and every read is scoped
again by `casework.desk_selectors` (a clerk sees their own unit's rows only).

| code                   | allowed                                                            |
|------------------------|--------------------------------------------------------------------|
| casework.assignments   | staff (every unit) and unit clerks (their unit): what is due        |
| casework.oversight     | staff: what is late by unit, satisfaction by unit, their charts     |

Imported by casework's pages, API and AppConfig.ready().
"""

from core.accounts.roles import Role
from core.permissions import register, roles

ASSIGNMENTS = "casework.assignments"
OVERSIGHT = "casework.oversight"

register(ASSIGNMENTS, roles(Role.STAFF, Role.UNIT_CLERK))
register(OVERSIGHT, roles(Role.STAFF))
