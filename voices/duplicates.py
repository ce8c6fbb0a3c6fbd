"""Likely duplicates at intake (design.md flow 2: "duplicate check (merge into an open case)").

One `voices.textmodel.duplicates.DuplicateIndex` per process and congress over the text of
its open messages, built lazily on first use. It stays fresh without any signal between
processes: each look-up first adds the messages received since the last one (by id, one
indexed query), the services add and remove on commit in their own process, and hits whose
case is no longer open are dropped at query time. A full rebuild happens after
`REBUILD_AFTER` seconds so removals made by other processes are forgotten too.

Staff see the result as a suggestion; merging is their decision (SEC-10).
"""

from __future__ import annotations

import threading
import time

from casework import rules as case_rules

from .textmodel.duplicates import DuplicateIndex

REBUILD_AFTER = 600.0
OPEN_CASE_STATES = tuple(case_rules.OPEN_STATES)


class _Entry:
    def __init__(self, index: DuplicateIndex, last_pk: int):
        self.index = index
        self.last_pk = last_pk
        self.built = time.monotonic()


_INDEXES: dict[int, _Entry] = {}
_LOCK = threading.Lock()


def _text(subject: str, body: str) -> str:
    return f"{subject or ''}\n{body or ''}"


def _open_messages(congress_id: int, after_pk: int = 0):
    from .models import Message

    return (
        Message.objects.filter(congress_id=congress_id, pk__gt=after_pk, case__status__in=OPEN_CASE_STATES)
        .exclude(status=Message.Status.NOT_ACCEPTED)
        .order_by("pk")
        .values_list("pk", "subject", "body")
    )


def _entry(congress_id: int) -> _Entry:
    from .models import Message

    with _LOCK:
        entry = _INDEXES.get(congress_id)
        if entry is None or time.monotonic() - entry.built > REBUILD_AFTER:
            rows = list(_open_messages(congress_id))
            last = Message.objects.filter(congress_id=congress_id).order_by("-pk").values_list("pk", flat=True).first()
            entry = _Entry(DuplicateIndex.from_pairs((pk, _text(s, b)) for pk, s, b in rows), last or 0)
            _INDEXES[congress_id] = entry
            return entry
        for pk, subject, body in _open_messages(congress_id, entry.last_pk):
            entry.index.add(pk, _text(subject, body))
            entry.last_pk = max(entry.last_pk, pk)
        return entry


def add(message) -> None:
    """Index a message just received (call on commit)."""
    with _LOCK:
        entry = _INDEXES.get(message.congress_id)
        if entry is not None:
            entry.index.add(message.pk, _text(message.subject, message.body))
            entry.last_pk = max(entry.last_pk, message.pk)


def remove(message_ids) -> None:
    """Forget messages that are closed, merged or not accepted (call on commit)."""
    with _LOCK:
        for entry in _INDEXES.values():
            for pk in message_ids:
                entry.index.remove(pk)


def forget() -> None:
    """Drop every index (tests; a new one is built at the next look-up)."""
    with _LOCK:
        _INDEXES.clear()


def similar(message, limit: int = 5) -> list[tuple[int, float]]:
    """(message id, score) of open messages like `message`, best first, above the index's
    duplicate threshold."""
    entry = _entry(message.congress_id)
    with _LOCK:
        matches = entry.index.query(_text(message.subject, message.body), limit=limit * 2,
                                    min_score=entry.index.threshold, exclude=message.pk)
    return [(int(m.key), float(m.score)) for m in matches]
