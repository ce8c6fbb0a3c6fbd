"""The session roster (SESS-4), check-in and quorum (SESS-1), the presidium (SESS-3)."""

import datetime

import pytest

from balloting import roll
from balloting import services as balloting
from balloting.models import Eligibility, Round
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from plenary import selectors, services
from plenary.models import Attendance, PresidiumMember

pytestmark = pytest.mark.django_db


def test_sess_4_the_roster_counts_deputies_in_office(session, staff, deputies):
    gone = deputies[0]
    gone.in_office, gone.left_office_on = False, session.starts_on
    gone.save()
    services.open_session_roster(by=staff, session=session)
    summary = selectors.roster_summary(staff, session)
    assert (summary.basis, summary.all_deputies, summary.on_roster) == ("in_office", 5, 6)
    assert roll.current().all_deputies(session) == (5, "in_office")
    assert AuditEntry.objects.filter(action="roster.open").get().after == {"basis": "in_office", "all_deputies": 5}


def test_sess_4_basis_elected_counts_every_deputy_of_the_term(session, staff, deputies):
    congress = session.term.congress
    congress.parameters = {"all_deputies_basis": "elected"}
    congress.save()
    deputies[0].in_office, deputies[0].left_office_on = False, session.starts_on
    deputies[0].save()
    services.open_session_roster(by=staff, session=session)
    assert roll.current().all_deputies(session) == (6, "elected")


def test_the_roster_is_taken_once_and_refreshed_after(session, staff, deputies):
    services.open_session_roster(by=staff, session=session)
    with pytest.raises(InvalidTransition):
        services.open_session_roster(by=staff, session=session)
    deputies[2].in_office, deputies[2].left_office_on = False, session.starts_on
    deputies[2].save()
    services.refresh_session_roster(by=staff, session=session)
    assert selectors.roster_summary(staff, session).all_deputies == 5


def test_check_in_needs_the_roster(session, staff, deputies):
    with pytest.raises(InvalidTransition):
        services.check_in(by=staff, session=session, deputy=deputies[0])


def test_a_deputy_checks_in_once_a_day(session, staff, deputies):
    services.open_session_roster(by=staff, session=session)
    first = services.check_in(by=deputies[0].user, session=session, deputy=deputies[0])
    again = services.check_in(by=deputies[0].user, session=session, deputy=deputies[0])
    assert first.pk == again.pk
    assert Attendance.objects.count() == 1
    assert AuditEntry.objects.filter(action="attendance.check_in").count() == 1


def test_a_deputy_cannot_check_in_someone_else(session, staff, deputies):
    services.open_session_roster(by=staff, session=session)
    with pytest.raises(NotAllowed):
        services.check_in(by=deputies[0].user, session=session, deputy=deputies[1])


def test_a_citizen_cannot_check_anyone_in(session, staff, deputies, users):
    services.open_session_roster(by=staff, session=session)
    with pytest.raises(NotAllowed):
        services.check_in(by=users["citizen"], session=session, deputy=deputies[0])


def test_check_in_only_on_a_meeting_day_and_in_office(session, staff, deputies):
    services.open_session_roster(by=staff, session=session)
    with pytest.raises(ValidationFailed):
        services.check_in(by=staff, session=session, deputy=deputies[0], day=session.ends_on + datetime.timedelta(days=1))
    deputies[1].in_office, deputies[1].left_office_on = False, session.starts_on
    deputies[1].save()
    with pytest.raises(ValidationFailed):
        services.check_in(by=staff, session=session, deputy=deputies[1])


def test_sess_1_quorum_status_follows_check_ins(session, staff, deputies):
    """SESS-1: 6 deputies → 4 needed; 3 present is not enough, 4 is."""
    services.open_session_roster(by=staff, session=session)
    for deputy in deputies[:3]:
        services.check_in(by=staff, session=session, deputy=deputy)
    status = selectors.quorum_status(staff, session)
    assert (status.all_deputies, status.present, status.needed, status.met) == (6, 3, 4, False)
    assert roll.current().quorum_met(session) is False
    services.check_in(by=staff, session=session, deputy=deputies[3])
    assert selectors.quorum_status(staff, session).met is True
    assert roll.current().quorum_met(session) is True
    assert {d.pk for d in selectors.not_checked_in(staff, session)} == {deputies[4].pk, deputies[5].pk}


def test_yesterdays_check_in_does_not_count_today(session, staff, deputies):
    services.open_session_roster(by=staff, session=session)
    for deputy in deputies:
        services.check_in(by=staff, session=session, deputy=deputy, day=session.starts_on)
    assert selectors.quorum_status(staff, session).present == 0
    assert selectors.quorum_status(staff, session, day=session.starts_on).met is True


def test_checking_in_during_an_electronic_vote_admits_the_deputy(session, staff, deputies):
    services.open_session_roster(by=staff, session=session)
    for deputy in deputies[:5]:
        services.check_in(by=staff, session=session, deputy=deputy)
    round_ = balloting.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")],
        method=Round.Method.ELECTRONIC,
    )
    balloting.open_round(by=staff, round=round_)
    assert Eligibility.objects.filter(round=round_).count() == 5
    services.check_in(by=deputies[5].user, session=session, deputy=deputies[5])
    assert Eligibility.objects.filter(round=round_, deputy=deputies[5]).exists()
    balloting.cast_vote(by=deputies[5].user, round=round_, marks={"motion": "for"})


def test_sess_3_the_presidium_is_recorded(session, staff, deputies):
    services.set_presidium(
        by=staff, session=session,
        members=[(deputies[0], PresidiumMember.Role.EXECUTIVE_CHAIR), (deputies[1], PresidiumMember.Role.MEMBER)],
    )
    services.set_presidium(by=staff, session=session, members=[(deputies[2], PresidiumMember.Role.MEMBER)])
    assert [m.deputy for m in selectors.presidium(staff, session)] == [deputies[2]]


def test_only_staff_record_the_presidium(session, deputies):
    with pytest.raises(NotAllowed):
        services.set_presidium(by=deputies[0].user, session=session, members=[(deputies[0], "member")])
