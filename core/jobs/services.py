"""State changes of background work that a person makes (and the system's pruning)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.errors import InvalidTransition, NotFound
from core.permissions import require

from .models import ProgressRecord, TaskFailure
from .permissions import RETRY
from .retry import enqueue_retry, load_task, prepare_retry

RETRY_ACTION = "jobs.retry"


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


def prune_finished(*, now=None, failures_days: int = 90, progress_days: int = 7, results_days: int = 30) -> dict:
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
    results, _detail = DBTaskResult.objects.successful().filter(
        finished_at__lt=now - timedelta(days=results_days)
    ).delete()
    return {"failures": failures, "progress": progress, "results": results}
