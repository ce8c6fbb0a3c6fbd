"""Fixtures for background work: the database task backend driven in-process."""

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.accounts.roles import Role

from . import sample_tasks

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_counts():
    sample_tasks.CALLS.clear()
    sample_tasks.FIXED.clear()
    yield
    sample_tasks.CALLS.clear()
    sample_tasks.FIXED.clear()


@pytest.fixture
def db_tasks(settings, db):
    """The demo's database backend, retries without pause; returns `drain()`.

    `drain()` runs every ready task the way `manage.py db_worker --batch` does (claim, run,
    record), inside the test's transaction.
    """
    settings.TASKS = DB_TASKS
    settings.TASK_RETRY_BASE_DELAY = 0
    settings.TASK_MAX_ATTEMPTS = 3
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest-worker",
        excluded_queue_names=[],
    )

    def drain(limit: int = 50) -> int:
        ran = 0
        while ran < limit:
            result = DBTaskResult.objects.ready().first()
            if result is None:
                break
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    return drain


@pytest.fixture
def administrator(users):
    return users[Role.ADMINISTRATOR]
