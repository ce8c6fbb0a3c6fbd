"""A motion voted on paper (RES-1 `vote_method` = paper), from the motion's page through the
balloting pages and back: put to the vote → closed → ballots issued recorded (ELEC-11) → two
scrutineers enter every sheet, a sheet read differently is resolved → counted → signed
(SEC-2) → the result recorded on a majority of all deputies (RES-1, SESS-4). Six deputies of
an invented city, all checked in: FOR from 4 of them adopts."""

import pytest
from django.test import Client
from django.urls import reverse

from core.accounts.roles import Role
from plenary import services
from plenary.models import Motion

pytestmark = pytest.mark.django_db

TITLE = "关于测试市预算的决议"


@pytest.fixture
def sitting(session, staff, deputies):
    """The roster taken and every deputy checked in today."""
    services.open_session_roster(by=staff, session=session)
    for deputy in deputies:
        services.check_in(by=staff, session=session, deputy=deputy)
    return session


@pytest.fixture
def desk(staff):
    return signed_in(staff)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def motion(sitting, staff, desk):
    """A paper motion put to the vote from its page."""
    motion = services.create_motion(
        by=staff, session=sitting, kind=Motion.Kind.RESOLUTION, title=TITLE, method=Motion.Method.PAPER
    )
    services.submit_motion(by=staff, motion=motion)
    assert desk.post(reverse("plenary:motion-open", args=[motion.pk])).status_code == 302
    motion.refresh_from_db()
    assert motion.status == Motion.Status.VOTING and motion.round.method == "paper"
    return motion


def page_of(client, motion) -> str:
    return client.get(reverse("plenary:motion-detail", args=[motion.pk])).content.decode()


def motion_url(motion) -> str:
    return reverse("plenary:motion-detail", args=[motion.pk])


def voting(name, motion, *args) -> str:
    return reverse(f"balloting:{name}", args=[motion.round_id, *args])


def appoint(desk, motion, deputies):
    """Two deputies, chosen by the session, appointed by their deputy numbers (SEC-2)."""
    for deputy in deputies:
        assert desk.post(voting("round-scrutineers", motion), {"account": deputy.code}).status_code == 302
    return [signed_in(deputy.user) for deputy in deputies]


def close_and_issue(desk, motion, issued):
    """Close the vote on the motion's page, then record the ballots issued and come back."""
    response = desk.post(reverse("plenary:motion-close", args=[motion.pk]))
    assert response["Location"] == motion_url(motion)
    response = desk.post(voting("round-issue", motion), {"count": issued, "next": motion_url(motion)})
    assert response.status_code == 302 and response["Location"] == motion_url(motion)


def enter(client, motion, sheet, mark):
    response = client.post(voting("round-enter", motion), {"sheet_number": sheet, "mark_1": mark})
    assert response.status_code == 302, response.content.decode()


def enter_all(scrutineers, motion, marks, second=None):
    """Each scrutineer enters every sheet; `second` gives the second reading where it differs."""
    for number, mark in enumerate(marks, start=1):
        enter(scrutineers[0], motion, number, mark)
        enter(scrutineers[1], motion, number, (second or {}).get(number, mark))


def decide(desk, motion):
    desk.post(reverse("plenary:motion-decide", args=[motion.pk]))
    motion.refresh_from_db()
    return motion


# --- the whole vote ------------------------------------------------------------------------------


def test_res_1_a_paper_motion_is_voted_counted_signed_and_adopted(motion, desk, deputies):
    """Sheets 4 FOR, 1 AGAINST, 1 blank; sheet 6 read as AGAINST and blank and resolved on
    the sheet in hand as blank. FOR from 4 of all 6 deputies: adopted (RES-1, SESS-4)."""
    page = page_of(desk, motion)
    assert "cannot be entered on these pages yet" not in page
    assert "Your next step:</strong> Appoint at least two scrutineers" in page
    scrutineers = appoint(desk, motion, deputies[:2])
    assert "Your next step:</strong> Close the vote" in page_of(desk, motion)
    close_and_issue(desk, motion, 6)
    page = page_of(desk, motion)
    assert "Waiting for: Enter each returned sheet twice" in page

    enter_all(scrutineers, motion, ["for", "for", "for", "for", "against", ""], second={6: "against"})
    # The staff resolve sheet 6 (both readings side by side, the sheet in hand).
    page = desk.get(voting("round-discrepancies", motion)).content.decode()
    assert "Sheet 6" in page and "Sheet 5" not in page
    response = desk.post(voting("round-sheet-resolve", motion, 6), {"use": "1", "note": "核对原票：空白"})
    assert response.status_code == 302
    assert "Your next step:</strong> Count the vote" in page_of(desk, motion)

    response = desk.post(voting("round-count", motion), {"next": motion_url(motion)})
    assert response["Location"] == motion_url(motion)
    page = page_of(desk, motion)
    assert "Counted, not yet recorded" in page and "Waiting for: Scrutineers sign" in page
    # SEC-2: the result is not recorded before every scrutineer has signed.
    assert decide(desk, motion).status == Motion.Status.VOTING

    assert (
        "Your next step:</strong> Scrutineers sign"
        in scrutineers[0].get(voting("round-detail", motion)).content.decode()
    )
    for client in scrutineers:
        response = client.post(voting("round-sign", motion))
        assert response.status_code == 302
    assert "Your next step:</strong> Record the result" in page_of(desk, motion)

    motion = decide(desk, motion)
    assert (motion.status, motion.for_votes, motion.against_votes, motion.abstain_votes) == (
        Motion.Status.ADOPTED,
        4,
        1,
        1,
    )
    assert (motion.all_deputies, motion.threshold) == (6, 4)
    page = page_of(desk, motion)
    assert "Adopted" in page and "Ballots issued 6, returned 6, valid 6, void 0." in page
    assert "Every step is done." in page


def test_sess_4_three_for_of_six_is_not_adopted(motion, desk, deputies):
    """3 FOR, 1 AGAINST, 2 abstaining: a majority of those voting, not of all deputies."""
    scrutineers = appoint(desk, motion, deputies[:2])
    close_and_issue(desk, motion, 6)
    enter_all(scrutineers, motion, ["for", "for", "for", "against", "abstain", "abstain"])
    desk.post(voting("round-count", motion))
    for client in scrutineers:
        client.post(voting("round-sign", motion))
    motion = decide(desk, motion)
    assert (motion.status, motion.for_votes, motion.threshold) == (Motion.Status.REJECTED, 3, 4)
    assert "Not adopted" in page_of(desk, motion)


# --- the refusals ----------------------------------------------------------------------------------


def test_elec_11_no_sheet_is_entered_before_the_close_or_before_the_ballots_issued(motion, desk, deputies):
    scrutineers = appoint(desk, motion, deputies[:2])
    page = scrutineers[0].get(voting("round-enter", motion)).content.decode()
    assert "Ballots are entered once the paper vote is closed." in page
    assert (
        scrutineers[0].post(voting("round-enter", motion), {"sheet_number": 1, "mark_1": "for"}).status_code
        == 422
    )
    desk.post(reverse("plenary:motion-close", args=[motion.pk]))
    page = page_of(desk, motion)
    assert "Your next step:</strong> Record the ballots issued" in page
    response = scrutineers[0].post(voting("round-enter", motion), {"sheet_number": 1, "mark_1": "for"})
    assert response.status_code == 422
    assert (
        "Record the ballots issued before the returned sheets are entered (ELEC-11)."
        in response.content.decode()
    )


def test_elec_11_the_ballots_issued_cannot_change_after_the_close(motion, desk, deputies):
    appoint(desk, motion, deputies[:2])
    close_and_issue(desk, motion, 5)
    response = desk.post(voting("round-issue", motion), {"count": 6, "next": motion_url(motion)})
    assert response.status_code == 422
    assert "can no longer be changed" in response.content.decode()
    motion.round.refresh_from_db()
    assert motion.round.ballots_issued == 5


def test_elec_11_more_returned_than_issued_voids_the_vote_and_the_motion_is_voted_again(
    motion, desk, deputies
):
    scrutineers = appoint(desk, motion, deputies[:2])
    close_and_issue(desk, motion, 2)
    enter_all(scrutineers, motion, ["for", "for", "for"])
    desk.post(voting("round-count", motion), {"next": motion_url(motion)})
    page = page_of(desk, motion)
    assert "The vote is void: more ballots were returned than were issued (ELEC-11)." in page
    assert "Put back to be voted on again" in page
    motion = decide(desk, motion)
    assert (motion.status, motion.round) == (Motion.Status.SUBMITTED, None)
    page = page_of(desk, motion)
    # It says what happened: no result was recorded, the motion is back.
    assert "The vote was void: the motion is back before the session, to be voted on again." in page
    assert "The result was recorded." not in page
    assert "Put to the vote" in page
    assert desk.post(reverse("plenary:motion-open", args=[motion.pk])).status_code == 302
    motion.refresh_from_db()
    assert motion.status == Motion.Status.VOTING and motion.round.status == "open"


# --- who may use the pages --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
def test_other_roles_see_neither_the_motion_nor_its_count(motion, users, role):
    client = signed_in(users[role])
    assert client.get(motion_url(motion)).status_code == 403
    for name in ("round-issue", "round-scrutineers", "round-enter", "round-discrepancies"):
        assert client.get(voting(name, motion)).status_code == 403
        assert client.post(voting(name, motion), {"count": 1, "sheet_number": 1}).status_code == 403
    for name in ("round-count", "round-sign"):
        assert client.post(voting(name, motion)).status_code == 403
    motion.round.refresh_from_db()
    assert motion.round.ballots_issued == 0


def test_a_deputy_who_is_not_a_scrutineer_enters_nothing(motion, desk, deputies):
    appoint(desk, motion, deputies[:2])
    close_and_issue(desk, motion, 6)
    outsider = signed_in(deputies[2].user)
    assert outsider.get(voting("round-enter", motion)).status_code == 403
    assert (
        outsider.post(voting("round-enter", motion), {"sheet_number": 1, "mark_1": "for"}).status_code == 403
    )
    assert outsider.post(voting("round-sign", motion)).status_code == 403
    # On the round's page the deputy sees how far it is, never the counting steps.
    page = outsider.get(voting("round-detail", motion)).content.decode()
    assert "Sheets entered" in page and "Your next step" not in page
