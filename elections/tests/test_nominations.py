"""Setting up elections and taking nominations: ELEC-1, -2, -4, -5, -6, -7, -8; SEC-2."""

import datetime

import pytest
from django.utils import timezone

from balloting.tests.factories import deputies_for
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from elections import selectors, services
from elections.models import Election, Nomination, Office

from .factories import ElectionFactory, NominationFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def office(session, kind):
    return OfficeFactory(congress=session.term.congress, kind=kind)


def create(session, staff, kind=Office.Kind.VICE_MAYOR, **kwargs):
    kwargs.setdefault("seats", 1)
    kwargs.setdefault("nominations_open_at", timezone.now())
    return services.create_election(by=staff, session=session, office=office(session, kind), **kwargs)


def test_elec_1_a_procurator_generals_election_needs_upper_approval(session, staff):
    election = create(session, staff, Office.Kind.PROCURATOR_GENERAL)
    assert election.requires_upper_approval is True
    assert AuditEntry.objects.filter(action="election.create").exists()


def test_elec_6_a_mayor_is_elected_to_one_seat_with_at_most_one_extra(session, staff):
    with pytest.raises(ValidationFailed):
        create(session, staff, Office.Kind.MAYOR, seats=2)
    with pytest.raises(ValidationFailed):
        create(session, staff, Office.Kind.MAYOR, margin=2)
    assert create(session, staff, Office.Kind.MAYOR).margin == 1  # margin_single_office default


@pytest.mark.parametrize(("margin", "ok"), [(0, False), (1, True), (3, True), (4, False)])
def test_elec_7_vice_mayor_margin_one_to_three(session, staff, margin, ok):
    if ok:
        assert create(session, staff, seats=5, margin=margin).margin == margin
    else:
        with pytest.raises(ValidationFailed):
            create(session, staff, seats=5, margin=margin)


def test_elec_7_small_member_elections_are_flagged_for_staff(session, staff):
    election = create(session, staff, Office.Kind.SC_MEMBER, seats=3)
    assert (election.margin, election.margin_flagged) == (1, True)
    assert create(session, staff, Office.Kind.SC_MEMBER, seats=35, margin=7).margin_flagged is False


def test_elec_17_a_by_election_may_be_uncontested(session, staff):
    election = create(session, staff, seats=1, margin=0, is_by_election=True)
    NominationFactory(election=election)
    assert services.finalise_candidate_list(by=staff, election=election).action == "list"


def test_elec_2_standing_committee_seats_stay_within_its_size(session, staff):
    congress = session.term.congress
    congress.parameters = {"sc_size": 29}
    congress.save()
    create(session, staff, Office.Kind.SC_CHAIR)
    create(session, staff, Office.Kind.SC_MEMBER, seats=28, margin=3)
    with pytest.raises(ValidationFailed):
        create(session, staff, Office.Kind.SC_SECRETARY_GENERAL)


def test_elec_2_without_a_configured_size_a_city_of_3_1_million_elects_at_most_51(session, staff):
    """ELEC-2: the term's size not configured; the city's population is known (about 3.1
    million, under 8 million), so the legal maximum of 51 applies: 60 member seats are
    refused with a message asking for the size, 51 in all are accepted."""
    congress = session.term.congress
    congress.population = 3_106_000
    congress.save()
    with pytest.raises(ValidationFailed) as raised:
        create(session, staff, Office.Kind.SC_MEMBER, seats=60, margin=6)
    assert "at most 51 members" in raised.value.details["seats"]
    assert "not configured" in raised.value.details["seats"]
    create(session, staff, Office.Kind.SC_CHAIR)
    create(session, staff, Office.Kind.SC_MEMBER, seats=50, margin=5)
    with pytest.raises(ValidationFailed):
        create(session, staff, Office.Kind.SC_SECRETARY_GENERAL)


def test_elec_2_the_size_fixed_on_the_terms_standing_committee_applies(session, staff):
    from core.organisation.models import StandingCommittee

    StandingCommittee.objects.create(term=session.term, name="测试市人大常委会", size=35)
    create(session, staff, Office.Kind.SC_MEMBER, seats=35, margin=4)
    with pytest.raises(ValidationFailed) as raised:
        create(session, staff, Office.Kind.SC_CHAIR)
    assert "35 members for this term" in raised.value.details["seats"]


def test_elec_2_a_city_over_8_million_may_elect_up_to_61(session, staff):
    congress = session.term.congress
    congress.population = 9_000_000
    congress.save()
    assert create(session, staff, Office.Kind.SC_MEMBER, seats=61, margin=7).seats == 61


def test_elec_8_a_general_election_ballot_at_least_48_hours_after_nominations_open(session, staff):
    opened = timezone.now()
    with pytest.raises(ValidationFailed):
        create(session, staff, is_general_election=True, nominations_open_at=opened,
               ballot_at=opened + datetime.timedelta(hours=47))
    election = create(session, staff, is_general_election=True, nominations_open_at=opened,
                      ballot_at=opened + datetime.timedelta(hours=48))
    with pytest.raises(ValidationFailed):
        services.schedule_ballot(by=staff, election=election, ballot_at=opened + datetime.timedelta(days=1))
    assert create(session, staff, nominations_open_at=opened, ballot_at=opened + datetime.timedelta(hours=1))


def test_elec_4_nineteen_signatures_are_not_enough_twenty_are(session, staff):
    """ELEC-4: a joint nomination signed by 19 deputies is invalid; 20 are enough (city)."""
    deputies = deputies_for(session, 20, with_users=False)
    election = ElectionFactory(session=session, seats=1)
    nomination = services.nominate(by=staff, election=election, nominated_by=Nomination.By.DEPUTIES, name="某甲")
    assert nomination.status == Nomination.Status.DRAFT
    for deputy in deputies[:19]:
        services.sign_nomination(by=staff, nomination=nomination, deputy=deputy)
    with pytest.raises(ValidationFailed):
        services.submit_nomination(by=staff, nomination=nomination)
    progress = selectors.nomination_progress(nomination)
    assert (progress.signed, progress.needed, progress.missing, progress.enough) == (19, 20, 1, False)
    services.sign_nomination(by=staff, nomination=nomination, deputy=deputies[19])
    assert services.submit_nomination(by=staff, nomination=nomination).status == Nomination.Status.SUBMITTED


def test_elec_4_a_county_needs_only_ten(session, staff):
    congress = session.term.congress
    congress.level = "county"
    congress.save()
    deputies = deputies_for(session, 10, with_users=False)
    election = ElectionFactory(session=session)
    nomination = services.nominate(by=staff, election=election, nominated_by=Nomination.By.DEPUTIES, name="某乙")
    for deputy in deputies:
        services.sign_nomination(by=staff, nomination=nomination, deputy=deputy)
    assert services.submit_nomination(by=staff, nomination=nomination).status == Nomination.Status.SUBMITTED


def test_elec_5_a_deputy_signs_for_no_more_candidates_than_seats(session, staff, deputies):
    """ELEC-5: 6 vice-mayor seats; after 4 signatures, 2 more; the 7th is refused."""
    election = ElectionFactory(session=session, office=office(session, Office.Kind.VICE_MAYOR), seats=6, margin=1)
    drafts = [
        services.nominate(by=staff, election=election, nominated_by=Nomination.By.DEPUTIES, name=f"候选{i}")
        for i in range(7)
    ]
    signer = deputies[0]
    for nomination in drafts[:4]:
        services.sign_nomination(by=signer.user, nomination=nomination, deputy=signer)
    assert selectors.signatures_left(signer, election) == 2
    for nomination in drafts[4:6]:
        services.sign_nomination(by=signer.user, nomination=nomination, deputy=signer)
    with pytest.raises(ValidationFailed):
        services.sign_nomination(by=signer.user, nomination=drafts[6], deputy=signer)
    # Another office (another election) has its own count.
    other = ElectionFactory(session=session, office=office(session, Office.Kind.MAYOR))
    draft = services.nominate(by=staff, election=other, nominated_by=Nomination.By.DEPUTIES, name="某丙")
    services.sign_nomination(by=signer.user, nomination=draft, deputy=signer)


def test_elec_5_the_presidium_nominates_no_more_than_the_seats(session, staff):
    election = ElectionFactory(session=session, office=office(session, Office.Kind.VICE_MAYOR), seats=2)
    for name in ("甲", "乙"):
        services.nominate(by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, name=name)
    with pytest.raises(ValidationFailed):
        services.nominate(by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, name="丙")


def test_a_deputy_signs_only_for_themselves_and_cannot_nominate_for_the_presidium(session, staff, deputies):
    election = ElectionFactory(session=session)
    with pytest.raises(NotAllowed):
        services.nominate(by=deputies[0].user, election=election, nominated_by=Nomination.By.PRESIDIUM, name="甲")
    draft = services.nominate(by=deputies[0].user, election=election, nominated_by=Nomination.By.DEPUTIES, name="甲")
    with pytest.raises(NotAllowed):
        services.sign_nomination(by=deputies[0].user, nomination=draft, deputy=deputies[1])
    with pytest.raises(NotAllowed):
        services.submit_nomination(by=deputies[1].user, nomination=draft)


def test_elec_1_standing_committee_nominees_are_deputies(session, staff, deputies):
    election = ElectionFactory(session=session, office=office(session, Office.Kind.SC_CHAIR))
    with pytest.raises(ValidationFailed):
        services.nominate(by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, name="非代表")
    nomination = services.nominate(by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, deputy=deputies[0])
    assert nomination.name == deputies[0].name


def test_sec_2_a_close_relative_cannot_be_a_scrutineer(session, staff, make_user):
    election = ElectionFactory(session=session)
    relative = make_user("staff", first_name="亲属")
    services.nominate(
        by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, name="候选甲",
        relatives=[{"name": "某亲属", "relationship": "配偶", "user": relative}],
    )
    with pytest.raises(ValidationFailed):
        services.appoint_scrutineer(by=staff, election=election, user=relative)
    assert not election.scrutineers.exists()


def test_sec_2_a_relative_declared_late_blocks_the_list(session, staff, make_user):
    election = ElectionFactory(session=session)
    scrutineer = make_user("staff", first_name="某", last_name="王")
    services.appoint_scrutineer(by=staff, election=election, user=scrutineer)
    nomination = services.nominate(by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, name="候选乙")
    services.declare_close_relative(by=staff, nomination=nomination, name=scrutineer.get_full_name(), relationship="子女")
    with pytest.raises(ValidationFailed):
        services.finalise_candidate_list(by=staff, election=election)
    assert selectors.list_preview(staff, election).scrutineer_conflicts
    services.remove_scrutineer(by=staff, election=election, user=scrutineer)
    assert services.finalise_candidate_list(by=staff, election=election).action == "list"


def test_sec_2_a_nominee_cannot_scrutinise_their_own_election(session, staff, deputies):
    election = ElectionFactory(session=session, office=office(session, Office.Kind.SC_CHAIR))
    services.nominate(by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, deputy=deputies[0])
    with pytest.raises(ValidationFailed):
        services.appoint_scrutineer(by=staff, election=election, user=deputies[0].user)


def test_elec_7_too_few_nominees_for_a_contested_list(session, staff):
    """ELEC-7: 5 vice-mayor seats need at least 6 candidates."""
    election = ElectionFactory(session=session, office=office(session, Office.Kind.VICE_MAYOR), seats=5, margin=2)
    for _ in range(5):
        NominationFactory(election=election)
    with pytest.raises(ValidationFailed):
        services.finalise_candidate_list(by=staff, election=election)
    election.refresh_from_db()
    assert election.status == Election.Status.NOMINATING


def test_elec_3_state_post_warning_for_standing_committee_nominees(session, staff, deputies):
    election = ElectionFactory(session=session, office=office(session, Office.Kind.SC_MEMBER), seats=5)
    NominationFactory(election=election, deputy=deputies[0], name=deputies[0].name, holds_state_post=True)
    assert selectors.list_preview(staff, election).state_post_warnings == (deputies[0].name,)


def test_nominations_close_once_the_list_is_fixed(session, staff):
    election = ElectionFactory(session=session)
    NominationFactory(election=election)
    services.finalise_candidate_list(by=staff, election=election)
    with pytest.raises(InvalidTransition):
        services.nominate(by=staff, election=election, nominated_by=Nomination.By.PRESIDIUM, name="迟到")
