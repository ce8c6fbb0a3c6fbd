"""/api/elections: elections of office holders and their results.

- `GET /api/elections`, `GET /api/elections/{id}` (`elections.view`): elections with their
  candidates and rounds (a round's status, never its counts before the count).
- `GET /api/elections/{id}/result`: open to everyone, scoped by who asks: staff and
  deputies see every counted round with its outcome (announced or not); anyone else sees
  only the rounds the presidium has announced (the publication of the result), and nothing
  (404) before the first announcement.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from ninja import Field, Schema
from ninja.pagination import paginate

from balloting import selectors as balloting_selectors
from core.apikit import DatongRouter, ErrorOut, Page, acting_user, auth_for
from core.errors import NotFound
from core.permissions import PUBLIC, has_perm

from . import selectors
from .models import Election, ElectionRound
from .permissions import VIEW

router = DatongRouter()
ERRORS = {403: ErrorOut, 404: ErrorOut}


def _anyone(request):
    """Last in the chain: a caller without a valid token or session reads as a visitor."""
    return AnonymousUser()


class ElectionOut(Schema):
    id: int
    session_id: int
    office: str = Field(..., alias="office.name")
    office_kind: str = Field(..., alias="office.kind")
    seats: int
    status: str
    vote_method: str
    is_by_election: bool
    is_general_election: bool


class CandidateOut(Schema):
    id: int
    name: str
    position: int
    is_write_in: bool
    status: str


class ElectionRoundOut(Schema):
    number: int
    stage: str
    round_id: int
    seats: int
    status: str
    method: str
    announced: bool


class ElectionDetailOut(ElectionOut):
    candidates: list[CandidateOut]
    rounds: list[ElectionRoundOut]


class LineOut(Schema):
    key: str
    label: str
    is_write_in: bool
    for_votes: int
    against: int
    abstain: int
    reaches_threshold: bool


class RoundReportOut(Schema):
    """One counted round (ELEC-11..15, SESS-4): the counts and the outcome by name."""

    number: int
    stage: str
    round_id: int
    announced: bool
    round_valid: bool
    all_deputies: int
    threshold: int
    seats: int
    ballots_issued: int
    ballots_returned: int
    ballots_valid: int
    ballots_void: int
    lines: list[LineOut]
    elected: list[str]
    tie_break: list[str]
    tie_break_seats: int
    seats_unfilled: int
    official_list: list[str]


class ElectionResultOut(Schema):
    election_id: int
    office: str
    seats: int
    status: str
    rounds: list[RoundReportOut]


def _election_out(election: Election) -> dict:
    return {
        "id": election.pk,
        "session_id": election.session_id,
        "office.name": str(election.office.name),
        "office.kind": election.office.kind,
        "seats": election.seats,
        "status": election.status,
        "vote_method": election.vote_method,
        "is_by_election": election.is_by_election,
        "is_general_election": election.is_general_election,
    }


@router.get("", permission=VIEW, response=list[ElectionOut], url_name="elections-list")
@paginate(Page)
def list_elections(request, status: str = "", session: int | None = None):
    elections = selectors.elections(acting_user(request), status=status or None)
    if session:
        elections = elections.filter(session_id=session)
    return elections.order_by("-pk")


@router.get("/{election_id}", permission=VIEW, response={200: ElectionDetailOut, **ERRORS}, url_name="elections-detail")
def election_detail(request, election_id: int):
    user = acting_user(request)
    election = selectors.elections(user).filter(pk=election_id).first()
    if election is None:
        raise NotFound()
    return {
        **_election_out(election),
        "candidates": [
            {"id": c.pk, "name": c.name, "position": c.position, "is_write_in": c.is_write_in, "status": c.status}
            for c in selectors.candidates(user, election)
        ],
        "rounds": [
            {
                "number": r.number,
                "stage": r.stage,
                "round_id": r.round_id,
                "seats": r.seats,
                "status": r.round.status,
                "method": r.round.method,
                "announced": r.announced_at is not None,
            }
            for r in selectors.rounds(user, election)
        ],
    }


def _report(election_round: ElectionRound, result: balloting_selectors.RoundResult) -> dict:
    labels = {line.key: line.label for line in result.options}
    outcome = election_round.outcome or {}

    def names(keys) -> list[str]:
        return [labels.get(key, key) for key in keys or ()]

    return {
        "number": election_round.number,
        "stage": election_round.stage,
        "round_id": election_round.round_id,
        "announced": election_round.announced_at is not None,
        "round_valid": result.round_valid,
        "all_deputies": result.all_deputies,
        "threshold": result.threshold,
        "seats": election_round.seats,
        "ballots_issued": result.ballots_issued,
        "ballots_returned": result.ballots_returned,
        "ballots_valid": result.ballots_valid,
        "ballots_void": result.ballots_void,
        "lines": [vars(line) for line in result.options],
        "elected": names(outcome.get("elected")),
        "tie_break": names(outcome.get("tie_break")),
        "tie_break_seats": outcome.get("tie_break_seats", 0),
        "seats_unfilled": outcome.get("seats_unfilled", 0),
        "official_list": names(outcome.get("list")),
    }


# Open to everyone: an announced result is public (its announcement is the publication);
# the answer is scoped to who asks, so the token or session is read when there is one.
@router.get(
    "/{election_id}/result",
    permission=PUBLIC,
    auth=[*auth_for(PUBLIC), _anyone],
    response={200: ElectionResultOut, **ERRORS},
    url_name="elections-result",
)
def election_result(request, election_id: int):
    user = acting_user(request)
    election = Election.objects.select_related("office").filter(pk=election_id).first()
    if election is None:
        raise NotFound()
    insider = has_perm(user, VIEW, election)
    rounds = []
    for election_round in election.rounds.select_related("round").order_by("number"):
        if election_round.outcome is None:
            continue  # not counted yet: nothing to show anyone
        if not insider and election_round.announced_at is None:
            continue
        result = balloting_selectors.counted_result(election_round.round)
        if result is not None:
            rounds.append(_report(election_round, result))
    if not insider and not rounds:
        raise NotFound()  # nothing published: the visitor learns nothing, not even that it exists
    return {
        "election_id": election.pk,
        "office": str(election.office.name),
        "seats": election.seats,
        "status": election.status,
        "rounds": rounds,
    }
