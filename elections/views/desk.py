"""The election desk (staff): offices (ELEC-1), elections with their margins (ELEC-6/7/17)
and deliberation time (ELEC-8), nominations with the signatures taken from the paper forms
(ELEC-4/5), scrutineers (SEC-2), and the list preview and its fixing (ELEC-3/6/7/9)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts import selectors as accounts
from core.errors import DatongError, NotAllowed
from core.organisation import selectors as organisation
from core.permissions import has_perm, requires

from .. import forms, reads, selectors, services
from .. import permissions as codes
from ..models import Election, Nomination
from .common import INVALID, act, election_for, election_url, error_messages, form_errors, nomination_for


def _term_deputies(request: HttpRequest, election: Election):
    return organisation.deputy_list(user=request.user, term=election.session.term)


# --- offices -----------------------------------------------------------------------------


@requires(codes.DESK_VIEW)
def office_list(request: HttpRequest) -> HttpResponse:
    """The offices the congress elects (ELEC-1), with the form to add one."""
    congress = organisation.current_congress()
    form = forms.OfficeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not has_perm(request.user, codes.OFFICE_CREATE):
            raise NotAllowed()
        if form.is_valid() and congress is not None:
            try:
                services.create_office(by=request.user, congress=congress, **form.cleaned_data)
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The office was added."))
                return redirect("elections:office-list")
        if congress is None:
            form.add_error(None, _("No congress is configured yet: load the city's data first."))
        status = INVALID
    return render(
        request,
        "elections/office_list.html",
        {
            "congress": congress,
            "offices": reads.offices(request.user, congress),
            "form": form,
            "can_create": has_perm(request.user, codes.OFFICE_CREATE),
        },
        status=status,
    )


# --- elections ---------------------------------------------------------------------------


@requires(codes.DESK_VIEW)
def election_list(request: HttpRequest) -> HttpResponse:
    congress = organisation.current_congress()
    sessions = organisation.session_list(user=request.user, congress=congress)
    session = None
    if request.GET.get("session", "").isdigit():
        session = sessions.filter(pk=int(request.GET["session"])).first()
    elections = selectors.elections(request.user, session=session).filter(office__congress=congress)
    rows = [(election, selectors.next_step(election)) for election in elections]
    return render(
        request,
        "elections/election_list.html",
        {
            "congress": congress,
            "sessions": sessions,
            "session": session,
            "rows": rows,
            "can_create": has_perm(request.user, codes.ELECTION_CREATE),
        },
    )


@requires(codes.ELECTION_CREATE)
def election_create(request: HttpRequest) -> HttpResponse:
    """Set up an election; the service checks the seats (ELEC-6), the margin (ELEC-6, ELEC-7,
    ELEC-17), the standing committee's size (ELEC-2) and the deliberation time (ELEC-8)."""
    congress = organisation.current_congress()
    sessions = organisation.session_list(user=request.user, congress=congress)
    offices = reads.offices(request.user, congress)
    initial = {}
    if request.GET.get("session", "").isdigit():
        initial["session"] = int(request.GET["session"])
    form = forms.ElectionForm(request.POST or None, sessions=sessions, offices=offices, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                election = services.create_election(
                    by=request.user,
                    session=data["session"],
                    office=data["office"],
                    seats=data["seats"],
                    nominations_open_at=data["nominations_open_at"],
                    ballot_at=data["ballot_at"],
                    is_general_election=data["is_general_election"],
                    is_by_election=data["is_by_election"],
                    margin=data["margin"],
                    vote_method=data["vote_method"],
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The election was set up."))
                return redirect(election_url(election))
        status = INVALID
    return render(
        request,
        "elections/election_form.html",
        {"form": form, "offices": offices, "congress": congress},
        status=status,
    )


@requires(codes.DESK_VIEW)
def election_detail(request: HttpRequest, election_id: int) -> HttpResponse:
    """An election at a glance, with what the secretariat does next."""
    election = election_for(request, election_id)
    user = request.user
    rounds = list(selectors.rounds(user, election).order_by("number"))
    nominations = selectors.nominations(user, election)
    return render(
        request,
        "elections/election_detail.html",
        {
            "election": election,
            "next_step": selectors.next_step(election),
            "date_warnings": selectors.date_warnings(election),
            "nominations": nominations,
            "candidates": selectors.candidates(user, election),
            "rounds": rounds,
            "current_round": rounds[-1] if rounds else None,
            "scrutineers": election.scrutineers.select_related("user"),
            "conflicts": selectors.scrutineer_conflicts(election),
            "can": {
                "nominate": has_perm(user, codes.NOMINATION_CREATE, election),
                "schedule": has_perm(user, codes.ELECTION_SCHEDULE, election),
                "appoint": has_perm(user, codes.SCRUTINEER_APPOINT, election),
            },
        },
    )


@requires(codes.ELECTION_SCHEDULE)
def election_schedule(request: HttpRequest, election_id: int) -> HttpResponse:
    """Set the time of the ballot (ELEC-8 at a general election)."""
    election = election_for(request, election_id)
    form = forms.ScheduleForm(request.POST or None, initial={"ballot_at": election.ballot_at})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.schedule_ballot(by=request.user, election=election, ballot_at=form.cleaned_data["ballot_at"])
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The ballot was scheduled."))
                return redirect(election_url(election))
        status = INVALID
    return render(
        request,
        "elections/simple_form.html",
        {
            "election": election,
            "form": form,
            "title": _("Schedule the ballot"),
            "intro": _("At a general election, nominating and deliberating take at least two days (ELEC-8)."),
        },
        status=status,
    )


# --- nominations -------------------------------------------------------------------------


@requires(codes.NOMINATION_CREATE)
def nomination_create(request: HttpRequest, election_id: int) -> HttpResponse:
    """Record a nomination by the presidium (at most as many as the seats, ELEC-5) or a joint
    nomination by deputies, which then collects signatures (ELEC-4)."""
    election = election_for(request, election_id)
    form = forms.NominationForm(request.POST or None, deputies=_term_deputies(request, election))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                nomination = services.nominate(
                    by=request.user,
                    election=election,
                    nominated_by=data["nominated_by"],
                    name=data["name"],
                    deputy=data["deputy"],
                    occupation=data["occupation"],
                    biography=data["biography"],
                    holds_state_post=data["holds_state_post"],
                    relatives=data["relatives"],
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The nomination was recorded."))
                if nomination.nominated_by == Nomination.By.DEPUTIES:
                    return redirect("elections:nomination-detail", nomination_id=nomination.pk)
                return redirect(election_url(election))
        status = INVALID
    return render(request, "elections/nomination_form.html", {"election": election, "form": form}, status=status)


def _nomination_page(request: HttpRequest, nomination: Nomination, *, signatures_form=None, relative_form=None, status=200):
    user = request.user
    election = nomination.election
    draft = nomination.status == Nomination.Status.DRAFT
    joint = nomination.nominated_by == Nomination.By.DEPUTIES
    return render(
        request,
        "elections/nomination_detail.html",
        {
            "nomination": nomination,
            "election": election,
            "progress": selectors.nomination_progress(nomination) if joint else None,
            "signatures": nomination.signatures.select_related("deputy", "deputy__delegation"),
            "relatives": nomination.relatives.all(),
            "signatures_form": signatures_form or forms.SignaturesForm(),
            "relative_form": relative_form or forms.RelativeForm(),
            "can": {
                "sign": joint and draft and has_perm(user, codes.NOMINATION_SIGN, nomination),
                "submit": joint and draft and has_perm(user, codes.NOMINATION_SUBMIT, nomination),
                "withdraw": nomination.status != Nomination.Status.WITHDRAWN
                and has_perm(user, codes.NOMINATION_WITHDRAW, nomination),
                "relative": nomination.status != Nomination.Status.WITHDRAWN
                and has_perm(user, codes.NOMINATION_DECLARE_RELATIVE, nomination),
            },
        },
        status=status,
    )


@requires(codes.DESK_VIEW)
def nomination_detail(request: HttpRequest, nomination_id: int) -> HttpResponse:
    return _nomination_page(request, nomination_for(request, nomination_id))


@requires(codes.NOMINATION_SIGN)
@require_POST
def nomination_sign(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """Record the signatures of a paper joint nomination (书面联名), deputy by deputy: each
    is checked on its own (ELEC-5: no deputy signs for more candidates than seats), and
    those refused are named with the reason."""
    nomination = nomination_for(request, nomination_id)
    form = forms.SignaturesForm(request.POST, deputies=_term_deputies(request, nomination.election))
    if form.is_valid():
        recorded, refused = 0, []
        for deputy in form.cleaned_data["deputies"]:
            try:
                services.sign_nomination(by=request.user, nomination=nomination, deputy=deputy)
            except NotAllowed:
                raise
            except DatongError as exc:
                refused.append((deputy, exc))
            else:
                recorded += 1
        if recorded:
            messages.success(
                request,
                _("%(count)s signatures recorded.") % {"count": recorded},
            )
        if not refused:
            return redirect("elections:nomination-detail", nomination_id=nomination.pk)
        for deputy, exc in refused:
            reason = next(iter((exc.details or {}).values()), exc.message)
            form.add_error(
                "deputies",
                _("%(number)s %(name)s: %(reason)s") % {"number": deputy.code, "name": deputy.name, "reason": reason},
            )
    return _nomination_page(request, nomination, signatures_form=form, status=INVALID)


@requires(codes.NOMINATION_SUBMIT)
@require_POST
def nomination_submit(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = nomination_for(request, nomination_id)
    return act(
        request,
        lambda: services.submit_nomination(by=request.user, nomination=nomination),
        _("The nomination was submitted."),
        reverse("elections:nomination-detail", args=[nomination.pk]),
    )


@requires(codes.NOMINATION_WITHDRAW)
@require_POST
def nomination_withdraw(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = nomination_for(request, nomination_id)
    return act(
        request,
        lambda: services.withdraw_nomination(by=request.user, nomination=nomination),
        _("The nomination was withdrawn."),
        reverse("elections:nomination-detail", args=[nomination.pk]),
    )


@requires(codes.NOMINATION_DECLARE_RELATIVE)
@require_POST
def nomination_relative(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """Add a close relative declared on the nominee's form (SEC-2)."""
    nomination = nomination_for(request, nomination_id)
    form = forms.RelativeForm(request.POST)
    if form.is_valid():
        try:
            services.declare_close_relative(by=request.user, nomination=nomination, **form.cleaned_data)
        except NotAllowed:
            raise
        except DatongError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The relative was added to the form."))
            return redirect("elections:nomination-detail", nomination_id=nomination.pk)
    return _nomination_page(request, nomination, relative_form=form, status=INVALID)


# --- scrutineers (SEC-2) -------------------------------------------------------------------


@requires(codes.DESK_VIEW)
def scrutineer_list(request: HttpRequest, election_id: int) -> HttpResponse:
    """The election's scrutineers and counters, with the form to appoint one. A close
    relative of a nominee is refused (SEC-2)."""
    election = election_for(request, election_id)
    form = forms.ScrutineerForm(
        request.POST or None,
        accounts=accounts.accounts_for(request.user),
        deputies=_term_deputies(request, election),
    )
    status = 200
    if request.method == "POST":
        if not has_perm(request.user, codes.SCRUTINEER_APPOINT, election):
            raise NotAllowed()
        if form.is_valid():
            try:
                services.appoint_scrutineer(
                    by=request.user, election=election, user=form.cleaned_data["account"], role=form.cleaned_data["role"]
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
                if "user" in (exc.details or {}):
                    form.add_error("account", str(exc.details["user"]))
            else:
                messages.success(request, _("The scrutineer was appointed."))
                return redirect("elections:scrutineer-list", election_id=election.pk)
        status = INVALID
    return render(
        request,
        "elections/scrutineer_list.html",
        {
            "election": election,
            "scrutineers": election.scrutineers.select_related("user"),
            "conflicts": selectors.scrutineer_conflicts(election),
            "form": form,
            "can_appoint": has_perm(request.user, codes.SCRUTINEER_APPOINT, election),
            "can_remove": has_perm(request.user, codes.SCRUTINEER_REMOVE, election),
        },
        status=status,
    )


@requires(codes.SCRUTINEER_REMOVE)
@require_POST
def scrutineer_remove(request: HttpRequest, election_id: int, user_id: int) -> HttpResponse:
    election = election_for(request, election_id)
    scrutineer = get_object_or_404(election.scrutineers.select_related("user"), user_id=user_id)
    return act(
        request,
        lambda: services.remove_scrutineer(by=request.user, election=election, user=scrutineer.user),
        _("The scrutineer was removed."),
        reverse("elections:scrutineer-list", args=[election.pk]),
    )


# --- the candidate list (ELEC-6, ELEC-7, ELEC-9) -------------------------------------------


@requires(codes.DESK_VIEW)
def list_preview(request: HttpRequest, election_id: int) -> HttpResponse:
    """What fixing the list now would do: the official list, a primary or too few names,
    with the margin's limits and the warnings staff must see (ELEC-3, ELEC-7, SEC-2)."""
    election = election_for(request, election_id)
    preview = selectors.list_preview(request.user, election)
    submitted = selectors.nominations(request.user, election).filter(status=Nomination.Status.SUBMITTED)
    return render(
        request,
        "elections/list_preview.html",
        {
            "election": election,
            "preview": preview,
            "submitted": submitted,
            "can_finalise": election.status == Election.Status.NOMINATING
            and has_perm(request.user, codes.LIST_FINALISE, election),
        },
    )


@requires(codes.LIST_FINALISE)
@require_POST
def list_finalise(request: HttpRequest, election_id: int) -> HttpResponse:
    """Fix the list (ELEC-9): the official list and the first round, or a primary."""
    election = election_for(request, election_id)
    try:
        decision = services.finalise_candidate_list(by=request.user, election=election)
    except NotAllowed:
        raise
    except DatongError as exc:
        error_messages(request, exc)
        return redirect("elections:list-preview", election_id=election.pk)
    if decision.action == "primary":
        messages.success(
            request,
            _("More were nominated than the list takes: a primary chooses %(size)s names (ELEC-9).")
            % {"size": decision.list_size},
        )
    else:
        messages.success(request, _("The official candidate list is fixed and the first round is prepared."))
    current = selectors.rounds(request.user, election).order_by("-number").first()
    if current is not None:
        return redirect("elections:round-detail", round_id=current.pk)
    return redirect(election_url(election))

