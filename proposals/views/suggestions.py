"""Suggestions: the list (filter, sort, pages, xlsx), a suggestion's page, and what a deputy
does before registration: draft, attach files, invite co-signers, answer an invitation,
submit, withdraw (SUGG-1, SUGG-10)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import rules as case_rules
from casework import selectors as case_selectors
from core.accounts.roles import Role
from core.audit.permissions import VIEW as AUDIT_VIEW
from core.documents import write_xlsx, xlsx_response
from core.errors import DatongError, NotAllowed, NotFound
from core.permissions import has_perm, require, requires, role_of
from core.workcalendar import selectors as workcalendar

from .. import desk_selectors, forms, permissions, rules, selectors, services
from ..models import Cosignature
from .common import (
    act,
    attempt,
    detail_url,
    download,
    error_messages,
    page_of,
    posted,
    query_without_page,
    render_list,
    status_for,
    uploaded,
)

# --- the list ------------------------------------------------------------------------------------


def _filtered(request: HttpRequest):
    form = forms.SuggestionFilterForm(request.GET, congress=desk_selectors.congress_for(request.user),
                                      deputy=role_of(request.user) == Role.DEPUTY)
    return form, desk_selectors.suggestion_rows(request.user, **form.filters())


@requires(permissions.VIEW)
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """Every suggestion the user may see: a deputy's own and co-signed ones, a unit's
    assigned ones, all of them for staff."""
    form, rows = _filtered(request)
    page = page_of(request, rows)
    units = desk_selectors.lead_units([s.live_case_id for s in page.object_list])
    for suggestion in page.object_list:
        suggestion.status_key = desk_selectors.status_of(suggestion)
        suggestion.status_text = desk_selectors.status_label(suggestion)
        suggestion.deadline = desk_selectors.next_deadline(suggestion)
        suggestion.units = units.get(suggestion.live_case_id, [])
    return render_list(request, "proposals/suggestion_list.html", {
        "filter_form": form,
        "page": page,
        "query": query_without_page(request),
        "can_create": has_perm(request.user, permissions.CREATE),
    })


def export_headers() -> list[str]:
    return [
        _("Number"), _("Subject"), _("Status"), _("Category"), _("Filed by"), _("Filed"),
        _("Submitted on"), _("Registered on"), _("Units replying"), _("Next reply due"), _("Provisional date"),
        _("Overdue"), _("Key supervised"),
    ]


def export_rows(rows):
    """The rows of the list as shown (one status, next due date with its provisional mark)."""
    rows = list(rows)
    units = desk_selectors.lead_units([s.live_case_id for s in rows])
    yes, no = _("Yes"), _("No")
    for s in rows:
        live = s.case.merged_into if s.case_id and s.case.merged_into_id else s.case
        yield [
            s.number,
            s.subject,
            desk_selectors.status_label(s),
            s.category.name if s.category_id else "",
            s.filed_by.name,
            _("During a session") if s.session_id else _("Between sessions"),
            s.submitted_at.date() if s.submitted_at else None,
            s.registered_at.date() if s.registered_at else None,
            "、".join(units.get(s.live_case_id, [])),
            s.next_due,
            yes if s.next_due and s.next_due_provisional else "",
            yes if s.is_overdue else no,
            yes if live is not None and live.is_key_supervised else no,
        ]


@requires(permissions.VIEW)
def suggestion_export(request: HttpRequest) -> HttpResponse:
    """The same filtered rows as the list, every page, as xlsx."""
    _form, rows = _filtered(request)
    content = write_xlsx(export_headers(), export_rows(rows), title=_("Suggestions"))
    return xlsx_response(content, _("suggestions") + ".xlsx")


# --- a suggestion's page -------------------------------------------------------------------------


@requires(permissions.VIEW)
def suggestion_detail(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    user = request.user
    suggestion = desk_selectors.suggestion_for(user, suggestion_id)
    handling = desk_selectors.handling_of(user, suggestion)
    actions = desk_selectors.actions_for(user, suggestion, handling)
    if handling is not None:
        _show_assignments(user, handling)
    return render(request, "proposals/suggestion_detail.html", {
        "suggestion": suggestion,
        "status": desk_selectors.status_of(suggestion),
        "status_text": desk_selectors.status_label(suggestion),
        "decline_reason": rules.exclusion_label(suggestion.decline_reason) if suggestion.decline_reason else "",
        "handling": handling,
        "actions": actions,
        "attachments": selectors.attachments_of(user, suggestion),
        "cosignatures": selectors.cosignatures_of(user, suggestion),
        "timeline": desk_selectors.timeline(user, suggestion, handling),
        "attach_form": forms.AttachmentForm() if actions["attach"] else None,
        "secrecy_hint": forms.SECRECY_HINT,
        "can_audit": has_perm(user, AUDIT_VIEW),
        "audit_query": f"target_type=proposals.suggestion&target_id={suggestion.pk}",
    })


def _show_assignments(user, handling) -> None:
    """What each assignment shows beyond its row: its state as people are told it (a view
    ended by the closing is not "withdrawn", SUGG-5/7), for a reply still owed the working
    days left (TIME-4/6), and for the unit's own clerk how a longer period is obtained when
    they may not approve it themselves (SUGG-4)."""
    case = handling.case
    calendar = workcalendar.current_calendar()
    clerk_unit = user.handling_unit_id if role_of(user) == Role.UNIT_CLERK else None
    handling.any_provisional = False
    for assignment in handling.assignments:
        assignment.state_label = case_selectors.assignment_state_label(assignment, case)
        owed = assignment.status == case_rules.PENDING and case.status in case_rules.HANDLING_STATES
        assignment.time_left = case_selectors.time_left(assignment.due_on, calendar=calendar) if owed else None
        handling.any_provisional = handling.any_provisional or (owed and assignment.due_provisional)
        assignment.extension_hint = None
        if (
            owed and clerk_unit == assignment.unit_id and not getattr(assignment, "can_extend", False)
            and case.status == case_rules.ASSIGNED
            and case_rules.extension_allowed(
                now=timezone.now(), due_on=assignment.due_on, role=assignment.role,
                round_number=assignment.round, extended=assignment.is_extended,
            )
        ):
            assignment.extension_hint = desk_selectors.extension_preview(assignment)


# --- drafting ----------------------------------------------------------------------------------


def _filers(request: HttpRequest):
    """Staff entering a paper suggestion name the deputy; a deputy files for themselves."""
    if role_of(request.user) != Role.STAFF:
        return None
    return desk_selectors.filer_choices(desk_selectors.current_congress())


@requires(permissions.CREATE)
def suggestion_create(request: HttpRequest) -> HttpResponse:
    congress = desk_selectors.congress_for(request.user)
    form = forms.SuggestionForm(posted(request), congress=congress, filers=_filers(request))
    done = attempt(
        request, form,
        lambda data: services.create_draft(
            by=request.user, subject=data["subject"], content=data["content"], category=data["category"],
            filed_by=data.get("filed_by"),
        ),
        _("The draft was saved. Attach files or invite co-signers if you wish, then submit it."),
        detail_url,
    )
    if done:
        return done
    return render(request, "proposals/suggestion_form.html", {
        "form": form, "title": _("New suggestion"), "back": reverse("proposals:suggestion-list"),
    }, status=status_for(request, form))


@requires(permissions.EDIT)
def suggestion_edit(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    require(request.user, permissions.EDIT, suggestion)
    initial = {"subject": suggestion.subject, "content": suggestion.content, "category": suggestion.category}
    form = forms.SuggestionForm(posted(request), initial=initial, congress=suggestion.congress)
    done = attempt(
        request, form,
        lambda data: services.update_draft(
            by=request.user, suggestion=suggestion, subject=data["subject"], content=data["content"],
            category=data["category"],
        ),
        _("The draft was saved."),
        detail_url(suggestion),
    )
    if done:
        return done
    return render(request, "proposals/suggestion_form.html", {
        "form": form, "title": _("Edit the draft"), "back": detail_url(suggestion), "suggestion": suggestion,
    }, status=status_for(request, form))


@requires(permissions.ATTACH)
def attachment_add(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """Attach a file to a draft: checked for type, size and secrecy marks (SEC-14) before
    anything is stored."""
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    require(request.user, permissions.ATTACH, suggestion)
    form = forms.AttachmentForm(posted(request), uploaded(request))
    done = attempt(
        request, form,
        lambda data: services.add_attachment(by=request.user, suggestion=suggestion, file=data["file"]),
        _("The file was attached."),
        detail_url(suggestion),
    )
    if done:
        return done
    return render(request, "proposals/action_form.html", {
        "form": form, "suggestion": suggestion, "title": _("Attach a file"), "button": _("Attach"),
        "back": detail_url(suggestion), "hint": forms.SECRECY_HINT,
    }, status=status_for(request, form))


@requires(permissions.DETACH)
@require_POST
def attachment_remove(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = desk_selectors.attachment_for(request.user, attachment_id)
    return act(
        request, lambda: services.remove_attachment(by=request.user, attachment=attachment),
        _("The file was removed."), detail_url(attachment.suggestion),
    )


@requires(permissions.VIEW)
def attachment_download(request: HttpRequest, attachment_id: int):
    attachment = desk_selectors.attachment_for(request.user, attachment_id)
    return download(attachment.file, attachment.name)


# --- co-signing ----------------------------------------------------------------------------------


@requires(permissions.INVITE)
def cosigner_invite(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """Pick deputies of the same term to invite as co-signers (联名)."""
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    require(request.user, permissions.INVITE, suggestion)
    search = forms.SearchForm(request.GET)
    q = search.cleaned_data.get("q", "") if search.is_valid() else ""
    candidates = desk_selectors.deputies_to_invite(suggestion, q=q)
    # A page lists the first 100 matches (search narrows them); a POST may name any of them.
    form = forms.InviteForm(posted(request), candidates=candidates if request.method == "POST" else candidates[:100])
    if request.method == "POST" and form.is_valid():
        invited = 0
        for deputy in form.cleaned_data["deputies"]:
            try:
                services.invite_cosigner(by=request.user, suggestion=suggestion, deputy=deputy)
            except (NotAllowed, NotFound):
                raise
            except DatongError as exc:
                error_messages(request, exc)
            else:
                invited += 1
        if invited:
            messages.success(request, _("%(count)s deputies were invited to co-sign.") % {"count": invited})
        return redirect(detail_url(suggestion))
    return render(request, "proposals/invite.html", {
        "form": form, "search": search, "suggestion": suggestion, "cosignatures": selectors.cosignatures_of(request.user, suggestion),
    }, status=status_for(request, form))


@requires(permissions.CONFIRM)
def cosignature_answer(request: HttpRequest, cosignature_id: int) -> HttpResponse:
    """The invited deputy reads the suggestion and confirms or declines co-signing."""
    cosignature = desk_selectors.cosignature_for(request.user, cosignature_id)
    require(request.user, permissions.CONFIRM, cosignature)
    suggestion = cosignature.suggestion
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "confirm":
            return act(request, lambda: services.confirm_cosignature(by=request.user, cosignature=cosignature),
                       _("You co-sign this suggestion."), detail_url(suggestion))
        if answer == "decline":
            return act(request, lambda: services.decline_cosignature(by=request.user, cosignature=cosignature),
                       _("You do not co-sign this suggestion."), reverse("proposals:deputy-desk"))
        messages.error(request, _("Choose whether you co-sign."))
    return render(request, "proposals/cosignature.html", {
        "cosignature": cosignature, "suggestion": suggestion,
        "open": suggestion.status in (suggestion.Status.DRAFT, suggestion.Status.SUBMITTED),
        "confirmed": cosignature.status == Cosignature.Status.CONFIRMED,
    })


# --- submission and withdrawal -----------------------------------------------------------------


@requires(permissions.SUBMIT)
@require_POST
def suggestion_submit(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    return act(
        request, lambda: services.submit_suggestion(by=request.user, suggestion=suggestion),
        _("The suggestion was submitted. The congress office will register it."), detail_url(suggestion),
    )


@requires(permissions.WITHDRAW)
def suggestion_withdraw(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """The filer withdraws the suggestion in writing (SUGG-10); staff only record the
    deputy's written request, and note it (the service requires the note)."""
    suggestion = desk_selectors.suggestion_for(request.user, suggestion_id)
    require(request.user, permissions.WITHDRAW, suggestion)
    on_request = desk_selectors.withdraws_on_request(request.user, suggestion)
    form = forms.WithdrawForm(posted(request), on_request=on_request)
    done = attempt(
        request, form,
        lambda data: services.withdraw_suggestion(by=request.user, suggestion=suggestion, note=data["note"]),
        _("The suggestion was withdrawn."), detail_url(suggestion),
    )
    if done:
        return done
    if on_request:
        texts = {
            "title": _("Withdraw on the deputy's request"),
            "intro": _("Only the deputy may withdraw a suggestion, in writing. Record the deputy's written request "
                       "here: withdrawing ends the handling of the suggestion, the deputy is told, and this cannot be "
                       "undone."),
            "button": _("Withdraw on the deputy's request"),
        }
    else:
        texts = {
            "title": _("Withdraw the suggestion"),
            "intro": _("Withdrawing ends the handling of your suggestion. This cannot be undone."),
            "button": _("Withdraw"),
        }
    return render(request, "proposals/action_form.html", {
        "form": form, "suggestion": suggestion, **texts, "danger": True, "back": detail_url(suggestion),
    }, status=status_for(request, form))
