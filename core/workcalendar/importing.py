"""Reading a staff's holiday workbook (xlsx) safely.

Order: size → really an xlsx (a zip with the OOXML workbook content type, not too large
unpacked) → header → every row checked. All problems are collected, each under its row
number; the caller imports nothing unless the list of problems is empty. Nothing is stored.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed

from . import rules

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAX_ROWS = 3000
#: Unpacked size allowed per byte of upload (a guard against zip bombs).
MAX_INFLATION = 40

HEADERS = {
    "date": "date",
    "日期": "date",
    "kind": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
    "note": "note",
    "备注": "note",
}
KINDS = {
    "holiday": "holiday",
    "休": "holiday",
    "假": "holiday",
    "放假": "holiday",
    "workday": "workday",
    "班": "workday",
    "上班": "workday",
    "调休上班": "workday",
}
MIN_YEAR, MAX_YEAR = 1949, 2999


@dataclass(frozen=True)
class ImportRow:
    row: int
    date: date
    kind: str
    name: str
    note: str


def _file_error(message) -> ValidationFailed:
    return ValidationFailed(message, details={"file": str(message)})


def _read_bytes(upload) -> bytes:
    """Check the declared size before reading, then read at most the limit plus one byte."""
    limit = settings.DATONG_UPLOAD_MAX_BYTES
    too_big = _("The file is larger than %(limit)s bytes.") % {"limit": limit}
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _file_error(too_big)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > limit:
        raise _file_error(too_big)
    if not data:
        raise _file_error(_("The file is empty."))
    return data


def check_xlsx(data: bytes) -> None:
    """Refuse anything but an Excel workbook (.xlsx): a zip whose content types name the
    spreadsheet main part (an .xlsm with macros or a renamed file is refused)."""
    not_xlsx = _("This is not an Excel workbook (.xlsx).")
    if not data.startswith(b"PK\x03\x04"):
        raise _file_error(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _file_error(not_xlsx)
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > max(len(data) * MAX_INFLATION, 5 * 1024 * 1024):
                raise _file_error(_("The workbook unpacks to an implausible size; it was refused."))
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        raise _file_error(not_xlsx) from None
    if XLSX_CONTENT_TYPE.encode() not in content_types:
        raise _file_error(not_xlsx)


def _cell_text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except (ValueError, TypeError):
        return None


def _header_map(header_row) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, value in enumerate(header_row):
        key = HEADERS.get(_cell_text(value).lower())
        if key and key not in columns:
            columns[key] = index
    if not {"date", "kind", "name"} <= columns.keys():
        return None
    return columns


def parse_holiday_workbook(upload) -> list[ImportRow]:
    """The checked rows of the first sheet, or ValidationFailed naming every bad row.

    Columns (first row, any order): date, kind, name, optional note (or 日期, 类型, 名称,
    备注). kind is "holiday" or "workday" (or 休/班). Blank rows are skipped.
    """
    data = _read_bytes(upload)
    check_xlsx(data)

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parser failure means "not a readable workbook"
        raise _file_error(_("The workbook could not be read.")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _file_error(_("The workbook has no sheet."))
        rows_iter = sheet.iter_rows(values_only=True)
        header = next(rows_iter, None)
        columns = _header_map(header or ())
        if columns is None:
            raise _file_error(_("The first row must name the columns date, kind and name."))
        rows: list[ImportRow] = []
        errors: dict[str, str] = {}
        seen: dict[date, int] = {}
        for number, values in enumerate(rows_iter, start=2):
            values = tuple(values or ())
            if not any(_cell_text(v) for v in values):
                continue
            if number - 1 > MAX_ROWS:
                raise _file_error(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})

            def cell(key, values=values):
                index = columns.get(key)
                return values[index] if index is not None and index < len(values) else None

            problems: list[str] = []
            day = _parse_date(cell("date"))
            if day is None:
                problems.append(gettext("the date is missing or not a date (YYYY-MM-DD)"))
            elif not MIN_YEAR <= day.year <= MAX_YEAR:
                problems.append(gettext("the year is out of range"))
            elif day in seen:
                problems.append(
                    gettext("the date %(date)s is already in row %(row)s")
                    % {"date": day.isoformat(), "row": seen[day]}
                )
            else:
                seen[day] = number
            kind = KINDS.get(_cell_text(cell("kind")).lower())
            if kind is None:
                problems.append(gettext("the kind must be “holiday” or “workday”"))
            name = _cell_text(cell("name"))
            note = _cell_text(cell("note"))
            if kind is not None and rules.holiday_needs_name(kind, name):
                problems.append(gettext("a holiday needs its name"))
            elif len(name) > 100:
                problems.append(gettext("the name has more than 100 characters"))
            if len(note) > 300:
                problems.append(gettext("the note has more than 300 characters"))
            if problems:
                errors[f"row {number}"] = "; ".join(problems)
                continue
            rows.append(ImportRow(number, day, kind, name, note))
    finally:
        workbook.close()
    if errors:
        message = ngettext(
            "%(count)s row is not valid; nothing was imported.",
            "%(count)s rows are not valid; nothing was imported.",
            len(errors),
        ) % {"count": len(errors)}
        raise ValidationFailed(message, details=errors)
    if not rows:
        raise _file_error(_("The file has no rows to import."))
    return rows
