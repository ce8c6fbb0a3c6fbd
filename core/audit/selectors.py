"""Reads of the audit log, for those allowed to read it (audit.view)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from core.permissions import has_perm

from .models import AuditEntry
from .permissions import VIEW


def audit_entries(
    *,
    user,
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries newest first, filtered; none at all for a user without audit.view.

    `action` matches the start of the code ("suggestion." finds every suggestion action);
    `actor` is an account id or part of the actor's label; the dates are local (TIME-5) and
    both included.
    """
    if not has_perm(user, VIEW):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.order_by("-seq")
    if action:
        entries = entries.filter(action__startswith=action.strip())
    if target_type:
        entries = entries.filter(target_type=target_type.strip().lower())
    if target_id:
        entries = entries.filter(target_id=target_id.strip())
    if actor:
        actor = actor.strip()
        match = Q(actor_label__icontains=actor)
        if actor.isdigit():
            match |= Q(actor_id=int(actor))
        entries = entries.filter(match)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries


def audit_entry(*, user, entry_id: int) -> AuditEntry | None:
    """One entry, or None when it does not exist or the user may not read the log."""
    return audit_entries(user=user).filter(pk=entry_id).first()


def action_codes(*, user) -> list[str]:
    """The action codes recorded so far, for the filter's suggestions."""
    return list(audit_entries(user=user).order_by("action").values_list("action", flat=True).distinct())
