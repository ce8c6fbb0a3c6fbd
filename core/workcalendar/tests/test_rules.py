"""TIME-1..7 and every example in rules.md that involves a date (pure rules, no database).

Calendar data: chinese-calendar 1.11.0 (2004-2026); 2027 is not covered.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from core.workcalendar import rules
from core.workcalendar.rules import Deadline, add_days, add_months, add_working_days
from core.workcalendar.source import LayeredCalendar

LIB = LayeredCalendar()


def D(text: str) -> date:
    return date.fromisoformat(text)


# --- TIME-3 (and SUGG-3) ------------------------------------------------------------------


def test_time_3_same_day_number_three_months_later():
    """Assigned 2026-01-20 → +3 months = 2026-04-20, a Monday and a working day."""
    result = add_months(D("2026-01-20"), 3, LIB)
    assert result == Deadline(D("2026-04-20"), False)
    assert result.date.weekday() == 0


def test_time_3_sugg_3_month_without_the_day_ends_on_its_last_day():
    """Assigned 2026-03-31 → 2026-06-30 (June has no 31st; a working day)."""
    assert add_months(D("2026-03-31"), 3, LIB) == Deadline(D("2026-06-30"), False)


def test_time_3_sugg_3_end_inside_national_day_moves_to_the_day_after_the_holiday():
    """Assigned 2026-07-01 → nominal 2026-10-01 inside 10-01…10-07 → due 2026-10-08."""
    result = add_months(D("2026-07-01"), 3, LIB)
    assert result.date == D("2026-10-08")
    assert result.nominal == D("2026-10-01")
    assert result.provisional is False


def test_sugg_3_six_month_period():
    """The 6-month period (SUGG-3) counts the same way: 2026-03-31 + 6 months = 2026-09-30."""
    assert add_months(D("2026-03-31"), 6, LIB).date == D("2026-09-30")


def test_time_3_make_up_working_day_does_not_move():
    """A deadline falling on Saturday 2026-02-14, a make-up working day, stays there."""
    assert add_months(D("2025-11-14"), 3, LIB).date == D("2026-02-14")
    assert add_days(D("2026-02-13"), 1, LIB).date == D("2026-02-14")


def test_time_3_sunday_moves_to_monday():
    """A deadline falling on Sunday 2026-10-25 moves to Monday 2026-10-26."""
    result = add_months(D("2026-07-25"), 3, LIB)
    assert result.nominal == D("2026-10-25")
    assert result.date == D("2026-10-26")


def test_time_3_weekend_param_off_only_statutory_holidays_move():
    """param weekend_is_rest_day=false: an ordinary Sunday stays; a holiday still moves."""
    assert add_months(D("2026-07-25"), 3, LIB, weekend_is_rest_day=False).date == D("2026-10-25")
    assert add_months(D("2026-07-01"), 3, LIB, weekend_is_rest_day=False).date == D("2026-10-08")
    assert add_days(D("2026-03-02"), 60, LIB, weekend_is_rest_day=False).date == D("2026-05-06")


def test_drafts_2_four_months_for_provincial_approval():
    """DRAFT-2: submitted 2026-03-10 → approval due by 2026-07-10."""
    assert add_months(D("2026-03-10"), 4, LIB).date == D("2026-07-10")


def test_time_3_years_are_twelve_months():
    assert rules.add_years(D("2024-02-29"), 1, LIB).date == D("2025-02-28")


# --- TIME-1 / TIME-2: calendar days ---------------------------------------------------------


def test_time_1_months_are_not_ninety_days():
    """Never convert months to 90 days: 2026-03-31 + 3 months ≠ + 90 days."""
    assert add_months(D("2026-03-31"), 3, LIB).date == D("2026-06-30")
    assert add_days(D("2026-03-31"), 90, LIB).date == D("2026-06-29")


def test_time_2_start_day_not_counted():
    """Day 1 is the day after the event: a 1-day period from Monday ends on Tuesday."""
    assert add_days(D("2026-06-01"), 1, LIB).date == D("2026-06-02")


def test_msg_6_sixty_days_end_in_labour_day_holiday():
    """人大信访 letter accepted 2026-03-02 → day 60 is 2026-05-01 (Labour Day) → 2026-05-06."""
    result = add_days(D("2026-03-02"), 60, LIB)
    assert result.nominal == D("2026-05-01")
    assert result.date == D("2026-05-06")
    assert result.provisional is False


def test_draft_4_thirty_days_end_on_a_sunday_and_roll_to_monday():
    """Published 2026-09-25 → the period cannot close before 2026-10-25 (a Sunday); by default
    it rolls to the next working day, 2026-10-26."""
    rolled = add_days(D("2026-09-25"), 30, LIB)
    assert rolled.date == D("2026-10-26")
    assert rolled.nominal == D("2026-10-25")
    assert D("2026-10-25").weekday() == 6
    unrolled = add_days(D("2026-09-25"), 30, LIB, roll_forward=False)
    assert unrolled.date == D("2026-10-25")


# --- TIME-4: working days --------------------------------------------------------------------


def test_time_4_five_working_days_across_spring_festival():
    """Thu 2026-02-12 + 5 working days: 02-13 (1), Sat 02-14 make-up (2), skip 02-15…02-23,
    02-24 (3), 02-25 (4), 02-26 (5) → 2026-02-26."""
    assert add_working_days(D("2026-02-12"), 5, LIB) == Deadline(D("2026-02-26"), False)
    days = [add_working_days(D("2026-02-12"), n, LIB).date for n in range(1, 6)]
    assert days == [D("2026-02-13"), D("2026-02-14"), D("2026-02-24"), D("2026-02-25"), D("2026-02-26")]


def test_time_4_first_working_day_after_trigger_is_day_one():
    """Event on Friday 2026-06-05: day 1 is Monday 2026-06-08."""
    assert add_working_days(D("2026-06-05"), 1, LIB).date == D("2026-06-08")


def test_time_4_zero_working_days_is_the_same_day():
    assert add_working_days(D("2026-06-06"), 0, LIB).date == D("2026-06-06")


def test_time_4_is_working_day():
    assert rules.is_working_day(D("2026-02-14"), LIB) is True  # make-up day (Saturday)
    assert rules.is_working_day(D("2026-02-16"), LIB) is False  # Spring Festival (Monday)
    assert rules.is_working_day(D("2026-06-06"), LIB) is False  # ordinary Saturday
    assert rules.is_working_day(D("2026-06-08"), LIB) is True


def test_time_4_unknown_year_is_provisional_with_fixed_date_holidays_only():
    """2027 is not in chinese-calendar 1.11.0: weekends and 1-1, 5-1, 5-2, 10-1..10-3 only."""
    assert LIB.is_known(2026) is True
    assert LIB.is_known(2027) is False
    assert LIB.is_rest_day(D("2027-01-01")) is True
    assert LIB.is_rest_day(D("2027-05-03")) is False  # Monday; not a fixed-date holiday
    assert LIB.is_rest_day(D("2027-10-01")) is True
    assert LIB.is_rest_day(D("2027-10-04")) is False
    result = add_months(D("2026-12-15"), 1, LIB)
    assert result == Deadline(D("2027-01-15"), True)
    assert str(result) == "2027-01-15 provisional"


def test_time_4_counting_through_an_unknown_year_is_provisional():
    result = add_working_days(D("2026-12-30"), 5, LIB)
    assert result.provisional is True
    assert result.date == D("2027-01-07")  # 12-31 (1), [1-1 holiday], 1-4 … 1-7
    assert add_working_days(D("2026-12-01"), 5, LIB).provisional is False


def test_time_4_period_ending_before_the_unknown_year_is_final():
    assert add_months(D("2026-09-30"), 2, LIB).provisional is False


def test_time_4_year_marked_complete_is_no_longer_provisional():
    entered = LayeredCalendar.build(
        [(D("2027-02-08"), "holiday"), (D("2027-02-06"), "workday")], complete_years=[2027]
    )
    assert entered.is_known(2027) is True
    assert add_months(D("2026-12-15"), 1, entered) == Deadline(D("2027-01-15"), False)
    assert entered.is_working_day(D("2027-02-06")) is True  # Saturday make-up day
    assert entered.is_rest_day(D("2027-02-08")) is True


def test_time_4_staff_table_overrides_chinese_calendar():
    """A Holiday row wins over chinese-calendar on its date, both ways."""
    cal = LayeredCalendar.build([(D("2026-04-20"), "holiday"), (D("2026-10-25"), "workday")])
    assert add_months(D("2026-01-20"), 3, cal).date == D("2026-04-21")
    assert add_days(D("2026-09-25"), 30, cal).date == D("2026-10-25")
    assert cal.is_working_day(D("2026-10-25")) is True


def test_counts_are_checked():
    with pytest.raises(ValueError):
        add_months(D("2026-01-01"), -1, LIB)
    with pytest.raises(ValueError):
        add_days(D("2026-01-01"), rules.MAX_DAYS + 1, LIB)
    with pytest.raises(TypeError):
        add_working_days(D("2026-01-01"), True, LIB)
    with pytest.raises(TypeError):
        add_days(D("2026-01-01"), 1.5, LIB)


def test_calendar_satisfies_the_protocol():
    assert isinstance(LIB, rules.Calendar)


# --- TIME-5 / TIME-6 ---------------------------------------------------------------------------


def test_time_5_legal_date_is_china_standard_time():
    """16:30 UTC on 2026-10-08 is 00:30 on 2026-10-09 in Beijing."""
    assert rules.local_date(datetime(2026, 10, 8, 16, 30, tzinfo=UTC)) == D("2026-10-09")
    with pytest.raises(ValueError):
        rules.local_date(datetime(2026, 10, 8, 16, 30))


def test_time_6_overdue_from_midnight_local_after_the_due_date():
    due = D("2026-10-08")
    assert rules.is_overdue(due, datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)) is False  # 23:59:59 CST
    assert rules.is_overdue(due, datetime(2026, 10, 8, 16, 0, tzinfo=UTC)) is True  # 00:00 CST 10-09
    assert rules.overdue_from(due) == datetime(2026, 10, 8, 16, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        rules.is_overdue(due, datetime(2026, 10, 9, 12, 0))


def test_time_3_business_close_time_for_staff_facing_deadlines():
    due = D("2026-10-08")
    close = time(17, 30)
    assert rules.is_overdue(due, datetime(2026, 10, 8, 9, 29, tzinfo=UTC), close_time=close) is False
    assert rules.is_overdue(due, datetime(2026, 10, 8, 9, 30, tzinfo=UTC), close_time=close) is True


# --- TIME-7 --------------------------------------------------------------------------------------


def test_time_7_thresholds_with_integers():
    """500 deputies: 三分之二以上 needs 334, 十分之一以上 needs 50, 过半数 needs 251;
    20 co-signers meet 二十人以上."""
    assert rules.min_at_least(500, 2, 3) == 334
    assert rules.meets_at_least(334, 500, 2, 3) is True
    assert rules.meets_at_least(333, 500, 2, 3) is False
    assert rules.min_at_least(500, 1, 10) == 50
    assert rules.min_more_than(500, 1, 2) == 251
    assert rules.meets_more_than(250, 500, 1, 2) is False
    assert rules.meets_at_least(250, 500, 1, 2) is True  # 半数以上 includes half
    assert rules.meets_at_least(20, 20) is True
    assert rules.meets_at_least(19, 20) is False
