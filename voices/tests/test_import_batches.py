"""The work-order import writes in batches, each its own short transaction, so other writers
are never held up for the whole import (the demo's periodic runner died of "database is
locked" behind a 5,000-row file). Every row is still checked before any is written; the bar
moves as each batch commits; a run that dies half-way is completed by the task's retry, with
no order twice and the counts of the whole file; a problem says the column as the sheet
names it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from casework.services.derived import drift
from core.accounts.roles import Role
from core.audit.verify import verify_chain
from core.errors import ValidationFailed
from core.jobs.models import ProgressRecord, TaskFailure
from voices import importing
from voices.models import Message

from . import test_importing as base
from .test_importing import URL, row, sheet, upload

city, receiving = base.city, base.receiving  # the invented city (fixtures)


@pytest.fixture(autouse=True)
def _no_pause_between_batches(monkeypatch):
    """The pause that lets SQLite's other writers in is measured in bench/, not waited here."""
    monkeypatch.setattr(importing, "SQLITE_PAUSE", 0)


def numbers() -> list[str]:
    return sorted(Message.objects.values_list("external_id", flat=True))


def seen_from_another_connection(key: str) -> tuple[int, int]:
    """(work orders stored, the bar's rows done) as another database connection reads them:
    only what has been committed."""
    found: list[tuple[int, int]] = []

    def read() -> None:
        try:
            found.append((Message.objects.count(), ProgressRecord.objects.get(key=key).done))
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(30)
    return found[0]


@pytest.mark.django_db(transaction=True)
def test_each_batch_is_committed_and_the_bar_moves_between_batches(receiving, make_user, monkeypatch):
    """Five orders with their past outcomes, two to a batch: before each batch, another
    connection sees the orders of the batches before it and a bar that has moved with them."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    staff = make_user(Role.STAFF)
    rows = importing.read(sheet(*(row(f"GD{n}") for n in range(1, 6))))
    key = "voices-import-batches"
    importing.progress.start(key, total=len(rows), owner=staff)
    observed = []
    real_write_batch = importing.write_batch

    def write_batch(batch, **kwargs):
        observed.append(seen_from_another_connection(key))
        return real_write_batch(batch, **kwargs)

    monkeypatch.setattr(importing, "write_batch", write_batch)

    assert importing.import_rows(rows, by=staff, key=key) == (5, 0, 5)

    assert observed == [(0, 0), (2, 2), (4, 4)]
    assert seen_from_another_connection(key) == (5, 5)
    assert verify_chain().ok
    assert drift() == []


def test_a_run_that_dies_after_the_first_batch_is_completed_by_the_retry(
    receiving, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker's run fails after its first batch committed (the database went away);
    core.jobs retries the task, which skips the orders written and writes the rest: every
    order once, and the counts of the whole file, not of the retry."""
    monkeypatch.setattr(importing, "INLINE_MAX_ROWS", 2)
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    client = client_for(Role.STAFF)
    upload(client, sheet(row("GD1")))  # imported earlier: skipped, and said so
    real_write_batch = importing.write_batch
    batches = []

    def dies_at_the_second_batch(batch, **kwargs):
        batches.append([r["external_id"] for r in batch])
        if len(batches) == 2:
            raise RuntimeError("server closed the connection unexpectedly")
        return real_write_batch(batch, **kwargs)

    monkeypatch.setattr(importing, "write_batch", dies_at_the_second_batch)
    with django_capture_on_commit_callbacks() as callbacks:
        response = Client.post(client, URL, {"file": sheet(*(row(f"GD{n}") for n in range(1, 7)))})
    [enqueue] = callbacks
    enqueue()  # the task, then its retry (the test settings run both at once)

    assert batches == [["GD2", "GD3"], ["GD4", "GD5"], ["GD4", "GD5"], ["GD6"]]
    assert numbers() == ["GD1", "GD2", "GD3", "GD4", "GD5", "GD6"]
    [failure] = TaskFailure.objects.all()
    assert failure.attempt == 1 and failure.resolved
    page = client.get(response["Location"]).content.decode()
    assert "5 work orders imported" in page and "5 of them closed with their past outcome" in page
    assert "1 already imported earlier, skipped" in page
    record = ProgressRecord.objects.get(key__startswith="voices-import-", total=6)
    assert (record.status, record.done) == (ProgressRecord.Status.SUCCEEDED, 6)
    assert verify_chain().ok
    assert drift() == []


def test_a_file_with_a_bad_row_imports_nothing_however_many_batches(receiving, client_for, monkeypatch):
    """The checks come first: a bad row in the last batch keeps the first batches out too."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    response = upload(client_for(Role.STAFF), sheet(*(row(f"GD{n}") for n in range(1, 6)), row("GD6", 主题="")))
    assert response.status_code == 422
    assert "Row 7, 主题: this column must be filled in." in response.content.decode()
    assert "nothing was imported" in response.content.decode()
    assert numbers() == []


def test_a_row_refused_while_writing_stops_the_import_and_says_what_was_imported(
    receiving, client_for, monkeypatch
):
    """A refusal only the services can make (MSG-7 here, standing in for any change to the
    city's data after the check) stops the import at its batch; the batches before it stay,
    and the page says how many and that importing the file again completes it."""
    from voices import services

    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    real = services.record_historical_outcome

    def refuse_gd4(*, by, message, **outcome):
        if message.external_id == "GD4":
            raise ValidationFailed(details={"unit": "A report is never sent to the unit it accuses (MSG-7)."})
        return real(by=by, message=message, **outcome)

    monkeypatch.setattr(services, "record_historical_outcome", refuse_gd4)
    client = client_for(Role.STAFF)
    file_rows = [row(f"GD{n}") for n in range(1, 6)]
    response = upload(client, sheet(*file_rows))
    assert response.status_code == 422
    text = response.content.decode()
    assert "Row 5, 承办单位: A report is never sent to the unit it accuses (MSG-7)." in text
    assert "1 problem; the import stopped there" in text
    assert "2 work orders of the file were imported before the import stopped." in text
    assert "nothing was imported" not in text
    assert numbers() == ["GD1", "GD2"]

    monkeypatch.setattr(services, "record_historical_outcome", real)
    again = upload(client, sheet(*file_rows))
    text = again.content.decode()
    assert "3 work orders imported" in text and "3 of them closed with their past outcome" in text
    assert "2 already imported earlier, skipped" in text
    assert numbers() == ["GD1", "GD2", "GD3", "GD4", "GD5"]


# --- problems name the column as the sheet does, with its limit ---------------------------


def test_a_too_long_name_or_text_is_reported_under_its_column_with_the_limit(receiving, client_for):
    """Reported by a tester as "第 2 行：name: 内容过长。": the check now holds the limits of
    every channel, so the row is refused before anything is written, under its column."""
    response = upload(client_for(Role.STAFF), sheet(row("GD1", 来电人="李" * 51, 内容="路" * 10_001)))
    assert response.status_code == 422
    text = response.content.decode()
    assert "Row 2, 来电人: at most 50 characters are allowed." in text
    assert "Row 2, 内容: at most 10000 characters are allowed." in text
    assert "name:" not in text and "body:" not in text
    assert numbers() == []


def test_the_limit_in_chinese(receiving, make_user):
    staff = make_user(Role.STAFF)
    rows = importing.read(sheet(row("GD1", 来电人="李" * 51)))
    with translation.override("zh-hans"):
        with pytest.raises(ValidationFailed) as caught:
            importing.import_rows(rows, by=staff)
        assert importing.problems_of(caught.value) == ["第 2 行，来电人：最多允许 50 个字符。"]


def test_a_refusal_of_the_services_names_the_sheets_columns(receiving, client_for, monkeypatch):
    """Whatever the services refuse while writing is said under the sheet's column ("来电人",
    not "name") and a "too long" with its limit; the reason of a phone keeps its colon."""
    from voices import services
    from voices.services.base import error

    def refuse(**kwargs):
        raise ValidationFailed(details={"row 2": f"name: {error('too_long')}; phone: {error('phone_invalid')}",
                                        "row 3": f"body: {error('too_long')}"})

    monkeypatch.setattr(services, "receive_many", refuse)
    response = upload(client_for(Role.STAFF), sheet(row("GD1"), row("GD2")))
    assert response.status_code == 422
    text = response.content.decode()
    assert "Row 2, 来电人: at most 50 characters are allowed." in text
    assert f"Row 2, 联系电话: {error('phone_invalid')}" in text
    assert "Row 3, 内容: at most 10000 characters are allowed." in text
    assert numbers() == []
