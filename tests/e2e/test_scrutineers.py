"""Scrutineers count a round of paper ballots in a real browser (ELEC-11..13, SEC-2): two of
them enter the same three sheets independently (one on a phone, partly by keyboard), one
sheet is read differently, the discrepancy page shows it and it is resolved, staff count,
and the result page names the elected candidate. Set up through the services: a session
whose four deputies are all checked in (a majority of all deputies is 3)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from balloting import services as balloting
from balloting.tests.factories import deputies_for, session_today
from core.accounts.roles import Role
from elections import services
from elections.models import Election, Office
from elections.tests.factories import NominationFactory, OfficeFactory
from plenary import services as plenary

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def counting(db, users, make_user):
    staff = users[Role.STAFF]
    staff.language = "en"
    staff.save(update_fields=["language"])
    session = session_today()
    deputies = deputies_for(session, 4, with_users=False)
    plenary.open_session_roster(by=staff, session=session)
    for deputy in deputies:
        plenary.check_in(by=staff, session=session, deputy=deputy)
    office = OfficeFactory(congress=session.term.congress, kind=Office.Kind.MAYOR, name="测试市市长")
    election = services.create_election(
        by=staff, session=session, office=office, seats=1, vote_method=Election.Method.PAPER,
        nominations_open_at=timezone.now() - datetime.timedelta(days=3),
    )
    NominationFactory(election=election, name="张三")
    NominationFactory(election=election, name="李四")
    scrutineers = [
        make_user(Role.DEPUTY, username="scrutineer-a", first_name="甲监票", language="en"),
        make_user(Role.DEPUTY, username="scrutineer-b", first_name="乙监票", language="en"),
    ]
    for user in scrutineers:
        services.appoint_scrutineer(by=staff, election=election, user=user)
    services.finalise_candidate_list(by=staff, election=election)
    election_round = election.rounds.get()
    services.open_election_round(by=staff, election_round=election_round)
    balloting.issue_ballots(by=staff, round=election_round.round, count=4)
    balloting.close_round(by=staff, round=election_round.round)
    return {"staff": staff, "scrutineers": scrutineers, "round": election_round}


def line(page, number, name):
    return page.get_by_role("group", name=f"{number}. {name}")


def enter_sheet(page, sheet, zhang, li):
    expect(page.get_by_label("Sheet number")).to_have_value(str(sheet))
    line(page, 1, "张三").get_by_label(zhang).check()
    line(page, 2, "李四").get_by_label(li).check()
    page.get_by_role("button", name="Save this sheet").click()
    expect(page.get_by_text(f"Sheet {sheet} entered.")).to_be_visible()


def test_scrutineers_enter_resolve_and_see_the_result(open_page, sign_in, counting):
    election_round = counting["round"]
    first, second = counting["scrutineers"]
    entry_url = reverse("elections:ballot-entry", args=[election_round.pk])

    # The first scrutineer, on a phone: sheet 1 by keyboard (1 = For, 2 = Against, Enter saves).
    page = open_page(viewport=PHONE, language="en")
    sign_in(page, first)
    page.goto(entry_url)
    expect(page.get_by_role("heading", level=1, name="Enter ballots")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(line(page, 1, "张三").get_by_label("Blank")).to_be_focused()
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Sheet 1 entered.")).to_be_visible()
    enter_sheet(page, 2, "For", "Against")
    enter_sheet(page, 3, "For", "Against")
    assert page.csp_violations == []

    # The second scrutineer reads sheet 2 differently.
    page = open_page(viewport=DESKTOP, language="en")
    sign_in(page, second)
    page.goto(entry_url)
    enter_sheet(page, 1, "For", "Against")
    enter_sheet(page, 2, "Abstain", "Against")
    enter_sheet(page, 3, "For", "Against")

    page.goto(reverse("elections:discrepancy-list", args=[election_round.pk]))
    sheet_two = page.get_by_role("region", name="Sheet 2")
    expect(sheet_two).to_be_visible()
    expect(sheet_two.get_by_role("row", name="张三 differs")).to_contain_text("Abstain")
    expect(page.get_by_role("region", name="Sheet 1")).to_have_count(0)
    page.get_by_role("link", name="Resolve sheet 2").click()
    page.get_by_label("The first reading").check()
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Sheet 2 is resolved.")).to_be_visible()
    assert page.csp_violations == []

    # Staff count; the result page names the elected candidate on a majority of all deputies.
    page = open_page(viewport=DESKTOP, language="en")
    sign_in(page, counting["staff"])
    page.goto(reverse("elections:round-detail", args=[election_round.pk]))
    page.get_by_role("button", name="Count").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Result")
    expect(page.locator(".elected")).to_contain_text("张三")
    majority = page.get_by_role("region", name="Threshold")
    expect(majority).to_contain_text("4")  # all deputies
    expect(majority).to_contain_text("3")  # the majority of all deputies
    assert page.csp_violations == []
