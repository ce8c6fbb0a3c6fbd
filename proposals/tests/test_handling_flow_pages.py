"""The handling of a suggestion as the unit's clerk, the deputy and staff meet it, one
cycle through: the lead unit told of an assisting unit's view still outstanding (SUGG-5),
a view ended by the closing not shown as withdrawn, the heading following the case's state,
the re-handling unit shown why the deputy is dissatisfied (SUGG-7), the signed letter
marked required and asked for again after a refused form (SUGG-6), a rated reply shown
read-only (SUGG-7), the working days left and what "provisional" means (TIME-4/6), how a
longer period is obtained (SUGG-4), and the timeline putting a cause before its effect."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casework import rules as case_rules
from casework import selectors as case_selectors
from casework.models import Assignment, Feedback, Reply
from proposals import services

from . import flows
from .conftest import at

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(suggestion) -> str:
    return reverse("proposals:suggestion-detail", args=[suggestion.pk])


def reply_url(assignment) -> str:
    return reverse("proposals:assignment-reply", args=[assignment.pk])


def rate_url(reply) -> str:
    return reverse("proposals:reply-rate", args=[reply.pk])


def handling_panel(html: str) -> str:
    return html[html.index('id="handling-heading"') : html.index('id="replies-heading"')]


# --- SUGG-5: the lead unit and the assisting units' views -------------------------------------------


def test_sugg_5_the_lead_unit_is_told_an_assisting_units_view_is_still_outstanding(city):
    suggestion = flows.assigned(city, lead=0, assisting=[1])
    assisting = Assignment.objects.get(role=case_rules.ASSISTING)
    html = signed_in(city["clerks"][0]).get(reply_url(flows.lead_assignment(suggestion))).content.decode()
    assert "still outstanding. The lead unit replies after consulting the assisting units" in html
    assert f"{city['units'][1].name}: view due {assisting.due_on.isoformat()}" in html


def test_sugg_5_no_warning_once_the_assisting_unit_sent_its_view(city):
    suggestion = flows.assigned(city, lead=0, assisting=[1])
    assisting = Assignment.objects.get(role=case_rules.ASSISTING)
    signed_in(city["clerks"][1]).post(reply_url(assisting), {"body": "同意主办单位意见。"})
    html = signed_in(city["clerks"][0]).get(reply_url(flows.lead_assignment(suggestion))).content.decode()
    assert "still outstanding" not in html


def test_sugg_5_a_view_ended_by_the_closing_is_not_shown_as_withdrawn(city):
    suggestion = flows.rate(city, flows.replied(city, lead=0, assisting=[1]), "satisfied")
    assert flows.reread(suggestion).case.status == case_rules.CLOSED
    for user in (city["staff"], city["clerks"][1]):
        panel = handling_panel(signed_in(user).get(detail(suggestion)).content.decode())
        assert "No view sent: ended with the case" in panel
        assert "Withdrawn" not in panel


def test_sugg_5_the_clerks_list_does_not_call_an_ended_view_withdrawn(city):
    suggestion = flows.rate(city, flows.replied(city, lead=0, assisting=[1]), "satisfied")
    assert flows.reread(suggestion).case.status == case_rules.CLOSED
    html = (
        signed_in(city["clerks"][1]).get(reverse("casework:assignment-list") + "?state=all").content.decode()
    )
    assert "No view sent: ended with the case" in html
    assert "Withdrawn" not in html


def test_sugg_7_the_heading_of_a_closed_re_handled_suggestion_says_re_handled(city):
    suggestion = flows.rate(city, flows.replied(city, lead=0, assisting=[1]), "dissatisfied")
    panel = handling_panel(signed_in(city["staff"]).get(detail(suggestion)).content.decode())
    assert "being re-handled" in panel
    flows.answer(city, suggestion)
    suggestion = flows.rate(city, suggestion, "satisfied")
    assert suggestion.case.status == case_rules.CLOSED
    panel = handling_panel(signed_in(city["staff"]).get(detail(suggestion)).content.decode())
    assert "being re-handled" not in panel
    assert "Lead unit with assisting units · re-handled" in panel


# --- SUGG-7: the re-handling unit reads why -------------------------------------------------------------


def test_sugg_7_the_re_handling_reply_form_shows_the_rating_and_the_deputys_comment(city):
    suggestion = flows.rate(city, flows.replied(city), "dissatisfied", comment="充电桩位置仍未确定。")
    html = signed_in(city["clerks"][0]).get(reply_url(flows.lead_assignment(suggestion))).content.decode()
    assert "Why the suggestion is handled again" in html
    assert "Dissatisfied" in html
    assert "充电桩位置仍未确定。" in html


def test_the_first_reply_form_has_no_earlier_rating(city):
    suggestion = flows.assigned(city)
    html = signed_in(city["clerks"][0]).get(reply_url(flows.lead_assignment(suggestion))).content.decode()
    assert "Why the suggestion is handled again" not in html


# --- SUGG-6: the signed letter ------------------------------------------------------------------------


def test_sugg_6_the_signed_letter_and_its_signer_are_marked_required(city):
    suggestion = flows.assigned(city)
    html = signed_in(city["clerks"][0]).get(reply_url(flows.lead_assignment(suggestion))).content.decode()
    assert "Signed reply letter (required)" in html
    assert "Signed by (head of the unit, required)" in html


def test_sugg_6_after_a_refused_reply_the_clerk_is_told_to_choose_the_letter_again(city):
    suggestion = flows.assigned(city)
    response = signed_in(city["clerks"][0]).post(
        reply_url(flows.lead_assignment(suggestion)),
        {"reply_class": "A", "body": "", "signed_by": "局长", "letter": flows.pdf_letter()},
    )
    assert response.status_code == 422
    assert (
        "the file you chose was not kept: choose the letter again before sending."
        in response.content.decode()
    )
    assert not Reply.objects.exists()


def test_no_letter_notice_when_no_file_was_chosen(city):
    suggestion = flows.assigned(city)
    response = signed_in(city["clerks"][0]).post(
        reply_url(flows.lead_assignment(suggestion)),
        {"reply_class": "A", "body": "已落实。", "signed_by": "局长"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Attach the signed reply letter." in html
    assert "the file you chose was not kept" not in html


# --- SUGG-7: a rated reply is shown, not offered again ---------------------------------------------------


def test_sugg_7_a_rated_reply_of_a_closed_suggestion_shows_the_rating_without_a_form(city):
    suggestion = flows.rate(city, flows.replied(city), "satisfied")
    reply = Reply.objects.get()
    feedback = Feedback.objects.get()
    deputy = signed_in(city["deputies"][0].user)
    response = deputy.get(rate_url(reply))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rating of the reply" in html
    assert "<strong>Satisfied</strong>" in html
    assert f"rated on {feedback.rated_at.astimezone(case_rules.time_rules.LEGAL_ZONE):%Y-%m-%d}" in html
    assert 'name="satisfaction"' not in html and "Send my rating" not in html
    # Sending a form anyway changes nothing and shows the same page.
    again = deputy.post(rate_url(reply), {"satisfaction": "dissatisfied", "comment": "再评"})
    assert again.status_code == 409 and "<strong>Satisfied</strong>" in again.content.decode()
    assert Feedback.objects.count() == 1 and flows.reread(suggestion).case.status == case_rules.CLOSED


def test_sugg_7_staff_see_the_feedback_form_entered_read_only_once_rated(city):
    flows.rate(city, flows.replied(city), "basically_satisfied")
    html = signed_in(city["staff"]).get(rate_url(Reply.objects.get())).content.decode()
    assert "Rating on the feedback form" in html and "<strong>Basically satisfied</strong>" in html
    assert 'name="satisfaction"' not in html
    assert city["deputies"][0].name in html


def test_sugg_7_a_reply_waiting_for_the_rating_still_shows_the_form(city):
    flows.replied(city)
    html = signed_in(city["deputies"][0].user).get(rate_url(Reply.objects.get())).content.decode()
    assert 'name="satisfaction"' in html


def test_the_read_only_rating_is_refused_to_other_deputies_and_clerks(city):
    flows.rate(city, flows.replied(city), "satisfied")
    url = rate_url(Reply.objects.get())
    assert signed_in(city["deputies"][2].user).get(url).status_code == 404
    assert signed_in(city["clerks"][0]).get(url).status_code == 403


# --- TIME-4/6 and SUGG-4 on the clerk's case page ---------------------------------------------------------


def test_time_4_the_clerk_sees_the_working_days_left_and_what_provisional_means(city):
    suggestion = flows.assigned(city)
    assignment = flows.lead_assignment(suggestion)
    left = case_selectors.time_left(assignment.due_on)
    assert left.state == case_selectors.DAYS_LEFT and left.working_days > 1
    panel = handling_panel(signed_in(city["clerks"][0]).get(detail(suggestion)).content.decode())
    assert f"{left.working_days} working days left after today" in panel
    if assignment.due_provisional:
        assert (
            "Provisional: the official holiday schedule of a year the period runs through is not entered"
            in panel
        )


def test_time_6_an_overdue_reply_shows_no_days_left(city):
    suggestion = flows.registered(city)
    services.assign_suggestion(
        by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2025-01-06")
    )
    panel = handling_panel(signed_in(city["clerks"][0]).get(detail(suggestion)).content.decode())
    assert "Overdue" in panel
    assert "working days left" not in panel


def test_sugg_4_the_clerk_is_told_how_a_longer_period_is_obtained_staff_get_the_button(city):
    suggestion = flows.assigned(city)
    clerk_page = handling_panel(signed_in(city["clerks"][0]).get(detail(suggestion)).content.decode())
    assert "Need longer?" in clerk_page and "Ask the office in writing" in clerk_page
    assert "Approve the longer period" not in clerk_page
    staff_page = handling_panel(signed_in(city["staff"]).get(detail(suggestion)).content.decode())
    assert "Approve the longer period" in staff_page and "Need longer?" not in staff_page
    # Another unit's clerk is not told about this unit's period.
    other = handling_panel(
        signed_in(city["clerks"][1]).get(detail(flows.assigned(city, lead=1))).content.decode()
    )
    assert other.count("Need longer?") == 1


# --- the timeline: a cause before its effect --------------------------------------------------------------


def test_sugg_7_the_timeline_puts_the_dissatisfied_rating_before_the_re_handling_it_caused(city):
    suggestion = flows.rate(city, flows.replied(city), "dissatisfied")
    rated = Feedback.objects.get()
    again = flows.lead_assignment(suggestion)
    assert again.assigned_at == rated.rated_at  # written at the same instant
    html = signed_in(city["staff"]).get(detail(suggestion)).content.decode()
    timeline = html[html.index('id="timeline-heading"') :]
    unit = city["units"][0].name
    assert timeline.index(f"The reply of {unit} was rated") < timeline.index(
        f"Sent back to {unit} for re-handling"
    )
