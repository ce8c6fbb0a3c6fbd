"""Who may open the suggestion desks (deny by default: core.permissions).

The desks only read; what each shows is scoped again by `proposals.desk_selectors`. Every
action on a desk keeps its own code (proposals/permissions.py, casework's per-kind codes).

| code                     | allowed                                                     |
|--------------------------|-------------------------------------------------------------|
| suggestion.deputy_desk   | deputies: my drafts, invitations, suggestions, replies to rate |
| suggestion.staff_desk    | staff: register and assign queues, lateness and satisfaction |

The register queue opens with `suggestion.register`, the assign queue with
`suggestion.assign`: who may act on a queue may read it.
"""

from core.accounts.roles import Role
from core.permissions import register, roles

DEPUTY_DESK = "suggestion.deputy_desk"
STAFF_DESK = "suggestion.staff_desk"

register(DEPUTY_DESK, roles(Role.DEPUTY))
register(STAFF_DESK, roles(Role.STAFF))
