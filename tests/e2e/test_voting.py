"""Voting in the room in a real browser (issue 4): three deputies on phone-sized screens vote
on a resolution, the staff close the vote and the projector shows the result by itself; a
deputy who has voted cannot vote again. Three deputies, all checked in: a majority of all
deputies is 2 (RES-1, SESS-4)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from balloting.tests.factories import deputies_for, session_today
from core.accounts.roles import Role
from plenary import services as plenary
from plenary.models import Motion

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

TITLE = "关于测试市街道绿化的决议"


@pytest.fixture
def room(make_user):
    """A session meeting today, its roster taken and three deputies checked in."""
    session = session_today()
    staff = make_user(Role.STAFF)
    deputies = deputies_for(session, 3)
    plenary.open_session_roster(by=staff, session=session)
    for deputy in deputies:
        plenary.check_in(by=staff, session=session, deputy=deputy)
    return session, staff, deputies


def put_to_the_vote(session, staff) -> Motion:
    motion = plenary.create_motion(
        by=staff, session=session, kind=Motion.Kind.RESOLUTION, title=TITLE, method=Motion.Method.ELECTRONIC
    )
    plenary.submit_motion(by=staff, motion=motion)
    return plenary.open_motion_vote(by=staff, motion=motion)


def vote(page, choice: str) -> None:
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("radio", name=choice, exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", level=1, name="Your vote has been recorded")).to_be_visible()


def test_deputies_vote_from_phones_and_the_projector_shows_the_result(open_page, sign_in, room, live_server):
    session, staff, deputies = room
    phones = []
    for deputy in deputies:
        page = open_page(viewport=PHONE, language="en")
        sign_in(page, deputy.user)
        page.goto(reverse("balloting:my-votes"))
        expect(page.get_by_text("Nothing is open for your vote right now.")).to_be_visible()
        phones.append(page)

    motion = put_to_the_vote(session, staff)

    # "My votes now" refreshes itself (htmx, every 2 s): the vote appears without a reload.
    for page in phones:
        expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    projector = open_page(viewport=DESKTOP, language="en")
    sign_in(projector, staff)
    projector.goto(reverse("balloting:round-projector", args=[motion.round_id]))
    expect(projector.get_by_text("Voting is open")).to_be_visible()

    for page, choice in zip(phones, ["For", "For", "Against"], strict=True):
        vote(page, choice)

    # Counts stay hidden while open; the number who have voted updates by itself.
    expect(projector.locator('[data-progress="voted"]')).to_have_text("3")
    expect(projector.get_by_text("Adopted")).to_have_count(0)

    # A deputy who has voted cannot vote again.
    first = phones[0]
    first.goto(reverse("balloting:round-vote", args=[motion.round_id]))
    expect(first.get_by_text("You have already voted in this round.")).to_be_visible()
    expect(first.get_by_role("button", name="Cast my vote")).to_have_count(0)

    control = open_page(viewport=DESKTOP, language="en")
    sign_in(control, staff)
    control.goto(reverse("balloting:round-detail", args=[motion.round_id]))
    control.get_by_role("button", name="Close the vote and count").click()
    expect(control.get_by_text("The vote is closed and counted.")).to_be_visible()

    # The projector picks the result up by itself (it polls every 300 ms).
    expect(projector.get_by_text("Adopted", exact=True)).to_be_visible(timeout=3000)
    figures = projector.locator(".result-figures")
    expect(figures.locator(".result-for dd")).to_have_text("2")
    expect(figures.locator(".result-against dd")).to_have_text("1")
    expect(figures.locator(".result-abstain dd")).to_have_text("0")
    expect(projector).to_have_url(re.compile(r"/projector/$"))

    for page in [*phones, projector, control]:
        assert page.csp_violations == []


def test_the_ballot_warns_before_a_vote_that_would_be_void(open_page, sign_in, room):
    """ELEC-12: one seat, FOR a candidate and a written-in name are two choices: the page
    says so before anything is sent, and nothing is recorded."""
    from balloting import services as balloting
    from balloting.models import Ballot, Round

    session, staff, deputies = room
    round_ = balloting.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="市长选举", options=[("c1", "甲"), ("c2", "乙")],
        method=Round.Method.ELECTRONIC, write_ins=Round.WriteIns.ANYONE,
    )
    balloting.open_round(by=staff, round=round_)
    page = open_page(viewport=PHONE, language="en")
    sign_in(page, deputies[0].user)
    page.goto(reverse("balloting:round-vote", args=[round_.pk]))

    page.get_by_role("group", name="甲").get_by_role("radio", name="For").check()
    page.get_by_label("Another person (1)").fill("丙")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You chose too many")
    page.get_by_role("button", name="Cast my vote").click()
    expect(alert).to_be_focused()
    assert not Ballot.objects.filter(round=round_).exists()
    page.get_by_label("Another person (1)").fill("")
    expect(alert).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.csp_violations == []
