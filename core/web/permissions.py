"""Who may see which part of the pages' shell (deny by default: core.permissions).

Imported once from WebConfig.ready(), so each code is registered once.
"""

from core.accounts.roles import Role
from core.permissions import register, roles

#: The staff desk's figures and charts (the API's chart endpoints too).
STAFF_DASHBOARD = "web.staff_dashboard"
#: The administrator's system desk.
ADMIN_DESK = "web.admin_desk"

register(STAFF_DASHBOARD, roles(Role.STAFF, Role.ADMINISTRATOR))
register(ADMIN_DESK, roles(Role.ADMINISTRATOR))
