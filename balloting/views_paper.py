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

Counts are never shown before the count: the entry page shows one's own readings only, and
a sheet's two readings appear side by side only once both are in and they differ. Every
change goes through one balloting service, which checks the permission, writes the audit
entry and keeps the state machine.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DatongError, InvalidTransition, NotAllowed
from core.permissions import require, requires

from . import forms, selectors, services
from . import permissions as codes
from .models import Round

INVALID = 422


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


def _back(request: HttpRequest, round_: Round) -> str:
    """Where a step leads back to: the page it was taken from (`next`, this site only) or the
    round's page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _round_url(round_)


def _form_errors(form, exc: DatongError) -> None:
    """Put a service's refusal on the form: each detail on its field, or on the form."""
    placed = False
    for field, reason in (exc.details or {}).items():
        if field in ("state", "allowed_from", "method"):
            continue
        name = str(field).split(".")[0]
        form.add_error(name if name in form.fields else None, str(reason))
        placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _error_messages(request: HttpRequest, exc: DatongError) -> None:
    messages.error(request, str(exc.message))
    for where, reason in (exc.details or {}).items():
        if where in ("state", "allowed_from", "method") or str(reason) == str(exc.message):
            continue
        messages.error(request, str(reason))


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
        if form.is_valid():
            try:
                services.issue_ballots(by=request.user, round=round_, count=form.cleaned_data["count"])
            except NotAllowed:
                raise
            except DatongError as exc:
                _form_errors(form, exc)
            else:
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
        if form.is_valid():
            try:
                services.appoint_round_scrutineer(
                    by=request.user, round=round_, user=form.cleaned_data["account"]
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                _form_errors(form, exc)
            else:
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


def _sheet_form(round_: Round, options, data=None, initial=None) -> forms.SheetForm:
    return forms.SheetForm(
        data, initial=initial, options=options, write_in_lines=forms.write_in_lines(round_)
    )


@requires(codes.SCRUTINISE)
def ballot_entry(request: HttpRequest, round_id: int) -> HttpResponse:
    """A scrutineer enters one numbered sheet at a time: a mark per line (blank by default)
    and any names written in. Entering a sheet again corrects one's own reading until it is
    resolved; the other scrutineer's reading is never shown here."""
    round_ = _paper_round(request, round_id)
    require(request.user, codes.ENTER, round_)
    options = selectors.ballot_options(round_)
    mine = selectors.my_entries(request.user, round_)
    status = 200
    if request.method == "POST":
        form = _sheet_form(round_, options, request.POST)
        if form.is_valid():
            number = form.cleaned_data["sheet_number"]
            try:
                services.enter_paper_ballot(
                    by=request.user,
                    round=round_,
                    sheet_number=number,
                    marks=form.marks(),
                    write_ins=form.write_ins(),
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Sheet %(number)s entered.") % {"number": number})
                return redirect(reverse("balloting:round-enter", args=[round_.pk]) + f"?sheet={number + 1}")
        status = INVALID
    else:
        requested = request.GET.get("sheet", "")
        if requested.isdigit() and int(requested) > 0:
            number = int(requested)
        else:
            last = mine.order_by("-sheet_number").values_list("sheet_number", flat=True).first()
            number = (last or 0) + 1
        initial = {"sheet_number": number}
        own = mine.filter(sheet_number=number).first()
        if own is not None:
            initial.update(forms.SheetForm.initial_for(options, own.marks, own.write_ins))
        form = _sheet_form(round_, options, initial=initial)
    closed = round_.status == Round.Status.CLOSED
    return _page(
        request,
        "balloting/paper_entry.html",
        round_,
        {
            "form": form,
            "closed": closed,
            "open_for_entry": closed and round_.ballots_issued > 0,
            "my_sheets": list(mine.order_by("sheet_number").values_list("sheet_number", flat=True)),
            "paper": selectors.paper_count(request.user, round_),
        },
        status,
    )


def _comparison(options, state) -> list[dict]:
    """The lines of a sheet's two readings, marking where they differ."""
    labels = dict(forms.SHEET_MARKS)
    first, second = state.readings
    rows = [
        {
            "label": option.label,
            "first": labels.get(first["marks"].get(option.key, forms.BLANK), first["marks"].get(option.key)),
            "second": labels.get(
                second["marks"].get(option.key, forms.BLANK), second["marks"].get(option.key)
            ),
            "differs": option.key in state.differences,
        }
        for option in options
    ]
    if first["write_ins"] or second["write_ins"]:
        rows.append(
            {
                "label": _("Written in"),
                "first": "、".join(first["write_ins"]) or "–",
                "second": "、".join(second["write_ins"]) or "–",
                "differs": "write_ins" in state.differences,
            }
        )
    return rows


@requires(codes.SCRUTINISE)
def discrepancy_list(request: HttpRequest, round_id: int) -> HttpResponse:
    """Every sheet entered so far: agreed, entered once only, or read differently (both
    readings side by side) and resolved or not. The count waits for all of them."""
    round_ = _paper_round(request, round_id)
    require(request.user, codes.RESOLVE, round_)
    options = selectors.ballot_options(round_)
    states = selectors.sheet_states(request.user, round_)
    return _page(
        request,
        "balloting/paper_discrepancies.html",
        round_,
        {
            "differing": [
                {"state": s, "rows": _comparison(options, s)}
                for s in states
                if s.state in ("discrepant", "resolved")
            ],
            "once": [s.sheet_number for s in states if s.state == "once"],
            "agreed": sum(1 for s in states if s.state == "agreed"),
            "open_count": sum(1 for s in states if s.state in ("once", "discrepant")),
            "paper": selectors.paper_count(request.user, round_),
            "may_resolve": round_.status == Round.Status.CLOSED,
        },
    )


@requires(codes.SCRUTINISE)
def sheet_resolve(request: HttpRequest, round_id: int, sheet_number: int) -> HttpResponse:
    """Settle a sheet read differently: the first or second reading, or the reading agreed
    with the sheet in hand."""
    round_ = _paper_round(request, round_id)
    require(request.user, codes.RESOLVE, round_)
    options = selectors.ballot_options(round_)
    state = next(
        (
            s
            for s in selectors.sheet_states(request.user, round_)
            if s.sheet_number == sheet_number and s.state in ("discrepant", "resolved")
        ),
        None,
    )
    if state is None:
        raise Http404(_("This sheet has no discrepancy to resolve."))
    form_kwargs = {"options": options, "write_in_lines": forms.write_in_lines(round_)}
    status = 200
    if request.method == "POST":
        form = forms.ResolveForm(request.POST, **form_kwargs)
        if form.is_valid():
            use = form.cleaned_data["use"]
            arguments = {"note": form.cleaned_data["note"]}
            if use == forms.ResolveForm.AGREED:
                arguments.update(marks=form.marks(), write_ins=form.write_ins())
            else:
                arguments["use_entry"] = int(use)
            try:
                services.resolve_discrepancy(
                    by=request.user, round=round_, sheet_number=sheet_number, **arguments
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Sheet %(number)s is resolved.") % {"number": sheet_number})
                return redirect("balloting:round-discrepancies", round_id=round_.pk)
        status = INVALID
    else:
        first = state.readings[0]
        form = forms.ResolveForm(
            initial=forms.ResolveForm.initial_for(options, first["marks"], first["write_ins"]), **form_kwargs
        )
    return _page(
        request,
        "balloting/paper_resolve.html",
        round_,
        {"state": state, "rows": _comparison(options, state), "form": form},
        status,
    )


# --- the count and the signatures -------------------------------------------------------------


@requires(codes.COUNT)
@require_POST
def round_count(request: HttpRequest, round_id: int) -> HttpResponse:
    """Count the round (ELEC-11: more ballots returned than issued voids it; ELEC-12 per
    sheet). Refused while a sheet is entered once only or read differently and unresolved:
    the refusal leads to the discrepancies."""
    round_ = _paper_round(request, round_id)
    try:
        services.count_round(by=request.user, round=round_)
    except NotAllowed:
        raise
    except InvalidTransition as exc:
        _error_messages(request, exc)
        if exc.code == "discrepancies":
            return redirect("balloting:round-discrepancies", round_id=round_.pk)
        return redirect(_back(request, round_))
    except DatongError as exc:
        _error_messages(request, exc)
        return redirect(_back(request, round_))
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
        _error_messages(request, exc)
    else:
        messages.success(request, _("Your signature was recorded."))
    return redirect(_back(request, round_))
