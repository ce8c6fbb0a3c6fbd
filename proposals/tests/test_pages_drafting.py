"""A deputy's pages before registration: draft, attach files (SEC-14: nothing marked secret),
invite co-signers who confirm or decline, submit, withdraw (SUGG-1, SUGG-10), and who may
open each of them."""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.audit.models import AuditEntry
from proposals import secrecy, services
from proposals.models import Cosignature, Suggestion, SuggestionAttachment

from . import flows
from .factories import CONTENT

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_with(text: str, *, split: bool = False) -> bytes:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph()
    if split:  # one mark over two formatting runs: 秘 | 密
        paragraph.add_run(text[:1])
        paragraph.add_run(text[1:]).bold = True
    else:
        paragraph.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(data: bytes = b"% a photo of the crossing") -> SimpleUploadedFile:
    return SimpleUploadedFile("crossing.pdf", b"%PDF-1.4\n" + data + b"\n%%EOF\n", content_type="application/pdf")


# --- drafting ---------------------------------------------------------------------------------------


def test_deputy_drafts_a_suggestion_and_lands_on_its_page(city):
    deputy = city["deputies"][0]
    response = signed_in(deputy.user).post(reverse("proposals:suggestion-create"), {
        "subject": "关于增设信号灯的建议", "content": CONTENT,
    })
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("proposals:suggestion-detail", args=[suggestion.pk])
    assert (suggestion.status, suggestion.filed_by) == (Suggestion.Status.DRAFT, deputy)
    assert AuditEntry.objects.filter(action="suggestion.create").count() == 1


def test_an_empty_subject_is_shown_on_the_form_and_nothing_is_saved(city):
    response = signed_in(city["deputies"][0].user).post(reverse("proposals:suggestion-create"), {"subject": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("role", ["unit_clerk", "citizen", "public", "administrator"])
def test_only_deputies_and_staff_may_open_the_draft_form(client_for, role):
    assert client_for(role).get(reverse("proposals:suggestion-create")).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("proposals:suggestion-create"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_staff_enter_a_paper_suggestion_for_a_named_deputy(city):
    deputy = city["deputies"][2]
    response = signed_in(city["staff"]).post(reverse("proposals:suggestion-create"), {
        "filed_by": deputy.pk, "subject": "纸质建议", "content": CONTENT,
    })
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.filed_by, suggestion.entered_by) == (deputy, city["staff"])


def test_filer_edits_the_draft_but_a_cosigner_may_not(city):
    suggestion = flows.draft(city)
    invitation = services.invite_cosigner(by=city["deputies"][0].user, suggestion=suggestion,
                                          deputy=city["deputies"][1])
    url = reverse("proposals:suggestion-edit", args=[suggestion.pk])
    response = signed_in(city["deputies"][0].user).post(url, {"subject": "新的标题", "content": CONTENT})
    assert response.status_code == 302
    assert flows.reread(suggestion).subject == "新的标题"
    assert signed_in(invitation.deputy.user).get(url).status_code == 403
    assert signed_in(city["deputies"][2].user).get(url).status_code == 404  # may not even see it


# --- attachments (SEC-14) -------------------------------------------------------------------------


def test_a_pdf_is_attached_downloaded_by_the_filer_and_removed(city):
    suggestion = flows.draft(city)
    filer = signed_in(city["deputies"][0].user)
    response = filer.post(reverse("proposals:suggestion-attach", args=[suggestion.pk]), {"file": pdf()})
    assert response.status_code == 302
    attachment = SuggestionAttachment.objects.get()
    download = filer.get(reverse("proposals:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert signed_in(city["deputies"][3].user).get(
        reverse("proposals:attachment-download", args=[attachment.pk])).status_code == 404
    filer.post(reverse("proposals:attachment-remove", args=[attachment.pk]))
    assert not SuggestionAttachment.objects.exists()


def test_a_file_of_another_type_is_refused_before_it_is_stored(city):
    suggestion = flows.draft(city)
    fake = SimpleUploadedFile("photo.png", b"not really a picture")
    response = signed_in(city["deputies"][0].user).post(
        reverse("proposals:suggestion-attach", args=[suggestion.pk]), {"file": fake})
    assert response.status_code == 422
    assert "not a genuine png file" in response.content.decode()
    assert not SuggestionAttachment.objects.exists()


@pytest.mark.parametrize("upload", [
    pytest.param(lambda: SimpleUploadedFile("机密-材料.pdf", b"%PDF-1.4\n%%EOF\n"), id="mark-in-name"),
    pytest.param(lambda: SimpleUploadedFile("a.docx", docx_with("秘密★一年", split=True)), id="mark-in-docx"),
    pytest.param(lambda: pdf(b"1 0 obj\nstream\n" + zlib.compress("绝密".encode("utf-16-be")) + b"\nendstream"),
                 id="mark-in-pdf-stream"),
])
def test_sec_14_a_file_bearing_a_secrecy_mark_is_refused_with_a_clear_message(city, upload):
    suggestion = flows.draft(city)
    response = signed_in(city["deputies"][0].user).post(
        reverse("proposals:suggestion-attach", args=[suggestion.pk]), {"file": upload()})
    assert response.status_code == 422
    page = response.content.decode()
    assert "material marked secret must never be uploaded here. Nothing was stored." in page
    assert "SEC-14" not in page  # rule IDs are for staff and code, not for deputies
    assert not SuggestionAttachment.objects.exists()


def test_sec_14_marks_are_found_in_text_and_ordinary_text_passes():
    assert secrecy.find_mark("机 密") == "机密"
    assert secrecy.find_mark("建议增设信号灯") is None
    plain = SimpleUploadedFile("a.docx", docx_with("建议增设信号灯"))
    assert secrecy.mark_in_upload(plain, "docx") is None
    marked = SimpleUploadedFile("a.txt", "内部 绝密 文件".encode("gb18030"))
    assert secrecy.mark_in_upload(marked, "txt") == "绝密"


def test_the_upload_forms_warn_about_secrecy_marks(city):
    suggestion = flows.draft(city)
    html = signed_in(city["deputies"][0].user).get(
        reverse("proposals:suggestion-detail", args=[suggestion.pk])).content.decode()
    assert "never upload material marked 秘密, 机密 or 绝密" in html


# --- co-signing ------------------------------------------------------------------------------------


def test_filer_invites_cosigners_who_confirm_on_their_invitation_page(city):
    suggestion = flows.draft(city)
    filer = signed_in(city["deputies"][0].user)
    page = filer.get(reverse("proposals:cosigner-invite", args=[suggestion.pk])).content.decode()
    assert "李四" in page and "张三 (" not in page  # the filer is not offered to themselves
    filer.post(reverse("proposals:cosigner-invite", args=[suggestion.pk]),
               {"deputies": [city["deputies"][1].pk, city["deputies"][2].pk]})
    assert Cosignature.objects.filter(suggestion=suggestion, status=Cosignature.Status.INVITED).count() == 2

    invitation = Cosignature.objects.get(deputy=city["deputies"][1])
    cosigner = signed_in(city["deputies"][1].user)
    assert "关于学校门前增设信号灯的建议" in cosigner.get(reverse("proposals:deputy-desk")).content.decode()
    answer_url = reverse("proposals:cosignature-answer", args=[invitation.pk])
    assert CONTENT in cosigner.get(answer_url).content.decode()
    cosigner.post(answer_url, {"answer": "confirm"})
    invitation.refresh_from_db()
    assert invitation.status == Cosignature.Status.CONFIRMED

    other = Cosignature.objects.get(deputy=city["deputies"][2])
    signed_in(city["deputies"][2].user).post(
        reverse("proposals:cosignature-answer", args=[other.pk]), {"answer": "decline"})
    other.refresh_from_db()
    assert other.status == Cosignature.Status.DECLINED


def test_an_invitation_is_answered_only_by_the_invited_deputy(city):
    suggestion = flows.draft(city)
    invitation = services.invite_cosigner(by=city["deputies"][0].user, suggestion=suggestion,
                                          deputy=city["deputies"][1])
    url = reverse("proposals:cosignature-answer", args=[invitation.pk])
    assert signed_in(city["deputies"][3].user).post(url, {"answer": "confirm"}).status_code == 404
    assert signed_in(city["deputies"][0].user).post(url, {"answer": "confirm"}).status_code == 403
    assert signed_in(city["clerks"][0]).get(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Cosignature.Status.INVITED


# --- submission and withdrawal ---------------------------------------------------------------------


def test_deputy_submits_and_the_suggestion_waits_for_registration(city):
    suggestion = flows.draft(city)
    response = signed_in(city["deputies"][0].user).post(
        reverse("proposals:suggestion-submit", args=[suggestion.pk]), follow=True)
    assert "The suggestion was submitted." in response.content.decode()
    assert flows.reread(suggestion).status == Suggestion.Status.SUBMITTED
    assert suggestion.pk in [s.pk for s in signed_in(city["staff"]).get(
        reverse("proposals:register-queue")).context["page"].object_list]


def test_sugg_1_a_suggestion_without_specific_content_is_not_submitted(city):
    suggestion = flows.draft(city, content="太短")
    response = signed_in(city["deputies"][0].user).post(
        reverse("proposals:suggestion-submit", args=[suggestion.pk]), follow=True)
    assert "Be specific: write at least 20 characters." in response.content.decode()
    assert flows.reread(suggestion).status == Suggestion.Status.DRAFT


def test_submit_is_refused_to_anyone_but_the_filer(city):
    suggestion = flows.draft(city)
    url = reverse("proposals:suggestion-submit", args=[suggestion.pk])
    assert signed_in(city["deputies"][1].user).post(url).status_code == 404
    assert signed_in(city["clerks"][0]).post(url).status_code == 403
    assert flows.reread(suggestion).status == Suggestion.Status.DRAFT


def test_sugg_10_filer_withdraws_an_assigned_suggestion_and_its_handling_ends(city):
    suggestion = flows.assigned(city)
    filer = signed_in(city["deputies"][0].user)
    url = reverse("proposals:suggestion-withdraw", args=[suggestion.pk])
    assert filer.get(url).status_code == 200
    filer.post(url, {"note": "问题已解决"})
    suggestion = flows.reread(suggestion)
    assert suggestion.status == Suggestion.Status.WITHDRAWN
    assert suggestion.case.status == "withdrawn"
    assert signed_in(city["deputies"][1].user).get(url).status_code == 404


# --- who may see a suggestion -------------------------------------------------------------------------


def test_a_draft_is_seen_by_its_filer_only(city):
    suggestion = flows.draft(city)
    url = reverse("proposals:suggestion-detail", args=[suggestion.pk])
    assert signed_in(city["deputies"][0].user).get(url).status_code == 200
    assert signed_in(city["deputies"][1].user).get(url).status_code == 404
    assert signed_in(city["staff"]).get(url).status_code == 404  # another's draft
    assert signed_in(city["clerks"][0]).get(url).status_code == 404


def test_a_clerk_sees_a_suggestion_once_it_is_assigned_to_the_unit(city):
    suggestion = flows.registered(city)
    url = reverse("proposals:suggestion-detail", args=[suggestion.pk])
    assert signed_in(city["clerks"][0]).get(url).status_code == 404
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0])
    assert signed_in(city["clerks"][0]).get(url).status_code == 200
    assert signed_in(city["clerks"][1]).get(url).status_code == 404


# --- what the deputy reads; withdrawal on the deputy's request (SUGG-1, SUGG-10) -------------------


def test_rule_ids_are_not_shown_on_the_deputys_new_suggestion_form(city):
    page = signed_in(city["deputies"][0].user).get(reverse("proposals:suggestion-create")).content.decode()
    assert "Be specific: describe the real situation and what should be done." in page
    assert "SUGG-" not in page


def test_sugg_1_the_deputy_sees_only_the_specific_error_when_submitting(city):
    """No generic "The input is not valid." before the reason, and no rule ID."""
    suggestion = flows.draft(city, content="太短")
    response = signed_in(city["deputies"][0].user).post(
        reverse("proposals:suggestion-submit", args=[suggestion.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Be specific: write at least 20 characters."]
    assert "The input is not valid." not in response.content.decode()


def test_sugg_10_staff_see_withdrawal_as_on_the_deputys_request(city):
    suggestion = flows.assigned(city)
    staff = signed_in(city["staff"])
    page = staff.get(reverse("proposals:suggestion-detail", args=[suggestion.pk])).content.decode()
    assert "Withdraw on the deputy's request" in page
    form = staff.get(reverse("proposals:suggestion-withdraw", args=[suggestion.pk])).content.decode()
    assert "Only the deputy may withdraw a suggestion, in writing." in form
    assert "your suggestion" not in form


def test_sugg_10_staff_withdraw_only_with_a_note_of_the_deputys_request_and_the_deputy_is_told(city):
    from core.notify.models import Notification

    suggestion = flows.assigned(city)
    staff = signed_in(city["staff"])
    url = reverse("proposals:suggestion-withdraw", args=[suggestion.pk])
    refused = staff.post(url, {"note": ""})
    assert refused.status_code == 422
    assert "note" in refused.context["form"].errors
    assert flows.reread(suggestion).status == Suggestion.Status.REGISTERED
    staff.post(url, {"note": "代表 2026-05-06 书面申请撤回"})
    suggestion = flows.reread(suggestion)
    assert (suggestion.status, suggestion.case.status) == (Suggestion.Status.WITHDRAWN, "withdrawn")
    entry = AuditEntry.objects.get(action="suggestion.withdraw", target_type="proposals.suggestion",
                                   target_id=str(suggestion.pk))
    assert entry.data["note"] == "代表 2026-05-06 书面申请撤回" and entry.data["on_request_of_filer"] is True
    told = Notification.objects.get(recipient=city["deputies"][0].user, action="suggestion.withdraw")
    assert "was withdrawn at your request" in told.title


def test_sugg_10_the_filer_withdraws_without_a_note_and_reads_it_as_their_own(city):
    suggestion = flows.assigned(city)
    filer = signed_in(city["deputies"][0].user)
    page = filer.get(reverse("proposals:suggestion-detail", args=[suggestion.pk])).content.decode()
    assert "Withdraw on the deputy" not in page
    url = reverse("proposals:suggestion-withdraw", args=[suggestion.pk])
    assert "Withdrawing ends the handling of your suggestion." in filer.get(url).content.decode()
    filer.post(url, {"note": ""})
    assert flows.reread(suggestion).status == Suggestion.Status.WITHDRAWN
