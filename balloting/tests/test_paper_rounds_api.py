"""/api/voting: counting a paper vote on a motion (ELEC-11, ELEC-12, SEC-2): staff record
the ballots issued and count, the round's scrutineers send their readings of each sheet and
sign. Six deputies of an invented city, all checked in; a majority of all deputies is 4."""

import json

import pytest
from django.test import Client

from balloting import services
from balloting.models import PaperEntry, Round
from core.accounts.roles import Role

pytestmark = pytest.mark.django_db

TITLE = "关于测试市预算的决议"


@pytest.fixture
def paper(session, staff, counters, everyone_present):
    round_ = services.create_round(
        by=staff,
        session=session,
        kind=Round.Kind.MOTION,
        title=TITLE,
        options=[("motion", TITLE)],
        method=Round.Method.PAPER,
    )
    for counter in counters:
        services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
    services.open_round(by=staff, round=round_)
    return round_


def api(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client, path, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def path(round_, step):
    return f"/api/voting/rounds/{round_.pk}/{step}"


def test_res_1_a_paper_motion_is_counted_over_the_api(paper, staff, counters):
    """Sheets: 4 FOR, 1 AGAINST, 1 blank of 6 issued: FOR from 4 of 6 deputies (RES-1)."""
    response = post(api(staff), path(paper, "issue"), {"count": 6})
    assert response.status_code == 200 and response.json()["ballots_issued"] == 6
    services.close_round(by=staff, round=paper)
    for counter in counters:
        for number, choice in enumerate(["for", "for", "for", "for", "against", None], start=1):
            body = {"sheet_number": number} if choice is None else {"sheet_number": number, "choice": choice}
            response = post(api(counter), path(paper, "sheets"), body)
            assert response.status_code == 201
            assert response.json() == {"sheet_number": number, "recorded": True}
    response = post(api(staff), path(paper, "count"))
    assert response.status_code == 200
    result = response.json()["result"]
    assert (result["ballots_returned"], result["threshold"], result["adopted"]) == (6, 4, True)
    assert (result["options"][0]["for_votes"], result["options"][0]["against"]) == (4, 1)
    for counter in counters:
        response = post(api(counter), path(paper, "sign"))
        assert response.status_code == 200
    assert response.json()["signed_off"] is True


def test_elec_11_sheets_are_refused_before_the_ballots_issued(paper, staff, counters):
    services.close_round(by=staff, round=paper)
    response = post(api(counters[0]), path(paper, "sheets"), {"sheet_number": 1, "choice": "for"})
    assert response.status_code == 409 and response.json()["code"] == "issued_missing"
    assert not PaperEntry.objects.exists()


def test_elec_11_the_ballots_issued_are_fixed_after_the_close(paper, staff):
    post(api(staff), path(paper, "issue"), {"count": 5})
    services.close_round(by=staff, round=paper)
    response = post(api(staff), path(paper, "issue"), {"count": 6})
    assert response.status_code == 409 and response.json()["code"] == "issued_fixed"


def test_elec_11_more_returned_than_issued_voids_the_vote(paper, staff, counters):
    post(api(staff), path(paper, "issue"), {"count": 1})
    services.close_round(by=staff, round=paper)
    for counter in counters:
        for number in (1, 2):
            post(api(counter), path(paper, "sheets"), {"sheet_number": number, "choice": "for"})
    response = post(api(staff), path(paper, "count"))
    assert response.json()["status"] == "void" and response.json()["result"]["round_valid"] is False


def test_a_count_waits_for_every_sheet_read_twice(paper, staff, counters):
    post(api(staff), path(paper, "issue"), {"count": 6})
    services.close_round(by=staff, round=paper)
    post(api(counters[0]), path(paper, "sheets"), {"sheet_number": 1, "choice": "for"})
    response = post(api(staff), path(paper, "count"))
    assert response.status_code == 409 and response.json()["code"] == "discrepancies"


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
@pytest.mark.parametrize(
    ("step", "body"),
    [("issue", {"count": 1}), ("sheets", {"sheet_number": 1, "choice": "for"}), ("count", {}), ("sign", {})],
)
def test_other_roles_are_refused(paper, users, role, step, body):
    response = post(api(users[role]), path(paper, step), body)
    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.ballots_issued == 0 and not PaperEntry.objects.exists()


def test_staff_who_are_not_scrutineers_send_no_sheets(paper, staff):
    post(api(staff), path(paper, "issue"), {"count": 6})
    services.close_round(by=staff, round=paper)
    response = post(api(staff), path(paper, "sheets"), {"sheet_number": 1, "choice": "for"})
    assert response.status_code == 403


def test_anonymous_callers_are_refused(paper):
    assert post(api(), path(paper, "issue"), {"count": 1}).status_code == 401
