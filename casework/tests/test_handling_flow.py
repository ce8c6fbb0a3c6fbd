"""The handling flow as a unit meets it: how an assignment's state is told (SUGG-5/7) and
the working days left to a due date (TIME-4/6)."""

from datetime import date

import pytest

from casework import rules, selectors
from core.workcalendar.source import LayeredCalendar

from .conftest import at

CAL = LayeredCalendar.build()


@pytest.mark.parametrize(
    ("assignment_status", "case_status", "shown"),
    [
        # SUGG-5/7: closing ends an assisting unit's view still outstanding; nobody withdrew it.
        (rules.CANCELLED, rules.CLOSED, rules.ENDED),
        # SUGG-10 / SUGG-11: the filer withdrew, or the case was merged: withdrawn.
        (rules.CANCELLED, rules.WITHDRAWN, rules.CANCELLED),
        (rules.CANCELLED, rules.MERGED, rules.CANCELLED),
        (rules.PENDING, rules.REHANDLING, rules.PENDING),
        (rules.DONE, rules.CLOSED, rules.DONE),
    ],
)
def test_sugg_5_an_assisting_view_ended_by_the_closing_is_not_called_withdrawn(
    assignment_status, case_status, shown
):
    assert rules.assignment_state(assignment_status, case_status) == shown


def test_sugg_5_each_state_shown_has_a_label():
    assert str(rules.ASSIGNMENT_STATE_LABELS[rules.ENDED]) == "No view sent: ended with the case"
    assert set(rules.ASSIGNMENT_STATE_LABELS) == {*rules.ASSIGNMENT_STATES, rules.ENDED}


def test_time_4_working_days_left_skip_the_national_day_holiday():
    """TIME-4: from 2026-09-30 to a reply due 2026-10-08, the holiday 10-01..10-07 does not
    count: one working day is left after today."""
    left = selectors.time_left(date(2026, 10, 8), now=at("2026-09-30"), calendar=CAL)
    assert left == selectors.TimeLeft(selectors.DAYS_LEFT, 1)


def test_time_4_working_days_left_count_the_due_day_not_today():
    # Mon 2026-03-02 → Fri 2026-03-06: Tue, Wed, Thu, Fri.
    assert selectors.time_left(date(2026, 3, 6), now=at("2026-03-02"), calendar=CAL).working_days == 4


def test_time_6_due_today_then_overdue_from_the_next_day():
    assert selectors.time_left(date(2026, 3, 6), now=at("2026-03-06", "23:59"), calendar=CAL).state == (
        selectors.DUE_TODAY
    )
    assert selectors.time_left(date(2026, 3, 6), now=at("2026-03-07", "00:00"), calendar=CAL).state == (
        selectors.OVERDUE
    )
