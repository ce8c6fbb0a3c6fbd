"""The stall rule (core.jobs.rules): a job whose worker was killed outright (SIGKILL, the OOM
killer, power lost) cannot say so; once silent for longer than its limit it is marked
"stopped unexpectedly", by the periodic job and as soon as its bar is polled, so that nobody
waits for ever on a bar that will never move again."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.jobs import periodic, progress, rules, services
from core.jobs.models import ProgressRecord

Status = ProgressRecord.Status
NOON = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
LIMIT = datetime.timedelta(minutes=15)


def silent_since(key: str, moment: datetime.datetime) -> None:
    """The record as a dead worker leaves it: its last word at `moment` (a plain UPDATE; the
    progress helpers would stamp the time of the call)."""
    ProgressRecord.objects.filter(key=key).update(updated_at=moment)


# --- the rule, with a fixed clock -------------------------------------------------------------


def test_a_running_job_silent_exactly_for_the_limit_is_not_stalled_yet():
    """The stall rule: MORE than the limit, not at it."""
    assert rules.is_stalled(running=True, updated_at=NOON - LIMIT, now=NOON, limit=LIMIT) is False


def test_a_running_job_silent_just_over_the_limit_is_stalled():
    """The stall rule."""
    just_over = NOON - LIMIT - datetime.timedelta(microseconds=1)
    assert rules.is_stalled(running=True, updated_at=just_over, now=NOON, limit=LIMIT) is True


def test_a_job_that_moved_within_the_limit_is_not_stalled():
    assert (
        rules.is_stalled(running=True, updated_at=NOON - datetime.timedelta(minutes=1), now=NOON, limit=LIMIT)
        is False
    )


def test_a_finished_or_failed_job_never_stalls():
    """The stall rule: only a job still running can be a job whose worker died."""
    a_year_later = NOON + datetime.timedelta(days=365)
    assert rules.is_stalled(running=False, updated_at=NOON, now=a_year_later, limit=LIMIT) is False


def test_a_job_keeps_its_own_limit_and_the_others_take_the_sites():
    """The stall rule: a training moves once per model, so it declares a longer silence."""
    own = datetime.timedelta(hours=2)
    assert rules.stall_limit(own, LIMIT) == own
    assert rules.stall_limit(None, LIMIT) == LIMIT
    assert rules.stall_limit(datetime.timedelta(0), LIMIT) == LIMIT


def test_the_setting_is_read_as_seconds_or_a_duration():
    assert rules.as_duration(60) == datetime.timedelta(minutes=1)
    assert rules.as_duration("900") == LIMIT
    assert rules.as_duration(datetime.timedelta(hours=1)) == datetime.timedelta(hours=1)
    assert rules.as_duration("soon") == rules.DEFAULT_STALLED_AFTER
    assert rules.as_duration(0) == rules.DEFAULT_STALLED_AFTER


# --- marking: the service, the periodic job -------------------------------------------------


def test_the_service_marks_a_silent_job_and_leaves_a_live_one_with_a_fixed_clock(db, settings):
    settings.DATONG_JOB_STALLED_AFTER = 900
    progress.start("dead-import", total=10)
    progress.start("live-import", total=10)
    progress.start("on-the-limit", total=10)
    silent_since("dead-import", NOON - LIMIT - datetime.timedelta(seconds=1))
    silent_since("live-import", NOON - datetime.timedelta(seconds=5))
    silent_since("on-the-limit", NOON - LIMIT)

    assert services.mark_stalled_jobs(now=NOON) == 1

    statuses = dict(ProgressRecord.objects.values_list("key", "status"))
    assert statuses == {
        "dead-import": Status.STALLED,
        "live-import": Status.RUNNING,
        "on-the-limit": Status.RUNNING,
    }
    assert services.mark_stalled_jobs(now=NOON) == 0  # idempotent


def test_the_periodic_pass_marks_a_stalled_job_and_leaves_the_others(db, users):
    owner = users[Role.STAFF]
    now = timezone.now()
    progress.start("dead-import", total=200, label="Import of work orders", owner=owner)
    progress.advance("dead-import", by=50)
    progress.start("live-import", total=200, owner=owner)
    progress.start("finished-export")
    progress.finish("finished-export")
    progress.start("long-training", total=2, stalled_after=datetime.timedelta(hours=2))
    silent_since("dead-import", now - datetime.timedelta(hours=1))
    silent_since("finished-export", now - datetime.timedelta(days=2))
    silent_since("long-training", now - datetime.timedelta(hours=1))

    call_command("run_periodic", "--once", "--job", "jobs.mark_stalled")

    dead = progress.get("dead-import")
    assert dead.status == Status.STALLED and not dead.is_running
    assert dead.message.startswith("The job stopped unexpectedly")
    assert dead.done == 50  # how far it got stays visible
    assert progress.get("live-import").status == Status.RUNNING
    assert progress.get("finished-export").status == Status.SUCCEEDED
    assert progress.get("long-training").status == Status.RUNNING  # within its own two hours
    entry = AuditEntry.objects.get(action=services.STALLED_ACTION)
    assert entry.data["key"] == "dead-import" and entry.data["stalled_after_seconds"] == 900


def test_the_marking_job_is_registered():
    assert "jobs.mark_stalled" in {job.name for job in periodic.registered_jobs()}


def test_a_job_that_moved_since_it_was_read_is_not_marked(db):
    """Race: the periodic job reads a silent record, the job moves, then the mark comes: the
    job is alive and stays running."""
    progress.start("slow-import", total=10)
    silent_since("slow-import", timezone.now() - datetime.timedelta(hours=1))
    read_before = progress.get("slow-import")
    progress.advance("slow-import", by=1)

    assert services._mark_if_stalled(read_before, now=timezone.now(), default=LIMIT) is False
    assert progress.get("slow-import").status == Status.RUNNING


def test_a_word_from_a_job_taken_for_dead_sets_it_running_again(db):
    progress.start("queued-long", total=10)
    silent_since("queued-long", timezone.now() - datetime.timedelta(hours=1))
    services.mark_stalled_jobs()
    assert progress.get("queued-long").status == Status.STALLED

    progress.advance("queued-long", by=2)

    record = progress.get("queued-long")
    assert (record.status, record.done) == (Status.RUNNING, 2)


def test_reopen_sets_a_stopped_job_running_once_only(db):
    """A "continue" pressed twice queues the job once: the second press finds it running."""
    progress.start("dead", total=4)
    silent_since("dead", timezone.now() - datetime.timedelta(hours=1))
    services.mark_stalled_jobs()

    assert progress.reopen("dead", message="Waiting to start…") is True
    assert progress.reopen("dead") is False
    record = progress.get("dead")
    assert (record.status, record.message) == (Status.RUNNING, "Waiting to start…")
    progress.finish("dead")
    assert progress.reopen("dead") is False  # a finished job is not run again


# --- the bar says so at once ----------------------------------------------------------------


def test_the_polled_bar_says_the_job_stopped_and_stops_polling(db, users, client_for):
    progress.start("import-poll", total=8, label="Import of work orders", owner=users[Role.STAFF])
    progress.advance("import-poll", by=4)
    silent_since("import-poll", timezone.now() - datetime.timedelta(hours=1))

    bar = client_for(Role.STAFF).get(
        reverse("jobs:progress", args=["import-poll"]), headers={"HX-Request": "true"}
    )

    text = bar.content.decode()
    assert bar.status_code == 200 and "<html" not in text
    assert "Stopped unexpectedly" in text and "The job stopped unexpectedly" in text
    assert "4 of 8 (50%)" in text
    assert "hx-trigger" not in text  # nothing more to wait for
    assert progress.get("import-poll").status == Status.STALLED


def test_a_live_bar_keeps_polling(db, users, client_for):
    progress.start("import-live", total=8, owner=users[Role.STAFF])

    bar = client_for(Role.STAFF).get(
        reverse("jobs:progress", args=["import-live"]), headers={"HX-Request": "true"}
    )

    assert "hx-trigger" in bar.content.decode() and "Stopped unexpectedly" not in bar.content.decode()


def test_polling_someone_elses_bar_marks_nothing(db, users, client_for):
    """The stall is evaluated for a reader who may see the bar only."""
    progress.start("import-other", total=8, owner=users[Role.STAFF])
    silent_since("import-other", timezone.now() - datetime.timedelta(hours=1))

    response = client_for(Role.CITIZEN).get(reverse("jobs:progress", args=["import-other"]))

    assert response.status_code == 404
    assert progress.get("import-other").status == Status.RUNNING


def test_the_api_reports_a_stalled_job(db, users, client_for):
    progress.start("import-api-dead", total=4, owner=users[Role.STAFF])
    silent_since("import-api-dead", timezone.now() - datetime.timedelta(hours=1))

    body = client_for(Role.STAFF).get("/api/tasks/progress/import-api-dead").json()

    assert body["status"] == "stalled" and body["message"].startswith("The job stopped unexpectedly")


@pytest.mark.parametrize("seconds", [60, 3600])
def test_the_limit_is_the_sites_setting(db, settings, seconds):
    settings.DATONG_JOB_STALLED_AFTER = seconds
    progress.start("import-setting", total=4)
    silent_since("import-setting", NOON - datetime.timedelta(minutes=30))

    services.mark_stalled_jobs(now=NOON)

    expected = Status.STALLED if seconds == 60 else Status.RUNNING
    assert progress.get("import-setting").status == expected
