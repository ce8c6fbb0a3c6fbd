"""/api/plenary: the quorum (SESS-1), check-in, and a motion's result (RES-1), with the
session's real roll (plenary): a deputy who checks in is admitted to the open votes."""

import json

import pytest
from django.test import Client

from balloting import services as balloting
from balloting.models import Round
from core.accounts.roles import Role
from plenary import services as plenary
from plenary.models import Motion

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(session, staff, deputies):
    """The session's roster is taken: six deputies in office, nobody checked in yet."""
    return plenary.open_session_roster(by=staff, session=session)


def api(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def check_in_path(session):
    return f"/api/plenary/sessions/{session.pk}/check-in"


def post(client, path, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def test_sess_1_the_quorum_counts_the_deputies_checked_in_today(session, staff, deputies, roster):
    """Six deputies: four present make two-thirds (SESS-1)."""
    for deputy in deputies[:3]:
        plenary.check_in(by=staff, session=session, deputy=deputy)
    body = api(staff).get(f"/api/plenary/sessions/{session.pk}/quorum").json()
    assert (body["all_deputies"], body["present"], body["needed"], body["met"]) == (6, 3, 4, False)
    plenary.check_in(by=staff, session=session, deputy=deputies[3])
    assert api(deputies[0].user).get(f"/api/plenary/sessions/{session.pk}/quorum").json()["met"] is True


def test_a_deputy_checks_in_once_and_is_admitted_to_the_open_vote(session, staff, deputies, roster):
    for deputy in deputies[:4]:
        plenary.check_in(by=staff, session=session, deputy=deputy)
    round_ = balloting.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")],
        method=Round.Method.ELECTRONIC,
    )
    balloting.open_round(by=staff, round=round_)
    late = api(deputies[5].user)
    refused = post(late, f"/api/voting/rounds/{round_.pk}/vote", {"choice": "for"})
    assert refused.status_code == 403

    first = post(late, check_in_path(session))
    again = post(late, check_in_path(session))

    assert first.status_code == 201 and first.json()["deputy_id"] == deputies[5].pk
    assert again.status_code == 200
    assert post(late, f"/api/voting/rounds/{round_.pk}/vote", {"choice": "for"}).status_code == 201


def test_a_deputy_cannot_check_in_someone_else_but_staff_can(session, staff, deputies, roster):
    refused = post(api(deputies[0].user), check_in_path(session), {"deputy_id": deputies[1].pk})
    assert refused.status_code == 403
    done = post(api(staff), check_in_path(session), {"deputy_id": deputies[1].pk})
    assert done.status_code == 201


def test_an_account_without_a_deputy_record_is_told_so(session, roster, users):
    response = post(api(users[Role.DEPUTY]), check_in_path(session))
    assert response.status_code == 422


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC, None])
def test_outsiders_neither_check_in_nor_read_the_quorum(role, session, staff, deputies, roster, users):
    client = api(users[role] if role else None)
    expected = 401 if role is None else 403
    assert post(client, check_in_path(session), {"deputy_id": deputies[0].pk}).status_code == expected
    assert client.get(f"/api/plenary/sessions/{session.pk}/quorum").status_code == expected


def test_res_1_a_motions_result_shows_only_once_decided(session, staff, deputies, roster):
    for deputy in deputies:
        plenary.check_in(by=staff, session=session, deputy=deputy)
    motion = plenary.create_motion(by=staff, session=session, kind=Motion.Kind.RESOLUTION, title="关于测试的决议",
                                   method=Motion.Method.ELECTRONIC)
    plenary.submit_motion(by=staff, motion=motion)
    motion = plenary.open_motion_vote(by=staff, motion=motion)
    for deputy in deputies[:4]:
        post(api(deputy.user), f"/api/voting/rounds/{motion.round_id}/vote", {"choice": "for"})
    client = api(deputies[5].user)
    path = f"/api/plenary/motions/{motion.pk}"
    voting = client.get(path).json()
    assert voting["status"] == "voting" and voting["result"] is None and voting["round_id"] == motion.round_id

    assert post(api(staff), f"/api/voting/rounds/{motion.round_id}/close").json()["status"] == "counted"
    plenary.decide_motion(by=staff, motion=Motion.objects.get(pk=motion.pk))

    decided = client.get(path).json()
    assert decided["status"] == "adopted"
    assert decided["result"]["for_votes"] == 4 and decided["result"]["adopted"] is True
    listed = client.get(f"/api/plenary/sessions/{session.pk}/motions").json()
    assert [m["id"] for m in listed] == [motion.pk]
