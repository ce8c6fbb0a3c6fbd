"""The suggestion desks: the deputy's (my suggestions, invitations, replies to rate) and the
staff's (register and assign queues, what is late by unit, satisfaction by unit, with
charts). Each queue filters, sorts, pages and exports the same rows to xlsx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casework import desk_selectors as case_desk
from core.documents import write_xlsx, xlsx_response
from core.permissions import has_perm, requires

from .. import desk_selectors, forms, permissions
from ..casekind import NAME as KIND
from ..casekind import SUGGESTION
from ..desk_permissions import DEPUTY_DESK, STAFF_DESK
from .common import page_of, query_without_page, render_list

ASSIGN = SUGGESTION.code("assign")


@requires(DEPUTY_DESK)
def deputy_desk(request: HttpRequest) -> HttpResponse:
    """My drafts, invitations to co-sign, replies to rate, and my latest suggestions with
    their state and next due date."""
    overview = desk_selectors.deputy_overview(request.user, recent=10)
    for suggestion in overview.recent:
        suggestion.status_key = desk_selectors.status_of(suggestion)
        suggestion.status_text = desk_selectors.status_label(suggestion)
        suggestion.deadline = desk_selectors.next_deadline(suggestion)
    return render(request, "proposals/deputy_desk.html", {
        "overview": overview,
        "deputy": permissions.deputy_of(request.user),
        "can_create": has_perm(request.user, permissions.CREATE),
    })


@requires(STAFF_DESK)
def staff_desk(request: HttpRequest) -> HttpResponse:
    """Queues, lateness and satisfaction; the charts' figures are in tables too."""
    scale, satisfaction = case_desk.satisfaction_rows(request.user, kind=KIND)
    return render(request, "proposals/staff_desk.html", {
        "overview": desk_selectors.staff_overview(request.user),
        "late": case_desk.late_rows(request.user, kind=KIND)[:10],
        "scale": [(value, case_desk.satisfaction_label(value)) for value in scale],
        "satisfaction": satisfaction[:10],
        "kind": KIND,
    })


# --- queues ------------------------------------------------------------------------------------


def _queue(request: HttpRequest, *, sorts, read):
    form = forms.QueueFilterForm(request.GET, congress=desk_selectors.current_congress(), sorts=sorts)
    return form, read(request.user, **form.filters())


def _queue_page(request: HttpRequest, template: str, form, rows, **extra) -> HttpResponse:
    page = page_of(request, rows)
    page.object_list = desk_selectors.with_assign_by(page.object_list)
    return render_list(request, template, {"filter_form": form, "page": page,
                                           "query": query_without_page(request), **extra})


def _queue_export(rows, title: str, filename: str, *, registered: bool) -> HttpResponse:
    headers = [_("Subject"), _("Filed by"), _("Category"), _("Filed"), _("Submitted on"),
               _("Assign by (SUGG-2)"), _("Provisional date")]
    if registered:
        headers = [_("Number"), *headers, _("Registered on")]
    yes = _("Yes")

    def lines():
        for s in desk_selectors.with_assign_by(rows):
            line = [
                s.subject, s.filed_by.name, s.category.name if s.category_id else "",
                _("During a session") if s.session_id else _("Between sessions"),
                s.submitted_at.date() if s.submitted_at else None,
                s.assign_by.date if s.assign_by else None,
                yes if s.assign_by and s.assign_by.provisional else "",
            ]
            if registered:
                line = [s.number, *line, s.registered_at.date() if s.registered_at else None]
            yield line

    return xlsx_response(write_xlsx(headers, lines(), title=title), filename + ".xlsx")


@requires(permissions.REGISTER)
def register_queue(request: HttpRequest) -> HttpResponse:
    """Submitted suggestions to register or decline, oldest first (SUGG-2, SUGG-10)."""
    form, rows = _queue(request, sorts=desk_selectors.QUEUE_SORTS, read=desk_selectors.register_queue)
    return _queue_page(request, "proposals/register_queue.html", form, rows)


@requires(permissions.REGISTER)
def register_queue_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _queue(request, sorts=desk_selectors.QUEUE_SORTS, read=desk_selectors.register_queue)
    return _queue_export(rows, _("To register"), _("suggestions-to-register"), registered=False)


@requires(ASSIGN)
def assign_queue(request: HttpRequest) -> HttpResponse:
    """Registered suggestions to assign, oldest first, with the SUGG-2 last day."""
    form, rows = _queue(request, sorts=desk_selectors.ASSIGN_QUEUE_SORTS, read=desk_selectors.assign_queue)
    return _queue_page(request, "proposals/assign_queue.html", form, rows)


@requires(ASSIGN)
def assign_queue_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _queue(request, sorts=desk_selectors.ASSIGN_QUEUE_SORTS, read=desk_selectors.assign_queue)
    return _queue_export(rows, _("To assign"), _("suggestions-to-assign"), registered=True)
