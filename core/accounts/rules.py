"""Rules of accounts and signing in, as plain functions (no database, no clock of their own).

None of these is a statutory rule with its own rules.md ID; they serve SEC-8 (security
measures: the sign-in limits, the first password) and plain usage (how a name is written).
The code and the tests that rely on them call them by the names below.
"""

from __future__ import annotations

import re

# --- the name-order rule ----------------------------------------------------------------

#: Han ideographs (the unified block, extensions A to F and the compatibility block), and the
#: separating dots of transcribed names (阿依古丽·买买提).
_HAN_NAME = re.compile(
    r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u00b7\u30fb\u2027\s]+$"
)


def person_name(given: str, family: str) -> str:
    """The name-order rule: a name written in Chinese characters is family name then given name,
    with no space (王 + 小明: 王小明), whatever the interface language; any other name is
    "Given Family" (Ann + Lee: Ann Lee). One part alone is that part; none is "".
    """
    given, family = (given or "").strip(), (family or "").strip()
    if not given or not family:
        return given or family
    if _HAN_NAME.match(family + given):
        return family + given
    return f"{given} {family}"


# --- the sign-in limits (SEC-8) -----------------------------------------------------------

ACCOUNT_KEY_PREFIX = "user:"
ADDRESS_KEY_PREFIX = "ip:"


def failure_limit(key: str, *, account_limit: int, address_limit: int) -> int:
    """The address limit: failures from one client address are counted across every account
    name tried from it, against a limit of their own, far higher than one account's. Offices
    sign in from behind one NAT address, and a site behind a reverse proxy sees one address for
    everybody unless it trusts the proxy's header: one mistyping colleague must not lock out
    the whole office. The address limit is never lower than the account limit."""
    if key.startswith(ADDRESS_KEY_PREFIX):
        return max(int(address_limit), int(account_limit))
    return int(account_limit)


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str | None:
    """The client address that sign-in failures are counted against.

    With no trusted proxy (0, the default) it is the connection's address (REMOTE_ADDR): a
    client can write any X-Forwarded-For it likes, so the header is ignored. With N trusted
    reverse proxies in front of the site, each appending the address it saw to
    X-Forwarded-For, it is the N-th entry from the right: the address the outermost trusted
    proxy saw. Entries further left were written by the client and are never trusted. A
    header shorter than N (a misconfigured proxy) gives its leftmost entry; no header gives
    REMOTE_ADDR.
    """
    remote_addr = (remote_addr or "").strip() or None
    if trusted_proxies <= 0 or not forwarded_for:
        return remote_addr
    entries = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if not entries:
        return remote_addr
    return entries[-trusted_proxies] if len(entries) >= trusted_proxies else entries[0]


# --- the first password ----------------------------------------------------------------------

#: The first password is read out or written down when it is handed over in person: lower-case
#: letters and digits, without those that look alike (l and 1, o and 0). Upper case is left out
#: too (I and l, O and 0; and nobody has to say which letters are capitals).
FIRST_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
#: Four groups of four, joined by "-" (part of the password): 16 characters of 32 kinds, 80 bits.
FIRST_PASSWORD_GROUPS = 4
FIRST_PASSWORD_GROUP_LENGTH = 4


def first_password(choose) -> str:
    """A first password in groups ("k7dm-x3qa-…"); `choose` picks one character of a string
    (secrets.choice)."""
    groups = (
        "".join(choose(FIRST_PASSWORD_ALPHABET) for _ in range(FIRST_PASSWORD_GROUP_LENGTH))
        for _ in range(FIRST_PASSWORD_GROUPS)
    )
    return "-".join(groups)


# --- contact details -------------------------------------------------------------------------

#: A telephone number as people write it: digits, "+", "-", spaces and brackets, 5 to 30 of them.
PHONE_PATTERN = r"^[0-9+\- ()]{5,30}$"


def is_phone_number(text: str) -> bool:
    return re.match(PHONE_PATTERN, text or "") is not None


# --- stand-in contact accounts ------------------------------------------------------------

#: voices makes an inactive citizen account named "contact-<tracking number>" for a message
#: whose sender has no account, so a reply has somebody to go to (voices.services.base).
STAND_IN_PREFIX = "contact-"
