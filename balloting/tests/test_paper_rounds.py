"""Counting a paper vote on a motion through the balloting pages (ELEC-11, ELEC-12, SEC-2):
staff record the ballots issued and appoint the scrutineers, two scrutineers enter every
returned sheet, a sheet read differently is resolved, staff count, the scrutineers sign.
Six deputies of an invented city, all checked in; a majority of all deputies is 4 (SESS-4).
Every page refuses the roles that have no business there."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from balloting import services
from balloting.models import PaperEntry, Round, SheetResolution
from balloting.rules import FOR
from core.accounts.roles import Role

pytestmark = pytest.mark.django_db

TITLE = "关于测试市预算的决议"


def paper_motion(session, staff, *, kind=Round.Kind.MOTION):
    round_ = services.create_round(
        by=staff,
        session=session,
        kind=kind,
        title=TITLE,
        options=[("motion", TITLE)],
        method=Round.Method.PAPER,
    )
    services.open_round(by=staff, round=round_)
    return round_


@pytest.fixture
def paper(session, staff, everyone_present):
    return paper_motion(session, staff)


@pytest.fixture
def counted_by(paper, staff, counters):
    """The paper vote with its two counters appointed."""
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=paper, user=counter)
    return paper


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, round_, *args):
    return reverse(f"balloting:{name}", args=[round_.pk, *args])


def enter(client, round_, sheet, mark=""):
    return client.post(url("round-enter", round_), {"sheet_number": sheet, "mark_1": mark})


def checked_mark(page: str) -> str:
    """The mark the entry form shows as chosen for the motion's line."""
    return re.search(r'name="mark_1" value="([a-z]*)" id="[^"]+" checked', page).group(1)


def closed_with(round_, staff, issued):
    services.issue_ballots(by=staff, round=round_, count=issued)
    services.close_round(by=staff, round=round_)
    round_.refresh_from_db()
    return round_


# --- the whole vote ----------------------------------------------------------------------------


def test_res_1_a_paper_motion_is_counted_and_signed_through_the_pages(paper, staff, counters, deputies):
    """Six sheets: 4 FOR, 1 AGAINST, 1 blank; sheet 5 read differently and resolved on the
    sheet in hand. FOR from 4 of 6 deputies: adopted (RES-1, SESS-4: 6 // 2 + 1 = 4)."""
    desk = signed_in(staff)
    for counter in counters:
        response = desk.post(url("round-scrutineers", paper), {"account": counter.username})
        assert response.status_code == 302
    assert desk.post(url("round-close", paper)).status_code == 302
    response = desk.post(url("round-issue", paper), {"count": 6})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert (paper.status, paper.ballots_issued) == (Round.Status.CLOSED, 6)

    first, second = (signed_in(c) for c in counters)
    sheets = {1: "for", 2: "for", 3: "for", 4: "for", 5: "against", 6: ""}
    for number, mark in sheets.items():
        assert enter(first, paper, number, mark).status_code == 302
        assert enter(second, paper, number, "abstain" if number == 5 else mark).status_code == 302

    page = desk.get(url("round-discrepancies", paper)).content.decode()
    assert "Sheet 5" in page and "read differently" in page
    assert desk.post(url("round-count", paper)).status_code == 302
    paper.refresh_from_db()
    assert paper.status == Round.Status.CLOSED  # refused while sheet 5 is unresolved

    page = second.get(url("round-sheet-resolve", paper, 5)).content.decode()
    assert "Resolve sheet 5" in page and "<td>Against</td><td>Abstain</td>" in page
    response = second.post(url("round-sheet-resolve", paper, 5), {"use": "1", "note": "核对原票"})
    assert response.status_code == 302
    assert SheetResolution.objects.get(round=paper, sheet_number=5).marks == {"motion": "against"}

    response = desk.post(url("round-count", paper), follow=True)
    assert "Each scrutineer now checks and signs the result." in response.content.decode()
    paper.refresh_from_db()
    option = paper.options.get(key="motion")
    assert (paper.status, paper.ballots_returned, paper.ballots_valid) == (Round.Status.COUNTED, 6, 6)
    assert (option.for_votes, option.against_votes, option.abstain_votes) == (4, 1, 1)
    page = desk.get(url("round-detail", paper)).content.decode()
    assert "Adopted" in page and "FOR votes needed: 4" in page

    for client in (first, second):
        assert client.post(url("round-sign", paper)).status_code == 302
    assert all(paper.scrutineers.values_list("signed_at", flat=True))
    page = desk.get(url("round-detail", paper)).content.decode()
    assert "Every step is done." in page


def test_a_project_vote_is_counted_on_the_same_pages(session, staff, counters, everyone_present):
    round_ = paper_motion(session, staff, kind=Round.Kind.PROJECT)
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
    closed_with(round_, staff, 2)
    for counter in counters:
        assert enter(signed_in(counter), round_, 1, "for").status_code == 302
    assert signed_in(staff).post(url("round-count", round_)).status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTED


# --- where the round stands, for whoever looks -----------------------------------------------


def test_the_round_page_shows_each_person_their_next_step(counted_by, staff, counters, deputies):
    desk = signed_in(staff)
    page = desk.get(url("round-detail", counted_by)).content.decode()
    assert "Your next step:</strong> Close the vote" in page
    closed_with(counted_by, staff, 6)
    page = desk.get(url("round-detail", counted_by)).content.decode()
    assert "Waiting for: Enter each returned sheet twice" in page
    page = signed_in(counters[0]).get(url("round-detail", counted_by)).content.decode()
    assert "Your next step:</strong> Enter each returned sheet twice" in page
    assert url("round-enter", counted_by) in page
    # A deputy who does not count sees the progress only, not the steps.
    page = signed_in(deputies[0].user).get(url("round-detail", counted_by)).content.decode()
    assert "Your next step" not in page and url("round-enter", counted_by) not in page


def test_a_deputy_appointed_by_number_counts_from_the_pages(paper, staff, deputies):
    desk = signed_in(staff)
    for deputy in deputies[:2]:
        assert desk.post(url("round-scrutineers", paper), {"account": deputy.code}).status_code == 302
    assert set(paper.scrutineers.values_list("user_id", flat=True)) == {d.user_id for d in deputies[:2]}
    closed_with(paper, staff, 6)
    assert enter(signed_in(deputies[0].user), paper, 1, "for").status_code == 302


def test_only_deputies_in_office_and_staff_can_be_appointed(paper, staff, users):
    response = signed_in(staff).post(
        url("round-scrutineers", paper), {"account": users[Role.CITIZEN].username}
    )
    assert response.status_code == 422
    assert "No deputy in office or staff account matches" in response.content.decode()
    assert not paper.scrutineers.exists()


# --- ELEC-11: the ballots issued and returned ---------------------------------------------------


def test_elec_11_no_more_ballots_issued_than_deputies_checked_in(paper, staff):
    desk = signed_in(staff)
    page = desk.get(url("round-issue", paper)).content.decode()
    assert "6 deputies are checked in" in page
    response = desk.post(url("round-issue", paper), {"count": 7})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_count_error"' in page  # on the field, which names it (aria-describedby)
    assert "At most 6 ballots can be issued" in page
    paper.refresh_from_db()
    assert paper.ballots_issued == 0


def test_elec_11_the_ballots_issued_are_fixed_once_the_vote_closed(paper, staff):
    closed_with(paper, staff, 5)
    desk = signed_in(staff)
    page = desk.get(url("round-issue", paper)).content.decode()
    assert "can no longer be changed" in page and 'name="count"' not in page
    response = desk.post(url("round-issue", paper), {"count": 6})
    assert response.status_code == 422
    assert "can no longer be changed" in response.content.decode()
    paper.refresh_from_db()
    assert paper.ballots_issued == 5


def test_elec_11_sheets_are_entered_only_once_the_vote_is_closed(counted_by, staff, counters):
    counter = signed_in(counters[0])
    page = counter.get(url("round-enter", counted_by)).content.decode()
    assert "Ballots are entered once the paper vote is closed." in page
    assert enter(counter, counted_by, 1, "for").status_code == 422
    assert not PaperEntry.objects.exists()


def test_elec_11_sheets_wait_for_the_ballots_issued(counted_by, staff, counters):
    services.close_round(by=staff, round=counted_by)
    counter = signed_in(counters[0])
    page = counter.get(url("round-enter", counted_by)).content.decode()
    assert "Record the ballots issued before the returned sheets are entered (ELEC-11)." in page
    response = enter(counter, counted_by, 1, "for")
    assert response.status_code == 422
    assert "Record the ballots issued before the returned sheets are entered" in response.content.decode()
    assert not PaperEntry.objects.exists()


def test_elec_11_more_sheets_returned_than_issued_void_the_vote(counted_by, staff, counters):
    closed_with(counted_by, staff, 2)
    for counter in counters:
        client = signed_in(counter)
        for sheet in (1, 2, 3):
            enter(client, counted_by, sheet, "for")
    response = signed_in(staff).post(url("round-count", counted_by), follow=True)
    assert "more ballots were returned than were issued" in response.content.decode()
    counted_by.refresh_from_db()
    assert (counted_by.status, counted_by.round_valid, counted_by.ballots_returned) == (
        Round.Status.VOID,
        False,
        3,
    )


def test_an_empty_count_is_refused_and_sent_to_the_discrepancies(counted_by, staff):
    closed_with(counted_by, staff, 6)
    response = signed_in(staff).post(url("round-count", counted_by))
    assert response.status_code == 302 and response["Location"] == url("round-discrepancies", counted_by)
    counted_by.refresh_from_db()
    assert counted_by.status == Round.Status.CLOSED


# --- secrecy of the count ------------------------------------------------------------------------


def test_the_entry_page_shows_only_ones_own_readings(counted_by, staff, counters):
    closed_with(counted_by, staff, 6)
    first, second = (signed_in(c) for c in counters)
    enter(first, counted_by, 1, "against")
    page = second.get(url("round-enter", counted_by) + "?sheet=1").content.decode()
    assert checked_mark(page) == ""  # blank: the other scrutineer's reading is not shown
    page = first.get(url("round-enter", counted_by) + "?sheet=1").content.decode()
    assert checked_mark(page) == "against"
    # Before the count nobody sees a tally: the sheet entered once shows no reading.
    page = signed_in(staff).get(url("round-discrepancies", counted_by)).content.decode()
    assert "Against" not in page and "A second scrutineer must enter these sheets: 1" in page


def test_a_scrutineer_corrects_their_own_reading(counted_by, staff, counters):
    closed_with(counted_by, staff, 6)
    client = signed_in(counters[0])
    enter(client, counted_by, 1, "against")
    enter(client, counted_by, 1, "for")
    entry = PaperEntry.objects.get(round=counted_by, sheet_number=1)
    assert (entry.slot, entry.marks) == (1, {"motion": FOR})


def test_a_sheet_without_a_number_is_refused_on_its_field(counted_by, staff, counters):
    closed_with(counted_by, staff, 6)
    response = signed_in(counters[0]).post(url("round-enter", counted_by), {"mark_1": "for"})
    assert response.status_code == 422
    assert 'class="field sheet-field has-error"' in response.content.decode()


# --- deny by default -----------------------------------------------------------------------------

PAGES = [
    ("get", "round-issue"),
    ("post", "round-issue"),
    ("get", "round-scrutineers"),
    ("post", "round-scrutineers"),
    ("get", "round-enter"),
    ("post", "round-enter"),
    ("get", "round-discrepancies"),
    ("get", "round-sheet-resolve"),
    ("post", "round-sheet-resolve"),
    ("post", "round-count"),
    ("post", "round-sign"),
]


def _call(client, method, name, round_):
    args = (1,) if name == "round-sheet-resolve" else ()
    return getattr(client, method)(url(name, round_, *args), {"count": 1, "sheet_number": 1, "use": "1"})


@pytest.mark.parametrize(("method", "name"), PAGES)
@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
def test_other_roles_are_refused_every_counting_page(counted_by, users, role, method, name):
    """A deputy who is not a scrutineer, a unit clerk, a citizen: 403, nothing written."""
    response = _call(signed_in(users[role]), method, name, counted_by)
    assert response.status_code == 403
    counted_by.refresh_from_db()
    assert counted_by.ballots_issued == 0 and counted_by.scrutineers.count() == 2


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(counted_by, method, name):
    response = _call(Client(), method, name, counted_by)
    assert response.status_code == 302 and "?next=" in response["Location"]


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "round-issue"),
        ("post", "round-issue"),
        ("get", "round-scrutineers"),
        ("post", "round-scrutineers"),
        ("post", "round-count"),
    ],
)
def test_scrutineers_do_not_do_the_staffs_steps(counted_by, staff, deputies, method, name):
    """A deputy appointed scrutineer enters sheets and signs; issuing, appointing and
    counting stay with staff."""
    services.appoint_round_scrutineer(by=staff, round=counted_by, user=deputies[0].user)
    assert _call(signed_in(deputies[0].user), method, name, counted_by).status_code == 403


def test_staff_do_not_enter_sheets_or_sign_unless_appointed(counted_by, staff):
    closed_with(counted_by, staff, 6)
    desk = signed_in(staff)
    assert desk.get(url("round-enter", counted_by)).status_code == 403
    assert enter(desk, counted_by, 1, "for").status_code == 403
    assert desk.post(url("round-sign", counted_by)).status_code == 403
    assert not PaperEntry.objects.exists()


def test_a_scrutineer_of_another_vote_does_not_find_this_one(counted_by, session, staff, deputies):
    other = paper_motion(session, staff)
    services.appoint_round_scrutineer(by=staff, round=other, user=deputies[0].user)
    client = signed_in(deputies[0].user)
    assert client.get(url("round-enter", counted_by)).status_code == 404
    assert client.get(url("round-discrepancies", counted_by)).status_code == 404
    assert client.post(url("round-sign", counted_by)).status_code == 404


def test_election_and_electronic_rounds_are_not_counted_here(session, staff, everyone_present):
    election = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="市长选举", options=[("c1", "甲")]
    )
    electronic = services.create_round(
        by=staff,
        session=session,
        kind=Round.Kind.MOTION,
        title=TITLE,
        options=[("motion", TITLE)],
        method=Round.Method.ELECTRONIC,
    )
    desk = signed_in(staff)
    for round_ in (election, electronic):
        assert desk.get(url("round-issue", round_)).status_code == 404
        assert desk.post(url("round-count", round_)).status_code == 404


def test_a_sheet_is_resolved_with_the_reading_agreed_on_the_sheet_in_hand(counted_by, staff, counters):
    closed_with(counted_by, staff, 6)
    first, second = (signed_in(c) for c in counters)
    enter(first, counted_by, 1, "for")
    enter(second, counted_by, 1, "against")
    desk = signed_in(staff)
    response = desk.post(url("round-sheet-resolve", counted_by, 1), {"mark_1": "abstain"})
    assert response.status_code == 422
    assert 'class="choice-list has-error"' in response.content.decode()  # "which reading" is required
    response = desk.post(url("round-sheet-resolve", counted_by, 1), {"use": "agreed", "mark_1": "unclear"})
    assert response.status_code == 302
    assert SheetResolution.objects.get(round=counted_by, sheet_number=1).marks == {"motion": "unclear"}
    assert desk.get(url("round-sheet-resolve", counted_by, 2)).status_code == 404
