"""Time and the working-day calendar (rules.md §9, TIME-1..7): pure functions, no I/O.

Every function takes a `Calendar` (the source of rest days), so the law can be tested
without a database. `core.workcalendar.selectors` passes the live calendar (chinese-calendar
overridden by the staff's Holiday table). Integer arithmetic only.
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

# TIME-5: all legal dates are dates in China Standard Time.
LEGAL_ZONE = ZoneInfo("Asia/Shanghai")

# Upper bounds that keep a mistyped number from walking the calendar for ever.
MAX_MONTHS = 1200
MAX_DAYS = 36_600
MAX_WORKING_DAYS = 25_000

ONE_DAY = timedelta(days=1)


@runtime_checkable
class Calendar(Protocol):
    """The source of rest days (TIME-3, TIME-4)."""

    def is_rest_day(self, d: date) -> bool:
        """A day nobody works: an ordinary weekend day or a public holiday, unless it is a
        make-up working day (调休上班日)."""

    def is_working_day(self, d: date) -> bool:
        """The opposite of `is_rest_day`."""

    def is_holiday(self, d: date) -> bool:
        """A day of an official holiday period (放假), not merely an ordinary weekend."""

    def is_known(self, year: int) -> bool:
        """True when the official schedule of `year` is known (TIME-4)."""


@dataclass(frozen=True)
class Deadline:
    """A computed last day. `provisional` is true when the computation looked at a day of a
    year whose official schedule is not known yet (TIME-4): show it as provisional and
    recompute it once the schedule is entered (TIME-6)."""

    date: date
    provisional: bool = False
    #: The day before any roll-forward past rest days (TIME-3); equal to `date` otherwise.
    nominal: date | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.date.isoformat()} provisional" if self.provisional else self.date.isoformat()


def _check_count(value: int, limit: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer")
    if value < 0:
        raise ValueError(f"{what} must not be negative")
    if value > limit:
        raise ValueError(f"{what} must be at most {limit}")


def _any_unknown(cal: Calendar, first: date, last: date) -> bool:
    """True if a day in [first, last] lies in a year whose schedule is not known."""
    return any(not cal.is_known(year) for year in range(first.year, last.year + 1))


def _rest_for_period(cal: Calendar, d: date, weekend_is_rest_day: bool) -> bool:
    """TIME-3: does a period ending on `d` move to the next day?

    A make-up working day never moves (it is a working day). Ordinary weekends count as rest
    days unless `weekend_is_rest_day` is false (param, default true: court practice).
    """
    if weekend_is_rest_day:
        return cal.is_rest_day(d)
    return cal.is_holiday(d) and not cal.is_working_day(d)


def _roll_forward(cal: Calendar, d: date, weekend_is_rest_day: bool) -> date:
    """TIME-3: a last day that is a rest day becomes the day after the rest period ends."""
    while _rest_for_period(cal, d, weekend_is_rest_day):
        d += ONE_DAY
    return d


def shift_months(start: date, months: int) -> date:
    """TIME-3: the day of the final month with the same number, or that month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last_day = _gregorian.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def add_months(start: date, months: int, cal: Calendar, *, weekend_is_rest_day: bool = True) -> Deadline:
    """TIME-1/2/3 (CC arts. 201-203): the last day of a period of `months` months from `start`.

    The start day is not counted; the period ends on the same day number of the final month
    (or that month's last day) and rolls forward past rest days (a make-up working day does
    not move). Example: 2026-07-01 + 3 months → 2026-10-01 (National Day) → 2026-10-08.
    """
    _check_count(months, MAX_MONTHS, "months")
    nominal = shift_months(start, months)
    last = _roll_forward(cal, nominal, weekend_is_rest_day)
    return Deadline(last, _any_unknown(cal, nominal, last), nominal)


def add_years(start: date, years: int, cal: Calendar, *, weekend_is_rest_day: bool = True) -> Deadline:
    """TIME-3: a period of years is a period of 12·years months."""
    _check_count(years, MAX_MONTHS // 12, "years")
    return add_months(start, years * 12, cal, weekend_is_rest_day=weekend_is_rest_day)


def add_days(
    start: date,
    days: int,
    cal: Calendar,
    *,
    roll_forward: bool = True,
    weekend_is_rest_day: bool = True,
) -> Deadline:
    """TIME-1/2/3: the last day of a period of `days` calendar days ("日/天") from `start`.

    The start day is not counted (day 1 is the next day), so day N is `start + N`. A last
    day that is a rest day rolls forward to the next working day unless `roll_forward` is
    false (DRAFT-4's `draft_close_roll_forward`). Example (MSG-6): 2026-03-02 + 60 days →
    2026-05-01, inside the Labour Day holiday → 2026-05-06.
    """
    _check_count(days, MAX_DAYS, "days")
    nominal = start + timedelta(days=days)
    last = _roll_forward(cal, nominal, weekend_is_rest_day) if roll_forward else nominal
    return Deadline(last, _any_unknown(cal, nominal, last), nominal)


def add_working_days(start: date, working_days: int, cal: Calendar) -> Deadline:
    """TIME-4: the N-th working day after `start` ("N 个工作日内").

    Counting starts on the first working day after the trigger day, which is day 1; the N-th
    working day is the last day. Zero working days means the trigger day itself.
    Example: Thu 2026-02-12 + 5 working days → 2026-02-26.
    """
    _check_count(working_days, MAX_WORKING_DAYS, "working_days")
    d = start
    remaining = working_days
    while remaining:
        d += ONE_DAY
        if cal.is_working_day(d):
            remaining -= 1
    if working_days == 0:
        return Deadline(start, not cal.is_known(start.year), start)
    return Deadline(d, _any_unknown(cal, start + ONE_DAY, d), d)


def is_working_day(d: date, cal: Calendar) -> bool:
    """TIME-4: Monday to Friday, minus public holidays, plus make-up working days."""
    return cal.is_working_day(d)


def is_provisional(d: date, cal: Calendar) -> bool:
    """TIME-4: a date in a year whose official schedule is not known yet."""
    return not cal.is_known(d.year)


# --- TIME-5 / TIME-6: instants and overdue ----------------------------------------------------


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a naive datetime has no time zone; store and pass aware instants (TIME-5)")


def local_date(instant: datetime, *, zone: ZoneInfo = LEGAL_ZONE) -> date:
    """TIME-5: the legal date (China Standard Time) of a stored UTC instant."""
    _require_aware(instant)
    return instant.astimezone(zone).date()


def overdue_from(due_date: date, *, close_time: time | None = None, zone: ZoneInfo = LEGAL_ZONE) -> datetime:
    """TIME-3/TIME-6: the instant (aware, UTC) from which an item due on `due_date` is overdue.

    Normally 00:00 local time on the next day (the period ends at 24:00). With
    `close_time` (param `business_close_time`, staff-facing deadlines only) it is that time
    on the due date.
    """
    if close_time is None:
        local = datetime.combine(due_date + ONE_DAY, time(0, 0), tzinfo=zone)
    else:
        local = datetime.combine(due_date, close_time.replace(tzinfo=None), tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC"))


def is_overdue(
    due_date: date, now: datetime, *, close_time: time | None = None, zone: ZoneInfo = LEGAL_ZONE
) -> bool:
    """TIME-6: overdue from 00:00 local time on the day after the due date (if no reply has
    been recorded; the caller checks that). `now` must be an aware instant (TIME-5)."""
    _require_aware(now)
    return now >= overdue_from(due_date, close_time=close_time, zone=zone)


# --- TIME-7: thresholds -------------------------------------------------------------------


def _check_fraction(total: int, numerator: int, denominator: int) -> None:
    if total < 0 or numerator < 0 or denominator <= 0:
        raise ValueError("total and numerator must be ≥ 0 and the denominator > 0")


def meets_at_least(count: int, total: int, numerator: int = 1, denominator: int = 1) -> bool:
    """TIME-7: "以上/以内/届满" include the number: count ≥ total·numerator/denominator."""
    _check_fraction(total, numerator, denominator)
    return count * denominator >= total * numerator


def meets_more_than(count: int, total: int, numerator: int = 1, denominator: int = 1) -> bool:
    """TIME-7: "超过/过半数" exclude it: count > total·numerator/denominator."""
    _check_fraction(total, numerator, denominator)
    return count * denominator > total * numerator


def min_at_least(total: int, numerator: int, denominator: int) -> int:
    """TIME-7: the smallest count meeting "numerator/denominator 以上" of `total`."""
    _check_fraction(total, numerator, denominator)
    return -((-total * numerator) // denominator)


def min_more_than(total: int, numerator: int, denominator: int) -> int:
    """TIME-7: the smallest count meeting "超过 numerator/denominator" of `total` (过半数: 1/2)."""
    _check_fraction(total, numerator, denominator)
    return (total * numerator) // denominator + 1


def holiday_needs_name(kind: str, name: str) -> bool:
    """TIME-4 (param `holiday_table`): a holiday in the staff's table says which holiday it is,
    as the State Council notice names it; a row without one would be listed blank. A make-up
    working day may go without a name: its kind says what it is."""
    return kind == "holiday" and not (name or "").strip()
