"""Reads about accounts, scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import NotFound
from core.permissions import has_perm

from . import rules
from .models import ApiToken, LoginFailure, User
from .roles import Role

#: The states the account list filters by ("" : every account but the stand-ins).
ACTIVE, DEACTIVATED, LOCKED, STAND_INS = "active", "deactivated", "locked", "contacts"


def _stand_ins() -> Q:
    """voices' stand-in contact accounts: inactive citizens named "contact-…" that cannot sign in."""
    return Q(
        username__startswith=rules.STAND_IN_PREFIX,
        role=Role.CITIZEN,
        is_active=False,
        password__startswith="!",  # an unusable password
    )


def _locked_names() -> list[str]:
    """The (lower-case) account names locked out now."""
    prefix = rules.ACCOUNT_KEY_PREFIX
    keys = LoginFailure.objects.filter(key__startswith=prefix, locked_until__gt=timezone.now())
    return [key[len(prefix) :] for key in keys.values_list("key", flat=True)]


def accounts_for(user, *, query: str = "", role: str = "", state: str = "") -> QuerySet[User]:
    """Accounts the account-management page lists: all for staff and administrators, else none.

    Without a `state`, every account but the stand-in contact accounts (hundreds of them, made
    for citizens' messages, nobody signs in with them); `state` "contacts" lists only those.
    """
    if not has_perm(user, "accounts.manage"):
        return User.objects.none()
    rows = User.objects.select_related("handling_unit", "deputy").order_by("username")
    if query:
        rows = rows.annotate(family_first=Concat("last_name", "first_name")).filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(family_first__icontains=query)
            | Q(deputy__name__icontains=query)
        )
    if role:
        rows = rows.filter(role=role)
    if state == STAND_INS:
        return rows.filter(_stand_ins())
    rows = rows.exclude(_stand_ins())
    if state == ACTIVE:
        rows = rows.filter(is_active=True)
    elif state == DEACTIVATED:
        rows = rows.filter(is_active=False)
    elif state == LOCKED:
        rows = rows.annotate(name_lower=Lower("username")).filter(name_lower__in=_locked_names())
    return rows


def account_row_facts(user, accounts) -> dict[int, dict]:
    """For each account on a page of the list: may this user manage it, is it locked out now,
    has it a second-factor device. Two queries for the whole page."""
    accounts = list(accounts)
    prefix = rules.ACCOUNT_KEY_PREFIX
    keys = [prefix + a.username.lower() for a in accounts]
    locked = {
        key[len(prefix) :]
        for key in LoginFailure.objects.filter(key__in=keys, locked_until__gt=timezone.now()).values_list(
            "key", flat=True
        )
    }
    with_device = set(
        TOTPDevice.objects.filter(user__in=[a.pk for a in accounts]).values_list("user_id", flat=True)
    )
    return {
        a.pk: {
            "manageable": has_perm(user, "accounts.manage_account", a),
            "locked": a.username.lower() in locked,
            "has_device": a.pk in with_device,
        }
        for a in accounts
    }


def locked_addresses(user) -> list[dict]:
    """Client addresses locked out now (everyone signing in from them is refused), for the
    account page, newest lockout first."""
    if not has_perm(user, "accounts.manage"):
        return []
    prefix = rules.ADDRESS_KEY_PREFIX
    rows = LoginFailure.objects.filter(key__startswith=prefix, locked_until__gt=timezone.now()).order_by(
        "-locked_until"
    )
    return [
        {"address": row.key[len(prefix) :], "failures": row.failures, "locked_until": row.locked_until}
        for row in rows
    ]


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
        "phone": user.phone,
        "handling_unit_id": unit.pk if unit else None,
        "handling_unit": unit.name if unit else None,
        "second_factor_verified": is_verified(user),
    }
