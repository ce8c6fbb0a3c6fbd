"""Periodic jobs: a registry and a runner that is safe to start every minute.

    # core/<app>/periodic.py (found by autodiscovery), or AppConfig.ready():
    from datetime import timedelta
    from core.jobs import periodic

    periodic.register("casework.remind_due", remind_due, every=timedelta(hours=1))

`fn` is a callable taking no arguments (run inside the runner), a django-tasks Task (enqueued
for the worker: better for anything slow), or a dotted path to either. `manage.py
run_periodic` runs every job that is due and records its last run in `PeriodicRun`; cron
or a systemd timer may start it every minute (`--once`), or it loops by itself. Two
runners never run the same job at once: each claims the job with one conditional UPDATE
and holds a lease while it runs. Jobs must be idempotent, like tasks.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string

log = logging.getLogger(__name__)

#: How long a runner holds a job it runs inline before another runner may take it over.
DEFAULT_LEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    fn: Callable | str
    every: timedelta
    lease: timedelta = DEFAULT_LEASE

    def resolve(self):
        return import_string(self.fn) if isinstance(self.fn, str) else self.fn

    @property
    def tolerance(self) -> timedelta:
        # A minutely cron starts a little earlier or later each time; without slack a job
        # due "every minute" would run only every other minute.
        return min(self.every / 10, timedelta(seconds=30))


_REGISTRY: dict[str, PeriodicJob] = {}
_discovered = False


def register(
    name: str, fn: Callable | str, *, every: timedelta, lease: timedelta = DEFAULT_LEASE, label=None
) -> None:
    """Register (or replace) the periodic job `name`, due every `every`; `label` (lazy) is
    what the task page calls it (core.jobs.labels)."""
    if every <= timedelta(0):
        raise ValueError("every must be positive")
    _REGISTRY[name] = PeriodicJob(name=name, fn=fn, every=every, lease=lease)
    if label is not None:
        from .labels import describe

        describe(name, label)


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def registered_jobs() -> list[PeriodicJob]:
    """Every registered job, after importing each installed app's `periodic` module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("periodic")
        _discovered = True
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


def _row(name: str):
    from .models import PeriodicRun

    try:
        with transaction.atomic():
            row, _created = PeriodicRun.objects.get_or_create(name=name)
    except IntegrityError:  # another runner created it at the same moment
        row = PeriodicRun.objects.get(name=name)
    return row


def _claim(job: PeriodicJob, now) -> bool:
    """Take the job if it is due and nobody holds it: one conditional UPDATE."""
    from .models import PeriodicRun

    row = _row(job.name)
    due_if_started_before = now - job.every + job.tolerance
    claimed = (
        PeriodicRun.objects.filter(pk=row.pk)
        .filter(Q(last_started_at__isnull=True) | Q(last_started_at__lte=due_if_started_before))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(last_started_at=now, lease_until=now + job.lease, last_status=PeriodicRun.Status.RUNNING)
    )
    return claimed == 1


def run_job(job: PeriodicJob, now=None) -> str:
    """Run one job now (no due check), record the outcome; returns the status."""
    from django_tasks.base import Task

    from .models import PeriodicRun

    now = now or timezone.now()
    status, error = PeriodicRun.Status.OK, ""
    try:
        target = job.resolve()
        if isinstance(target, Task):
            target.enqueue()
            status = PeriodicRun.Status.ENQUEUED
        else:
            target()
    except Exception as exc:
        log.exception("periodic job %s failed", job.name)
        status, error = PeriodicRun.Status.FAILED, "".join(traceback.format_exception(exc))[-10000:]
    PeriodicRun.objects.filter(name=job.name).update(
        last_finished_at=timezone.now(),
        last_status=status,
        last_error=error,
        lease_until=None,
        run_count=F("run_count") + 1,
        failure_count=F("failure_count") + (1 if status == PeriodicRun.Status.FAILED else 0),
    )
    return status


def run_due(now=None, names: list[str] | None = None) -> dict[str, str]:
    """Run every due job (or only `names`) once; returns {name: status} for those run."""
    now = now or timezone.now()
    ran: dict[str, str] = {}
    for job in registered_jobs():
        if names and job.name not in names:
            continue
        if _claim(job, now):
            ran[job.name] = run_job(job, now)
    return ran


# Background work's own housekeeping.
register("jobs.prune", "core.jobs.services.prune_finished", every=timedelta(days=1))
# the stall rule (core.jobs.rules): a job whose worker was killed outright is marked stopped
# unexpectedly within five minutes of its limit, even if nobody is watching its bar (a bar
# that is polled says so at once).
register("jobs.mark_stalled", "core.jobs.services.mark_stalled_jobs", every=timedelta(minutes=5))
