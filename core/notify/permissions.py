"""The inbox: every signed-in user has one and sees only their own notifications."""

from core.accounts.roles import Role
from core.permissions import register, roles

INBOX = "notify.inbox"

register(INBOX, roles(*Role.values))
