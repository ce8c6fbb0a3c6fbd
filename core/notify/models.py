"""Notifications: one row per recipient in the in-app inbox; e-mail and SMS are delivered from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # The action code that caused it ("suggestion.register"), as in the audit log.
    action = models.CharField(_("action"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The translation calls behind title and body, to show them in the reader's language of
    # today (core.notify.texts); null for plain text and for rows from before it was kept.
    texts = models.JSONField(_("texts to translate"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Delivery: what was asked for and when it went out (a task may run twice: send once).
    send_email = models.BooleanField(_("send by e-mail"), default=True)
    send_sms = models.BooleanField(_("send by SMS"), default=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("SMS sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notify_recipient_read_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language when it can be, else as it was sent."""
        return self._shown("title") or self.title

    @property
    def shown_body(self) -> str:
        return self._shown("body") or self.body

    def _shown(self, part: str) -> str | None:
        from .texts import render

        if not self.texts:
            return None
        text = render(self.texts.get(part), self.texts.get("params"))
        return " ".join(text.split())[:300] if text is not None and part == "title" else text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
