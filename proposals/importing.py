"""Importing the suggestions spreadsheet staff keep (xlsx), all or nothing.

What a row becomes (the choice, and why):

- Every row is a paper suggestion typed in by staff for the deputy who filed it
  (`create_draft` with `filed_by`), with the named co-signers invited, then submitted on
  the date it was filed (`submit_suggestion(now=提出日期)`): the session it was filed in
  follows from that date (SUGG-1).
- A row that names its handling units (主办单位, or 分办单位) and 交办日期 is a suggestion
  already registered and assigned on paper: it is registered and assigned on that date
  (`register_suggestion`, `assign_suggestion`, back-dated), so its reply is due from the real
  assignment date (SUGG-3) and it is on the late lists from the first day.
- A row without units stays *submitted*: staff register (or decline, SUGG-10) and assign it
  at their desk as any other.

Every step goes through the domain services (each audited and notified as usual); the
registration number is the register's own (year and serial), not the sheet's. Limitation:
co-signers can only confirm for themselves (`confirm_cosignature`), so on a row registered
by the import they stay "invited" and are not among those owed the reply (SUGG-11) until
the domain offers a way for staff to record a paper co-signature.

All or nothing: the upload is checked (real type, size) before it is stored; every row is
validated first and every problem collected with its row number (the deputy is a deputy of
the current term in office, the co-signers too, categories and units exist and are active,
dates are dates in the term and not in the future, the assignment is one lead unit with
assisting units or units handling separately, the content is specific enough to submit,
the same suggestion is not twice in the file nor already in Datong). If there is any,
nothing is written. Otherwise the rows are written in one transaction; a service refusing
a row rolls everything back and reports that row. A summary entry `suggestion.import` is
audited with the upload id.

Idempotent by upload id: `run_upload` finds an import already committed for its upload
(the summary audit entry) and returns that result instead of importing again, so the task
may run twice. Progress is recorded for the page's progress bar (`core.jobs.progress`) in
two phases, each named by its message and counting the rows once: checking the rows, then
writing them (on PostgreSQL through a second connection, so the bar moves while the
transaction is open).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import rules as case_rules
from casework import services as casework
from core.accounts.roles import Role
from core.audit import services as audit
from core.audit.models import AuditEntry
from core.audit.services import record
from core.documents import (
    CellError,
    Column,
    RowErrors,
    cell_date,
    cell_list,
    cell_text,
    read_rows,
    validate_upload,
)
from core.documents.store import ImportResult as BaseImportResult
from core.documents.store import ImportStore, new_upload_id
from core.errors import DatongError, NotAllowed, NotFound, ValidationFailed
from core.jobs import progress
from core.jobs.models import ProgressRecord
from core.organisation import selectors as organisation
from core.organisation.models import Deputy, HandlingUnit, Term
from core.permissions import register, require, roles
from core.workcalendar.rules import LEGAL_ZONE

from . import rules, services
from .models import Suggestion, SuggestionCategory

log = logging.getLogger(__name__)

_L = gettext_lazy

#: Who may import the suggestions spreadsheet: the congress office.
IMPORT = "suggestion.import"
register(IMPORT, roles(Role.STAFF))

#: The audit action of the summary entry written with the rows.
ACTION = IMPORT

#: Files up to this many data rows are imported while the page waits; larger ones by the
#: background task (the page shows its progress bar).
INLINE_MAX_ROWS = 100
#: A sheet with more rows is refused: split it (the import holds one transaction).
MAX_ROWS = 5000
#: Progress is written once per this many rows.
STEP = 25
#: Results (their problem lists name deputies) are kept this long (SEC-5).
KEEP_RESULTS_DAYS = 30

STORAGE_DIR = "proposals/imports"

COLUMNS = (
    Column("subject", "标题", ("案由", "建议标题", "题目", "subject", "title"), required=True,
           help=_L("The suggestion's subject, one line.")),
    Column("content", "内容", ("建议内容", "正文", "content"), required=True,
           help=_L("The text of the suggestion (at least 20 characters, SUGG-1).")),
    Column("filer", "领衔代表", ("提出代表", "代表", "代表姓名", "filer", "deputy"), required=True,
           help=_L("The filing deputy's name or deputy number (代表证号), a deputy of the current term.")),
    Column("cosigners", "联名代表", ("附议代表", "联名", "co-signers", "cosigners"),
           help=_L("Co-signing deputies' names or numbers, separated by 、 or commas; each is invited to confirm.")),
    Column("category", "分类", ("类别", "建议分类", "category"),
           help=_L("The name or code of a configured category; needed when categories are configured.")),
    Column("submitted_on", "提出日期", ("提出时间", "提交日期", "submitted on", "date"), required=True,
           help=_L("The date it was filed, e.g. 2026-01-21; decides the session (SUGG-1).")),
    Column("lead_unit", "主办单位", ("承办单位", "lead unit"),
           help=_L("The lead unit's name or code; empty: the suggestion waits at the desk to be registered.")),
    Column("assisting_units", "协办单位", ("会办单位", "assisting units"),
           help=_L("Assisting units (with a lead unit), separated by 、 or commas.")),
    Column("separate_units", "分办单位", ("separate units",),
           help=_L("Units that each reply (instead of a lead unit), separated by 、 or commas.")),
    Column("assigned_on", "交办日期", ("交办时间", "assigned on"),
           help=_L("The date it was assigned, needed with units; the reply is due from it (SUGG-3).")),
)

_ASSIGNMENT_ERRORS = {
    "no_unit": _L("name a lead unit, or the units that handle it separately."),
    "mixed": _L("name either a lead unit with assisting units, or units that handle it separately."),
    "assisting_without_lead": _L("assisting units need a lead unit."),
    "duplicate": _L("a unit is named more than once."),
}


# --- results ------------------------------------------------------------------------------


@dataclass
class ImportResult(BaseImportResult):
    """What an import did (core.documents.store.ImportResult), with this import's own counts."""

    registered: int = 0
    submitted: int = 0


#: The uploaded sheet holds deputies' names: kept only until it is imported (SEC-5).
STORE = ImportStore(STORAGE_DIR, ImportResult)


def progress_key(upload_id: str) -> str:
    return f"suggestion-import-{upload_id}"


def save_result(result: ImportResult) -> None:
    STORE.save_result(result)


def load_result(upload_id: str) -> ImportResult | None:
    return STORE.load_result(upload_id)


def result_for(user, upload_id: str) -> ImportResult:
    """The result of an import the user started; NotFound for anyone else's (or none)."""
    return STORE.result_for(user, upload_id, IMPORT)


# --- reading and checking ------------------------------------------------------------------


@dataclass
class Plan:
    """One valid row, ready to be written."""

    row: int
    subject: str
    content: str
    filer: Deputy
    cosigners: list[Deputy]
    category: SuggestionCategory | None
    submitted_on: datetime.date
    lead: HandlingUnit | None = None
    assisting: list[HandlingUnit] = field(default_factory=list)
    separate: list[HandlingUnit] = field(default_factory=list)
    assigned_on: datetime.date | None = None

    @property
    def assigns(self) -> bool:
        return self.lead is not None or bool(self.separate)


class _Lookup:
    """Names and codes of the term's deputies, the congress's categories and units."""

    def __init__(self, term: Term):
        self.term = term
        self.by_code: dict[str, Deputy] = {}
        self.by_name: dict[str, list[Deputy]] = {}
        for deputy in Deputy.objects.filter(term=term).select_related("user").order_by("pk"):
            self.by_code[deputy.code] = deputy
            self.by_name.setdefault(deputy.name, []).append(deputy)
        self.categories: dict[str, SuggestionCategory] = {}
        for category in SuggestionCategory.objects.filter(congress_id=term.congress_id, is_active=True):
            self.categories.setdefault(category.name, category)
            self.categories.setdefault(category.code, category)
        self.units: dict[str, HandlingUnit] = {}
        for unit in HandlingUnit.objects.filter(congress_id=term.congress_id).order_by("pk"):
            for key in (unit.code, unit.name, unit.short_name):
                if key:
                    self.units.setdefault(key, unit)

    def deputy(self, text: str) -> tuple[Deputy | None, str]:
        """The deputy a cell names (number first, then name), or None and why."""
        if text in self.by_code:
            return self.by_code[text], ""
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, _("several deputies of the term are named «%(name)s»; write the deputy number.") % {
                "name": text
            }
        return None, _("«%(name)s» is not a deputy of the current term.") % {"name": text}


class _Row:
    """One data row being checked: problems are recorded, never raised."""

    headers = {c.key: c.header for c in COLUMNS}

    def __init__(self, number: int, values: dict[str, Any], errors: RowErrors):
        self.number = number
        self.values = values
        self.errors = errors
        self.ok = True

    def error(self, key: str, reason: str) -> None:
        self.ok = False
        self.errors.add(self.number, self.headers.get(key, ""), reason)

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        try:
            value = cell_text(self.values.get(key), max_length=max_length)
        except CellError as exc:
            self.error(key, exc.reason)
            return ""
        if required and not value:
            self.error(key, _("this column may not be empty."))
        return value

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        try:
            value = cell_date(self.values.get(key))
        except CellError as exc:
            self.error(key, exc.reason)
            return None
        if required and value is None:
            self.error(key, _("this column may not be empty."))
        return value

    def names(self, key: str) -> list[str]:
        return list(dict.fromkeys(cell_list(self.values.get(key))))


def _check_subject(row: _Row) -> str:
    subject = row.text("subject", required=True)
    if subject and rules.check_subject(subject) == "too_long":
        row.error("subject", _("at most %(max)s characters are allowed.") % {"max": rules.SUBJECT_MAX_CHARS})
    return subject


def _check_content(row: _Row) -> str:
    content = row.text("content", required=True)
    if not content:
        return content
    problem = rules.check_content(content)
    if problem == "too_short":
        row.error("content", _("be specific: write at least %(min)s characters (SUGG-1).") % {
            "min": rules.CONTENT_MIN_CHARS
        })
    elif problem == "too_long":
        row.error("content", _("at most %(max)s characters are allowed.") % {"max": rules.CONTENT_MAX_CHARS})
    return content


def _check_date(row: _Row, key: str, term: Term, today: datetime.date, *, required: bool) -> datetime.date | None:
    day = row.date(key, required=required)
    if day is None:
        return None
    if day > today:
        row.error(key, _("the date %(date)s is in the future.") % {"date": day.isoformat()})
    elif day < term.starts_on or (term.ends_on is not None and day > term.ends_on):
        row.error(key, _("the date %(date)s is outside the current term.") % {"date": day.isoformat()})
    return day


def _check_filer(row: _Row, lookup: _Lookup) -> Deputy | None:
    text = row.text("filer", required=True)
    if not text:
        return None
    deputy, reason = lookup.deputy(text)
    if deputy is None:
        row.error("filer", reason)
    elif not rules.may_file(in_office=deputy.in_office):
        row.error("filer", _("%(name)s is not in office; only a deputy in office may file (SUGG-1).") % {
            "name": deputy.name
        })
        return None
    return deputy


def _check_cosigners(row: _Row, lookup: _Lookup, filer: Deputy | None) -> list[Deputy]:
    found: list[Deputy] = []
    for text in row.names("cosigners"):
        deputy, reason = lookup.deputy(text)
        if deputy is None:
            row.error("cosigners", reason)
        elif not deputy.in_office:
            row.error("cosigners", _("%(name)s is not in office and cannot co-sign.") % {"name": deputy.name})
        elif filer is not None and deputy.pk == filer.pk:
            row.error("cosigners", _("the filer does not co-sign their own suggestion."))
        elif deputy in found:
            row.error("cosigners", _("%(name)s is named twice.") % {"name": deputy.name})
        else:
            found.append(deputy)
    return found


def _check_category(row: _Row, lookup: _Lookup) -> SuggestionCategory | None:
    text = row.text("category")
    if not text:
        if lookup.categories:
            row.error("category", _("choose one of the configured categories."))
        return None
    category = lookup.categories.get(text)
    if category is None:
        row.error("category", _("«%(name)s» is not a category.") % {"name": text})
    return category


def _unit(row: _Row, key: str, text: str, lookup: _Lookup) -> HandlingUnit | None:
    unit = lookup.units.get(text)
    if unit is None:
        row.error(key, _("handling unit «%(name)s» does not exist.") % {"name": text})
        return None
    if not unit.is_active:
        row.error(key, _("%(name)s is no longer active.") % {"name": unit.name})
        return None
    return unit


def _check_units(row: _Row, plan: Plan, lookup: _Lookup, term: Term, today: datetime.date) -> None:
    lead_text = row.text("lead_unit")
    assisting_texts = row.names("assisting_units")
    separate_texts = row.names("separate_units")
    plan.lead = _unit(row, "lead_unit", lead_text, lookup) if lead_text else None
    plan.assisting = [u for u in (_unit(row, "assisting_units", t, lookup) for t in assisting_texts) if u]
    plan.separate = [u for u in (_unit(row, "separate_units", t, lookup) for t in separate_texts) if u]
    named = bool(lead_text or assisting_texts or separate_texts)
    plan.assigned_on = _check_date(row, "assigned_on", term, today, required=named)
    if not named:
        if plan.assigned_on is not None:
            row.error("assigned_on", _("a date of assignment needs the units it was assigned to."))
        return

    def ident(unit: HandlingUnit | None, text: str):
        return unit.pk if unit is not None else text

    try:
        # SUGG-2/SUGG-5: one lead unit with assisting units, or units handling separately.
        case_rules.check_assignment(
            lead=ident(plan.lead, lead_text) if lead_text else None,
            assisting=[ident(lookup.units.get(t), t) for t in assisting_texts],
            separate=[ident(lookup.units.get(t), t) for t in separate_texts],
        )
    except case_rules.AssignmentError as exc:
        key = {"lead": "lead_unit", "assisting": "assisting_units", "separate": "separate_units"}[exc.field]
        row.error(key, str(_ASSIGNMENT_ERRORS[exc.reason]))
    if plan.assigned_on is not None and plan.submitted_on is not None and plan.assigned_on < plan.submitted_on:
        row.error("assigned_on", _("it was assigned before it was filed."))


def _existing(term: Term, plans: Iterable[Plan]) -> dict[tuple[int, str], Suggestion]:
    """Suggestions of the term already in Datong with the same filer and subject."""
    plans = list(plans)
    filers = {p.filer.pk for p in plans}
    subjects = {p.subject for p in plans}
    found = {}
    for suggestion in (
        Suggestion.objects.filter(term=term, filed_by_id__in=filers, subject__in=subjects)
        .exclude(status__in=[Suggestion.Status.DRAFT, Suggestion.Status.WITHDRAWN])
        .only("pk", "filed_by_id", "subject", "number", "status")
    ):
        found[(suggestion.filed_by_id, suggestion.subject)] = suggestion
    return found


def _report_existing(errors: RowErrors, term: Term, plans: list[Plan]) -> None:
    header = _Row.headers["subject"]
    for (filer_id, subject), suggestion in _existing(term, plans).items():
        for plan in plans:
            if plan.filer.pk == filer_id and plan.subject == subject:
                errors.add(plan.row, header, _("this suggestion is already in Datong (%(ref)s).") % {
                    "ref": suggestion.number or suggestion.get_status_display()
                })


def current_term() -> Term | None:
    return organisation.current_term(organisation.current_congress())


def read(file) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's data rows; ValidationFailed for a bad header or too many rows."""
    return list(read_rows(file, COLUMNS, max_rows=MAX_ROWS))


def check_rows(
    rows: list[tuple[int, dict[str, Any]]], *, term: Term, on_row: Callable[[], None] | None = None
) -> list[Plan]:
    """Check every row; return the plans, or raise ValidationFailed listing every problem
    by row number (`row_errors`)."""
    lookup = _Lookup(term)
    today = timezone.localdate()
    errors = RowErrors()
    plans: list[Plan] = []
    seen: dict[tuple[int, str], int] = {}
    for number, values in rows:
        row = _Row(number, values, errors)
        subject = _check_subject(row)
        content = _check_content(row)
        filer = _check_filer(row, lookup)
        cosigners = _check_cosigners(row, lookup, filer)
        category = _check_category(row, lookup)
        submitted_on = _check_date(row, "submitted_on", term, today, required=True)
        plan = Plan(number, subject, content, filer, cosigners, category, submitted_on)  # type: ignore[arg-type]
        _check_units(row, plan, lookup, term, today)
        if filer is not None and subject:
            key = (filer.pk, subject)
            if key in seen:
                row.error("subject", _("the same suggestion by the same deputy is also in row %(row)s.") % {
                    "row": seen[key]
                })
            else:
                seen[key] = number
        if row.ok:
            plans.append(plan)
        if on_row is not None:
            on_row()
    _report_existing(errors, term, plans)
    if not rows:
        errors.add(1, "", _("the sheet has no data rows."))
    errors.raise_if_any()
    return plans


# --- writing -------------------------------------------------------------------------------


def _instant(day: datetime.date) -> datetime.datetime:
    """Noon of a legal date (TIME-5), never later than now."""
    return min(datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=LEGAL_ZONE), timezone.now())


def _write(plan: Plan, *, by) -> Suggestion:
    filed_at = _instant(plan.submitted_on)
    suggestion = services.create_draft(
        by=by, subject=plan.subject, content=plan.content, category=plan.category, filed_by=plan.filer,
        now=filed_at,
    )
    for deputy in plan.cosigners:
        services.invite_cosigner(by=by, suggestion=suggestion, deputy=deputy, now=filed_at)
    services.submit_suggestion(by=by, suggestion=suggestion, now=filed_at)
    if plan.assigns:
        assigned_at = _instant(plan.assigned_on)
        services.register_suggestion(by=by, suggestion=suggestion, now=assigned_at)
        services.assign_suggestion(
            by=by, suggestion=suggestion, lead=plan.lead, assisting=plan.assisting, separate=plan.separate,
            now=assigned_at,
        )
    return suggestion


#: A service's refusal names its own fields; the user knows the sheet's columns.
_FIELD_COLUMNS = {
    "subject": "subject", "content": "content", "filed_by": "filer", "deputy": "cosigners", "category": "category",
    "lead": "lead_unit", "assisting": "assisting_units", "separate": "separate_units",
}
_HEADERS = {c.key: c.header for c in COLUMNS}


def _column_of(field_name: str, plan: Plan) -> str:
    """The column a refused field stands for; "units" (casework names them all so): the
    row's unit columns that are filled in."""
    if field_name == "units":
        filled = [key for key, units in (("lead_unit", plan.lead), ("assisting_units", plan.assisting),
                                         ("separate_units", plan.separate)) if units]
        return "、".join(_HEADERS[key] for key in filled)
    return _HEADERS.get(_FIELD_COLUMNS.get(field_name, ""), "")


def _row_problem(errors: RowErrors, plan: Plan, exc: DatongError) -> None:
    """A service's refusal of the row, each reason under its column as the sheet names it
    (never the services' field names). Only a ValidationFailed's details are reasons: other
    refusals carry state codes there, and say it in their message."""
    details = (getattr(exc, "details", None) or {}) if isinstance(exc, ValidationFailed) else {}
    if not details:
        errors.add(plan.row, "", str(exc.message))
    for field_name, reason in details.items():
        errors.add(plan.row, _column_of(str(field_name), plan), str(reason))


class _SideProgress:
    """Progress written while the import's transaction is open.

    On PostgreSQL through a connection of its own (autocommit), so the page sees the bar
    move; elsewhere (SQLite has one writer) the count is kept and written after commit.
    """

    def __init__(self, key: str):
        self.key = key
        self.pending = 0
        self.side = None
        if connection.vendor == "postgresql":
            try:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            except Exception:  # the bar is a nicety; the import goes on without it
                log.exception("no second connection for the import's progress")

    def advance(self, by: int) -> None:
        self.pending += by
        if self.side is None:
            return
        table = ProgressRecord._meta.db_table
        done = ProgressRecord._meta.get_field("done").column
        updated = ProgressRecord._meta.get_field("updated_at").column
        key = ProgressRecord._meta.get_field("key").column
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f'UPDATE "{table}" SET "{done}" = "{done}" + %s, "{updated}" = %s WHERE "{key}" = %s',  # noqa: S608
                    [self.pending, timezone.now(), self.key],
                )
            self.pending = 0
        except Exception:
            log.exception("could not move the import's progress bar")
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _done_already(upload_id: str) -> AuditEntry | None:
    return AuditEntry.objects.filter(action=ACTION, data__upload=upload_id).order_by("pk").first()


def import_rows(
    rows: list[tuple[int, dict[str, Any]]], *, term: Term, by, upload_id: str, file_name: str = "",
    key: str | None = None,
) -> ImportResult:
    """Check every row, then write them all in one transaction (see the module's doc).

    Raises NotAllowed (not staff), ValidationFailed (with `row_errors`) and writes nothing
    when any row is bad. Returns the result; an upload already imported is not imported
    again (its recorded result is returned).
    """
    require(by, IMPORT)
    result = ImportResult(upload=upload_id, state="running", file=file_name, owner=by.pk, rows=len(rows))
    earlier = _done_already(upload_id)
    if earlier is not None:
        return _from_entry(earlier, result)
    if key:
        progress.update(key, total=len(rows), done=0, message=_("Checking the rows…"))
    checked = [0]

    def on_row() -> None:
        checked[0] += 1
        if key and checked[0] % STEP == 0:
            progress.advance(key, STEP)

    plans = check_rows(rows, term=term, on_row=on_row)
    if key:
        progress.update(key, done=0, message=_("Importing the rows…"))  # the same rows, once more
    side = _SideProgress(key) if key else None
    errors = RowErrors()
    try:
        # The audit chain and the units' tallies are taken at the end, not for the whole
        # import: meanwhile deputies, staff and citizens go on.
        with transaction.atomic(), audit.deferred(), casework.deferred_tallies():
            # One import at a time per term: the duplicate check below sees the others' rows.
            # NO KEY: a row that refers to the term (a deputy's new suggestion) does not wait.
            Term.objects.select_for_update(no_key=True).filter(pk=term.pk).first()
            earlier = _done_already(upload_id)
            if earlier is not None:
                return _from_entry(earlier, result)
            _report_existing(errors, term, plans)
            errors.raise_if_any()
            created = []
            for index, plan in enumerate(plans, start=1):
                try:
                    created.append(_write(plan, by=by))
                except DatongError as exc:
                    _row_problem(errors, plan, exc)
                if side is not None and index % STEP == 0:
                    side.advance(STEP)
            errors.raise_if_any()  # inside the transaction: every row is rolled back
            result.created = len(created)
            result.registered = sum(1 for p in plans if p.assigns)
            result.submitted = result.created - result.registered
            record(
                actor=by,
                action=ACTION,
                target=term,
                data={
                    "upload": upload_id,
                    "file": file_name,
                    "rows": result.rows,
                    "created": result.created,
                    "registered": result.registered,
                    "submitted": result.submitted,
                    "first": created[0].pk if created else None,
                    "last": created[-1].pk if created else None,
                },
            )
    finally:
        if side is not None:
            side.close()
    result.state = "done"
    return result


def _from_entry(entry: AuditEntry, result: ImportResult) -> ImportResult:
    data = entry.data or {}
    result.state = "done"
    result.created = int(data.get("created") or 0)
    result.registered = int(data.get("registered") or 0)
    result.submitted = int(data.get("submitted") or 0)
    return result


# --- uploads: stored, then imported inline or by the task ------------------------------------


def accept_upload(file, *, by) -> tuple[ImportResult, int]:
    """Check the upload (permission, real type and size, header, row count) before storing
    it; store it under a fresh upload id and record it as queued. Returns the result record
    and the number of data rows. Raises NotAllowed, ValidationFailed (nothing stored)."""
    require(by, IMPORT)
    validate_upload(file, allowed=("xlsx",))
    forget_old_results()
    if current_term() is None:
        raise ValidationFailed(_("There is no current term to import suggestions into."))
    rows = read(file)
    upload_id = new_upload_id()
    file.seek(0)
    STORE.save_sheet(upload_id, file.read())
    result = ImportResult(upload=upload_id, state="queued", file=str(getattr(file, "name", "") or "")[:200],
                          owner=by.pk, rows=len(rows))
    save_result(result)
    progress.start(progress_key(upload_id), total=len(rows), label=_("Import of suggestions"), owner=by,
                   message=_("Waiting to start…"))
    return result, len(rows)


def problems_of(exc: DatongError) -> list[str]:
    row_errors = getattr(exc, "row_errors", None)
    if row_errors:
        return row_errors.messages()
    details = getattr(exc, "details", None) or {}
    return [str(v) for v in details.values()] or [str(exc.message)]


def run_upload(upload_id: str, *, by, result_url: str = "") -> ImportResult:
    """Import a stored upload (inline or from the task) and store its result; safe to run
    twice. Unexpected errors propagate (the task retries); a refusal is a result."""
    result = load_result(upload_id)
    if result is None:
        raise NotFound()
    if result.finished:
        return result
    key = progress_key(upload_id)
    language = getattr(by, "language", None) or translation.get_language()
    with translation.override(language):
        if progress.get(key) is None:
            progress.start(key, total=result.rows, label=_("Import of suggestions"), owner=by)
        try:
            term = current_term()
            if term is None:
                raise ValidationFailed(_("There is no current term to import suggestions into."))
            name = STORE.path(upload_id, "xlsx")
            if not default_storage.exists(name):
                raise ValidationFailed(_("The uploaded file is no longer there; upload it again."))
            with default_storage.open(name) as handle:
                rows = read(handle)
            done = import_rows(rows, term=term, by=by, upload_id=upload_id, file_name=result.file, key=key)
        except (ValidationFailed, NotAllowed) as exc:
            return STORE.fail(result, key=key, message=str(exc.message), problems=problems_of(exc))
        except Exception:
            # Nothing was written (one transaction): the task tries again.
            progress.update(key, message=_("A problem occurred; the import will be tried again."))
            raise
        done.file, done.owner = result.file, result.owner
        done.message = _(
            "%(created)s suggestions imported: %(registered)s registered and assigned, %(submitted)s waiting to be registered."
        ) % {"created": done.created, "registered": done.registered, "submitted": done.submitted}
        return STORE.finish(done, key=key, result_url=result_url)


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
        title=_("Suggestions"),
        extra_sheets=[(_("Notes"), [_("Column"), _("Required"), _("What to write")], notes)],
    )
