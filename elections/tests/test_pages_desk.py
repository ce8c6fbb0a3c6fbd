"""The election desk: offices (ELEC-1), elections with their parameters checked (ELEC-2, -6,
-7, -8, -17), nominations and the signatures from the paper forms (ELEC-4, ELEC-5),
scrutineers (SEC-2) and the candidate list (ELEC-3, ELEC-9). Refusals are shown on the form
with status 422; other roles are refused the desk."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from balloting.tests.factories import deputies_for
from core.accounts.roles import Role
from elections import services
from elections.models import CloseRelative, Election, ElectionRound, Nomination, NominationSignature, Office

from .factories import ElectionFactory, NominationFactory, OfficeFactory

pytestmark = pytest.mark.django_db

DESK_PAGES = ["elections:election-list", "elections:office-list", "elections:election-create"]


@pytest.fixture
def desk(client, staff):
    client.force_login(staff)
    return client


def office(session, kind=Office.Kind.MAYOR):
    return OfficeFactory(congress=session.term.congress, kind=kind)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def election_data(session, the_office, **overrides):
    data = {
        "session": session.pk,
        "office": the_office.pk,
        "seats": 1,
        "margin": "",
        "nominations_open_at": local(timezone.now() - datetime.timedelta(days=3)),
        "ballot_at": "",
        "vote_method": "paper",
    }
    data.update(overrides)
    return data


# --- who may use the desk --------------------------------------------------------------------


@pytest.mark.parametrize("name", DESK_PAGES)
def test_staff_and_administrators_open_the_desk(client, users, session, name):
    for role in (Role.STAFF, Role.ADMINISTRATOR):
        client.force_login(users[role])
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
def test_others_are_refused_the_desk(client, users, session, role):
    election = ElectionFactory(session=session, office=office(session))
    nomination = NominationFactory(election=election)
    client.force_login(users[role])
    for name in DESK_PAGES:
        assert client.get(reverse(name)).status_code == 403
    for name in ("election-detail", "list-preview", "scrutineer-list"):
        assert client.get(reverse(f"elections:{name}", args=[election.pk])).status_code == 403
    assert client.get(reverse("elections:nomination-detail", args=[nomination.pk])).status_code == 403
    assert client.post(reverse("elections:candidate-list-finalise", args=[election.pk])).status_code == 403


def test_the_menu_offers_the_desk_to_staff_only(client, users, session):
    def link(url):
        return f'href="{url}"'

    client.force_login(users[Role.STAFF])
    assert link(reverse("elections:election-list")) in client.get(reverse("web:home")).content.decode()
    client.force_login(users[Role.CITIZEN])
    page = client.get(reverse("web:home")).content.decode()
    assert link(reverse("elections:election-list")) not in page
    assert link(reverse("elections:counting")) not in page
    assert link(reverse("elections:results")) in page


# --- offices and elections -------------------------------------------------------------------


def test_elec_1_staff_add_an_office_with_the_citys_title(desk, session):
    response = desk.post(reverse("elections:office-list"), {"kind": "mayor", "name": "测试市市长"})
    assert response.status_code == 302
    assert Office.objects.get(kind="mayor").name == "测试市市长"


def test_an_office_without_a_title_is_shown_on_the_form(desk, session):
    response = desk.post(reverse("elections:office-list"), {"kind": "mayor", "name": ""})
    assert response.status_code == 422
    assert not Office.objects.exists()


def test_staff_set_up_an_election(desk, session):
    the_office = office(session)
    response = desk.post(reverse("elections:election-create"), election_data(session, the_office))
    election = Election.objects.get()
    assert response["Location"] == reverse("elections:election-detail", args=[election.pk])
    assert (election.seats, election.margin, election.vote_method) == (1, 1, "paper")  # margin_single_office
    page = desk.get(response["Location"]).content.decode()
    assert "Take nominations and fix the list" in page


def test_elec_6_a_mayor_has_one_seat_and_the_form_says_why(desk, session):
    response = desk.post(reverse("elections:election-create"), election_data(session, office(session), seats=2))
    assert response.status_code == 422
    assert "A single-holder office has one seat (ELEC-6)." in response.content.decode()
    assert not Election.objects.exists()


def test_elec_7_a_vice_mayor_margin_outside_one_to_three_is_refused(desk, session):
    data = election_data(session, office(session, Office.Kind.VICE_MAYOR), seats=5, margin=4)
    response = desk.post(reverse("elections:election-create"), data)
    assert response.status_code == 422
    assert "between 1 and 3" in response.content.decode()


def test_elec_8_a_general_election_needs_two_days_of_deliberation(desk, session):
    opened = timezone.now()
    data = election_data(
        session, office(session), is_general_election="on",
        nominations_open_at=local(opened), ballot_at=local(opened + datetime.timedelta(hours=47)),
    )
    response = desk.post(reverse("elections:election-create"), data)
    assert response.status_code == 422
    assert "ELEC-8" in response.content.decode()


def test_elec_17_a_by_election_may_be_uncontested(desk, session):
    data = election_data(session, office(session, Office.Kind.VICE_MAYOR), margin=0, is_by_election="on")
    assert desk.post(reverse("elections:election-create"), data).status_code == 302
    assert Election.objects.get().margin == 0


def test_the_ballot_is_scheduled_with_elec_8_checked(desk, session):
    election = ElectionFactory(session=session, office=office(session), is_general_election=True,
                               nominations_open_at=timezone.now())
    url = reverse("elections:election-schedule", args=[election.pk])
    too_soon = local(timezone.now() + datetime.timedelta(hours=20))
    assert desk.post(url, {"ballot_at": too_soon}).status_code == 422
    later = local(timezone.now() + datetime.timedelta(days=3))
    assert desk.post(url, {"ballot_at": later}).status_code == 302
    election.refresh_from_db()
    assert election.ballot_at is not None


# --- nominations -----------------------------------------------------------------------------


def test_elec_5_the_presidium_nominates_at_most_as_many_as_there_are_seats(desk, session):
    election = ElectionFactory(session=session, office=office(session))
    url = reverse("elections:nomination-create", args=[election.pk])
    assert desk.post(url, {"nominated_by": "presidium", "name": "张三"}).status_code == 302
    response = desk.post(url, {"nominated_by": "presidium", "name": "李四"})
    assert response.status_code == 422
    assert "ELEC-5" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_elec_1_a_standing_committee_nominee_must_be_a_deputy(desk, session, deputies):
    election = ElectionFactory(session=session, office=office(session, Office.Kind.SC_CHAIR))
    url = reverse("elections:nomination-create", args=[election.pk])
    response = desk.post(url, {"nominated_by": "presidium", "name": "张三"})
    assert response.status_code == 422
    response = desk.post(url, {"nominated_by": "presidium", "deputy": deputies[0].code})
    assert response.status_code == 302
    assert Nomination.objects.get().name == deputies[0].name


def test_a_joint_nomination_collects_the_signatures_of_the_paper_form(desk, session):
    """ELEC-4: twenty deputies of a city congress nominate jointly; nineteen are not enough."""
    signers = deputies_for(session, 20, with_users=False)
    election = ElectionFactory(session=session, office=office(session))
    response = desk.post(
        reverse("elections:nomination-create", args=[election.pk]),
        {"nominated_by": "deputies", "name": "王五", "relatives": "王小五, 子"},
    )
    nomination = Nomination.objects.get()
    assert response["Location"] == reverse("elections:nomination-detail", args=[nomination.pk])
    assert CloseRelative.objects.get().name == "王小五"

    sign_url = reverse("elections:nomination-sign", args=[nomination.pk])
    numbers = "\n".join(d.code for d in signers[:19])
    assert desk.post(sign_url, {"deputies": numbers}).status_code == 302
    assert NominationSignature.objects.count() == 19
    desk.post(reverse("elections:nomination-submit", args=[nomination.pk]))
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DRAFT  # 19 are not enough
    page = desk.get(reverse("elections:nomination-detail", args=[nomination.pk])).content.decode()
    assert "ELEC-4" in page
    assert "1 more deputy must sign jointly." in page  # 20 needed, 19 signed: one more, not 20

    assert desk.post(sign_url, {"deputies": signers[19].code}).status_code == 302
    desk.post(reverse("elections:nomination-submit", args=[nomination.pk]))
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED


def test_an_unknown_deputy_number_is_shown_and_nothing_is_recorded(desk, session, deputies):
    election = ElectionFactory(session=session, office=office(session))
    nomination = NominationFactory(election=election, nominated_by="deputies", status="draft")
    response = desk.post(
        reverse("elections:nomination-sign", args=[nomination.pk]), {"deputies": f"{deputies[0].code}, X9999"}
    )
    assert response.status_code == 422
    assert "X9999" in response.content.decode()
    assert not NominationSignature.objects.exists()


def test_elec_5_a_deputy_cannot_sign_for_more_candidates_than_seats(desk, session, deputies):
    """One mayor's seat: a deputy who signed one joint nomination is refused on a second,
    named with the reason; the other signatures are kept."""
    election = ElectionFactory(session=session, office=office(session))
    first = NominationFactory(election=election, nominated_by="deputies", status="draft")
    second = NominationFactory(election=election, nominated_by="deputies", status="draft")
    desk.post(reverse("elections:nomination-sign", args=[first.pk]), {"deputies": deputies[0].code})
    response = desk.post(
        reverse("elections:nomination-sign", args=[second.pk]), {"deputies": f"{deputies[0].code} {deputies[1].code}"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert deputies[0].code in page and "ELEC-5" in page
    assert list(second.signatures.values_list("deputy_id", flat=True)) == [deputies[1].pk]


def test_a_deputy_cannot_use_the_desk_to_record_signatures(client, session, deputies):
    election = ElectionFactory(session=session, office=office(session))
    nomination = NominationFactory(election=election, nominated_by="deputies", status="draft")
    client.force_login(deputies[0].user)
    response = client.post(reverse("elections:nomination-sign", args=[nomination.pk]), {"deputies": deputies[1].code})
    assert response.status_code in (403, 404)
    assert not NominationSignature.objects.exists()


# --- scrutineers and the list ----------------------------------------------------------------


def test_sec_2_a_close_relative_of_a_nominee_cannot_be_appointed(desk, session, make_user):
    election = ElectionFactory(session=session, office=office(session))
    nomination = NominationFactory(election=election, name="张三")
    relative = make_user(Role.DEPUTY, username="zhang-xiao", first_name="张小三")
    CloseRelative.objects.create(nomination=nomination, name="张小三", relationship="子")
    url = reverse("elections:scrutineer-list", args=[election.pk])
    response = desk.post(url, {"account": relative.username, "role": "monitor"})
    assert response.status_code == 422
    assert "SEC-2" in response.content.decode()
    assert not election.scrutineers.exists()
    other = make_user(Role.DEPUTY, username="li-si")
    assert desk.post(url, {"account": other.username, "role": "counter"}).status_code == 302
    assert election.scrutineers.get().role == "counter"


def test_a_scrutineer_is_found_by_deputy_number(desk, session, deputies):
    election = ElectionFactory(session=session, office=office(session))
    url = reverse("elections:scrutineer-list", args=[election.pk])
    assert desk.post(url, {"account": deputies[2].code, "role": "monitor"}).status_code == 302
    assert election.scrutineers.get().user == deputies[2].user


def test_elec_9_the_preview_says_a_primary_is_needed_and_fixing_prepares_it(desk, session, staff):
    """Mayor with one extra candidate: three nominees → a primary for a list of two."""
    election = ElectionFactory(session=session, office=office(session), vote_method="paper")
    for name in ("甲", "乙", "丙"):
        NominationFactory(election=election, name=name)
    page = desk.get(reverse("elections:list-preview", args=[election.pk])).content.decode()
    assert "a primary among all of them" in page and "Prepare the primary" in page
    response = desk.post(reverse("elections:candidate-list-finalise", args=[election.pk]))
    primary = election.rounds.get()
    assert primary.stage == ElectionRound.Stage.PRIMARY
    assert response["Location"] == reverse("elections:round-detail", args=[primary.pk])


def test_elec_7_too_few_nominees_cannot_be_fixed_as_a_list(desk, session):
    """Vice-mayors, 2 seats: at least 3 candidates."""
    election = ElectionFactory(session=session, office=office(session, Office.Kind.VICE_MAYOR), seats=2)
    for name in ("甲", "乙"):
        NominationFactory(election=election, name=name)
    page = desk.get(reverse("elections:list-preview", args=[election.pk])).content.decode()
    assert "Too few" in page
    response = desk.post(reverse("elections:candidate-list-finalise", args=[election.pk]), follow=True)
    assert "At least 3 candidates are needed" in response.content.decode()
    assert not election.rounds.exists()


def test_elec_3_and_sec_2_warnings_appear_on_the_preview(desk, session, deputies, staff, make_user):
    election = ElectionFactory(session=session, office=office(session, Office.Kind.SC_CHAIR))
    nomination = NominationFactory(election=election, name=deputies[0].name, deputy=deputies[0], holds_state_post=True)
    scrutineer = make_user(Role.DEPUTY, first_name="赵六")
    services.appoint_scrutineer(by=staff, election=election, user=scrutineer)
    CloseRelative.objects.create(nomination=nomination, name="赵六")
    page = desk.get(reverse("elections:list-preview", args=[election.pk])).content.decode()
    assert "ELEC-3" in page
    assert "may not scrutinise (SEC-2)" in page


def test_the_election_page_lists_nominations_rounds_and_the_ballot_download(desk, session, staff, make_user, everyone_present):
    election = ElectionFactory(session=session, office=office(session))
    NominationFactory(election=election, name="甲")
    services.appoint_scrutineer(by=staff, election=election, user=make_user(Role.DEPUTY))
    services.finalise_candidate_list(by=staff, election=election)
    page = desk.get(reverse("elections:election-detail", args=[election.pk])).content.decode()
    first = election.rounds.get()
    assert "甲" in page
    assert reverse("elections:ballot-download", args=[first.pk]) in page
    assert reverse("elections:round-detail", args=[first.pk]) in page


def test_staff_open_issue_and_close_a_paper_round_from_its_page(desk, session, staff, make_user, everyone_present):
    election = ElectionFactory(session=session, office=office(session), vote_method="paper")
    NominationFactory(election=election, name="甲")
    for _ in range(2):
        services.appoint_scrutineer(by=staff, election=election, user=make_user(Role.DEPUTY))
    services.finalise_candidate_list(by=staff, election=election)
    first = election.rounds.get()
    desk.post(reverse("elections:round-open", args=[first.pk]))
    desk.post(reverse("elections:round-issue", args=[first.pk]), {"count": 6})
    desk.post(reverse("elections:round-close", args=[first.pk]))
    first.round.refresh_from_db()
    assert (first.round.status, first.round.ballots_issued) == ("closed", 6)


def test_sess_1_opening_without_a_quorum_is_refused_with_the_reason(desk, session, staff, make_user):
    """No session roll with anyone present: the vote cannot open."""
    election = ElectionFactory(session=session, office=office(session), vote_method="paper")
    NominationFactory(election=election, name="甲")
    for _ in range(2):
        services.appoint_scrutineer(by=staff, election=election, user=make_user(Role.DEPUTY))
    services.finalise_candidate_list(by=staff, election=election)
    first = election.rounds.get()
    response = desk.post(reverse("elections:round-open", args=[first.pk]), follow=True)
    assert "SESS-1" in response.content.decode()
    first.round.refresh_from_db()
    assert first.round.status == "draft"


def test_the_election_page_says_when_nominations_open_and_that_the_session_is_over(desk, session):
    """The tester's election: a session held in January, nominations from next week, a ballot
    after that; the page said "Taking nominations" with no word about either date."""
    session.starts_on, session.ends_on = datetime.date(2026, 1, 19), datetime.date(2026, 1, 22)
    session.save(update_fields=["starts_on", "ends_on"])
    election = ElectionFactory(session=session, nominations_open_at=timezone.now() + datetime.timedelta(days=4),
                               ballot_at=timezone.now() + datetime.timedelta(days=8))
    page = desk.get(reverse("elections:election-detail", args=[election.pk])).content.decode()
    opens = timezone.localtime(election.nominations_open_at).strftime("%Y-%m-%d %H:%M")
    assert f"Nominations open at {opens}" in page
    assert "Taking nominations" not in page
    assert "The session ended on 2026-01-22" in page
    assert "outside the session" in page
