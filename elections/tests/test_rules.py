"""The election law as pure functions, on the examples of rules.md (ELEC-1..17)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.organisation.rules import ParameterError, validate_sc_size
from elections import rules
from elections.rules import (
    MAYOR,
    PROCURATOR_GENERAL,
    SC_CHAIR,
    SC_MEMBER,
    SC_VICE_CHAIR,
    VICE_MAYOR,
    decide,
    decide_tie_break,
    list_decision,
    margin_range,
)


def test_elec_1_standing_committee_from_deputies_and_procurator_needs_approval():
    assert rules.must_be_deputy(SC_MEMBER) and rules.must_be_deputy(SC_CHAIR)
    assert not rules.must_be_deputy(MAYOR)
    assert rules.requires_upper_approval(PROCURATOR_GENERAL) and not rules.requires_upper_approval(MAYOR)


def test_elec_2_standing_committee_seats_within_its_size():
    assert rules.sc_seats_fit(51, 51) and not rules.sc_seats_fit(52, 51)
    with pytest.raises(ParameterError):
        validate_sc_size(52, level="city", population=3_100_000)
    validate_sc_size(61, level="city", population=8_000_001)


@pytest.mark.parametrize(
    ("sc_size", "population", "limit", "fixed"),
    [
        (35, 3_106_000, 35, True),  # the size fixed for the term
        (None, 3_106_000, 51, False),  # Datong, ~3.1 million, size not configured
        (None, 8_000_000, 51, False),  # "超过八百万" excludes 8 million itself (TIME-7)
        (None, 8_000_001, 61, False),
        (None, None, 51, False),  # population unknown: lawful in either band
    ],
)
def test_elec_2_without_the_terms_size_the_legal_maximum_applies(sc_size, population, limit, fixed):
    assert rules.sc_seat_limit(sc_size=sc_size, level="city", population=population) == (limit, fixed)


@pytest.mark.parametrize(("signed", "missing"), [(0, 20), (19, 1), (20, 0), (25, 0)])
def test_elec_4_signatures_missing_from_a_joint_nomination(signed, missing):
    """ELEC-4: twenty deputies of a city; 19 signed → one more must sign."""
    assert rules.signatures_missing(signed, 20) == missing


def test_elec_15_runoff_candidates_are_taken_in_order_of_votes():
    """ELEC-15: 王 168, 赵 20 (one seat): 赵 alone passes over 王; 王 alone or both are lawful."""
    votes = {"王": 168, "赵": 20}
    assert rules.runoff_passed_over(votes, ["赵"]) == ("王",)
    assert rules.runoff_passed_over(votes, ["王"]) == ()
    assert rules.runoff_passed_over(votes, ["王", "赵"]) == ()
    assert rules.runoff_passed_over(votes, []) == ()  # fresh nominations only


def test_elec_15_a_tie_at_the_cut_may_go_either_way():
    votes = {"甲": 240, "乙": 200, "丙": 200, "丁": 150}
    assert rules.runoff_passed_over(votes, ["甲", "丙"]) == ()
    assert rules.runoff_passed_over(votes, ["甲", "丁"]) == ("乙", "丙")


@pytest.mark.parametrize(("nominated", "action"), [(1, "list"), (2, "list"), (3, "primary")])
def test_elec_6_mayor_one_or_two_candidates_but_not_three(nominated, action):
    """ELEC-6: 1 candidate (uncontested) or 2 (contested); 3 is no lawful final list."""
    assert list_decision(MAYOR, 1, 1, nominated).action == action
    assert margin_range(MAYOR, 1).allows(2) is False


def test_elec_6_a_single_holder_office_has_one_seat():
    assert rules.seats_allowed(MAYOR, 1) and not rules.seats_allowed(MAYOR, 2)
    assert rules.seats_allowed(VICE_MAYOR, 6)


def test_elec_7_five_vice_mayor_seats_need_six_to_eight_candidates():
    allowed = margin_range(VICE_MAYOR, 5)
    assert [5 + k for k in range(0, 5) if allowed.allows(k)] == [6, 7, 8]
    assert list_decision(VICE_MAYOR, 5, 3, 5).action == "too_few"
    assert [list_decision(VICE_MAYOR, 5, 3, n).action for n in (6, 7, 8, 9)] == ["list", "list", "list", "primary"]
    assert margin_range(SC_VICE_CHAIR, 4) == margin_range(VICE_MAYOR, 4)


def test_elec_7_forty_member_seats_need_44_to_48_candidates():
    allowed = margin_range(SC_MEMBER, 40)
    assert (40 + allowed.low, 40 + allowed.high, allowed.flagged) == (44, 48, False)


def test_elec_7_thirty_five_member_seats_margin_four_to_seven():
    """ELEC-7 UNSURE (rounding): 3.5 ≤ k ≤ 7 → k ∈ {4, 5, 6, 7}."""
    allowed = margin_range(SC_MEMBER, 35)
    assert [k for k in range(0, 10) if allowed.allows(k)] == [4, 5, 6, 7]


@pytest.mark.parametrize("seats", [1, 2, 3, 4])
def test_elec_7_no_integer_fits_small_member_runoffs_so_k_at_least_one_and_flagged(seats):
    allowed = margin_range(SC_MEMBER, seats)
    assert allowed.flagged is True
    assert not allowed.allows(0) and allowed.allows(1)


@given(st.integers(min_value=5, max_value=200))
def test_elec_7_member_margin_is_between_a_tenth_and_a_fifth(seats):
    allowed = margin_range(SC_MEMBER, seats)
    for k in range(0, seats):
        if allowed.allows(k):
            assert 10 * k >= seats and 5 * k <= seats


def test_elec_8_two_days_are_48_hours_at_a_general_election():
    start = datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.UTC)
    assert rules.deliberation_ok(start, start + datetime.timedelta(hours=48), is_general_election=True)
    assert not rules.deliberation_ok(start, start + datetime.timedelta(hours=47), is_general_election=True)
    assert rules.deliberation_ok(start, start + datetime.timedelta(hours=1), is_general_election=False)
    assert not rules.deliberation_ok(start, start + datetime.timedelta(days=2), is_general_election=True, min_days=3)


def test_elec_9_nine_nominated_for_five_seats_margin_two_goes_to_a_primary_of_seven():
    decision = list_decision(VICE_MAYOR, 5, 2, 9)
    assert (decision.action, decision.list_size) == ("primary", 7)
    votes = {"甲": 90, "乙": 80, "丙": 70, "丁": 60, "戊": 50, "己": 40, "庚": 30, "辛": 20, "壬": 10}
    cut = rules.primary_cut(votes, 7)
    assert set(cut.selected) == {"甲", "乙", "丙", "丁", "戊", "己", "庚"} and cut.tied == ()


def test_elec_9_a_tie_at_the_cut_off_is_left_open():
    cut = rules.primary_cut({"甲": 9, "乙": 7, "丙": 7, "丁": 1}, 2)
    assert (cut.selected, set(cut.tied), cut.tie_places) == (("甲",), {"乙", "丙"}, 1)


def test_elec_10_write_ins_for_standing_committee_seats_are_deputies_only():
    assert rules.write_ins_rule(SC_MEMBER) == "deputies"
    assert rules.write_ins_rule(MAYOR) == "anyone"


def test_elec_13_most_votes_win_among_those_above_the_threshold():
    """ELEC-13: 500 deputies, 2 seats, A 300, B 260, C 255 → A and B."""
    outcome = decide({"A": 300, "B": 260, "C": 255}, seats=2, all_deputies=500)
    assert outcome.elected == ("A", "B") and outcome.threshold == 251


def test_elec_14_tie_break_the_one_with_more_votes_wins():
    """ELEC-14: A 300, B 255, C 255 → A; B 260 to C 230 in the tie-break → B."""
    first = decide({"A": 300, "B": 255, "C": 255}, seats=2, all_deputies=500)
    assert (first.elected, first.tie_break_candidates, first.tie_break_seats) == (("A",), ("B", "C"), 1)
    second = decide_tie_break({"B": 260, "C": 230}, seats=1, all_deputies=500)
    assert second.elected == ("B",)


def test_elec_14_a_tie_break_that_ties_again_is_repeated():
    again = decide_tie_break({"B": 240, "C": 240}, seats=1, all_deputies=500)
    assert (again.elected, again.tie_break_candidates) == ((), ("B", "C"))


def test_elec_14_tie_break_with_majority_required():
    """`tiebreak_requires_majority`: B 200 of 500 is not enough, the seat goes to a run-off."""
    outcome = decide_tie_break({"B": 200, "C": 100}, seats=1, all_deputies=500, requires_majority=True)
    assert (outcome.elected, outcome.seats_unfilled) == ((), 1)
    assert decide_tie_break({"B": 200, "C": 100}, seats=1, all_deputies=500).elected == ("B",)


def test_elec_15_a_vice_mayor_runoff_for_one_seat_needs_two_to_four():
    """ELEC-15: A 300, B 240, C 200 → A elected; 1 seat left; B and C are a lawful list."""
    outcome = decide({"A": 300, "B": 240, "C": 200}, seats=2, all_deputies=500)
    assert (outcome.elected, outcome.seats_unfilled) == (("A",), 1)
    assert [n for n in range(1, 6) if rules.runoff_list_ok(VICE_MAYOR, 1, n)] == [2, 3, 4]
    assert [n for n in range(1, 4) if rules.runoff_list_ok(MAYOR, 1, n)] == [1, 2]
    assert not rules.runoff_list_ok(SC_MEMBER, 2, 2) and rules.runoff_list_ok(SC_MEMBER, 2, 3)


def test_elec_17_a_by_election_may_be_uncontested():
    assert margin_range(VICE_MAYOR, 1, by_election=True).allows(0)
    assert list_decision(VICE_MAYOR, 1, 0, 1, by_election=True).action == "list"


@given(st.sampled_from(rules.OFFICE_KINDS), st.integers(1, 60), st.integers(0, 80))
def test_a_final_list_is_always_within_the_law(kind, seats, nominated):
    if not rules.seats_allowed(kind, seats):
        return
    allowed = margin_range(kind, seats)
    margin = allowed.low if allowed.high is None else allowed.high
    decision = list_decision(kind, seats, margin, nominated)
    if decision.action != "too_few":
        assert allowed.allows(decision.list_size - seats)


# --- what an election's dates say --------------------------------------------------------------

_NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


def _warnings(**changes):
    values = {"session_starts_on": datetime.date(2026, 1, 19), "session_ends_on": datetime.date(2026, 1, 22),
              "nominations_open_at": datetime.datetime(2026, 1, 19, 9, 0, tzinfo=datetime.UTC),
              "ballot_on": datetime.date(2026, 1, 21), "today": _NOW.date(), "now": _NOW, "in_progress": True}
    values.update(changes)
    return rules.date_warnings(**values)


def test_an_election_still_taking_nominations_after_its_session_ended_is_flagged():
    assert _warnings() == [rules.SESSION_OVER]
    assert _warnings(in_progress=False) == []  # completed: its session may well be over


def test_nominations_that_open_later_and_a_ballot_after_the_session_are_flagged():
    found = _warnings(nominations_open_at=_NOW + datetime.timedelta(days=4), ballot_on=datetime.date(2026, 12, 5))
    assert found == [rules.NOMINATIONS_NOT_OPEN, rules.SESSION_OVER, rules.BALLOT_OUTSIDE_SESSION]


def test_an_election_inside_its_sitting_session_has_nothing_to_say():
    assert _warnings(session_ends_on=datetime.date(2026, 11, 30), ballot_on=datetime.date(2026, 1, 22)) == []
