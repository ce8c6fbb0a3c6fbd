"""Progress of long jobs (imports, exports) for a polling progress bar.

    from core.jobs import progress

    key = progress.new_key("deputies-import")
    progress.start(key, total=len(rows), label=_("Importing deputies"), owner=request.user)
    for chunk in batches(rows, 100):
        ...                                   # do the work
        progress.advance(key, by=len(chunk))  # one UPDATE, done = done + by
    progress.finish(key, message=_("%(count)s deputies imported") % {"count": n},
                    result_url=reverse("organisation:deputy-list"))
    # on error: progress.fail(key, message=str(error))

or, finishing (and failing on an exception) by itself:

    with progress.track(key, total=len(rows), label=..., owner=user) as bar:
        for row in rows:
            ...
            bar.advance()

A page shows the bar with `{% load jobs %}{% progress_bar key %}` (or by loading
`progress.poll_url(key)`); while running, the bar re-fetches itself with htmx every second
and stops polling once finished or failed. JSON: GET /api/tasks/progress/{key}.

Writes are autocommit updates. A long job writes its work in batches, each in a short
transaction of its own, and moves the bar between them, once a batch has committed (as
voices.importing does): the bar then moves batch by batch and never runs ahead of what is
stored. Called inside the job's `transaction.atomic()`, the update is part of it and is seen
only when it commits. (A job holding one long transaction also makes every other writer
wait: on SQLite one write lock covers the whole file, and a writer that waits longer than
its busy timeout fails with "database is locked".) Who sees a bar: its owner, the
administrator, and staff for jobs started without an owner (`jobs.progress`).

A job whose worker is killed outright cannot say so: a record silent for longer than its
limit (`start(stalled_after=...)`, else settings.DATONG_JOB_STALLED_AFTER) is marked
"stopped unexpectedly" (the stall rule, `core.jobs.rules`; by the periodic job
`jobs.mark_stalled` and when its bar is polled). Any later word of the job sets it running
again; `reopen` sets it running for a "continue" button, once however often it is pressed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone

from .models import ProgressRecord

Status = ProgressRecord.Status


def new_key(prefix: str = "job") -> str:
    """A fresh, unguessable key: `<prefix>-<32 hex digits>`."""
    return f"{prefix}-{uuid.uuid4().hex}"[:200]


def start(
    key: str,
    *,
    total: int = 0,
    label: str = "",
    owner=None,
    message: str = "",
    stalled_after: timedelta | None = None,
) -> ProgressRecord:
    """Create the record (or reset one with the same key) as running, nothing done yet.

    `stalled_after`: how long the job may stay silent before it is taken for dead
    (the stall rule); None: the site's setting. A job that reports less often declares more."""
    record, _created = ProgressRecord.objects.update_or_create(
        key=key,
        defaults={
            "label": str(label)[:200],
            "owner": owner if getattr(owner, "is_authenticated", False) else None,
            "total": max(0, int(total)),
            "done": 0,
            "status": Status.RUNNING,
            "message": str(message)[:500],
            "result_url": "",
            "stalled_after": stalled_after,
        },
    )
    return record


def advance(key: str, by: int = 1, *, message: str | None = None) -> None:
    """Count `by` more items done (atomic: several workers may advance one record)."""
    changes: dict = {"done": F("done") + max(0, int(by))}
    if message is not None:
        changes["message"] = str(message)[:500]
    _update(key, **changes)


def update(
    key: str, *, done: int | None = None, total: int | None = None, message: str | None = None
) -> None:
    """Set any of done, total and message outright."""
    changes: dict = {}
    if done is not None:
        changes["done"] = max(0, int(done))
    if total is not None:
        changes["total"] = max(0, int(total))
    if message is not None:
        changes["message"] = str(message)[:500]
    if changes:
        _update(key, **changes)


def finish(key: str, *, message: str = "", result_url: str = "") -> None:
    """Mark the job finished; a known total is shown as complete."""
    record = ProgressRecord.objects.filter(key=key).first()
    if record is None:
        return
    record.status = Status.SUCCEEDED
    if record.total:
        record.done = record.total
    record.message = str(message)[:500] or record.message
    record.result_url = str(result_url)[:500]
    record.save(update_fields=["status", "done", "message", "result_url", "updated_at"])


def fail(key: str, *, message: str = "") -> None:
    """Mark the job failed; the bar stops and shows the message."""
    changes: dict = {"status": Status.FAILED}
    if message:
        changes["message"] = str(message)[:500]
    _update(key, **changes)


def reopen(key: str, *, message: str = "") -> bool:
    """Set a record that stopped without finishing (stalled, or failed) running again, for
    a job about to be queued once more ("continue"). One conditional UPDATE: of two callers
    at once, one only gets True, and a job already running (or finished) is left alone."""
    changes: dict = {"status": Status.RUNNING, "updated_at": timezone.now()}
    if message:
        changes["message"] = str(message)[:500]
    reopened = ProgressRecord.objects.filter(key=key, status__in=(Status.STALLED, Status.FAILED)).update(
        **changes
    )
    return reopened == 1


def get(key: str) -> ProgressRecord | None:
    """The record as it is now (no permission check: pages use the selector)."""
    return ProgressRecord.objects.filter(key=key).first()


def poll_url(key: str) -> str:
    """The URL of the self-refreshing progress bar (an htmx partial, a page without htmx)."""
    return reverse("jobs:progress", kwargs={"key": key})


class Tracker:
    """The handle `track()` yields: advance / update without repeating the key."""

    def __init__(self, key: str) -> None:
        self.key = key

    def advance(self, by: int = 1, *, message: str | None = None) -> None:
        advance(self.key, by, message=message)

    def update(self, **changes) -> None:
        update(self.key, **changes)

    def finish(self, *, message: str = "", result_url: str = "") -> None:
        finish(self.key, message=message, result_url=result_url)
        self.finished = True

    finished = False


@contextmanager
def track(key: str, *, total: int = 0, label: str = "", owner=None, message: str = "") -> Iterator[Tracker]:
    """Start a record; finish it on leaving the block, fail it (and re-raise) on an exception."""
    start(key, total=total, label=label, owner=owner, message=message)
    tracker = Tracker(key)
    try:
        yield tracker
    except Exception as exc:
        fail(key, message=str(exc))
        raise
    if not tracker.finished:
        finish(key)


def _update(key: str, **changes) -> None:
    # A word from a job taken for dead (the stall rule) shows it alive: running again.
    changes.setdefault(
        "status", Case(When(status=Status.STALLED, then=Value(Status.RUNNING)), default=F("status"))
    )
    # .update() skips auto_now: set updated_at here.
    ProgressRecord.objects.filter(key=key).update(updated_at=timezone.now(), **changes)
