"""Who may read and change the working-day calendar."""

from core.accounts.roles import Role
from core.permissions import register, roles

#: Any signed-in account may look at holidays and compute a deadline (public information).
VIEW = "calendar.view"
#: Only congress staff and administrators change the table (TIME-4).
EDIT = "calendar.edit"

register(VIEW, roles(*Role.values))
register(EDIT, roles(Role.STAFF, Role.ADMINISTRATOR))
