"""Reads about accounts, scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.errors import NotFound
from core.permissions import has_perm

from .models import ApiToken, User


def accounts_for(user, *, query: str = "", role: str = "") -> QuerySet[User]:
    """Accounts the account-management page lists: all for staff and administrators, else none."""
    if not has_perm(user, "accounts.manage"):
        return User.objects.none()
    rows = User.objects.select_related("handling_unit").order_by("username")
    if query:
        rows = rows.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    if role:
        rows = rows.filter(role=role)
    return rows


def account_for(user, account_id: int) -> User:
    """One account the user may manage, or NotFound (never tells whether it exists)."""
    account = User.objects.filter(pk=account_id).select_related("handling_unit").first()
    if account is None or not has_perm(user, "accounts.manage_account", account):
        raise NotFound()
    return account


def tokens_for(user) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first."""
    if not has_perm(user, "accounts.token"):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def profile_of(user) -> dict:
    """What /api/accounts/me and the profile page show about the signed-in account."""
    from .second_factor import is_verified

    unit = user.handling_unit
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": user.display_name,
        "role": user.role,
        "language": user.language,
        "email": user.email,
        "handling_unit_id": unit.pk if unit else None,
        "handling_unit": unit.name if unit else None,
        "second_factor_verified": is_verified(user),
    }
