"""Retries of failed tasks (issue 12): recorded, re-enqueued with backoff, given up, retried by hand."""

import signal
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed
from core.jobs.models import TaskFailure
from core.jobs.retry import RetryPolicy, policy_of
from core.jobs.services import retry_failure

from . import sample_tasks
from .conftest import DB_TASKS

FLAKY = "core.jobs.tests.sample_tasks.flaky"
ALWAYS = "core.jobs.tests.sample_tasks.always_fails"


@pytest.mark.django_db(transaction=True)
def test_task_failing_twice_then_succeeding_ends_succeeded_with_two_resolved_failures(settings):
    """The real `db_worker --batch` runs the task three times; both failures end resolved."""
    settings.TASKS = DB_TASKS
    settings.TASK_RETRY_BASE_DELAY = 0
    settings.TASK_MAX_ATTEMPTS = 3

    sample_tasks.flaky.enqueue("report-7")
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():  # the worker installs its own
            signal.signal(sig, handler)

    assert sample_tasks.CALLS["report-7"] == 3
    results = list(DBTaskResult.objects.filter(task_path=FLAKY).order_by("enqueued_at"))
    assert [r.status for r in results] == [TaskResultStatus.FAILED, TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    assert results[-1].return_value == "done"
    failures = list(TaskFailure.objects.order_by("attempt"))
    assert [f.attempt for f in failures] == [1, 2]
    assert all(f.resolved and f.resolved_at for f in failures)
    assert len({f.chain for f in failures}) == 1
    assert failures[0].args == ["report-7"]
    assert "flaky failure number 1" in failures[0].error
    assert "Traceback" in failures[0].traceback


def test_task_that_always_fails_is_failed_for_good_after_the_allowed_attempts(db_tasks):
    sample_tasks.always_fails.enqueue("mail-1")
    db_tasks()

    assert sample_tasks.CALLS["mail-1"] == 3
    failures = list(TaskFailure.objects.order_by("attempt"))
    assert [f.attempt for f in failures] == [1, 2, 3]
    last = failures[-1]
    assert last.is_latest and last.gave_up and not last.resolved
    assert last.state == TaskFailure.State.FAILED
    assert not any(f.is_latest for f in failures[:-1])
    assert {f.state for f in failures[:-1]} == {TaskFailure.State.RETRIED}
    assert not DBTaskResult.objects.ready().exists()
    entry = AuditEntry.objects.get(action="jobs.give_up")
    assert entry.target_id == str(last.pk) and entry.actor_label == "worker"


def test_a_failed_attempt_schedules_the_next_one_after_a_growing_pause(db_tasks, settings):
    settings.TASK_RETRY_BASE_DELAY = 30
    before = timezone.now()
    sample_tasks.always_fails.enqueue("mail-2")
    db_tasks()

    failure = TaskFailure.objects.get()
    assert failure.state == TaskFailure.State.RETRYING
    retry = DBTaskResult.objects.get(pk=failure.retry_result_id)
    assert retry.status == TaskResultStatus.READY
    assert before + timedelta(seconds=30) <= retry.run_after <= timezone.now() + timedelta(seconds=30)
    assert failure.next_attempt_at == retry.run_after
    assert not DBTaskResult.objects.ready().exists()  # not before its time


def test_backoff_doubles_up_to_the_cap():
    policy = RetryPolicy(base_delay=30, max_delay=100)
    assert [policy.delay_after(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_give_up_fails_for_good_at_once(db_tasks):
    sample_tasks.gives_up.enqueue("suggestion-3")
    db_tasks()

    assert sample_tasks.CALLS["suggestion-3"] == 1
    failure = TaskFailure.objects.get()
    assert failure.gave_up and failure.attempt == 1


def test_retry_now_runs_a_failed_task_again_and_resolves_it(db_tasks, administrator, django_capture_on_commit_callbacks):
    sample_tasks.always_fails.enqueue("mail-3")
    db_tasks()
    last = TaskFailure.objects.get(is_latest=True)
    sample_tasks.FIXED.add("mail-3")  # the cause was fixed

    with django_capture_on_commit_callbacks(execute=True):
        retry_failure(failure_id=last.pk, by=administrator)
    db_tasks()

    assert sample_tasks.CALLS["mail-3"] == 4
    assert TaskFailure.objects.filter(resolved=True).count() == 3
    last.refresh_from_db()
    assert last.retried_by == administrator and last.retried_at
    assert AuditEntry.objects.filter(action="jobs.retry", target_id=str(last.pk)).exists()


def test_retry_now_that_fails_again_is_failed_for_good_again(db_tasks, administrator, django_capture_on_commit_callbacks):
    sample_tasks.always_fails.enqueue("mail-4")
    db_tasks()
    last = TaskFailure.objects.get(is_latest=True)

    with django_capture_on_commit_callbacks(execute=True):
        retry_failure(failure_id=last.pk, by=administrator)
    db_tasks()

    newest = TaskFailure.objects.get(is_latest=True)
    assert newest.attempt == 4 and newest.gave_up


def test_retry_now_supersedes_the_attempt_scheduled_for_later(
    db_tasks, settings, administrator, django_capture_on_commit_callbacks
):
    settings.TASK_RETRY_BASE_DELAY = 300
    sample_tasks.flaky.enqueue("report-8", failures=1)
    db_tasks()
    failure = TaskFailure.objects.get()
    scheduled = DBTaskResult.objects.get(pk=failure.retry_result_id)

    with django_capture_on_commit_callbacks(execute=True):
        retry_failure(failure_id=failure.pk, by=administrator)
    db_tasks()
    assert sample_tasks.CALLS["report-8"] == 2
    failure.refresh_from_db()
    assert failure.resolved

    # The attempt scheduled earlier comes due: it must not run the work a third time.
    DBTaskResult.objects.filter(pk=scheduled.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    db_tasks()
    assert sample_tasks.CALLS["report-8"] == 2
    scheduled.refresh_from_db()
    assert scheduled.status == TaskResultStatus.SUCCESSFUL


def test_retry_now_is_refused_for_a_resolved_task(db_tasks, administrator):
    sample_tasks.flaky.enqueue("report-9", failures=1)
    db_tasks()
    failure = TaskFailure.objects.get()
    assert failure.resolved

    with pytest.raises(InvalidTransition):
        retry_failure(failure_id=failure.pk, by=administrator)


def test_retry_now_is_refused_for_an_earlier_attempt(db_tasks, administrator):
    sample_tasks.always_fails.enqueue("mail-5")
    db_tasks()
    first = TaskFailure.objects.get(attempt=1)

    with pytest.raises(InvalidTransition):
        retry_failure(failure_id=first.pk, by=administrator)


def test_retry_now_is_refused_to_staff(db_tasks, users):
    sample_tasks.always_fails.enqueue("mail-6")
    db_tasks()
    last = TaskFailure.objects.get(is_latest=True)

    with pytest.raises(NotAllowed):
        retry_failure(failure_id=last.pk, by=users["staff"])
    assert not AuditEntry.objects.filter(action="jobs.retry").exists()


def test_retries_run_on_the_immediate_backend_of_the_tests(db):
    result = sample_tasks.flaky.enqueue("report-10")

    assert sample_tasks.CALLS["report-10"] == 3
    assert result.status == TaskResultStatus.FAILED  # the first attempt; the job itself succeeded
    assert TaskFailure.objects.filter(resolved=True).count() == 2


def test_task_sees_its_context_when_it_asks_for_it(db):
    result = sample_tasks.with_context.enqueue("ctx-1")

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1


def test_a_retrying_task_is_an_ordinary_task_for_the_backends():
    task = sample_tasks.flaky
    assert task.name == "flaky"
    assert task.module_path == FLAKY
    assert import_string(task.module_path) is task
    assert policy_of(task).attempts_allowed() >= 1
    assert policy_of(sample_tasks.with_context).attempts_allowed() == 5
