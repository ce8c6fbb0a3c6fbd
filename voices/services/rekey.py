"""SEC-8: rewrite citizens' encrypted personal data under the current field key (key rotation).

The operator moves the old key to DATONG_FIELD_RETIRED_KEYS and sets a new DATONG_FIELD_KEY
(voices.crypto); from then on new values are written under the new key, and the old ones are
still read. `rekey_personal_data` rewrites every stored value under the new key and recomputes
its phone look-up key (also when only that is stale: the phone's form changed), a batch of messages per transaction (rows locked, in id order, so it can
run beside the live system and be stopped and started again). Once it reports nothing left,
the retired key can be removed from the configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from core.audit.services import record

from .. import crypto
from ..models import Message

FIELDS = ("name_encrypted", "phone_encrypted", "id_number_encrypted")
BATCH = 500


@dataclass
class RekeyResult:
    """What a pass found: messages with personal data, those rewritten, and the ids of any
    whose data no configured key can read (left as they are, for a person to look into)."""

    seen: int = 0
    rewritten: int = 0
    unreadable: list[int] = field(default_factory=list)


def _with_personal_data():
    return Message.objects.filter(~Q(name_encrypted="") | ~Q(phone_encrypted="") | ~Q(id_number_encrypted=""))


def _stale(values: tuple[str, ...], phone_index: str) -> bool:
    """A row's values are not all under the current key, or its phone's look-up hash is not
    what `crypto.lookup_key` makes of the number now (a +86 landline hashed before the phone
    form was made one: `crypto.normalise_phone`)."""
    if not all(crypto.is_current(v) for v in values):
        return True
    phone = values[FIELDS.index("phone_encrypted")]
    return bool(phone) and phone_index != crypto.lookup_key(crypto.decrypt(phone))


def pending() -> int:
    """How many messages hold a value not yet under the current key, or a stale phone hash
    (decrypts every stored phone)."""
    rows = _with_personal_data().values_list(*FIELDS, "phone_index")
    count = 0
    for *values, phone_index in rows.iterator(chunk_size=2000):
        try:
            count += _stale(tuple(values), phone_index)
        except crypto.DecryptionFailed:
            count += 1
    return count


def _rekey_row(message: Message) -> bool:
    """Rewrite one message's values under the current key and its phone's look-up hash as
    the number makes it now; False if it needed nothing."""
    if not _stale(tuple(getattr(message, name) for name in FIELDS), message.phone_index):
        return False
    for name in FIELDS:
        setattr(message, name, crypto.rekey(getattr(message, name)))
    message.phone_index = crypto.lookup_key(crypto.decrypt(message.phone_encrypted))
    return True


def rekey_personal_data(*, batch: int = BATCH, progress: Callable[[int, int], None] | None = None) -> RekeyResult:
    """Rewrite every message's personal data under the current key, `batch` messages per
    transaction; `progress(done, total)` after each batch. Writes one audit entry (the system
    acting) with what it did."""
    result = RekeyResult()
    total = _with_personal_data().count()
    after = 0
    while True:
        with transaction.atomic():
            rows = list(_with_personal_data().filter(pk__gt=after).order_by("pk")
                        .select_for_update(of=("self",)).only("pk", "phone_index", *FIELDS)[:batch])
            if not rows:
                break
            changed = []
            for message in rows:
                try:
                    if _rekey_row(message):
                        changed.append(message)
                except crypto.DecryptionFailed:
                    result.unreadable.append(message.pk)
            Message.objects.bulk_update(changed, [*FIELDS, "phone_index"])
        after = rows[-1].pk
        result.seen += len(rows)
        result.rewritten += len(changed)
        if progress:
            progress(result.seen, max(total, result.seen))
    with transaction.atomic():
        record(actor=None, action="voices.rekey", data={
            "seen": result.seen, "rewritten": result.rewritten, "unreadable": result.unreadable[:1000],
        })
    return result
