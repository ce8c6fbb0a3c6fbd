"""Every change to an election: one function each, through core.workflow (docs/actions).

offices and seats → nominations (ELEC-4/5) → candidate list (ELEC-6/7, primary ELEC-9)
→ rounds on balloting (paper or in the room) → count → scrutineers sign (SEC-2) → announce
(ELEC-13) → tie-break (ELEC-14) or run-off (ELEC-15) when the law says so.

Counting itself is balloting's (`balloting.services`): issuing, closing, paper double entry
and discrepancy resolution are called there directly; this module adds the election law.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balloting import services as balloting
from balloting.models import Round
from core import permissions
from core.accounts.roles import Role
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.organisation.models import Deputy
from core.organisation.rules import effective_parameters
from core.workflow import perform, transition

from . import permissions as codes
from . import rules
from .models import (
    Candidate,
    CloseRelative,
    Election,
    ElectionRound,
    Nomination,
    NominationSignature,
    Office,
    Scrutineer,
)
from .selectors import (
    candidate_key,
    fresh_nominations,
    open_seats,
    relative_conflicts,
    runoff_ranking,
    scrutineer_conflicts,
    standing_committee_size,
)

# --- shared machinery ----------------------------------------------------------------------


def _failed(details: Mapping[str, object]) -> ValidationFailed:
    details = {key: str(value) for key, value in details.items()}
    return ValidationFailed(next(iter(details.values())), details=details)


def _parameters(session) -> dict:
    return effective_parameters(session.term.congress, session)


def _is_staff(user) -> bool:
    return permissions.role_of(user) in (Role.STAFF, Role.ADMINISTRATOR)


def _require_election_status(election: Election, *allowed: str) -> None:
    if election.status not in allowed:
        raise InvalidTransition(
            _("This is not possible while the election is “%(state)s”.") % {"state": election.get_status_display()},
            details={"state": election.status, "allowed_from": list(allowed)},
        )


def nomination_key(nomination: Nomination) -> str:
    return f"n{nomination.pk}"


def _check_deliberation(election: Election, at: datetime.datetime | None) -> None:
    """ELEC-8: at a general election, at least `deliberation_min_days` (48 h by default)
    between the opening of nominations and the ballot."""
    min_days = int(_parameters(election.session)["deliberation_min_days"])
    if not rules.deliberation_ok(
        election.nominations_open_at, at, is_general_election=election.is_general_election, min_days=min_days
    ):
        raise _failed(
            {
                "ballot_at": _(
                    "At a general election nominations and deliberation take at least %(days)s days (ELEC-8)."
                )
                % {"days": min_days}
            }
        )


# --- offices and elections -----------------------------------------------------------------


def create_office(*, by, congress, kind: str, name: str) -> Office:
    """Configure an office the congress elects (ELEC-1), with the city's title for it."""
    if kind not in rules.OFFICE_KINDS:
        raise _failed({"kind": _("Unknown office.")})

    def apply(_unused):
        office = Office(congress=congress, kind=kind, name=name)
        office.full_clean()
        office.save()
        return office

    return perform(
        by=by, action=codes.OFFICE_CREATE, permission_obj=congress, apply=apply,
        after=lambda o: {"kind": o.kind, "name": o.name},
    )


def create_election(
    *,
    by,
    session,
    office: Office,
    seats: int,
    nominations_open_at: datetime.datetime,
    ballot_at: datetime.datetime | None = None,
    is_general_election: bool = False,
    is_by_election: bool = False,
    margin: int | None = None,
    vote_method: str = Election.Method.PAPER,
) -> Election:
    """Set up the election of `seats` holders of `office` at `session`.

    Checks: one seat for a single-holder office (ELEC-6); the margin within the law
    (ELEC-6, ELEC-7; ELEC-17 for a by-election), defaulting to the session's parameter;
    the standing-committee seats of the session within the size fixed for the term, or
    the legal maximum while it is not configured (ELEC-2, `rules.sc_seat_limit`); the deliberation
    time when the ballot is already scheduled (ELEC-8). A procurator-general's election is
    marked as needing upper-level approval (ELEC-1).
    """
    if office.congress_id != session.term.congress_id:
        raise _failed({"office": _("The office belongs to another congress.")})
    if not rules.seats_allowed(office.kind, seats):
        raise _failed({"seats": _("A single-holder office has one seat (ELEC-6).")})
    parameters = _parameters(session)
    if margin is None:
        margin = rules.default_margin(office.kind, seats, parameters, by_election=is_by_election)
    allowed = rules.margin_range(office.kind, seats, by_election=is_by_election)
    if not allowed.allows(margin):
        high = "—" if allowed.high is None else allowed.high
        raise _failed(
            {
                "margin": _("The extra candidates must be between %(low)s and %(high)s for this office (ELEC-6, ELEC-7).")
                % {"low": allowed.low, "high": high}
            }
        )
    if office.kind in rules.STANDING_COMMITTEE and not is_by_election:
        taken = sum(
            Election.objects.filter(
                session=session, office__kind__in=rules.STANDING_COMMITTEE, is_by_election=False
            ).values_list("seats", flat=True)
        )
        congress = session.term.congress
        limit, fixed = rules.sc_seat_limit(
            sc_size=standing_committee_size(session), level=congress.level, population=congress.population
        )
        if not rules.sc_seats_fit(taken + seats, limit):
            if fixed:
                message = _("The standing committee has %(size)s members for this term (ELEC-2).")
            else:
                message = _(
                    "A standing committee of this congress has at most %(size)s members (ELEC-2). Its size for "
                    "this term is not configured: enter the number the provincial standing committee fixed."
                )
            raise _failed({"seats": message % {"size": limit}})
    if vote_method not in Election.Method.values:
        raise _failed({"vote_method": _("Unknown voting method.")})
    election = Election(
        session=session,
        office=office,
        seats=seats,
        is_general_election=is_general_election,
        is_by_election=is_by_election,
        margin=margin,
        margin_flagged=allowed.flagged,
        nominations_open_at=nominations_open_at,
        ballot_at=ballot_at,
        requires_upper_approval=rules.requires_upper_approval(office.kind),
        vote_method=vote_method,
    )
    if ballot_at is not None:
        _check_deliberation(election, ballot_at)

    def apply(_unused):
        election.full_clean()
        election.save()
        return election

    return perform(
        by=by,
        action=codes.ELECTION_CREATE,
        permission_obj=session,
        apply=apply,
        after=lambda e: {
            "office_id": e.office_id,
            "seats": e.seats,
            "margin": e.margin,
            "margin_flagged": e.margin_flagged,
            "is_general_election": e.is_general_election,
        },
    )


def schedule_ballot(*, by, election: Election, ballot_at: datetime.datetime) -> Election:
    """Set when the ballot takes place; ELEC-8 for a general election."""
    _check_deliberation(election, ballot_at)
    return transition(by=by, action=codes.ELECTION_SCHEDULE, obj=election, changes={"ballot_at": ballot_at})


# --- nominations ---------------------------------------------------------------------------


def nominate(
    *,
    by,
    election: Election,
    nominated_by: str,
    name: str = "",
    deputy: Deputy | None = None,
    occupation: str = "",
    biography: str = "",
    holds_state_post: bool = False,
    relatives: Iterable[Mapping] = (),
) -> Nomination:
    """Put a nominee forward (ELEC-4): by the presidium (recorded by staff; submitted at
    once, at most as many as there are seats, ELEC-5) or by deputies jointly (a draft that
    collects signatures, then `submit_nomination`). A standing-committee nominee must be a
    deputy in office (ELEC-1 (a)). `relatives`: close relatives declared on the form
    (dicts with name, relationship, deputy, user; SEC-2)."""
    permissions.require(by, codes.NOMINATION_CREATE, election)
    if nominated_by not in Nomination.By.values:
        raise _failed({"nominated_by": _("Unknown nominator.")})
    if nominated_by == Nomination.By.PRESIDIUM and not _is_staff(by):
        raise NotAllowed(_("Presidium nominations are recorded by the secretariat."))
    if deputy is not None and (deputy.term_id != election.session.term_id or not deputy.in_office):
        raise _failed({"deputy": _("The nominee is not a deputy in office of this congress.")})
    if rules.must_be_deputy(election.office.kind) and deputy is None:
        raise _failed({"deputy": _("Standing-committee office holders are elected from among the deputies (ELEC-1).")})
    name = (name or (deputy.name if deputy else "")).strip()
    if not name:
        raise _failed({"name": _("Name the nominee.")})
    relatives = [dict(r) for r in relatives]

    def apply(_unused):
        current = Election.objects.select_for_update().get(pk=election.pk)
        _require_election_status(current, Election.Status.NOMINATING, Election.Status.RUNOFF_PENDING)
        now = timezone.now()
        if nominated_by == Nomination.By.PRESIDIUM:
            taken = fresh_nominations(current).filter(nominated_by=Nomination.By.PRESIDIUM).count()
            if taken >= open_seats(current):
                raise _failed(
                    {"nominated_by": _("The presidium may not nominate more candidates than there are seats (ELEC-5).")}
                )
        nomination = Nomination(
            election=current,
            nominated_by=nominated_by,
            name=name,
            deputy=deputy,
            occupation=occupation,
            biography=biography,
            holds_state_post=holds_state_post,
            status=Nomination.Status.SUBMITTED if nominated_by == Nomination.By.PRESIDIUM else Nomination.Status.DRAFT,
            created_by=None if isinstance(by, str) else by,
            submitted_at=now if nominated_by == Nomination.By.PRESIDIUM else None,
        )
        nomination.full_clean()
        nomination.save()
        for relative in relatives:
            CloseRelative.objects.create(
                nomination=nomination,
                name=str(relative.get("name", "")).strip()[:50],
                relationship=str(relative.get("relationship", ""))[:30],
                deputy=relative.get("deputy"),
                user=relative.get("user"),
            )
        return nomination

    return perform(
        by=by,
        action=codes.NOMINATION_CREATE,
        permission_obj=election,
        apply=apply,
        after=lambda n: {"name": n.name, "nominated_by": n.nominated_by, "deputy_id": n.deputy_id},
    )


def _may_manage_nomination(by, nomination: Nomination) -> None:
    if _is_staff(by):
        return
    if nomination.created_by_id is None or nomination.created_by_id != getattr(by, "pk", None):
        raise NotAllowed(_("Only the deputy who started this nomination, or the secretariat, may do this."))


def declare_close_relative(
    *, by, nomination: Nomination, name: str, relationship: str = "", deputy: Deputy | None = None, user=None
) -> CloseRelative:
    """Add a close relative to a nominee's form (SEC-2): they may not scrutinise."""
    permissions.require(by, codes.NOMINATION_DECLARE_RELATIVE, nomination)
    _may_manage_nomination(by, nomination)
    if not name.strip():
        raise _failed({"name": _("Name the relative.")})
    return perform(
        by=by,
        action=codes.NOMINATION_DECLARE_RELATIVE,
        obj=nomination,
        apply=lambda current: CloseRelative.objects.create(
            nomination=current, name=name.strip()[:50], relationship=relationship[:30], deputy=deputy, user=user
        ),
        data={"name": name.strip()[:50]},
    )


def sign_nomination(*, by, nomination: Nomination, deputy: Deputy) -> NominationSignature:
    """A deputy signs a joint nomination (书面联名). ELEC-5: no deputy may sign joint
    nominations for more candidates of an office than it has seats (6 vice-mayor seats: a
    7th signature by the same deputy is refused). A deputy signs for themselves; staff may
    record a signature given on paper."""
    permissions.require(by, codes.NOMINATION_SIGN, nomination)
    if not _is_staff(by) and (deputy.user_id is None or deputy.user_id != by.pk):
        raise NotAllowed(_("A deputy can only sign for themselves."))

    def apply(current: Nomination):
        if current.nominated_by != Nomination.By.DEPUTIES or current.status != Nomination.Status.DRAFT:
            raise InvalidTransition(_("This nomination is not collecting signatures."))
        election = Election.objects.select_for_update().get(pk=current.election_id)
        _require_election_status(election, Election.Status.NOMINATING, Election.Status.RUNOFF_PENDING)
        if deputy.term_id != election.session.term_id or not deputy.in_office:
            raise _failed({"deputy": _("Only a deputy in office of this congress can sign.")})
        if NominationSignature.objects.filter(nomination=current, deputy=deputy).exists():
            raise InvalidTransition(_("This deputy has already signed this nomination."))
        signed = NominationSignature.objects.filter(
            deputy=deputy,
            nomination__in=fresh_nominations(election).filter(nominated_by=Nomination.By.DEPUTIES),
        ).count()
        if signed >= open_seats(election):
            raise _failed(
                {
                    "deputy": _(
                        "%(name)s has already signed nominations for %(count)s candidates, as many as there are "
                        "seats (ELEC-5)."
                    )
                    % {"name": deputy.name, "count": signed}
                }
            )
        return NominationSignature.objects.create(nomination=current, deputy=deputy, signed_at=timezone.now())

    return perform(by=by, action=codes.NOMINATION_SIGN, obj=nomination, apply=apply, data={"deputy_id": deputy.pk})


def submit_nomination(*, by, nomination: Nomination) -> Nomination:
    """Hand in a joint nomination: it needs at least `nomination_min_deputies` signatures of
    deputies in office (ELEC-4: 20 for a city; 19 are not enough)."""
    permissions.require(by, codes.NOMINATION_SUBMIT, nomination)
    _may_manage_nomination(by, nomination)
    election = nomination.election
    _require_election_status(election, Election.Status.NOMINATING, Election.Status.RUNOFF_PENDING)
    needed = int(_parameters(election.session)["nomination_min_deputies"])
    signed = nomination.signatures.filter(deputy__in_office=True).count()
    if signed < needed:
        raise _failed(
            {
                "signatures": _("A joint nomination needs at least %(needed)s deputies; it has %(signed)s (ELEC-4).")
                % {"needed": needed, "signed": signed}
            }
        )
    return transition(
        by=by,
        action=codes.NOMINATION_SUBMIT,
        obj=nomination,
        allowed_from=[Nomination.Status.DRAFT],
        to=Nomination.Status.SUBMITTED,
        changes={"submitted_at": timezone.now()},
        data={"signatures": signed},
    )


def withdraw_nomination(*, by, nomination: Nomination) -> Nomination:
    """Withdraw a nomination before the list is fixed."""
    permissions.require(by, codes.NOMINATION_WITHDRAW, nomination)
    _may_manage_nomination(by, nomination)
    if Candidate.objects.filter(nomination=nomination).exists():
        raise InvalidTransition(_("The nominee is already on the official list."))
    return transition(
        by=by,
        action=codes.NOMINATION_WITHDRAW,
        obj=nomination,
        allowed_from=[Nomination.Status.DRAFT, Nomination.Status.SUBMITTED],
        to=Nomination.Status.WITHDRAWN,
    )


# --- scrutineers (SEC-2) -------------------------------------------------------------------


def appoint_scrutineer(*, by, election: Election, user, role: str = Scrutineer.Role.MONITOR) -> Scrutineer:
    """Appoint a scrutineer or counter of the election. SEC-2: a nominee's close relative
    (or a nominee) may not be one. They are added to every round not yet counted."""
    if role not in Scrutineer.Role.values:
        raise _failed({"role": _("Unknown role.")})
    conflicts = relative_conflicts(election, user)
    if conflicts:
        raise _failed(
            {"user": _("A close relative of %(nominees)s may not be a scrutineer (SEC-2).") % {"nominees": "、".join(conflicts)}}
        )

    def apply(current: Election):
        scrutineer, _created = Scrutineer.objects.get_or_create(election=current, user=user, defaults={"role": role})
        for election_round in current.rounds.select_related("round").filter(round__counted_at__isnull=True):
            if election_round.round.status in (Round.Status.DRAFT, Round.Status.OPEN, Round.Status.CLOSED):
                balloting.appoint_round_scrutineer(by=by, round=election_round.round, user=user)
        return scrutineer

    return perform(
        by=by, action=codes.SCRUTINEER_APPOINT, obj=election, apply=apply, data={"user_id": user.pk, "role": role}
    )


def remove_scrutineer(*, by, election: Election, user) -> None:
    """Remove a scrutineer (e.g. a relative declared late) from the election; rounds already
    opened keep their own scrutineers."""

    def apply(current: Election):
        deleted, _details = Scrutineer.objects.filter(election=current, user=user).delete()
        if not deleted:
            raise InvalidTransition(_("This person is not a scrutineer of the election."))

    perform(by=by, action=codes.SCRUTINEER_REMOVE, obj=election, apply=apply, data={"user_id": user.pk})


# --- the candidate list (ELEC-6, ELEC-7, ELEC-9) -------------------------------------------


def _round_title(election: Election, stage: str, number: int) -> str:
    return _("%(office)s: %(stage)s (vote %(number)s)") % {
        "office": election.office.name,
        "stage": ElectionRound.Stage(stage).label,
        "number": number,
    }


def _new_round(*, by, election: Election, stage: str, seats: int, options: Sequence[tuple[str, str]]) -> ElectionRound:
    """Prepare the next vote of an election on a new balloting round, with the election's
    scrutineers appointed to it. Write-ins follow ELEC-10 in the first round and run-offs;
    a primary or tie-break is among the listed names only."""
    number = (election.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    write_ins = Round.WriteIns.NONE
    if stage in (ElectionRound.Stage.FIRST, ElectionRound.Stage.RUNOFF):
        write_ins = (
            Round.WriteIns.DEPUTIES
            if rules.write_ins_rule(election.office.kind) == "deputies"
            else Round.WriteIns.ANYONE
        )
    round_ = balloting.create_round(
        by=by,
        session=election.session,
        kind=Round.Kind.ELECTION,
        title=_round_title(election, stage, number),
        options=options,
        seats=seats,
        method=election.vote_method,
        write_ins=write_ins,
    )
    for scrutineer in election.scrutineers.select_related("user"):
        balloting.appoint_round_scrutineer(by=by, round=round_, user=scrutineer.user)
    return ElectionRound.objects.create(election=election, number=number, stage=stage, round=round_, seats=seats)


def _make_candidates(election: Election, nominations: Sequence[Nomination]) -> list[Candidate]:
    start = election.candidates.count()
    return [
        Candidate.objects.create(
            election=election, nomination=n, name=n.name, deputy=n.deputy, position=start + i
        )
        for i, n in enumerate(nominations, start=1)
    ]


def finalise_candidate_list(*, by, election: Election, order: Sequence[int] | None = None) -> rules.ListDecision:
    """The presidium fixes the list from the submitted nominations (ELEC-9):

    - as many as the margin allows: they are the official list and the first round is
      prepared (ELEC-6/7);
    - more: a primary is prepared to choose the list (`Election.status` primary);
    - fewer than the law's minimum (e.g. 5 vice-mayor seats need at least 6): refused.

    `order`: nomination ids in ballot order (e.g. by surname strokes); default: as nominated.
    Refused while a scrutineer is a close relative of a nominee (SEC-2).
    """
    permissions.require(by, codes.LIST_FINALISE, election)
    result: dict[str, rules.ListDecision] = {}

    def apply(current: Election):
        _require_election_status(current, Election.Status.NOMINATING)
        nominations = list(current.nominations.filter(status=Nomination.Status.SUBMITTED).order_by("pk"))
        if order:
            position = {pk: i for i, pk in enumerate(order)}
            nominations.sort(key=lambda n: (position.get(n.pk, len(position)), n.pk))
        decision = rules.list_decision(
            current.office.kind, current.seats, current.margin, len(nominations), by_election=current.is_by_election
        )
        if decision.action == "too_few":
            raise _failed(
                {
                    "nominations": _("At least %(minimum)s candidates are needed for %(seats)s seats; %(count)s were nominated (ELEC-6, ELEC-7).")
                    % {"minimum": decision.minimum, "seats": current.seats, "count": decision.nominated}
                }
            )
        problems = scrutineer_conflicts(current)
        if problems:
            raise _failed(problems)
        if decision.action == "list":
            candidates = _make_candidates(current, nominations)
            _new_round(
                by=by,
                election=current,
                stage=ElectionRound.Stage.FIRST,
                seats=current.seats,
                options=[(candidate_key(c), c.name) for c in candidates],
            )
            current.status = Election.Status.LISTED
        else:
            _new_round(
                by=by,
                election=current,
                stage=ElectionRound.Stage.PRIMARY,
                seats=decision.list_size,
                options=[(nomination_key(n), n.name) for n in nominations],
            )
            current.status = Election.Status.PRIMARY
        current.save(update_fields=["status"])
        result["decision"] = decision
        return current

    perform(
        by=by,
        action=codes.LIST_FINALISE,
        obj=election,
        apply=apply,
        after=lambda e: {"status": e.status, **_decision_data(result["decision"])},
    )
    election.refresh_from_db()
    return result["decision"]


def _decision_data(decision: rules.ListDecision) -> dict:
    return {
        "decision": decision.action,
        "nominated": decision.nominated,
        "list_size": decision.list_size,
        "flagged": decision.flagged,
    }


# --- rounds --------------------------------------------------------------------------------


def open_election_round(*, by, election_round: ElectionRound) -> ElectionRound:
    """Open the vote of a prepared round (balloting checks the quorum, SESS-1, and records
    all deputies, SESS-4). Refused before the deliberation time at a general election
    (ELEC-8), without scrutineers (two for paper double entry), or while a scrutineer is a
    close relative of a nominee (SEC-2)."""
    permissions.require(by, codes.ROUND_OPEN, election_round)
    election = election_round.election
    _require_election_status(election, Election.Status.PRIMARY, Election.Status.LISTED, Election.Status.BALLOTING)
    if election.is_general_election:
        try:
            _check_deliberation(election, timezone.now())
        except ValidationFailed as exc:
            raise InvalidTransition(exc.message, code="deliberation_time") from exc
    needed = 2 if election.vote_method == Election.Method.PAPER else 1
    if election_round.round.scrutineers.count() < needed:
        raise InvalidTransition(
            _("Appoint at least %(count)s scrutineers first (SEC-2).") % {"count": needed}, code="no_scrutineers"
        )
    problems = scrutineer_conflicts(election)
    if problems:
        raise _failed(problems)

    def apply(current: ElectionRound):
        balloting.open_round(by=by, round=current.round)
        if election.status == Election.Status.LISTED:
            Election.objects.filter(pk=election.pk).update(status=Election.Status.BALLOTING)
        return current

    perform(
        by=by,
        action=codes.ROUND_OPEN,
        obj=election_round,
        apply=apply,
        data={"election_id": election.pk, "round_id": election_round.round_id, "stage": election_round.stage},
    )
    election_round.round.refresh_from_db()
    return election_round


def _previous_selection(election_round: ElectionRound) -> list[str]:
    """In a further primary, the list places already won in the earlier primary (ELEC-9)."""
    earlier = ElectionRound.objects.filter(
        election=election_round.election, stage=ElectionRound.Stage.PRIMARY, number__lt=election_round.number
    ).order_by("-number")
    for previous in earlier:
        if previous.outcome and previous.outcome.get("valid") and "list" in previous.outcome:
            return list(previous.outcome["list"])
    return []


def count_election_round(*, by, election_round: ElectionRound) -> dict:
    """Count the closed round (balloting: ELEC-11 validity, ELEC-12 ballots) and apply the
    election law to the counts; the outcome is stored for the scrutineers to sign and for
    `announce_result`:

    - primary (ELEC-9): the top of the ranking down to the list size; a tie at the cut-off
      is left for the session's `primary_tie_rule`;
    - first round and run-off: ELEC-13 (a majority of all deputies), ELEC-14 ties,
      ELEC-15 seats unfilled;
    - tie-break: ELEC-14 (`tiebreak_requires_majority`).
    """
    permissions.require(by, codes.ROUND_COUNT, election_round)
    with transaction.atomic():
        current = ElectionRound.objects.select_for_update().select_related("election", "round").get(
            pk=election_round.pk
        )
        if current.outcome is not None:
            raise InvalidTransition(_("This round has already been counted."))
        count = balloting.count_round(by=by, round=current.round)
        round_ = Round.objects.get(pk=current.round_id)
        parameters = _parameters(current.election.session)
        votes = balloting.for_votes(round_)
        outcome: dict = {
            "valid": count.round_valid,
            "threshold": round_.threshold,
            "all_deputies": round_.all_deputies,
        }
        if not count.round_valid:
            outcome.update({"elected": [], "tie_break": [], "tie_break_seats": 0, "seats_unfilled": 0})
        elif current.stage == ElectionRound.Stage.PRIMARY:
            listed = {k: v for k, v in votes.items() if k.startswith("n")}
            earlier = _previous_selection(current)
            cut = rules.primary_cut(listed, current.seats)
            outcome.update(
                {
                    "list": earlier + list(cut.selected),
                    "tie_break": list(cut.tied),
                    "tie_break_seats": cut.tie_places,
                    "primary_tie_rule": parameters["primary_tie_rule"],
                }
            )
        elif current.stage == ElectionRound.Stage.TIE_BREAK:
            requires_majority = bool(parameters["tiebreak_requires_majority"])
            decided = rules.decide_tie_break(
                votes,
                seats=current.seats,
                all_deputies=round_.all_deputies,
                requires_majority=requires_majority,
            )
            # ELEC-14: the basis the result was decided on, as the session's rule stood.
            outcome.update(_outcome_data(decided), requires_majority=requires_majority)
        else:
            decided = rules.decide(votes, seats=current.seats, all_deputies=round_.all_deputies)
            outcome.update(_outcome_data(decided))
        current.outcome = outcome
        current.save(update_fields=["outcome"])
        perform(
            by=by,
            action=codes.ROUND_COUNT,
            obj=current,
            data={"election_id": current.election_id, "round_id": current.round_id, "valid": count.round_valid},
        )
    election_round.outcome = outcome
    election_round.round.refresh_from_db()
    return outcome


def _outcome_data(outcome: rules.Outcome) -> dict:
    return {
        "threshold": outcome.threshold,
        "elected": list(outcome.elected),
        "tie_break": list(outcome.tie_break_candidates),
        "tie_break_seats": outcome.tie_break_seats,
        "seats_unfilled": outcome.seats_unfilled,
    }


def _candidate_for(election: Election, key: str, label: str) -> Candidate:
    if key.startswith("c"):
        return Candidate.objects.get(election=election, pk=int(key[1:]))
    # A written-in person elected (ELEC-10, ELEC-13): added to the record as a candidate.
    deputy = None
    if rules.must_be_deputy(election.office.kind):
        deputy = Deputy.objects.filter(term_id=election.session.term_id, in_office=True, name=label).first()
    candidate, _created = Candidate.objects.get_or_create(
        election=election, is_write_in=True, name=label[:50], defaults={"deputy": deputy, "position": 0}
    )
    return candidate


def announce_result(*, by, election_round: ElectionRound) -> Election:
    """Announce a counted round once every scrutineer has signed (SEC-2) and carry out what
    the law says next:

    - a void round (ELEC-11) is held again (`repeat_round`);
    - primary: the official list is fixed from the ranking and the first round prepared;
      a tie at the cut-off waits for a further primary or lots (ELEC-9 `primary_tie_rule`);
    - the elected are recorded; a tie waits for `start_tie_break` (ELEC-14); unfilled
      seats wait for `start_runoff` or `defer_runoff` (ELEC-15); otherwise the election
      is completed and the others are recorded as not elected.
    """
    permissions.require(by, codes.ANNOUNCE, election_round)
    if election_round.outcome is None:
        raise InvalidTransition(_("The round has not been counted yet."))
    if not balloting.is_signed_off(election_round.round):
        raise InvalidTransition(_("Every scrutineer must sign the result first (SEC-2)."), code="not_signed")

    def apply(current: ElectionRound):
        if current.announced_at is not None:
            raise InvalidTransition(_("This result has already been announced."))
        election = Election.objects.select_for_update().get(pk=current.election_id)
        outcome = current.outcome
        now = timezone.now()
        current.announced_at = now
        current.save(update_fields=["announced_at"])
        if not outcome["valid"]:
            return election
        labels = dict(current.round.options.values_list("key", "label"))
        if current.stage == ElectionRound.Stage.PRIMARY:
            if not outcome["tie_break"]:
                _fix_list_from_primary(by=by, election=election, keys=outcome["list"])
            return election
        for key in outcome["elected"]:
            candidate = _candidate_for(election, key, labels.get(key, key))
            candidate.status = Candidate.Status.ELECTED
            candidate.elected_in = current
            candidate.save(update_fields=["status", "elected_in"])
        if outcome["tie_break"]:
            election.status = Election.Status.BALLOTING
        elif outcome["seats_unfilled"]:
            election.status = Election.Status.RUNOFF_PENDING
        else:
            election.status = Election.Status.COMPLETED
            election.candidates.filter(status=Candidate.Status.LISTED).update(status=Candidate.Status.NOT_ELECTED)
        election.save(update_fields=["status"])
        return election

    perform(
        by=by,
        action=codes.ANNOUNCE,
        obj=election_round,
        apply=apply,
        data={"election_id": election_round.election_id, "round_id": election_round.round_id},
    )
    return Election.objects.get(pk=election_round.election_id)


def _fix_list_from_primary(*, by, election: Election, keys: Sequence[str]) -> None:
    """ELEC-9: the nominees chosen in the primary are the official list, in nomination
    order; the first round is prepared."""
    chosen = {int(key[1:]) for key in keys}
    nominations = list(election.nominations.filter(pk__in=chosen).order_by("pk"))
    candidates = _make_candidates(election, nominations)
    _new_round(
        by=by,
        election=election,
        stage=ElectionRound.Stage.FIRST,
        seats=election.seats,
        options=[(candidate_key(c), c.name) for c in candidates],
    )
    election.status = Election.Status.LISTED
    election.save(update_fields=["status"])


def _last_announced(election: Election) -> ElectionRound | None:
    return election.rounds.exclude(announced_at__isnull=True).order_by("-number").first()


def _pending(election: Election) -> None:
    if election.rounds.filter(announced_at__isnull=True).exists():
        raise InvalidTransition(_("A round of this election has not been announced yet."))


def start_tie_break(*, by, election: Election) -> ElectionRound:
    """Prepare the vote among the tied only: ELEC-14 after a round elected too many at the
    last seat(s), or a further primary (ELEC-9, `primary_tie_rule` = revote)."""
    permissions.require(by, codes.TIE_BREAK, election)
    _pending(election)
    last = _last_announced(election)
    if last is None or not last.outcome or not last.outcome.get("tie_break"):
        raise InvalidTransition(_("There is no tie to break."))
    outcome = last.outcome
    if last.stage == ElectionRound.Stage.PRIMARY and outcome.get("primary_tie_rule") == "lot":
        raise InvalidTransition(_("This session breaks primary ties by lot: record the draw instead (ELEC-9)."))
    labels = dict(last.round.options.values_list("key", "label"))
    stage = ElectionRound.Stage.PRIMARY if last.stage == ElectionRound.Stage.PRIMARY else ElectionRound.Stage.TIE_BREAK

    def apply(current: Election) -> ElectionRound:
        options = []
        for key in outcome["tie_break"]:
            if key.startswith("w:"):
                # A written-in person tied at the last seat stands in the tie-break by name.
                candidate = _candidate_for(current, key, labels.get(key, key[2:]))
                options.append((candidate_key(candidate), candidate.name))
            else:
                options.append((key, labels.get(key, key)))
        return _new_round(
            by=by, election=current, stage=stage, seats=outcome["tie_break_seats"], options=options
        )

    return perform(
        by=by,
        action=codes.TIE_BREAK,
        obj=election,
        apply=apply,
        data={"election_id": election.pk, "seats": outcome["tie_break_seats"]},
    )


def settle_primary_by_lot(*, by, election: Election, nomination_ids: Sequence[int]) -> Election:
    """Record the draw that breaks a tie at the cut-off of a primary when the session's
    `primary_tie_rule` is "lot" (ELEC-9), and fix the list."""
    permissions.require(by, codes.SETTLE_LOT, election)
    last = _last_announced(election)
    if (
        last is None
        or last.stage != ElectionRound.Stage.PRIMARY
        or not last.outcome.get("tie_break")
        or last.outcome.get("primary_tie_rule") != "lot"
    ):
        raise InvalidTransition(_("There is no primary tie to settle by lot."))
    keys = [f"n{pk}" for pk in nomination_ids]
    if len(set(keys)) != last.outcome["tie_break_seats"] or not set(keys) <= set(last.outcome["tie_break"]):
        raise _failed(
            {"nomination_ids": _("Choose %(count)s of the tied nominees.") % {"count": last.outcome["tie_break_seats"]}}
        )

    def apply(current: Election):
        _fix_list_from_primary(by=by, election=current, keys=list(last.outcome["list"]) + keys)
        return current

    perform(by=by, action=codes.SETTLE_LOT, obj=election, apply=apply, data={"drawn": ",".join(keys)})
    election.refresh_from_db()
    return election


def repeat_round(*, by, election: Election) -> ElectionRound:
    """Hold a void round again (ELEC-11: more ballots returned than issued), with the same
    names and seats."""
    permissions.require(by, codes.REPEAT, election)
    _pending(election)
    last = _last_announced(election)
    if last is None or last.outcome.get("valid", True):
        raise InvalidTransition(_("The last round was valid: there is nothing to repeat."))
    options = list(last.round.options.filter(is_write_in=False).order_by("position").values_list("key", "label"))
    return perform(
        by=by,
        action=codes.REPEAT,
        obj=election,
        apply=lambda current: _new_round(
            by=by, election=current, stage=last.stage, seats=last.seats, options=options
        ),
        data={"election_id": election.pk},
    )


def start_runoff(
    *, by, election: Election, candidate_ids: Sequence[int] = (), nomination_ids: Sequence[int] = ()
) -> ElectionRound:
    """Prepare a run-off (另行选举) for the seats nobody won (ELEC-15): candidates taken from
    the earlier vote in order of their votes there (none passed over for one with fewer,
    `selectors.runoff_ranking`) and/or fresh nominations submitted since. For vice-chairs,
    vice-mayors and members the list must again be contested with the ELEC-7 margin (1
    vice-mayor seat → 2 to 4 names); the threshold stays a majority of all deputies.
    Raises ValidationFailed (on "candidates") for a list the law does not allow."""
    permissions.require(by, codes.RUNOFF, election)
    _require_election_status(election, Election.Status.RUNOFF_PENDING)
    seats = open_seats(election)
    candidates = list(
        Candidate.objects.filter(election=election, pk__in=candidate_ids, status=Candidate.Status.LISTED)
    )
    fresh = list(fresh_nominations(election).filter(pk__in=nomination_ids, status=Nomination.Status.SUBMITTED))
    if len(candidates) != len(set(candidate_ids)) or len(fresh) != len(set(nomination_ids)):
        raise _failed({"candidates": _("A name is not a candidate still standing or a submitted nomination.")})
    ranking = runoff_ranking(election)
    passed_over = rules.runoff_passed_over({r.candidate.pk: r.votes for r in ranking}, [c.pk for c in candidates])
    if passed_over:
        by_pk = {r.candidate.pk: r for r in ranking}
        lowest = min((by_pk[c.pk] for c in candidates), key=lambda r: r.votes)
        raise _failed(
            {
                "candidates": _(
                    "Candidates from the earlier vote are taken in order of their votes (ELEC-15): %(names)s "
                    "received more votes than %(taken)s and must be taken first."
                )
                % {"names": "、".join(by_pk[pk].candidate.name for pk in passed_over), "taken": lowest.candidate.name}
            }
        )
    total = len(candidates) + len(fresh)
    if not rules.runoff_list_ok(election.office.kind, seats, total, by_election=election.is_by_election):
        allowed = rules.margin_range(election.office.kind, seats, by_election=election.is_by_election)
        high = "—" if allowed.high is None else seats + allowed.high
        raise _failed(
            {
                "candidates": _("A run-off for %(seats)s seats needs %(low)s to %(high)s candidates (ELEC-15).")
                % {"seats": seats, "low": seats + allowed.low, "high": high}
            }
        )

    def apply(current: Election):
        listed = candidates + _make_candidates(current, fresh)
        election_round = _new_round(
            by=by,
            election=current,
            stage=ElectionRound.Stage.RUNOFF,
            seats=seats,
            options=[(candidate_key(c), c.name) for c in listed],
        )
        current.status = Election.Status.BALLOTING
        current.save(update_fields=["status"])
        return election_round

    return perform(
        by=by, action=codes.RUNOFF, obj=election, apply=apply, data={"election_id": election.pk, "seats": seats}
    )


def defer_runoff(*, by, election: Election) -> Election:
    """The congress decides to hold the run-off at the next session (ELEC-15, `runoff_timing`)."""
    return transition(
        by=by,
        action=codes.DEFER_RUNOFF,
        obj=election,
        allowed_from=[Election.Status.RUNOFF_PENDING],
        to=Election.Status.RUNOFF_DEFERRED,
    )
