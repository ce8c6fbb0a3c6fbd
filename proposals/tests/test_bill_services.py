"""proposals.bill_services for bills: BILL-1..6, each step audited and notified, refused for
the wrong person, state or time."""

import pytest

from core.errors import DeadlinePassed, InvalidTransition, NotAllowed, ValidationFailed
from proposals import bill_services as services
from proposals.bill_models import Bill, BillSignature
from proposals.models import Suggestion

from .conftest import at
from .test_bill_fixtures import (
    DURING,
    audit,
    chamber_fixture,  # noqa: F401 - the `chamber` fixture
    draft_bill,
    filed_bill,
    inbox,
    lead_of,
)

pytestmark = pytest.mark.django_db


# --- BILL-1: who may file, what a bill states -----------------------------------------------------


def test_bill_1_ten_signers_file_a_bill(chamber):
    bill = filed_bill(chamber, signers=10)
    assert (bill.status, bill.serial) == (Bill.Status.FILED, 1)
    entry = audit("bill.file", bill).get()
    assert entry.actor_id == lead_of(chamber).user.pk and entry.data == {"signatures": 10, "needed": 10}
    assert inbox(chamber["deputies"][9].user, "bill.file").exists()
    assert inbox(chamber["staff"], "bill.file").exists()


def test_bill_1_nine_signers_are_refused_a_suggestion_at_most(chamber):
    bill = draft_bill(chamber, signers=9)
    with pytest.raises(ValidationFailed) as refused:
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at(DURING))
    assert "10" in refused.value.details["signatures"] and "9" in refused.value.details["signatures"]
    bill.refresh_from_db()
    assert bill.status == Bill.Status.DRAFT
    assert not audit("bill.file", bill).exists()


def test_bill_1_a_single_deputy_cannot_file(chamber):
    bill = draft_bill(chamber, signers=1)
    with pytest.raises(ValidationFailed) as refused:
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at(DURING))
    assert "signatures" in refused.value.details


@pytest.mark.parametrize("part", ["grounds", "proposal"])
def test_bill_1_a_bill_without_its_grounds_or_solution_is_refused(chamber, part):
    bill = draft_bill(chamber, signers=10, **{part: ""})
    with pytest.raises(ValidationFailed) as refused:
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at(DURING))
    assert list(refused.value.details) == [part]


def test_bill_1_a_bill_without_its_subject_is_refused(chamber):
    with pytest.raises(ValidationFailed) as refused:
        services.create_bill(by=lead_of(chamber).user, session=chamber["session"], subject=" ", now=at("2026-01-19"))
    assert "subject" in refused.value.details


def test_bill_1_a_signer_who_left_office_does_not_count(chamber):
    bill = draft_bill(chamber, signers=10)
    gone = chamber["deputies"][9]
    gone.in_office = False
    gone.save()
    with pytest.raises(ValidationFailed):
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at(DURING))


def test_bill_1_the_lead_deputy_drafts_and_signs_first(chamber):
    lead = lead_of(chamber)
    bill = services.create_bill(by=lead.user, session=chamber["session"], subject="议案", now=at("2026-01-19"))
    assert (bill.status, bill.lead_deputy, bill.filer_kind) == ("draft", lead, "deputies")
    assert list(bill.signatures.values_list("deputy", flat=True)) == [lead.pk]
    assert audit("bill.create", bill).get().after["lead_deputy"] == lead.pk


def test_bill_1_staff_enter_a_paper_bill_for_its_lead_deputy(chamber):
    lead = chamber["deputies"][3]
    bill = services.create_bill(by=chamber["staff"], session=chamber["session"], subject="纸质议案", lead_deputy=lead,
                                now=at("2026-01-19"))
    assert (bill.lead_deputy, bill.entered_by) == (lead, chamber["staff"])
    assert inbox(lead.user, "bill.create").exists()
    for deputy in chamber["deputies"][4:13]:
        services.sign_bill(by=chamber["staff"], bill=bill, deputy=deputy, now=at("2026-01-19"))
    assert bill.signatures.count() == 10
    assert BillSignature.objects.filter(bill=bill, entered_by=chamber["staff"]).count() == 10


def test_bill_1_an_organs_bill_is_filed_at_once_by_staff(chamber):
    bill = services.create_bill(
        by=chamber["staff"], session=chamber["session"], filer_kind="government", subject="关于预算的议案",
        grounds="依照预算法。", proposal="批准预算草案。", now=at(DURING),
    )
    assert (bill.status, bill.serial, bill.lead_deputy) == ("filed", 1, None)
    assert audit("bill.create", bill).get().after["status"] == "filed"
    assert inbox(chamber["other_staff"], "bill.create").get().title.startswith("Bill No. 1 was recorded")


def test_bill_1_an_organs_bill_states_its_three_parts(chamber):
    with pytest.raises(ValidationFailed) as refused:
        services.create_bill(by=chamber["staff"], session=chamber["session"], filer_kind="standing_committee",
                             subject="议案", now=at(DURING))
    assert set(refused.value.details) == {"grounds", "proposal"}


def test_bill_1_a_deputy_cannot_file_for_an_organ_or_lead_for_another(chamber):
    deputy = lead_of(chamber)
    with pytest.raises(NotAllowed):
        services.create_bill(by=deputy.user, session=chamber["session"], filer_kind="government", subject="x",
                             grounds="y", proposal="z", now=at(DURING))
    with pytest.raises(NotAllowed):
        services.create_bill(by=deputy.user, session=chamber["session"], subject="x",
                             lead_deputy=chamber["deputies"][1], now=at(DURING))


def test_bill_1_filing_outside_the_session_is_refused(chamber):
    bill = draft_bill(chamber)
    with pytest.raises(InvalidTransition):
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at("2026-01-19"))
    with pytest.raises(DeadlinePassed):
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at("2026-01-24"))


def test_signing_twice_and_signing_for_another_are_refused(chamber):
    bill = draft_bill(chamber, signers=2)
    signer = chamber["deputies"][1]
    with pytest.raises(ValidationFailed):
        services.sign_bill(by=signer.user, bill=bill)
    with pytest.raises(NotAllowed):
        services.sign_bill(by=signer.user, bill=bill, deputy=chamber["deputies"][2])


def test_a_signature_is_audited_and_the_lead_told_the_count(chamber):
    bill = draft_bill(chamber, signers=1)
    signature = services.sign_bill(by=chamber["deputies"][5].user, bill=bill, now=at("2026-01-19"))
    assert signature.deputy == chamber["deputies"][5]
    assert audit("bill.sign", bill).get().data["signatures"] == 2
    assert "(2 of 10 signatures)" in inbox(lead_of(chamber).user, "bill.sign").get().title


def test_a_signer_takes_back_their_signature_not_the_lead(chamber):
    bill = draft_bill(chamber, signers=3)
    services.unsign_bill(by=chamber["deputies"][2].user, bill=bill)
    assert bill.signatures.count() == 2
    assert audit("bill.unsign", bill).get().data["deputy"] == chamber["deputies"][2].pk
    assert inbox(lead_of(chamber).user, "bill.unsign").exists()
    with pytest.raises(ValidationFailed):
        services.unsign_bill(by=lead_of(chamber).user, bill=bill)


def test_the_lead_edits_the_draft_and_the_signers_are_told(chamber):
    bill = draft_bill(chamber, signers=2)
    services.update_bill(by=lead_of(chamber).user, bill=bill, proposal="新的方案")
    bill.refresh_from_db()
    assert bill.proposal == "新的方案"
    assert audit("bill.edit", bill).get().after == {"proposal": "新的方案"}
    assert inbox(chamber["deputies"][1].user, "bill.edit").exists()
    with pytest.raises(NotAllowed):
        services.update_bill(by=chamber["deputies"][1].user, bill=bill, proposal="x")


def test_a_dropped_draft_cannot_be_filed(chamber):
    bill = draft_bill(chamber, signers=10)
    services.abandon_bill(by=lead_of(chamber).user, bill=bill)
    assert audit("bill.abandon", bill).exists()
    assert inbox(chamber["deputies"][1].user, "bill.abandon").exists()
    with pytest.raises(InvalidTransition):
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at(DURING))


def test_filed_text_and_signatures_are_fixed(chamber):
    bill = filed_bill(chamber)
    with pytest.raises(InvalidTransition):
        services.update_bill(by=lead_of(chamber).user, bill=bill, subject="改")
    with pytest.raises(InvalidTransition):
        services.sign_bill(by=chamber["deputies"][12].user, bill=bill)


# --- BILL-2 / BILL-3: the presidium's decision ----------------------------------------------------------


def test_bill_3_referred_then_advised_then_placed_on_the_agenda(chamber):
    bill = filed_bill(chamber)
    staff = chamber["staff"]
    services.refer_bill(by=staff, bill=bill, committee="法制委员会")
    assert audit("bill.refer", bill).get().after["referred_to"] == "法制委员会"
    assert inbox(lead_of(chamber).user, "bill.refer").exists()  # BILL-3: deputies kept informed
    with pytest.raises(InvalidTransition):
        services.decide_bill(by=staff, bill=bill, decision="on_agenda")  # the advice comes first
    services.record_bill_advice(by=staff, bill=bill, advice="place", report="建议列入议程。")
    assert audit("bill.advise", bill).exists()
    assert inbox(chamber["deputies"][4].user, "bill.advise").exists()
    services.decide_bill(by=staff, bill=bill, decision="on_agenda")
    assert bill.status == Bill.Status.ON_AGENDA
    assert audit("bill.decide", bill).get().data == {"decision": "on_agenda", "from": "referred"}
    assert inbox(chamber["deputies"][9].user, "bill.decide").get().title.endswith("was placed on the agenda")


def test_bill_2_an_organs_bill_cannot_be_left_off_the_agenda(chamber):
    bill = services.create_bill(by=chamber["staff"], session=chamber["session"], filer_kind="presidium",
                                subject="议案", grounds="案据", proposal="方案", now=at(DURING))
    with pytest.raises(ValidationFailed) as refused:
        services.decide_bill(by=chamber["staff"], bill=bill, decision="not_on_agenda")
    assert "BILL-2" in refused.value.details["decision"]
    services.refer_bill(by=chamber["staff"], bill=bill, committee="财政经济委员会")
    services.record_bill_advice(by=chamber["staff"], bill=bill, advice="place", report="审议报告")
    services.decide_bill(by=chamber["staff"], bill=bill, decision="on_agenda")
    services.record_bill_result(by=chamber["staff"], bill=bill, adopted=True, for_votes=300, against_votes=5,
                              abstain_votes=2)
    assert (bill.status, bill.for_votes) == ("adopted", 300)
    assert audit("bill.record_result", bill).get().after["status"] == "adopted"


def test_only_staff_enter_the_presidiums_decisions(chamber):
    bill = filed_bill(chamber)
    for user in (lead_of(chamber).user, chamber["clerks"]["government"], chamber["administrator"]):
        with pytest.raises(NotAllowed):
            services.decide_bill(by=user, bill=bill, decision="on_agenda")
        with pytest.raises(NotAllowed):
            services.refer_bill(by=user, bill=bill, committee="法制委员会")


# --- BILL-4: a bill not placed on the agenda ------------------------------------------------------


def test_bill_4_not_on_the_agenda_becomes_a_suggestion_by_default(chamber):
    bill = filed_bill(chamber)
    services.decide_bill(by=chamber["staff"], bill=bill, decision="not_on_agenda")
    bill.refresh_from_db()
    assert (bill.status, bill.unplaced_handling) == ("not_on_agenda", "convert_to_suggestion")
    suggestion = bill.suggestion
    assert (suggestion.status, suggestion.source, suggestion.filed_by) == (
        Suggestion.Status.SUBMITTED, Suggestion.Source.BILL, lead_of(chamber))
    assert suggestion.subject == bill.subject and "养犬扰民" in suggestion.content
    assert suggestion.source_ref == "5-1"
    assert suggestion.cosignatures.count() == 9  # the other signers, confirmed
    assert audit("bill.decide", bill).get().data["suggestion"] == suggestion.pk
    assert audit("suggestion.convert", suggestion).exists()
    assert "handled as a suggestion" in inbox(chamber["deputies"][3].user, "bill.decide").get().title


def test_bill_4_where_the_standing_committee_keeps_unplaced_bills_no_suggestion_is_made(chamber):
    chamber["congress"].parameters = {"unplaced_bill_handling": "standing_committee"}
    chamber["congress"].save()
    bill = filed_bill(chamber)
    services.decide_bill(by=chamber["staff"], bill=bill, decision="not_on_agenda")
    bill.refresh_from_db()
    assert (bill.status, bill.unplaced_handling, bill.suggestion) == ("not_on_agenda", "standing_committee", None)
    assert not Suggestion.objects.exists()
    assert "standing committee" in inbox(lead_of(chamber).user, "bill.decide").get().title


def test_bill_4_the_referred_bill_the_committee_advised_against(chamber):
    bill = filed_bill(chamber)
    services.refer_bill(by=chamber["staff"], bill=bill, committee="教育科学文化卫生委员会")
    services.record_bill_advice(by=chamber["staff"], bill=bill, advice="not_place")
    services.decide_bill(by=chamber["staff"], bill=bill, decision="not_on_agenda")
    assert bill.status == "not_on_agenda" and bill.suggestion_id is not None


# --- BILL-5: withdrawal -----------------------------------------------------------------------------


@pytest.fixture
def on_agenda(chamber):
    bill = filed_bill(chamber)
    return services.decide_bill(by=chamber["staff"], bill=bill, decision="on_agenda")


def test_bill_5_withdrawn_at_the_filers_request_with_the_presidiums_consent(chamber, on_agenda):
    bill = on_agenda
    services.request_bill_withdrawal(by=lead_of(chamber).user, bill=bill, reason="情况已变化")
    assert audit("bill.request_withdrawal", bill).exists()
    assert inbox(chamber["staff"], "bill.request_withdrawal").exists()
    assert bill.status == "on_agenda" and bill.withdrawal_pending
    services.decide_bill_withdrawal(by=chamber["staff"], bill=bill, consent=True)
    assert bill.status == Bill.Status.WITHDRAWN and bill.withdrawn_at is not None
    assert audit("bill.withdraw", bill).get().data["consent"] is True
    assert inbox(chamber["deputies"][2].user, "bill.withdraw").get().title.endswith("is withdrawn")


def test_bill_5_without_the_presidiums_consent_the_bill_stays_on_the_agenda(chamber, on_agenda):
    bill = on_agenda
    services.request_bill_withdrawal(by=lead_of(chamber).user, bill=bill)
    services.decide_bill_withdrawal(by=chamber["staff"], bill=bill, consent=False)
    assert (bill.status, bill.withdrawal_requested_at) == ("on_agenda", None)
    assert audit("bill.withdraw", bill).get().data["consent"] is False
    assert "stays on the agenda" in inbox(lead_of(chamber).user, "bill.withdraw").get().title


def test_bill_5_no_withdrawal_without_the_filers_request(chamber, on_agenda):
    with pytest.raises(InvalidTransition):
        services.decide_bill_withdrawal(by=chamber["staff"], bill=on_agenda, consent=True)


def test_bill_5_no_withdrawal_after_the_vote(chamber, on_agenda):
    bill = on_agenda
    services.request_bill_withdrawal(by=lead_of(chamber).user, bill=bill)
    services.record_bill_result(by=chamber["staff"], bill=bill, adopted=False)
    assert bill.status == "rejected"
    assert inbox(lead_of(chamber).user, "bill.record_result").get().title.endswith("was not adopted")
    with pytest.raises(InvalidTransition):
        services.decide_bill_withdrawal(by=chamber["staff"], bill=bill, consent=True)
    with pytest.raises(InvalidTransition):
        services.request_bill_withdrawal(by=lead_of(chamber).user, bill=bill)


def test_bill_5_only_a_bill_on_the_agenda_is_withdrawn(chamber):
    bill = filed_bill(chamber)
    with pytest.raises(InvalidTransition):
        services.request_bill_withdrawal(by=lead_of(chamber).user, bill=bill)


def test_bill_5_only_the_lead_deputy_or_staff_ask(chamber, on_agenda):
    with pytest.raises(NotAllowed):
        services.request_bill_withdrawal(by=chamber["deputies"][3].user, bill=on_agenda)
    with pytest.raises(NotAllowed):
        services.decide_bill_withdrawal(by=lead_of(chamber).user, bill=on_agenda, consent=True)


# --- BILL-6: the filing deadline --------------------------------------------------------------------


def test_bill_6_filing_after_the_sessions_deadline_is_refused(chamber):
    chamber["session"].parameters = {"bill_deadline": "2026-01-21 18:00"}
    chamber["session"].save()
    bill = draft_bill(chamber)
    with pytest.raises(DeadlinePassed) as refused:
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at("2026-01-21", "18:01"))
    assert "2026-01-21 18:00" in str(refused.value.message)
    services.file_bill(by=lead_of(chamber).user, bill=bill, now=at("2026-01-21", "18:00"))
    assert bill.status == "filed"


def test_bill_6_without_a_deadline_filing_runs_to_the_end_of_the_session(chamber):
    bill = draft_bill(chamber)
    services.file_bill(by=lead_of(chamber).user, bill=bill, now=at("2026-01-23", "23:00"))
    assert bill.status == "filed"


def test_bill_6_an_unreadable_deadline_stops_filing_until_staff_correct_it(chamber):
    chamber["session"].parameters = {"bill_deadline": "after lunch"}
    chamber["session"].save()
    bill = draft_bill(chamber)
    with pytest.raises(InvalidTransition):
        services.file_bill(by=lead_of(chamber).user, bill=bill, now=at(DURING))


def test_bills_are_numbered_within_their_session(chamber):
    first = filed_bill(chamber)
    second = filed_bill(chamber)
    assert (first.serial, second.serial) == (1, 2)
