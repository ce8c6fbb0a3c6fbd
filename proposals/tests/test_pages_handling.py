"""Handling pages: register or decline (SUGG-2, SUGG-10), assign with due dates (SUGG-3/5),
the longer period (SUGG-4), the reply with its class and letter (SUGG-6), the rating and
re-handling (SUGG-7), key supervision (SUGG-9), merging (SUGG-11); each for the roles
allowed and refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from casework import rules as case_rules
from casework.models import Assignment, Feedback, Reply
from proposals import services
from proposals.models import Suggestion

from . import flows
from .conftest import at

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(suggestion) -> str:
    return reverse("proposals:suggestion-detail", args=[suggestion.pk])


# --- registration ------------------------------------------------------------------------------------


def test_staff_register_a_submitted_suggestion(city):
    suggestion = flows.submitted(city)
    staff = signed_in(city["staff"])
    url = reverse("proposals:suggestion-register", args=[suggestion.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(url, {"note": ""})
    assert response.status_code == 302 and response.url == detail(suggestion)
    suggestion = flows.reread(suggestion)
    assert suggestion.status == Suggestion.Status.REGISTERED and suggestion.number
    assert suggestion.pk in [s.pk for s in staff.get(reverse("proposals:assign-queue")).context["page"].object_list]


@pytest.mark.parametrize("who", ["filer", "clerk"])
def test_register_and_decline_are_refused_to_deputies_and_clerks(city, who):
    suggestion = flows.submitted(city)
    user = city["deputies"][0].user if who == "filer" else city["clerks"][0]
    for name in ("suggestion-register", "suggestion-decline"):
        assert signed_in(user).post(reverse(f"proposals:{name}", args=[suggestion.pk])).status_code == 403
    assert flows.reread(suggestion).status == Suggestion.Status.SUBMITTED


def test_sugg_10_declined_with_a_listed_reason_the_deputy_sees(city):
    suggestion = flows.submitted(city)
    staff = signed_in(city["staff"])
    url = reverse("proposals:suggestion-decline", args=[suggestion.pk])
    assert "A personal matter of the deputy or relatives" in staff.get(url).content.decode()
    staff.post(url, {"reason": "personal_matter", "note": "请通过信访渠道反映。"})
    html = signed_in(city["deputies"][0].user).get(detail(suggestion)).content.decode()
    assert "Not registered" in html
    assert "A personal matter of the deputy or relatives" in html
    assert "请通过信访渠道反映。" in html


def test_sugg_10_a_reason_outside_the_list_is_refused(city):
    suggestion = flows.submitted(city)
    response = signed_in(city["staff"]).post(
        reverse("proposals:suggestion-decline", args=[suggestion.pk]), {"reason": "dislike"})
    assert response.status_code == 422
    assert flows.reread(suggestion).status == Suggestion.Status.SUBMITTED


# --- assignment ---------------------------------------------------------------------------------------


def test_staff_assign_a_lead_and_an_assisting_unit_and_the_dates_show(city):
    suggestion = flows.registered(city)
    staff = signed_in(city["staff"])
    url = reverse("proposals:suggestion-assign", args=[suggestion.pk])
    page = staff.get(url).content.decode()
    assert "Lead or separate units reply by (SUGG-3)" in page
    response = staff.post(url, {"lead": city["units"][0].pk, "assisting": [city["units"][1].pk]})
    assert response.status_code == 302
    roles = dict(Assignment.objects.filter(case=flows.reread(suggestion).case).values_list("unit_id", "role"))
    assert roles == {city["units"][0].pk: case_rules.LEAD, city["units"][1].pk: case_rules.ASSISTING}


def test_sugg_5_a_lead_and_separate_units_at_once_are_refused_on_the_form(city):
    suggestion = flows.registered(city)
    response = signed_in(city["staff"]).post(reverse("proposals:suggestion-assign", args=[suggestion.pk]), {
        "lead": city["units"][0].pk, "separate": [city["units"][1].pk],
    })
    assert response.status_code == 422
    assert "Choose either a lead unit with assisting units, or units that handle it separately." in (
        response.content.decode())
    assert not Assignment.objects.exists()


def test_time_4_a_due_date_in_a_year_without_its_schedule_is_marked_provisional(city):
    """SUGG-3: assigned 2026-11-25, due 2027-02-25, a year chinese-calendar 1.11 does not
    know yet: shown as provisional."""
    suggestion = flows.registered(city)
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0],
                               now=at("2026-11-25"))
    html = signed_in(city["deputies"][0].user).get(detail(suggestion)).content.decode()
    assert '<time datetime="2027-02-25">2027-02-25</time> <strong class="badge badge-provisional"' in html


def test_time_4_the_timeline_marks_a_provisional_due_date_too(city):
    """TIME-4: a provisional date is marked wherever it is shown: the timeline says so, as
    the handling panel does."""
    suggestion = flows.registered(city)
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0],
                               now=at("2026-11-25"))
    html = signed_in(city["deputies"][0].user).get(detail(suggestion)).content.decode()
    timeline = html[html.index('id="timeline-heading"'):]
    assert "reply due 2027-02-25 (provisional)" in timeline


def test_assign_is_refused_to_clerks_and_deputies(city):
    suggestion = flows.registered(city)
    url = reverse("proposals:suggestion-assign", args=[suggestion.pk])
    assert signed_in(city["clerks"][0]).get(url).status_code == 403
    assert signed_in(city["deputies"][0].user).get(url).status_code == 403


def test_sugg_4_staff_approve_the_longer_period_a_clerk_may_not(city):
    suggestion = flows.registered(city)
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0],
                               now=at("2026-03-31"))
    # The ordinary date (2026-06-30) has passed by now: a fresh one is needed for approval.
    fresh = flows.assigned(city, subject="另一件建议")
    assignment = flows.lead_assignment(fresh)
    url = reverse("proposals:assignment-extend", args=[assignment.pk])
    assert signed_in(city["clerks"][0]).get(url).status_code == 403
    staff = signed_in(city["staff"])
    assert "Due with the longer period" in staff.get(url).content.decode()
    before = assignment.due_on
    staff.post(url, {"note": "涉及面广"})
    assignment.refresh_from_db()
    assert assignment.is_extended and assignment.due_on > before
    late = staff.post(reverse("proposals:assignment-extend", args=[flows.lead_assignment(suggestion).pk]),
                      {"note": "太晚"})
    assert late.status_code == 422  # DeadlinePassed, shown on the form
    assert "The extension had to be approved by 2026-06-30." in late.content.decode()


# --- replies and ratings ------------------------------------------------------------------------------


def reply_form(**extra):
    data = {"reply_class": "A", "body": "经研究，已落实。", "signed_by": "王局长",
            "letter": SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n")}
    data.update(extra)
    return data


def test_the_lead_units_clerk_replies_with_class_and_signed_letter(city):
    suggestion = flows.assigned(city, assisting=(1,))
    assignment = flows.lead_assignment(suggestion)
    url = reverse("proposals:assignment-reply", args=[assignment.pk])
    clerk = signed_in(city["clerks"][0])
    assert "Write the reply" in clerk.get(detail(suggestion)).content.decode()
    response = clerk.post(url, reply_form())
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert (reply.reply_class, reply.signed_by) == ("A", "王局长")
    assert flows.reread(suggestion).case.status == case_rules.REPLIED
    letter = signed_in(city["deputies"][0].user).get(reverse("proposals:reply-letter", args=[reply.pk]))
    assert letter.status_code == 200
    assert signed_in(city["deputies"][3].user).get(reverse("proposals:reply-letter", args=[reply.pk])).status_code == 404


def test_reply_is_refused_to_other_clerks_and_to_staff(city):
    suggestion = flows.assigned(city, assisting=(1,))
    url = reverse("proposals:assignment-reply", args=[flows.lead_assignment(suggestion).pk])
    assert signed_in(city["clerks"][1]).post(url, reply_form()).status_code == 403  # the assisting unit
    assert signed_in(city["clerks"][2]).post(url, reply_form()).status_code == 404  # not its case
    assert signed_in(city["staff"]).post(url, reply_form()).status_code == 403
    assert not Reply.objects.exists()


@pytest.mark.parametrize(("extra", "message"), [
    ({"letter": ""}, "Attach the signed reply letter."),
    ({"reply_class": "C"}, "Give the reason for class C."),
    ({"letter": SimpleUploadedFile("秘密函.pdf", b"%PDF-1.4\n%%EOF\n")}, "must never be uploaded here"),
])
def test_sugg_6_an_incomplete_reply_is_shown_on_the_form(city, extra, message):
    suggestion = flows.assigned(city)
    response = signed_in(city["clerks"][0]).post(
        reverse("proposals:assignment-reply", args=[flows.lead_assignment(suggestion).pk]), reply_form(**extra))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Reply.objects.exists()


def test_sugg_5_an_assisting_unit_sends_its_view_without_class_or_letter(city):
    suggestion = flows.assigned(city, assisting=(1,))
    assisting = Assignment.objects.get(case=suggestion.case, role=case_rules.ASSISTING)
    response = signed_in(city["clerks"][1]).post(
        reverse("proposals:assignment-reply", args=[assisting.pk]), {"body": "同意主办单位意见。"})
    assert response.status_code == 302
    assert Reply.objects.get().role == case_rules.ASSISTING
    # Internal to the units: the deputy does not see it.
    assert "同意主办单位意见。" not in signed_in(city["deputies"][0].user).get(detail(suggestion)).content.decode()


def test_sugg_7_dissatisfied_goes_back_to_the_unit_then_satisfied_closes(city):
    suggestion = flows.replied(city)
    deputy = signed_in(city["deputies"][0].user)
    reply = Reply.objects.get()
    assert "Rate this reply" in deputy.get(reverse("proposals:deputy-desk")).content.decode()
    deputy.post(reverse("proposals:reply-rate", args=[reply.pk]), {"satisfaction": "dissatisfied", "comment": "未解决"})
    suggestion = flows.reread(suggestion)
    assert (suggestion.case.status, suggestion.case.round) == (case_rules.REHANDLING, 2)
    again = flows.lead_assignment(suggestion)
    assert (again.round, again.due_rule) == (2, "SUGG-7")  # a new deadline for re-handling
    signed_in(city["clerks"][0]).post(reverse("proposals:assignment-reply", args=[again.pk]), reply_form(body="已重新办理。"))
    second = Reply.objects.get(round=2)
    deputy.post(reverse("proposals:reply-rate", args=[second.pk]), {"satisfaction": "satisfied"})
    assert flows.reread(suggestion).case.status == case_rules.CLOSED
    assert "Closed" in deputy.get(detail(suggestion)).content.decode()


def test_rating_is_refused_to_other_deputies_and_clerks(city):
    suggestion = flows.replied(city)
    url = reverse("proposals:reply-rate", args=[Reply.objects.get().pk])
    assert signed_in(city["deputies"][2].user).post(url, {"satisfaction": "satisfied"}).status_code == 404
    assert signed_in(city["clerks"][0]).post(url, {"satisfaction": "satisfied"}).status_code == 403
    assert not Feedback.objects.exists()
    assert flows.reread(suggestion).case.status == case_rules.REPLIED


def test_sugg_7_staff_enter_a_paper_feedback_form_for_the_filer(city):
    suggestion = flows.replied(city)
    url = reverse("proposals:reply-rate", args=[Reply.objects.get().pk])
    staff = signed_in(city["staff"])
    form = staff.get(url).context["form"]
    recipient = form.fields["recipient"].choices[0][0]
    staff.post(url, {"satisfaction": "basically_satisfied", "recipient": recipient})
    assert flows.reread(suggestion).case.status == case_rules.CLOSED


def test_sugg_7_staff_close_after_rehandling_without_waiting_for_the_rating(city):
    suggestion = flows.rate(city, flows.replied(city), "dissatisfied")
    flows.answer(city, suggestion)
    staff = signed_in(city["staff"])
    assert signed_in(city["deputies"][0].user).post(
        reverse("proposals:suggestion-close", args=[suggestion.pk])).status_code == 403
    response = staff.post(reverse("proposals:suggestion-close", args=[suggestion.pk]), follow=True)
    assert "The suggestion was closed." in response.content.decode()
    assert flows.reread(suggestion).case.status == case_rules.CLOSED


def test_sugg_7_rehandle_is_refused_without_a_dissatisfied_rating(city):
    suggestion = flows.replied(city)
    response = signed_in(city["staff"]).post(reverse("proposals:suggestion-rehandle", args=[suggestion.pk]),
                                             follow=True)
    assert "Re-handling follows a dissatisfied rating of the first reply." in response.content.decode()
    assert flows.reread(suggestion).case.status == case_rules.REPLIED
    assert signed_in(city["clerks"][0]).post(
        reverse("proposals:suggestion-rehandle", args=[suggestion.pk])).status_code == 403


# --- key supervision and merging ------------------------------------------------------------------------


def test_sugg_9_staff_make_it_a_key_supervised_item_and_end_it(city):
    suggestion = flows.assigned(city)
    url = reverse("proposals:suggestion-supervise", args=[suggestion.pk])
    staff = signed_in(city["staff"])
    staff.post(url, {"supervised": "on", "note": "主任会议决定"})
    assert flows.reread(suggestion).case.is_key_supervised
    assert "Key supervised" in signed_in(city["clerks"][0]).get(detail(suggestion)).content.decode()
    staff.post(url, {"supervised": ""})
    assert not flows.reread(suggestion).case.is_key_supervised
    assert signed_in(city["deputies"][0].user).post(url, {"supervised": "on"}).status_code == 403


def test_sugg_11_staff_merge_a_suggestion_and_its_filer_follows_the_merged_one(city):
    target = flows.assigned(city, subject="关于学校门前交通安全的建议")
    source = flows.registered(city, filer=1, subject="学校门口需要红绿灯")
    staff = signed_in(city["staff"])
    url = reverse("proposals:suggestion-merge", args=[source.pk])
    page = staff.get(url)
    assert target.number in page.content.decode()
    staff.post(url, {"target": target.pk, "note": "内容相同"})
    assert flows.reread(source).case.status == case_rules.MERGED
    html = signed_in(city["deputies"][1].user).get(detail(source)).content.decode()
    assert "You will receive the reply to it" in html and target.subject in html
    assert signed_in(city["deputies"][1].user).get(detail(target)).status_code == 200
    assert signed_in(city["clerks"][0]).get(url).status_code == 403


# --- what the deputy and the unit read (tester's findings) ----------------------------------------------


def in_chinese(user):
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    return signed_in(user)


def test_sugg_7_a_dissatisfied_rating_without_a_comment_is_refused_on_the_comment(city):
    """SUGG-7: re-handling starts from what the deputy found unsatisfactory; without it the
    page says so on the comment field, thanks nobody, and the suggestion still waits."""
    suggestion = flows.replied(city)
    response = signed_in(city["deputies"][0].user).post(
        reverse("proposals:reply-rate", args=[Reply.objects.get().pk]), {"satisfaction": "dissatisfied", "comment": " "})
    assert response.status_code == 422
    assert response.context["form"].errors["comment"] == [
        "Say what is unsatisfactory in the reply: the unit handles it again from what you write."]
    assert "your rating was recorded" not in response.content.decode()
    assert not Feedback.objects.exists()
    assert flows.reread(suggestion).case.status == case_rules.REPLIED


def test_sugg_7_the_unit_reads_what_the_deputy_found_unsatisfactory(city):
    suggestion = flows.replied(city)
    signed_in(city["deputies"][0].user).post(reverse("proposals:reply-rate", args=[Reply.objects.get().pk]),
                                             {"satisfaction": "dissatisfied", "comment": "没有说明信号灯何时安装。"})
    assert flows.reread(suggestion).case.status == case_rules.REHANDLING
    assert "没有说明信号灯何时安装。" in signed_in(city["clerks"][0]).get(detail(suggestion)).content.decode()


def test_rule_ids_are_not_shown_to_the_deputy_and_the_unit(city):
    """Rule IDs (SUGG-6, SUGG-7) are for staff and code: the reply form a clerk fills in and
    the rating page a deputy reads do not show them."""
    suggestion = flows.assigned(city)
    reply_page = signed_in(city["clerks"][0]).get(
        reverse("proposals:assignment-reply", args=[flows.lead_assignment(suggestion).pk])).content.decode()
    assert "The reply is a formal letter signed by the head of the unit." in reply_page
    assert "Required for classes C and D." in reply_page
    flows.answer(city, suggestion)
    rate_page = signed_in(city["deputies"][0].user).get(
        reverse("proposals:reply-rate", args=[Reply.objects.get().pk])).content.decode()
    assert "If you are dissatisfied, say what is unsatisfactory" in rate_page
    for page in (reply_page, rate_page):
        assert "SUGG-" not in page


def chinese(label) -> str:
    """The zh-hans text of a lazy label; it must be a translation, not the English msgid."""
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        text = str(label)
    assert text != english, f"no zh-hans translation of {english!r}"
    return text


def test_sugg_6_reply_classes_are_shown_in_chinese(city):
    """SUGG-6: the class labels on the clerk's reply form, on the deputy's rating page and in
    the timeline are in the user's language (they were in English)."""
    suggestion = flows.assigned(city)
    form = in_chinese(city["clerks"][0]).get(
        reverse("proposals:assignment-reply", args=[flows.lead_assignment(suggestion).pk])).content.decode()
    for label in case_rules.REPLY_CLASS_LABELS.values():
        assert chinese(label) in form
    assert chinese(case_rules.REPLY_CLASS_LABELS["A"]).startswith("A：已解决或基本解决")
    assert "solved or essentially solved" not in form
    flows.answer(city, suggestion, reply_class="B")
    deputy = in_chinese(city["deputies"][0].user)
    b_class = chinese(case_rules.REPLY_CLASS_LABELS["B"])
    assert b_class in deputy.get(reverse("proposals:reply-rate", args=[Reply.objects.get().pk])).content.decode()
    page = deputy.get(detail(suggestion)).content.decode()
    assert b_class in page and "being solved or planned" not in page


@pytest.mark.parametrize(("assisting", "shown", "not_shown"), [
    ((), "Lead unit alone", "Lead unit with assisting units"),
    ((1,), "Lead unit with assisting units", "Lead unit alone"),
])
def test_sugg_5_the_handling_shown_matches_the_units_assigned(city, assisting, shown, not_shown):
    suggestion = flows.assigned(city, assisting=assisting)
    for user in (city["deputies"][0].user, city["staff"]):
        page = signed_in(user).get(detail(suggestion)).content.decode()
        assert shown in page and not_shown not in page


def test_sugg_5_after_re_handling_the_lead_unit_still_has_its_assisting_units(city):
    suggestion = flows.rate(city, flows.replied(city, assisting=(1,)), "dissatisfied")
    page = signed_in(city["deputies"][0].user).get(detail(suggestion)).content.decode()
    assert "Lead unit with assisting units · being re-handled" in page


def test_sugg_5_a_lead_unit_alone_is_shown_in_chinese(city):
    suggestion = flows.assigned(city)
    page = in_chinese(city["deputies"][0].user).get(detail(suggestion)).content.decode()
    labels = case_rules.ARRANGEMENT_LABELS
    assert chinese(labels[case_rules.LEAD_ALONE]) in page
    assert chinese(labels[case_rules.LEAD_ASSISTING]) not in page  # 主办单位会同协办单位办理
