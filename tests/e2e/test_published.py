"""What has been published, in a real browser on a 390 px phone: a visitor finds an announced
election result, a counted vote and a published handling report on the public home, in
zh-hans and in English, follows each "see all" link to the kind's public list and the item's
link to its page; nothing scrolls sideways and nothing is blocked by the Content Security
Policy."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from balloting.models import Round
from core.accounts.roles import Role
from core.accounts.tests.factories import UserFactory
from core.organisation.tests.factories import SessionFactory, TermFactory
from elections.models import ElectionRound
from elections.tests.factories import ElectionFactory, OfficeFactory
from proposals.models import HandlingReport

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
#: Long titles, as real ones are: they must wrap, not widen the page.
MOTION = "关于测试市二〇二六年国民经济和社会发展计划执行情况与二〇二七年计划草案的决议"
REPORT = "测试市人民代表大会常务委员会关于市十六届人大五次会议代表建议、批评和意见办理情况的报告"


@pytest.fixture
def published_things(db):
    """One of each kind, published (written straight to the tables: each app's tests go
    through its services)."""
    term = TermFactory(is_current=True)
    session = SessionFactory(term=term)
    now = timezone.now()
    vote = Round.objects.create(
        session=session, kind=Round.Kind.MOTION, title=MOTION, status=Round.Status.COUNTED, counted_at=now
    )
    election = ElectionFactory(session=session, office=OfficeFactory(congress=term.congress))
    ballot = Round.objects.create(
        session=session, kind=Round.Kind.ELECTION, title="选举", status=Round.Status.COUNTED, counted_at=now
    )
    announced = ElectionRound.objects.create(
        election=election,
        number=1,
        stage=ElectionRound.Stage.FIRST,
        round=ballot,
        seats=1,
        outcome={"valid": True, "elected": []},
        announced_at=now,
    )
    report = HandlingReport.objects.create(
        congress=term.congress,
        term=term,
        for_session=session,
        title=REPORT,
        prepared_by=UserFactory(role=Role.STAFF),
        prepared_at=now,
        published_at=now,
    )
    return {"vote": vote, "election": announced, "report": report}


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    assert page.csp_violations == []


def see_all(kind: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext("See all: %(kind)s") % {"kind": translation.gettext(kind)}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_visitor_on_a_phone_finds_what_has_been_published(open_page, published_things, language):
    page = open_page(viewport=PHONE_390, language=language)
    page.goto("/")
    expect(page.get_by_role("link", name=MOTION)).to_be_visible()
    expect(page.get_by_role("link", name=REPORT)).to_be_visible()
    expect(page.get_by_role("link", name=str(published_things["election"].election.office))).to_be_visible()
    fits(page)

    for kind, url_name in (
        ("Election result announcements", "elections:results"),
        ("Results of votes", "balloting:public-results"),
        ("Reports on the handling of suggestions", "proposal_documents:published-report-list"),
    ):
        page.goto("/")
        page.get_by_role("link", name=see_all(kind, language)).click()
        page.wait_for_url(f"**{reverse(url_name)}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        fits(page)

    page.goto("/")
    page.get_by_role("link", name=MOTION).click()
    page.wait_for_url(f"**{reverse('balloting:public-result', args=[published_things['vote'].pk])}")
    expect(page.get_by_role("heading", level=1, name=MOTION)).to_be_visible()
