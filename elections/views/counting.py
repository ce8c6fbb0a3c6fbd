"""Paper-first counting (ELEC-11..15, SEC-2): the round's page, ballots issued, the
scrutineers' double entry of every sheet, the discrepancies and their resolution, the count,
the result with each scrutineer's signature, the announcement, and what the law says next
(tie-break ELEC-14, run-off ELEC-15, a void round held again ELEC-11, a primary's tie ELEC-9).

Counts are never shown before the count: the entry page shows one's own readings only, and
a sheet's two readings appear side by side only once both are in and they differ. Entering
a sheet, the discrepancies and settling a sheet are balloting's steps for every paper vote
(balloting.views_sheets) with the election's ballot forms; the pages extend balloting's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balloting import permissions as ballot_codes
from balloting import selectors as balloting_selectors
from balloting import services as balloting
from balloting import views_sheets
from balloting.models import Round
from core.errors import DatongError, NotAllowed
from core.permissions import has_perm, require, requires

from .. import forms, reads, selectors, services
from .. import permissions as codes
from ..models import Election, ElectionRound, Nomination
from .common import (
    INVALID,
    act,
    election_for,
    election_url,
    error_messages,
    form_errors,
    result_url,
    round_for,
    round_url,
)

# --- the list of rounds to count -----------------------------------------------------------


@requires(codes.SCRUTINISE)
def counting(request: HttpRequest) -> HttpResponse:
    """The rounds the user counts: a scrutineer's own, every round for staff."""
    return render(request, "elections/counting.html", {"rounds": reads.counting_rounds(request.user)})


# --- one round -----------------------------------------------------------------------------


@requires(codes.SCRUTINISE)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """A round's page: where it stands and the next step for whoever looks at it."""
    election_round = round_for(request, round_id)
    user = request.user
    round_ = election_round.round
    paper = round_.method == Round.Method.PAPER
    counted = election_round.outcome is not None
    return render(
        request,
        "elections/round_detail.html",
        {
            "election_round": election_round,
            "election": election_round.election,
            "round": round_,
            "options": balloting_selectors.ballot_options(round_),
            "progress": balloting_selectors.round_progress(user, round_),
            "ready": balloting_selectors.ready_to_count(round_),
            "scrutineers": balloting_selectors.scrutineers(round_),
            "issue_form": forms.IssueForm(initial={"count": round_.ballots_issued or None}),
            "counted": counted,
            "can": {
                "open": round_.status == Round.Status.DRAFT
                and has_perm(user, codes.ROUND_OPEN, election_round),
                # ELEC-11: fixed once the ballots have come back (selectors.may_record_issued).
                "issue": balloting_selectors.may_record_issued(round_)
                and has_perm(user, ballot_codes.ISSUE, round_),
                "close": round_.status == Round.Status.OPEN and has_perm(user, ballot_codes.CLOSE, round_),
                "enter": paper
                and round_.status == Round.Status.CLOSED
                and has_perm(user, ballot_codes.ENTER, round_),
                "resolve": paper
                and round_.status == Round.Status.CLOSED
                and has_perm(user, ballot_codes.RESOLVE, round_),
                "count": round_.status == Round.Status.CLOSED
                and not counted
                and has_perm(user, codes.ROUND_COUNT, election_round),
                "ballot": has_perm(user, codes.DESK_VIEW, election_round.election),
            },
        },
    )


@requires(codes.ROUND_OPEN)
@require_POST
def round_open(request: HttpRequest, round_id: int) -> HttpResponse:
    """Open the vote: refused without a quorum (SESS-1), before the deliberation time
    (ELEC-8), without scrutineers or with a related one (SEC-2)."""
    election_round = round_for(request, round_id)
    return act(
        request,
        lambda: services.open_election_round(by=request.user, election_round=election_round),
        _("The vote is open."),
        round_url(election_round),
    )


@requires(ballot_codes.ISSUE)
@require_POST
def round_issue(request: HttpRequest, round_id: int) -> HttpResponse:
    """ELEC-11: record the ballots issued, at most one for each deputy checked in; fixed
    once the ballots have come back (balloting.services.issue_ballots)."""
    election_round = round_for(request, round_id)
    form = forms.IssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(round_url(election_round))
    return act(
        request,
        lambda: balloting.issue_ballots(
            by=request.user, round=election_round.round, count=form.cleaned_data["count"]
        ),
        _("The ballots issued were recorded."),
        round_url(election_round),
    )


@requires(ballot_codes.CLOSE)
@require_POST
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    election_round = round_for(request, round_id)
    return act(
        request,
        lambda: balloting.close_round(by=request.user, round=election_round.round),
        _("The vote is closed: the scrutineers may now enter the ballots."),
        round_url(election_round),
    )


# --- double entry ------------------------------------------------------------------------


@requires(codes.SCRUTINISE)
def ballot_entry(request: HttpRequest, round_id: int) -> HttpResponse:
    """A scrutineer enters one numbered sheet at a time (balloting.views_sheets.enter_sheet):
    a choice per line (blank by default) and the names written in. Entering a sheet again
    corrects one's own reading; the other scrutineer's reading is never shown here."""
    election_round = round_for(request, round_id)
    round_ = election_round.round
    require(request.user, ballot_codes.ENTER, round_)
    step = views_sheets.enter_sheet(
        request,
        round_,
        forms.BallotEntryForm,
        entry_url=reverse("elections:ballot-entry", args=[election_round.pk]),
    )
    if step.done is not None:
        return step.done
    closed = round_.method == Round.Method.PAPER and round_.status == Round.Status.CLOSED
    return render(
        request,
        "elections/ballot_entry.html",
        {
            **step.context,
            "election_round": election_round,
            "election": election_round.election,
            "round": round_,
            "closed": closed,
            "open_for_entry": closed and round_.ballots_issued > 0 and round_.counted_at is None,
            "progress": balloting_selectors.round_progress(request.user, round_),
        },
        status=step.status,
    )


@requires(codes.SCRUTINISE)
def discrepancy_list(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every sheet entered so far (balloting.views_sheets.sheets_overview): agreed, entered
    once, or read differently and resolved or not. The count waits for all of them."""
    election_round = round_for(request, round_id)
    round_ = election_round.round
    require(request.user, ballot_codes.RESOLVE, round_)
    may_resolve = round_.status == Round.Status.CLOSED and not election_round.outcome
    return render(
        request,
        "elections/discrepancy_list.html",
        {
            **views_sheets.sheets_overview(
                request.user, round_, ("elections:sheet-resolve", election_round.pk) if may_resolve else None
            ),
            "election_round": election_round,
            "election": election_round.election,
            "round": round_,
            "round_url": round_url(election_round),
            "ready": balloting_selectors.ready_to_count(round_),
            "can_count": round_.status == Round.Status.CLOSED
            and election_round.outcome is None
            and has_perm(request.user, codes.ROUND_COUNT, election_round),
        },
    )


@requires(codes.SCRUTINISE)
def sheet_resolve(request: HttpRequest, round_id: int, sheet_number: int) -> HttpResponse:
    """Settle a sheet read differently (balloting.views_sheets.resolve_sheet)."""
    election_round = round_for(request, round_id)
    round_ = election_round.round
    require(request.user, ballot_codes.RESOLVE, round_)
    discrepancies = reverse("elections:discrepancy-list", args=[election_round.pk])
    step = views_sheets.resolve_sheet(
        request, round_, sheet_number, forms.ResolveForm, done_url=discrepancies
    )
    if step.done is not None:
        return step.done
    return render(
        request,
        "elections/sheet_resolve.html",
        {
            **step.context,
            "election_round": election_round,
            "election": election_round.election,
            "round": round_,
            "discrepancies_url": discrepancies,
        },
        status=step.status,
    )


# --- the count and the result ----------------------------------------------------------------


@requires(codes.ROUND_COUNT)
@require_POST
def round_count(request: HttpRequest, round_id: int) -> HttpResponse:
    """Count the round (ELEC-11 validity, ELEC-12 ballots) and apply the election law
    (ELEC-9, -13, -14, -15). Refused while a sheet is entered once or unresolved."""
    election_round = round_for(request, round_id)
    refused = views_sheets.count_refused(
        request,
        lambda: services.count_election_round(by=request.user, election_round=election_round),
        discrepancies_url=reverse("elections:discrepancy-list", args=[election_round.pk]),
        back_url=round_url(election_round),
        show=error_messages,
    )
    if refused is not None:
        return refused
    messages.success(request, _("The round was counted. Each scrutineer now checks and signs the result."))
    return redirect(result_url(election_round))


def _after_announcement(user, election: Election, election_round: ElectionRound) -> str | None:
    """What the law says next (selectors.next_step), once this round is announced."""
    if election_round.announced_at is None:
        return None
    return selectors.next_step(election)


@requires(codes.SCRUTINISE)
def round_result(request: HttpRequest, round_id: int) -> HttpResponse:
    """The counted round: all deputies and the basis (SESS-4), the threshold (ELEC-13), the
    ballots (ELEC-11, ELEC-12), the votes per person, who is elected, tied (ELEC-14) or left
    for a run-off (ELEC-15); the scrutineers sign it (SEC-2) and staff announce it."""
    election_round = round_for(request, round_id)
    user = request.user
    round_ = election_round.round
    report = selectors.round_report(user, election_round)
    if report is None:
        messages.info(request, _("The round has not been counted yet."))
        return redirect(round_url(election_round))
    election = election_round.election
    own = balloting_selectors.scrutineers(round_).filter(user=user).first()
    latest = selectors.rounds(user, election).order_by("-number").first()
    return render(
        request,
        "elections/round_result.html",
        {
            "election_round": election_round,
            "election": election,
            "round": round_,
            "report": report,
            "scrutineers": balloting_selectors.scrutineers(round_),
            "next_step": _after_announcement(user, election, election_round),
            "latest_round": latest,
            "can": {
                "sign": own is not None
                and own.signed_at is None
                and has_perm(user, ballot_codes.SIGN_OFF, round_),
                "announce": not report.announced
                and report.result.signed_off
                and has_perm(user, codes.ANNOUNCE, election_round),
                "tie_break": has_perm(user, codes.TIE_BREAK, election),
                "repeat": has_perm(user, codes.REPEAT, election),
                "runoff": has_perm(user, codes.RUNOFF, election),
                "defer": has_perm(user, codes.DEFER_RUNOFF, election),
                "lot": has_perm(user, codes.SETTLE_LOT, election),
            },
        },
    )


@requires(codes.SCRUTINISE)
@require_POST
def round_sign(request: HttpRequest, round_id: int) -> HttpResponse:
    """A scrutineer signs the counted result (SEC-2)."""
    election_round = round_for(request, round_id)
    return act(
        request,
        lambda: balloting.sign_off(by=request.user, round=election_round.round),
        _("Your signature was recorded."),
        result_url(election_round),
    )


@requires(codes.ANNOUNCE)
@require_POST
def round_announce(request: HttpRequest, round_id: int) -> HttpResponse:
    """Announce the result once every scrutineer has signed (SEC-2)."""
    election_round = round_for(request, round_id)
    return act(
        request,
        lambda: services.announce_result(by=request.user, election_round=election_round),
        _("The result is announced."),
        result_url(election_round),
    )


# --- what the law says next ------------------------------------------------------------------


def _to_latest_round(request: HttpRequest, election: Election) -> HttpResponse:
    latest = selectors.rounds(request.user, election).order_by("-number").first()
    return redirect(round_url(latest) if latest is not None else election_url(election))


def _start_round(request: HttpRequest, election_id: int, service, success: str) -> HttpResponse:
    election = election_for(request, election_id)
    try:
        service(by=request.user, election=election)
    except NotAllowed:
        raise
    except DatongError as exc:
        error_messages(request, exc)
        return redirect(election_url(election))
    messages.success(request, success)
    return _to_latest_round(request, election)


@requires(codes.TIE_BREAK)
@require_POST
def election_tie_break(request: HttpRequest, election_id: int) -> HttpResponse:
    """ELEC-14: a new vote among the tied only (or a further primary, ELEC-9)."""
    return _start_round(request, election_id, services.start_tie_break, _("The tie-break vote is prepared."))


@requires(codes.REPEAT)
@require_POST
def election_repeat(request: HttpRequest, election_id: int) -> HttpResponse:
    """ELEC-11: a void round is held again."""
    return _start_round(request, election_id, services.repeat_round, _("The round will be held again."))


@requires(codes.DEFER_RUNOFF)
@require_POST
def election_defer_runoff(request: HttpRequest, election_id: int) -> HttpResponse:
    """ELEC-15: the congress holds the run-off at its next session."""
    election = election_for(request, election_id)
    return act(
        request,
        lambda: services.defer_runoff(by=request.user, election=election),
        _("The run-off is left to the next session."),
        election_url(election),
    )


@requires(codes.RUNOFF)
def election_runoff(request: HttpRequest, election_id: int) -> HttpResponse:
    """ELEC-15: the run-off's list, from the candidates still standing in order of their
    votes (listed so, with their votes) and/or fresh nominations; for vice-chairs,
    vice-mayors and members it must again be contested with the ELEC-7 margin."""
    election = election_for(request, election_id)
    ranking = selectors.runoff_ranking(election)
    fresh = selectors.fresh_nominations(election).filter(status=Nomination.Status.SUBMITTED)
    form = forms.RunoffForm(request.POST or None, ranking=ranking, nominations=fresh)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.start_runoff(
                    by=request.user,
                    election=election,
                    candidate_ids=[int(pk) for pk in form.cleaned_data["candidates"]],
                    nomination_ids=[int(pk) for pk in form.cleaned_data["nominations"]],
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The run-off is prepared."))
                return _to_latest_round(request, election)
        status = INVALID
    return render(
        request,
        "elections/runoff_form.html",
        {
            "election": election,
            "form": form,
            "seats": selectors.open_seats(election),
            "can_nominate": has_perm(request.user, codes.NOMINATION_CREATE, election),
        },
        status=status,
    )


@requires(codes.SETTLE_LOT)
def election_settle_by_lot(request: HttpRequest, election_id: int) -> HttpResponse:
    """ELEC-9 with `primary_tie_rule` = lot: record the nominees the draw chose."""
    election = election_for(request, election_id)
    last = (
        selectors.rounds(request.user, election)
        .exclude(announced_at__isnull=True)
        .order_by("-number")
        .first()
    )
    tied_keys = (last.outcome or {}).get("tie_break", []) if last is not None else []
    tied_ids = [int(key[1:]) for key in tied_keys if key.startswith("n")]
    tied = selectors.nominations(request.user, election).filter(pk__in=tied_ids)
    form = forms.LotForm(request.POST or None, nominations=tied)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.settle_primary_by_lot(
                    by=request.user,
                    election=election,
                    nomination_ids=[int(pk) for pk in form.cleaned_data["nominations"]],
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The draw was recorded and the list is fixed."))
                return _to_latest_round(request, election)
        status = INVALID
    return render(
        request,
        "elections/simple_form.html",
        {
            "election": election,
            "form": form,
            "title": _("Record the draw"),
            "intro": _(
                "The session breaks a tie at the cut-off of a primary by lot (ELEC-9). Choose %(count)s."
            )
            % {"count": (last.outcome or {}).get("tie_break_seats", 0) if last is not None else 0},
        },
        status=status,
    )
