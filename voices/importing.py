"""Importing historical 12345 work orders (工单) from a spreadsheet (xlsx): every row checked
before any is written.

Each row becomes a `Message` received on the import channel under the 12345 regime, through
`voices.services.receive_many`, with quiet notifications (an import of last year's orders
must not ring anyone's bell) and no model suggestions (the rows are history, not triage
work).

Checked before anything is written, every problem collected with its Excel row number:
工单编号 present, at most 64 characters and not twice in the file; 受理时间 a date (and time)
not in the future; 主题 and 内容 present and within the lengths every channel allows
(`voices.rules`); 来电人 within its length; 类别, 区县 and 承办单位 known in the congress (by
name or code); 办结时间 not before 受理时间 nor in the future; 联系电话 a phone number
(`voices.rules.phone_valid`, the rule of every channel). A file with any bad row imports
nothing. Idempotent by 工单编号 (the message's `external_id`): a row already imported is
skipped and counted, so the same file imported twice adds nothing the second time.

Written in batches (BATCH_ROWS rows), each in a short transaction of its own: a large file
once held the database's write lock for minutes (on SQLite one lock for the whole file), and
every other writer (web requests, the task worker, the periodic runner) waited and failed
with "database is locked". A run that dies half-way leaves whole batches behind, never half
a row's work; run again (the task is retried), it skips the rows already there by their
工单编号 and writes the rest, and reports the counts planned before its first write (kept
with the upload's result), so a completed retry reads as one import. A row the services
refuse while writing (a rule of theirs the check does not know, or the city's data changed
after the check) stops the import at its batch; the message says how many orders were
imported before it.

A run whose worker is killed outright (SIGKILL, the OOM killer, power lost) cannot say so:
its bar is marked "stopped unexpectedly" once silent for longer than its limit (the stall rule,
core.jobs.rules), and its result page offers to continue it (`resume_upload`): the task is
queued again for the same upload, and that run, like a retry, writes the rest and reports the
whole file's counts. Pressed twice, or while the import runs, it queues nothing more.

Uploads: checked (real type, size, header) before they are stored; up to INLINE_MAX_ROWS
rows are imported while the page waits, larger files by the task `voices.import_tasks`
with a progress bar (core.jobs.progress) in two phases, each named by its message and
counting the file's rows once: checking the rows, then importing them (those already there
are done at once, the others batch by batch, as each batch commits); finished, all the
rows. The sheet holds names and phone numbers, so it is deleted once imported (SEC-5), and
results are kept KEEP_RESULTS_DAYS days.

A row with 承办单位, 办结时间 and 办理结果 is history that ended: `services.record_historical_outcome`
records it in its batch's transaction, with the message (accepted, handled by that unit with
the due date it had then, answered and closed when it was closed; no rating, no bell), so
last year's orders are neither waiting nor late. A row without them opens as received, for
staff to route.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import services as casework
from core.audit import services as audit
from core.documents import CellError, Column, RowErrors, cell_text, read_rows, validate_upload
from core.documents.store import ImportResult as BaseImportResult
from core.documents.store import ImportStore, new_upload_id
from core.errors import DatongError, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from core.jobs import progress
from core.jobs import services as jobs
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
#: A larger sheet is refused (every row is read and checked in memory before any is
#: written): split it.
MAX_ROWS = 20000
#: Progress is written once per this many rows checked.
STEP = 50
#: Rows written per transaction. Each batch commits on its own, so the write lock is held
#: for about a second at a time and other writers, which wait up to SQLite's busy_timeout
#: (10 s, config/settings/base.py), get their turn between batches. Measured (bench/
#: bench_voices_import_lock.py, SQLite, rows with past outcomes, a busy 2-core machine):
#: 100-row batches took 2.5 s (longest 5.1 s), 50-row batches 1.4 s (longest 2.0 s).
BATCH_ROWS = 50
#: Seconds between batches on SQLite. Its busy handler lets a waiting writer try again only
#: every 100 ms or so; back to back, the next batch took the lock first nearly every time and
#: the other writer failed after its 10 s all the same (measured: 7 of 42 writes of the
#: periodic runner's kind). PostgreSQL locks rows, not the database: no pause there.
SQLITE_PAUSE = 0.15
KEEP_RESULTS_DAYS = 30
STORAGE_DIR = "voices/imports"
#: The audit action of "Continue the import" (`resume_upload`).
RESUME_ACTION = "voices.import_resume"

COLUMNS = (
    Column(
        "external_id",
        "工单编号",
        ("工单号", "编号", "work order number", "number"),
        required=True,
        help=_L("The work order's number in the 12345 system; a number already imported is skipped."),
    ),
    Column(
        "received_at",
        "受理时间",
        ("来电时间", "登记时间", "received at"),
        required=True,
        help=_L("When the call was taken, e.g. 2026-01-20 09:30 (a date alone is read as noon)."),
    ),
    Column(
        "name",
        "来电人",
        ("姓名", "诉求人", "caller", "name"),
        help=_L("The caller's name; empty: anonymous. Stored encrypted."),
    ),
    Column(
        "phone",
        "联系电话",
        ("电话", "手机", "phone"),
        help=_L("The caller's phone number. Stored encrypted."),
    ),
    Column(
        "subject",
        "主题",
        ("标题", "诉求主题", "subject"),
        required=True,
        help=_L("The subject, one line (at most 200 characters)."),
    ),
    Column(
        "body",
        "内容",
        ("诉求内容", "来电内容", "content", "body"),
        required=True,
        help=_L("What the caller asked or reported."),
    ),
    Column(
        "category",
        "类别",
        ("诉求类别", "分类", "category"),
        help=_L("The name or code of a configured message category."),
    ),
    Column(
        "district",
        "区县",
        ("所属区县", "区域", "district"),
        help=_L("The name or code of a district of the city."),
    ),
    Column(
        "unit",
        "承办单位",
        ("办理单位", "handling unit", "unit"),
        help=_L(
            "The unit that handled it (name or code). With 办结时间 and 办理结果 the order is imported as "
            "closed, with the due date it had then."
        ),
    ),
    Column(
        "closed_at",
        "办结时间",
        ("完成时间", "closed at"),
        help=_L("When it was closed; not before 受理时间 nor in the future."),
    ),
    Column(
        "result",
        "办理结果",
        ("处理结果", "答复内容", "result"),
        help=_L("What was done: the unit's answer, recorded as its reply."),
    ),
)
#: A refusal's field (services' names) → the column the user sees.
_COLUMN_NAMES = {column.key: column.header for column in COLUMNS}
EXTERNAL_ID_MAX = Message._meta.get_field("external_id").max_length
#: The longest text each column may hold, as every channel allows it (voices.rules).
_MAX_LENGTHS = {
    "external_id": EXTERNAL_ID_MAX,
    "name": rules.NAME_MAX,
    "subject": rules.SUBJECT_MAX,
    "body": rules.BODY_MAX,
}

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y%m%d",
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
            raise CellError(
                _("«%(value)s» is not a date and time (write it like 2026-01-20 09:30).") % {"value": text}
            )
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
        external_id = row.text("external_id", max_length=EXTERNAL_ID_MAX, required=True)
        if external_id in seen:
            row.error(
                "external_id",
                _("the same work order number is also in row %(row)s.") % {"row": seen[external_id]},
            )
        elif external_id:
            seen[external_id] = number
        received_at = row.moment("received_at", required=True, now=now)
        # The limits of every channel (voices.rules), so that the services never refuse a
        # row this check let through, after other rows were written.
        name = row.text("name", max_length=rules.NAME_MAX)
        # The same rule as every other channel (the service checks it again): a sheet's
        # "12345" is no more a caller's phone than a web form's.
        phone = rules.phone_text(row.text("phone", max_length=rules.PHONE_MAX))
        phone = rules.phone_from_number_cell(phone, values.get("phone"))
        if phone and not rules.phone_valid(phone):
            row.error("phone", _("«%(value)s» is not a phone number.") % {"value": phone})
        subject = row.text("subject", max_length=rules.SUBJECT_MAX, required=True)
        body = row.text("body", max_length=rules.BODY_MAX, required=True)
        category = row.known("category", lookup.categories, _("«%(value)s» is not a configured category."))
        district = row.known("district", lookup.districts, _("«%(value)s» is not a district of the city."))
        unit = row.known("unit", lookup.units, _("«%(value)s» is not a handling unit of the city."))
        closed_at = row.moment("closed_at", now=now)
        if closed_at is not None and received_at is not None and closed_at < received_at:
            row.error("closed_at", _("it is before 受理时间."))
        result = row.text("result", max_length=20000)
        if row.ok:
            planned.append(
                {
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
                    if unit is not None and closed_at is not None and result
                    else None,
                }
            )
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


def import_rows(
    rows: list[tuple[int, dict[str, Any]]], *, by, key: str | None = None, result: ImportResult | None = None
) -> tuple[int, int, int]:
    """Check every row, then write them BATCH_ROWS at a time, each batch in a transaction of
    its own; returns (created, skipped as already imported, closed with their past outcome).

    With `result` (a stored upload's), the counts planned before the first write are kept in
    it (state "running"): a run that completes an earlier one that died half-way skips the
    rows that run wrote and still returns the whole file's counts.

    Raises NotAllowed; ValidationFailed with `row_errors` when a row fails the checks
    (nothing written), or when the services refuse a row while writing (its batch is rolled
    back, the batches before it stay, and the message says how many were imported)."""
    require(by, IMPORT)
    congress = organisation.current_congress()
    if congress is None:
        raise ValidationFailed(
            _("The city has not been configured yet: there is no congress to import into.")
        )
    resumed = result is not None and result.state == "running"
    checked = [0]

    def on_row() -> None:
        checked[0] += 1
        if key and checked[0] % STEP == 0:
            progress.advance(key, STEP)

    # The bar, one phase after the other, each counting the rows once (its message names it):
    # checking the rows, then importing them.
    if key:
        progress.update(key, done=0, total=len(rows), message=_("Checking the rows…"))
    try:
        planned = check_rows(rows, congress=congress, on_row=on_row)
    except ValidationFailed as exc:
        if resumed:  # the city's data changed since an earlier run wrote some of the rows
            raise _stopped(exc, imported=_written_by_earlier_runs(congress, rows, result)) from None
        raise
    existing = already_imported(congress, [p["external_id"] for p in planned])
    fresh = [p for p in planned if p["external_id"] not in existing]
    if resumed:
        created, skipped, closed = result.created, result.skipped, result.closed
    else:
        created, skipped, closed = len(fresh), len(existing), sum(1 for p in fresh if p["_outcome"])
        if result is not None:
            # Kept before the first write: a retry must not count this run's rows as skipped.
            result.state, result.created, result.skipped, result.closed = "running", created, skipped, closed
            save_result(result)
    earlier = len(existing) - skipped  # rows an earlier run of this upload wrote
    if key:  # the rows already imported are done at once
        progress.update(key, done=len(existing), total=len(rows), message=_("Importing the rows…"))
    if any(p["_outcome"] for p in fresh):
        # Each past outcome's due date needs the working-day calendar, which is cached only
        # outside a transaction (inside one it is read afresh, two statements each time):
        # read it here, once, not once a row.
        calendar.current_calendar()
    written = 0
    for start in range(0, len(fresh), BATCH_ROWS):
        batch = fresh[start : start + BATCH_ROWS]
        try:
            raced = write_batch(batch, by=by, congress=congress)
        except ValidationFailed as exc:
            refused = exc if getattr(exc, "row_errors", None) else _as_row_errors(exc)
            raise _stopped(refused, imported=earlier + written) from exc
        # Rows another import of the same numbers wrote meanwhile: there already, skipped.
        created -= len(raced)
        skipped += len(raced)
        closed -= sum(1 for p in raced if p["_outcome"])
        written += len(batch) - len(raced)
        if key:  # committed: the page sees the bar move batch by batch
            progress.advance(key, len(batch))
        if connection.vendor == "sqlite" and start + BATCH_ROWS < len(fresh):
            time.sleep(SQLITE_PAUSE)  # the other writers' turn (see SQLITE_PAUSE)
    return created, skipped, closed


def write_batch(rows: list[dict[str, Any]], *, by, congress) -> list[dict[str, Any]]:
    """Write checked rows (`check_rows`' plans) in one transaction: their messages, then their
    past outcomes. Returns the rows whose work order was already there (another import of
    the same numbers got there first): those are left as they are.

    The audit chain's lock and the units' tally rows are taken at the batch's end, not for
    all of it (core.audit.deferred, casework.deferred_tallies): meanwhile citizens'
    messages and routing go on. Raises ValidationFailed (the batch rolled back)."""
    from . import services

    with transaction.atomic(), audit.deferred(), casework.deferred_tallies():
        messages = services.receive_many(
            by=by, congress=congress, channel=Channel.IMPORT, rows=rows, quiet=True, classify=False
        )
        new = [getattr(m, "_created_now", False) for m in messages]
        record_outcomes(
            by=by,
            planned=[r for r, n in zip(rows, new, strict=True) if n],
            messages=[m for m, n in zip(messages, new, strict=True) if n],
        )
    return [r for r, n in zip(rows, new, strict=True) if not n]


def record_outcomes(*, by, planned: list[dict[str, Any]], messages: list[Message]) -> int:
    """Record the rows' historical outcomes (承办单位, 办结时间, 办理结果) through
    `services.record_historical_outcome`, in the batch's transaction; returns how many.
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
                errors.add(row["_row"], _COLUMN_NAMES.get(field, ""), _with_limit(field, str(reason)))
    errors.raise_if_any()
    return done


def _written_by_earlier_runs(congress, rows: list[tuple[int, dict[str, Any]]], result: ImportResult) -> int:
    """How many of the file's work orders earlier runs of this upload wrote: those there now,
    less those there before its first write."""
    numbers = [cell_text(values.get("external_id"))[:EXTERNAL_ID_MAX] for _number, values in rows]
    return max(0, len(already_imported(congress, [n for n in numbers if n])) - result.skipped)


def _stopped(exc: ValidationFailed, *, imported: int) -> ValidationFailed:
    """The refusal of rows found after `imported` work orders of the file were written: its
    problems, with a message that says so, and `imported` on it (the result page tells such
    a stop from a refusal that imported nothing, which is returned as it is)."""
    row_errors = getattr(exc, "row_errors", None)
    if not imported or not row_errors:
        return exc
    stopped = row_errors.error(
        _(
            "%(imported)s work orders of the file were imported before the import stopped. Correct the rows "
            "below and import the file again: the work orders already imported are skipped."
        )
        % {"imported": imported}
    )
    stopped.imported = imported
    return stopped


#: A refusal's "field: reason" (voices.services.intake.receive_batch joins them with "; ").
_FIELD_REASON = re.compile(r"^([a-z_]+): (.*)$", re.S)


def _as_row_errors(exc: ValidationFailed) -> ValidationFailed:
    """The service's refusal (details keyed "row N", each "field: reason; field: reason") as
    row-numbered problems, each under its column as the sheet names it, never the services'
    field names."""
    errors = RowErrors()
    for where, text in (exc.details or {}).items():
        match = re.search(r"(\d+)", str(where))
        number = int(match.group(1)) if match else 0
        for field, reason in _field_reasons(str(text)):
            errors.add(number, _COLUMN_NAMES.get(field, ""), _with_limit(field, reason))
    if not errors:
        errors.add(0, "", str(exc.message))
    return errors.error()


def _field_reasons(text: str) -> list[tuple[str, str]]:
    """ "subject: reason; body: reason" as [(field, reason)]; a piece that names no field
    belongs to the reason before it (a reason may hold "; " itself)."""
    found: list[tuple[str, str]] = []
    for piece in text.split("; "):
        match = _FIELD_REASON.match(piece)
        if match:
            found.append((match.group(1), match.group(2)))
        elif found:
            found[-1] = (found[-1][0], f"{found[-1][1]}; {piece}")
        else:
            found.append(("", piece))
    return found


def _with_limit(field: str, reason: str) -> str:
    """The services' "too long" said with the column's limit, as the check says it."""
    from .services.base import error

    if field in _MAX_LENGTHS and reason == error("too_long"):
        return _("at most %(max)s characters are allowed.") % {"max": _MAX_LENGTHS[field]}
    return reason


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
    result = ImportResult(
        upload=upload_id,
        state="queued",
        file=str(getattr(file, "name", "") or "")[:200],
        owner=by.pk,
        rows=len(rows),
    )
    save_result(result)
    progress.start(
        progress_key(upload_id),
        total=len(rows),
        label=_("Import of work orders"),
        owner=by,
        message=_("Waiting to start…"),
    )
    return result, len(rows)


def run_upload(upload_id: str, *, by, result_url: str = "") -> ImportResult:
    """Import a stored upload (inline or from the task) and store its result; safe to run
    twice (a finished upload returns its result; rows already imported are skipped).
    Unexpected errors propagate (the task retries: the batches written stay, and the retry
    writes the rest and reports the whole file's counts); a refusal is a result."""
    result = load_result(upload_id)
    if result is None:
        raise NotFound()
    if result.finished:
        return result
    key = progress_key(upload_id)
    language = getattr(by, "language", None) or translation.get_language()
    with translation.override(language):
        record = progress.get(key)
        if record is None or not record.is_running:
            # Forgotten, or taken for dead while it waited in the queue (the stall rule): running now.
            progress.start(key, total=result.rows, label=_("Import of work orders"), owner=by)
        try:
            name = STORE.path(upload_id, "xlsx")
            if not default_storage.exists(name):
                raise ValidationFailed(_("The uploaded file is no longer there; upload it again."))
            with default_storage.open(name) as handle:
                rows = read(handle)
            created, skipped, closed = import_rows(rows, by=by, key=key, result=result)
        except (ValidationFailed, NotAllowed) as exc:
            # Counted: the work orders written before a refusal that stopped the import (its
            # page says so); none for a refusal before anything was written.
            result.created, result.skipped, result.closed = getattr(exc, "imported", 0), 0, 0
            return STORE.fail(result, key=key, message=str(exc.message), problems=problems_of(exc))
        except Exception:
            progress.update(key, message=_("A problem occurred; the import will be tried again."))
            raise
        result.created, result.skipped, result.closed = created, skipped, closed
        result.message = _(
            "%(created)s work orders imported, %(closed)s of them closed in the past; %(skipped)s were already there."
        ) % {"created": created, "closed": closed, "skipped": skipped}
        # Finished, the bar counts every row of the file (rows found already there included).
        progress.update(key, done=len(rows), total=len(rows), message=result.message)
        return STORE.finish(result, key=key, result_url=result_url)


def resume_upload(upload_id: str, *, by, result_url: str = "") -> ImportResult:
    """Queue the task again ("Continue the import") for an upload whose job stopped without
    finishing (its worker killed, the stall rule; or its attempts used up). The run skips the work
    orders already written (by 工单编号) and writes the rest; its counts are the whole file's.

    Idempotent by upload id: the progress record is set running by one conditional UPDATE, so
    a second press, or a press while the import is queued or running, queues nothing. Audited.
    Raises NotAllowed, NotFound (not the user's upload), InvalidTransition (finished, still
    running, or its file is gone)."""
    require(by, IMPORT)
    result = result_for(by, upload_id)
    if result.finished:
        raise InvalidTransition(_("This import has already ended: there is nothing to continue."))
    if not default_storage.exists(STORE.path(upload_id, "xlsx")):
        raise InvalidTransition(_("The uploaded file is no longer there; upload it again."))
    key = progress_key(upload_id)
    waiting = _("Waiting to start…")
    with transaction.atomic():
        record = jobs.check_stalled(key=key)
        if record is None:  # forgotten (core.jobs prunes old records): nothing runs it
            record = progress.start(
                key, total=result.rows, label=_("Import of work orders"), owner=by, message=waiting
            )
        elif not progress.reopen(key, message=waiting):
            raise InvalidTransition(
                _("The import is still running: this page shows the result when it has finished.")
            )
        audit.record(
            actor=by,
            action=RESUME_ACTION,
            target=record,
            data={"upload": upload_id, "file": result.file, "rows": result.rows},
        )
        from .import_tasks import import_work_orders

        transaction.on_commit(
            lambda: import_work_orders.enqueue(upload_id=upload_id, user_id=by.pk, result_url=result_url)
        )
    return result


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
        [c.header for c in COLUMNS],
        [],
        title=_("Work orders"),
        extra_sheets=[(_("Notes"), [_("Column"), _("Required"), _("What to write")], notes)],
    )
