"""Fixtures for the calendar's tests: a clean calendar cache and listeners that record what
they hear."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.workcalendar import selectors, services

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    selectors.forget_cached_calendar()
    yield
    selectors.forget_cached_calendar()


@pytest.fixture
def heard():
    """Registers a calendar listener; the list holds the year sets it was called with."""
    calls: list[frozenset[int]] = []

    def listener(years):
        calls.append(years)

    services.on_calendar_changed(listener)
    yield calls
    services.remove_calendar_listener(listener)


def xlsx_upload(rows, *, header=("date", "kind", "name"), name="holidays.xlsx") -> SimpleUploadedFile:
    """An in-memory workbook with a header row and `rows`."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_MIME)
