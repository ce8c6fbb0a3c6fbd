"""The suggestions import's result page as its user reads it (the shared import pages,
core.documents.import_pages): the heading says what happened, the figures are the file's
rows, each figure is said once, and there is no button back to the page itself."""

from __future__ import annotations

import re

import pytest

from core.jobs import progress
from proposals import importing

from .test_importing import _empty_upload_folder, category, good_rows, sheet, staff_client, upload  # noqa: F401

pytestmark = pytest.mark.django_db

COUNTS = ("3 suggestions created", "1 registered and assigned", "2 waiting to be registered")


def heading(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def test_a_finished_import_of_three_rows_reads_right(staff_client, city, good_rows):  # noqa: F811
    response = upload(staff_client, sheet(good_rows))
    assert response.status_code == 302
    url = response["Location"]
    page = staff_client.get(url).content.decode()
    assert heading(page) == "Import of suggestions: finished"
    assert "Importing suggestions" not in page
    figures = re.search(r'class="progress-figures">(.*?)</p>', page, re.S).group(1)
    assert "3 of 3 (100%)" in figures, figures
    # Each figure is said once, in the list (not again in a sentence above it).
    for line in COUNTS:
        assert page.count(line) == 1, line
    assert "suggestions imported:" not in page
    assert f'href="{url}"' not in page and "Open the result" not in page
    record = progress.get(importing.progress_key(url.rstrip("/").rsplit("/", 1)[-1]))
    assert (record.done, record.total) == (3, 3)


def test_a_queued_import_says_it_is_in_progress_with_its_rows(
    staff_client, city, good_rows, monkeypatch, django_capture_on_commit_callbacks  # noqa: F811
):
    monkeypatch.setattr(importing, "INLINE_MAX_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=False):
        url = upload(staff_client, sheet(good_rows))["Location"]
    page = staff_client.get(url).content.decode()
    assert heading(page) == "Import of suggestions: in progress"
    assert "0 of 3 (0%)" in page


def test_a_refused_import_says_it_failed(staff_client, city, good_rows):  # noqa: F811
    bad = [list(good_rows[0]), list(good_rows[1])]
    bad[1][2] = "无此代表"
    response = upload(staff_client, sheet(bad))
    page = staff_client.get(response["Location"])
    assert page.status_code == 422
    assert heading(page.content.decode()) == "Import of suggestions: failed"
