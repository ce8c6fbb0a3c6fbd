"""proposals.services: a suggestion from draft to registration (or decline), each step audited
and notified, refused for the wrong person or state."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import rules as case_rules
from casework.models import Recipient
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.notify.models import Notification
from proposals import services
from proposals.models import Cosignature, Suggestion, SuggestionAttachment

from .conftest import at
from .factories import SuggestionCategoryFactory

pytestmark = pytest.mark.django_db


def audit(action, obj):
    return AuditEntry.objects.filter(action=action, target_id=str(obj.pk))


def inbox(user, action):
    return Notification.objects.filter(recipient=user, action=action)


@pytest.fixture
def draft(city, content):
    filer = city["deputies"][0]
    return services.create_draft(by=filer.user, subject="关于学校门前增设信号灯的建议", content=content,
                                 now=at("2026-03-02"))


@pytest.fixture
def submitted(draft, city):
    return services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft, now=at("2026-03-05"))


# --- drafting (SUGG-1) ------------------------------------------------------------------------


def test_sugg_1_a_deputy_drafts_a_suggestion(draft, city):
    filer = city["deputies"][0]
    assert (draft.status, draft.filed_by, draft.entered_by, draft.term) == (
        Suggestion.Status.DRAFT, filer, filer.user, city["term"])
    entry = audit("suggestion.create", draft).get()
    assert entry.actor_id == filer.user.pk and entry.after["filed_by"] == filer.pk


def test_sugg_1_staff_enter_a_paper_suggestion_for_a_deputy(city, content):
    suggestion = services.create_draft(by=city["staff"], filed_by=city["deputies"][1], subject="纸质建议",
                                       content=content)
    assert (suggestion.filed_by, suggestion.entered_by) == (city["deputies"][1], city["staff"])
    services.submit_suggestion(by=city["staff"], suggestion=suggestion)
    assert inbox(city["deputies"][1].user, "suggestion.submit").exists()


def test_sugg_1_a_deputy_out_of_office_cannot_file(city, content):
    deputy = city["deputies"][0]
    deputy.in_office, deputy.left_office_on = False, date(2026, 1, 1)
    deputy.save()
    with pytest.raises(NotAllowed):
        services.create_draft(by=deputy.user, subject="建议", content=content)


def test_sugg_1_a_deputy_files_only_for_themselves(city, content):
    with pytest.raises(NotAllowed):
        services.create_draft(by=city["deputies"][0].user, filed_by=city["deputies"][1], subject="x", content=content)


@pytest.mark.parametrize("who", ["citizen", "administrator"])
def test_sugg_1_others_cannot_file(city, content, who):
    with pytest.raises(NotAllowed):
        services.create_draft(by=city[who], filed_by=city["deputies"][0], subject="建议", content=content)


def test_sugg_1_a_vague_suggestion_is_not_submitted(city):
    draft = services.create_draft(by=city["deputies"][0].user, subject="建议", content="修路")
    with pytest.raises(ValidationFailed) as refused:
        services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft)
    assert "content" in refused.value.details
    draft.refresh_from_db()
    assert draft.status == Suggestion.Status.DRAFT


def test_update_draft_and_only_the_filer_edits(draft, city):
    updated = services.update_draft(by=city["deputies"][0].user, suggestion=draft, subject="新的题目")
    assert updated.subject == "新的题目"
    assert audit("suggestion.edit", draft).get().after == {"subject": "新的题目"}
    with pytest.raises(NotAllowed):
        services.update_draft(by=city["deputies"][1].user, suggestion=draft, subject="改")
    with pytest.raises(NotAllowed):  # a deputy's own draft is not staff's to edit
        services.update_draft(by=city["staff"], suggestion=draft, subject="改")


def test_a_category_is_required_once_the_congress_has_categories(draft, city):
    category = SuggestionCategoryFactory(congress=city["congress"], name="城市建设")
    with pytest.raises(ValidationFailed) as refused:
        services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft)
    assert "category" in refused.value.details
    services.update_draft(by=city["deputies"][0].user, suggestion=draft, category=category)
    assert services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft).category == category


def test_attachments_are_checked_and_removed(draft, city):
    filer = city["deputies"][0].user
    photo = SimpleUploadedFile("门口.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    attachment = services.add_attachment(by=filer, suggestion=draft, file=photo)
    assert (attachment.file_type, attachment.name) == ("png", "门口.png")
    assert audit("suggestion.attach", draft).get().data["type"] == "png"
    fake = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    with pytest.raises(ValidationFailed):
        services.add_attachment(by=filer, suggestion=draft, file=fake)
    services.remove_attachment(by=filer, attachment=attachment)
    assert not SuggestionAttachment.objects.exists()


# --- co-signing ---------------------------------------------------------------------------------


def test_cosigners_are_invited_and_confirm(draft, city):
    filer, cosigner = city["deputies"][0], city["deputies"][1]
    invitation = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=cosigner)
    assert inbox(cosigner.user, "cosignature.invite").exists()
    assert audit("cosignature.invite", draft).get().data["deputy"] == cosigner.pk
    services.confirm_cosignature(by=cosigner.user, cosignature=invitation)
    invitation.refresh_from_db()
    assert invitation.status == Cosignature.Status.CONFIRMED
    assert inbox(filer.user, "cosignature.confirm").exists()
    assert audit("cosignature.confirm", invitation).exists()


def test_only_the_invited_deputy_answers(draft, city):
    invitation = services.invite_cosigner(by=city["deputies"][0].user, suggestion=draft, deputy=city["deputies"][1])
    for user in (city["deputies"][2].user, city["deputies"][0].user, city["staff"]):
        with pytest.raises(NotAllowed):
            services.confirm_cosignature(by=user, cosignature=invitation)


def test_a_cosigner_may_decline_and_be_invited_again(draft, city):
    filer, cosigner = city["deputies"][0], city["deputies"][1]
    invitation = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=cosigner)
    services.decline_cosignature(by=cosigner.user, cosignature=invitation)
    assert inbox(filer.user, "cosignature.decline").exists()
    again = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=cosigner)
    assert (again.pk, again.status) == (invitation.pk, Cosignature.Status.INVITED)


def test_invitations_are_refused_for_the_filer_twice_or_after_submission(draft, city):
    filer = city["deputies"][0]
    with pytest.raises(ValidationFailed):
        services.invite_cosigner(by=filer.user, suggestion=draft, deputy=filer)
    services.invite_cosigner(by=filer.user, suggestion=draft, deputy=city["deputies"][1])
    with pytest.raises(ValidationFailed):
        services.invite_cosigner(by=filer.user, suggestion=draft, deputy=city["deputies"][1])
    services.submit_suggestion(by=filer.user, suggestion=draft)
    with pytest.raises(InvalidTransition):
        services.invite_cosigner(by=filer.user, suggestion=draft, deputy=city["deputies"][2])


# --- submission (SUGG-1) ------------------------------------------------------------------------


def test_sugg_1_between_sessions_it_goes_to_the_standing_committee(submitted, city):
    assert (submitted.status, submitted.session) == (Suggestion.Status.SUBMITTED, None)
    assert audit("suggestion.submit", submitted).get().after["status"] == "submitted"


def test_sugg_1_during_a_session_it_is_filed_to_that_session(draft, city):
    submitted = services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft, now=at("2026-01-21"))
    assert submitted.session == city["session"]


# --- registration (SUGG-2, SUGG-11) -------------------------------------------------------------


def test_sugg_2_staff_register_number_it_and_open_its_case(draft, city):
    filer, cosigner, invited = city["deputies"][0], city["deputies"][1], city["deputies"][2]
    invitation = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=cosigner)
    services.invite_cosigner(by=filer.user, suggestion=draft, deputy=invited)  # never answers
    services.confirm_cosignature(by=cosigner.user, cosignature=invitation)
    services.submit_suggestion(by=filer.user, suggestion=draft, now=at("2026-03-05"))
    registered = services.register_suggestion(by=city["staff"], suggestion=draft, now=at("2026-03-06"))
    assert (registered.status, registered.number) == (Suggestion.Status.REGISTERED, "2026-0001")
    case = registered.case
    assert (case.kind, case.status, case.title) == ("suggestion", case_rules.REGISTERED, registered.subject)
    owed = {(r.deputy, r.is_lead, r.owed_reply) for r in Recipient.objects.filter(case=case)}
    assert owed == {(filer, True, True), (cosigner, False, True)}  # SUGG-11 default: all
    assert audit("suggestion.register", registered).get().data["case"] == case.pk
    assert inbox(filer.user, "suggestion.register").exists()
    assert inbox(cosigner.user, "suggestion.register").exists()
    assert not inbox(invited.user, "suggestion.register").exists()


def test_sugg_11_joint_reply_to_lead_gives_cosigners_copies(draft, city):
    city["congress"].parameters = {"joint_reply_to": "lead"}
    city["congress"].save()
    invitation = services.invite_cosigner(by=city["deputies"][0].user, suggestion=draft, deputy=city["deputies"][1])
    services.confirm_cosignature(by=city["deputies"][1].user, cosignature=invitation)
    services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft)
    case = services.register_suggestion(by=city["staff"], suggestion=draft).case
    copy = Recipient.objects.get(case=case, deputy=city["deputies"][1])
    assert (copy.is_lead, copy.owed_reply) == (False, False)


def test_numbers_run_per_year(city, content):
    numbers = []
    for day in ("2026-12-30", "2026-12-31", "2027-01-02"):
        draft = services.create_draft(by=city["deputies"][0].user, subject="建议", content=content)
        services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft, now=at(day))
        numbers.append(services.register_suggestion(by=city["staff"], suggestion=draft, now=at(day)).number)
    assert numbers == ["2026-0001", "2026-0002", "2027-0001"]


@pytest.mark.parametrize("who", ["deputy", "clerk", "citizen", "administrator"])
def test_only_staff_register(submitted, city, who):
    user = {"deputy": city["deputies"][0].user, "clerk": city["clerks"][0]}.get(who) or city[who]
    with pytest.raises(NotAllowed):
        services.register_suggestion(by=user, suggestion=submitted)


def test_a_draft_is_not_registered(draft, city):
    with pytest.raises(InvalidTransition):
        services.register_suggestion(by=city["staff"], suggestion=draft)


def test_registration_happens_once(submitted, city):
    services.register_suggestion(by=city["staff"], suggestion=submitted)
    with pytest.raises(InvalidTransition):
        services.register_suggestion(by=city["staff"], suggestion=submitted)


# --- decline (SUGG-10) --------------------------------------------------------------------------


def test_sugg_10_declined_with_a_reason_the_deputy_sees(submitted, city):
    declined = services.decline_suggestion(by=city["staff"], suggestion=submitted, reason="personal_matter",
                                           note="属个人事项")
    assert (declined.status, declined.decline_reason, declined.case) == (
        Suggestion.Status.DECLINED, "personal_matter", None)
    title = inbox(city["deputies"][0].user, "suggestion.decline").get().title
    assert "A personal matter of the deputy or relatives" in title
    assert audit("suggestion.decline", declined).get().after["decline_reason"] == "personal_matter"


def test_sugg_10_a_reason_off_the_list_is_refused(submitted, city):
    with pytest.raises(ValidationFailed):
        services.decline_suggestion(by=city["staff"], suggestion=submitted, reason="too_long")
    submitted.refresh_from_db()
    assert submitted.status == Suggestion.Status.SUBMITTED


def test_sugg_10_a_citys_own_exclusion_list(submitted, city):
    city["congress"].parameters = {"sugg_exclusions": ["duplicate_of_last_year"]}
    city["congress"].save()
    with pytest.raises(ValidationFailed):
        services.decline_suggestion(by=city["staff"], suggestion=submitted, reason="personal_matter")
    declined = services.decline_suggestion(by=city["staff"], suggestion=submitted, reason="duplicate_of_last_year")
    assert declined.decline_reason == "duplicate_of_last_year"


# --- withdrawal (SUGG-10) -----------------------------------------------------------------------


def test_sugg_10_withdrawn_before_registration(submitted, city):
    withdrawn = services.withdraw_suggestion(by=city["deputies"][0].user, suggestion=submitted, note="书面撤回")
    assert withdrawn.status == Suggestion.Status.WITHDRAWN
    assert audit("suggestion.withdraw", withdrawn).exists()


def test_sugg_10_withdrawn_after_registration_ends_its_case(submitted, city):
    registered = services.register_suggestion(by=city["staff"], suggestion=submitted, now=at("2026-03-06"))
    services.assign_suggestion(by=city["staff"], suggestion=registered, lead=city["units"][0], now=at("2026-03-31"))
    services.withdraw_suggestion(by=city["deputies"][0].user, suggestion=registered)
    registered.refresh_from_db()
    registered.case.refresh_from_db()
    assert (registered.status, registered.case.status) == (Suggestion.Status.WITHDRAWN, case_rules.WITHDRAWN)
    assert inbox(city["clerks"][0], "suggestion.withdraw").exists()


def test_only_the_filer_or_staff_withdraws(submitted, city):
    for user in (city["deputies"][1].user, city["clerks"][0], city["administrator"]):
        with pytest.raises(NotAllowed):
            services.withdraw_suggestion(by=user, suggestion=submitted)
    assert services.withdraw_suggestion(by=city["staff"], suggestion=submitted,
                                        note="代表 2026-05-06 书面申请撤回").status == "withdrawn"


@pytest.mark.parametrize("note", ["", "  "])
def test_sugg_10_staff_record_a_withdrawal_only_with_the_deputys_request_noted(submitted, city, note):
    """SUGG-10: withdrawal is the deputy's act, in writing; staff only record the request."""
    with pytest.raises(ValidationFailed) as refused:
        services.withdraw_suggestion(by=city["staff"], suggestion=submitted, note=note)
    assert list(refused.value.details) == ["note"]
    submitted.refresh_from_db()
    assert submitted.status == Suggestion.Status.SUBMITTED
    assert not AuditEntry.objects.filter(action="suggestion.withdraw").exists()


def test_a_declined_suggestion_cannot_be_withdrawn(submitted, city):
    services.decline_suggestion(by=city["staff"], suggestion=submitted, reason="no_content")
    with pytest.raises(InvalidTransition):
        services.withdraw_suggestion(by=city["deputies"][0].user, suggestion=submitted)


# --- BILL-4 ------------------------------------------------------------------------------------


def test_bill_4_an_unplaced_bill_becomes_a_submitted_suggestion(city, content):
    filer, *signers = city["deputies"]
    suggestion = services.suggestion_from_bill(
        by=city["staff"], term=city["term"], filed_by=filer, cosigners=signers, subject="关于制定某条例的议案",
        content=content, session=city["session"], source_ref="议案第12号",
    )
    assert (suggestion.status, suggestion.source, suggestion.source_ref) == ("submitted", "bill", "议案第12号")
    assert set(suggestion.cosignatures.values_list("status", flat=True)) == {"confirmed"}
    assert audit("suggestion.convert", suggestion).get().after["cosigners"] == [d.pk for d in signers]
    registered = services.register_suggestion(by=city["staff"], suggestion=suggestion)
    assert Recipient.objects.filter(case=registered.case).count() == 4


def test_bill_4_refused_where_the_standing_committee_keeps_unplaced_bills(city, content):
    city["congress"].parameters = {"unplaced_bill_handling": "standing_committee"}
    city["congress"].save()
    with pytest.raises(InvalidTransition):
        services.suggestion_from_bill(by=city["staff"], term=city["term"], filed_by=city["deputies"][0],
                                      subject="议案", content=content)
    assert not Suggestion.objects.exists()


def test_bill_4_only_staff_convert(city, content):
    with pytest.raises(NotAllowed):
        services.suggestion_from_bill(by=city["deputies"][0].user, term=city["term"], filed_by=city["deputies"][0],
                                      subject="议案", content=content)


# --- categories ---------------------------------------------------------------------------------


def test_staff_configure_categories(city):
    category = services.create_category(by=city["staff"], congress=city["congress"], code="edu", name="教育")
    services.update_category(by=city["staff"], category=category, is_active=False)
    category.refresh_from_db()
    assert category.is_active is False
    assert audit("suggestion.categories", category).count() == 2
    with pytest.raises(ValidationFailed):
        services.create_category(by=city["staff"], congress=city["congress"], code="edu", name="教育二")
    with pytest.raises(NotAllowed):
        services.create_category(by=city["deputies"][0].user, congress=city["congress"], code="x", name="x")
