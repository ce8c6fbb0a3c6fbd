"""Properties of the deadline arithmetic (TIME-3, TIME-4) for any calendar the staff could
enter: chinese-calendar plus random overrides, across 2004-2027 (2027 provisional)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.workcalendar.rules import add_days, add_months, add_working_days
from core.workcalendar.source import LayeredCalendar

starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2027, 6, 30))
override_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
calendars = st.builds(
    LayeredCalendar.build,
    st.dictionaries(override_days, st.sampled_from(["holiday", "workday"]), max_size=30).map(dict.items),
    st.frozensets(st.sampled_from([2027]), max_size=1),
)

common = settings(max_examples=150, deadline=None)


@common
@given(start=starts, n=st.integers(1, 120), cal=calendars)
def test_time_4_result_is_a_working_day_strictly_after_start(start, n, cal):
    result = add_working_days(start, n, cal)
    assert result.date > start
    assert cal.is_working_day(result.date)


@common
@given(start=starts, n=st.integers(1, 120), cal=calendars)
def test_time_4_exactly_n_working_days_are_counted(start, n, cal):
    result = add_working_days(start, n, cal)
    counted = sum(
        1 for k in range(1, (result.date - start).days + 1) if cal.is_working_day(start + timedelta(days=k))
    )
    assert counted == n


@common
@given(start=starts, a=st.integers(0, 120), b=st.integers(0, 120), cal=calendars)
def test_time_4_monotonic_in_n(start, a, b, cal):
    low, high = sorted((a, b))
    first, second = add_working_days(start, low, cal).date, add_working_days(start, high, cal).date
    assert first <= second
    if low < high:
        assert first < second


@common
@given(s1=starts, s2=starts, n=st.integers(0, 120), cal=calendars)
def test_time_4_monotonic_in_start(s1, s2, n, cal):
    early, late = sorted((s1, s2))
    assert add_working_days(early, n, cal).date <= add_working_days(late, n, cal).date


@common
@given(start=starts, months=st.integers(0, 36), cal=calendars)
def test_time_3_months_result_not_before_start_and_never_a_rest_day(start, months, cal):
    result = add_months(start, months, cal)
    assert result.date >= start
    if months:
        assert result.date > start
    assert result.date >= result.nominal
    assert not cal.is_rest_day(result.date)
    # Only rest days are skipped on the way from the nominal end to the result.
    skipped = (result.nominal + timedelta(days=k) for k in range((result.date - result.nominal).days))
    assert all(cal.is_rest_day(d) for d in skipped)


@common
@given(start=starts, a=st.integers(0, 36), b=st.integers(0, 36), cal=calendars)
def test_time_3_months_monotonic(start, a, b, cal):
    low, high = sorted((a, b))
    assert add_months(start, low, cal).date <= add_months(start, high, cal).date


@common
@given(start=starts, days=st.integers(0, 400), cal=calendars)
def test_time_3_days_never_end_on_a_rest_day(start, days, cal):
    result = add_days(start, days, cal)
    assert result.date >= start + timedelta(days=days)
    assert not cal.is_rest_day(result.date)


@common
@given(start=st.dates(min_value=date(2004, 1, 1), max_value=date(2025, 6, 30)), months=st.integers(0, 12))
def test_time_4_final_within_covered_years(start, months):
    """Dates computed entirely inside chinese-calendar's years are never provisional."""
    assert add_months(start, months, LayeredCalendar()).provisional is False


@common
@given(start=st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 6, 30)), n=st.integers(1, 60))
def test_time_4_dates_in_an_unknown_year_are_provisional_until_complete(start, n):
    assert add_working_days(start, n, LayeredCalendar()).provisional is True
    assert add_working_days(start, n, LayeredCalendar.build(complete_years=[2027])).provisional is False
