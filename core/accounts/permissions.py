"""Who may do what with accounts (deny by default: see core.permissions)."""

from __future__ import annotations

from core.permissions import register, role_of, roles

from .roles import Role

SIGNED_IN_ROLES = tuple(Role.values)


def can_manage_account(user, account=None) -> bool:
    """Staff manage every account but an administrator's; administrators manage all."""
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return True
    if role != Role.STAFF:
        return False
    return account is None or account.role != Role.ADMINISTRATOR


# One's own profile, language, password and second factor: any signed-in account.
register("accounts.profile", roles(*SIGNED_IN_ROLES))
# One's own API tokens (the token acts with its owner's role, nothing more).
register("accounts.token", roles(*SIGNED_IN_ROLES))
# The account-management pages: list, create, deactivate, reset a lockout.
register("accounts.manage", roles(Role.STAFF, Role.ADMINISTRATOR))
# One particular account (object rule: staff may not touch an administrator).
register("accounts.manage_account", can_manage_account)
# Creating an administrator account, and the Django admin site.
register("accounts.manage_administrators", roles(Role.ADMINISTRATOR))
register("accounts.admin_site", roles(Role.ADMINISTRATOR))
