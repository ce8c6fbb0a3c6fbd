"""Motions voted on through balloting and adopted on a majority of all deputies (RES-1)."""

import pytest

from balloting import services as balloting
from balloting.models import Round
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from plenary import selectors, services
from plenary.models import Motion

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(session, staff, deputies):
    """The roster taken and every deputy checked in today."""
    services.open_session_roster(by=staff, session=session)
    for deputy in deputies:
        services.check_in(by=staff, session=session, deputy=deputy)
    return session


def submitted(session, staff, **kwargs):
    kwargs.setdefault("kind", Motion.Kind.RESOLUTION)
    motion = services.create_motion(by=staff, session=session, title="关于政府工作报告的决议", **kwargs)
    return services.submit_motion(by=staff, motion=motion)


def vote(motion, staff, deputies, marks):
    motion.refresh_from_db()
    for deputy, mark in zip(deputies, marks, strict=False):
        balloting.cast_vote(by=deputy.user, round=motion.round, marks={"motion": mark})
    balloting.close_round(by=staff, round=motion.round)
    balloting.count_round(by=staff, round=motion.round)
    return services.decide_motion(by=staff, motion=Motion.objects.get(pk=motion.pk))


def test_res_1_adopted_with_a_majority_of_all_deputies(sitting, staff, deputies):
    """RES-1: 6 deputies → 4 FOR adopts, whatever the others."""
    motion = services.open_motion_vote(by=staff, motion=submitted(sitting, staff))
    assert motion.status == Motion.Status.VOTING and motion.round.method == Round.Method.ELECTRONIC
    decided = vote(motion, staff, deputies, ["for"] * 4 + ["against"] * 2)
    assert decided.status == Motion.Status.ADOPTED
    result = selectors.motion_result(staff, decided)
    assert (result.for_votes, result.against, result.all_deputies, result.threshold) == (4, 2, 6, 4)


def test_sess_4_a_majority_of_those_voting_is_not_enough(sitting, staff, deputies):
    """SESS-4: 3 FOR, 1 AGAINST, 2 not voting of 6 → not adopted."""
    motion = services.open_motion_vote(by=staff, motion=submitted(sitting, staff))
    decided = vote(motion, staff, deputies, ["for", "for", "for", "against"])
    assert decided.status == Motion.Status.REJECTED


def test_elec_16_a_special_committee_list_is_adopted_by_vote(sitting, staff, deputies):
    """ELEC-16: a list is adopted (通过), not elected, on a majority of all deputies."""
    motion = services.open_motion_vote(
        by=staff, motion=submitted(sitting, staff, kind=Motion.Kind.LIST_ADOPTION)
    )
    assert vote(motion, staff, deputies, ["for"] * 4).status == Motion.Status.ADOPTED


def test_the_result_is_hidden_until_decided(sitting, staff, deputies):
    motion = services.open_motion_vote(by=staff, motion=submitted(sitting, staff))
    balloting.cast_vote(by=deputies[0].user, round=motion.round, marks={"motion": "for"})
    assert selectors.motion_result(staff, motion) is None
    assert selectors.motion_round_result(staff, motion) is None
    with pytest.raises(InvalidTransition):
        services.decide_motion(by=staff, motion=motion)


def test_sess_1_no_vote_without_a_quorum(session, staff, deputies):
    services.open_session_roster(by=staff, session=session)
    for deputy in deputies[:3]:
        services.check_in(by=staff, session=session, deputy=deputy)
    motion = submitted(session, staff)
    with pytest.raises(InvalidTransition):
        services.open_motion_vote(by=staff, motion=motion)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED and motion.round is None


def test_elec_19_a_recall_by_deputies_needs_a_tenth_of_them(sitting, staff, deputies):
    """ELEC-19: 6 deputies → at least 1 signer; the recall names its target and is secret.
    (Entered by staff from paper, so nobody has signed yet.)"""
    motion = services.create_motion(
        by=staff, session=sitting, kind=Motion.Kind.RECALL, title="罢免案",
        filed_by=Motion.FiledBy.DEPUTIES, recall_of="某副市长",
    )
    assert motion.is_secret is True
    with pytest.raises(ValidationFailed):
        services.submit_motion(by=staff, motion=motion)
    services.sign_motion(by=deputies[0].user, motion=motion, deputy=deputies[0])
    with pytest.raises(NotAllowed):
        services.sign_motion(by=deputies[0].user, motion=motion, deputy=deputies[1])
    assert services.submit_motion(by=staff, motion=motion).status == Motion.Status.SUBMITTED


def test_deputies_cannot_file_a_resolution(sitting, deputies):
    with pytest.raises(NotAllowed):
        services.create_motion(by=deputies[0].user, session=sitting, kind=Motion.Kind.RESOLUTION, title="决议")


def test_a_recall_names_the_office_holder(sitting, staff):
    with pytest.raises(ValidationFailed):
        services.create_motion(by=staff, session=sitting, kind=Motion.Kind.RECALL, title="罢免案")


def test_a_void_paper_round_sends_the_motion_back_to_be_voted_again(sitting, staff, make_user):
    motion = submitted(sitting, staff, method=Motion.Method.PAPER)
    counters = [make_user("staff"), make_user("staff")]
    motion = services.open_motion_vote(by=staff, motion=motion)
    for counter in counters:
        balloting.appoint_round_scrutineer(by=staff, round=motion.round, user=counter)
    balloting.issue_ballots(by=staff, round=motion.round, count=1)
    balloting.close_round(by=staff, round=motion.round)
    for sheet in (1, 2):
        for counter in counters:
            balloting.enter_paper_ballot(by=counter, round=motion.round, sheet_number=sheet, marks={"motion": "for"})
    balloting.count_round(by=staff, round=motion.round)
    motion = services.decide_motion(by=staff, motion=Motion.objects.get(pk=motion.pk))
    assert motion.status == Motion.Status.SUBMITTED and motion.round is None
    assert services.open_motion_vote(by=staff, motion=motion).round is not None


def test_sec_2_a_paper_result_needs_the_scrutineers_signatures(sitting, staff, make_user, deputies):
    counters = [make_user("staff"), make_user("staff")]
    motion = services.open_motion_vote(by=staff, motion=submitted(sitting, staff, method=Motion.Method.PAPER))
    for counter in counters:
        balloting.appoint_round_scrutineer(by=staff, round=motion.round, user=counter)
    balloting.issue_ballots(by=staff, round=motion.round, count=6)
    balloting.close_round(by=staff, round=motion.round)
    for sheet in range(1, 5):
        for counter in counters:
            balloting.enter_paper_ballot(by=counter, round=motion.round, sheet_number=sheet, marks={"motion": "for"})
    balloting.count_round(by=staff, round=motion.round)
    motion = Motion.objects.get(pk=motion.pk)
    with pytest.raises(InvalidTransition):
        services.decide_motion(by=staff, motion=motion)
    for counter in counters:
        balloting.sign_off(by=counter, round=motion.round)
    assert services.decide_motion(by=staff, motion=motion).status == Motion.Status.ADOPTED


def test_res_1_show_of_hands(sitting, staff):
    motion = services.open_motion_vote(by=staff, motion=submitted(sitting, staff, method=Motion.Method.HANDS))
    assert motion.round is None
    with pytest.raises(ValidationFailed):
        services.record_show_of_hands(by=staff, motion=motion, for_votes=5, against=2, abstain=0)
    decided = services.record_show_of_hands(by=staff, motion=motion, for_votes=3, against=2, abstain=1)
    assert decided.status == Motion.Status.REJECTED and decided.threshold == 4


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("staff", True), ("administrator", True), ("deputy", False), ("citizen", False), ("unit_clerk", False),
     ("public", False)],
)
def test_who_may_put_a_motion_to_the_vote(sitting, staff, users, role, allowed):
    motion = submitted(sitting, staff)
    if allowed:
        assert services.open_motion_vote(by=users[role], motion=motion).status == Motion.Status.VOTING
        assert AuditEntry.objects.filter(action="motion.open").exists()
    else:
        with pytest.raises(NotAllowed):
            services.open_motion_vote(by=users[role], motion=motion)
