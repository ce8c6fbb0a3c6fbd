"""Reads of the inbox: each user sees only their own notifications."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.permissions import has_perm

from .models import Notification
from .permissions import INBOX


def inbox(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    if not has_perm(user, INBOX):
        return Notification.objects.none()
    rows = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.annotate(
        unread=Case(When(read_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-unread", "-created_at", "-id")


def unread_count(user) -> int:
    """How many notifications the user has not read (0 when signed out)."""
    if not has_perm(user, INBOX):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
