"""Where rest days come from (TIME-4): chinese-calendar, overridden by the staff's table.

`LayeredCalendar` is pure (no database): it is built from a snapshot of the `Holiday` and
`CalendarYear` tables, so tests and bulk recomputation can build one and reuse it.

For a year chinese-calendar does not cover, the base schedule is weekends plus the
fixed-date statutory holidays (1-1, 5-1, 5-2, 10-1..10-3); the year is *known* only once
staff mark its official schedule complete (`CalendarYear.is_complete`). Until then every date
computed through it is provisional.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import chinese_calendar
from django.utils.translation import pgettext_lazy

HOLIDAY = "holiday"
WORKDAY = "workday"

#: TIME-4: the public holidays that fall on the same Gregorian date every year
#: (全国年节及纪念日放假办法): New Year's Day, Labour Day (2 days), National Day (3 days).
FIXED_DATE_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


@functools.lru_cache(maxsize=512)
def library_covers(year: int) -> bool:
    """Does chinese-calendar carry the official schedule of `year`? (1.11.0: 2004-2026.)"""
    try:
        chinese_calendar.is_holiday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def library_years() -> range:
    """The years chinese-calendar covers, as a range (empty if none)."""
    years = [y for y in range(1990, 2200) if library_covers(y)]
    return range(years[0], years[-1] + 1) if years else range(0)


def library_entries(year: int) -> list[tuple[date, str, str]]:
    """chinese-calendar's own entries for `year`: (date, kind, name), sorted by date; the
    name is translated when shown (a lazy string).

    Holidays on ordinary weekends are included (they are part of the holiday period).
    """
    if not library_covers(year):
        return []
    rows: list[tuple[date, str, str]] = []
    for day, name in chinese_calendar.holidays.items():
        if day.year == year:
            rows.append((day, HOLIDAY, _library_name(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            rows.append((day, WORKDAY, _library_name(name)))
    return sorted(rows, key=lambda row: (row[0], row[1]))


#: The names of the official holidays, in the reader's language (the library's data names
#: them by their English name only).
HOLIDAY_NAMES = {
    "New Year's Day": pgettext_lazy("holiday", "New Year's Day"),
    "Spring Festival": pgettext_lazy("holiday", "Spring Festival"),
    "Tomb-sweeping Day": pgettext_lazy("holiday", "Qingming Festival"),
    "Labour Day": pgettext_lazy("holiday", "Labour Day"),
    "Dragon Boat Festival": pgettext_lazy("holiday", "Dragon Boat Festival"),
    "National Day": pgettext_lazy("holiday", "National Day"),
    "Mid-autumn Festival": pgettext_lazy("holiday", "Mid-Autumn Festival"),
    "Anti-Fascist 70th Day": pgettext_lazy(
        "holiday", "70th anniversary of the victory in the War of Resistance"
    ),
}


def _library_name(name):
    """The holiday's name in the reader's language (a lazy string); a name the table does not
    know is shown in Chinese when the library has it, else as the library spells it."""
    english = str(getattr(name, "value", name) or "")
    if english in HOLIDAY_NAMES:
        return HOLIDAY_NAMES[english]
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def is_fixed_date_holiday(d: date) -> bool:
    return (d.month, d.day) in FIXED_DATE_HOLIDAYS


@dataclass(frozen=True)
class LayeredCalendar:
    """A `rules.Calendar`: the staff's table first, then chinese-calendar, then the
    provisional fallback (weekends plus fixed-date holidays)."""

    #: date → "holiday" | "workday" (the Holiday table; it overrides everything else).
    overrides: Mapping[date, str] = field(default_factory=dict)
    #: Years whose official schedule staff have marked complete.
    complete_years: frozenset[int] = frozenset()

    @classmethod
    def build(cls, overrides: Iterable[tuple[date, str]] = (), complete_years: Iterable[int] = ()):
        return cls(dict(overrides), frozenset(complete_years))

    # -- the Calendar protocol --------------------------------------------------------------

    def is_rest_day(self, d: date) -> bool:
        kind = self.overrides.get(d)
        if kind is not None:
            return kind == HOLIDAY
        if library_covers(d.year):
            return chinese_calendar.is_holiday(d)
        return d.weekday() >= 5 or is_fixed_date_holiday(d)

    def is_working_day(self, d: date) -> bool:
        return not self.is_rest_day(d)

    def is_holiday(self, d: date) -> bool:
        kind = self.overrides.get(d)
        if kind is not None:
            return kind == HOLIDAY
        if library_covers(d.year):
            return d in chinese_calendar.holidays
        return is_fixed_date_holiday(d)

    def is_known(self, year: int) -> bool:
        return year in self.complete_years or library_covers(year)

    # -- for pages ---------------------------------------------------------------------------

    def source_of(self, year: int) -> str:
        """Where the year's schedule comes from: library, staff (entered and complete) or provisional."""
        if year in self.complete_years and not library_covers(year):
            return "staff"
        if library_covers(year):
            return "library"
        return "provisional"
