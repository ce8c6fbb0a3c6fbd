"""A suggestion walked through its life in a real browser (issue 3): a deputy on a
phone-sized screen drafts and submits it; staff register and assign it; the lead unit's
clerk replies; the deputy is dissatisfied, so it goes back to the unit (SUGG-7); the clerk
replies again and the deputy, satisfied, closes it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.accounts.roles import Role

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

SUBJECT = "关于测试市第一中学门前增设信号灯的建议"
CONTENT = "学校门前道路车流量大，学生上下学横穿马路危险，建议增设人行横道和交通信号灯。"
LETTER = {"name": "reply.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% signed\n%%EOF\n"}


@pytest.fixture
def people(make_user):
    from core.organisation.tests.factories import (
        CongressFactory,
        DelegationFactory,
        DeputyFactory,
        HandlingUnitFactory,
        TermFactory,
    )

    congress = CongressFactory()
    term = TermFactory(congress=congress, is_current=True)
    unit = HandlingUnitFactory(congress=congress, name="测试市交通运输局")
    HandlingUnitFactory(congress=congress, name="测试市教育局")
    deputy = DeputyFactory(delegation=DelegationFactory(term=term), name="张三",
                           user=make_user(Role.DEPUTY, language="en"))
    return {
        "deputy": deputy.user,
        "staff": make_user(Role.STAFF, language="en"),
        "clerk": make_user(Role.UNIT_CLERK, handling_unit=unit, language="en"),
        "unit": unit,
    }


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def reply(page, body: str) -> None:
    page.get_by_role("link", name="Write the reply").click()
    page.get_by_label("A: solved or essentially solved").check()
    page.get_by_label("Reply", exact=False).first.fill(body)
    page.get_by_label("Signed by").fill("王局长")
    page.get_by_label("Signed reply letter").set_input_files(LETTER)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("The reply was sent.")).to_be_visible()


def rate(page, satisfaction: str, comment: str = "") -> None:
    page.goto(reverse("web:home"))
    page.get_by_role("link", name="Rate this reply").first.click()
    fits_the_phone(page)
    page.get_by_label(satisfaction, exact=True).check()
    if comment:  # SUGG-7: a dissatisfied rating says what is unsatisfactory
        page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_text("your rating was recorded")).to_be_visible()


def test_a_suggestion_from_a_phone_to_a_satisfied_close(open_page, sign_in, people):
    # The deputy drafts and submits on a phone.
    phone = open_page(viewport=PHONE, language="en")
    sign_in(phone, people["deputy"])
    phone.get_by_role("link", name="New suggestion").click()
    fits_the_phone(phone)
    phone.get_by_label("Subject").fill(SUBJECT)
    phone.get_by_label("Suggestion", exact=False).first.fill(CONTENT)
    phone.get_by_role("button", name="Save the draft").click()
    expect(phone.get_by_role("heading", level=1, name=SUBJECT)).to_be_visible()
    phone.get_by_role("button", name="Submit the suggestion").click()
    expect(phone.get_by_text("The suggestion was submitted.")).to_be_visible()
    fits_the_phone(phone)

    # Staff register it and assign it to one lead unit.
    desk = open_page(viewport=DESKTOP, language="en")
    sign_in(desk, people["staff"])
    desk.goto(reverse("proposals:register-queue"))
    desk.get_by_role("link", name="Register", exact=True).click()
    desk.get_by_role("button", name="Register").click()
    expect(desk.get_by_text("The suggestion was registered.")).to_be_visible()
    desk.get_by_role("link", name="Assign to handling units").click()
    desk.get_by_label("Lead unit").select_option(label=people["unit"].name)
    desk.get_by_role("button", name="Assign").click()
    expect(desk.get_by_text("The suggestion was assigned")).to_be_visible()

    # The lead unit's clerk finds it on the unit's desk and replies.
    clerk = open_page(viewport=DESKTOP, language="en")
    sign_in(clerk, people["clerk"])
    clerk.goto(reverse("casework:assignment-list"))
    clerk.get_by_role("link", name=SUBJECT).click()
    reply(clerk, "经研究，将于明年增设信号灯。")

    # Dissatisfied: it goes back to the unit with a new deadline (SUGG-7).
    rate(phone, "Dissatisfied", "没有说明何时安装。")
    expect(phone.locator(".case-status", has_text="Being re-handled")).to_be_visible()

    clerk.reload()
    reply(clerk, "已重新办理：信号灯已安装。")

    # Satisfied: closed.
    rate(phone, "Satisfied")
    expect(phone.locator(".case-status", has_text="Closed")).to_be_visible()
    fits_the_phone(phone)
    assert phone.csp_violations == []
