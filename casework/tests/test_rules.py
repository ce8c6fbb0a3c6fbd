"""casework.rules: the law of handling a case, without a database."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework import rules
from casework.rules import Period
from core.workcalendar.source import LayeredCalendar

from .conftest import at

CAL = LayeredCalendar.build()


# --- SUGG-3 / TIME-3: due dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("assigned", "due"),
    [
        (date(2026, 3, 31), date(2026, 6, 30)),  # June has no 31st
        (date(2026, 7, 1), date(2026, 10, 8)),  # 10-01 falls in the National Day holiday
        (date(2026, 1, 20), date(2026, 4, 20)),  # TIME-3 example
    ],
)
def test_sugg_3_three_months_from_assignment(assigned, due):
    """SUGG-3: the rules.md examples of the three-month reply deadline."""
    assert rules.due_date(assigned, Period(rules.MONTHS, 3, "SUGG-3"), CAL).date == due


def test_sugg_3_six_months_is_counted_from_the_same_assignment_date():
    assert rules.due_date(date(2026, 3, 31), Period(rules.MONTHS, 6, "SUGG-4"), CAL).date == date(2026, 9, 30)


def test_sugg_5_assisting_days_are_calendar_days():
    """SUGG-5 / TIME-1: 30 days are calendar days, never working days."""
    assert rules.due_date(date(2026, 3, 31), Period(rules.DAYS, 30, "SUGG-5"), CAL).date == date(2026, 4, 30)


def test_time_4_a_due_date_in_an_unknown_year_is_provisional():
    deadline = rules.due_date(date(2026, 12, 15), Period(rules.MONTHS, 3, "SUGG-3"), CAL)
    assert deadline.date == date(2027, 3, 15)
    assert deadline.provisional is True


def test_a_period_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        Period("weeks", 3, "X")


# --- SUGG-4: extension only before the ordinary date ends -----------------------------------


def test_sugg_4_extension_allowed_until_24_00_of_the_due_date():
    kwargs = {"due_on": date(2026, 6, 30), "role": rules.LEAD, "round_number": 1, "extended": False}
    assert rules.extension_allowed(now=at("2026-06-30", "23:59"), **kwargs) is True
    assert rules.extension_allowed(now=at("2026-07-01", "00:00"), **kwargs) is False


@pytest.mark.parametrize(
    ("role", "round_number", "extended"),
    [(rules.ASSISTING, 1, False), (rules.LEAD, 2, False), (rules.LEAD, 1, True)],
)
def test_sugg_4_no_extension_for_assisting_units_re_handling_or_twice(role, round_number, extended):
    assert not rules.extension_allowed(
        now=at("2026-05-01"), due_on=date(2026, 6, 30), role=role, round_number=round_number, extended=extended
    )


# --- SUGG-5: assignments --------------------------------------------------------------------


def test_sugg_5_lead_with_assisting_units():
    assert rules.check_assignment(lead=1, assisting=[2, 3], separate=[]) == rules.LEAD_ASSISTING


def test_sugg_5_separate_handling():
    assert rules.check_assignment(lead=None, assisting=[], separate=[1, 2]) == rules.SEPARATE


@pytest.mark.parametrize(
    ("lead", "assisting", "separate", "reason"),
    [
        (None, [], [], "no_unit"),
        (1, [], [2], "mixed"),
        (None, [2], [1], "assisting_without_lead"),
        (1, [1], [], "duplicate"),
        (None, [], [1, 1], "duplicate"),
    ],
)
def test_sugg_5_refused_assignments(lead, assisting, separate, reason):
    with pytest.raises(rules.AssignmentError) as refused:
        rules.check_assignment(lead=lead, assisting=assisting, separate=separate)
    assert refused.value.reason == reason


def test_sugg_5_lead_reply_completes_a_lead_round_without_waiting_for_assisting_units():
    rows = [(rules.LEAD, rules.DONE), (rules.ASSISTING, rules.PENDING)]
    assert rules.round_complete(rules.LEAD_ASSISTING, rows) is True
    assert rules.round_complete(rules.LEAD_ASSISTING, [(rules.LEAD, rules.PENDING)]) is False


def test_sugg_5_separate_round_needs_every_unit():
    rows = [(rules.SEPARATE_UNIT, rules.DONE), (rules.SEPARATE_UNIT, rules.PENDING)]
    assert rules.round_complete(rules.SEPARATE, rows) is False
    assert rules.round_complete(rules.SEPARATE, [(rules.SEPARATE_UNIT, rules.DONE)] * 2) is True
    assert rules.round_complete(rules.SEPARATE, []) is False


@pytest.mark.parametrize(
    ("roles", "arrangement"),
    [
        ([rules.LEAD], rules.LEAD_ALONE),
        ([rules.LEAD, rules.ASSISTING, rules.ASSISTING], rules.LEAD_ASSISTING),
        # Re-handling assigns the lead unit again; its assisting units were still assigned.
        ([rules.LEAD, rules.ASSISTING, rules.LEAD], rules.LEAD_ASSISTING),
        ([rules.SEPARATE_UNIT, rules.SEPARATE_UNIT], rules.SEPARATE),
        ([], None),
    ],
)
def test_sugg_5_the_arrangement_shown_follows_the_units_assigned(roles, arrangement):
    """SUGG-5: a lead unit alone is not "lead unit with assisting units", though both are
    stored as the lead mode (the lead unit replies)."""
    assert rules.handling_arrangement(roles) == arrangement
    assert rules.check_assignment(lead=1, assisting=[], separate=[]) == rules.LEAD_ASSISTING


# --- SUGG-6: reply classes ------------------------------------------------------------------


def test_sugg_6_c_and_d_need_a_reason():
    classes = ["A", "B", "C", "D"]
    assert [c for c in classes if rules.reply_class_needs_reason(c, classes)] == ["C", "D"]


def test_sugg_6_a_city_with_three_classes_still_explains_its_c():
    assert rules.reply_class_needs_reason("C", ["A", "B", "C"]) is True


# --- SUGG-7: feedback, re-handling and closing ----------------------------------------------

SCALE = rules.DEFAULT_SATISFACTION_SCALE


def test_sugg_7_waits_for_every_filer():
    outcome = rules.feedback_outcome(
        round_number=1, scale=SCALE, expected=[(1, "a"), (1, "b")], ratings={(1, "a"): "satisfied"}
    )
    assert outcome == rules.WAIT


def test_sugg_7_dissatisfied_first_round_is_re_handled():
    outcome = rules.feedback_outcome(
        round_number=1, scale=SCALE, expected=[(1, "a")], ratings={(1, "a"): "dissatisfied"}
    )
    assert outcome == rules.REHANDLE


def test_sugg_7_basically_satisfied_closes():
    outcome = rules.feedback_outcome(
        round_number=1, scale=SCALE, expected=[(1, "a")], ratings={(1, "a"): "basically_satisfied"}
    )
    assert outcome == rules.CLOSE


def test_sugg_7_after_re_handling_even_dissatisfied_closes():
    outcome = rules.feedback_outcome(
        round_number=2, scale=SCALE, expected=[(1, "a")], ratings={(1, "a"): "dissatisfied"}
    )
    assert outcome == rules.CLOSE


def test_sugg_7_closing_rule():
    assert not rules.may_close(round_number=1, complete=False, all_rated=True, any_dissatisfied=False)
    assert not rules.may_close(round_number=1, complete=True, all_rated=False, any_dissatisfied=False)
    assert not rules.may_close(round_number=1, complete=True, all_rated=True, any_dissatisfied=True)
    assert rules.may_close(round_number=1, complete=True, all_rated=True, any_dissatisfied=False)
    assert rules.may_close(round_number=2, complete=True, all_rated=False, any_dissatisfied=False)


def test_sugg_7_a_dissatisfied_rating_needs_a_comment_and_only_it():
    """SUGG-7: the unit re-handles from what the filer found unsatisfactory."""
    assert [v for v in SCALE if rules.rating_needs_comment(v, SCALE)] == ["dissatisfied"]
    # A city's own scale: its last value is the dissatisfied one.
    assert rules.rating_needs_comment("not_satisfied", ["very_satisfied", "satisfied", "not_satisfied"]) is True


def test_sugg_7_lead_unit_re_handles_in_lead_mode_and_each_dissatisfied_unit_when_separate():
    assert rules.rehandle_units(mode=rules.LEAD_ASSISTING, dissatisfied_units=[], lead_unit=7) == [7]
    assert rules.rehandle_units(mode=rules.SEPARATE, dissatisfied_units=[3, 5, 3], lead_unit=None) == [3, 5]


@given(
    round_number=st.integers(min_value=1, max_value=2),
    values=st.lists(st.sampled_from(SCALE), min_size=1, max_size=4),
    rated=st.integers(min_value=0, max_value=4),
)
def test_sugg_7_never_closes_before_every_rating_nor_without_one(round_number, values, rated):
    expected = [(i, "r") for i in range(len(values))]
    ratings = dict(zip(expected[:rated], values, strict=False))
    outcome = rules.feedback_outcome(round_number=round_number, scale=SCALE, expected=expected, ratings=ratings)
    if len(ratings) < len(expected):
        assert outcome == rules.WAIT
    else:
        assert outcome in (rules.CLOSE, rules.REHANDLE)
        if outcome == rules.REHANDLE:
            assert round_number < rules.MAX_ROUNDS and "dissatisfied" in values


# --- TIME-6: overdue and reminders ------------------------------------------------------------


def test_time_6_overdue_from_midnight_after_the_due_date():
    assert rules.is_overdue(date(2026, 6, 30), at("2026-06-30", "23:59")) is False
    assert rules.is_overdue(date(2026, 6, 30), at("2026-07-01", "00:00")) is True
    assert rules.is_overdue(date(2026, 6, 30), at("2026-07-01", "00:00"), replied=True) is False


def test_reminder_window():
    due = date(2026, 6, 30)
    assert not rules.reminder_due(due, at("2026-06-22"))
    assert rules.reminder_due(due, at("2026-06-23"))
    assert rules.reminder_due(due, at("2026-06-30", "23:00"))
    assert not rules.reminder_due(due, at("2026-07-01", "00:00"))


# --- the state machine --------------------------------------------------------------------------


def test_every_transition_starts_and_ends_in_a_known_state():
    for _action, (starts, end) in rules.TRANSITIONS.items():
        assert starts <= set(rules.STATES)
        assert end is None or end in rules.STATES


def test_nothing_leaves_a_terminal_state():
    for starts, _end in rules.TRANSITIONS.values():
        assert not (starts & rules.TERMINAL_STATES)
