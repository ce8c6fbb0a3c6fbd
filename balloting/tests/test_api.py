"""/api/voting: a deputy's vote over the API, the projector's poll, opening and closing
(issue 4). Six deputies, all checked in unless a test says otherwise; a majority of all
deputies is 4 (SESS-4, RES-1)."""

import json

import pytest
from django.test import Client

from balloting import services
from balloting.models import Ballot, Eligibility, Round
from balloting.rules import FOR
from core.accounts.models import ApiToken
from core.accounts.roles import Role

from .factories import FakeRoll, install_roll

pytestmark = pytest.mark.django_db


def motion_round(session, staff, *, open_it=True):
    round_ = services.create_round(
        by=staff,
        session=session,
        kind=Round.Kind.MOTION,
        title="关于测试的决议",
        options=[("motion", "关于测试的决议")],
        method=Round.Method.ELECTRONIC,
    )
    if open_it:
        services.open_round(by=staff, round=round_)
    return round_


def election_round(session, staff, *, seats=1):
    round_ = services.create_round(
        by=staff,
        session=session,
        kind=Round.Kind.ELECTION,
        title="副市长选举",
        options=[("c1", "甲"), ("c2", "乙"), ("c3", "丙")],
        seats=seats,
        method=Round.Method.ELECTRONIC,
    )
    services.open_round(by=staff, round=round_)
    return round_


def api(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client, path, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def vote_path(round_):
    return f"/api/voting/rounds/{round_.pk}/vote"


def result_path(round_):
    return f"/api/voting/rounds/{round_.pk}/result"


def test_a_deputy_votes_and_gets_back_only_that_it_was_recorded(session, staff, deputies, everyone_present):
    """SEC-1: 201 with {"recorded": true} and nothing else: no ballot id, no receipt."""
    round_ = motion_round(session, staff)
    response = post(api(deputies[0].user), vote_path(round_), {"choice": "for"})
    assert response.status_code == 201
    assert response.json() == {"recorded": True}
    assert Ballot.objects.get(round=round_).marks == {"motion": FOR}


def test_a_deputy_votes_with_a_personal_token(session, staff, deputies, everyone_present):
    user = deputies[1].user
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="phone", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    round_ = motion_round(session, staff)
    response = Client().post(
        vote_path(round_), data=json.dumps({"choice": "against"}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201
    assert Ballot.objects.get(round=round_).marks == {"motion": "against"}


def test_a_second_vote_is_refused_with_409(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    client = api(deputies[0].user)
    post(client, vote_path(round_), {"choice": "for"})
    again = post(client, vote_path(round_), {"choice": "against"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_voted"
    assert Ballot.objects.filter(round=round_).count() == 1


def test_a_deputy_not_checked_in_is_refused_with_403(monkeypatch, session, staff, deputies):
    install_roll(monkeypatch, FakeRoll(6, deputies[:5]))
    round_ = motion_round(session, staff)
    response = post(api(deputies[5].user), vote_path(round_), {"choice": "for"})
    assert response.status_code == 403
    assert "check in" in response.json()["message"]
    assert not Ballot.objects.exists()


def test_a_vote_on_a_closed_round_is_refused_with_409(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    services.close_and_count_round(by=staff, round=round_)
    assert post(api(deputies[0].user), vote_path(round_), {"choice": "for"}).status_code == 409


def test_elec_12_an_election_ballot_choosing_too_many_is_refused_with_422(session, staff, deputies, everyone_present):
    round_ = election_round(session, staff, seats=1)
    client = api(deputies[0].user)
    too_many = post(client, vote_path(round_), {"marks": {"c1": "for", "c2": "for"}})
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "invalid"
    assert post(client, vote_path(round_), {"choice": "for"}).status_code == 422  # several lines: marks needed
    assert not Ballot.objects.exists()
    ok = post(client, vote_path(round_), {"marks": {"c1": "for", "c2": "against", "c3": "abstain"}})
    assert ok.status_code == 201
    assert Eligibility.objects.get(round=round_, deputy=deputies[0]).has_voted is True


def test_the_result_endpoint_hides_counts_while_the_vote_is_open(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    for deputy in deputies[:2]:
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})
    for client in (api(staff), api(deputies[0].user)):
        body = client.get(result_path(round_)).json()
        assert body["status"] == "open" and body["counted"] is False and body["result"] is None
        assert body["progress"] == {"admitted": 6, "voted": 2}
        assert "for_votes" not in json.dumps(body)
    public = Client().get(f"/api/voting/public/rounds/{round_.pk}/result").json()
    assert public["status"] == "open" and public["result"] is None and public["progress"] is None


def test_res_1_closing_counts_at_once_and_the_result_shows_the_counts(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    for deputy, mark in zip(deputies, ["for", "for", "for", "for", "against", "abstain"], strict=True):
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": mark})

    closed = post(api(staff), f"/api/voting/rounds/{round_.pk}/close")

    assert closed.status_code == 200 and closed.json()["status"] == "counted"
    body = api(staff).get(result_path(round_)).json()
    assert body["counted"] is True and body["progress"] is None
    line = body["result"]["options"][0]
    assert (line["for_votes"], line["against"], line["abstain"]) == (4, 1, 1)
    assert body["result"]["adopted"] is True and body["result"]["threshold"] == 4
    public = Client().get(f"/api/voting/public/rounds/{round_.pk}/result").json()
    assert public["result"]["options"][0]["for_votes"] == 4


def test_the_public_result_never_shows_an_election_round(session, staff, deputies, everyone_present):
    round_ = election_round(session, staff)
    assert Client().get(f"/api/voting/public/rounds/{round_.pk}/result").status_code == 404


def test_staff_open_a_prepared_round_but_not_an_election_round(session, staff, deputies, everyone_present):
    draft = motion_round(session, staff, open_it=False)
    opened = post(api(staff), f"/api/voting/rounds/{draft.pk}/open")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    election = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="市长选举", options=[("c1", "甲")],
        method=Round.Method.ELECTRONIC,
    )
    refused = post(api(staff), f"/api/voting/rounds/{election.pk}/open")
    assert refused.status_code == 409 and refused.json()["code"] == "opened_by_election"


def test_a_round_shows_the_deputys_own_standing_and_never_a_count(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    client = api(deputies[0].user)
    before = client.get(f"/api/voting/rounds/{round_.pk}").json()
    assert before["my_vote"] == {"admitted": True, "has_voted": False}
    assert before["options"] == [{"key": "motion", "label": "关于测试的决议"}]
    assert [r["id"] for r in client.get("/api/voting/my-rounds").json()] == [round_.pk]
    post(client, vote_path(round_), {"choice": "for"})
    after = client.get(f"/api/voting/rounds/{round_.pk}").json()
    assert after["my_vote"] == {"admitted": True, "has_voted": True}
    assert client.get("/api/voting/my-rounds").json() == []
    assert "for_votes" not in json.dumps(after)


def test_the_round_list_is_scoped_and_paginated(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    body = api(staff).get("/api/voting/rounds?status=open").json()
    assert body["count"] == 1 and body["items"][0]["id"] == round_.pk


# --- the permission matrix of the voting operations -----------------------------------------


OPERATIONS = {
    "list": ("get", lambda r: "/api/voting/rounds"),
    "detail": ("get", lambda r: f"/api/voting/rounds/{r.pk}"),
    "result": ("get", lambda r: f"/api/voting/rounds/{r.pk}/result"),
    "vote": ("post", lambda r: f"/api/voting/rounds/{r.pk}/vote"),
    "close": ("post", lambda r: f"/api/voting/rounds/{r.pk}/close"),
    "my-rounds": ("get", lambda r: "/api/voting/my-rounds"),
}
ALLOWED = {
    "list": {Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY},
    "detail": {Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY},
    "result": {Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY},
    "vote": {Role.DEPUTY},
    "close": {Role.STAFF, Role.ADMINISTRATOR},
    "my-rounds": {Role.DEPUTY},
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("role", [*Role.values, None])
def test_permission_matrix(operation, role, session, staff, deputies, everyone_present, users):
    """Each role is refused exactly the operations its code does not allow; nothing changes."""
    round_ = motion_round(session, staff)
    method, path = OPERATIONS[operation]
    user = deputies[0].user if role == Role.DEPUTY else (users[role] if role else None)
    client = api(user)
    response = client.get(path(round_)) if method == "get" else post(client, path(round_), {"choice": "for"})
    if role in ALLOWED[operation]:
        assert response.status_code not in (401, 403), response.content
    else:
        assert response.status_code == (401 if role is None else 403), response.content
        round_.refresh_from_db()
        assert round_.status == Round.Status.OPEN and not Ballot.objects.exists()


def test_closing_a_paper_vote_only_closes_it(session, staff, deputies, everyone_present):
    """Paper ballots are entered twice before the count (double entry): no count at the close."""
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="纸质表决", options=[("motion", "纸质表决")],
    )
    services.open_round(by=staff, round=round_)
    closed = post(api(staff), f"/api/voting/rounds/{round_.pk}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["counted_at"] is None
