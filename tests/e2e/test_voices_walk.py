"""A citizen's message walked through a real browser (issue 5): a visitor on a phone-sized
screen writes without an account and gets a tracking number; staff confirm the routing the
text models suggested (SEC-10: a person decides); the citizen looks the number up and sees
it accepted and being handled."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.accounts.roles import Role

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

SUBJECT = "测试路三号路灯不亮"
BODY = "测试路三号门前的路灯坏了一个月，晚上很黑，老人小孩出行不安全，请尽快修理。"


@pytest.fixture
def city(make_user):
    from core.organisation.tests.factories import (
        CongressFactory,
        DistrictFactory,
        HandlingUnitFactory,
        TermFactory,
    )
    from voices.models import MessageCategory

    congress = CongressFactory()
    TermFactory(congress=congress, is_current=True)
    roads = HandlingUnitFactory(congress=congress, name="测试市交通运输局")
    schools = HandlingUnitFactory(congress=congress, name="测试市教育局")
    for name in ("水务局", "公安局", "民政局", "卫生健康委员会", "住房和城乡建设局", "园林局", "供热公司", "城管局"):
        HandlingUnitFactory(congress=congress, name="测试市" + name)
    return {
        "schools": schools,
        "district": DistrictFactory(congress=congress, name="测试东区"),
        "roads": roads,
        "lights": MessageCategory.objects.create(congress=congress, code="lights", name="路灯照明", unit=roads),
        "staff": make_user(Role.STAFF, language="en"),
    }


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_message_from_a_phone_to_its_routing(open_page, sign_in, city):
    from voices.models import Message
    from voices.rules import display_tracking_number

    # A visitor writes on a phone, without an account.
    phone = open_page(viewport=PHONE, language="en")
    phone.goto(reverse("voices:message-create"))
    expect(phone.get_by_role("heading", name="How your personal information is used")).to_be_visible()
    fits_the_phone(phone)
    phone.get_by_label("Subject").fill(SUBJECT)
    phone.get_by_label("Your message:", exact=True).fill(BODY)
    phone.get_by_label("District").select_option(label="测试东区")
    phone.get_by_label("Your name").fill("王小明")
    phone.get_by_label("Phone:", exact=True).fill("13812345678")
    phone.get_by_label("Your age").select_option(label="18 or over")
    phone.get_by_role("button", name="Send the message").click()
    expect(phone.get_by_role("heading", name="Your message was received")).to_be_visible()
    message = Message.objects.get()
    number = display_tracking_number(message.tracking_number)
    expect(phone.get_by_text(number, exact=True)).to_be_visible()
    fits_the_phone(phone)

    # What the text models would have suggested for it (SEC-10: only a suggestion).
    Message.objects.filter(pk=message.pk).update(
        suggested_category=city["lights"], suggested_unit=city["roads"],
        suggestion_reasons={"category": {"label": "lights", "confidence": 0.9, "reasons": [["路灯", 2.1]]},
                            "unit": {"label": str(city["roads"].pk), "confidence": 0.8, "reasons": [["路灯", 1.7]]}},
    )

    # Staff open it from the triage list and confirm the suggested routing.
    desk = open_page(viewport=DESKTOP, language="en")
    sign_in(desk, city["staff"])
    desk.goto(reverse("voices:message-list"))
    desk.get_by_role("link", name=SUBJECT).click()
    expect(desk.get_by_role("heading", name="What the text models suggest")).to_be_visible()
    expect(desk.get_by_label("Handling unit")).to_have_value(str(city["roads"].pk))
    desk.set_viewport_size(PHONE)  # the office's pages work on a phone too
    fits_the_phone(desk)
    desk.set_viewport_size(DESKTOP)
    # Ten units: the assisting units' list is narrowed by typing, and a unit ticked while the
    # list was narrowed is still sent once the narrowing is cleared.
    narrow = desk.get_by_label("Narrow the list")
    narrow.fill("教育")
    expect(desk.get_by_label("测试市水务局")).to_be_hidden()
    desk.get_by_label("测试市教育局").check()
    narrow.fill("水务")
    expect(desk.get_by_label("测试市教育局")).to_be_hidden()
    expect(desk.get_by_text("Ticked: 1")).to_be_visible()
    narrow.press("Enter")  # narrows only: the form is not sent half-filled
    expect(desk.get_by_label("测试市水务局")).to_be_visible()
    desk.get_by_role("button", name="Accept and route").click()
    expect(desk.get_by_text("The message was accepted and sent to the handling unit.")).to_be_visible()
    roles = dict(message.case.assignments.values_list("unit__name", "role"))
    assert roles == {"测试市交通运输局": "lead", "测试市教育局": "assisting"}

    # The citizen looks the number up on the phone and sees it routed.
    phone.get_by_role("link", name="Track this message").click()
    expect(phone.get_by_text("Being handled")).to_be_visible()
    expect(phone.get_by_text("Accepted and routed")).to_be_visible()
    phone.goto(reverse("voices:track"))
    phone.get_by_label("Tracking number").fill(number)
    phone.get_by_role("button", name="Look it up").click()
    expect(phone.get_by_text("Being handled")).to_be_visible()
    fits_the_phone(phone)
    assert phone.csp_violations == []
    assert desk.csp_violations == []


def test_a_deputy_takes_a_message_of_the_district_up_as_a_suggestion_on_a_phone(open_page, sign_in, city, make_user):
    """Issue 5, item 6: from the menu to the district's messages, to one of them, to a draft
    suggestion of the deputy's own without the citizen's phone number (SEC-6)."""
    from core.organisation.models import Term
    from core.organisation.tests.factories import DelegationFactory, DeputyFactory
    from proposals.models import Suggestion
    from voices import services

    term = Term.objects.get(is_current=True)
    deputy = make_user(Role.DEPUTY, language="en")
    DeputyFactory(delegation=DelegationFactory(term=term, district=city["district"]), user=deputy)
    services.receive_message(
        by=city["staff"], congress=term.congress, channel="phone", regime="hotline", subject=SUBJECT,
        body=BODY + "联系电话13812345678。", district=city["district"], notice_version="2026-11",
        classify=False, quiet=True,
    )

    page = open_page(viewport=PHONE, language="en")
    sign_in(page, deputy)
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="My district's messages").click()
    page.get_by_role("link", name=SUBJECT).click()
    page.get_by_role("button", name="Take it up as a suggestion").click()

    suggestion = Suggestion.objects.get()
    expect(page).to_have_url(re.compile(reverse("proposals:suggestion-edit", args=[suggestion.pk]) + "$"))
    content = page.locator("textarea[name=content]").input_value()
    assert "路灯坏了一个月" in content and "13812345678" not in content
    fits_the_phone(page)
    assert page.csp_violations == []
