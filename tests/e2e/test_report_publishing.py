"""SUGG-8 in a real browser on a 390 px phone: staff publish a prepared handling report from
the reports page, through the confirmation step; the list then shows when it was published
and links the public copy, which a visitor finds on the public home. Nothing scrolls
sideways and nothing is blocked by the Content Security Policy."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.accounts.roles import Role
from core.accounts.tests.factories import UserFactory
from core.organisation.tests.factories import SessionFactory, TermFactory
from proposals.models import HandlingReport

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
TITLE = "测试市人民代表大会常务委员会关于市十六届人大五次会议代表建议、批评和意见办理情况的报告"


def fits(page) -> None:
    # Measured once the page and its fonts have settled: on a loaded machine the first layout
    # may still use a fallback font's widths.
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    assert page.csp_violations == []


@pytest.fixture
def prepared(db):
    """A prepared report, not yet published (written straight to the table: the services
    are tested in proposals/tests)."""
    term = TermFactory(is_current=True)
    session = SessionFactory(term=term)
    # A user name as long as the factory's sequence makes it late in a full run: the header
    # must not widen the page with it.
    staff = UserFactory(role=Role.STAFF, language="en", username="user27321")
    report = HandlingReport.objects.create(
        congress=term.congress,
        term=term,
        for_session=session,
        title=TITLE,
        prepared_by=staff,
        prepared_at=timezone.now(),
        data={"totals": {"suggestions": 0}},
    )
    return {"staff": staff, "report": report}


def test_staff_publish_a_report_on_a_phone_and_a_visitor_finds_it(open_page, sign_in, prepared):
    report = prepared["report"]
    page = open_page(viewport=PHONE_390, language="en")
    sign_in(page, prepared["staff"])
    page.goto(reverse("proposal_documents:report-list"))
    fits(page)
    page.get_by_role("link", name="Publish…").click()
    page.wait_for_url(f"**{reverse('proposal_documents:report-publish', args=[report.pk])}")
    expect(page.get_by_text("Publishing cannot be undone here.")).to_be_visible()
    fits(page)
    page.get_by_role("button", name="Publish the report").click()
    page.wait_for_url(f"**{reverse('proposal_documents:report-list')}")
    expect(page.get_by_text("was published")).to_be_visible()
    public_copy = reverse("proposal_documents:report-published", args=[report.pk])
    expect(page.locator(f'a[href="{public_copy}"]')).to_be_visible()
    expect(page.get_by_role("link", name="Publish…")).to_have_count(0)
    fits(page)

    visitor = open_page(viewport=PHONE_390, language="en")
    visitor.goto("/")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    fits(visitor)
