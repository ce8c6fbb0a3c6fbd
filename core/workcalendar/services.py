"""Writes to the staff's calendar table. Each change: permission → check → write → audit →
after commit, drop the cached calendar and tell every registered listener which years
changed (TIME-6: "recalculate `due_at` whenever the calendar table changes, and log it").

Listeners: `on_calendar_changed(callback)`; `callback(years: frozenset[int])` runs after the
transaction commits (never for a change that rolled back). Casework registers its `due_at`
recomputation there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.errors import NotFound, ValidationFailed
from core.permissions import require

from . import rules, selectors
from .importing import parse_holiday_workbook
from .models import CalendarYear, Holiday

log = logging.getLogger(__name__)

EDIT = "calendar.edit"

CalendarListener = Callable[[frozenset[int]], None]
_listeners: list[CalendarListener] = []

MIN_YEAR = 1949
MAX_YEAR = 2999


def on_calendar_changed(callback: CalendarListener) -> CalendarListener:
    """Register `callback(years)` to run after any committed change to the calendar table.

    Usable as a decorator. Registering the same function twice has no further effect.
    """
    if callback not in _listeners:
        _listeners.append(callback)
    return callback


def remove_calendar_listener(callback: CalendarListener) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def _changed(years: Iterable[int]) -> None:
    """Drop the cached calendar now and after commit, then notify the listeners."""
    changed = frozenset(years)
    selectors.forget_cached_calendar()
    transaction.on_commit(selectors.forget_cached_calendar)
    if not changed:
        return
    for callback in list(_listeners):
        transaction.on_commit(lambda cb=callback: cb(changed), robust=True)


# --- validation -------------------------------------------------------------------------------


def _clean(*, day, kind, name, note) -> tuple[date, str, str, str]:
    errors: dict[str, str] = {}
    if not isinstance(day, date):
        errors["date"] = _("Enter a valid date (YYYY-MM-DD).")
    elif not MIN_YEAR <= day.year <= MAX_YEAR:
        errors["date"] = _("The year must be between %(min)s and %(max)s.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
    if kind not in Holiday.Kind.values:
        errors["kind"] = _("The kind must be “holiday” or “workday”.")
    name = (name or "").strip()
    note = (note or "").strip()
    if rules.holiday_needs_name(kind, name):
        errors["name"] = _("Give the name of the holiday.")
    elif len(name) > 100:
        errors["name"] = _("The name may have at most 100 characters.")
    if len(note) > 300:
        errors["note"] = _("The note may have at most 300 characters.")
    if errors:
        raise ValidationFailed(details=errors)
    return day, kind, name, note


def check_year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            details={
                "year": _("The year must be between %(min)s and %(max)s.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            }
        )
    return year


def _get_locked(holiday_id: int) -> Holiday:
    try:
        return Holiday.objects.select_for_update().get(pk=holiday_id)
    except (Holiday.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def holiday_add(*, by, date: date, kind: str, name: str = "", note: str = "") -> Holiday:
    """Enter one holiday or make-up working day; it overrides chinese-calendar on that date."""
    require(by, EDIT)
    day, kind, name, note = _clean(day=date, kind=kind, name=name, note=note)
    if Holiday.objects.select_for_update().filter(date=day).exists():
        raise ValidationFailed(details={"date": _("This date is already in the table; edit it instead.")})
    holiday = Holiday.objects.create(date=day, kind=kind, name=name, note=note)
    record(actor=by, action="calendar.holiday_add", target=holiday, after=holiday.as_dict())
    _changed({day.year})
    return holiday


@transaction.atomic
def holiday_update(*, by, holiday_id: int, date: date, kind: str, name: str = "", note: str = "") -> Holiday:
    """Change one row (its date too); both the old and the new year count as changed."""
    require(by, EDIT)
    holiday = _get_locked(holiday_id)
    day, kind, name, note = _clean(day=date, kind=kind, name=name, note=note)
    if Holiday.objects.filter(date=day).exclude(pk=holiday.pk).exists():
        raise ValidationFailed(details={"date": _("This date is already in the table; edit it instead.")})
    before = holiday.as_dict()
    old_year = holiday.date.year
    holiday.date, holiday.kind, holiday.name, holiday.note = day, kind, name, note
    holiday.save()
    record(actor=by, action="calendar.holiday_update", target=holiday, before=before, after=holiday.as_dict())
    _changed({old_year, day.year})
    return holiday


@transaction.atomic
def holiday_delete(*, by, holiday_id: int) -> None:
    """Remove one row; chinese-calendar (or the fallback) applies to that date again."""
    require(by, EDIT)
    holiday = _get_locked(holiday_id)
    before = holiday.as_dict()
    year = holiday.date.year
    record(actor=by, action="calendar.holiday_delete", target=holiday, before=before)
    holiday.delete()
    _changed({year})


@transaction.atomic
def year_set_complete(*, by, year: int, complete: bool = True, note: str = "") -> CalendarYear:
    """Say that the official schedule of `year` is (or is not) entered in full (TIME-4).

    Marking a year complete ends its provisional status: dates computed through it become
    final, and the listeners recompute them (TIME-6).
    """
    require(by, EDIT)
    year = check_year(year)
    row, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
    before = {"year": year, "is_complete": row.is_complete, "note": row.note}
    row.is_complete = bool(complete)
    row.note = (note or "").strip()[:300]
    row.save()
    record(
        actor=by,
        action="calendar.year_complete" if complete else "calendar.year_incomplete",
        target=row,
        before=before,
        after={"year": year, "is_complete": row.is_complete, "note": row.note},
    )
    _changed({year})
    return row


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    years: frozenset[int]


@transaction.atomic
def holidays_import(*, by, upload) -> ImportResult:
    """Import an xlsx of (date, kind, name[, note]) rows; existing dates are updated.

    The file's size and type are checked before it is read; every bad row is reported with
    its row number and reason, and nothing is imported if any row is bad.
    """
    require(by, EDIT)
    rows = parse_holiday_workbook(upload)
    existing = {
        h.date: h for h in Holiday.objects.select_for_update().filter(date__in=[r.date for r in rows])
    }
    created = updated = unchanged = 0
    years: set[int] = set()
    for row in rows:
        current = existing.get(row.date)
        if current is None:
            Holiday.objects.create(date=row.date, kind=row.kind, name=row.name, note=row.note)
            created += 1
        elif (current.kind, current.name, current.note) != (row.kind, row.name, row.note):
            current.kind, current.name, current.note = row.kind, row.name, row.note
            current.save()
            updated += 1
        else:
            unchanged += 1
            continue
        years.add(row.date.year)
    result = ImportResult(created, updated, unchanged, frozenset(years))
    record(
        actor=by,
        action="calendar.import",
        data={
            "file": str(getattr(upload, "name", ""))[:200],
            "rows": len(rows),
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "years": sorted(years),
        },
    )
    _changed(years)
    return result
