"""Voting in the room: one vote per deputy admitted, counts hidden until the count (SEC-1)."""

import pytest

from balloting import selectors, services
from balloting.models import Ballot, Eligibility, Round
from balloting.rules import ABSTAIN, AGAINST, FOR
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed

from .factories import FakeRoll, install_roll

pytestmark = pytest.mark.django_db


def motion_round(session, staff, **kwargs):
    kwargs.setdefault("method", Round.Method.ELECTRONIC)
    return services.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="关于测试的决议", options=[("motion", "决议")], **kwargs
    )


def test_sess_4_opening_records_all_deputies_and_threshold(session, staff, deputies, everyone_present):
    """SESS-4: the round records "all deputies" and the majority of all when it opens."""
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    assert (round_.all_deputies, round_.all_deputies_basis, round_.threshold) == (6, "in_office", 4)
    assert Eligibility.objects.filter(round=round_).count() == 6


def test_sess_1_a_round_cannot_open_without_a_quorum(monkeypatch, session, staff, deputies):
    """SESS-1: 3 of 6 present is less than two-thirds."""
    install_roll(monkeypatch, FakeRoll(6, deputies[:3]))
    round_ = motion_round(session, staff)
    with pytest.raises(InvalidTransition):
        services.open_round(by=staff, round=round_)
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT


def test_a_deputy_votes_once_and_the_ballot_is_anonymous(session, staff, deputies, everyone_present):
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": FOR})
    assert Eligibility.objects.get(round=round_, deputy=deputies[0]).has_voted is True
    ballot = Ballot.objects.get(round=round_)
    assert ballot.marks == {"motion": FOR}
    # SEC-1 (d), decision 0003: the log says how many ballots were cast when voting ends.
    assert not AuditEntry.objects.filter(action="ballot.cast").exists()
    services.close_round(by=staff, round=round_)
    entry = AuditEntry.objects.filter(action="ballot.cast").get()
    assert entry.actor_id is None
    assert entry.data == {"round_id": round_.pk, "count": 1}
    assert (entry.target_type, entry.target_id) == ("balloting.round", str(round_.pk))


def test_a_deputy_cannot_vote_twice(session, staff, deputies, everyone_present):
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": FOR})
    with pytest.raises(InvalidTransition):
        services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": AGAINST})
    assert Ballot.objects.filter(round=round_).count() == 1


def test_a_deputy_not_checked_in_cannot_vote(monkeypatch, session, staff, deputies):
    install_roll(monkeypatch, FakeRoll(6, deputies[:5]))
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    with pytest.raises(NotAllowed):
        services.cast_vote(by=deputies[5].user, round=round_, marks={"motion": FOR})
    assert not Ballot.objects.filter(round=round_).exists()


def test_a_deputy_who_left_office_cannot_vote(session, staff, deputies, everyone_present):
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    deputy = deputies[1]
    deputy.in_office = False
    deputy.left_office_on = session.starts_on
    deputy.save()
    with pytest.raises(NotAllowed):
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})


def test_a_deputy_checking_in_late_is_admitted(monkeypatch, session, staff, deputies):
    roll = FakeRoll(6, deputies[:5])
    install_roll(monkeypatch, roll)
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    roll.present.add(deputies[5].pk)
    assert services.admit_to_open_rounds(session=session, deputy=deputies[5]) == 1
    services.cast_vote(by=deputies[5].user, round=round_, marks={"motion": ABSTAIN})
    assert Eligibility.objects.get(round=round_, deputy=deputies[5]).has_voted is True


@pytest.mark.parametrize("role", ["staff", "citizen", "administrator", "unit_clerk"])
def test_only_a_deputy_can_cast(session, staff, deputies, everyone_present, users, role):
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    with pytest.raises(NotAllowed):
        services.cast_vote(by=users[role], round=round_, marks={"motion": FOR})


def test_no_vote_before_the_round_opens_or_after_it_closes(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    with pytest.raises(InvalidTransition):
        services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": FOR})
    services.open_round(by=staff, round=round_)
    services.close_round(by=staff, round=round_)
    with pytest.raises(InvalidTransition):
        services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": FOR})


def test_elec_12_an_electronic_ballot_cannot_choose_more_than_the_seats(session, staff, deputies, everyone_present):
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="选举", method=Round.Method.ELECTRONIC,
        options=[("c1", "甲"), ("c2", "乙"), ("c3", "丙")], seats=2, write_ins=Round.WriteIns.ANYONE,
    )
    services.open_round(by=staff, round=round_)
    with pytest.raises(ValidationFailed):
        services.cast_vote(by=deputies[0].user, round=round_, marks={"c1": FOR, "c2": FOR}, write_ins=["丁"])
    assert Eligibility.objects.get(round=round_, deputy=deputies[0]).has_voted is False


def test_elec_10_a_write_in_for_a_deputies_only_seat_must_be_a_deputy(session, staff, deputies, everyone_present):
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="常委会委员", method=Round.Method.ELECTRONIC,
        options=[("c1", "甲"), ("c2", "乙")], seats=1, write_ins=Round.WriteIns.DEPUTIES,
    )
    services.open_round(by=staff, round=round_)
    with pytest.raises(ValidationFailed):
        services.cast_vote(by=deputies[0].user, round=round_, marks={}, write_ins=["并非代表"])
    services.cast_vote(by=deputies[0].user, round=round_, marks={}, write_ins=[deputies[3].name])
    assert Ballot.objects.get(round=round_).write_ins == [deputies[3].name]


def test_counts_are_hidden_while_the_round_is_open(session, staff, deputies, everyone_present, users):
    """Counts are hidden from everyone (staff included) until the round is counted; only
    the number who have voted shows."""
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    for deputy in deputies[:4]:
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})
    for user in (staff, users["administrator"], deputies[0].user):
        assert selectors.round_result(user, round_) is None
    with pytest.raises(InvalidTransition):
        services.for_votes(round_)
    progress = selectors.round_progress(staff, round_)
    assert (progress.admitted, progress.voted) == (6, 4)
    services.close_round(by=staff, round=round_)
    assert selectors.round_result(staff, round_) is None
    services.count_round(by=staff, round=round_)
    result = selectors.round_result(staff, round_)
    assert result.options[0].for_votes == 4
    assert result.threshold == 4 and result.options[0].reaches_threshold is True


def test_a_citizen_sees_no_rounds_or_results(session, staff, deputies, everyone_present, users):
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    services.close_round(by=staff, round=round_)
    services.count_round(by=staff, round=round_)
    assert selectors.round_result(users["citizen"], round_) is None
    assert not selectors.rounds(users["citizen"]).exists()


def test_closing_stores_the_ballots_again_in_random_order(session, staff, deputies, everyone_present):
    """SEC-1 (b): closing rewrites the ballots with fresh random keys; contents unchanged."""
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    for deputy, mark in zip(deputies, [FOR, FOR, AGAINST, ABSTAIN, FOR, AGAINST], strict=True):
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": mark})
    before = dict(Ballot.objects.filter(round=round_).values_list("id", "marks"))
    services.close_round(by=staff, round=round_)
    after = dict(Ballot.objects.filter(round=round_).values_list("id", "marks"))
    assert not set(before) & set(after)
    assert sorted(m["motion"] for m in before.values()) == sorted(m["motion"] for m in after.values())
    round_.refresh_from_db()
    assert round_.ballots_issued == 6


def test_my_vote_says_whether_i_voted_never_how(session, staff, deputies, everyone_present):
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    assert list(selectors.open_rounds_for(deputies[0].user)) == [round_]
    services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": AGAINST})
    mine = selectors.my_vote(deputies[0].user, round_)
    assert (mine.admitted, mine.has_voted) == (True, True)
    assert not hasattr(mine, "marks")
    assert list(selectors.open_rounds_for(deputies[0].user)) == []


def test_a_refused_vote_writes_nothing_and_gives_the_first_reason(session, staff, deputies, everyone_present):
    """The order of refusals: round not open, not admitted, already voted, then a ballot the
    round does not accept; a refused vote leaves no ballot and no "has voted" mark."""
    round_ = services.open_round(by=staff, round=motion_round(session, staff))
    with pytest.raises(ValidationFailed):
        services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": "maybe"})
    assert not Ballot.objects.filter(round=round_).exists()
    assert not Eligibility.objects.filter(round=round_, has_voted=True).exists()

    services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": FOR})
    with pytest.raises(InvalidTransition) as already:
        services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": "maybe"})
    assert already.value.code == "already_voted"

    services.close_round(by=staff, round=round_)
    with pytest.raises(InvalidTransition) as closed:
        services.cast_vote(by=deputies[1].user, round=round_, marks={"motion": "maybe"})
    assert closed.value.code != "already_voted"
    assert Ballot.objects.filter(round=round_).count() == 1
