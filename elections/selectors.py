"""Reads of elections for pages, the projector, the result report and the API.

Scoped to the user (`elections.view`); round counts come from balloting's selectors, which
show nothing until a round is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from balloting import selectors as balloting_selectors
from balloting.models import Round
from core.organisation.models import Deputy, StandingCommittee
from core.organisation.rules import effective_parameters
from core.permissions import has_perm

from . import rules
from .models import Candidate, Election, ElectionRound, Nomination, NominationSignature
from .permissions import VIEW


def elections(user, *, session=None, status: str | None = None) -> QuerySet[Election]:
    if not has_perm(user, VIEW):
        return Election.objects.none()
    queryset = Election.objects.select_related("office", "session")
    if session is not None:
        queryset = queryset.filter(session=session)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def nominations(user, election: Election) -> QuerySet[Nomination]:
    """Nominations with their signature counts (`signature_count`)."""
    if not has_perm(user, VIEW, election):
        return Nomination.objects.none()
    return election.nominations.annotate(
        signature_count=Count("signatures", filter=Q(signatures__deputy__in_office=True))
    ).select_related("deputy")


@dataclass(frozen=True)
class NominationProgress:
    """ELEC-4: signatures so far against the number needed, and how many more must sign."""

    signed: int
    needed: int
    enough: bool
    missing: int


def nomination_progress(nomination: Nomination) -> NominationProgress:
    session = nomination.election.session
    needed = int(effective_parameters(session.term.congress, session)["nomination_min_deputies"])
    signed = nomination.signatures.filter(deputy__in_office=True).count()
    missing = rules.signatures_missing(signed, needed)
    return NominationProgress(signed, needed, missing == 0, missing)


def signatures_left(deputy, election: Election) -> int:
    """ELEC-5: how many more joint nominations for this office the deputy may sign."""
    signed = NominationSignature.objects.filter(
        deputy=deputy, nomination__in=fresh_nominations(election).filter(nominated_by=Nomination.By.DEPUTIES)
    ).count()
    return max(open_seats(election) - signed, 0)


@dataclass(frozen=True)
class ListPreview:
    """What fixing the list now would do (ELEC-6/7/9), with the warnings staff must see."""

    decision: rules.ListDecision
    margin: int
    margin_low: int
    margin_high: int | None
    margin_flagged: bool  # ELEC-7 UNSURE: tell staff
    state_post_warnings: tuple[str, ...]  # ELEC-3
    scrutineer_conflicts: dict  # SEC-2


def list_preview(user, election: Election) -> ListPreview | None:
    if not has_perm(user, VIEW, election):
        return None
    submitted = election.nominations.filter(status=Nomination.Status.SUBMITTED)
    allowed = rules.margin_range(election.office.kind, election.seats, by_election=election.is_by_election)
    warnings = ()
    if election.office.kind in rules.STANDING_COMMITTEE:
        warnings = tuple(submitted.filter(holds_state_post=True).values_list("name", flat=True))
    return ListPreview(
        decision=rules.list_decision(
            election.office.kind,
            election.seats,
            election.margin,
            submitted.count(),
            by_election=election.is_by_election,
        ),
        margin=election.margin,
        margin_low=allowed.low,
        margin_high=allowed.high,
        margin_flagged=allowed.flagged or election.margin_flagged,
        state_post_warnings=warnings,
        scrutineer_conflicts=scrutineer_conflicts(election),
    )


def standing_committee_size(session) -> int | None:
    """ELEC-2: the number of standing-committee members fixed for the session's term, if
    configured: on the term's standing committee, else the congress's `sc_size`."""
    size = StandingCommittee.objects.filter(term_id=session.term_id).values_list("size", flat=True).first()
    if size is not None:
        return size
    return effective_parameters(session.term.congress, session).get("sc_size")


def open_seats(election: Election) -> int:
    """Seats still to be nominated for: all of them, or those left for a run-off."""
    if election.status == Election.Status.RUNOFF_PENDING:
        elected = election.candidates.filter(status=Candidate.Status.ELECTED).count()
        return max(election.seats - elected, 0)
    return election.seats


def candidate_key(candidate: Candidate) -> str:
    """A candidate's line on a ballot (balloting option key)."""
    return f"c{candidate.pk}"


def _round_leaving_seats(election: Election) -> ElectionRound | None:
    """The announced vote whose seats were left unfilled (ELEC-15): the latest valid one."""
    announced = election.rounds.exclude(announced_at__isnull=True).exclude(stage=ElectionRound.Stage.PRIMARY)
    for election_round in announced.select_related("round").order_by("-number"):
        outcome = election_round.outcome or {}
        if outcome.get("valid") and outcome.get("seats_unfilled"):
            return election_round
    return None


@dataclass(frozen=True)
class RunoffStanding:
    """A candidate still standing and their FOR votes in the vote that left seats unfilled."""

    candidate: Candidate
    votes: int


def runoff_ranking(election: Election) -> list[RunoffStanding]:
    """ELEC-15: the candidates still standing, most votes first in the vote that left seats
    unfilled (ballot order among equals); one not on that vote's ballot counts no votes."""
    standing = list(election.candidates.filter(status=Candidate.Status.LISTED).order_by("position", "pk"))
    source = _round_leaving_seats(election)
    votes: dict[str, int] = {}
    if source is not None:
        votes = {key: count or 0 for key, count in source.round.options.values_list("key", "for_votes")}
    ranked = [RunoffStanding(c, votes.get(candidate_key(c), 0)) for c in standing]
    return sorted(ranked, key=lambda r: -r.votes)


def fresh_nominations(election: Election):
    """Nominations not withdrawn and not yet on a list (in a run-off: the new ones)."""
    listed = Candidate.objects.filter(election=election, nomination__isnull=False).values("nomination_id")
    return election.nominations.exclude(status=Nomination.Status.WITHDRAWN).exclude(pk__in=listed)


def relative_conflicts(election: Election, user) -> list[str]:
    """SEC-2: the nominees of this election of whom `user` is a declared close relative (or
    whom the user is). Matched by account, by deputy and by name."""
    deputy = Deputy.objects.filter(user=user).first()
    names = {n for n in (user.get_full_name().strip(), deputy.name if deputy else "") if n}
    conflicts = []
    for nomination in election.nominations.exclude(status=Nomination.Status.WITHDRAWN).prefetch_related("relatives"):
        if deputy is not None and nomination.deputy_id == deputy.pk:
            conflicts.append(nomination.name)
            continue
        for relative in nomination.relatives.all():
            if (
                relative.user_id == user.pk
                or (deputy is not None and relative.deputy_id == deputy.pk)
                or (relative.name and relative.name in names)
            ):
                conflicts.append(nomination.name)
                break
    return conflicts


def scrutineer_conflicts(election: Election) -> dict[str, str]:
    """SEC-2: {"scrutineer <user id>": why} for each scrutineer related to a nominee."""
    problems = {}
    for scrutineer in election.scrutineers.select_related("user"):
        conflicts = relative_conflicts(election, scrutineer.user)
        if conflicts:
            problems[f"scrutineer {scrutineer.user_id}"] = _(
                "%(name)s is a close relative of %(nominees)s and may not scrutinise (SEC-2)."
            ) % {"name": scrutineer.user.display_name, "nominees": "、".join(conflicts)}
    return problems


def candidates(user, election: Election) -> QuerySet[Candidate]:
    """The official list (and written-in persons elected), in ballot order."""
    if not has_perm(user, VIEW, election):
        return Candidate.objects.none()
    return election.candidates.select_related("deputy")


def elected(user, election: Election) -> QuerySet[Candidate]:
    return candidates(user, election).filter(status=Candidate.Status.ELECTED)


def rounds(user, election: Election) -> QuerySet[ElectionRound]:
    if not has_perm(user, VIEW, election):
        return ElectionRound.objects.none()
    return election.rounds.select_related("round")


def date_warnings(election: Election) -> list[str]:
    """`rules.date_warnings` of an election, its ballot read on the local calendar."""
    from django.utils import timezone

    session = election.session
    ballot_on = timezone.localdate(election.ballot_at) if election.ballot_at else None
    return rules.date_warnings(
        session_starts_on=session.starts_on, session_ends_on=session.ends_on,
        nominations_open_at=election.nominations_open_at, ballot_on=ballot_on,
        today=timezone.localdate(), now=timezone.now(),
        in_progress=election.status == Election.Status.NOMINATING,
    )


def next_step(election: Election) -> str:
    """What the secretariat does next, as a code for the page:
    "nominate", "finalise_list", "open_round", "close_round", "enter_ballots", "count",
    "sign", "announce", "tie_break", "settle_by_lot", "repeat", "runoff", "deferred", "done"."""
    if election.status == Election.Status.COMPLETED:
        return "done"
    if election.status == Election.Status.RUNOFF_DEFERRED:
        return "deferred"
    if election.status == Election.Status.NOMINATING:
        return "finalise_list"
    if election.status == Election.Status.RUNOFF_PENDING:
        return "runoff"
    current = election.rounds.select_related("round").order_by("-number").first()
    if current is None:
        return "finalise_list"
    round_ = current.round
    if round_.status == Round.Status.DRAFT:
        return "open_round"
    if round_.status == Round.Status.OPEN:
        return "close_round"
    if current.outcome is None:
        if round_.method == Round.Method.PAPER and not balloting_selectors.ready_to_count(round_):
            return "enter_ballots"
        return "count"
    if current.announced_at is None:
        signed = round_.scrutineers.exists() and not round_.scrutineers.filter(signed_at__isnull=True).exists()
        return "announce" if signed else "sign"
    outcome = current.outcome
    if not outcome.get("valid", True):
        return "repeat"
    if outcome.get("tie_break"):
        if current.stage == ElectionRound.Stage.PRIMARY and outcome.get("primary_tie_rule") == "lot":
            return "settle_by_lot"
        return "tie_break"
    return "open_round"


@dataclass(frozen=True)
class RoundReport:
    """The result report of one election round (ELEC-11..15, SESS-4, SEC-2): the counts
    from balloting, and who is elected, tied or left to a run-off, by name."""

    election_id: int
    stage: str
    number: int
    result: balloting_selectors.RoundResult
    elected: tuple[str, ...]
    tie_break: tuple[str, ...]
    tie_break_seats: int
    seats_unfilled: int
    official_list: tuple[str, ...]  # a primary's chosen names (ELEC-9)
    announced: bool
    # rules.MAJORITY (ELEC-13) or rules.MOST_VOTES (a primary, ELEC-9; a tie-break, ELEC-14)
    basis: str = rules.MAJORITY


def round_report(user, election_round: ElectionRound) -> RoundReport | None:
    """None until the round is counted (counts are hidden while voting)."""
    if not has_perm(user, VIEW, election_round.election):
        return None
    result = balloting_selectors.round_result(user, election_round.round)
    if result is None or election_round.outcome is None:
        return None
    labels = {o.key: o.label for o in result.options}
    outcome = election_round.outcome

    def names(keys):
        return tuple(labels.get(key, key) for key in keys or ())

    return RoundReport(
        election_id=election_round.election_id,
        stage=election_round.stage,
        number=election_round.number,
        result=result,
        elected=names(outcome.get("elected")),
        tie_break=names(outcome.get("tie_break")),
        tie_break_seats=outcome.get("tie_break_seats", 0),
        seats_unfilled=outcome.get("seats_unfilled", 0),
        official_list=names(outcome.get("list")),
        announced=election_round.announced_at is not None,
        basis=rules.result_basis(election_round.stage, requires_majority=bool(outcome.get("requires_majority"))),
    )
