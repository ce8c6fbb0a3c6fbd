"""/api/elections: an election voted on in the room, and its result: staff and deputies see
a counted round, anyone else only once the presidium has announced it (ELEC-13, SEC-2).
Six deputies, all present: a majority of all deputies is 4."""

import json

import pytest
from django.test import Client

from balloting import services as balloting
from core.accounts.models import ApiToken
from core.accounts.roles import Role
from elections import services
from elections.models import Office
from elections.tests.factories import ElectionFactory, NominationFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scrutineer(make_user):
    return make_user(Role.STAFF, first_name="监票")


@pytest.fixture
def election(session, staff, scrutineer):
    """A mayor's election with one candidate, voted electronically, list fixed."""
    election = ElectionFactory(session=session, office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.MAYOR))
    NominationFactory(election=election, name="甲")
    services.appoint_scrutineer(by=staff, election=election, user=scrutineer)
    services.finalise_candidate_list(by=staff, election=election)
    return election


def api(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def result_path(election):
    return f"/api/elections/{election.pk}/result"


def test_elections_are_listed_for_staff_and_deputies(election, staff, deputies, everyone_present):
    body = api(deputies[0].user).get("/api/elections").json()
    assert body["count"] == 1 and body["items"][0]["office_kind"] == "mayor"
    detail = api(staff).get(f"/api/elections/{election.pk}").json()
    assert [c["name"] for c in detail["candidates"]] == ["甲"]
    assert detail["rounds"][0]["status"] == "draft" and detail["rounds"][0]["announced"] is False


def test_the_result_is_hidden_while_voting_and_public_only_once_announced(
    election, staff, scrutineer, deputies, everyone_present, users
):
    election_round = election.rounds.get()
    services.open_election_round(by=staff, election_round=election_round)
    assert api(staff).get(result_path(election)).json()["rounds"] == []
    assert Client().get(result_path(election)).status_code == 404

    vote_and_count_rest(election_round, staff, deputies)

    insider = api(staff).get(result_path(election)).json()
    assert insider["rounds"][0]["lines"][0]["for_votes"] == 4 and insider["rounds"][0]["announced"] is False
    assert insider["rounds"][0]["elected"] == ["甲"]
    for outsider in (Client(), api(users[Role.CITIZEN])):
        assert outsider.get(result_path(election)).status_code == 404

    balloting.sign_off(by=scrutineer, round=election_round.round)
    services.announce_result(by=staff, election_round=election_round)

    public = Client().get(result_path(election))
    assert public.status_code == 200
    report = public.json()["rounds"][0]
    assert report["announced"] is True and report["elected"] == ["甲"] and report["threshold"] == 4


def vote_and_count_rest(election_round, staff, deputies):
    key = election_round.round.options.get().key
    for deputy in deputies[:4]:
        api(deputy.user).post(
            f"/api/voting/rounds/{election_round.round_id}/vote",
            data=json.dumps({"marks": {key: "for"}}),
            content_type="application/json",
        )
    balloting.close_and_count_round(by=staff, round=election_round.round)
    election_round.round.refresh_from_db()
    assert election_round.round.counted_at is None  # the election counts it (SEC-2)
    services.count_election_round(by=staff, election_round=election_round)


def test_a_token_reads_the_result_as_its_owner(election, staff, deputies, everyone_present):
    election_round = election.rounds.get()
    services.open_election_round(by=staff, election_round=election_round)
    vote_and_count_rest(election_round, staff, deputies)
    key = ApiToken.new_key()
    ApiToken.objects.create(user=staff, name="desk", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    response = Client().get(result_path(election), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["rounds"][0]["announced"] is False


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC, None])
def test_outsiders_cannot_list_elections(role, election, users):
    response = api(users[role] if role else None).get("/api/elections")
    assert response.status_code == (401 if role is None else 403)
