"""The daily counts of messages (`MessageDailyCount`): kept with every change, rebuilt on demand.

Each service that adds a message to a bucket (congress, day, category, district) or moves it
to another calls `add()` inside its transaction. On PostgreSQL every bucket touched is
created or incremented by one INSERT … ON CONFLICT (the bucket's unique index) DO UPDATE
(a concurrent writer of the same bucket waits for the first and then adds to its row); on
SQLite (one writer at a time) by an F() increment, creating the bucket first when missing. Increments are applied in key order, and
`batched()` (receive_many) collects a whole import's increments and applies them once, in
key order, at its end: two transactions never wait on each other's buckets in a circle.

`rebuild_counts()` recounts the buckets exactly from the messages, one month at a time, each
month in its own short transaction that keeps writers of the rollup out (PostgreSQL: LOCK
TABLE … EXCLUSIVE, readers go on; SQLite: its write lock, taken by the first DELETE), so a
message received during the rebuild is counted once. Used after bulk back-dated loads
(`manage.py voices_rebuild_counts`) and by the periodic job `voices.rebuild_counts`.

`drift()` lists the buckets that disagree with counting the messages (tests, operators).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.workcalendar.rules import LEGAL_ZONE

from ..models import Message, MessageDailyCount

#: A bucket: (congress id, day, category id or None, district id or None).
Key = tuple[int, datetime.date, int | None, int | None]

_pending: ContextVar[dict[Key, int] | None] = ContextVar("voices_counts_pending", default=None)


def day_of(moment: datetime.datetime) -> datetime.date:
    """The city's calendar day of a moment (TIME-5: Asia/Shanghai)."""
    return timezone.localtime(moment, LEGAL_ZONE).date()


def key_of(message: Message) -> Key:
    """The bucket a message is counted in."""
    return (message.congress_id, day_of(message.received_at), message.category_id, message.district_id)


def add(key: Key, delta: int = 1) -> None:
    """Count `delta` more messages in a bucket (inside the caller's transaction)."""
    batch = _pending.get()
    if batch is not None:
        batch[key] += delta
        return
    apply({key: delta})


def moved(old: Key, new: Key) -> None:
    """A message left bucket `old` for `new` (its category or district changed)."""
    if old == new:
        return
    batch = _pending.get()
    if batch is not None:
        batch[old] -= 1
        batch[new] += 1
        return
    apply({old: -1, new: 1})


@contextmanager
def batched() -> Iterator[None]:
    """Collect the increments made inside and apply them once at the end, in key order (an
    import of thousands of messages touches each bucket once). Nested: the outer one applies.
    Nothing is applied when the block raises (its transaction is rolled back anyway)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(defaultdict(int))
    try:
        yield
        batch = _pending.get()
    finally:
        _pending.reset(token)
    apply(batch)


def _order(key: Key) -> tuple:
    congress, day, category, district = key
    return (congress, day, category or 0, district or 0)


def _bucket(key: Key):
    congress, day, category, district = key
    return MessageDailyCount.objects.filter(congress_id=congress, day=day, category_id=category, district_id=district)


def apply(deltas: dict[Key, int]) -> None:
    """Add each delta to its bucket (creating it), in key order."""
    keys = [key for key in sorted(deltas, key=_order) if deltas[key]]
    if not keys:
        return
    if connection.vendor == "postgresql":
        _upsert(keys, deltas)
        return
    for key in keys:
        delta = deltas[key]
        if _bucket(key).update(count=F("count") + delta):
            continue
        congress, day, category, district = key
        MessageDailyCount.objects.bulk_create(
            [MessageDailyCount(congress_id=congress, day=day, category_id=category, district_id=district, count=0)],
            ignore_conflicts=True,
        )
        _bucket(key).update(count=F("count") + delta)


def _upsert(keys: list[Key], deltas: dict[Key, int]) -> None:
    """PostgreSQL: every bucket created or incremented in one statement (a group of messages
    touches many buckets), rows in key order so that two writers lock them in the same order.
    The conflict target is the bucket's unique index (voices_daily_count_bucket)."""
    table = connection.ops.quote_name(MessageDailyCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys))
    params: list = []
    for key in keys:
        params.extend((*key, deltas[key]))
    with connection.cursor() as cursor:
        cursor.execute(
            # Only the table's name and placeholders are formatted in; every value is a parameter.
            f"INSERT INTO {table} AS bucket (congress_id, day, category_id, district_id, count) VALUES {values} "  # noqa: S608
            "ON CONFLICT (congress_id, day, (COALESCE(category_id, 0)), (COALESCE(district_id, 0))) "
            "DO UPDATE SET count = bucket.count + EXCLUDED.count",
            params,
        )


# --- rebuilding ---------------------------------------------------------------------------------


def _counted(congress_id: int | None, start: datetime.datetime | None, end: datetime.datetime | None):
    """(congress, day, category, district, n) counted from the messages in [start, end)."""
    messages = Message.objects.order_by()
    if congress_id is not None:
        messages = messages.filter(congress_id=congress_id)
    if start is not None:
        messages = messages.filter(received_at__gte=start)
    if end is not None:
        messages = messages.filter(received_at__lt=end)
    return (
        messages.annotate(day=TruncDate("received_at", tzinfo=LEGAL_ZONE))
        .values_list("congress_id", "day", "category_id", "district_id")
        .annotate(n=Count("*"))
        .values_list("congress_id", "day", "category_id", "district_id", "n")
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LEGAL_ZONE)


def _months(first: datetime.date, last: datetime.date) -> Iterator[tuple[datetime.date, datetime.date]]:
    """[start, end) month ranges covering first..last."""
    start = first.replace(day=1)
    while start <= last:
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        yield start, end
        start = end


def _rebuild_range(congress_id: int | None, since: datetime.date | None, until: datetime.date | None) -> int:
    """Replace the buckets of days [since, until) (None: open-ended) by a fresh count, in one
    transaction that keeps other writers of the rollup out. Returns the buckets written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {MessageDailyCount._meta.db_table} IN EXCLUSIVE MODE")
        old = MessageDailyCount.objects.all()
        if congress_id is not None:
            old = old.filter(congress_id=congress_id)
        if since is not None:
            old = old.filter(day__gte=since)
        if until is not None:
            old = old.filter(day__lt=until)
        old.delete()  # first: on SQLite this takes the write lock before the messages are read
        rows = [
            MessageDailyCount(congress_id=c, day=d, category_id=cat, district_id=dist, count=n)
            for c, d, cat, dist, n in _counted(
                congress_id, _start_of(since) if since else None, _start_of(until) if until else None
            )
        ]
        MessageDailyCount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rebuild_counts(*, congress=None, since: datetime.date | None = None, progress=None) -> int:
    """Recount the buckets exactly from the messages (all, or from the day `since`), a month at a
    time; returns the number of buckets written. `progress(text)` is told of each month."""
    congress_id = getattr(congress, "pk", congress)
    messages = Message.objects.order_by()
    if congress_id is not None:
        messages = messages.filter(congress_id=congress_id)
    if since is not None:
        messages = messages.filter(received_at__gte=_start_of(since))
    first = messages.order_by("received_at").values_list("received_at", flat=True).first()
    written = 0
    if first is None:
        # No messages (left): only stale buckets to remove.
        return _rebuild_range(congress_id, since, None)
    first_day = min(day_of(first), since) if since else day_of(first)
    last_day = timezone.localdate(timezone=LEGAL_ZONE) + datetime.timedelta(days=1)
    ranges = list(_months(first_day, last_day))
    for index, (start, end) in enumerate(ranges):
        lower = since if index == 0 and since is not None else (None if index == 0 else start)
        upper = None if index == len(ranges) - 1 else end
        written += _rebuild_range(congress_id, lower, upper)
        if progress is not None:
            progress(f"{start:%Y-%m}")
    return written


def rebuild_all() -> int:
    """The periodic job: every congress, every day."""
    return rebuild_counts()


# --- checking -----------------------------------------------------------------------------------


def drift(congress=None) -> list[str]:
    """Every bucket whose count differs from counting the messages ([] when all agree)."""
    congress_id = getattr(congress, "pk", congress)
    counted = {(c, d, cat, dist): n for c, d, cat, dist, n in _counted(congress_id, None, None)}
    stored = MessageDailyCount.objects.all()
    if congress_id is not None:
        stored = stored.filter(congress_id=congress_id)
    have = {(r.congress_id, r.day, r.category_id, r.district_id): r.count for r in stored.exclude(Q(count=0))}
    problems = []
    for key in sorted(set(counted) | set(have), key=_order):
        if counted.get(key, 0) != have.get(key, 0):
            problems.append(f"bucket {key}: {have.get(key, 0)} != counted {counted.get(key, 0)}")
    return problems
