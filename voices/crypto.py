"""SEC-8: field-level encryption of citizens' phone and ID numbers, and a keyed look-up hash.

Fernet (AES-128-CBC with an HMAC-SHA256 tag) from `cryptography`; the key is
settings.FIELD_ENCRYPTION_KEY (urlsafe base64 of 32 bytes, `DATONG_FIELD_KEY`), or, when that
is empty, derived from SECRET_KEY with HKDF so the demo and the tests need no set-up.
`lookup_key()` lets staff find earlier messages from the same phone without decrypting
every row; it is an HMAC under a second derived key, so the column alone reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class DecryptionFailed(Exception):
    """The stored value was not written under the current key (or was altered)."""


def _derive(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"datong-voices", info=purpose).derive(material)


@lru_cache(maxsize=4)
def _keys(configured: str, secret: str) -> tuple[Fernet, bytes]:
    if configured:
        raw = base64.urlsafe_b64decode(configured.encode())
        if len(raw) != 32:
            raise ValueError("DATONG_FIELD_KEY must be urlsafe base64 of 32 bytes")
    else:
        raw = _derive(secret.encode(), b"field-encryption")
    fernet = Fernet(base64.urlsafe_b64encode(_derive(raw, b"fernet")))
    return fernet, _derive(raw, b"lookup")


def _current() -> tuple[Fernet, bytes]:
    return _keys(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(value: str) -> str:
    """The ciphertext of `value` ("" stays "")."""
    if not value:
        return ""
    return _current()[0].encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current()[0].decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise DecryptionFailed from exc


_NOT_DIGIT = re.compile(r"[^0-9Xx]")


def normalise_number(value: str) -> str:
    """Digits only (and a final X of an ID number), without +86 / 0086 prefixes."""
    digits = _NOT_DIGIT.sub("", value or "").upper()
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits


def lookup_key(value: str) -> str:
    """A keyed hash of the normalised number, for equality look-ups ("" for no number)."""
    number = normalise_number(value)
    if not number:
        return ""
    return hmac.new(_current()[1], number.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """138****1234: what roles without the right to see the number get (SEC-8)."""
    number = normalise_number(phone)
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_id_number(value: str) -> str:
    """140202********123X: region code and the last four only."""
    number = normalise_number(value)
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """张** (the family name only)."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""
