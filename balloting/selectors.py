"""Reads of secret votes for pages, the projector and the API, scoped to the user asking.

Counts are never readable while a round is open or closed-but-uncounted: `round_result`
returns None until the round has been counted. While voting, only the progress (how many
have been admitted and how many have voted) is shown. Nothing here says how anyone voted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from core import rawrows
from core.permissions import has_perm
from core.web.published import PublishedItem

from . import permissions as codes
from . import rules
from .models import Eligibility, Option, PaperEntry, Round, RoundScrutineer, SheetResolution


def rounds(user, *, session=None, status: str | None = None) -> QuerySet[Round]:
    """Rounds the user may see (staff, administrators, deputies), newest last."""
    if not has_perm(user, codes.VIEW):
        return Round.objects.none()
    queryset = Round.objects.select_related("session")
    if session is not None:
        queryset = queryset.filter(session=session)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def round_to_vote_in(user, round_id: int) -> Round | None:
    """The round a deputy votes in, read by one hand-written query (core.rawrows): every
    vote in the room starts here. Its status is only a hint: the vote itself re-checks
    it under the round's lock (services.cast_vote)."""
    if not has_perm(user, codes.VIEW):
        return None
    found = rawrows.load(Round, "id = %s", [round_id], limit=1)
    return found[0] if found else None


def ballot_options(round_: Round) -> list[Option]:
    """The lines of the ballot in ballot order (no counts): for the voting form and the
    paper-entry form."""
    return list(round_.options.filter(is_write_in=False).order_by("position", "pk").only("key", "label", "position"))


#: Ballot lines by round, kept per process: (round id, round created) -> keys in ballot order.
_BALLOT_KEYS: dict[tuple[int, object], tuple[str, ...]] = {}
_BALLOT_KEYS_KEPT = 512


def ballot_keys(round_: Round) -> list[str]:
    """The keys of the ballot's lines in ballot order (the vote API maps a single choice
    onto the one line of a motion; the vote service checks the marks against them).

    A round's lines are fixed when it is created (only balloting writes options, and the
    write-ins found at the count are added as write-in options, never as lines), so they
    are read once per process and round: every vote of a round needs them. The creation
    time is part of the key, so a round id used again (a test database rolled back) is
    never mistaken for the old round."""
    key = (round_.pk, round_.created_at)
    keys = _BALLOT_KEYS.get(key)
    if keys is None:
        keys = tuple(
            round_.options.filter(is_write_in=False).order_by("position", "pk").values_list("key", flat=True)
        )
        if round_.pk is not None and round_.created_at is not None and keys:
            if len(_BALLOT_KEYS) >= _BALLOT_KEYS_KEPT:
                _BALLOT_KEYS.clear()
            _BALLOT_KEYS[key] = keys
    return list(keys)


@dataclass(frozen=True)
class Progress:
    """What may be shown while a round is open: how many may vote and how many have."""

    status: str
    method: str
    admitted: int
    voted: int
    ballots_issued: int
    sheets_entered: int


def round_progress(user, round_: Round) -> Progress | None:
    if not has_perm(user, codes.VIEW, round_):
        return None
    admitted = Eligibility.objects.filter(round=round_)
    return Progress(
        status=round_.status,
        method=round_.method,
        admitted=admitted.count(),
        voted=admitted.filter(has_voted=True).count(),
        ballots_issued=round_.ballots_issued,
        sheets_entered=PaperEntry.objects.filter(round=round_).values("sheet_number").distinct().count(),
    )


@dataclass(frozen=True)
class OptionResult:
    key: str
    label: str
    is_write_in: bool
    for_votes: int
    against: int
    abstain: int
    reaches_threshold: bool


@dataclass(frozen=True)
class RoundResult:
    """The counted round, as the result report shows it (ELEC-11..13, SESS-4, SEC-2)."""

    round_id: int
    title: str
    status: str
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
    options: tuple[OptionResult, ...]
    scrutineers: tuple[tuple[str, bool], ...]  # (name, signed)
    signed_off: bool


def round_result(user, round_: Round) -> RoundResult | None:
    """The result of a counted round; None while it is open, closed but not counted, or for
    a user who may not see rounds. Counts are hidden until the count (RES-1 practice)."""
    if not has_perm(user, codes.VIEW, round_) or round_.counted_at is None:
        return None
    return counted_result(round_)


def public_rounds() -> QuerySet[Round]:
    """Rounds anyone may follow on the public projector: votes on motions and projects once
    opened. Election rounds are published by the election's announcement (elections), and a
    prepared round is nobody's business yet."""
    return Round.objects.exclude(kind=Round.Kind.ELECTION).exclude(status=Round.Status.DRAFT)


def published_result(round_: Round) -> RoundResult | None:
    """The result anyone may see: a counted round among `public_rounds()`; None otherwise
    (counts stay hidden while voting and until the count, RES-1 practice)."""
    if round_.counted_at is None or not public_rounds().filter(pk=round_.pk).exists():
        return None
    return counted_result(round_)


def counted_result(round_: Round) -> RoundResult | None:
    """The counts of a counted round, for a caller that has already decided the reader may
    see them (the functions above; a domain's published result, such as an announced
    election round). None before the count."""
    if round_.counted_at is None:
        return None
    threshold = round_.threshold or rules.majority_of_all(round_.all_deputies or 1)
    options = tuple(
        OptionResult(
            key=o.key,
            label=o.label,
            is_write_in=o.is_write_in,
            for_votes=o.for_votes or 0,
            against=o.against_votes or 0,
            abstain=o.abstain_votes or 0,
            reaches_threshold=(o.for_votes or 0) >= threshold,
        )
        for o in round_.options.order_by("is_write_in", "position", "pk")
    )
    signatures = tuple((s.name, s.signed_at is not None) for s in round_.scrutineers.all())
    return RoundResult(
        round_id=round_.pk,
        title=round_.title,
        status=round_.status,
        round_valid=bool(round_.round_valid),
        all_deputies=round_.all_deputies or 0,
        all_deputies_basis=round_.all_deputies_basis,
        threshold=threshold,
        seats=round_.seats,
        ballots_issued=round_.ballots_issued,
        ballots_returned=round_.ballots_returned or 0,
        ballots_valid=round_.ballots_valid or 0,
        ballots_void=round_.ballots_void or 0,
        write_ins_dropped=round_.write_ins_dropped,
        options=options,
        scrutineers=signatures,
        signed_off=bool(signatures) and all(signed for _name, signed in signatures),
    )


# --- published results: the public list and the public home (core.web.published) ----------


def published_rounds(congress) -> QuerySet[Round]:
    """The rounds of `congress` whose result anyone may read, newest count first: counted
    rounds among `public_rounds()` (what `published_result` shows; never an election round,
    whose result the election announces, and nothing before the count, RES-1 practice)."""
    if congress is None:
        return Round.objects.none()
    return (
        public_rounds()
        .filter(counted_at__isnull=False, session__term__congress=congress)
        .select_related("session__term__congress")
        .order_by("-counted_at", "-pk")
    )


def latest_vote_results(*, congress, limit: int) -> list[PublishedItem]:
    """The newest published results of votes on motions and projects for the public home
    (core.web.published), each linking to its public result page. One query."""
    return [
        PublishedItem(
            title=round_.title,
            published_at=round_.counted_at,
            url=reverse("balloting:public-result", args=[round_.pk]),
            detail=" · ".join((str(round_.session), round_.get_kind_display())),
        )
        for round_ in published_rounds(congress)[:limit]
    ]


@dataclass(frozen=True)
class MyVote:
    """A deputy's own standing in a round: admitted, voted. Never what they chose."""

    admitted: bool
    has_voted: bool


def my_vote(user, round_: Round) -> MyVote:
    deputy = getattr(user, "deputy", None) if getattr(user, "is_authenticated", False) else None
    if deputy is None:
        return MyVote(False, False)
    row = Eligibility.objects.filter(round=round_, deputy=deputy).first()
    return MyVote(row is not None, bool(row and row.has_voted))


def open_rounds_for(user) -> QuerySet[Round]:
    """Open electronic rounds the signed-in deputy is admitted to and has not voted in."""
    deputy = getattr(user, "deputy", None) if getattr(user, "is_authenticated", False) else None
    if deputy is None or not has_perm(user, codes.CAST):
        return Round.objects.none()
    return Round.objects.filter(
        status=Round.Status.OPEN,
        method=Round.Method.ELECTRONIC,
        eligibilities__deputy=deputy,
        eligibilities__has_voted=False,
    )


# --- double entry --------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetState:
    """One paper sheet in the double entry: how far it is and, once both readings are in,
    where they differ. A reading is never shown before the second one is entered."""

    sheet_number: int
    entries: int
    state: str  # "once" | "agreed" | "discrepant" | "resolved"
    differences: tuple[str, ...]
    readings: tuple[dict, ...]  # both readings, only when discrepant or resolved


def _may_see_entries(user, round_: Round) -> bool:
    return has_perm(user, codes.RESOLVE, round_)


def sheet_states(user, round_: Round) -> list[SheetState]:
    """Every sheet entered so far, for the scrutineers' and staff's discrepancy page."""
    if not _may_see_entries(user, round_):
        return []
    keys = [o.key for o in ballot_options(round_)]
    by_sheet: dict[int, dict[int, PaperEntry]] = defaultdict(dict)
    for entry in PaperEntry.objects.filter(round=round_):
        by_sheet[entry.sheet_number][entry.slot] = entry
    resolved = set(SheetResolution.objects.filter(round=round_).values_list("sheet_number", flat=True))
    states = []
    for number in sorted(by_sheet):
        entries = by_sheet[number]
        if len(entries) < 2:
            states.append(SheetState(number, len(entries), "once", (), ()))
            continue
        first = rules.normalise_reading(entries[1].marks, entries[1].write_ins, keys=keys)
        second = rules.normalise_reading(entries[2].marks, entries[2].write_ins, keys=keys)
        differences = rules.reading_differences(first, second)
        if not differences:
            states.append(SheetState(number, 2, "agreed", (), ()))
            continue
        readings = tuple(
            {"slot": e.slot, "marks": dict(e.marks), "write_ins": list(e.write_ins)}
            for e in (entries[1], entries[2])
        )
        state = "resolved" if number in resolved else "discrepant"
        states.append(SheetState(number, 2, state, differences, readings))
    return states


def discrepancies(user, round_: Round) -> list[SheetState]:
    """Sheets whose two readings differ and are not resolved yet: the count waits for them."""
    return [s for s in sheet_states(user, round_) if s.state in ("once", "discrepant")]


def paper_readings(round_: Round) -> tuple[list[rules.Reading], dict[str, str]]:
    """The agreed reading of every sheet, and the problems that stop the count
    ({"sheet 12": reason}): no sheet entered at all, a sheet entered only once, or read
    differently and unresolved.

    ELEC-11: the ballots returned are the sheets entered, so a round with none entered has
    not been read yet; it is never counted as a valid round with nothing returned."""
    keys = [o.key for o in ballot_options(round_)]
    by_sheet: dict[int, dict[int, PaperEntry]] = defaultdict(dict)
    for entry in PaperEntry.objects.filter(round=round_):
        by_sheet[entry.sheet_number][entry.slot] = entry
    resolved = {r.sheet_number: r for r in SheetResolution.objects.filter(round=round_)}
    readings, problems = [], {}
    if not by_sheet:
        problems["sheets"] = _("no returned sheet has been entered yet")
    for number in sorted(by_sheet):
        entries = by_sheet[number]
        if len(entries) < 2:
            problems[f"sheet {number}"] = _("entered only once")
            continue
        first = rules.normalise_reading(entries[1].marks, entries[1].write_ins, keys=keys)
        second = rules.normalise_reading(entries[2].marks, entries[2].write_ins, keys=keys)
        if not rules.reading_differences(first, second):
            readings.append(first)
        elif number in resolved:
            r = resolved[number]
            readings.append(rules.normalise_reading(r.marks, r.write_ins, keys=keys))
        else:
            problems[f"sheet {number}"] = _("the two readings differ and are not resolved")
    return readings, problems


def ready_to_count(round_: Round) -> bool:
    """A closed round can be counted: electronic always; paper once ballots issued are
    recorded, at least one returned sheet is entered (ELEC-11) and every sheet has two
    readings that agree or are resolved."""
    if round_.status != Round.Status.CLOSED:
        return False
    if round_.method == Round.Method.ELECTRONIC:
        return True
    if round_.ballots_issued == 0:
        return False
    _readings, problems = paper_readings(round_)
    return not problems


def may_record_issued(round_: Round) -> bool:
    """Whether the ballots issued of a paper round may be recorded now (ELEC-11,
    rules.issued_may_be_recorded): before the close, or after it while none were recorded
    and no returned sheet is entered."""
    if round_.method != Round.Method.PAPER:
        return False
    return rules.issued_may_be_recorded(
        status=round_.status,
        ballots_issued=round_.ballots_issued,
        sheets_entered=PaperEntry.objects.filter(round=round_).count(),
    )


def my_entries(user, round_: Round) -> QuerySet[PaperEntry]:
    """The scrutineer's own readings (to correct a typing slip before resolution)."""
    if not has_perm(user, codes.ENTER, round_):
        return PaperEntry.objects.none()
    return PaperEntry.objects.filter(round=round_, entered_by=user)


def scrutineers(round_: Round) -> QuerySet[RoundScrutineer]:
    return round_.scrutineers.all()


# --- counting a paper vote on a motion or a project (views_paper, api) ----------------------
# Election rounds are counted on the election's pages, which apply the election law
# (elections.services.count_election_round): none of these reads returns one.


def counting_round(user, round_id: int) -> Round | None:
    """A paper vote on a motion or a project that the user helps count (SEC-2): staff and
    administrators every one, a scrutineer the rounds they were appointed to. None for any
    other user or round, and for election rounds."""
    if not has_perm(user, codes.SCRUTINISE):
        return None
    round_ = (
        Round.objects.select_related("session")
        .filter(pk=round_id, method=Round.Method.PAPER)
        .exclude(kind=Round.Kind.ELECTION)
        .first()
    )
    if round_ is None or not has_perm(user, codes.SCRUTINISE, round_):
        return None
    return round_


def checked_in_count(round_: Round) -> int:
    """ELEC-11: the deputies checked in to the round's session now, at most one ballot each."""
    from . import roll

    return len(roll.current().present_deputy_ids(round_.session))


def scrutineer_candidate(user, round_: Round, text: str):
    """The account `text` names if it may be appointed a scrutineer of the round (SEC-2):
    a staff or administrator account by its account name, or a deputy of the round's term in
    office (by deputy number or account name) who has an account. None otherwise, and for a
    user who may not appoint."""
    from core.accounts.models import User
    from core.accounts.roles import Role
    from core.organisation.models import Deputy

    text = (text or "").strip()
    if not text or not has_perm(user, codes.APPOINT, round_):
        return None
    deputies = Deputy.objects.filter(term_id=round_.session.term_id, in_office=True, user__is_active=True)
    deputy = deputies.filter(code=text).select_related("user").first()
    if deputy is not None:
        return deputy.user
    account = User.objects.filter(username=text, is_active=True).first()
    if account is None:
        return None
    if account.role in (Role.STAFF, Role.ADMINISTRATOR):
        return account
    if account.role == Role.DEPUTY and deputies.filter(user=account).exists():
        return account
    return None


@dataclass(frozen=True)
class PaperStep:
    """One step of counting a paper vote: `state` "done", "now" (the first step not done)
    or "later"; `may_act`: the user may take it now."""

    code: str
    state: str
    may_act: bool


@dataclass(frozen=True)
class PaperCount:
    """Where the counting of a paper vote stands, as staff and its scrutineers see it: the
    ballots issued (ELEC-11), how many sheets are entered, entered once only or read
    differently and not resolved, the scrutineers and their signatures (SEC-2), and the
    steps in order. Never a count: what the sheets say stays hidden until the count."""

    round_id: int
    status: str
    ballots_issued: int
    sheets_entered: int
    entered_once: int
    unresolved: int
    ready: bool
    void: bool
    scrutineers: tuple[tuple[str, bool], ...]  # (name, signed)
    steps: tuple[PaperStep, ...]

    @property
    def signed_off(self) -> bool:
        """SEC-2: every scrutineer has signed (and there is at least one)."""
        return bool(self.scrutineers) and all(signed for _name, signed in self.scrutineers)

    @property
    def now(self) -> PaperStep | None:
        """The first step not done yet (None when all are)."""
        return next((s for s in self.steps if s.state == "now"), None)

    @property
    def yours(self) -> PaperStep | None:
        """The step the user may take next: the first one not done that they may take."""
        return next((s for s in self.steps if s.may_act and s.state != "done"), None)

    def then(self, code: str, *, done: bool, may_act: bool) -> PaperCount:
        """The same with the owning domain's own step after the paper steps (a motion's
        "record the result", plenary)."""
        return replace(
            self,
            steps=_ordered(
                [*((s.code, s.state == "done", s.may_act) for s in self.steps), (code, done, may_act)]
            ),
        )


def _ordered(steps) -> tuple[PaperStep, ...]:
    """(code, done, may act) in order → steps with the first one not done marked "now"."""
    ordered, found = [], False
    for code, done, may_act in steps:
        if done:
            state = "done"
        elif not found:
            state, found = "now", True
        else:
            state = "later"
        ordered.append(PaperStep(code, state, bool(may_act)))
    return tuple(ordered)


def paper_count(user, round_: Round) -> PaperCount | None:
    """The counting of a paper vote on a motion or a project, for staff and the round's
    scrutineers (None for anyone else, for electronic votes and for election rounds)."""
    if (
        round_.method != Round.Method.PAPER
        or round_.kind == Round.Kind.ELECTION
        or not has_perm(user, codes.SCRUTINISE, round_)
    ):
        return None
    states = sheet_states(user, round_)
    entered = len(states)
    once = sum(1 for s in states if s.state == "once")
    unresolved = sum(1 for s in states if s.state == "discrepant")
    appointed = list(round_.scrutineers.all())
    signatures = tuple((s.name, s.signed_at is not None) for s in appointed)
    mine = next((s for s in appointed if s.user_id == user.pk), None)
    status = round_.status
    closed = status == Round.Status.CLOSED
    counted = round_.counted_at is not None
    ready = ready_to_count(round_)
    steps = _ordered(
        [
            (
                "scrutineers",
                len(signatures) >= 2,
                not counted
                and status in (Round.Status.DRAFT, Round.Status.OPEN, Round.Status.CLOSED)
                and has_perm(user, codes.APPOINT, round_),
            ),
            (
                "close",
                status not in (Round.Status.DRAFT, Round.Status.OPEN),
                status == Round.Status.OPEN and has_perm(user, codes.CLOSE, round_),
            ),
            (
                "issue",
                round_.ballots_issued > 0,
                may_record_issued(round_) and has_perm(user, codes.ISSUE, round_),
            ),
            (
                # How many sheets come back is known only once all are in: entering (and
                # settling) goes on until the count.
                "enter",
                counted,
                closed and round_.ballots_issued > 0 and has_perm(user, codes.ENTER, round_),
            ),
            (
                "resolve",
                counted,
                closed and unresolved > 0 and has_perm(user, codes.RESOLVE, round_),
            ),
            ("count", counted, ready and has_perm(user, codes.COUNT, round_)),
            (
                "sign",
                # A void round (ELEC-11) is held again: its signatures hold nothing up.
                status == Round.Status.VOID
                or (counted and bool(signatures) and all(s for _n, s in signatures)),
                counted and mine is not None and mine.signed_at is None,
            ),
        ]
    )
    return PaperCount(
        round_id=round_.pk,
        status=status,
        ballots_issued=round_.ballots_issued,
        sheets_entered=entered,
        entered_once=once,
        unresolved=unresolved,
        ready=ready,
        void=status == Round.Status.VOID,
        scrutineers=signatures,
        steps=steps,
    )
