"""The RQ backend (DATONG_TASK_BACKEND=rq) with the real Redis at 127.0.0.1:6379.

An RQ worker in burst mode runs the task; its failures are retried through RQ.
"""

import signal
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from core.jobs.models import TaskFailure

from . import sample_tasks

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def rq_queue(settings, db):
    """A queue of its own on the real Redis, through the settings DATONG_TASK_BACKEND=rq sets."""
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}): RQ backend NOT tested")

    import django_rq
    from django_tasks_rq import Job

    name = f"datong-test-{uuid.uuid4().hex[:8]}"
    # django_tasks_rq reads results through the "default" queue's connection.
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}, name: {"URL": REDIS_URL}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    settings.TASK_RETRY_BASE_DELAY = 0
    settings.TASK_MAX_ATTEMPTS = 3
    queue = django_rq.get_queue(name, job_class=Job)
    yield queue
    queue.empty()
    for registry in (queue.scheduled_job_registry, queue.failed_job_registry, queue.finished_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    queue.delete(delete_jobs=True)


def work(queue) -> None:
    """One RQ worker in burst mode, in this process (so it shares the test's database)."""
    from django_tasks_rq import Job
    from rq import SimpleWorker

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_task_enqueued_through_rq_runs_in_an_rq_worker_and_is_retried(rq_queue):
    result = sample_tasks.flaky.using(queue_name=rq_queue.name).enqueue("rq-report")
    assert rq_queue.count == 1

    work(rq_queue)

    assert sample_tasks.CALLS["rq-report"] == 3
    failures = list(TaskFailure.objects.order_by("attempt"))
    assert [f.attempt for f in failures] == [1, 2]
    assert all(f.resolved for f in failures)
    assert failures[0].result_id == result.id
    assert failures[0].queue_name == rq_queue.name
    final = sample_tasks.flaky.get_result(failures[-1].retry_result_id)
    assert final.status == "SUCCESSFUL" and final.return_value == "done"


def test_task_that_always_fails_through_rq_is_failed_for_good(rq_queue):
    sample_tasks.always_fails.using(queue_name=rq_queue.name).enqueue("rq-mail")

    work(rq_queue)

    assert sample_tasks.CALLS["rq-mail"] == 3
    last = TaskFailure.objects.get(is_latest=True)
    assert last.gave_up and last.attempt == 3
    assert len(rq_queue.failed_job_registry) == 3


def test_rq_retry_waits_in_the_scheduler_for_its_backoff(rq_queue, settings):
    settings.TASK_RETRY_BASE_DELAY = 60
    sample_tasks.always_fails.using(queue_name=rq_queue.name).enqueue("rq-later")

    work(rq_queue)

    assert sample_tasks.CALLS["rq-later"] == 1
    failure = TaskFailure.objects.get()
    registry = rq_queue.scheduled_job_registry
    assert failure.retry_result_id in registry.get_job_ids()
    job = rq_queue.fetch_job(failure.retry_result_id)
    assert registry.get_scheduled_time(job) >= timezone.now() + timedelta(seconds=50)
