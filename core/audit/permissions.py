"""Who may read and check the audit log: staff read it, administrators also verify the chain."""

from core.accounts.roles import Role
from core.permissions import register, roles

VIEW = "audit.view"
VERIFY = "audit.verify"

register(VIEW, roles(Role.STAFF, Role.ADMINISTRATOR))
register(VERIFY, roles(Role.ADMINISTRATOR))
