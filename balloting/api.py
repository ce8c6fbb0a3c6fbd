"""/api/voting: voting rounds, a deputy's vote in the room, opening and closing, results.

- `GET /rounds`, `GET /rounds/{id}`: rounds the caller may see (`round.view`), with the
  progress (admitted / voted) and the caller's own standing (admitted, voted); never a count
  before the round is counted.
- `GET /my-rounds`: the open electronic rounds the signed-in deputy may vote in now.
- `POST /rounds/{id}/vote` (`ballot.cast`): `{"choice": "for"}` on a single motion, or
  `{"marks": {"c12": "for", ...}, "write_ins": ["…"]}`; answers 201 `{"recorded": true}` and
  nothing else: no ballot id, no receipt (SEC-1). 409 when already voted or the round is not
  open, 403 when not admitted (not checked in, not in office), 422 for a ballot the round
  does not accept (ELEC-10, ELEC-12).
- `POST /rounds/{id}/open`, `POST /rounds/{id}/close` (staff): closing an electronic vote on
  a motion or project counts it at once (`services.close_and_count_round`).
- `GET /rounds/{id}/result`: what the projector polls: `{"status": "open", "progress": …}`
  while voting, the counts once counted.
- `GET /public/rounds/{id}/result`: the public projector's: votes on motions and projects,
  counts only once counted.
- A paper vote on a motion or project (staff and the round's scrutineers; election rounds
  are counted through the election): `POST /rounds/{id}/issue` `{"count": 480}` records the
  ballots issued (ELEC-11, staff); `POST /rounds/{id}/sheets` `{"sheet_number": 12,
  "choice": "for"}` (or `"marks"` per line and `"write_ins"`) enters one scrutineer's
  reading of a sheet and answers 201 with the sheet number only (the double entry: never
  the other reading, never a count); `POST /rounds/{id}/count` counts it (ELEC-11, ELEC-12,
  staff) and answers the result; `POST /rounds/{id}/sign` records the calling scrutineer's
  signature (SEC-2). Sheets read differently are resolved on the pages.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from core.apikit import DatongRouter, ErrorOut, Page, acting_user
from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.permissions import PUBLIC

from . import permissions as codes
from . import selectors, services
from .models import Round

router = DatongRouter()

Mark = Literal["for", "against", "abstain"]
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- schemas -------------------------------------------------------------------------------


class OptionOut(Schema):
    key: str
    label: str


class RoundOut(Schema):
    id: int
    session_id: int
    kind: str
    title: str
    method: str
    status: str
    seats: int
    write_ins: str
    all_deputies: int | None
    threshold: int | None
    opened_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    counted_at: datetime.datetime | None


class ProgressOut(Schema):
    """While voting: how many may vote and how many have. Never what they chose."""

    admitted: int
    voted: int


class MyVoteOut(Schema):
    admitted: bool
    has_voted: bool


class RoundDetailOut(RoundOut):
    options: list[OptionOut]
    progress: ProgressOut | None = None
    my_vote: MyVoteOut | None = None


class VoteIn(Schema):
    """A ballot: `choice` for a single motion, or `marks` per line and `write_ins`."""

    choice: Mark | None = None
    marks: dict[str, str] = Field(default_factory=dict)
    write_ins: list[str] = Field(default_factory=list, max_length=100)


class RecordedOut(Schema):
    recorded: bool


class OptionResultOut(Schema):
    key: str
    label: str
    is_write_in: bool
    for_votes: int
    against: int
    abstain: int
    reaches_threshold: bool


class CountsOut(Schema):
    round_valid: bool
    all_deputies: int
    all_deputies_basis: str
    threshold: int
    seats: int
    ballots_issued: int
    ballots_returned: int
    ballots_valid: int
    ballots_void: int
    write_ins_dropped: int
    options: list[OptionResultOut]
    # A vote on one motion: FOR votes from more than half of all deputies (RES-1, SESS-4).
    adopted: bool | None = None


class ResultOut(Schema):
    round_id: int
    title: str
    kind: str
    status: str
    counted: bool
    progress: ProgressOut | None = None
    result: CountsOut | None = None


# --- helpers -------------------------------------------------------------------------------


def _round(user, round_id: int) -> Round:
    # A slice, not first(): no ORDER BY to build on the voting path.
    found = list(selectors.rounds(user).filter(pk=round_id).order_by()[:1])
    if not found:
        raise NotFound()
    return found[0]


def _progress(user, round_: Round) -> ProgressOut | None:
    progress = selectors.round_progress(user, round_)
    if progress is None or round_.method != Round.Method.ELECTRONIC:
        return None
    return ProgressOut(admitted=progress.admitted, voted=progress.voted)


def _counts(round_: Round, result: selectors.RoundResult) -> CountsOut:
    adopted = None
    if round_.kind == Round.Kind.MOTION and len(result.options) == 1:
        adopted = result.round_valid and result.options[0].reaches_threshold
    return CountsOut(
        round_valid=result.round_valid,
        all_deputies=result.all_deputies,
        all_deputies_basis=result.all_deputies_basis,
        threshold=result.threshold,
        seats=result.seats,
        ballots_issued=result.ballots_issued,
        ballots_returned=result.ballots_returned,
        ballots_valid=result.ballots_valid,
        ballots_void=result.ballots_void,
        write_ins_dropped=result.write_ins_dropped,
        options=[OptionResultOut(**vars(line)) for line in result.options],
        adopted=adopted,
    )


def _result_out(round_: Round, result, progress: ProgressOut | None) -> ResultOut:
    return ResultOut(
        round_id=round_.pk,
        title=round_.title,
        kind=round_.kind,
        status=round_.status,
        counted=result is not None,
        progress=None if result is not None else progress,
        result=None if result is None else _counts(round_, result),
    )


# --- rounds --------------------------------------------------------------------------------


@router.get("/rounds", permission=codes.VIEW, response=list[RoundOut], url_name="voting-rounds")
@paginate(Page)
def list_rounds(request, status: str = "", session: int | None = None):
    rounds = selectors.rounds(acting_user(request), status=status or None)
    if session:
        rounds = rounds.filter(session_id=session)
    return rounds.order_by("-pk")


@router.get("/my-rounds", permission=codes.CAST, response=list[RoundOut], url_name="voting-my-rounds")
def my_rounds(request):
    """The open electronic rounds the signed-in deputy is admitted to and has not voted in."""
    return list(selectors.open_rounds_for(acting_user(request)).order_by("opened_at", "pk"))


@router.get(
    "/rounds/{round_id}",
    permission=codes.VIEW,
    response={200: RoundDetailOut, **ERRORS},
    url_name="voting-round",
)
def get_round(request, round_id: int):
    user = acting_user(request)
    round_ = _round(user, round_id)
    mine = selectors.my_vote(user, round_)
    return {
        **RoundOut.from_orm(round_).model_dump(),
        "options": [{"key": o.key, "label": o.label} for o in selectors.ballot_options(round_)],
        "progress": _progress(user, round_),
        "my_vote": {"admitted": mine.admitted, "has_voted": mine.has_voted},
    }


@router.post(
    "/rounds/{round_id}/vote",
    permission=codes.CAST,
    response={201: RecordedOut, 401: ErrorOut, **ERRORS},
    url_name="voting-round-vote",
)
def vote(request, round_id: int, payload: VoteIn):
    """Cast the signed-in deputy's vote. The answer says only that it was recorded."""
    user = acting_user(request)
    round_ = selectors.round_to_vote_in(user, round_id)
    if round_ is None:
        raise NotFound()
    marks = dict(payload.marks)
    if payload.choice is not None:
        keys = selectors.ballot_keys(round_)
        if marks or payload.write_ins or len(keys) != 1 or round_.write_ins != Round.WriteIns.NONE:
            message = _("Give a choice alone, and only on a vote on a single motion; otherwise give marks.")
            raise ValidationFailed(message, details={"choice": message})
        marks = {keys[0]: payload.choice}
    services.cast_vote(by=user, round=round_, marks=marks, write_ins=payload.write_ins)
    return Status(201, {"recorded": True})


@router.post(
    "/rounds/{round_id}/open",
    permission=codes.OPEN,
    response={200: RoundOut, **ERRORS},
    url_name="voting-round-open",
)
def open_round(request, round_id: int):
    """Open a prepared round (SESS-1, SESS-4). Election rounds open from their election."""
    user = acting_user(request)
    round_ = _round(user, round_id)
    if round_.kind == Round.Kind.ELECTION:
        raise InvalidTransition(
            _("An election round is opened from its election."), code="opened_by_election"
        )
    return services.open_round(by=user, round=round_)


@router.post(
    "/rounds/{round_id}/close",
    permission=codes.CLOSE,
    response={200: RoundOut, **ERRORS},
    url_name="voting-round-close",
)
def close_round(request, round_id: int):
    """Close the vote; an electronic vote on a motion or project is counted at once."""
    user = acting_user(request)
    return services.close_and_count_round(by=user, round=_round(user, round_id))


@router.get(
    "/rounds/{round_id}/result",
    permission=codes.VIEW,
    response={200: ResultOut, **ERRORS},
    url_name="voting-round-result",
)
def round_result(request, round_id: int):
    """The projector's poll: the status and progress while voting, the counts once counted."""
    user = acting_user(request)
    round_ = _round(user, round_id)
    result = selectors.round_result(user, round_)
    progress = None if result is not None else _progress(user, round_)
    return _result_out(round_, result, progress)


# Open to everyone (auth=None): the public projector in the hall and on the portal. It
# shows only votes on motions and projects, counts only once counted (election rounds are
# published by the election's announcement, /api/elections/{id}/result).
@router.get(
    "/public/rounds/{round_id}/result",
    permission=PUBLIC,
    auth=None,
    response={200: ResultOut, 404: ErrorOut},
    url_name="voting-public-round-result",
)
def public_round_result(request, round_id: int):
    round_ = selectors.public_rounds().filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    return _result_out(round_, selectors.published_result(round_), None)


# --- counting a paper vote on a motion or a project ------------------------------------------


class IssueIn(Schema):
    count: int = Field(ge=0)


class PaperOut(Schema):
    """Where the count of a paper vote stands: never what the sheets say."""

    round_id: int
    status: str
    ballots_issued: int
    sheets_entered: int
    entered_once: int
    unresolved: int
    ready_to_count: bool
    signed_off: bool


class SheetIn(Schema):
    """One reading of a sheet: `choice` on a single motion (or "unclear"; leave it out for a
    blank sheet), or `marks` per line and `write_ins`."""

    sheet_number: int = Field(ge=1)
    choice: Literal["for", "against", "abstain", "unclear"] | None = None
    marks: dict[str, str] = Field(default_factory=dict)
    write_ins: list[str] = Field(default_factory=list, max_length=100)


class SheetOut(Schema):
    sheet_number: int
    recorded: bool


def _counting_round(user, round_id: int) -> Round:
    round_ = selectors.counting_round(user, round_id)
    if round_ is None:
        raise NotFound()
    return round_


def _paper_out(user, round_: Round) -> PaperOut:
    paper = selectors.paper_count(user, round_)
    return PaperOut(
        round_id=round_.pk,
        status=round_.status,
        ballots_issued=paper.ballots_issued,
        sheets_entered=paper.sheets_entered,
        entered_once=paper.entered_once,
        unresolved=paper.unresolved,
        ready_to_count=paper.ready,
        signed_off=paper.signed_off,
    )


@router.post(
    "/rounds/{round_id}/issue",
    permission=codes.ISSUE,
    response={200: PaperOut, **ERRORS},
    url_name="voting-round-issue",
)
def issue_ballots(request, round_id: int, payload: IssueIn):
    """ELEC-11: record the ballots issued, at most one for each deputy checked in; fixed
    once the vote is closed and recorded (409 `issued_fixed`)."""
    user = acting_user(request)
    round_ = services.issue_ballots(by=user, round=_counting_round(user, round_id), count=payload.count)
    return _paper_out(user, round_)


@router.post(
    "/rounds/{round_id}/sheets",
    permission=codes.SCRUTINISE,
    response={201: SheetOut, **ERRORS},
    url_name="voting-round-sheets",
)
def enter_sheet(request, round_id: int, payload: SheetIn):
    """One scrutineer's reading of one sheet (the round's scrutineers only, 403 for others);
    sending the same sheet again corrects one's own reading. 409 before the close, before
    the ballots issued are recorded, or for a sheet read twice already or resolved."""
    user = acting_user(request)
    round_ = _counting_round(user, round_id)
    marks = dict(payload.marks)
    if payload.choice is not None:
        keys = selectors.ballot_keys(round_)
        if marks or payload.write_ins or len(keys) != 1:
            message = _("Give a choice alone, and only on a vote on a single motion; otherwise give marks.")
            raise ValidationFailed(message, details={"choice": message})
        marks = {keys[0]: payload.choice}
    services.enter_paper_ballot(
        by=user, round=round_, sheet_number=payload.sheet_number, marks=marks, write_ins=payload.write_ins
    )
    return Status(201, {"sheet_number": payload.sheet_number, "recorded": True})


@router.post(
    "/rounds/{round_id}/count",
    permission=codes.COUNT,
    response={200: ResultOut, **ERRORS},
    url_name="voting-round-count",
)
def count_paper_round(request, round_id: int):
    """Count the closed paper vote (ELEC-11: void when more returned than issued; ELEC-12).
    409 `discrepancies` while a sheet is entered once only or read differently, naming them."""
    user = acting_user(request)
    round_ = _counting_round(user, round_id)
    services.count_round(by=user, round=round_)
    return _result_out(round_, selectors.round_result(user, round_), None)


@router.post(
    "/rounds/{round_id}/sign",
    permission=codes.SCRUTINISE,
    response={200: PaperOut, **ERRORS},
    url_name="voting-round-sign",
)
def sign_round(request, round_id: int):
    """SEC-2: the calling scrutineer signs the counted result (403 for anyone else)."""
    user = acting_user(request)
    round_ = _counting_round(user, round_id)
    services.sign_off(by=user, round=round_)
    return _paper_out(user, round_)
