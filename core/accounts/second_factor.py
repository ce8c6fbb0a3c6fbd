"""The TOTP second factor: who must use it, and what a signed-in user still has to do."""

from __future__ import annotations

from django.conf import settings
from django_otp import user_has_device

ENROL = "enrol"
VERIFY = "verify"


def is_required(user) -> bool:
    """Roles in SECOND_FACTOR_REQUIRED_ROLES (staff and administrators in production) must use it."""
    return getattr(user, "role", None) in set(getattr(settings, "SECOND_FACTOR_REQUIRED_ROLES", ()) or ())


def is_verified(user) -> bool:
    """True when this session was confirmed with a device (django_otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def pending_step(user) -> str | None:
    """What a signed-in user must do before using anything else: ENROL, VERIFY or nothing.

    Whoever has a confirmed device verifies it after the password (having one means the user
    chose a second factor); a user whose role requires one and has none must enrol.
    """
    if user is None or not user.is_authenticated or is_verified(user):
        return None
    if user_has_device(user, confirmed=True):
        return VERIFY
    if is_required(user):
        return ENROL
    return None


def has_device(user) -> bool:
    return bool(user is not None and user.is_authenticated and user_has_device(user, confirmed=True))


def secret_for_display(device) -> str:
    """The device key in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
