"""Two things the test client cannot show.

- The inbox's "Mark as read" is sent by htmx: the unread count above the list and the menu's
  badge change at once, not after a reload (they stayed stale).
- The working-day calendar on a 390 px phone: each staff entry reads as a card, a date on one
  line (the table's columns were crushed to "202/7-/02-/08").
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from core.accounts.roles import Role

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}


def test_marking_a_notification_read_updates_the_count_and_the_badge_in_place(open_page, sign_in, users):
    from core.notify.services import notify

    deputy = users[Role.DEPUTY]
    for title in ("First notice", "Second notice"):
        notify(recipients=[deputy], action="x.y", title=title, email=False)
    page = open_page(language="en")
    sign_in(page, deputy)
    page.goto("/inbox/")
    summary = page.locator("#inbox-summary")
    badge = page.locator("#nav-unread")
    expect(summary).to_contain_text("2 unread notifications")
    expect(badge).to_contain_text("2")

    page.locator("li.notification", has_text="First notice").get_by_role(
        "button", name="Mark as read"
    ).click()
    expect(summary).to_contain_text("1 unread notification")
    expect(badge).to_contain_text("1")
    assert page.url.endswith("/inbox/")  # no reload: htmx swapped the parts

    page.locator("li.notification", has_text="Second notice").get_by_role(
        "button", name="Mark as read"
    ).click()
    expect(summary).to_contain_text("You have no unread notifications.")
    expect(badge.locator(".badge")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    assert page.csp_violations == []


def test_the_calendar_entries_read_as_cards_on_a_phone(open_page, sign_in, users):
    from core.workcalendar import services

    staff = users[Role.STAFF]
    services.holiday_add(
        by=staff, date=date(2027, 2, 8), kind="holiday", name="春节", note="国务院办公厅通知"
    )
    page = open_page(viewport=PHONE_390, language="en")
    sign_in(page, staff)
    page.goto("/calendar/?year=2027")
    day = page.locator("table.table-cards td time", has_text="2027-02-08")
    expect(day).to_be_visible()
    box = day.bounding_box()
    line = page.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight)", day.element_handle())
    assert box["height"] < 1.5 * line  # one line, not "202/7-/02-/08"
    kind = page.locator("table.table-cards td", has_text="Holiday (rest day)")
    assert kind.bounding_box()["height"] < 2.5 * line
    # Nothing sticks out sideways: the page does not scroll horizontally.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
