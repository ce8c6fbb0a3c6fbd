"""A work-order import whose worker was killed outright (SIGKILL, the OOM killer, power lost)
is not shown "in progress" for ever: once silent for longer than its limit (the stall rule,
core.jobs.rules) its result page says it stopped and offers "Continue the import", which
queues the task again for the same upload. That run writes the rest, no order twice, and
the counts are the whole file's: the orders the dead run wrote count as imported, not as
"already there". Pressed twice, or while the import runs, it queues nothing more."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from casework.services.derived import drift
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.audit.verify import verify_chain
from core.jobs.models import ProgressRecord
from voices import importing
from voices.models import Message

from . import test_importing as base
from .test_importing import URL, row, sheet

city, receiving = base.city, base.receiving  # the invented city (fixtures)

Status = ProgressRecord.Status


class WorkerKilled(BaseException):  # noqa: N818 - what the worker gets, not an error of the code
    """What a SIGKILL looks like from inside: the run ends where it is, and no `except
    Exception` (the import's, the retrying task's) gets to record anything."""


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch, settings):
    """Files of a few rows go to the task, two rows to a batch, no pause between batches."""
    monkeypatch.setattr(importing, "INLINE_MAX_ROWS", 2)
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    monkeypatch.setattr(importing, "SQLITE_PAUSE", 0)
    settings.DATONG_JOB_STALLED_AFTER = 15 * 60


def numbers() -> list[str]:
    return sorted(Message.objects.values_list("external_id", flat=True))


def upload_id_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def continue_url(url: str) -> str:
    return f"{url}continue"


def time_passes(url: str, *, minutes: int = 60) -> None:
    """The dead worker's record as it is `minutes` later: its last word that long ago."""
    key = importing.progress_key(upload_id_of(url))
    ProgressRecord.objects.filter(key=key).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


@pytest.fixture
def killed_import(receiving, client_for, monkeypatch, django_capture_on_commit_callbacks):
    """GD1 imported earlier; then a file of GD1 to GD8 whose worker is killed at its third
    batch: GD2 to GD5 are written, the record says running, the result is "running"."""
    client = client_for(Role.STAFF)
    client.post(URL, {"file": sheet(row("GD1"))})
    real_write_batch = importing.write_batch
    batches: list[list[str]] = []

    def killed_at_the_third_batch(batch, **kwargs):
        batches.append([r["external_id"] for r in batch])
        if len(batches) == 3:
            raise WorkerKilled()
        return real_write_batch(batch, **kwargs)

    monkeypatch.setattr(importing, "write_batch", killed_at_the_third_batch)
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post(URL, {"file": sheet(*(row(f"GD{n}") for n in range(1, 9)))})["Location"]
    monkeypatch.setattr(importing, "write_batch", real_write_batch)
    assert numbers() == ["GD1", "GD2", "GD3", "GD4", "GD5"]
    return {"client": client, "url": url, "batches": batches}


def test_a_killed_import_shows_in_progress_until_its_limit(killed_import):
    client, url = killed_import["client"], killed_import["url"]
    time_passes(url, minutes=14)

    page = client.get(url).content.decode()

    assert "Import of work orders: in progress" in page
    assert "Continue the import" not in page


def test_a_killed_import_says_it_stopped_and_offers_to_continue(killed_import):
    client, url = killed_import["client"], killed_import["url"]
    time_passes(url)

    page = client.get(url).content.decode()

    assert "<h1>Import of work orders: stopped</h1>" in page
    assert "The import stopped before it finished" in page
    assert "Stopped unexpectedly" in page and "5 of 8 (62%)" in page  # how far it got
    assert f'action="{continue_url(url)}"' in page and "Continue the import" in page
    assert 'hx-trigger="every' not in page  # nothing polls a job that will not move
    assert AuditEntry.objects.filter(action="jobs.stalled").count() == 1


def test_the_waiting_page_reloads_itself_when_the_job_is_found_stopped(killed_import):
    client, url = killed_import["client"], killed_import["url"]
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 204  # still waiting
    time_passes(url)

    response = client.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_continue_completes_the_import_with_every_order_once_and_the_whole_files_counts(
    killed_import, monkeypatch, django_capture_on_commit_callbacks
):
    client, url = killed_import["client"], killed_import["url"]
    time_passes(url)
    client.get(url)
    real_write_batch = importing.write_batch
    batches: list[list[str]] = []

    def write_batch(batch, **kwargs):
        batches.append([r["external_id"] for r in batch])
        return real_write_batch(batch, **kwargs)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(continue_url(url))
    assert response.status_code == 302 and response["Location"] == url
    [enqueue] = callbacks
    monkeypatch.setattr(importing, "write_batch", write_batch)
    enqueue()  # the task queued again (the test settings run it at once)

    assert batches == [["GD6", "GD7"], ["GD8"]]  # the dead run's orders are not written again
    assert numbers() == [f"GD{n}" for n in range(1, 9)]
    assert Message.objects.count() == 8
    page = client.get(url).content.decode()
    assert "<h1>Import of work orders: finished</h1>" in page
    # The whole file: GD2 to GD8 imported (four of them by the dead run), GD1 there before.
    assert "7 work orders imported" in page
    assert "7 of them closed with their past outcome" in page
    assert "1 already imported earlier, skipped" in page
    assert "Continue the import" not in page
    record = ProgressRecord.objects.get(key=importing.progress_key(upload_id_of(url)))
    assert (record.status, record.done, record.total) == (Status.SUCCEEDED, 8, 8)
    entry = AuditEntry.objects.get(action=importing.RESUME_ACTION)
    assert entry.data["upload"] == upload_id_of(url)
    assert verify_chain().ok
    assert drift() == []


def test_continue_pressed_twice_queues_the_import_once(killed_import, django_capture_on_commit_callbacks):
    client, url = killed_import["client"], killed_import["url"]
    time_passes(url)
    client.get(url)

    with django_capture_on_commit_callbacks(execute=False) as first:
        client.post(continue_url(url))
    with django_capture_on_commit_callbacks(execute=False) as second:
        again = client.post(continue_url(url), follow=True)

    assert len(first) == 1 and second == []
    assert "The import is still running" in again.content.decode()
    assert "Import of work orders: in progress" in again.content.decode()
    first[0]()  # the one task queued
    assert numbers() == [f"GD{n}" for n in range(1, 9)]
    with django_capture_on_commit_callbacks(execute=False) as third:
        after = client.post(continue_url(url), follow=True)
    assert third == [] and "This import has already ended" in after.content.decode()
    assert Message.objects.count() == 8


def test_continue_while_the_import_still_moves_queues_nothing(
    killed_import, django_capture_on_commit_callbacks
):
    client, url = killed_import["client"], killed_import["url"]
    time_passes(url, minutes=5)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(continue_url(url), follow=True)

    assert callbacks == []
    assert "The import is still running" in response.content.decode()
    record = ProgressRecord.objects.get(key=importing.progress_key(upload_id_of(url)))
    assert record.status == Status.RUNNING
    assert numbers() == ["GD1", "GD2", "GD3", "GD4", "GD5"]


# --- who may continue an import ---------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.ADMINISTRATOR])
def test_other_roles_may_not_continue_an_import(
    killed_import, client_for, role, django_capture_on_commit_callbacks
):
    url = killed_import["url"]
    time_passes(url)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(role).post(continue_url(url))

    assert response.status_code == 403 and callbacks == []


def test_anonymous_visitor_is_sent_to_log_in(killed_import):
    response = Client().post(continue_url(killed_import["url"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_member_of_staff_cannot_continue_someone_elses_import(
    killed_import, make_user, django_capture_on_commit_callbacks
):
    url = killed_import["url"]
    time_passes(url)
    other = Client()
    other.force_login(make_user(Role.STAFF, username="other-staff"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = other.post(continue_url(url))

    assert response.status_code == 404 and callbacks == []


def test_continue_is_a_post_only(killed_import):
    assert killed_import["client"].get(continue_url(killed_import["url"])).status_code == 405
