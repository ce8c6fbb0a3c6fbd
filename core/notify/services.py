"""Notifications: write inbox rows in the caller's transaction, deliver e-mail/SMS after commit.

`notify()` is called by the state-change functions (core.workflow) after the change and its
audit entry: if the change rolls back, so do the inbox rows, and nothing is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import rawrows
from core.errors import NotFound
from core.permissions import require

from .models import Notification
from .permissions import INBOX
from .sms import get_sms_backend
from .texts import params_recipe, recipe

log = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable,
    action: str,
    title,
    body="",
    url: str = "",
    params: dict | None = None,
    email: bool = True,
    sms: bool = True,
) -> list[Notification]:
    """Put a notification in each recipient's inbox; e-mail (and SMS, if a backend is set)
    once the caller's transaction commits.

    `title` and `body` may be lazy (`gettext_lazy`): each recipient gets them in their own
    language, with `params` filled into named placeholders (`"%(number)s"`). Inactive or
    repeated recipients are skipped. Returns the inbox rows written.
    """
    rows: list[Notification] = []
    seen: set[int] = set()
    texts = _texts(title, body, params)
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            title_text = _fill(title, params)
            body_text = _fill(body, params)
        rows.append(
            Notification(
                recipient=user,
                action=action,
                title=" ".join(title_text.split())[:300],
                body=body_text,
                url=str(url or "")[:500],
                texts=texts,
                send_email=email,
                send_sms=sms,
            )
        )
    if not rows:
        return []
    created = rawrows.insert(rows)
    sms_on = bool((getattr(settings, "DATONG_SMS_BACKEND", "") or "").strip())
    to_deliver = [
        n.pk
        for n in created
        if (n.send_email and n.recipient.email) or (n.send_sms and sms_on and n.recipient.phone)
    ]
    if to_deliver:
        transaction.on_commit(partial(_enqueue_delivery, to_deliver), robust=True)
    return created


def _texts(title, body, params: dict | None) -> dict | None:
    # Kept only when the title or body is a translation call and every param can be stored.
    kept = {"title": recipe(title), "body": recipe(body)}
    if kept["title"] is None and kept["body"] is None:
        return None
    stored_params = params_recipe(params)
    if stored_params is None:
        return None
    kept["params"] = stored_params
    return kept


def _fill(text, params: dict | None) -> str:
    text = str(text or "")
    return text % params if params else text


def _enqueue_delivery(notification_ids: list[int]) -> None:
    from .tasks import deliver_notification

    for notification_id in notification_ids:
        deliver_notification.enqueue(notification_id=notification_id)


def deliver_notification(*, notification_id: int) -> dict[str, bool]:
    """Send one notification by e-mail and SMS, each at most once even if run twice.

    A channel is claimed (its `…_at` set) before sending and released if sending fails, so
    a retried task sends what is still missing. Returns which channels sent now.
    """
    sent = {"email": False, "sms": False}
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.is_active:
        return sent
    user = notification.recipient
    if notification.send_email and user.email and _claim(notification, "emailed_at"):
        try:
            _send_email(notification)
        except Exception:
            _release(notification, "emailed_at")
            raise
        sent["email"] = True
    backend = get_sms_backend() if notification.send_sms and user.phone else None
    if backend is not None and _claim(notification, "sms_sent_at"):
        try:
            backend.send(user.phone, notification.title)
        except Exception:
            _release(notification, "sms_sent_at")
            raise
        sent["sms"] = True
    return sent


def _claim(notification: Notification, field: str) -> bool:
    return bool(
        Notification.objects.filter(pk=notification.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
    )


def _release(notification: Notification, field: str) -> None:
    Notification.objects.filter(pk=notification.pk).update(**{field: None})


def _absolute(url: str) -> str:
    site = (getattr(settings, "DATONG_SITE_URL", "") or "").rstrip("/")
    return f"{site}{url}" if site and url.startswith("/") else url


def _send_email(notification: Notification) -> None:
    user = notification.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        parts = [notification.body] if notification.body else []
        if notification.url:
            parts.append(_("Open it here: %(url)s") % {"url": _absolute(notification.url)})
        parts.append(_("This message is also in your inbox in Datong."))
        send_mail(notification.title, "\n\n".join(parts), None, [user.email])


def mark_read(*, by, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read. Raises NotFound for anyone else's."""
    require(by, INBOX)
    notification = Notification.objects.filter(pk=notification_id, recipient_id=by.pk).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, by) -> int:
    """Mark all the user's unread notifications read; returns how many."""
    require(by, INBOX)
    return Notification.objects.filter(recipient_id=by.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_read_for(*, user, url: str, actions: Iterable[str] = ()) -> int:
    """Mark read the user's unread notifications that point at `url` (and, if `actions` are
    given, were sent for one of them): what they asked the user to do is done, so they no
    longer wait in the inbox. Returns how many.

    Called by the service that did it (e.g. the rating of a reply), which has checked its own
    permission; a notification is the user's own, so nothing else is touched. `user` may be
    None (a filer without an account): nothing to do then.
    """
    if user is None or not url:
        return 0
    rows = Notification.objects.filter(recipient_id=user.pk, url=url, read_at__isnull=True)
    actions = list(actions)
    if actions:
        rows = rows.filter(action__in=actions)
    return rows.update(read_at=timezone.now())
