"""Handling a suggestion: register or decline (SUGG-2, SUGG-10), assign (SUGG-3/5), approve
the longer period (SUGG-4), reply (SUGG-6), rate (SUGG-7), re-handle and close (SUGG-7),
key supervision (SUGG-9), merging (SUGG-11). Each page checks the permission, parses its
form and calls one service; the service checks the object and the state again."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from casework import desk_selectors as case_desk
from casework import rules as case_rules
from casework import selectors as case_selectors
from core.accounts.roles import Role
from core.permissions import require, requires, role_of

from .. import desk_selectors, forms, permissions, selectors, services
from ..casekind import SUGGESTION
from .common import act, attempt, detail_url, download, posted, status_for, uploaded

ASSIGN = SUGGESTION.code("assign")
APPROVE_EXTENSION = SUGGESTION.code("approve_extension")
REPLY = SUGGESTION.code("reply")
RATE = SUGGESTION.code("rate")
REHANDLE = SUGGESTION.code("rehandle")
CLOSE = SUGGESTION.code("close")
SUPERVISE = SUGGESTION.code("supervise")
MERGE = SUGGESTION.code("merge")


def _page(request, form, suggestion, title, button, **extra) -> HttpResponse:
    context = {"form": form, "suggestion": suggestion, "title": title, "button": button,
               "back": detail_url(suggestion), **extra}
    return render(request, "proposals/action_form.html", context, status=status_for(request, form))


# --- registration (SUGG-2, SUGG-10) ----------------------------------------------------------------


@requires(permissions.REGISTER)
def suggestion_register(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    form = forms.RegisterForm(posted(request), congress=suggestion.congress,
                              initial={"category": suggestion.category})

    def register(data):
        extra = {"category": data["category"]} if data.get("category") else {}
        return services.register_suggestion(by=request.user, suggestion=suggestion, note=data["note"], **extra)

    done = attempt(request, form, register, _("The suggestion was registered."), detail_url(suggestion))
    return done or _page(
        request, form, suggestion, _("Register the suggestion"), pgettext("register a suggestion", "Register"),
        intro=_("Registering numbers the suggestion and opens its handling; then assign it to handling units."),
        show_content=True,
    )


@requires(permissions.DECLINE)
def suggestion_decline(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """Not registered (不予立案), with one of the congress's reasons (SUGG-10): the deputy
    sees the reason and the note."""
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    form = forms.DeclineForm(posted(request), reasons=selectors.exclusion_choices(suggestion.congress))
    done = attempt(
        request, form,
        lambda data: services.decline_suggestion(by=request.user, suggestion=suggestion, reason=data["reason"],
                                                 note=data["note"]),
        _("The suggestion was not registered; the deputy is told why."), detail_url(suggestion),
    )
    return done or _page(request, form, suggestion, _("Do not register the suggestion"), _("Do not register"),
                         intro=_("Choose why this is not a suggestion (SUGG-10). The deputy sees the reason."),
                         show_content=True, danger=True)


# --- assignment (SUGG-2/3/4/5) ---------------------------------------------------------------------


@requires(ASSIGN)
def suggestion_assign(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    if suggestion.case_id:
        require(request.user, ASSIGN, suggestion.case)
    units = desk_selectors.unit_choices(suggestion.congress)
    form = forms.AssignForm(posted(request), units=units)
    done = attempt(
        request, form,
        lambda data: services.assign_suggestion(
            by=request.user, suggestion=suggestion, lead=data["lead"], assisting=list(data["assisting"]),
            separate=list(data["separate"]), note=data["note"],
        ),
        _("The suggestion was assigned; the units are told their due dates."), detail_url(suggestion),
    )
    if done:
        return done
    return render(request, "proposals/assign.html", {
        "form": form, "suggestion": suggestion, "preview": desk_selectors.preview_deadlines(suggestion),
        "back": detail_url(suggestion),
    }, status=status_for(request, form))


@requires(APPROVE_EXTENSION)
def assignment_extend(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """SUGG-4: approve the six-month period for a wide-ranging or difficult suggestion,
    before the three-month date ends."""
    assignment = desk_selectors.assignment_for(request.user, assignment_id)
    require(request.user, APPROVE_EXTENSION, assignment)
    suggestion = desk_selectors.suggestion_of_case(assignment.case)
    assignment.deadline_now = case_desk.deadline_of(assignment)
    form = forms.NoteForm(posted(request))
    done = attempt(
        request, form,
        lambda data: services.approve_suggestion_extension(by=request.user, assignment=assignment, note=data["note"]),
        _("The longer period was approved."), detail_url(suggestion),
    )
    return done or _page(
        request, form, suggestion, _("Approve the longer period"), _("Approve"),
        assignment=assignment, extended=desk_selectors.extension_preview(assignment),
        intro=_("Only for a wide-ranging or difficult suggestion, and only before the ordinary due date ends (SUGG-4)."),
    )


# --- replies and ratings (SUGG-5/6/7) ------------------------------------------------------------------


@requires(REPLY)
def assignment_reply(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The unit's clerk submits the reply: class, text, who signed and the signed letter
    (SUGG-6); an assisting unit sends its view to the lead unit (SUGG-5)."""
    assignment = desk_selectors.assignment_for(request.user, assignment_id)
    require(request.user, REPLY, assignment)
    case = assignment.case
    suggestion = desk_selectors.suggestion_of_case(case)
    to_filer = assignment.role in case_rules.REPLYING_ROLES
    form = forms.ReplyForm(posted(request), uploaded(request), to_filer=to_filer,
                           classes=selectors.reply_class_choices(case.congress))
    done = attempt(
        request, form,
        lambda data: services.reply_to_suggestion(
            by=request.user, assignment=assignment, body=data["body"], reply_class=data.get("reply_class", ""),
            class_reason=data.get("class_reason", ""), letter=data.get("letter") or None,
            signed_by=data.get("signed_by", ""),
        ),
        _("The reply was sent.") if to_filer else _("Your view was sent to the lead unit."),
        detail_url(suggestion),
    )
    if done:
        return done
    earlier = case_selectors.earlier_feedback(request.user, case)
    for rating in earlier:
        rating.label = desk_selectors.satisfaction_label(rating.satisfaction)
    return render(request, "proposals/reply_form.html", {
        "form": form, "suggestion": suggestion, "assignment": assignment, "to_filer": to_filer,
        "deadline": case_desk.deadline_of(assignment),
        "back": detail_url(suggestion), "hint": forms.SECRECY_HINT,
        # SUGG-5: the lead unit replies after the assisting units' views; it is told which
        # are still outstanding (it may still reply: the rule sets no bar).
        "outstanding": case_selectors.outstanding_views(request.user, case) if assignment.role == case_rules.LEAD
        else [],
        # SUGG-7: a re-handling unit answers what the filer found unsatisfactory.
        "earlier_feedback": earlier,
        # A browser never keeps a chosen file when a refused form comes back.
        "letter_dropped": request.method == "POST" and bool(form.errors) and bool(request.FILES.get("letter")),
    }, status=status_for(request, form))


@requires(permissions.VIEW)
def reply_letter(request: HttpRequest, reply_id: int):
    """The signed reply letter as uploaded."""
    reply = desk_selectors.reply_for(request.user, reply_id)
    return download(reply.letter, reply.letter_name)


@requires(RATE)
def reply_rate(request: HttpRequest, reply_id: int) -> HttpResponse:
    """SUGG-7: the filer rates the reply; staff enter a paper feedback form for a named
    filer. Dissatisfied in the first round sends it back for re-handling."""
    reply = desk_selectors.reply_for(request.user, reply_id)
    require(request.user, RATE, reply)
    suggestion = desk_selectors.suggestion_of_case(reply.case)
    staff = role_of(request.user) == Role.STAFF
    if not case_selectors.rating_open(request.user, reply):
        # SUGG-7: rated already, or no longer waiting for a rating: what was given, no form.
        ratings = case_selectors.ratings_of(request.user, reply)
        for rating in ratings:
            rating.label = desk_selectors.satisfaction_label(rating.satisfaction)
        return render(request, "proposals/rate.html", {
            "suggestion": suggestion, "reply": reply, "ratings": ratings, "staff": staff,
            "reply_class": desk_selectors.reply_class_label(reply.reply_class), "back": detail_url(suggestion),
        }, status=409 if request.method == "POST" else 200)
    form = forms.RateForm(
        posted(request), scale=selectors.satisfaction_choices(reply.case.congress),
        recipients=desk_selectors.rating_recipients(reply) if staff else None,
    )
    done = attempt(
        request, form,
        lambda data: services.rate_suggestion_reply(
            by=request.user, reply=reply, satisfaction=data["satisfaction"], comment=data["comment"],
            recipient=data.get("recipient"),
        ),
        _("Thank you: your rating was recorded."), detail_url(suggestion),
    )
    if done:
        return done
    return render(request, "proposals/rate.html", {
        "form": form, "suggestion": suggestion, "reply": reply,
        "reply_class": desk_selectors.reply_class_label(reply.reply_class), "back": detail_url(suggestion),
    }, status=status_for(request, form))


@requires(REHANDLE)
@require_POST
def suggestion_rehandle(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    form = forms.NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return act(request, lambda: services.rehandle_suggestion(by=request.user, suggestion=suggestion, note=note),
               _("The suggestion was sent back for re-handling."), detail_url(suggestion))


@requires(CLOSE)
@require_POST
def suggestion_close(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    form = forms.NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return act(request, lambda: services.close_suggestion(by=request.user, suggestion=suggestion, note=note),
               _("The suggestion was closed."), detail_url(suggestion))


# --- key supervision and merging (SUGG-9, SUGG-11) ------------------------------------------------------


@requires(SUPERVISE)
@require_POST
def suggestion_supervise(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    form = forms.SuperviseForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"supervised": False, "note": ""}
    success = (
        _("The suggestion is now a key supervised item.") if data["supervised"]
        else _("The suggestion is no longer a key supervised item.")
    )
    return act(
        request,
        lambda: services.supervise_suggestion(by=request.user, suggestion=suggestion,
                                              supervised=data["supervised"], note=data["note"]),
        success, detail_url(suggestion),
    )


@requires(MERGE)
def suggestion_merge(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """SUGG-11: merge this suggestion into another with the same content; every filer is
    still owed a reply."""
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    if suggestion.case_id:
        require(request.user, MERGE, suggestion.case)
    search = forms.SearchForm(request.GET)
    q = search.cleaned_data.get("q", "") if search.is_valid() else ""
    targets = desk_selectors.merge_targets(request.user, suggestion, q=q)
    # A page shows the first 50 matches (search narrows them); a POST may name any of them.
    form = forms.MergeForm(posted(request), targets=targets if request.method == "POST" else targets[:50])
    done = attempt(
        request, form,
        lambda data: services.merge_suggestions(by=request.user, target=data["target"], sources=[suggestion],
                                                note=data["note"]),
        _("The suggestion was merged; its filers will receive the reply to the merged suggestion."),
        detail_url(suggestion),
    )
    if done:
        return done
    return render(request, "proposals/merge.html", {
        "form": form, "search": search, "suggestion": suggestion, "back": detail_url(suggestion),
        "has_targets": targets.exists(), "action": reverse("proposals:suggestion-merge", args=[suggestion.pk]),
    }, status=status_for(request, form))
