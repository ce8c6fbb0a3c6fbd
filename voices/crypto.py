"""SEC-8: field-level encryption of citizens' phone and ID numbers, and a keyed look-up hash.

Fernet (AES-128-CBC with an HMAC-SHA256 tag) from `cryptography`; the key is
settings.FIELD_ENCRYPTION_KEY (urlsafe base64 of 32 bytes, `DATONG_FIELD_KEY`), or, when that
is empty, derived from SECRET_KEY with HKDF so the demo and the tests need no set-up.
`lookup_key()` lets staff find earlier messages from the same phone without decrypting
every row; it is an HMAC under a second derived key, so the column alone reveals nothing.

Keys rotate: the new key becomes DATONG_FIELD_KEY and the old one moves to
settings.FIELD_ENCRYPTION_RETIRED_KEYS (`DATONG_FIELD_RETIRED_KEYS`, comma-separated). Values
are then written under the new key and read under any of them, and look-ups try every key's
hash (`lookup_keys`), until `manage.py voices_rekey` has rewritten every stored value under the
new key (`rekey`); after that the retired key can be dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class DecryptionFailed(Exception):
    """The stored value was written under none of the configured keys (or was altered)."""


def _derive(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"datong-voices", info=purpose).derive(material)


def _raw(configured: str, setting: str) -> bytes:
    raw = base64.urlsafe_b64decode(configured.encode())
    if len(raw) != 32:
        raise ValueError(f"{setting} must be urlsafe base64 of 32 bytes")
    return raw


@dataclass(frozen=True)
class _Keyring:
    current: Fernet  # writes
    readers: MultiFernet  # reads: the current key first, then the retired ones
    lookups: tuple[bytes, ...]  # the look-up hash keys, in the same order


@lru_cache(maxsize=4)
def _keyring(configured: str, retired: tuple[str, ...], secret: str) -> _Keyring:
    raws = [_raw(configured, "DATONG_FIELD_KEY") if configured else _derive(secret.encode(), b"field-encryption")]
    raws += [_raw(key, "DATONG_FIELD_RETIRED_KEYS") for key in retired]
    fernets = [Fernet(base64.urlsafe_b64encode(_derive(raw, b"fernet"))) for raw in raws]
    return _Keyring(current=fernets[0], readers=MultiFernet(fernets), lookups=tuple(_derive(raw, b"lookup") for raw in raws))


def _current() -> _Keyring:
    retired = tuple(k.strip() for k in getattr(settings, "FIELD_ENCRYPTION_RETIRED_KEYS", ()) if k.strip())
    return _keyring(settings.FIELD_ENCRYPTION_KEY, retired, settings.SECRET_KEY)


def rotating() -> bool:
    """Whether a retired key is configured (values may be stored under it)."""
    return len(_current().lookups) > 1


def encrypt(value: str) -> str:
    """The ciphertext of `value` under the current key ("" stays "")."""
    if not value:
        return ""
    return _current().current.encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The value, read under the current key or a retired one."""
    if not token:
        return ""
    readers = _current().readers  # a misconfigured key is a ValueError, not a bad value
    try:
        return readers.decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise DecryptionFailed from exc


def is_current(token: str) -> bool:
    """Whether `token` is written under the current key ("" is: there is nothing to rewrite)."""
    if not token:
        return True
    current = _current().current
    try:
        current.decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        return False
    return True


def rekey(token: str) -> str:
    """`token` rewritten under the current key (same value, same timestamp)."""
    if not token:
        return ""
    readers = _current().readers
    try:
        return readers.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as exc:
        raise DecryptionFailed from exc


_NOT_DIGIT = re.compile(r"[^0-9Xx]")
#: Full-width forms (U+FF01..U+FF5E, typed by Chinese input methods: ０１３８, －, （）, Ｘ) and
#: the ideographic space, as their ASCII counterparts.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}


def halfwidth(value: str) -> str:
    """`value` with full-width digits, letters and punctuation as ASCII (１３８ → 138)."""
    return (value or "").translate(_HALFWIDTH)


def normalise_number(value: str) -> str:
    """Digits only (and a final X of an ID number), without +86 / 0086 prefixes; full-width
    digits count as digits. What an ASCII number normalises to never changes: its look-up
    hash (`lookup_key`) is stored."""
    digits = _NOT_DIGIT.sub("", halfwidth(value)).upper()
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits


_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalise_phone(value: str) -> str:
    """A phone's digits in one form whatever the spelling, what its look-up hash is made of:

    - a mobile as its 11 digits (+86, 0086, 86 and a dialled-out 0 before it dropped:
      013812345678 is 13812345678);
    - a landline with its area code's 0 (+86 352 5021234 and 0086 352 5021234 are
      0352-5021234's 03525021234: after the country code the 0 is left out, though often kept);
    - anything else as `normalise_number` has it.

    Before 2026-11-27 a +86 landline hashed as 86352… and a 0 before a mobile was refused;
    `voices_rekey` rewrites such stored hashes."""
    number = normalise_number(value)
    text = halfwidth(value or "").strip()
    if number.startswith("0086"):
        number = number[4:]
    elif text.startswith("+") and number.startswith("86"):
        number = number[2:]
    else:
        return number[1:] if number.startswith("0") and _MOBILE.fullmatch(number[1:]) else number
    if number and not number.startswith("0") and not _MOBILE.fullmatch(number):
        number = "0" + number
    return number


def lookup_key(value: str) -> str:
    """A keyed hash of the normalised number under the current key, for equality look-ups
    ("" for no number): what is stored beside the encrypted number."""
    keys = lookup_keys(value)
    return keys[0] if keys else ""


def lookup_keys(value: str) -> list[str]:
    """The number's hash under every configured key, the current key's first ([] for no
    number): while keys rotate, a message stored under a retired key is found too."""
    number = normalise_phone(value)
    if not number:
        return []
    return [hmac.new(key, number.encode(), hashlib.sha256).hexdigest() for key in _current().lookups]


def mask_phone(phone: str) -> str:
    """138****1234: what roles without the right to see the number get (SEC-8)."""
    number = normalise_phone(phone)
    if len(number) < 7:
        return "*" * len(number)
    if len(number) < 11:
        # A local number without its area code (5021234): 3 + 4 shown would be all but one
        # digit. Two at each end, as much as a mobile's mask leaves out.
        return number[:2] + "*" * (len(number) - 4) + number[-2:]
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
