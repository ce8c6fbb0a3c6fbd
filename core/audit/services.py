"""Writing the audit log: `record()` is the only way in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .. import rawrows
from ..savepoints import HeldItems, held_to_the_end
from .models import GENESIS_HASH, HEAD_PK, AuditChainHead, AuditEntry
from .secrecy import check_ballot_secrecy

# Entries are appended one at a time: the head row is locked FOR UPDATE (SQLite serialises
# writers itself with IMMEDIATE transactions); this PostgreSQL advisory lock key guards only
# the head's creation in a fresh or flushed database.
_CHAIN_LOCK_KEY = 7_301_104


def _normalise(value: Any) -> Any:
    """Round-trip through JSON so the stored value and the hashed value are identical."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _actor(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    return actor.pk, f"{actor.get_username()} ({getattr(actor, 'role', '')})"


def _target(target) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    meta = getattr(target, "_meta", None)
    if meta is None:
        return type(target).__name__, "", str(target)[:300]
    return meta.label_lower, str(target.pk), str(target)[:300]


def _locked_head() -> AuditChainHead:
    """The chain head, locked (its row, FOR UPDATE: one appender at a time); created from the
    table when missing (a fresh or flushed database), under a PostgreSQL advisory lock so that
    two first appenders do not both create it."""
    # Hand-written (core.rawrows): every message received takes this lock.
    found = rawrows.load(AuditChainHead, "id = %s", [HEAD_PK], for_update=True)
    if found:
        return found[0]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
        if head is not None:  # created by the appender we waited for
            return head
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    return AuditChainHead.objects.create(
        pk=HEAD_PK,
        seq=last.seq if last else 0,
        hash=last.hash if last else GENESIS_HASH,
        entry_id=last.pk if last else None,
    )


def record(
    *,
    actor,
    action: str,
    target=None,
    before: dict | None = None,
    after: dict | None = None,
    data: dict | None = None,
) -> AuditEntry | None:
    """Append one entry to the chain, in the caller's transaction.

    `actor` is a user, None for the system, or a label such as "worker". `action` is the
    action code (`"suggestion.register"`). Raises `SecretBallotViolation` (nothing written)
    when the entry could reveal how anyone voted (SEC-1, see core.audit.secrecy).
    Inside `deferred()` the entry is prepared now (its time, its target's label) and
    appended when the block ends; None is returned then.
    """
    written = record_many(
        [{"actor": actor, "action": action, "target": target, "before": before, "after": after, "data": data}]
    )
    return written[0] if written else None


def record_many(entries: list[dict]) -> list[AuditEntry]:
    """Append several entries to the chain at once, in the caller's transaction: the chain is
    locked once and the entries written in one statement, chained in the order given (a batch
    intake writes one entry per message). Each item holds `record()`'s keyword arguments
    (actor, action, target, before, after, data); each is checked as `record()` checks it,
    and nothing is written if one fails. Inside `deferred()` they wait for its end too."""
    if not entries:
        return []
    for item in entries:
        check_ballot_secrecy(
            action=item["action"], actor=item.get("actor"), target=item.get("target"),
            before=item.get("before"), after=item.get("after"), data=item.get("data"),
        )
    now = timezone.now()
    prepared = [
        _prepare(actor=item.get("actor"), action=item["action"], target=item.get("target"), before=item.get("before"),
                 after=item.get("after"), data=item.get("data"), at=now)
        for item in entries
    ]
    waiting = _deferred.get()
    if waiting is not None:
        waiting.add(prepared)
        return []
    # No savepoint (two round trips on every audited change): the entries are written last
    # in the caller's transaction, which fails with them anyway. Refusals (SEC-1) come before.
    with transaction.atomic(savepoint=False):
        return _append(prepared)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside a transaction: hold this block's entries and append them to the chain in one
    statement when it ends, in the order they were recorded, each with its own time.

    The chain is appended to under one lock (its head row), held until the transaction
    commits. A long transaction that records as it goes (an import of thousands of work
    orders) would hold it from its first entry to its commit, and every other audited change
    in the city, a citizen's message too, would wait that long. Deferred, the lock is taken
    at the end, for the one INSERT. Entries of a block that raises are dropped with its
    transaction, and those recorded inside a savepoint rolled back since with it
    (core.savepoints). Nested blocks are one block."""
    with held_to_the_end(_deferred, _append_batches, what="audit.deferred()"):
        yield


def _append_batches(batches: list[list[AuditEntry]]) -> None:
    _append([entry for entries in batches for entry in entries])


_deferred: ContextVar[HeldItems[list[AuditEntry]] | None] = ContextVar("audit_deferred", default=None)


def _prepare(*, actor, action, target, before, after, data, at) -> AuditEntry:
    """An entry with everything but its place in the chain (seq, prev_hash, hash)."""
    actor_id, actor_label = _actor(actor)
    target_type, target_id, target_label = _target(target)
    return AuditEntry(
        at=at,
        actor_id=actor_id,
        actor_label=actor_label[:200],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        before=_normalise(before),
        after=_normalise(after),
        data=_normalise(data) or {},
    )


def _append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain the prepared entries after the locked head, in order, and write them: one row
    with save() (one entry, the common case), else one INSERT."""
    if not entries:
        return []
    head = _locked_head()
    seq, prev = head.seq, head.hash
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = entry.compute_hash()
        prev = entry.hash
    if len(entries) == 1:
        entries[0].save(force_insert=True)
        written = entries
    else:
        # The chain's own writer appends them in one INSERT, past the manager that refuses
        # bulk writes to everyone else (they would bypass the chain).
        written = rawrows.insert(entries)
    _move_head(head, written[-1])
    return written


def _move_head(head: AuditChainHead, last: AuditEntry) -> None:
    """The locked head now points at `last`, the newest entry."""
    head.seq, head.hash, head.entry_id, head.updated_at = last.seq, last.hash, last.pk, last.at
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    rawrows.execute(
        f"UPDATE {table} SET seq = %s, hash = %s, entry_id = %s, updated_at = %s WHERE id = %s",  # noqa: S608
        [head.seq, head.hash, head.entry_id, connection.ops.adapt_datetimefield_value(head.updated_at), head.pk],
    )
