"""Counting a paper vote on a motion or a project (ELEC-11, ELEC-12, SEC-2), step by step:

- staff (`ballot.issue`, `round.appoint_scrutineer`, `round.count`) record the ballots
  issued, appoint the round's scrutineers and count;
- the round's scrutineers (`round.scrutinise` at the door, `ballot.enter` on the round)
  enter every returned sheet, each sheet twice by two of them independently;
- staff and the scrutineers (`ballot.resolve`) settle the sheets read differently;
- each scrutineer signs the counted result (`round.sign_off`).

The round's page (views.round_detail) and the owning domain's page (a motion's, plenary)
show the steps in order with the next one for whoever looks (selectors.paper_count).
Election rounds are counted on the election's pages under the election law: these pages
answer 404 for them, as for electronic votes and for rounds the user does not count.

Entering a sheet, the discrepancies and settling a sheet are the steps every paper count
shares with an election's (views_sheets); their templates are the ones the election's
pages extend. Every change goes through one balloting service, which checks the
permission, writes the audit entry and keeps the state machine.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DatongError, NotAllowed
from core.permissions import require, requires
from core.web.refusals import attempt, error_messages

from . import forms, selectors, services, views_sheets
from . import permissions as codes
from .models import Round
from .views_sheets import INVALID

# --- helpers -------------------------------------------------------------------------------


def _paper_round(request: HttpRequest, round_id: int) -> Round:
    """A paper vote on a motion or project the user counts (staff: any; a scrutineer: their
    own); 404 otherwise, without saying whether it exists."""
    round_ = selectors.counting_round(request.user, round_id)
    if round_ is None:
        raise Http404
    return round_


def _round_url(round_: Round) -> str:
    return reverse("balloting:round-detail", args=[round_.pk])


def _discrepancies_url(round_: Round) -> str:
    return reverse("balloting:round-discrepancies", args=[round_.pk])


def _back(request: HttpRequest, round_: Round) -> str:
    """Where a step leads back to: the page it was taken from (`next`, this site only) or the
    round's page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _round_url(round_)


def _page(
    request: HttpRequest, template: str, round_: Round, context: dict, status: int = 200
) -> HttpResponse:
    return render(
        request,
        template,
        {"round": round_, "round_url": _round_url(round_), "back": _back(request, round_), **context},
        status=status,
    )


# --- staff: the ballots issued and the scrutineers -------------------------------------------


@requires(codes.ISSUE)
def round_issue(request: HttpRequest, round_id: int) -> HttpResponse:
    """ELEC-11: record the ballots issued (发出选票), at most one for each deputy checked in.
    The figure may be corrected while the vote is open; after the close it is recorded once,
    before the first returned sheet is entered (services.issue_ballots)."""
    round_ = _paper_round(request, round_id)
    status = 200
    if request.method == "POST":
        form = forms.IssueForm(request.POST)
        if form.is_valid() and attempt(
            form,
            lambda: services.issue_ballots(by=request.user, round=round_, count=form.cleaned_data["count"]),
        ):
            messages.success(request, _("The ballots issued were recorded."))
            return redirect(_back(request, round_))
        status = INVALID
    else:
        form = forms.IssueForm(initial={"count": round_.ballots_issued or None})
    return _page(
        request,
        "balloting/paper_issue.html",
        round_,
        {
            "form": form,
            "may_record": selectors.may_record_issued(round_),
            "checked_in": selectors.checked_in_count(round_),
        },
        status,
    )


@requires(codes.APPOINT)
def round_scrutineers(request: HttpRequest, round_id: int) -> HttpResponse:
    """SEC-2: the round's scrutineers (监票人、计票人), with the form to appoint one: a deputy
    in office (by deputy number or account name) or a member of staff. A paper vote needs
    at least two: each sheet is entered by two of them."""
    round_ = _paper_round(request, round_id)
    may_appoint = round_.counted_at is None and round_.status in (
        Round.Status.DRAFT,
        Round.Status.OPEN,
        Round.Status.CLOSED,
    )
    form = forms.ScrutineerForm(
        request.POST if request.method == "POST" else None,
        find=lambda text: selectors.scrutineer_candidate(request.user, round_, text),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and attempt(
            form,
            lambda: services.appoint_round_scrutineer(
                by=request.user, round=round_, user=form.cleaned_data["account"]
            ),
        ):
            messages.success(request, _("The scrutineer was appointed."))
            return redirect("balloting:round-scrutineers", round_id=round_.pk)
        status = INVALID
    return _page(
        request,
        "balloting/paper_scrutineers.html",
        round_,
        {"form": form, "scrutineers": selectors.scrutineers(round_), "may_appoint": may_appoint},
        status,
    )


# --- scrutineers: double entry -----------------------------------------------------------------


@requires(codes.SCRUTINISE)
def ballot_entry(request: HttpRequest, round_id: int) -> HttpResponse:
    """A scrutineer enters one numbered sheet at a time (views_sheets.enter_sheet): only
    once the vote is closed and the ballots issued are recorded (ELEC-11), never after the
    count."""
    round_ = _paper_round(request, round_id)
    require(request.user, codes.ENTER, round_)
    step = views_sheets.enter_sheet(
        request, round_, forms.SheetForm, entry_url=reverse("balloting:round-enter", args=[round_.pk])
    )
    if step.done is not None:
        return step.done
    closed = round_.status == Round.Status.CLOSED
    return _page(
        request,
        "balloting/paper_entry.html",
        round_,
        {
            **step.context,
            "closed": closed,
            "open_for_entry": closed and round_.ballots_issued > 0 and round_.counted_at is None,
            "progress": selectors.paper_count(request.user, round_),
            "discrepancies_url": _discrepancies_url(round_),
        },
        step.status,
    )


@requires(codes.SCRUTINISE)
def discrepancy_list(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every sheet entered so far (views_sheets.sheets_overview), with the count once it may
    be taken."""
    round_ = _paper_round(request, round_id)
    require(request.user, codes.RESOLVE, round_)
    paper = selectors.paper_count(request.user, round_)
    may_resolve = round_.status == Round.Status.CLOSED
    return _page(
        request,
        "balloting/paper_discrepancies.html",
        round_,
        {
            **views_sheets.sheets_overview(
                request.user, round_, ("balloting:round-sheet-resolve", round_.pk) if may_resolve else None
            ),
            "paper": paper,
            "ready": paper is not None and paper.ready,
        },
    )


@requires(codes.SCRUTINISE)
def sheet_resolve(request: HttpRequest, round_id: int, sheet_number: int) -> HttpResponse:
    """Settle a sheet read differently (views_sheets.resolve_sheet)."""
    round_ = _paper_round(request, round_id)
    require(request.user, codes.RESOLVE, round_)
    step = views_sheets.resolve_sheet(
        request, round_, sheet_number, forms.ResolveForm, done_url=_discrepancies_url(round_)
    )
    if step.done is not None:
        return step.done
    return _page(
        request,
        "balloting/paper_resolve.html",
        round_,
        {**step.context, "discrepancies_url": _discrepancies_url(round_)},
        step.status,
    )


# --- the count and the signatures -------------------------------------------------------------


@requires(codes.COUNT)
@require_POST
def round_count(request: HttpRequest, round_id: int) -> HttpResponse:
    """Count the round (ELEC-11: more ballots returned than issued voids it; ELEC-12 per
    sheet). Refused while a sheet is entered once only or read differently and unresolved:
    the refusal leads to the discrepancies."""
    round_ = _paper_round(request, round_id)
    refused = views_sheets.count_refused(
        request,
        lambda: services.count_round(by=request.user, round=round_),
        discrepancies_url=_discrepancies_url(round_),
        back_url=_back(request, round_),
    )
    if refused is not None:
        return refused
    round_.refresh_from_db()
    if round_.status == Round.Status.VOID:
        messages.warning(
            request,
            _("The vote is void: more ballots were returned than were issued. It is held again (ELEC-11)."),
        )
    else:
        messages.success(
            request, _("The round was counted. Each scrutineer now checks and signs the result.")
        )
    return redirect(_back(request, round_))


@requires(codes.SCRUTINISE)
@require_POST
def round_sign(request: HttpRequest, round_id: int) -> HttpResponse:
    """A scrutineer signs the counted result (SEC-2): they checked the voters against the
    ballots. Only the round's own scrutineers may (services.sign_off)."""
    round_ = _paper_round(request, round_id)
    try:
        services.sign_off(by=request.user, round=round_)
    except NotAllowed:
        raise
    except DatongError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Your signature was recorded."))
    return redirect(_back(request, round_))
