"""proposals.bill_services for interpellations (RES-2): filing by 10 or more deputies, the
presidium's decision on the form of the reply, oral replies recorded by staff, written replies
through casework, the signers' ratings and the further reply when half or more are
dissatisfied (TIME-7)."""

from datetime import date

import pytest

from casework import services as casework
from casework.models import Assignment, Case, Feedback
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from proposals import bill_selectors as selectors
from proposals import bill_services as services
from proposals.bill_models import Interpellation, InterpellationRating

from .conftest import at, pdf
from .test_bill_fixtures import (
    DURING,
    audit,
    chamber_fixture,  # noqa: F401 - the `chamber` fixture
    draft_interpellation,
    filed_interpellation,
    inbox,
    lead_of,
)

pytestmark = pytest.mark.django_db


# --- filing (RES-2) -------------------------------------------------------------------------------


def test_res_2_ten_signers_file_an_interpellation(chamber):
    item = filed_interpellation(chamber, signers=10)
    assert (item.status, item.serial) == (Interpellation.Status.FILED, 1)
    assert audit("interpellation.file", item).get().data == {"signatures": 10, "needed": 10}
    assert inbox(chamber["staff"], "interpellation.file").exists()
    assert inbox(chamber["deputies"][5].user, "interpellation.file").exists()


def test_res_2_nine_signers_are_refused(chamber):
    item = draft_interpellation(chamber, signers=9)
    with pytest.raises(ValidationFailed) as refused:
        services.file_interpellation(by=lead_of(chamber).user, interpellation=item, now=at(DURING))
    assert refused.value.details["signatures"] == (
        "An interpellation needs the signatures of at least 10 deputies; it has 9.")  # RES-2, not shown
    item.refresh_from_db()
    assert item.status == "draft"


def test_res_2_the_content_is_required(chamber):
    item = draft_interpellation(chamber, signers=10)
    services.update_interpellation(by=lead_of(chamber).user, interpellation=item, content="")
    assert audit("interpellation.edit", item).exists()
    assert inbox(chamber["deputies"][1].user, "interpellation.edit").exists()
    with pytest.raises(ValidationFailed) as refused:
        services.file_interpellation(by=lead_of(chamber).user, interpellation=item, now=at(DURING))
    assert list(refused.value.details) == ["content"]


def test_res_2_only_the_government_its_departments_and_the_state_organs_are_interpellated(chamber):
    with pytest.raises(ValidationFailed) as refused:
        draft_interpellation(chamber, target=chamber["district"])
    assert "the supervisory commission, the court or the procuratorate" in refused.value.details["target"]
    assert draft_interpellation(chamber, signers=1, target=chamber["court"]).target == chamber["court"]


def test_res_2_a_district_department_is_not_interpellated_by_the_city_congress(chamber):
    """RES-2: 云冈区教育局 is a government department, of a district: the city's deputies may
    not interpellate it (neither may they a district court); the city's own departments
    under the city government stay open to them."""
    from core.organisation.tests.factories import DistrictFactory, HandlingUnitFactory

    district = DistrictFactory(congress=chamber["congress"])
    city_government = HandlingUnitFactory(congress=chamber["congress"], kind="government", name="测试市人民政府")
    department = HandlingUnitFactory(congress=chamber["congress"], kind="government", name="测试市教育局",
                                     parent=city_government)
    bureau = HandlingUnitFactory(congress=chamber["congress"], kind="government", name="测试区教育局",
                                 parent=chamber["district"])
    court = HandlingUnitFactory(congress=chamber["congress"], kind="state_organ", name="测试区人民法院",
                                district=district)
    for target in (bureau, court):
        with pytest.raises(ValidationFailed) as refused:
            draft_interpellation(chamber, target=target)
        assert "not to an organ of a district or county" in refused.value.details["target"]
    assert draft_interpellation(chamber, signers=1, target=department).target == department
    assert draft_interpellation(chamber, signers=1, target=city_government).target == city_government
    choices = set(selectors.target_choices(chamber["congress"]))
    assert {department, city_government, chamber["government"], chamber["court"]} <= choices
    assert not choices & {bureau, court, chamber["district"]}


def test_res_2_a_draft_addressed_to_a_district_organ_is_not_filed(chamber):
    from core.organisation.models import HandlingUnit

    item = draft_interpellation(chamber, signers=10)
    # Drafted before staff placed the organ under the district government.
    HandlingUnit.objects.filter(pk=item.target_id).update(parent=chamber["district"])
    with pytest.raises(ValidationFailed) as refused:
        services.file_interpellation(by=lead_of(chamber).user, interpellation=item, now=at(DURING))
    assert list(refused.value.details) == ["target"]


def test_res_2_filed_during_the_session_only(chamber):
    item = draft_interpellation(chamber)
    with pytest.raises(InvalidTransition):
        services.file_interpellation(by=lead_of(chamber).user, interpellation=item, now=at("2026-01-19"))


def test_res_2_staff_enter_a_paper_interpellation_for_its_lead_deputy(chamber):
    lead = chamber["deputies"][2]
    item = services.create_interpellation(by=chamber["staff"], session=chamber["session"], target=chamber["court"],
                                          question="关于执行难的质询", content="请说明。", lead_deputy=lead,
                                          now=at("2026-01-19"))
    assert (item.lead_deputy, item.entered_by, item.status) == (lead, chamber["staff"], "draft")
    assert audit("interpellation.create", item).get().after["target"] == chamber["court"].pk
    assert inbox(lead.user, "interpellation.create").exists()
    assert list(item.signatures.values_list("deputy", flat=True)) == [lead.pk]


def test_a_deputy_signs_once_for_themselves_and_staff_enter_paper_signatures(chamber):
    item = draft_interpellation(chamber, signers=1)
    services.sign_interpellation(by=chamber["deputies"][1].user, interpellation=item)
    assert audit("interpellation.sign", item).get().data["deputy"] == chamber["deputies"][1].pk
    assert "(2 of 10 signatures)" in inbox(lead_of(chamber).user, "interpellation.sign").get().title
    with pytest.raises(ValidationFailed):
        services.sign_interpellation(by=chamber["deputies"][1].user, interpellation=item)
    services.sign_interpellation(by=chamber["staff"], interpellation=item, deputy=chamber["deputies"][2])
    assert inbox(chamber["deputies"][2].user, "interpellation.sign").exists()
    services.unsign_interpellation(by=chamber["deputies"][1].user, interpellation=item)
    assert audit("interpellation.unsign", item).exists()
    assert "took back" in inbox(lead_of(chamber).user, "interpellation.unsign").get().title
    assert item.signatures.count() == 2


def test_a_dropped_draft_interpellation(chamber):
    item = draft_interpellation(chamber, signers=3)
    services.abandon_interpellation(by=lead_of(chamber).user, interpellation=item)
    assert item.status == "abandoned" and audit("interpellation.abandon", item).exists()
    assert inbox(chamber["deputies"][2].user, "interpellation.abandon").exists()


# --- helpers for the reply -------------------------------------------------------------------------


def _oral(chamber, item, *, now=DURING):
    return services.decide_interpellation_reply(
        by=chamber["staff"], interpellation=item, form="oral_plenary", due_on=date(2026, 1, 22),
        meeting="第三次全体会议", now=at(now),
    )


def _written(chamber, item, *, now=DURING, due=date(2026, 1, 23)):
    return services.decide_interpellation_reply(
        by=chamber["staff"], interpellation=item, form="written", due_on=due, now=at(now),
    )


def _rate(chamber, item, *, dissatisfied: int, signers: int = 12):
    for index, deputy in enumerate(chamber["deputies"][:signers]):
        value = "dissatisfied" if index < dissatisfied else "satisfied"
        services.rate_interpellation_reply(by=deputy.user, interpellation=item, satisfaction=value)


def _written_reply(chamber, item, *, now=DURING):
    return services.reply_to_interpellation(
        by=chamber["clerks"]["government"], interpellation=item, body="现答复如下……", letter=pdf(),
        signed_by="局长 王某", now=at(now, "15:00"),
    )


# --- the presidium's decision and the oral reply ---------------------------------------------------------


def test_res_2_oral_reply_decided_recorded_and_rated(chamber):
    item = filed_interpellation(chamber, signers=12)
    _oral(chamber, item)
    assert (item.status, item.round) == ("awaiting_reply", 1)
    assert audit("interpellation.decide", item).get().data["form"] == "oral_plenary"
    assert inbox(chamber["clerks"]["government"], "interpellation.decide").exists()
    assert "orally" in inbox(chamber["deputies"][11].user, "interpellation.decide").get().title
    services.record_oral_reply(by=chamber["staff"], interpellation=item, answered_by="市交通局局长 张某",
                               summary="当场答复。", now=at("2026-01-22", "16:00"))
    assert item.status == "replied"
    round_ = item.rounds.get()
    assert (round_.answered_by, round_.place) == ("市交通局局长 张某", "第三次全体会议")
    assert audit("interpellation.record_reply", item).get().data["answered_by"] == "市交通局局长 张某"
    assert "please rate" in inbox(chamber["deputies"][3].user, "interpellation.record_reply").get().title
    assert not Case.objects.exists()  # an oral reply needs no case


def test_res_2_an_oral_reply_needs_its_meeting_and_the_head_who_answered(chamber):
    item = filed_interpellation(chamber)
    with pytest.raises(ValidationFailed) as refused:
        services.decide_interpellation_reply(by=chamber["staff"], interpellation=item, form="oral_committee",
                                             due_on=date(2026, 1, 22), now=at(DURING))
    assert "meeting" in refused.value.details
    _oral(chamber, item)
    with pytest.raises(ValidationFailed) as refused:
        services.record_oral_reply(by=chamber["staff"], interpellation=item, answered_by="", now=at("2026-01-22"))
    assert "answered_by" in refused.value.details


def test_res_2_a_past_date_is_refused(chamber):
    item = filed_interpellation(chamber)
    with pytest.raises(ValidationFailed):
        _written(chamber, item, due=date(2026, 1, 20))


def test_res_2_only_staff_enter_the_presidiums_decision(chamber):
    item = filed_interpellation(chamber)
    for user in (lead_of(chamber).user, chamber["clerks"]["government"]):
        with pytest.raises(NotAllowed):
            services.decide_interpellation_reply(by=user, interpellation=item, form="written",
                                                 due_on=date(2026, 1, 23), now=at(DURING))


# --- RES-2: the further reply (TIME-7) -------------------------------------------------------------------


def test_res_2_twelve_signers_six_dissatisfied_may_demand_a_further_reply(chamber):
    item = filed_interpellation(chamber, signers=12)
    _oral(chamber, item)
    services.record_oral_reply(by=chamber["staff"], interpellation=item, answered_by="局长",
                               now=at("2026-01-22", "16:00"))
    _rate(chamber, item, dissatisfied=6)
    # The sixth dissatisfied rating reaches half: the signers are told once.
    assert inbox(lead_of(chamber).user, "interpellation.rate").filter(title__contains="6 of the 12").count() == 1
    assert audit("interpellation.rate", item).count() == 12
    services.demand_further_reply(by=chamber["deputies"][2].user, interpellation=item)
    assert item.status == "further_demanded"
    entry = audit("interpellation.demand", item).get()
    assert (entry.data["signers"], entry.data["dissatisfied"]) == (12, 6)
    assert inbox(chamber["staff"], "interpellation.demand").exists()
    assert inbox(chamber["clerks"]["government"], "interpellation.demand").exists()


def test_res_2_twelve_signers_five_dissatisfied_may_not(chamber):
    item = filed_interpellation(chamber, signers=12)
    _oral(chamber, item)
    services.record_oral_reply(by=chamber["staff"], interpellation=item, answered_by="局长",
                               now=at("2026-01-22", "16:00"))
    _rate(chamber, item, dissatisfied=5)
    assert not inbox(lead_of(chamber).user, "interpellation.rate").exists()
    with pytest.raises(InvalidTransition) as refused:
        services.demand_further_reply(by=lead_of(chamber).user, interpellation=item)
    assert refused.value.details == {"signers": 12, "rated": 12, "dissatisfied": 5}
    services.close_interpellation(by=chamber["staff"], interpellation=item)
    assert item.status == "closed"
    assert audit("interpellation.close", item).exists()
    assert inbox(chamber["deputies"][7].user, "interpellation.close").exists()


def test_res_2_oral_then_a_further_written_reply_through_casework(chamber):
    item = filed_interpellation(chamber, signers=12)
    _oral(chamber, item)
    services.record_oral_reply(by=chamber["staff"], interpellation=item, answered_by="局长",
                               now=at("2026-01-22", "16:00"))
    _rate(chamber, item, dissatisfied=7)
    services.demand_further_reply(by=lead_of(chamber).user, interpellation=item)
    _written(chamber, item, now="2026-01-23", due=date(2026, 1, 30))
    assert (item.status, item.round) == ("awaiting_reply", 2)
    case = item.rounds.get(number=2).case
    assignment = Assignment.objects.get(case=case)
    assert (case.kind, assignment.unit, assignment.due_on, assignment.due_rule) == (
        "interpellation", chamber["government"], date(2026, 1, 30), "RES-2")
    _written_reply(chamber, item, now="2026-01-28")
    assert item.status == "replied"
    _rate(chamber, item, dissatisfied=12)
    with pytest.raises(InvalidTransition):  # one further reply only
        services.demand_further_reply(by=lead_of(chamber).user, interpellation=item)
    services.close_interpellation(by=chamber["staff"], interpellation=item)
    case.refresh_from_db()
    assert case.status == "closed"


# --- the written reply through casework --------------------------------------------------------------------


def test_res_2_written_reply_is_a_case_the_organs_clerk_answers(chamber):
    item = filed_interpellation(chamber, signers=12)
    _written(chamber, item)
    round_ = item.rounds.get()
    case = round_.case
    assert (case.kind, case.status) == ("interpellation", "assigned")
    assert case.recipients.count() == 12 and case.recipients.filter(is_lead=True).get().deputy == lead_of(chamber)
    assignment = Assignment.objects.get(case=case)
    assert (assignment.unit, assignment.due_on) == (chamber["government"], date(2026, 1, 23))
    assert inbox(chamber["clerks"]["government"], "interpellation.assign").exists()
    assert "in writing by 2026-01-23" in inbox(chamber["deputies"][4].user, "interpellation.decide").get().title
    with pytest.raises(NotAllowed):
        services.reply_to_interpellation(by=chamber["clerks"]["court"], interpellation=item, body="答复",
                                         letter=pdf(), signed_by="院长", now=at(DURING))
    _written_reply(chamber, item)
    round_.refresh_from_db()
    assert (item.status, round_.answered_by, round_.reply.reply_class) == ("replied", "局长 王某", "written")
    assert audit("interpellation.reply", item).exists()  # the interpellation's entry
    assert audit("interpellation.reply", case).exists()  # casework's entry on the case
    assert inbox(chamber["deputies"][6].user, "interpellation.reply").filter(title__contains="please rate").exists()


def test_res_2_a_written_reply_needs_the_signed_letter(chamber):
    item = filed_interpellation(chamber)
    _written(chamber, item)
    with pytest.raises(ValidationFailed) as refused:
        services.reply_to_interpellation(by=chamber["clerks"]["government"], interpellation=item, body="答复",
                                         letter=None, signed_by="局长", now=at(DURING))
    assert "letter" in refused.value.details


def test_res_2_further_written_reply_goes_back_to_the_organ_on_the_same_case(chamber):
    item = filed_interpellation(chamber, signers=12)
    _written(chamber, item)
    _written_reply(chamber, item)
    _rate(chamber, item, dissatisfied=6)
    services.demand_further_reply(by=lead_of(chamber).user, interpellation=item)
    _written(chamber, item, now="2026-01-23", due=date(2026, 1, 30))
    case = Case.objects.get()
    assert (case.status, case.round) == ("rehandling", 2)
    second = Assignment.objects.get(case=case, round=2)
    assert (second.unit, second.due_on, second.due_rule) == (chamber["government"], date(2026, 1, 30), "RES-2")
    outcome = Feedback.objects.get(case=case)
    assert (outcome.satisfaction, outcome.entered_by) == ("further_reply", chamber["staff"])
    assert item.rounds.get(number=2).case == case
    _written_reply(chamber, item, now="2026-01-29")
    services.close_interpellation(by=chamber["staff"], interpellation=item)
    case.refresh_from_db()
    assert case.status == "closed"


def test_res_2_written_then_oral_further_reply_closes_the_case(chamber):
    item = filed_interpellation(chamber, signers=12)
    _written(chamber, item)
    _written_reply(chamber, item)
    _rate(chamber, item, dissatisfied=6)
    services.demand_further_reply(by=lead_of(chamber).user, interpellation=item)
    _oral(chamber, item, now="2026-01-22")
    case = Case.objects.get()
    assert case.status == "closed"
    assert item.rounds.get(number=2).case is None


def test_res_2_closing_a_written_reply_closes_its_case(chamber):
    item = filed_interpellation(chamber)
    _written(chamber, item)
    _written_reply(chamber, item)
    services.close_interpellation(by=chamber["staff"], interpellation=item)
    assert Case.objects.get().status == "closed"


def test_casework_cannot_rate_close_merge_or_withdraw_the_interpellations_case(chamber):
    """RES-2 counts every signer: nobody settles the case through casework's own verbs."""
    item = filed_interpellation(chamber)
    _written(chamber, item)
    assert _written_reply(chamber, item).status == "replied"
    case = Case.objects.get()
    the_reply = item.rounds.get().reply
    with pytest.raises(NotAllowed):
        casework.rate_reply(by=lead_of(chamber).user, reply=the_reply, satisfaction="no_further_reply")
    with pytest.raises(NotAllowed):
        casework.close_case(by=chamber["staff"], case=case)
    with pytest.raises(NotAllowed):
        casework.withdraw_case(by=lead_of(chamber).user, case=case)
    with pytest.raises(NotAllowed):
        casework.rehandle_case(by=chamber["staff"], case=case)


# --- ratings ---------------------------------------------------------------------------------------


@pytest.fixture
def replied(chamber):
    item = filed_interpellation(chamber, signers=12)
    _oral(chamber, item)
    return services.record_oral_reply(by=chamber["staff"], interpellation=item, answered_by="局长",
                                      now=at("2026-01-22", "16:00"))


def test_only_signers_rate_once_each(chamber, replied):
    outsider = chamber["deputies"][13]
    with pytest.raises(NotAllowed):
        services.rate_interpellation_reply(by=outsider.user, interpellation=replied, satisfaction="satisfied")
    signer = chamber["deputies"][1]
    services.rate_interpellation_reply(by=signer.user, interpellation=replied, satisfaction="basically_satisfied")
    assert audit("interpellation.rate", replied).get().data["deputy"] == signer.pk
    with pytest.raises(InvalidTransition):
        services.rate_interpellation_reply(by=signer.user, interpellation=replied, satisfaction="dissatisfied")
    with pytest.raises(ValidationFailed):
        services.rate_interpellation_reply(by=chamber["deputies"][2].user, interpellation=replied,
                                           satisfaction="furious")


def test_staff_enter_a_signers_paper_rating(chamber, replied):
    signer = chamber["deputies"][4]
    services.rate_interpellation_reply(by=chamber["staff"], interpellation=replied, satisfaction="dissatisfied",
                                       deputy=signer)
    assert InterpellationRating.objects.get().entered_by == chamber["staff"]
    assert inbox(signer.user, "interpellation.rate").exists()
    with pytest.raises(ValidationFailed):
        services.rate_interpellation_reply(by=chamber["staff"], interpellation=replied, satisfaction="satisfied",
                                           deputy=chamber["deputies"][13])


def test_no_rating_before_the_reply(chamber):
    item = filed_interpellation(chamber)
    with pytest.raises(InvalidTransition):
        services.rate_interpellation_reply(by=lead_of(chamber).user, interpellation=item, satisfaction="satisfied")
