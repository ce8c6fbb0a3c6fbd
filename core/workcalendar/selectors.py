"""Reads: the live calendar and deadline arithmetic over it.

Other apps call these (`add_months`, `add_days`, `add_working_days`, `is_working_day`,
`is_overdue`); each returns a `rules.Deadline(date, provisional)` computed over the calendar
currently in force. For many computations in a row, take `current_calendar()` once and pass
it as `calendar=`.

Caching: the staff's table is loaded into a `LayeredCalendar` kept in Django's cache (shared
through Redis in production) and dropped whenever a service changes the table, at once and
again on commit. A snapshot is never cached from inside a transaction, so uncommitted rows
never leak to other requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from . import rules
from .models import CalendarYear, Holiday
from .source import LayeredCalendar, library_covers, library_entries

CACHE_KEY = "workcalendar:snapshot:v1"
CACHE_SECONDS = 300


def _load() -> LayeredCalendar:
    overrides = Holiday.objects.values_list("date", "kind")
    complete = CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True)
    return LayeredCalendar.build(overrides, complete)


def current_calendar() -> LayeredCalendar:
    """The calendar in force: the Holiday table over chinese-calendar (TIME-4)."""
    cached = cache.get(CACHE_KEY)
    if isinstance(cached, LayeredCalendar):
        return cached
    cal = _load()
    if not connection.in_atomic_block:
        cache.set(CACHE_KEY, cal, CACHE_SECONDS)
    return cal


def forget_cached_calendar() -> None:
    """Drop the cached snapshot (the services call this after every change)."""
    cache.delete(CACHE_KEY)


def weekend_is_rest_day() -> bool:
    """TIME-3 param `weekend_is_rest_day` (default true: court practice)."""
    return bool(getattr(settings, "DATONG_WEEKEND_IS_REST_DAY", True))


# --- deadline arithmetic over the live calendar ---------------------------------------------


def add_months(start: date, months: int, *, calendar: rules.Calendar | None = None) -> rules.Deadline:
    """TIME-3: `months` calendar months from `start` (SUGG-3: 3 or 6 months from 交办)."""
    return rules.add_months(
        start, months, calendar or current_calendar(), weekend_is_rest_day=weekend_is_rest_day()
    )


def add_days(
    start: date, days: int, *, roll_forward: bool = True, calendar: rules.Calendar | None = None
) -> rules.Deadline:
    """TIME-1/2/3: `days` calendar days from `start` (MSG-6, DRAFT-4)."""
    return rules.add_days(
        start,
        days,
        calendar or current_calendar(),
        roll_forward=roll_forward,
        weekend_is_rest_day=weekend_is_rest_day(),
    )


def add_working_days(
    start: date, working_days: int, *, calendar: rules.Calendar | None = None
) -> rules.Deadline:
    """TIME-4: the `working_days`-th working day after `start` (MSG-3)."""
    return rules.add_working_days(start, working_days, calendar or current_calendar())


def is_working_day(d: date, *, calendar: rules.Calendar | None = None) -> bool:
    return rules.is_working_day(d, calendar or current_calendar())


def is_provisional(d: date, *, calendar: rules.Calendar | None = None) -> bool:
    """TIME-4: does `d` fall in a year whose official schedule is not known?"""
    return rules.is_provisional(d, calendar or current_calendar())


def is_overdue(due_date: date, now: datetime | None = None) -> bool:
    """TIME-6: overdue from 00:00 Asia/Shanghai on the day after `due_date`."""
    return rules.is_overdue(due_date, now or timezone.now())


def today() -> date:
    """TIME-5: today's legal date in China Standard Time."""
    return rules.local_date(timezone.now())


def compute(start: date, unit: str, count: int, *, calendar: rules.Calendar | None = None) -> rules.Deadline:
    """One of the three computations by name: unit is "months", "days" or "working_days"."""
    if unit == "months":
        return add_months(start, count, calendar=calendar)
    if unit == "days":
        return add_days(start, count, calendar=calendar)
    if unit == "working_days":
        return add_working_days(start, count, calendar=calendar)
    raise ValueError(f"unknown unit {unit!r}")


# --- what the calendar page shows -------------------------------------------------------------


@dataclass(frozen=True)
class YearStatus:
    year: int
    #: "library" (chinese-calendar), "staff" (entered and marked complete) or "provisional".
    source: str
    is_complete: bool
    staff_entries: int

    @property
    def provisional(self) -> bool:
        return self.source == "provisional"


def year_status(year: int, *, calendar: LayeredCalendar | None = None) -> YearStatus:
    cal = calendar or current_calendar()
    return YearStatus(
        year=year,
        source=cal.source_of(year),
        is_complete=year in cal.complete_years,
        staff_entries=Holiday.objects.filter(date__year=year).count(),
    )


def holidays_in_year(year: int):
    """The staff's rows for `year`, by date."""
    return Holiday.objects.filter(date__year=year).order_by("date")


def holidays(*, year: int | None = None):
    """The staff's rows (all years, or one), by date."""
    qs = Holiday.objects.order_by("date")
    return qs.filter(date__year=year) if year is not None else qs


def library_schedule(year: int) -> list[tuple[date, str, str]]:
    """chinese-calendar's entries for `year` (read-only on the page)."""
    return library_entries(year)


def years_to_show(around: int) -> list[int]:
    """Years for the page's year list: two years back to two ahead, plus years with rows."""
    years = set(range(around - 2, around + 3))
    years.update(d.year for d in Holiday.objects.dates("date", "year"))
    years.update(CalendarYear.objects.values_list("year", flat=True))
    return sorted(years)


def provisional_years_ahead(*, now: date | None = None, calendar: LayeredCalendar | None = None) -> list[int]:
    """TIME-4 warning: this year and next year, where the official schedule is missing."""
    cal = calendar or current_calendar()
    this_year = (now or today()).year
    return [y for y in (this_year, this_year + 1) if not cal.is_known(y)]


def library_covers_year(year: int) -> bool:
    return library_covers(year)
