"""SMS: a pluggable backend, off by default.

`settings.DATONG_SMS_BACKEND` is the dotted path of a class with `send(phone, text)`; empty
means no SMS at all. The provider is a contractor holding personal data (SEC-12): send only
the notification's title, never its text.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class BaseSMSBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Writes each message to the log (demo and development); the number is masked."""

    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s: %s", mask_phone(phone), text)


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in `LocmemSMSBackend.outbox` as (phone, text) pairs (tests)."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        type(self).outbox.append((phone, text))


def get_sms_backend() -> BaseSMSBackend | None:
    """The configured backend, or None when SMS is off."""
    path = getattr(settings, "DATONG_SMS_BACKEND", "") or ""
    if not path.strip():
        return None
    return import_string(path.strip())()


def mask_phone(phone: str) -> str:
    """Only the last four digits show (and nothing of a number that short)."""
    phone = phone.strip()
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 4) + phone[-4:]
