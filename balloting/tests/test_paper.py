"""Paper-first counting: ballots issued and returned (ELEC-11), each sheet entered by two
scrutineers, every discrepancy resolved before the count, validity (ELEC-12), sign-off (SEC-2)."""

import pytest

from balloting import rules, selectors, services
from balloting.models import Ballot, PaperEntry, Round
from balloting.rules import ABSTAIN, AGAINST, FOR, UNCLEAR
from core.errors import InvalidTransition, NotAllowed, ValidationFailed

pytestmark = pytest.mark.django_db

CANDIDATES = [("c1", "甲"), ("c2", "乙"), ("c3", "丙")]


@pytest.fixture
def paper_round(session, staff, counters, everyone_present):
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="副市长选举", options=CANDIDATES, seats=2,
        write_ins=Round.WriteIns.ANYONE,
    )
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
    services.open_round(by=staff, round=round_)
    services.issue_ballots(by=staff, round=round_, count=6)
    services.close_round(by=staff, round=round_)
    round_.refresh_from_db()
    return round_


def enter_twice(round_, counters, sheet, marks, write_ins=(), second=None):
    """Both counters enter the sheet; `second` (marks, write_ins) makes the second reading differ."""
    services.enter_paper_ballot(by=counters[0], round=round_, sheet_number=sheet, marks=marks, write_ins=write_ins)
    marks2, write_ins2 = second if second is not None else (marks, write_ins)
    services.enter_paper_ballot(by=counters[1], round=round_, sheet_number=sheet, marks=marks2, write_ins=write_ins2)


def test_agreed_double_entry_is_counted(paper_round, staff, counters):
    """ELEC-12 examples: A FOR B FOR C AGAINST valid; A FOR B FOR write-in D void."""
    enter_twice(paper_round, counters, 1, {"c1": FOR, "c2": FOR, "c3": AGAINST})
    enter_twice(paper_round, counters, 2, {"c1": FOR, "c2": FOR}, ["丁"])
    enter_twice(paper_round, counters, 3, {"c1": FOR, "c2": AGAINST, "c3": AGAINST})
    enter_twice(paper_round, counters, 4, {})
    count = services.count_round(by=staff, round=paper_round)
    assert (count.ballots_returned, count.ballots_valid, count.ballots_void) == (4, 3, 1)
    assert count.for_votes() == {"c1": 2, "c2": 1, "c3": 0}
    paper_round.refresh_from_db()
    assert paper_round.status == Round.Status.COUNTED and paper_round.round_valid is True
    assert Ballot.objects.filter(round=paper_round).count() == 4


def test_a_discrepancy_must_be_resolved_before_counting(paper_round, staff, counters):
    enter_twice(paper_round, counters, 1, {"c1": FOR})
    enter_twice(paper_round, counters, 2, {"c1": FOR, "c2": FOR}, second=({"c1": FOR, "c2": AGAINST}, ()))
    with pytest.raises(InvalidTransition) as raised:
        services.count_round(by=staff, round=paper_round)
    assert set(raised.value.details) == {"sheet 2"}
    [state] = selectors.discrepancies(staff, paper_round)
    assert (state.sheet_number, state.state, state.differences) == (2, "discrepant", ("c2",))
    services.resolve_discrepancy(by=staff, round=paper_round, sheet_number=2, use_entry=1, note="核对原票")
    assert selectors.discrepancies(staff, paper_round) == []
    count = services.count_round(by=staff, round=paper_round)
    assert count.for_votes() == {"c1": 2, "c2": 1, "c3": 0}


def test_a_sheet_entered_once_blocks_the_count(paper_round, staff, counters):
    services.enter_paper_ballot(by=counters[0], round=paper_round, sheet_number=1, marks={"c1": FOR})
    assert selectors.ready_to_count(paper_round) is False
    with pytest.raises(InvalidTransition):
        services.count_round(by=staff, round=paper_round)


def test_one_scrutineer_cannot_make_both_entries(paper_round, counters):
    services.enter_paper_ballot(by=counters[0], round=paper_round, sheet_number=1, marks={"c1": FOR})
    services.enter_paper_ballot(by=counters[0], round=paper_round, sheet_number=1, marks={"c1": AGAINST})
    entry = PaperEntry.objects.get(round=paper_round, sheet_number=1)
    assert (entry.slot, entry.marks) == (1, {"c1": AGAINST})


def test_a_third_entry_of_a_sheet_is_refused(paper_round, staff, counters, make_user):
    third = make_user("staff")
    services.appoint_round_scrutineer(by=staff, round=paper_round, user=third)
    enter_twice(paper_round, counters, 1, {"c1": FOR})
    with pytest.raises(InvalidTransition):
        services.enter_paper_ballot(by=third, round=paper_round, sheet_number=1, marks={"c1": FOR})


def test_only_the_rounds_scrutineers_enter_ballots(paper_round, staff, users):
    for user in (staff, users["deputy"], users["administrator"]):
        with pytest.raises(NotAllowed):
            services.enter_paper_ballot(by=user, round=paper_round, sheet_number=1, marks={"c1": FOR})


def test_ballots_are_entered_only_after_the_vote_closes(session, staff, counters, everyone_present):
    round_ = services.create_round(by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")])
    services.appoint_round_scrutineer(by=staff, round=round_, user=counters[0])
    services.open_round(by=staff, round=round_)
    with pytest.raises(InvalidTransition):
        services.enter_paper_ballot(by=counters[0], round=round_, sheet_number=1, marks={"motion": FOR})


def test_a_reading_is_not_shown_before_the_second_entry(paper_round, staff, counters):
    services.enter_paper_ballot(by=counters[0], round=paper_round, sheet_number=1, marks={"c1": FOR})
    [state] = selectors.sheet_states(counters[1], paper_round)
    assert (state.state, state.readings) == ("once", ())
    assert list(selectors.my_entries(counters[1], paper_round)) == []


def test_blank_and_abstain_are_the_same_reading(paper_round, staff, counters):
    enter_twice(paper_round, counters, 1, {"c1": FOR}, second=({"c1": FOR, "c2": ABSTAIN, "c3": ABSTAIN}, ()))
    assert selectors.discrepancies(staff, paper_round) == []


def test_resolution_with_an_agreed_reading(paper_round, staff, counters):
    enter_twice(paper_round, counters, 1, {"c1": FOR}, ["丁"], second=({"c1": FOR}, ["丙"]))
    services.resolve_discrepancy(by=counters[0], round=paper_round, sheet_number=1, marks={"c1": FOR}, write_ins=["丙"])
    count = services.count_round(by=staff, round=paper_round)
    # "丙" is a listed candidate: written in by name, it is a FOR vote for 丙.
    assert count.for_votes() == {"c1": 1, "c2": 0, "c3": 1}


def test_a_sheet_that_agrees_cannot_be_resolved(paper_round, staff, counters):
    enter_twice(paper_round, counters, 1, {"c1": FOR})
    with pytest.raises(InvalidTransition):
        services.resolve_discrepancy(by=staff, round=paper_round, sheet_number=1, use_entry=2)


def test_elec_11_more_returned_than_issued_voids_the_round(session, staff, counters, everyone_present):
    """ELEC-11: 2 issued, 3 returned → the round is void and must be held again."""
    round_ = services.create_round(by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")])
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
    services.open_round(by=staff, round=round_)
    services.issue_ballots(by=staff, round=round_, count=2)
    services.close_round(by=staff, round=round_)
    for sheet in (1, 2, 3):
        enter_twice(round_, counters, sheet, {"motion": FOR})
    count = services.count_round(by=staff, round=round_)
    round_.refresh_from_db()
    assert count.round_valid is False
    assert (round_.status, round_.round_valid, round_.ballots_returned) == (Round.Status.VOID, False, 3)


def test_elec_11_the_ballots_issued_are_recorded_before_the_sheets_are_read(session, staff, counters, everyone_present):
    """ELEC-11: a round closed without its ballots issued takes no sheet until they are
    recorded (once, while no returned sheet is entered); then they are fixed."""
    round_ = services.create_round(by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")])
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
    services.open_round(by=staff, round=round_)
    services.close_round(by=staff, round=round_)
    with pytest.raises(InvalidTransition) as raised:
        services.enter_paper_ballot(by=counters[0], round=round_, sheet_number=1, marks={"motion": FOR})
    assert raised.value.code == "issued_missing"
    with pytest.raises(ValidationFailed):
        services.count_round(by=staff, round=round_)
    services.issue_ballots(by=staff, round=round_, count=5)
    enter_twice(round_, counters, 1, {"motion": FOR})
    with pytest.raises(InvalidTransition) as raised:
        services.issue_ballots(by=staff, round=round_, count=1)
    assert raised.value.code == "issued_fixed"
    assert services.count_round(by=staff, round=round_).ballots_issued == 5


def test_elec_11_ballots_issued_never_exceed_the_deputies_checked_in(session, staff, deputies, everyone_present):
    """ELEC-11: one ballot for each deputy present; six checked in, so seven are refused."""
    round_ = services.create_round(by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")])
    services.open_round(by=staff, round=round_)
    with pytest.raises(ValidationFailed) as raised:
        services.issue_ballots(by=staff, round=round_, count=len(deputies) + 1)
    assert "count" in raised.value.details
    round_.refresh_from_db()
    assert round_.ballots_issued == 0
    assert services.issue_ballots(by=staff, round=round_, count=len(deputies)).ballots_issued == len(deputies)


def test_elec_11_ballots_issued_cannot_be_changed_after_the_close(paper_round, staff, counters):
    """ELEC-11: the figure the returned ballots are checked against is fixed once the vote
    is closed: neither lowered (to void the round) nor raised (to save it)."""
    for count in (5, 3, 6):
        with pytest.raises(InvalidTransition) as raised:
            services.issue_ballots(by=staff, round=paper_round, count=count)
        assert raised.value.code == "issued_fixed"
    enter_twice(paper_round, counters, 1, {"c1": FOR})
    with pytest.raises(InvalidTransition):
        services.issue_ballots(by=staff, round=paper_round, count=1)
    paper_round.refresh_from_db()
    assert paper_round.ballots_issued == 6


def test_elec_11_a_paper_round_with_no_sheet_entered_cannot_be_counted(paper_round, staff):
    """ELEC-11: the ballots returned are the sheets entered; with none entered the round has
    not been read, and is not counted as a valid round with nothing returned."""
    assert selectors.ready_to_count(paper_round) is False
    with pytest.raises(InvalidTransition) as raised:
        services.count_round(by=staff, round=paper_round)
    assert set(raised.value.details) == {"sheets"}
    paper_round.refresh_from_db()
    assert (paper_round.status, paper_round.counted_at) == (Round.Status.CLOSED, None)


@pytest.mark.parametrize(
    ("policy", "valid", "c1_for"),
    [(rules.ABSTAIN_FOR_THAT_CANDIDATE, 2, 2), (rules.VOID_BALLOT, 1, 1)],
)
def test_elec_12_unclear_mark_follows_the_session_policy(session, staff, counters, everyone_present, policy, valid, c1_for):
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="选举", options=CANDIDATES, seats=2,
        ambiguous_mark_policy=policy,
    )
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
    services.open_round(by=staff, round=round_)
    services.issue_ballots(by=staff, round=round_, count=5)
    services.close_round(by=staff, round=round_)
    enter_twice(round_, counters, 1, {"c1": FOR, "c2": UNCLEAR})
    enter_twice(round_, counters, 2, {"c1": FOR})
    count = services.count_round(by=staff, round=round_)
    assert count.ballots_valid == valid
    assert count.for_votes()["c1"] == c1_for


def test_elec_10_a_write_in_who_is_not_a_deputy_is_left_out(session, staff, counters, deputies, everyone_present):
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="常委会委员", options=CANDIDATES, seats=2,
        write_ins=Round.WriteIns.DEPUTIES,
    )
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
    services.open_round(by=staff, round=round_)
    services.issue_ballots(by=staff, round=round_, count=6)
    services.close_round(by=staff, round=round_)
    enter_twice(round_, counters, 1, {"c1": FOR}, ["不是代表"])
    enter_twice(round_, counters, 2, {"c1": FOR}, [deputies[0].name])
    count = services.count_round(by=staff, round=round_)
    assert count.for_votes() == {"c1": 2, "c2": 0, "c3": 0, deputies[0].name: 1}
    round_.refresh_from_db()
    assert round_.write_ins_dropped == 1


def test_sec_2_the_scrutineers_sign_the_counted_result(paper_round, staff, counters):
    enter_twice(paper_round, counters, 1, {"c1": FOR})
    with pytest.raises(InvalidTransition):
        services.sign_off(by=counters[0], round=paper_round)
    services.count_round(by=staff, round=paper_round)
    services.sign_off(by=counters[0], round=paper_round)
    assert services.is_signed_off(paper_round) is False
    assert selectors.round_result(staff, paper_round).signed_off is False
    services.sign_off(by=counters[1], round=paper_round)
    assert services.is_signed_off(paper_round) is True
    with pytest.raises(NotAllowed):
        services.sign_off(by=staff, round=paper_round)
