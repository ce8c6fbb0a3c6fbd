"""Importing the yearly schedule from an xlsx: all rows or none, every bad row reported with
its row number, and the file's size and real type checked before it is read."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import NotAllowed, ValidationFailed
from core.workcalendar import selectors, services
from core.workcalendar.models import Holiday

from .conftest import XLSX_MIME, xlsx_upload

pytestmark = pytest.mark.django_db

D = date.fromisoformat

SCHEDULE_2027 = [
    (date(2027, 1, 1), "holiday", "元旦"),
    ("2027-02-06", "workday", "春节调休"),
    (datetime(2027, 2, 8), "holiday", "春节"),
    ("2027/02/09", "休", "春节"),
]


@pytest.fixture
def staff(users):
    return users[Role.STAFF]


def test_good_file_is_imported(staff, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.holidays_import(by=staff, upload=xlsx_upload(SCHEDULE_2027))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert list(Holiday.objects.values_list("date", "kind")) == [
        (D("2027-01-01"), "holiday"),
        (D("2027-02-06"), "workday"),
        (D("2027-02-08"), "holiday"),
        (D("2027-02-09"), "holiday"),
    ]
    assert heard == [frozenset({2027})]
    entry = AuditEntry.objects.get(action="calendar.import")
    assert entry.data["created"] == 4 and entry.data["years"] == [2027]
    assert selectors.is_working_day(D("2027-02-06")) is True  # Saturday make-up day


def test_chinese_headers_and_note_column_and_updates(staff):
    services.holiday_add(by=staff, date=D("2027-01-01"), kind="workday", name="wrong")
    upload = xlsx_upload(
        [("2027-01-01", "holiday", "元旦", "国务院办公厅通知"), ("2027-01-02", "班", "调休", "")],
        header=("日期", "类型", "名称", "备注"),
    )
    result = services.holidays_import(by=staff, upload=upload)
    assert (result.created, result.updated) == (1, 1)
    first = Holiday.objects.get(date=D("2027-01-01"))
    assert (first.kind, first.name, first.note) == ("holiday", "元旦", "国务院办公厅通知")
    again = services.holidays_import(
        by=staff,
        upload=xlsx_upload(
            [("2027-01-01", "holiday", "元旦", "国务院办公厅通知"), ("2027-01-02", "workday", "调休", "")],
            header=("日期", "类型", "名称", "备注"),
        ),
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_bad_rows_are_all_reported_and_nothing_is_imported(staff, heard, django_capture_on_commit_callbacks):
    rows = [
        ("2027-01-01", "holiday", "元旦"),  # row 2: fine
        ("2027-13-01", "holiday", "x"),  # row 3: no such date
        ("2027-02-06", "workday", "ok"),  # row 4: fine
        ("2027-02-07", "rest", "x"),  # row 5: unknown kind
        ("2027-01-01", "holiday", "again"),  # row 6: duplicate of row 2
        ("", "holiday", "x"),  # row 7: no date
        ("2027-02-10", "holiday", "x" * 101),  # row 8: name too long
    ]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed) as bad:
        services.holidays_import(by=staff, upload=xlsx_upload(rows))
    details = bad.value.details
    assert set(details) == {"row 3", "row 5", "row 6", "row 7", "row 8"}
    assert "row 2" in details["row 6"]
    assert "kind" in details["row 5"]
    assert not Holiday.objects.exists()
    assert not AuditEntry.objects.filter(action="calendar.import").exists()
    assert heard == []


def test_blank_rows_are_skipped_but_numbers_stay_true(staff):
    rows = [("2027-01-01", "holiday", "元旦"), (None, None, None), ("nope", "holiday", "x")]
    with pytest.raises(ValidationFailed) as bad:
        services.holidays_import(by=staff, upload=xlsx_upload(rows))
    assert set(bad.value.details) == {"row 4"}


def test_missing_header_is_refused(staff):
    with pytest.raises(ValidationFailed) as bad:
        services.holidays_import(by=staff, upload=xlsx_upload([("2027-01-01", "holiday", "x")], header=None))
    assert "file" in bad.value.details


def test_file_without_rows_is_refused(staff):
    with pytest.raises(ValidationFailed) as bad:
        services.holidays_import(by=staff, upload=xlsx_upload([]))
    assert "file" in bad.value.details


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"date,kind,name\n2027-01-01,holiday,x\n",  # a CSV renamed .xlsx
        b"PK\x03\x04 not really a zip",
        _zip({"hello.txt": b"hi"}),  # a zip, but not a workbook
        _zip(
            {
                "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
                "word/document.xml": b"<w/>",
            }
        ),  # a Word document
        _zip(
            {
                "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
                "xl/workbook.xml": b"<w/>",
            }
        ),  # a workbook with macros (.xlsm)
        b"",
    ],
)
def test_wrong_file_type_is_refused(staff, content):
    upload = SimpleUploadedFile("holidays.xlsx", content, content_type=XLSX_MIME)
    with pytest.raises(ValidationFailed) as bad:
        services.holidays_import(by=staff, upload=upload)
    assert "file" in bad.value.details
    assert not Holiday.objects.exists()


def test_too_large_file_is_refused_before_reading(staff, settings):
    upload = xlsx_upload(SCHEDULE_2027)
    settings.DATONG_UPLOAD_MAX_BYTES = upload.size - 1
    with pytest.raises(ValidationFailed) as bad:
        services.holidays_import(by=staff, upload=upload)
    assert "larger" in str(bad.value.details["file"])
    assert not Holiday.objects.exists()


def test_zip_bomb_is_refused(staff):
    bomb = _zip(
        {
            "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
            "xl/workbook.xml": b"0" * (50 * 1024 * 1024),
        }
    )
    assert len(bomb) < 1024 * 1024
    upload = SimpleUploadedFile("holidays.xlsx", bomb, content_type=XLSX_MIME)
    with pytest.raises(ValidationFailed) as bad:
        services.holidays_import(by=staff, upload=upload)
    assert "implausible" in str(bad.value.details["file"])


def test_deputy_may_not_import(users):
    with pytest.raises(NotAllowed):
        services.holidays_import(by=users[Role.DEPUTY], upload=xlsx_upload(SCHEDULE_2027))
    assert not Holiday.objects.exists()
