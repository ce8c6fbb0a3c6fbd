"""A due date set by decision (RES-2: the presidium names the day of the written reply) is
the day named: it does not move past rest days as the end of a period does (TIME-3), and
it depends on no holiday schedule (never provisional, TIME-4)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from casework import rules
from casework.rules import Period
from core.workcalendar.source import LayeredCalendar

CAL = LayeredCalendar.build()


def test_res_2_a_day_set_on_a_sunday_stays_on_the_sunday():
    decided = date(2026, 11, 20)
    set_day = date(2026, 11, 29)  # a Sunday
    days = (set_day - decided).days
    assert rules.due_date(decided, Period(rules.SET_DATE, days, "RES-2"), CAL).date == set_day
    # The same count as a period of days ends on the next working day (TIME-3).
    assert rules.due_date(decided, Period(rules.DAYS, days, "RES-2"), CAL).date == date(2026, 11, 30)


@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), days=st.integers(0, 366))
def test_res_2_a_set_date_is_exactly_the_days_to_it_and_never_provisional(start, days):
    deadline = rules.due_date(start, Period(rules.SET_DATE, days, "RES-2"), CAL)
    assert (deadline.date, deadline.provisional) == (start + timedelta(days=days), False)
