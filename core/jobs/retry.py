"""Retries for django-tasks, which has none of its own.

    from core.jobs import retrying_task

    @retrying_task
    def send_reminder(*, case_id: int) -> None:
        ...  # re-load the case by id and call a service

`send_reminder.enqueue(case_id=7)` works as with `@task`. When the function raises, the
attempt is recorded as a `TaskFailure` (task, arguments, attempt, error, traceback) and the
task is enqueued again with exponential backoff (`task.using(run_after=...)`) until
`settings.TASK_MAX_ATTEMPTS` attempts have been made; then it is failed for good and an
administrator sees it on /tasks/ with a "retry now" button. When a later attempt succeeds,
every failure of that job is marked resolved. Raise `GiveUp` to stop retrying at once
(the object is gone, the input can never work).

Every task must be idempotent: a retry repeats the whole function, a "retry now" may race
a scheduled attempt, and a worker that dies mid-task leaves the work half done. Take ids,
re-load the objects, and make the service a no-op when its effect is already there.

The attempt travels in a reserved keyword argument (`datong_retry`) so that it works the
same on every backend (database, RQ, immediate); the wrapped function never sees it.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback as tb
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task as django_task
from django_tasks.base import Task

log = logging.getLogger(__name__)

#: The reserved keyword argument carrying {"chain", "attempt", "token"} between attempts.
RETRY_KWARG = "datong_retry"
#: The audit action written when a job has used up its attempts.
GIVE_UP_ACTION = "jobs.give_up"


class GiveUp(Exception):
    """Raise from a retrying task to fail for good at once (no further attempts)."""


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how soon a task is retried. None means: take it from settings."""

    max_attempts: int | None = None
    base_delay: float | None = None
    max_delay: float | None = None

    def attempts_allowed(self) -> int:
        value = self.max_attempts if self.max_attempts is not None else settings.TASK_MAX_ATTEMPTS
        return max(1, int(value))

    def delay_after(self, attempt: int) -> timedelta:
        """Backoff after the `attempt`-th failure: base, 2x base, 4x base ... capped."""
        base = self.base_delay if self.base_delay is not None else settings.TASK_RETRY_BASE_DELAY
        cap = self.max_delay if self.max_delay is not None else settings.TASK_RETRY_MAX_DELAY
        seconds = min(float(cap), float(base) * (2 ** max(0, attempt - 1)))
        return timedelta(seconds=max(0.0, seconds))


def retrying_task(
    function: Callable | None = None,
    *,
    max_attempts: int | None = None,
    base_delay: float | None = None,
    max_delay: float | None = None,
    takes_context: bool = False,
    **task_options: Any,
):
    """Like `django_tasks.task`, with retries recorded in `TaskFailure` (see module docs).

    `task_options` go to `django_tasks.task` (priority, queue_name, backend). With
    `takes_context=True` the function receives the django-tasks `TaskContext` first.
    """
    policy = RetryPolicy(max_attempts=max_attempts, base_delay=base_delay, max_delay=max_delay)

    def decorate(fn: Callable) -> Task:
        runner = _make_runner(fn, policy=policy, pass_context=takes_context)
        return django_task(runner, takes_context=True, **task_options)

    if function is not None:
        return decorate(function)
    return decorate


def policy_of(task: Task) -> RetryPolicy | None:
    """The retry policy of a task made by `retrying_task` (None for a plain task)."""
    return getattr(task.func, "datong_policy", None)


def _make_runner(fn: Callable, *, policy: RetryPolicy, pass_context: bool) -> Callable:
    def runner(context, *args, **kwargs):
        retry = kwargs.pop(RETRY_KWARG, None)
        return _run(fn, context, list(args), kwargs, retry=retry, policy=policy, pass_context=pass_context)

    # The backends find a task by "module.name" and check it is a module-level function:
    # the runner takes the wrapped function's place (no __wrapped__, or the context check
    # would read the wrapped function's signature).
    runner.__module__ = fn.__module__
    runner.__name__ = fn.__name__
    runner.__qualname__ = fn.__qualname__
    runner.__doc__ = fn.__doc__
    runner.datong_policy = policy
    runner.datong_function = fn
    return runner


def _run(fn, context, args: list, kwargs: dict, *, retry: dict | None, policy: RetryPolicy, pass_context: bool):
    from .models import TaskFailure

    chain: uuid.UUID | None = None
    attempt = 1
    if retry:
        chain = uuid.UUID(str(retry["chain"]))
        attempt = int(retry["attempt"])
        current = TaskFailure.objects.filter(
            chain=chain, retry_token=str(retry.get("token", "")), is_latest=True, resolved=False
        ).exists()
        if not current:
            # Resolved already, or an administrator's "retry now" replaced this attempt.
            log.info("skipping superseded attempt %s of job %s", attempt, chain)
            return None
    try:
        result = fn(context, *args, **kwargs) if pass_context else fn(*args, **kwargs)
    except Exception as exc:
        try:
            record_failure(
                task=context.task_result.task,
                result_id=str(context.task_result.id),
                exc=exc,
                chain=chain,
                attempt=attempt,
                args=args,
                kwargs=kwargs,
                policy=policy,
            )
        except Exception:
            # The database may be what failed; the task's own error still goes up.
            log.exception("could not record the failed attempt of %s", context.task_result.task.module_path)
        raise
    if chain is not None:
        TaskFailure.objects.filter(chain=chain, resolved=False).update(
            resolved=True, resolved_at=timezone.now(), next_attempt_at=None
        )
        log.info("job %s succeeded at attempt %s", chain, attempt)
    return result


def record_failure(
    *,
    task: Task,
    result_id: str,
    exc: Exception,
    chain: uuid.UUID | None,
    attempt: int,
    args: list,
    kwargs: dict,
    policy: RetryPolicy,
):
    """Write the failed attempt, then schedule the next one or give up (audited)."""
    from core.audit.services import record

    from .models import TaskFailure

    chain = chain or uuid.uuid4()
    allowed = policy.attempts_allowed()
    give_up = isinstance(exc, GiveUp) or attempt >= allowed
    log.warning("task %s failed (attempt %s of %s): %r", task.module_path, attempt, allowed, exc)
    with transaction.atomic():
        TaskFailure.objects.filter(chain=chain, is_latest=True).update(is_latest=False)
        failure = TaskFailure.objects.create(
            chain=chain,
            task_path=task.module_path,
            queue_name=task.queue_name,
            backend_name=task.backend,
            args=args,
            kwargs=kwargs,
            attempt=attempt,
            max_attempts=allowed,
            exception_class=f"{type(exc).__module__}.{type(exc).__qualname__}"[:300],
            error=_short_error(exc),
            traceback="".join(tb.format_exception(exc))[-20000:],
            result_id=result_id[:64],
            gave_up=give_up,
        )
        if give_up:
            record(
                actor="worker",
                action=GIVE_UP_ACTION,
                target=failure,
                data={"task": failure.task_path, "attempts": attempt, "error": failure.error},
            )
    if not give_up:
        token, run_after = prepare_retry(failure, delay=policy.delay_after(attempt), task=task)
        enqueue_retry(failure.pk, token=token, run_after=run_after, task=task)
    return failure


def _short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text[:500]


def load_task(failure) -> Task:
    """The task a failure belongs to, on the queue and backend it ran on."""
    task = import_string(failure.task_path)
    if not isinstance(task, Task):
        raise TypeError(f"{failure.task_path} is not a task")
    return task.using(queue_name=failure.queue_name, backend=failure.backend_name)


def prepare_retry(failure, *, delay: timedelta, task: Task | None = None):
    """Give `failure` a fresh retry token and next-attempt time; returns (token, run_after).

    A run carrying an older token is skipped, so at most one pending attempt stays live.
    """
    from .models import TaskFailure

    task = task or load_task(failure)
    now = timezone.now()
    supports_defer = task.get_backend().supports_defer
    run_after = now + delay if (delay.total_seconds() > 0 and supports_defer) else None
    token = uuid.uuid4().hex
    TaskFailure.objects.filter(pk=failure.pk).update(
        retry_token=token, next_attempt_at=run_after or now, gave_up=False
    )
    failure.retry_token, failure.next_attempt_at, failure.gave_up = token, run_after or now, False
    return token, run_after


def enqueue_retry(failure_id: int, *, token: str, run_after=None, task: Task | None = None) -> str | None:
    """Enqueue the next attempt of the failure's job; on error the job is failed for good."""
    from .models import TaskFailure

    failure = TaskFailure.objects.get(pk=failure_id)
    try:
        task = dataclasses.replace(task or load_task(failure), run_after=run_after)
        retry = {"chain": str(failure.chain), "attempt": failure.attempt + 1, "token": token}
        result = task.enqueue(*failure.args, **failure.kwargs, **{RETRY_KWARG: retry})
    except Exception as exc:
        log.exception("could not enqueue a retry of %s", failure.task_path)
        TaskFailure.objects.filter(pk=failure_id, retry_token=token).update(
            gave_up=True,
            next_attempt_at=None,
            error=(f"{failure.error} | retry not enqueued: {_short_error(exc)}")[:500],
        )
        return None
    TaskFailure.objects.filter(pk=failure_id).update(retry_result_id=str(result.id)[:64])
    return str(result.id)
