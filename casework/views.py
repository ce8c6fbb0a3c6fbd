"""Casework's desks, across every kind of case: what is due (a unit's clerk: their unit,
overdue first; staff: every unit), what is late by unit, and satisfaction by unit. Each
list filters, sorts, pages and exports the same rows to xlsx; the charts' figures come
from the API (/api/casework/charts/...)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.accounts.roles import Role
from core.documents import write_xlsx, xlsx_response
from core.permissions import requires, role_of
from core.workcalendar import selectors as workcalendar

from . import desk_selectors, rules, selectors
from .desk_permissions import ASSIGNMENTS, OVERSIGHT
from .forms import AssignmentFilterForm, UnitTableFilterForm

PAGE_SIZE = 25


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _render_list(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#results"
    return render(request, template, context)


# --- what is due -----------------------------------------------------------------------------


def _assignments(request: HttpRequest):
    form = AssignmentFilterForm(request.GET, user=request.user)
    return form, desk_selectors.assignment_rows(request.user, **form.filters())


@requires(ASSIGNMENTS)
def assignment_list(request: HttpRequest) -> HttpResponse:
    """A unit's desk: the replies it owes, overdue first (TIME-6), with links to write them."""
    form, rows = _assignments(request)
    page = _page(request, rows)
    calendar = workcalendar.current_calendar()
    any_provisional = False
    for row in page.object_list:
        row.deadline = desk_selectors.deadline_of(row)
        row.url = desk_selectors.case_url(row.case)
        row.kind_label = desk_selectors.kind_label(row.case)
        # SUGG-5/7: a view ended by the closing is not shown as withdrawn.
        row.state_label = selectors.assignment_state_label(row, row.case)
        # TIME-4/6: the working days left to a reply still owed.
        owed = rules.assignment_open(row.status, row.case.status)
        row.time_left = selectors.time_left(row.due_on, calendar=calendar) if owed else None
        any_provisional = any_provisional or (owed and row.due_provisional)
    clerk = role_of(request.user) == Role.UNIT_CLERK
    return _render_list(request, "casework/assignment_list.html", {
        "filter_form": form, "page": page, "query": _query(request), "any_provisional": any_provisional,
        "title": _("What is due for my unit") if clerk else _("Replies owed by the units"),
        "unit": request.user.handling_unit if clerk else None,
    })


@requires(ASSIGNMENTS)
def assignment_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _assignments(request)
    yes, no = _("Yes"), _("No")
    headers = [_("Case"), _("Kind"), _("Handling unit"), _("Role"), _("Round"), _("Assigned on"), _("Due date"),
               _("Provisional date"), _("Status"), _("Overdue"), _("Key supervised"), _("Replied on")]
    roles = desk_selectors.ROLE_LABELS
    lines = (
        [
            a.case.title, desk_selectors.kind_label(a.case), a.unit.name, str(roles.get(a.role, a.role)), a.round,
            a.assigned_at.date(), a.due_on, yes if a.due_provisional else "", selectors.assignment_state_label(a, a.case),
            yes if a.is_overdue else no, yes if a.case.is_key_supervised else no, a.replied_on,
        ]
        for a in rows.iterator(chunk_size=500)
    )
    return xlsx_response(write_xlsx(headers, lines, title=_("Assignments")), _("assignments") + ".xlsx")


# --- late by unit (TIME-6) ---------------------------------------------------------------------------


def _late(request: HttpRequest):
    form = UnitTableFilterForm(request.GET, sorts=desk_selectors.LATE_SORTS)
    return form, desk_selectors.late_rows(request.user, **form.filters("-overdue"))


@requires(OVERSIGHT)
def late_by_unit(request: HttpRequest) -> HttpResponse:
    form, rows = _late(request)
    return _render_list(request, "casework/late_by_unit.html", {
        "filter_form": form, "page": _page(request, rows), "query": _query(request),
        "kind": form.cleaned_data.get("kind", "") if form.is_valid() else "",
    })


@requires(OVERSIGHT)
def late_by_unit_export(request: HttpRequest) -> HttpResponse:
    _form, rows = _late(request)
    headers = [_("Handling unit"), _("Overdue"), _("Oldest due date"), _("Key supervised")]
    lines = ([r.unit_name, r.overdue, r.oldest_due_on, r.key_supervised] for r in rows)
    return xlsx_response(write_xlsx(headers, lines, title=_("Late by unit")), _("late-by-unit") + ".xlsx")


# --- satisfaction by unit (SUGG-7) ----------------------------------------------------------------


def _satisfaction(request: HttpRequest):
    form = UnitTableFilterForm(request.GET, sorts=desk_selectors.SATISFACTION_SORTS)
    scale, rows = desk_selectors.satisfaction_rows(request.user, **form.filters("-total"))
    return form, scale, rows


@requires(OVERSIGHT)
def satisfaction_by_unit(request: HttpRequest) -> HttpResponse:
    form, scale, rows = _satisfaction(request)
    return _render_list(request, "casework/satisfaction_by_unit.html", {
        "filter_form": form, "page": _page(request, rows), "query": _query(request),
        "scale": [(value, desk_selectors.satisfaction_label(value)) for value in scale],
        "kind": form.cleaned_data.get("kind", "") if form.is_valid() else "",
    })


@requires(OVERSIGHT)
def satisfaction_by_unit_export(request: HttpRequest) -> HttpResponse:
    _form, scale, rows = _satisfaction(request)
    headers = [_("Handling unit"), *[desk_selectors.satisfaction_label(v) for v in scale], _("Ratings"),
               _("Satisfied or basically satisfied (%)")]
    lines = (
        [r.unit_name, *[r.counts.get(v, 0) for v in scale], r.total, r.satisfied_percent] for r in rows
    )
    return xlsx_response(write_xlsx(headers, lines, title=_("Satisfaction by unit")),
                         _("satisfaction-by-unit") + ".xlsx")
