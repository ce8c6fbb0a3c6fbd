"""Election rounds end to end: list, primary (ELEC-9), threshold (ELEC-13), tie-break
(ELEC-14), run-off (ELEC-15), void rounds (ELEC-11), sign-off (SEC-2). Six deputies, all
present: a majority of all deputies is 4."""

import datetime

import pytest
from django.utils import timezone

from balloting import services as balloting
from balloting.tests.factories import FakeRoll, deputies_for, install_roll
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, ValidationFailed
from elections import selectors, services
from elections.models import Candidate, Election, ElectionRound, Office

from .factories import ElectionFactory, NominationFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scrutineer(make_user):
    return make_user("staff", first_name="监票")


def make_election(session, staff, scrutineer, kind=Office.Kind.MAYOR, names=("甲",), **kwargs):
    election = ElectionFactory(session=session, office=OfficeFactory(congress=session.term.congress, kind=kind), **kwargs)
    for name in names:
        NominationFactory(election=election, name=name)
    services.appoint_scrutineer(by=staff, election=election, user=scrutineer)
    return election


def current_round(election):
    return election.rounds.order_by("-number").first()


def keys(election_round):
    return {o.label: o.key for o in election_round.round.options.all()}


def hold(election_round, staff, scrutineer, deputies, ballots):
    """Open, let each deputy vote (`ballots`: {label: mark} per deputy, or (marks, write_ins)),
    close, count, sign and announce."""
    services.open_election_round(by=staff, election_round=election_round)
    by_label = keys(election_round)
    for deputy, ballot in zip(deputies, ballots, strict=False):
        marks, write_ins = ballot if isinstance(ballot, tuple) else (ballot, ())
        balloting.cast_vote(
            by=deputy.user, round=election_round.round,
            marks={by_label[label]: mark for label, mark in marks.items()}, write_ins=write_ins,
        )
    balloting.close_round(by=staff, round=election_round.round)
    outcome = services.count_election_round(by=staff, election_round=election_round)
    balloting.sign_off(by=scrutineer, round=election_round.round)
    election = services.announce_result(by=staff, election_round=election_round)
    return outcome, election


def test_elec_13_an_uncontested_mayor_is_elected_with_a_majority_of_all(session, staff, scrutineer, deputies, everyone_present):
    election = make_election(session, staff, scrutineer)
    assert services.finalise_candidate_list(by=staff, election=election).action == "list"
    first = current_round(election)
    assert first.stage == ElectionRound.Stage.FIRST and first.round.scrutineers.count() == 1
    outcome, election = hold(first, staff, scrutineer, deputies, [{"甲": "for"}] * 4 + [{"甲": "against"}] * 2)
    assert outcome["threshold"] == 4 and outcome["all_deputies"] == 6
    assert election.status == Election.Status.COMPLETED
    assert [c.name for c in selectors.elected(staff, election)] == ["甲"]
    report = selectors.round_report(staff, first)
    assert report.elected == ("甲",) and report.result.signed_off is True
    assert AuditEntry.objects.filter(action="election.announce").exists()


def test_elec_13_three_for_of_six_is_not_elected_and_leaves_a_runoff(session, staff, scrutineer, deputies, everyone_present):
    election = make_election(session, staff, scrutineer)
    services.finalise_candidate_list(by=staff, election=election)
    outcome, election = hold(current_round(election), staff, scrutineer, deputies, [{"甲": "for"}] * 3)
    assert outcome["seats_unfilled"] == 1
    assert election.status == Election.Status.RUNOFF_PENDING
    assert selectors.next_step(election) == "runoff"


def test_counts_are_hidden_until_the_round_is_counted(session, staff, scrutineer, deputies, everyone_present):
    election = make_election(session, staff, scrutineer)
    services.finalise_candidate_list(by=staff, election=election)
    first = current_round(election)
    services.open_election_round(by=staff, election_round=first)
    balloting.cast_vote(by=deputies[0].user, round=first.round, marks={keys(first)["甲"]: "for"})
    assert selectors.round_report(staff, first) is None
    assert selectors.next_step(Election.objects.get(pk=election.pk)) == "close_round"


def test_the_result_is_announced_only_after_every_scrutineer_signs(session, staff, scrutineer, deputies, everyone_present, make_user):
    election = make_election(session, staff, scrutineer)
    second = make_user("staff")
    services.appoint_scrutineer(by=staff, election=election, user=second)
    services.finalise_candidate_list(by=staff, election=election)
    first = current_round(election)
    services.open_election_round(by=staff, election_round=first)
    balloting.close_round(by=staff, round=first.round)
    services.count_election_round(by=staff, election_round=first)
    balloting.sign_off(by=scrutineer, round=first.round)
    with pytest.raises(InvalidTransition):
        services.announce_result(by=staff, election_round=first)
    assert selectors.next_step(Election.objects.get(pk=election.pk)) == "sign"
    balloting.sign_off(by=second, round=first.round)
    services.announce_result(by=staff, election_round=first)


def test_elec_8_the_vote_waits_for_the_deliberation_time(session, staff, scrutineer, everyone_present):
    election = make_election(
        session, staff, scrutineer, is_general_election=True,
        nominations_open_at=timezone.now() - datetime.timedelta(hours=47),
    )
    services.finalise_candidate_list(by=staff, election=election)
    with pytest.raises(InvalidTransition) as raised:
        services.open_election_round(by=staff, election_round=current_round(election))
    assert raised.value.code == "deliberation_time"


def test_sec_2_a_paper_election_needs_two_scrutineers(session, staff, scrutineer, everyone_present):
    election = make_election(session, staff, scrutineer, vote_method=Election.Method.PAPER)
    services.finalise_candidate_list(by=staff, election=election)
    with pytest.raises(InvalidTransition):
        services.open_election_round(by=staff, election_round=current_round(election))


def test_elec_9_a_primary_fixes_the_list_then_the_first_round(session, staff, scrutineer, deputies, everyone_present):
    """Mayor, margin 1: three nominees → a primary for a list of two."""
    election = make_election(session, staff, scrutineer, names=("甲", "乙", "丙"))
    decision = services.finalise_candidate_list(by=staff, election=election)
    assert (decision.action, decision.list_size) == ("primary", 2)
    primary = current_round(election)
    assert (primary.stage, primary.seats, primary.round.write_ins) == (ElectionRound.Stage.PRIMARY, 2, "none")
    votes = [{"甲": "for", "乙": "for"}] * 3 + [{"甲": "for", "丙": "for"}] * 2 + [{"乙": "for"}]
    outcome, election = hold(primary, staff, scrutineer, deputies, votes)
    assert election.status == Election.Status.LISTED
    assert sorted(c.name for c in selectors.candidates(staff, election)) == ["乙", "甲"]
    first = current_round(election)
    assert first.stage == ElectionRound.Stage.FIRST and set(keys(first)) == {"甲", "乙"}


def test_elec_9_a_tie_at_the_cut_off_goes_to_a_further_primary(session, staff, scrutineer, deputies, everyone_present):
    election = make_election(session, staff, scrutineer, names=("甲", "乙", "丙"))
    services.finalise_candidate_list(by=staff, election=election)
    votes = [{"甲": "for", "乙": "for"}] * 3 + [{"甲": "for", "丙": "for"}] * 3
    outcome, election = hold(current_round(election), staff, scrutineer, deputies, votes)
    assert outcome["tie_break_seats"] == 1 and len(outcome["tie_break"]) == 2
    assert election.status == Election.Status.PRIMARY and selectors.next_step(election) == "tie_break"
    further = services.start_tie_break(by=staff, election=election)
    assert (further.stage, further.seats, set(keys(further))) == (ElectionRound.Stage.PRIMARY, 1, {"乙", "丙"})
    outcome, election = hold(further, staff, scrutineer, deputies, [{"丙": "for"}] * 4)
    assert election.status == Election.Status.LISTED
    assert sorted(c.name for c in election.candidates.all()) == ["丙", "甲"]


def test_elec_9_a_primary_tie_by_lot_when_the_session_says_so(session, staff, scrutineer, deputies, everyone_present):
    session.parameters = {"primary_tie_rule": "lot"}
    session.save()
    election = make_election(session, staff, scrutineer, names=("甲", "乙", "丙"))
    services.finalise_candidate_list(by=staff, election=election)
    votes = [{"甲": "for", "乙": "for"}] * 3 + [{"甲": "for", "丙": "for"}] * 3
    hold(current_round(election), staff, scrutineer, deputies, votes)
    election.refresh_from_db()
    assert selectors.next_step(election) == "settle_by_lot"
    with pytest.raises(InvalidTransition):
        services.start_tie_break(by=staff, election=election)
    drawn = election.nominations.get(name="乙")
    election = services.settle_primary_by_lot(by=staff, election=election, nomination_ids=[drawn.pk])
    assert sorted(c.name for c in election.candidates.all()) == ["乙", "甲"]


def test_elec_14_a_tie_at_the_last_seat_goes_to_a_tie_break(monkeypatch, session, staff, scrutineer):
    """Nine deputies (threshold 5), two vice-mayor seats: 甲 7, 乙 5, 丙 5 → 甲 elected;
    乙 and 丙 go to a tie-break for the other seat, which 乙 wins 5 to 4."""
    deputies = deputies_for(session, 9)
    install_roll(monkeypatch, FakeRoll(9, deputies))
    election = make_election(session, staff, scrutineer, kind=Office.Kind.VICE_MAYOR, names=("甲", "乙", "丙"), seats=2)
    services.finalise_candidate_list(by=staff, election=election)
    votes = [{"甲": "for", "乙": "for"}] * 4 + [{"乙": "for", "丙": "for"}] + [{"甲": "for", "丙": "for"}] * 3
    votes += [{"丙": "for"}]
    outcome, election = hold(current_round(election), staff, scrutineer, deputies, votes)
    assert [c.name for c in election.candidates.filter(status=Candidate.Status.ELECTED)] == ["甲"]
    assert (outcome["tie_break_seats"], len(outcome["tie_break"])) == (1, 2)
    assert selectors.next_step(election) == "tie_break"
    tie_break = services.start_tie_break(by=staff, election=election)
    assert tie_break.stage == ElectionRound.Stage.TIE_BREAK and tie_break.round.write_ins == "none"
    assert set(keys(tie_break)) == {"乙", "丙"}
    outcome, election = hold(tie_break, staff, scrutineer, deputies, [{"乙": "for"}] * 5 + [{"丙": "for"}] * 4)
    assert election.status == Election.Status.COMPLETED
    assert sorted(c.name for c in selectors.elected(staff, election)) == ["乙", "甲"]
    assert election.candidates.get(name="丙").status == Candidate.Status.NOT_ELECTED


def test_elec_15_a_vice_mayor_runoff_must_be_contested(session, staff, scrutineer, deputies, everyone_present):
    """Two seats: 甲 elected, the other unfilled; the run-off for one seat needs 2 to 4 names."""
    election = make_election(session, staff, scrutineer, kind=Office.Kind.VICE_MAYOR, names=("甲", "乙", "丙"), seats=2)
    services.finalise_candidate_list(by=staff, election=election)
    votes = [{"甲": "for", "乙": "for"}] * 3 + [{"甲": "for", "丙": "for"}] * 2
    outcome, election = hold(current_round(election), staff, scrutineer, deputies, votes)
    assert (outcome["elected"], outcome["seats_unfilled"]) == ([keys(current_round(election))["甲"]], 1)
    assert election.status == Election.Status.RUNOFF_PENDING
    second = election.candidates.get(name="乙")
    third = election.candidates.get(name="丙")
    with pytest.raises(ValidationFailed):
        services.start_runoff(by=staff, election=election, candidate_ids=[second.pk])
    runoff = services.start_runoff(by=staff, election=election, candidate_ids=[second.pk, third.pk])
    assert (runoff.stage, runoff.seats) == (ElectionRound.Stage.RUNOFF, 1)
    outcome, election = hold(runoff, staff, scrutineer, deputies, [{"乙": "for"}] * 4)
    assert election.status == Election.Status.COMPLETED
    assert sorted(c.name for c in selectors.elected(staff, election)) == ["乙", "甲"]


def test_elec_15_runoff_candidates_are_taken_in_order_of_their_votes(session, staff, scrutineer, deputies, everyone_present):
    """Mayor: 王市长 3 votes, 赵市长 1 (a majority of all is 4): nobody elected. The run-off may
    take 王市长, or both, but not 赵市长 alone, passing over the one with more votes."""
    election = make_election(session, staff, scrutineer, names=("王市长", "赵市长"))
    services.finalise_candidate_list(by=staff, election=election)
    votes = [{"王市长": "for"}] * 3 + [{"赵市长": "for"}]
    _outcome, election = hold(current_round(election), staff, scrutineer, deputies, votes)
    assert election.status == Election.Status.RUNOFF_PENDING
    wang, zhao = election.candidates.get(name="王市长"), election.candidates.get(name="赵市长")
    assert [(r.candidate.name, r.votes) for r in selectors.runoff_ranking(election)] == [("王市长", 3), ("赵市长", 1)]
    with pytest.raises(ValidationFailed) as raised:
        services.start_runoff(by=staff, election=election, candidate_ids=[zhao.pk])
    assert "王市长 received more votes than 赵市长" in raised.value.details["candidates"]
    assert election.rounds.count() == 1
    runoff = services.start_runoff(by=staff, election=election, candidate_ids=[wang.pk])
    assert set(keys(runoff)) == {"王市长"}


def test_elec_15_the_runoff_may_be_deferred_to_the_next_session(session, staff, scrutineer, deputies, everyone_present):
    election = make_election(session, staff, scrutineer)
    services.finalise_candidate_list(by=staff, election=election)
    _outcome, election = hold(current_round(election), staff, scrutineer, deputies, [{"甲": "against"}] * 6)
    election = services.defer_runoff(by=staff, election=election)
    assert election.status == Election.Status.RUNOFF_DEFERRED


def test_elec_15_fresh_nominations_may_stand_in_the_runoff(session, staff, scrutineer, deputies, everyone_present):
    election = make_election(session, staff, scrutineer)
    services.finalise_candidate_list(by=staff, election=election)
    _outcome, election = hold(current_round(election), staff, scrutineer, deputies, [{"甲": "for"}] * 2)
    fresh = services.nominate(by=staff, election=election, nominated_by="presidium", name="新人")
    runoff = services.start_runoff(by=staff, election=election, nomination_ids=[fresh.pk])
    assert set(keys(runoff)) == {"新人"}


def test_elec_11_a_void_round_is_held_again(session, staff, scrutineer, make_user, everyone_present):
    second = make_user("staff")
    election = make_election(session, staff, scrutineer, vote_method=Election.Method.PAPER)
    services.appoint_scrutineer(by=staff, election=election, user=second)
    services.finalise_candidate_list(by=staff, election=election)
    first = current_round(election)
    key = keys(first)["甲"]
    services.open_election_round(by=staff, election_round=first)
    balloting.issue_ballots(by=staff, round=first.round, count=1)
    balloting.close_round(by=staff, round=first.round)
    for sheet in (1, 2):
        for counter in (scrutineer, second):
            balloting.enter_paper_ballot(by=counter, round=first.round, sheet_number=sheet, marks={key: "for"})
    outcome = services.count_election_round(by=staff, election_round=first)
    assert outcome["valid"] is False
    for counter in (scrutineer, second):
        balloting.sign_off(by=counter, round=first.round)
    election = services.announce_result(by=staff, election_round=first)
    assert selectors.next_step(election) == "repeat"
    again = services.repeat_round(by=staff, election=election)
    assert (again.stage, again.number, set(keys(again))) == (ElectionRound.Stage.FIRST, 2, {"甲"})
    assert again.round.scrutineers.count() == 2


def test_elec_10_a_written_in_person_can_be_elected(session, staff, scrutineer, deputies, everyone_present):
    election = make_election(session, staff, scrutineer)
    services.finalise_candidate_list(by=staff, election=election)
    first = current_round(election)
    assert first.round.write_ins == "anyone"
    _outcome, election = hold(first, staff, scrutineer, deputies, [({}, ["某选民"])] * 4)
    winner = election.candidates.get(status=Candidate.Status.ELECTED)
    assert (winner.name, winner.is_write_in) == ("某选民", True)


def test_elec_10_standing_committee_write_ins_must_be_deputies(session, staff, scrutineer, deputies, everyone_present):
    election = ElectionFactory(session=session, office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.SC_CHAIR))
    NominationFactory(election=election, name=deputies[5].name, deputy=deputies[5])
    services.appoint_scrutineer(by=staff, election=election, user=scrutineer)
    services.finalise_candidate_list(by=staff, election=election)
    first = current_round(election)
    assert first.round.write_ins == "deputies"
    services.open_election_round(by=staff, election_round=first)
    with pytest.raises(ValidationFailed):
        balloting.cast_vote(by=deputies[0].user, round=first.round, marks={}, write_ins=["某选民"])
