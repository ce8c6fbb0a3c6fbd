"""Periodic jobs: `run_periodic` runs each due job once and records its last run."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.jobs import periodic
from core.jobs.models import PeriodicRun

CALLS: list[str] = []


def count_call() -> None:
    CALLS.append("ran")


def broken() -> None:
    raise RuntimeError("the holiday table could not be read")


@pytest.fixture(autouse=True)
def registry():
    saved = dict(periodic._REGISTRY)
    periodic.registered_jobs()  # autodiscovery first, so the test's own jobs stay
    CALLS.clear()
    yield periodic
    periodic._REGISTRY.clear()
    periodic._REGISTRY.update(saved)
    CALLS.clear()


def test_due_jobs_run_once_per_period(db, registry):
    registry.register("test.count", count_call, every=timedelta(hours=1))
    now = timezone.now()

    assert registry.run_due(now=now, names=["test.count"]) == {"test.count": "ok"}
    assert registry.run_due(now=now + timedelta(minutes=10), names=["test.count"]) == {}
    assert registry.run_due(now=now + timedelta(hours=1), names=["test.count"]) == {"test.count": "ok"}

    assert CALLS == ["ran", "ran"]
    run = PeriodicRun.objects.get(name="test.count")
    assert run.run_count == 2 and run.last_status == "ok" and run.last_finished_at


def test_a_minutely_job_runs_every_minute_even_if_cron_starts_a_little_early(db, registry):
    registry.register("test.minutely", count_call, every=timedelta(minutes=1))
    now = timezone.now()

    registry.run_due(now=now, names=["test.minutely"])
    registry.run_due(now=now + timedelta(seconds=58), names=["test.minutely"])

    assert CALLS == ["ran", "ran"]


def test_run_periodic_once_runs_due_jobs_and_records_them(db, registry):
    registry.register("test.count", count_call, every=timedelta(hours=1))

    # Only this app's jobs: other apps' jobs have tests of their own.
    call_command("run_periodic", "--once", "--job", "test.count", "--job", "jobs.prune")
    call_command("run_periodic", "--once", "--job", "test.count", "--job", "jobs.prune")

    assert CALLS == ["ran"]
    assert PeriodicRun.objects.get(name="test.count").run_count == 1
    assert PeriodicRun.objects.get(name="jobs.prune").last_status == "ok"


def test_a_failing_job_is_recorded_and_the_others_still_run(db, registry):
    registry.register("test.broken", broken, every=timedelta(hours=1))
    registry.register("test.count", count_call, every=timedelta(hours=1))

    ran = registry.run_due(names=["test.broken", "test.count"])

    assert ran == {"test.broken": "failed", "test.count": "ok"}
    run = PeriodicRun.objects.get(name="test.broken")
    assert run.failure_count == 1 and "holiday table" in run.last_error and run.lease_until is None


def test_a_job_held_by_another_runner_is_left_alone(db, registry):
    registry.register("test.count", count_call, every=timedelta(hours=1))
    now = timezone.now()
    PeriodicRun.objects.create(name="test.count", lease_until=now + timedelta(minutes=5))

    assert registry.run_due(now=now, names=["test.count"]) == {}
    assert CALLS == []


def test_a_task_is_enqueued_for_the_worker(db, registry, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    registry.register("test.task", "core.jobs.tests.sample_tasks.tick", every=timedelta(hours=1))

    assert registry.run_due(names=["test.task"]) == {"test.task": "enqueued"}
    assert DBTaskResult.objects.filter(task_path="core.jobs.tests.sample_tasks.tick").count() == 1
    assert PeriodicRun.objects.get(name="test.task").last_status == "enqueued"


def test_registered_jobs_are_listed_on_the_task_page(db, registry, client_for):
    registry.register("test.count", count_call, every=timedelta(hours=1))
    registry.run_due(names=["test.count"])

    page = client_for("administrator").get("/tasks/").content.decode()

    assert "test.count" in page and "jobs.prune" in page


@pytest.mark.django_db(transaction=True)
def test_the_runner_survives_a_failed_pass_and_runs_the_job_at_the_next_tick(registry, monkeypatch, caplog):
    """The demo's runner died when SQLite said "database is locked" while it claimed a job
    (an import held the write lock): a failed pass is logged and the loop carries on.
    (Outside a test transaction: the loop tidies its connections between passes, as it
    does in production.)"""
    from django.db import OperationalError

    from core.jobs.management.commands.run_periodic import Command

    runner = Command()
    ticks: list[str] = []

    def job() -> None:
        ticks.append("ran")
        runner._stop = True  # one good pass is all this test needs

    registry.register("test.count", job, every=timedelta(hours=1))
    real_row = periodic._row

    def locked_once(name):
        if not ticks:  # the first pass, as an import holds the write lock
            ticks.append("locked")
            raise OperationalError("database is locked")
        return real_row(name)

    monkeypatch.setattr(periodic, "_row", locked_once)

    call_command(runner, "--job", "test.count", "--interval", "0")

    assert ticks == ["locked", "ran"]
    assert PeriodicRun.objects.get(name="test.count").last_status == "ok"
    assert "the periodic pass failed" in caplog.text and "database is locked" in caplog.text


def test_a_failed_pass_with_once_ends_with_an_error_status(db, registry, monkeypatch):
    """From cron (--once) the failure is the command's: cron or systemd records it."""
    from django.core.management import CommandError
    from django.db import OperationalError

    registry.register("test.count", count_call, every=timedelta(hours=1))

    def locked(name):
        raise OperationalError("database is locked")

    monkeypatch.setattr(periodic, "_row", locked)

    with pytest.raises(CommandError, match="database is locked"):
        call_command("run_periodic", "--once", "--job", "test.count")
    assert CALLS == []
