"""Reads for the task page and the API, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from core.permissions import has_perm

from .labels import has_label, label_for
from .models import PeriodicRun, ProgressRecord, TaskFailure
from .permissions import PROGRESS, VIEW

#: ?state= on the list: open (failed or retrying, the default), one state, or all.
STATES = ("open", "failed", "retrying", "resolved", "all")


def failures_for(user, *, state: str = "open") -> QuerySet[TaskFailure]:
    """Failures the user may see; by default each open job once (its latest attempt)."""
    if not has_perm(user, VIEW):
        return TaskFailure.objects.none()
    qs = TaskFailure.objects.select_related("retried_by")
    if state == "open":
        return qs.filter(is_latest=True, resolved=False)
    if state == "failed":
        return qs.filter(is_latest=True, resolved=False, gave_up=True)
    if state == "retrying":
        return qs.filter(is_latest=True, resolved=False, gave_up=False)
    if state == "resolved":
        return qs.filter(is_latest=True, resolved=True)
    return qs


def state_counts(user) -> dict[str, int]:
    """How many rows each tab of the task page lists ({state: count}; empty if not allowed)."""
    if not has_perm(user, VIEW):
        return {}
    return {state: failures_for(user, state=state).count() for state in STATES}


def failure_for(user, *, failure_id: int) -> TaskFailure | None:
    return failures_for(user, state="all").filter(pk=failure_id).first()


def chain_of(failure: TaskFailure) -> QuerySet[TaskFailure]:
    """Every recorded attempt of the failure's job, first attempt first."""
    return TaskFailure.objects.filter(chain=failure.chain).order_by("attempt", "id")


def periodic_runs_for(user) -> list[dict]:
    """The registered periodic jobs with their last run (registered but never run too)."""
    from . import periodic

    if not has_perm(user, VIEW):
        return []
    runs = {run.name: run for run in PeriodicRun.objects.all()}
    return [
        {
            "name": job.name,
            "label": label_for(job.name),
            "has_label": has_label(job.name),
            "every": job.every,
            "run": runs.get(job.name),
        }
        for job in periodic.registered_jobs()
    ]


def progress_for(user, *, key: str) -> ProgressRecord | None:
    record = ProgressRecord.objects.filter(key=key).first()
    if record is None or not has_perm(user, PROGRESS, record):
        return None
    return record
