"""Voting in the room, through the pages: a deputy's phone, the staff's round control and
the projector (issue 4). Six deputies of an invented city, all checked in unless a test
says otherwise; a majority of all deputies is 4 (SESS-4, RES-1)."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from balloting import services
from balloting.models import Ballot, Eligibility, Round
from balloting.rules import AGAINST, FOR
from core.accounts.roles import Role

from .factories import FakeRoll, install_roll

pytestmark = pytest.mark.django_db


def motion_round(session, staff, *, open_it=True, method=Round.Method.ELECTRONIC):
    round_ = services.create_round(
        by=staff,
        session=session,
        kind=Round.Kind.MOTION,
        title="关于测试市预算的决议",
        options=[("motion", "关于测试市预算的决议")],
        method=method,
    )
    if open_it:
        services.open_round(by=staff, round=round_)
    return round_


def election_round(session, staff, *, seats=1, write_ins=Round.WriteIns.NONE):
    round_ = services.create_round(
        by=staff,
        session=session,
        kind=Round.Kind.ELECTION,
        title="市长选举",
        options=[("c1", "甲"), ("c2", "乙")],
        seats=seats,
        method=Round.Method.ELECTRONIC,
        write_ins=write_ins,
    )
    services.open_round(by=staff, round=round_)
    return round_


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def vote_url(round_):
    return reverse("balloting:round-vote", args=[round_.pk])


# --- a deputy on a phone -------------------------------------------------------------------


def test_my_votes_now_lists_the_open_vote_and_refreshes_itself(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    client = signed_in(deputies[0].user)

    page = client.get(reverse("balloting:my-votes"))

    assert page.status_code == 200
    assert vote_url(round_) in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()
    partial = client.get(reverse("balloting:my-votes"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode() and vote_url(round_) in partial.content.decode()


def test_a_deputy_votes_for_and_is_told_only_that_the_vote_was_recorded(session, staff, deputies, everyone_present):
    """RES-1 in the room; SEC-1: the confirmation carries no ballot id and no choice."""
    round_ = motion_round(session, staff)
    client = signed_in(deputies[0].user)
    form = client.get(vote_url(round_))
    assert form.status_code == 200
    assert 'value="for"' in form.content.decode() and 'value="against"' in form.content.decode()

    response = client.post(vote_url(round_), {"choice": FOR})

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("balloting:round-voted", args=[round_.pk])
    confirmation = client.get(response.headers["Location"])
    text = confirmation.content.decode()
    assert "Your vote has been recorded" in text
    ballot = Ballot.objects.get(round=round_)
    assert ballot.marks == {"motion": FOR}
    assert str(ballot.pk) not in text and str(ballot.pk) not in response.headers["Location"]
    assert Eligibility.objects.get(round=round_, deputy=deputies[0]).has_voted is True


def test_a_deputy_cannot_vote_twice_and_is_told_so(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    client = signed_in(deputies[0].user)
    client.post(vote_url(round_), {"choice": FOR})

    again = client.post(vote_url(round_), {"choice": AGAINST})

    assert again.status_code == 409
    assert "already voted" in again.content.decode()
    assert Ballot.objects.filter(round=round_).count() == 1
    page = client.get(vote_url(round_))
    assert "already voted" in page.content.decode() and 'name="choice"' not in page.content.decode()


def test_a_deputy_not_checked_in_is_told_to_check_in_and_cannot_vote(monkeypatch, session, staff, deputies):
    install_roll(monkeypatch, FakeRoll(6, deputies[:5]))
    round_ = motion_round(session, staff)
    client = signed_in(deputies[5].user)

    page = client.get(vote_url(round_))
    response = client.post(vote_url(round_), {"choice": FOR})

    assert "check in" in page.content.decode() and 'name="choice"' not in page.content.decode()
    assert response.status_code == 403
    assert "check in" in response.content.decode()
    assert not Ballot.objects.filter(round=round_).exists()
    listing = client.get(reverse("balloting:my-votes")).content.decode()
    assert "not admitted" in listing and vote_url(round_) not in listing


def test_a_closed_vote_takes_no_more_votes(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    services.close_and_count_round(by=staff, round=round_)
    response = signed_in(deputies[0].user).post(vote_url(round_), {"choice": FOR})
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert not Ballot.objects.filter(round=round_).exists()


def test_a_vote_without_a_choice_is_refused_with_a_reason(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    response = signed_in(deputies[0].user).post(vote_url(round_), {})
    assert response.status_code == 422
    assert "Choose for, against or abstain." in response.content.decode()
    assert not Ballot.objects.filter(round=round_).exists()


def test_the_vote_pages_are_never_cached(session, staff, deputies, everyone_present):
    """The back button must not show a marked ballot from the browser's cache."""
    round_ = motion_round(session, staff)
    response = signed_in(deputies[0].user).get(vote_url(round_))
    assert "no-store" in response.headers["Cache-Control"]


def test_elec_12_an_election_ballot_choosing_too_many_is_refused(session, staff, deputies, everyone_present):
    """One seat: FOR 甲 and a written-in name are two choices, a void ballot (ELEC-12)."""
    round_ = election_round(session, staff, write_ins=Round.WriteIns.ANYONE)
    client = signed_in(deputies[0].user)
    page = client.get(vote_url(round_)).content.decode()
    assert 'data-chosen-max="1"' in page and 'name="write_in_1"' in page

    response = client.post(vote_url(round_), {"mark_1": FOR, "mark_2": AGAINST, "write_in_1": "丙"})

    assert response.status_code == 422
    assert "At most 1 may be chosen" in response.content.decode()
    assert not Ballot.objects.filter(round=round_).exists()
    ok = client.post(vote_url(round_), {"mark_1": FOR, "mark_2": AGAINST})
    assert ok.status_code == 302
    assert Ballot.objects.get(round=round_).marks == {"c1": FOR, "c2": AGAINST}


def test_elec_10_a_write_in_must_be_a_deputy_when_the_round_says_so(session, staff, deputies, everyone_present):
    round_ = election_round(session, staff, write_ins=Round.WriteIns.DEPUTIES)
    client = signed_in(deputies[0].user)
    refused = client.post(vote_url(round_), {"write_in_1": "不是代表的人"})
    assert refused.status_code == 422
    assert not Ballot.objects.exists()
    accepted = client.post(vote_url(round_), {"write_in_1": deputies[3].name})
    assert accepted.status_code == 302
    assert Ballot.objects.get(round=round_).write_ins == [deputies[3].name]


def test_voting_writes_no_log_line_about_the_voter(session, staff, deputies, everyone_present, caplog):
    """SEC-1 (c), (d): nothing logged while voting names the deputy or the account."""
    round_ = motion_round(session, staff)
    deputy = deputies[0]
    client = signed_in(deputy.user)
    with caplog.at_level(logging.DEBUG):
        client.post(vote_url(round_), {"choice": FOR})
        client.post(vote_url(round_), {"choice": AGAINST})  # refused: also logs nothing about who
    for record in caplog.records:
        message = record.getMessage()
        for identifier in (deputy.user.username, deputy.name, deputy.code):
            assert identifier not in message


# --- staff: the round control ----------------------------------------------------------------


def test_counts_stay_hidden_on_every_page_while_the_vote_is_open(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    for deputy in deputies[:3]:
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})
    staff_client = signed_in(staff)
    pages = [
        staff_client.get(reverse("balloting:round-detail", args=[round_.pk])),
        staff_client.get(reverse("balloting:round-projector", args=[round_.pk])),
        Client().get(reverse("balloting:public-result", args=[round_.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert page.context["result"] is None
        text = page.content.decode()
        assert "result-figures" not in text and "Adopted" not in text
    detail = pages[0]
    assert detail.context["progress"].voted == 3 and detail.context["progress"].admitted == 6


def test_res_1_closing_the_vote_counts_it_and_the_projector_shows_the_result(session, staff, deputies, everyone_present):
    """Four FOR of six deputies: more than half of all, adopted (RES-1, SESS-4)."""
    round_ = motion_round(session, staff)
    for deputy, mark in zip(deputies, [FOR, FOR, FOR, FOR, AGAINST, "abstain"], strict=True):
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": mark})
    client = signed_in(staff)

    response = client.post(reverse("balloting:round-close", args=[round_.pk]))

    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTED
    projector = client.get(reverse("balloting:round-projector", args=[round_.pk]))
    result = projector.context["result"]
    line = result.options[0]
    assert (line.for_votes, line.against, line.abstain) == (4, 1, 1)
    assert "Adopted" in projector.content.decode()
    public = Client().get(reverse("balloting:public-result", args=[round_.pk]))
    assert public.status_code == 200 and "Adopted" in public.content.decode()


def test_three_for_of_six_is_not_adopted(session, staff, deputies, everyone_present):
    """RES-1: a majority of those voting is not enough; 3 of 6 is not more than half of all."""
    round_ = motion_round(session, staff)
    for deputy in deputies[:3]:
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})
    signed_in(staff).post(reverse("balloting:round-close", args=[round_.pk]))
    page = Client().get(reverse("balloting:public-result", args=[round_.pk]))
    assert "Not adopted" in page.content.decode()


def test_closing_an_election_round_leaves_the_count_to_the_election(session, staff, deputies, everyone_present):
    """SEC-2: the election's scrutineers count (elections), so closing only closes."""
    round_ = election_round(session, staff)
    signed_in(staff).post(reverse("balloting:round-close", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED and round_.counted_at is None


def test_staff_opens_a_prepared_round_here_but_not_an_election_round(session, staff, deputies, everyone_present):
    client = signed_in(staff)
    round_ = motion_round(session, staff, open_it=False)
    assert client.post(reverse("balloting:round-open", args=[round_.pk])).status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN

    election = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="市长选举", options=[("c1", "甲")],
        method=Round.Method.ELECTRONIC,
    )
    refused = client.post(reverse("balloting:round-open", args=[election.pk]))
    assert refused.status_code == 409
    election.refresh_from_db()
    assert election.status == Round.Status.DRAFT


def test_the_round_state_refreshes_itself_while_open(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    client = signed_in(staff)
    partial = client.get(reverse("balloting:round-detail", args=[round_.pk]), HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and 'hx-trigger="every 2s"' in text


def test_the_projector_polls_its_result_endpoint(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    page = signed_in(staff).get(reverse("balloting:round-projector", args=[round_.pk])).content.decode()
    assert f'data-poll-url="/api/voting/rounds/{round_.pk}/result"' in page
    assert 'data-status="open"' in page and "<script>" not in page
    public = Client().get(reverse("balloting:public-result", args=[round_.pk])).content.decode()
    assert f'data-poll-url="/api/voting/public/rounds/{round_.pk}/result"' in public


# --- who may use which page ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC, Role.STAFF, Role.ADMINISTRATOR])
def test_only_deputies_open_the_ballot(role, session, staff, deputies, everyone_present, users):
    round_ = motion_round(session, staff)
    client = signed_in(users[role])
    assert client.get(vote_url(round_)).status_code == 403
    assert client.post(vote_url(round_), {"choice": FOR}).status_code == 403
    assert client.get(reverse("balloting:my-votes")).status_code == 403
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
def test_only_staff_open_and_close_votes(role, session, staff, deputies, everyone_present, users):
    round_ = motion_round(session, staff)
    draft = motion_round(session, staff, open_it=False)
    client = signed_in(users[role])
    assert client.post(reverse("balloting:round-close", args=[round_.pk])).status_code == 403
    assert client.post(reverse("balloting:round-open", args=[draft.pk])).status_code == 403
    round_.refresh_from_db()
    draft.refresh_from_db()
    assert (round_.status, draft.status) == (Round.Status.OPEN, Round.Status.DRAFT)


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
def test_the_room_pages_are_refused_outside_the_congress(role, session, staff, deputies, everyone_present, users):
    round_ = motion_round(session, staff)
    client = signed_in(users[role])
    for name in ("balloting:round-detail", "balloting:round-projector"):
        assert client.get(reverse(name, args=[round_.pk])).status_code == 403
    assert client.get(reverse("balloting:round-list")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    for url in (vote_url(round_), reverse("balloting:my-votes"), reverse("balloting:round-projector", args=[round_.pk])):
        response = Client().get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.headers["Location"]


def test_the_public_result_page_shows_no_election_round_and_no_prepared_round(session, staff, deputies, everyone_present):
    """Election results are published by the election's announcement; a prepared round is
    nobody's business yet."""
    election = election_round(session, staff)
    draft = motion_round(session, staff, open_it=False)
    for round_ in (election, draft):
        assert Client().get(reverse("balloting:public-result", args=[round_.pk])).status_code == 404
