"""State changes of background work that a person makes (and the system's: pruning, and
marking the jobs whose worker died)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.errors import InvalidTransition, NotFound
from core.permissions import require

from . import rules
from .models import ProgressRecord, TaskFailure
from .permissions import RETRY
from .retry import enqueue_retry, load_task, prepare_retry

RETRY_ACTION = "jobs.retry"
#: The audit action written when a job is taken for dead (the stall rule).
STALLED_ACTION = "jobs.stalled"


@transaction.atomic
def retry_failure(*, failure_id: int, by) -> TaskFailure:
    """Run a failed or retrying job again now ("retry now"); audited.

    The new attempt is enqueued when the transaction commits; a retry that was already
    scheduled for later is superseded (it will find its token replaced and do nothing).
    Raises NotFound, NotAllowed, or InvalidTransition when the job is resolved, the row is
    not the job's latest attempt, or the task no longer exists in the code.
    """
    failure = TaskFailure.objects.select_for_update().filter(pk=failure_id).first()
    if failure is None:
        raise NotFound()
    require(by, RETRY, failure)
    if failure.resolved:
        raise InvalidTransition(_("This task has already succeeded."))
    if not failure.is_latest:
        raise InvalidTransition(_("A later attempt of this task exists: retry that one."))
    try:
        task = load_task(failure)
    except (ImportError, TypeError) as exc:
        raise InvalidTransition(_("This task no longer exists in the code.")) from exc
    before = {"state": failure.state, "next_attempt_at": failure.next_attempt_at}
    token, run_after = prepare_retry(failure, delay=timedelta(0), task=task)
    now = timezone.now()
    failure.retried_by, failure.retried_at = by, now
    failure.save(update_fields=["retried_by", "retried_at"])
    record(
        actor=by,
        action=RETRY_ACTION,
        target=failure,
        before=before,
        after={"state": failure.state, "next_attempt_at": failure.next_attempt_at},
        data={"task": failure.task_path, "attempt": failure.attempt + 1},
    )
    transaction.on_commit(lambda: enqueue_retry(failure.pk, token=token, run_after=run_after, task=task))
    return failure


def prune_finished(
    *, now=None, failures_days: int = 90, progress_days: int = 7, results_days: int = 30
) -> dict:
    """Delete old records nobody needs: resolved failures, finished progress and task results.

    Idempotent (a periodic job, `jobs.prune`). Failures that were never resolved stay.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    resolved_chains = TaskFailure.objects.filter(
        is_latest=True, resolved=True, resolved_at__lt=now - timedelta(days=failures_days)
    ).values("chain")
    failures, _detail = TaskFailure.objects.filter(chain__in=resolved_chains).delete()
    progress, _detail = (
        ProgressRecord.objects.exclude(status=ProgressRecord.Status.RUNNING)
        .filter(updated_at__lt=now - timedelta(days=progress_days))
        .delete()
    )
    results, _detail = (
        DBTaskResult.objects.successful().filter(finished_at__lt=now - timedelta(days=results_days)).delete()
    )
    return {"failures": failures, "progress": progress, "results": results}


# --- jobs whose worker died (the stall rule, core.jobs.rules) ------------------------------------


def stalled_after_default() -> timedelta:
    """The site's limit of a job's silence (settings.DATONG_JOB_STALLED_AFTER)."""
    return rules.as_duration(getattr(settings, "DATONG_JOB_STALLED_AFTER", rules.DEFAULT_STALLED_AFTER))


def mark_stalled_jobs(*, now=None) -> int:
    """Mark every running job that has been silent for longer than its limit as stopped
    unexpectedly (the stall rule); returns how many. Idempotent: the periodic job
    `jobs.mark_stalled` runs it, and a job that moved meanwhile is left running."""
    now = now or timezone.now()
    default = stalled_after_default()
    marked = 0
    # Few rows: only jobs running now (a stalled one is no longer "running").
    for candidate in ProgressRecord.objects.filter(status=ProgressRecord.Status.RUNNING).select_related(
        "owner"
    ):
        marked += _mark_if_stalled(candidate, now=now, default=default)
    return marked


def check_stalled(*, key: str, now=None) -> ProgressRecord | None:
    """The record of `key` as it is now, marked stopped unexpectedly first if it has been
    silent for longer than its limit (the stall rule): a page that polls the job says so at once,
    without waiting for the periodic job. None if there is no such record."""
    candidate = ProgressRecord.objects.filter(key=key).select_related("owner").first()
    if candidate is not None and _mark_if_stalled(
        candidate, now=now or timezone.now(), default=stalled_after_default()
    ):
        candidate.refresh_from_db()
    return candidate


def _mark_if_stalled(candidate: ProgressRecord, *, now, default: timedelta) -> bool:
    limit = rules.stall_limit(candidate.stalled_after, default)
    if not rules.is_stalled(
        running=candidate.is_running, updated_at=candidate.updated_at, now=now, limit=limit
    ):
        return False
    owner = candidate.owner
    # Written once, read by its owner: in the owner's language (the marker may be anyone).
    with translation.override(getattr(owner, "language", "") or settings.LANGUAGE_CODE):
        message = gettext(
            "The job stopped unexpectedly (its worker was stopped, or it failed): it has not moved for more "
            "than %(duration)s. Continue it from its page if the page offers it, or start it again."
        ) % {"duration": timesince(now - limit, now)}
    with transaction.atomic():
        # Only if it is still as read: a job that moved meanwhile is alive (and stays running).
        marked = ProgressRecord.objects.filter(
            pk=candidate.pk, status=ProgressRecord.Status.RUNNING, updated_at=candidate.updated_at
        ).update(status=ProgressRecord.Status.STALLED, message=message[:500])
        if marked:
            record(
                actor=None,
                action=STALLED_ACTION,
                target=candidate,
                before={"status": ProgressRecord.Status.RUNNING},
                after={"status": ProgressRecord.Status.STALLED},
                data={
                    "key": candidate.key,
                    "label": candidate.label,
                    "done": candidate.done,
                    "total": candidate.total,
                    "last_update": candidate.updated_at.isoformat(),
                    "stalled_after_seconds": int(limit.total_seconds()),
                },
            )
    return bool(marked)
