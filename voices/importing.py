"""Importing historical 12345 work orders (工单) from a spreadsheet (xlsx), all or nothing.

Each row becomes a `Message` received on the import channel under the 12345 regime, through
`voices.services.receive_many` (one transaction: a refused row rolls every row back), with
quiet notifications (an import of last year's orders must not ring anyone's bell) and no
model suggestions (the rows are history, not triage work).

Checked before anything is written, every problem collected with its Excel row number:
工单编号 present, at most 64 characters and not twice in the file; 受理时间 a date (and time)
not in the future; 主题 and 内容 present; 类别, 区县 and 承办单位 known in the congress (by
name or code); 办结时间 not before 受理时间 nor in the future; 联系电话 a phone number
(`voices.rules.phone_valid`, the rule of every channel). Idempotent by 工单编号 (the
message's `external_id`): a row already imported is skipped and counted, so the same file
imported twice adds nothing the second time.

Uploads: checked (real type, size, header) before they are stored; up to INLINE_MAX_ROWS
rows are imported while the page waits, larger files by the task `voices.import_tasks`
with a progress bar (core.jobs.progress) in phases, each named by its message and counting
the file's rows once: checking the rows, importing them (those already there are done at
once), then recording the past outcomes (of the rows that have one); finished, all the rows.
The sheet holds names and phone numbers, so it is deleted once imported (SEC-5), and results
are kept KEEP_RESULTS_DAYS days.

A row with 承办单位, 办结时间 and 办理结果 is history that ended: `services.record_historical_outcome`
records it in the import's transaction (accepted, handled by that unit with the due date it
had then, answered and closed when it was closed; no rating, no bell), so last year's orders
are neither waiting nor late. A row without them opens as received, for staff to route.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import services as casework
from core.audit import services as audit
from core.documents import CellError, Column, RowErrors, cell_text, read_rows, validate_upload
from core.documents.store import ImportResult as BaseImportResult
from core.documents.store import ImportStore, new_upload_id
from core.errors import DatongError, NotAllowed, NotFound, ValidationFailed
from core.jobs import progress
from core.organisation import selectors as organisation
from core.organisation.models import District, HandlingUnit
from core.permissions import require
from core.workcalendar import selectors as calendar

from . import rules
from .models import Channel, Message, MessageCategory, Regime
from .permissions import IMPORT

_L = gettext_lazy

#: Files up to this many rows are imported while the page waits; larger ones by the task.
INLINE_MAX_ROWS = 100
#: A larger sheet is refused (one transaction holds the whole import): split it.
MAX_ROWS = 20000
#: Progress is written once per this many rows.
STEP = 50
KEEP_RESULTS_DAYS = 30
STORAGE_DIR = "voices/imports"

COLUMNS = (
    Column("external_id", "工单编号", ("工单号", "编号", "work order number", "number"), required=True,
           help=_L("The work order's number in the 12345 system; a number already imported is skipped.")),
    Column("received_at", "受理时间", ("来电时间", "登记时间", "received at"), required=True,
           help=_L("When the call was taken, e.g. 2026-01-20 09:30 (a date alone is read as noon).")),
    Column("name", "来电人", ("姓名", "诉求人", "caller", "name"),
           help=_L("The caller's name; empty: anonymous. Stored encrypted.")),
    Column("phone", "联系电话", ("电话", "手机", "phone"),
           help=_L("The caller's phone number. Stored encrypted.")),
    Column("subject", "主题", ("标题", "诉求主题", "subject"), required=True,
           help=_L("The subject, one line (at most 200 characters).")),
    Column("body", "内容", ("诉求内容", "来电内容", "content", "body"), required=True,
           help=_L("What the caller asked or reported.")),
    Column("category", "类别", ("诉求类别", "分类", "category"),
           help=_L("The name or code of a configured message category.")),
    Column("district", "区县", ("所属区县", "区域", "district"),
           help=_L("The name or code of a district of the city.")),
    Column("unit", "承办单位", ("办理单位", "handling unit", "unit"),
           help=_L("The unit that handled it (name or code). With 办结时间 and 办理结果 the order is imported as "
                   "closed, with the due date it had then.")),
    Column("closed_at", "办结时间", ("完成时间", "closed at"),
           help=_L("When it was closed; not before 受理时间 nor in the future.")),
    Column("result", "办理结果", ("处理结果", "答复内容", "result"),
           help=_L("What was done: the unit's answer, recorded as its reply.")),
)
#: A refusal's field (services' names) → the column the user sees.
_COLUMN_NAMES = {column.key: column.header for column in COLUMNS}

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
    "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H时%M分", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d",
)


# --- results ------------------------------------------------------------------------------------


@dataclass
class ImportResult(BaseImportResult):
    """What an import did (core.documents.store.ImportResult), with this import's own counts."""

    skipped: int = 0
    #: Imported with their past outcome: handled, answered and closed (承办单位, 办结时间, 办理结果).
    closed: int = 0


#: The uploaded sheet holds callers' names and phone numbers: kept only until it is imported (SEC-5).
STORE = ImportStore(STORAGE_DIR, ImportResult)


def progress_key(upload_id: str) -> str:
    return f"voices-import-{upload_id}"


def save_result(result: ImportResult) -> None:
    STORE.save_result(result)


def load_result(upload_id: str) -> ImportResult | None:
    return STORE.load_result(upload_id)


def result_for(user, upload_id: str) -> ImportResult:
    """The result of an import the user started; NotFound for anyone else's (or none)."""
    return STORE.result_for(user, upload_id, IMPORT)


# --- checking -----------------------------------------------------------------------------------


def cell_datetime(value: Any) -> datetime.datetime | None:
    """A cell as an aware date and time in the city's zone (None when empty); a date alone is
    read as noon, so that it stays on its day in any zone."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(12, 0))
    else:
        text = re.sub(r"\s+", " ", cell_text(value))
        for fmt in _DATETIME_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, fmt)
            except ValueError:
                continue
            if "%H" not in fmt:
                moment = moment.replace(hour=12)
            break
        else:
            raise CellError(_("«%(value)s» is not a date and time (write it like 2026-01-20 09:30).")
                            % {"value": text})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class _Lookup:
    """The congress's categories, districts and units by name and by code."""

    def __init__(self, congress):
        self.categories = _by_name_and_code(MessageCategory.objects.filter(congress=congress, is_active=True))
        self.districts = _by_name_and_code(District.objects.filter(congress=congress))
        self.units = _by_name_and_code(HandlingUnit.objects.filter(congress=congress))


def _by_name_and_code(queryset) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in queryset:
        for key in (getattr(item, "code", ""), item.name):
            if key:
                found.setdefault(str(key).casefold(), item)
    return found


class _Row:
    def __init__(self, number: int, values: dict[str, Any], errors: RowErrors):
        self.number, self.values, self.errors = number, values, errors
        self.ok = True

    def error(self, key: str, reason: str) -> None:
        header = next((c.header for c in COLUMNS if c.key == key), key)
        self.errors.add(self.number, header, reason)
        self.ok = False

    def text(self, key: str, *, max_length: int, required: bool = False) -> str:
        try:
            text = cell_text(self.values.get(key), max_length=max_length)
        except CellError as exc:
            self.error(key, exc.reason)
            return ""
        if required and not text:
            self.error(key, _("this column must be filled in."))
        return text

    def moment(self, key: str, *, required: bool = False, now: datetime.datetime) -> datetime.datetime | None:
        try:
            moment = cell_datetime(self.values.get(key))
        except CellError as exc:
            self.error(key, exc.reason)
            return None
        if moment is None and required:
            self.error(key, _("this column must be filled in."))
        if moment is not None and moment > now:
            self.error(key, _("this time is in the future."))
            return None
        return moment

    def known(self, key: str, table: dict[str, Any], reason: str):
        text = self.text(key, max_length=200)
        if not text:
            return None
        item = table.get(text.casefold())
        if item is None:
            self.error(key, reason % {"value": text})
        return item


def check_rows(
    rows: list[tuple[int, dict[str, Any]]], *, congress, on_row: Callable[[], None] | None = None
) -> list[dict[str, Any]]:
    """Check every row; return `receive_message` keyword arguments for each (with `_row`), or
    raise ValidationFailed listing every problem by row number (`row_errors`)."""
    lookup = _Lookup(congress)
    now = timezone.now()
    errors = RowErrors()
    planned: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        row = _Row(number, values, errors)
        external_id = row.text("external_id", max_length=64, required=True)
        if external_id in seen:
            row.error("external_id", _("the same work order number is also in row %(row)s.") % {
                "row": seen[external_id]})
        elif external_id:
            seen[external_id] = number
        received_at = row.moment("received_at", required=True, now=now)
        name = row.text("name", max_length=100)
        # The same rule as every other channel (the service checks it again): a sheet's
        # "12345" is no more a caller's phone than a web form's.
        phone = rules.phone_text(row.text("phone", max_length=rules.PHONE_MAX))
        phone = rules.phone_from_number_cell(phone, values.get("phone"))
        if phone and not rules.phone_valid(phone):
            row.error("phone", _("«%(value)s» is not a phone number.") % {"value": phone})
        subject = row.text("subject", max_length=200, required=True)
        body = row.text("body", max_length=20000, required=True)
        category = row.known("category", lookup.categories, _("«%(value)s» is not a configured category."))
        district = row.known("district", lookup.districts, _("«%(value)s» is not a district of the city."))
        unit = row.known("unit", lookup.units, _("«%(value)s» is not a handling unit of the city."))
        closed_at = row.moment("closed_at", now=now)
        if closed_at is not None and received_at is not None and closed_at < received_at:
            row.error("closed_at", _("it is before 受理时间."))
        result = row.text("result", max_length=20000)
        if row.ok:
            planned.append({
                "_row": number,
                "regime": Regime.HOTLINE,
                "external_id": external_id,
                "received_at": received_at,
                "name": name,
                "phone": phone,
                "is_anonymous": not (name or phone),
                "subject": subject,
                "body": body,
                "category": category,
                "district": district,
                # The outcome ("_": not receive_message's): recorded by record_outcomes.
                "_outcome": {"unit": unit, "closed_at": closed_at, "result": result}
                if unit is not None and closed_at is not None and result else None,
            })
        if on_row is not None:
            on_row()
    if not rows:
        errors.add(1, "", _("the sheet has no data rows."))
    errors.raise_if_any()
    return planned


def already_imported(congress, external_ids: list[str]) -> set[str]:
    """The work order numbers of this list that an earlier import brought in."""
    found: set[str] = set()
    for start in range(0, len(external_ids), 1000):
        found.update(
            Message.objects.filter(
                congress=congress, channel=Channel.IMPORT, external_id__in=external_ids[start : start + 1000]
            ).values_list("external_id", flat=True)
        )
    return found


# --- importing ----------------------------------------------------------------------------------


def read(file) -> list[tuple[int, dict[str, Any]]]:
    return list(read_rows(file, COLUMNS, max_rows=MAX_ROWS))


def import_rows(rows: list[tuple[int, dict[str, Any]]], *, by, key: str | None = None) -> tuple[int, int, int]:
    """Check then write every row (all or nothing); returns (created, skipped as already
    imported, closed with their past outcome). Raises NotAllowed, or ValidationFailed with
    `row_errors` and nothing written."""
    from . import services

    require(by, IMPORT)
    congress = organisation.current_congress()
    if congress is None:
        raise ValidationFailed(_("The city has not been configured yet: there is no congress to import into."))
    checked = [0]

    def on_row() -> None:
        checked[0] += 1
        if key and checked[0] % STEP == 0:
            progress.advance(key, STEP)

    # The bar, one phase after the other, each counting the rows once (its message names it):
    # checking the rows, importing them, then recording the past outcomes.
    if key:
        progress.update(key, done=0, total=len(rows), message=_("Checking the rows…"))
    planned = check_rows(rows, congress=congress, on_row=on_row)
    existing = already_imported(congress, [p["external_id"] for p in planned])
    fresh = [p for p in planned if p["external_id"] not in existing]
    ended = sum(1 for p in fresh if p["_outcome"])
    if key:  # the rows already imported are done at once
        progress.update(key, done=len(existing), total=len(rows), message=_("Importing the rows…"))
    closed = 0
    if fresh:
        if ended:
            # Each past outcome's due date needs the working-day calendar, which is cached only
            # outside a transaction (inside one it is read afresh, two statements each time):
            # read it here, once, not once a row.
            calendar.current_calendar()
        try:
            # The audit chain's lock and the units' tally rows are taken at the end, not for
            # the whole import: meanwhile citizens' messages and routing go on.
            with transaction.atomic(), audit.deferred(), casework.deferred_tallies():
                messages = services.receive_many(
                    by=by, congress=congress, channel=Channel.IMPORT, rows=fresh, quiet=True, classify=False,
                    progress=_Advance(key) if key else None,
                )
                if key and ended:
                    progress.update(key, done=0, total=ended, message=_("Recording the past outcomes…"))
                closed = record_outcomes(by=by, planned=fresh, messages=messages,
                                         on_row=_Advance(key) if key else None)
        except ValidationFailed as exc:
            if getattr(exc, "row_errors", None):
                raise  # by row and column already (record_outcomes)
            raise _as_row_errors(exc) from exc
    return len(fresh), len(existing), closed


def record_outcomes(*, by, planned: list[dict[str, Any]], messages: list[Message],
                    on_row: Callable[[int], None] | None = None) -> int:
    """Record the rows' historical outcomes (承办单位, 办结时间, 办理结果) through
    `services.record_historical_outcome`, in the import's transaction; returns how many.
    Every refusal is reported by its row and column (ValidationFailed with `row_errors`)."""
    from . import services

    errors = RowErrors()
    done = 0
    for row, message in zip(planned, messages, strict=True):
        outcome = row.get("_outcome")
        if not outcome:
            continue
        try:
            services.record_historical_outcome(by=by, message=message, **outcome)
            done += 1
        except ValidationFailed as exc:
            for field, reason in (exc.details or {"": exc.message}).items():
                errors.add(row["_row"], _COLUMN_NAMES.get(field, field), reason)
        if on_row is not None:
            on_row(done)
    errors.raise_if_any()
    return done


class _Advance:
    """What `receive_many(progress=…)` and `record_outcomes(on_row=…)` are given: called as
    `(done, …)` after each batch of rows written, or each row's outcome; moves the bar by what
    was done since (its phase set where the bar starts)."""

    def __init__(self, key: str):
        self.key = key
        self.reported = 0

    def __call__(self, done: int, *args, **kwargs) -> None:
        if done - self.reported >= STEP:
            progress.advance(self.key, done - self.reported)
            self.reported = done


def _as_row_errors(exc: ValidationFailed) -> ValidationFailed:
    """The service's refusal (details keyed "row N") as row-numbered problems."""
    errors = RowErrors()
    for where, reason in (exc.details or {}).items():
        match = re.search(r"(\d+)", str(where))
        errors.add(int(match.group(1)) if match else 0, "", str(reason))
    if not errors:
        errors.add(0, "", str(exc.message))
    return errors.error()


def problems_of(exc: DatongError) -> list[str]:
    row_errors = getattr(exc, "row_errors", None)
    if row_errors:
        return row_errors.messages()
    details = getattr(exc, "details", None) or {}
    return [str(v) for v in details.values()] or [str(exc.message)]


def accept_upload(file, *, by) -> tuple[ImportResult, int]:
    """Check the upload (permission, type, size, header, row count), store it and record it as
    queued. Returns the result record and the number of rows. Raises NotAllowed,
    ValidationFailed (nothing stored)."""
    require(by, IMPORT)
    validate_upload(file, allowed=("xlsx",))
    forget_old_results()
    rows = read(file)
    upload_id = new_upload_id()
    file.seek(0)
    STORE.save_sheet(upload_id, file.read())
    result = ImportResult(upload=upload_id, state="queued", file=str(getattr(file, "name", "") or "")[:200],
                          owner=by.pk, rows=len(rows))
    save_result(result)
    progress.start(progress_key(upload_id), total=len(rows), label=_("Import of work orders"), owner=by,
                   message=_("Waiting to start…"))
    return result, len(rows)


def run_upload(upload_id: str, *, by, result_url: str = "") -> ImportResult:
    """Import a stored upload (inline or from the task) and store its result; safe to run
    twice (a finished upload returns its result; rows already imported are skipped).
    Unexpected errors propagate (the task retries); a refusal is a result."""
    result = load_result(upload_id)
    if result is None:
        raise NotFound()
    if result.finished:
        return result
    key = progress_key(upload_id)
    language = getattr(by, "language", None) or translation.get_language()
    with translation.override(language):
        if progress.get(key) is None:
            progress.start(key, total=result.rows, label=_("Import of work orders"), owner=by)
        try:
            name = STORE.path(upload_id, "xlsx")
            if not default_storage.exists(name):
                raise ValidationFailed(_("The uploaded file is no longer there; upload it again."))
            with default_storage.open(name) as handle:
                rows = read(handle)
            created, skipped, closed = import_rows(rows, by=by, key=key)
        except (ValidationFailed, NotAllowed) as exc:
            return STORE.fail(result, key=key, message=str(exc.message), problems=problems_of(exc))
        except Exception:
            progress.update(key, message=_("A problem occurred; the import will be tried again."))
            raise
        result.created, result.skipped, result.closed = created, skipped, closed
        result.message = _(
            "%(created)s work orders imported, %(closed)s of them closed in the past; %(skipped)s were already there."
        ) % {"created": created, "closed": closed, "skipped": skipped}
        # Finished, the bar counts every row of the file (its last phase counted past outcomes).
        progress.update(key, done=len(rows), total=len(rows), message=result.message)
        return STORE.finish(result, key=key, result_url=result_url)


def abandon(upload_id: str, *, message: str) -> None:
    """Record an upload that can never be imported (its owner is gone) as failed."""
    STORE.abandon(upload_id, key=progress_key(upload_id), message=message)


def forget_old_results(*, days: int = KEEP_RESULTS_DAYS) -> int:
    """Delete stored uploads and results older than `days` (SEC-5); returns how many."""
    return STORE.forget_old(days=days)


def template_xlsx() -> bytes:
    """An empty sheet with the header row, and a notes sheet explaining each column."""
    from core.documents import write_xlsx

    notes = [[c.header, _("yes") if c.required else "", str(c.help)] for c in COLUMNS]
    return write_xlsx(
        [c.header for c in COLUMNS], [], title=_("Work orders"),
        extra_sheets=[(_("Notes"), [_("Column"), _("Required"), _("What to write")], notes)],
    )
