"""Reading and writing xlsx sheets: rosters in, lists out.

Reading matches header cells to `Column`s by their Chinese or English names, skips empty
rows, and yields each data row with its number as the user sees it in Excel (the header is
row 1, so the first data row is row 2). Problems are collected in `RowErrors` so a user sees
every bad row at once, and an import writes nothing when there is any.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .uploads import XLSX_CONTENT_TYPE


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its key in the row dicts, the header written in templates, and
    the other headers accepted on reading (English names, older wordings)."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    #: A short explanation for the template's notes sheet.
    help: str = ""

    def names(self) -> tuple[str, ...]:
        return (self.header, self.key, *self.aliases)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def message(self) -> str:
        if self.column:
            return _("Row %(row)s, %(column)s: %(reason)s") % {
                "row": self.row,
                "column": self.column,
                "reason": self.reason,
            }
        return _("Row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}


@dataclass
class RowErrors:
    """Problems found in a sheet, each with its row number, column and reason."""

    items: list[RowError] = field(default_factory=list)

    def add(self, row: int, column: str, reason: str) -> None:
        self.items.append(RowError(row, str(column or ""), str(reason)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[RowError]:
        return iter(sorted(self.items, key=lambda e: e.row))

    def rows(self) -> list[int]:
        return sorted({e.row for e in self.items})

    def messages(self) -> list[str]:
        """One translated line per problem, in row order ("Row 5, Delegation: …")."""
        return [e.message() for e in self]

    def as_details(self) -> dict[str, str]:
        """`{"5": "Delegation: …; Name: …"}` for ValidationFailed.details (row → reasons)."""
        details: dict[str, list[str]] = {}
        for e in self:
            text = f"{e.column}: {e.reason}" if e.column else e.reason
            details.setdefault(str(e.row), []).append(text)
        return {row: "; ".join(reasons) for row, reasons in details.items()}

    def error(self, message: str | None = None) -> ValidationFailed:
        if message is None:
            message = _("%(count)s problem(s) in %(rows)s row(s); nothing was imported.") % {
                "count": len(self.items),
                "rows": len(self.rows()),
            }
        failure = ValidationFailed(message, code="invalid_rows", details=self.as_details())
        failure.row_errors = self
        return failure

    def raise_if_any(self, message: str | None = None) -> None:
        if self.items:
            raise self.error(message)


class CellError(ValueError):
    """A cell's value cannot be used; `reason` is the translated explanation."""

    def __init__(self, reason: str):
        self.reason = str(reason)
        super().__init__(self.reason)


# --- reading -----------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[\s*＊:：()（）]+")


def _header_key(text: Any) -> str:
    return _HEADER_NOISE.sub("", str(text or "")).casefold()


def _normalise(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0, 0):
        return value.date()
    return value


def _open_sheet(file, sheet: str | None):
    from openpyxl import load_workbook

    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationFailed(
            _("The file could not be read as a spreadsheet."),
            code="unreadable",
            details={"file": _("The file could not be read as a spreadsheet.")},
        ) from exc
    if sheet is not None and sheet in workbook.sheetnames:
        return workbook, workbook[sheet]
    return workbook, workbook.worksheets[0]


def read_rows(
    file,
    columns: Sequence[Column],
    *,
    sheet: str | None = None,
    max_rows: int = 20000,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(row_number, {column key: value})` for each non-empty data row.

    The first non-empty row is the header; its cells are matched to `columns` by header,
    key or alias (ignoring case, spaces, asterisks and brackets). Values come back stripped,
    with empty cells as None, whole numbers as int and midnight datetimes as dates. Keys of
    columns absent from the sheet are left out of the dicts, so a caller can tell "absent"
    from "empty". Raises ValidationFailed at once if the file cannot be read, a required
    column is missing or a column appears twice, and while iterating if there are more than
    `max_rows` data rows.
    """
    workbook, worksheet = _open_sheet(file, sheet)
    lookup = {}
    for column in columns:
        for name in column.names():
            lookup.setdefault(_header_key(name), column)

    rows = worksheet.iter_rows(values_only=True)
    header_number = 0
    header: tuple = ()
    for number, values in enumerate(rows, start=1):
        if any(_normalise(v) is not None for v in values):
            header_number, header = number, values
            break

    errors = RowErrors()
    positions: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = lookup.get(_header_key(cell))
        if column is None:
            continue
        if column.key in seen:
            errors.add(header_number, column.header, _("this column appears more than once."))
            continue
        seen[column.key] = index
        positions[index] = column
    missing = [c.header for c in columns if c.required and c.key not in seen]
    if missing:
        errors.add(
            header_number or 1,
            "",
            _("the header row lacks the required column(s): %(columns)s.") % {"columns": ", ".join(missing)},
        )
    if errors:
        workbook.close()
        raise errors.error(_("The sheet's header row is not as expected; nothing was imported."))

    def generate() -> Iterator[tuple[int, dict[str, Any]]]:
        count = 0
        try:
            for number, values in enumerate(rows, start=header_number + 1):
                record = {}
                for index, column in positions.items():
                    record[column.key] = _normalise(values[index]) if index < len(values) else None
                if all(value is None for value in record.values()):
                    continue
                count += 1
                if count > max_rows:
                    raise ValidationFailed(
                        _("The sheet has more than %(max)s rows; split it into smaller files.") % {"max": max_rows},
                        code="too_many_rows",
                        details={"file": _("More than %(max)s rows.") % {"max": max_rows}},
                    )
                yield number, record
        finally:
            workbook.close()

    return generate()


# --- cell values ---------------------------------------------------------------------------

_TRUE = {"1", "是", "y", "yes", "true", "t", "√", "✓", "on"}
_FALSE = {"0", "否", "n", "no", "false", "f", "×", "✗", "off"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")


def cell_text(value: Any, *, max_length: int | None = None) -> str:
    """A cell as text ("" when empty); whole numbers lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(_("at most %(max)s characters are allowed.") % {"max": max_length})
    return text


def cell_date(value: Any) -> datetime.date | None:
    """A cell as a date (None when empty); accepts Excel dates and 2026-01-20, 2026/1/20,
    2026年1月20日, 20260120."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("«%(value)s» is not a date (write it like 2026-01-20).") % {"value": text})


def cell_bool(value: Any, *, default: bool | None = None) -> bool | None:
    """A cell as yes/no: 是/否, yes/no, true/false, 1/0 (`default` when empty)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("«%(value)s» is not yes or no (write 是 or 否).") % {"value": cell_text(value)})


def cell_list(value: Any) -> list[str]:
    """A cell holding several items separated by commas, 、, semicolons or spaces."""
    return [item for item in _LIST_SEPARATORS.split(cell_text(value)) if item]


# --- writing -------------------------------------------------------------------------------

_SHEET_TITLE_NOISE = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@")


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | int | float | datetime.date | datetime.datetime | datetime.time):
        return value
    return str(value)


def _fill_sheet(worksheet, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = [len(str(h)) * 2 + 2 for h in headers]
    worksheet.append([str(h) for h in headers])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [_cell_value(v) for v in row]
        worksheet.append(values)
        for index, value in enumerate(values):
            if isinstance(value, str):
                # Text that looks like a formula stays text: an export never runs a formula.
                if value.startswith(_FORMULA_START):
                    worksheet.cell(row=worksheet.max_row, column=index + 1).data_type = "s"
                if index < len(widths):
                    widths[index] = max(widths[index], min(60, len(value) * 2 + 2))
            elif isinstance(value, datetime.date) and index < len(widths):
                worksheet.cell(row=worksheet.max_row, column=index + 1).number_format = "yyyy-mm-dd"
                widths[index] = max(widths[index], 12)
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"


def _sheet_title(title: str) -> str:
    return _SHEET_TITLE_NOISE.sub(" ", str(title))[:31] or "Sheet"


def write_xlsx(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    extra_sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]] = (),
) -> bytes:
    """A workbook with one sheet of `headers` (bold, frozen) and `rows`, as bytes.

    `extra_sheets` adds `(title, headers, rows)` sheets, e.g. notes explaining a template.
    Text beginning with = + - @ is stored as text, never as a formula.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = _sheet_title(title or "Sheet1")
    _fill_sheet(worksheet, headers, rows)
    for sheet_title, sheet_headers, sheet_rows in extra_sheets:
        _fill_sheet(workbook.create_sheet(_sheet_title(sheet_title)), sheet_headers, sheet_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """Send xlsx bytes as a download named `filename` (any language)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
