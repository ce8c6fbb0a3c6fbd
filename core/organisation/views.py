"""Staff pages for the organisation of the city: lists (filter, pages, xlsx export), forms
and roster imports. Each view checks the permission, parses its form, calls one service or
selector, and renders; refusals by a service come back as form errors, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.documents import write_xlsx, xlsx_response
from core.errors import DatongError
from core.permissions import has_perm, requires

from . import forms, imports, rosters, rules, selectors, services
from .models import Delegation, Deputy, District, HandlingUnit, LiaisonStation, Session, Term
from .permissions import EDIT, EXPORT, IMPORT, VIEW

PAGE_SIZE = 50


# --- helpers ---------------------------------------------------------------------------------


def _city(request: HttpRequest) -> dict[str, Any]:
    congress = selectors.current_congress()
    term = selectors.current_term(congress)
    return {
        "congress": congress,
        "term": term,
        "can_edit": has_perm(request.user, EDIT),
        "can_import": has_perm(request.user, IMPORT),
        "can_export": has_perm(request.user, EXPORT),
    }


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The full page, or only its results table for an htmx filter request."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#results"
    return render(request, template, context)


def _form_errors(form, exc: DatongError) -> None:
    """Show a service's refusal on the form: each detail on its field, or on the form."""
    placed = False
    for field, reason in (exc.details or {}).items():
        name = field.split(".")[0]
        if name in form.fields:
            form.add_error(name, str(reason))
        else:
            form.add_error(None, str(reason))
        placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
    success: str,
    intro: str = "",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DatongError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(done)
    return render(
        request,
        "organisation/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, "multipart": form.is_multipart()},
    )


def _no_city(request: HttpRequest) -> HttpResponse:
    return render(request, "organisation/no_city.html", _city(request))


def _need_congress(request: HttpRequest):
    congress = selectors.current_congress()
    if congress is None:
        raise Http404(_("No city has been configured yet."))
    return congress


def _need_term(request: HttpRequest) -> Term:
    term = selectors.current_term(_need_congress(request))
    if term is None:
        raise Http404(_("The congress has no term yet."))
    return term


def _act(request: HttpRequest, action: Callable[[], Any], success: str, back: str) -> HttpResponse:
    """Run a one-click service action (POST); a refusal is shown as an error message."""
    try:
        action()
    except DatongError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect(back)


# --- overview and the congress -------------------------------------------------------------


@requires(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    congress, term = context["congress"], context["term"]
    if congress is not None and term is not None:
        context["in_office"] = selectors.deputies_in_office_count(term)
        context["all_deputies"] = selectors.all_deputies_count(term)
        context["unit_count"] = HandlingUnit.objects.filter(congress=congress, is_active=True).count()
    return render(request, "organisation/index.html", context)


@requires(VIEW)
def congress_detail(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    congress = context["congress"]
    if congress is None:
        return _no_city(request)
    values = selectors.parameters_for(congress)
    stored = congress.parameters or {}
    context["parameters"] = [
        {"parameter": p, "value": values[p.key], "overridden": p.key in stored} for p in rules.PARAMETERS
    ]
    context["sc_bounds"] = rules.sc_size_bounds(congress.level, congress.population)
    return render(request, "organisation/congress.html", context)


@requires(EDIT)
def congress_update(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = forms.CongressForm(request.POST or None, instance=congress)
    return _form_page(
        request,
        form,
        title=_("Edit the congress"),
        save=lambda data: services.update_congress(congress_id=congress.pk, by=request.user, **data),
        done=reverse("organisation:congress"),
        back=reverse("organisation:congress"),
        success=_("The congress was saved."),
    )


@requires(EDIT)
def parameter_set(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = forms.ParameterForm(request.POST or None, initial={"key": request.GET.get("key", "")})
    return _form_page(
        request,
        form,
        title=_("Set a parameter"),
        intro=_("Values outside the limits of the law are refused; the rule is named in the message."),
        save=lambda data: services.set_parameter(
            congress_id=congress.pk, key=data["key"], value=data["value"], by=request.user
        ),
        done=reverse("organisation:congress"),
        back=reverse("organisation:congress"),
        success=_("The parameter was saved."),
    )


# --- districts ---------------------------------------------------------------------------------


@requires(VIEW)
def district_list(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    if context["congress"] is None:
        return _no_city(request)
    search = forms.SearchForm(request.GET)
    q = search.cleaned_data.get("q", "") if search.is_valid() else ""
    districts = selectors.district_list(user=request.user, congress=context["congress"], q=q)
    context.update(filter_form=search, page=_page(request, districts))
    return _list(request, "organisation/district_list.html", context)


@requires(EXPORT)
def district_export(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    rows = (
        [d.name, d.code, d.get_kind_display(), d.deputy_count, d.unit_count, d.station_count]
        for d in selectors.district_list(user=request.user, congress=congress)
    )
    headers = [_("Name"), _("Division code"), _("Kind"), _("Deputies in office"), _("Handling units"),
               _("Liaison stations")]
    return xlsx_response(write_xlsx(headers, rows, title=_("Districts")), _("districts") + ".xlsx")


@requires(EDIT)
def district_create(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = forms.DistrictForm(request.POST or None)
    back = reverse("organisation:district-list")
    return _form_page(
        request, form, title=_("New district"), back=back, done=back, success=_("The district was saved."),
        save=lambda data: services.create_district(by=request.user, congress=congress, **data),
    )


@requires(EDIT)
def district_update(request: HttpRequest, district_id: int) -> HttpResponse:
    district = get_object_or_404(District, pk=district_id, congress=_need_congress(request))
    form = forms.DistrictForm(request.POST or None, instance=district)
    back = reverse("organisation:district-list")
    return _form_page(
        request, form, title=_("Edit district"), back=back, done=back, success=_("The district was saved."),
        save=lambda data: services.update_district(district_id=district.pk, by=request.user, **data),
    )


# --- terms, sessions, standing committee ----------------------------------------------------


@requires(VIEW)
def term_list(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    if context["congress"] is None:
        return _no_city(request)
    context["page"] = _page(request, selectors.term_list(user=request.user, congress=context["congress"]))
    return _list(request, "organisation/term_list.html", context)


@requires(EXPORT)
def term_export(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    rows = (
        [s.term.number, s.number, s.get_kind_display(), s.starts_on, s.ends_on]
        for s in selectors.session_list(user=request.user, congress=congress)
    )
    headers = [_("Term"), _("Session"), _("Kind"), _("Starts on"), _("Ends on")]
    return xlsx_response(write_xlsx(headers, rows, title=_("Sessions")), _("sessions") + ".xlsx")


@requires(EDIT)
def term_create(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = forms.TermForm(request.POST or None)
    back = reverse("organisation:term-list")
    return _form_page(
        request, form, title=_("New term"), back=back, done=back, success=_("The term was saved."),
        save=lambda data: services.create_term(by=request.user, congress=congress, **data),
    )


@requires(EDIT)
def term_update(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(Term, pk=term_id, congress=_need_congress(request))
    form = forms.TermForm(request.POST or None, instance=term)
    back = reverse("organisation:term-list")
    return _form_page(
        request, form, title=_("Edit term"), back=back, done=back, success=_("The term was saved."),
        save=lambda data: services.update_term(term_id=term.pk, by=request.user, **data),
    )


@requires(EDIT)
def session_create(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(Term, pk=term_id, congress=_need_congress(request))
    form = forms.SessionForm(request.POST or None)
    back = reverse("organisation:term-list")
    return _form_page(
        request, form, title=_("New session"), back=back, done=back, success=_("The session was saved."),
        save=lambda data: services.create_session(by=request.user, term=term, **data),
    )


@requires(EDIT)
def session_update(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=session_id, term__congress=_need_congress(request))
    form = forms.SessionForm(request.POST or None, instance=session)
    back = reverse("organisation:term-list")
    return _form_page(
        request, form, title=_("Edit session"), back=back, done=back, success=_("The session was saved."),
        save=lambda data: services.update_session(session_id=session.pk, by=request.user, **data),
    )


@requires(EDIT)
def standing_committee_update(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(Term, pk=term_id, congress=_need_congress(request))
    committee = getattr(term, "standing_committee", None)
    form = forms.StandingCommitteeForm(request.POST or None, instance=committee)
    low, high = rules.sc_size_bounds(term.congress.level, term.congress.population)
    back = reverse("organisation:term-list")
    return _form_page(
        request, form, title=_("Standing committee"), back=back, done=back,
        intro=_("Size between %(low)s and %(high)s members (ELEC-2).") % {"low": low, "high": high},
        success=_("The standing committee was saved."),
        save=lambda data: services.save_standing_committee(by=request.user, term=term, **data),
    )


# --- delegations ---------------------------------------------------------------------------------


@requires(VIEW)
def delegation_list(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    if context["term"] is None:
        return _no_city(request)
    search = forms.SearchForm(request.GET)
    q = search.cleaned_data.get("q", "") if search.is_valid() else ""
    delegations = selectors.delegation_list(user=request.user, term=context["term"], q=q)
    context.update(filter_form=search, page=_page(request, delegations))
    return _list(request, "organisation/delegation_list.html", context)


@requires(EXPORT)
def delegation_export(request: HttpRequest) -> HttpResponse:
    term = _need_term(request)
    rows = (
        [d.name, d.district.name if d.district_id else "", d.deputy_count, d.in_office_count]
        for d in selectors.delegation_list(user=request.user, term=term)
    )
    headers = [_("Name"), _("District"), _("Deputies"), _("Deputies in office")]
    return xlsx_response(write_xlsx(headers, rows, title=_("Delegations")), _("delegations") + ".xlsx")


@requires(EDIT)
def delegation_create(request: HttpRequest) -> HttpResponse:
    term = _need_term(request)
    form = forms.DelegationForm(request.POST or None, congress=term.congress)
    back = reverse("organisation:delegation-list")
    return _form_page(
        request, form, title=_("New delegation"), back=back, done=back, success=_("The delegation was saved."),
        save=lambda data: services.create_delegation(by=request.user, term=term, **data),
    )


@requires(EDIT)
def delegation_update(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = get_object_or_404(Delegation, pk=delegation_id, term__congress=_need_congress(request))
    form = forms.DelegationForm(request.POST or None, instance=delegation, congress=delegation.term.congress)
    back = reverse("organisation:delegation-list")
    return _form_page(
        request, form, title=_("Edit delegation"), back=back, done=back, success=_("The delegation was saved."),
        save=lambda data: services.update_delegation(delegation_id=delegation.pk, by=request.user, **data),
    )


# --- deputies ------------------------------------------------------------------------------------


def _deputy_filters(request: HttpRequest, context: dict[str, Any]) -> tuple[forms.DeputyFilterForm, dict]:
    form = forms.DeputyFilterForm(request.GET, term=context["term"], congress=context["congress"])
    data = form.cleaned_data if form.is_valid() else {}
    filters = {
        "q": data.get("q", ""),
        "delegation": data["delegation"].pk if data.get("delegation") else None,
        "district": data["district"].pk if data.get("district") else None,
        "in_office": forms.yes_no(data.get("in_office")),
        "sort": data.get("sort") or "code",
    }
    return form, filters


@requires(VIEW)
def deputy_list(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    if context["term"] is None:
        return _no_city(request)
    form, filters = _deputy_filters(request, context)
    deputies = selectors.deputy_list(user=request.user, term=context["term"], **filters)
    context.update(filter_form=form, page=_page(request, deputies), query=request.GET.urlencode())
    return _list(request, "organisation/deputy_list.html", context)


@requires(EXPORT)
def deputy_export(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    if context["term"] is None:
        raise Http404(_("The congress has no term yet."))
    _form, filters = _deputy_filters(request, context)
    deputies = selectors.deputy_list(user=request.user, term=context["term"], **filters)
    return xlsx_response(rosters.export_xlsx(rosters.DEPUTIES, deputies), _("deputies") + ".xlsx")


@requires(EDIT)
def deputy_create(request: HttpRequest) -> HttpResponse:
    term = _need_term(request)
    form = forms.DeputyForm(request.POST or None, term=term)
    back = reverse("organisation:deputy-list")
    return _form_page(
        request, form, title=_("New deputy"), back=back, done=back, success=_("The deputy was saved."),
        save=lambda data: services.create_deputy(by=request.user, term=term, **data),
    )


@requires(EDIT)
def deputy_update(request: HttpRequest, deputy_id: int) -> HttpResponse:
    deputy = get_object_or_404(Deputy, pk=deputy_id, term__congress=_need_congress(request))
    form = forms.DeputyForm(request.POST or None, instance=deputy, term=deputy.term)
    back = reverse("organisation:deputy-list")
    return _form_page(
        request, form, title=_("Edit deputy"), back=back, done=back, success=_("The deputy was saved."),
        save=lambda data: services.update_deputy(deputy_id=deputy.pk, by=request.user, **data),
    )


@requires(EDIT)
def deputy_leave(request: HttpRequest, deputy_id: int) -> HttpResponse:
    deputy = get_object_or_404(Deputy, pk=deputy_id, term__congress=_need_congress(request))
    form = forms.LeaveOfficeForm(request.POST or None)
    back = reverse("organisation:deputy-list")
    return _form_page(
        request, form, title=_("%(name)s leaves office") % {"name": deputy.name}, back=back, done=back,
        intro=_("From that date the deputy no longer counts among all deputies (SESS-4)."),
        success=_("The departure was recorded."),
        save=lambda data: services.leave_office(
            deputy_id=deputy.pk, by=request.user, on=data["left_office_on"], reason=data["reason"]
        ),
    )


@requires(EDIT)
@require_POST
def deputy_return(request: HttpRequest, deputy_id: int) -> HttpResponse:
    deputy = get_object_or_404(Deputy, pk=deputy_id, term__congress=_need_congress(request))
    return _act(
        request,
        lambda: services.return_to_office(deputy_id=deputy.pk, by=request.user),
        _("The deputy is in office again."),
        reverse("organisation:deputy-list"),
    )


# --- handling units ------------------------------------------------------------------------------


def _unit_form(request: HttpRequest, congress) -> forms.UnitFilterForm:
    """Active units unless the visitor chose otherwise (the form shows that choice)."""
    data = request.GET.copy()
    data.setdefault("active", "1")
    return forms.UnitFilterForm(data, congress=congress)


def _unit_filters(form: forms.UnitFilterForm) -> dict[str, Any]:
    data = form.cleaned_data if form.is_valid() else {}
    active = data.get("active", "1")
    return {
        "q": data.get("q", ""),
        "kind": data.get("kind", ""),
        "district": data["district"].pk if data.get("district") else None,
        "is_active": forms.yes_no(active),
    }


@requires(VIEW)
def unit_list(request: HttpRequest) -> HttpResponse:
    """The units as a tree; with a search or filter, as a flat list of matches."""
    context = _city(request)
    congress = context["congress"]
    if congress is None:
        return _no_city(request)
    form = _unit_form(request, congress)
    filters = _unit_filters(form)
    filtered = bool(filters["q"] or filters["kind"] or filters["district"] or filters["is_active"] is not True)
    if filtered:
        units = selectors.unit_list(user=request.user, congress=congress, **filters)
        context["page"] = _page(request, units)
    else:
        context["tree"] = selectors.unit_tree(user=request.user, congress=congress)
    context.update(filter_form=form, filtered=filtered, query=request.GET.urlencode())
    return _list(request, "organisation/unit_list.html", context)


@requires(EXPORT)
def unit_export(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = _unit_form(request, congress)
    units = selectors.unit_list(user=request.user, congress=congress, **_unit_filters(form))
    return xlsx_response(rosters.export_xlsx(rosters.UNITS, units), _("handling-units") + ".xlsx")


@requires(EDIT)
def unit_create(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = forms.UnitForm(request.POST or None, congress=congress, initial={"parent": request.GET.get("parent")})
    back = reverse("organisation:unit-list")
    return _form_page(
        request, form, title=_("New handling unit"), back=back, done=back, success=_("The unit was saved."),
        save=lambda data: services.create_unit(by=request.user, congress=congress, **data),
    )


@requires(EDIT)
def unit_update(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(HandlingUnit, pk=unit_id, congress=_need_congress(request))
    form = forms.UnitForm(request.POST or None, instance=unit, congress=unit.congress)
    back = reverse("organisation:unit-list")
    return _form_page(
        request, form, title=_("Edit handling unit"), back=back, done=back, success=_("The unit was saved."),
        save=lambda data: services.update_unit(unit_id=unit.pk, by=request.user, **data),
    )


@requires(EDIT)
@require_POST
def unit_deactivate(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(HandlingUnit, pk=unit_id, congress=_need_congress(request))
    return _act(
        request,
        lambda: services.deactivate_unit(unit_id=unit.pk, by=request.user),
        _("The unit was deactivated."),
        reverse("organisation:unit-list"),
    )


@requires(EDIT)
@require_POST
def unit_reactivate(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(HandlingUnit, pk=unit_id, congress=_need_congress(request))
    return _act(
        request,
        lambda: services.reactivate_unit(unit_id=unit.pk, by=request.user),
        _("The unit is active again."),
        reverse("organisation:unit-list"),
    )


# --- liaison stations ----------------------------------------------------------------------------


def _station_filters(form: forms.StationFilterForm) -> dict[str, Any]:
    data = form.cleaned_data if form.is_valid() else {}
    return {
        "q": data.get("q", ""),
        "district": data["district"].pk if data.get("district") else None,
        "is_active": forms.yes_no(data.get("active")),
    }


@requires(VIEW)
def station_list(request: HttpRequest) -> HttpResponse:
    context = _city(request)
    congress = context["congress"]
    if congress is None:
        return _no_city(request)
    form = forms.StationFilterForm(request.GET, congress=congress)
    stations = selectors.station_list(user=request.user, congress=congress, **_station_filters(form))
    context.update(filter_form=form, page=_page(request, stations), query=request.GET.urlencode())
    return _list(request, "organisation/station_list.html", context)


@requires(EXPORT)
def station_export(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = forms.StationFilterForm(request.GET, congress=congress)
    stations = selectors.station_list(user=request.user, congress=congress, **_station_filters(form))
    stations = stations.prefetch_related("deputies")
    return xlsx_response(rosters.export_xlsx(rosters.STATIONS, stations), _("liaison-stations") + ".xlsx")


def _station_save(request, data: dict[str, Any], station: LiaisonStation | None, congress):
    fields = {k: data[k] for k in ("name", "district", "address")}
    if station is None:
        return services.create_station(by=request.user, congress=congress, deputies=data["deputy_codes"], **fields)
    return services.update_station(station_id=station.pk, by=request.user, deputies=data["deputy_codes"], **fields)


@requires(EDIT)
def station_create(request: HttpRequest) -> HttpResponse:
    congress = _need_congress(request)
    form = forms.StationForm(request.POST or None, congress=congress, term=selectors.current_term(congress))
    back = reverse("organisation:station-list")
    return _form_page(
        request, form, title=_("New liaison station"), back=back, done=back, success=_("The station was saved."),
        save=lambda data: _station_save(request, data, None, congress),
    )


@requires(EDIT)
def station_update(request: HttpRequest, station_id: int) -> HttpResponse:
    congress = _need_congress(request)
    station = get_object_or_404(LiaisonStation, pk=station_id, congress=congress)
    form = forms.StationForm(
        request.POST or None, instance=station, congress=congress, term=selectors.current_term(congress)
    )
    back = reverse("organisation:station-list")
    return _form_page(
        request, form, title=_("Edit liaison station"), back=back, done=back, success=_("The station was saved."),
        save=lambda data: _station_save(request, data, station, congress),
    )


@requires(EDIT)
@require_POST
def station_close(request: HttpRequest, station_id: int) -> HttpResponse:
    station = get_object_or_404(LiaisonStation, pk=station_id, congress=_need_congress(request))
    return _act(
        request,
        lambda: services.set_station_active(station_id=station.pk, by=request.user, active=False),
        _("The station was closed."),
        reverse("organisation:station-list"),
    )


@requires(EDIT)
@require_POST
def station_reopen(request: HttpRequest, station_id: int) -> HttpResponse:
    station = get_object_or_404(LiaisonStation, pk=station_id, congress=_need_congress(request))
    return _act(
        request,
        lambda: services.set_station_active(station_id=station.pk, by=request.user, active=True),
        _("The station is open again."),
        reverse("organisation:station-list"),
    )


# --- roster imports ------------------------------------------------------------------------------

_LIST_URL = {
    rosters.DEPUTIES: "organisation:deputy-list",
    rosters.UNITS: "organisation:unit-list",
    rosters.STATIONS: "organisation:station-list",
}
_TEMPLATE_URL = {
    rosters.DEPUTIES: "organisation:deputy-template",
    rosters.UNITS: "organisation:unit-template",
    rosters.STATIONS: "organisation:station-template",
}


def _import(request: HttpRequest, kind: str) -> HttpResponse:
    context = _city(request)
    if context["congress"] is None:
        return _no_city(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_roster(
                kind, form.cleaned_data["file"], congress=context["congress"], term=context["term"], by=request.user
            )
        except DatongError as exc:
            row_errors = getattr(exc, "row_errors", None)
            problems = row_errors.messages() if row_errors else [str(m) for m in (exc.details or {}).values()]
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Imported %(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
                % result.as_dict(),
            )
            return redirect(_LIST_URL[kind])
    context.update(
        form=form,
        kind=kind,
        title=rosters.TITLES[kind],
        columns=rosters.COLUMNS[kind],
        problems=problems,
        template_url=reverse(_TEMPLATE_URL[kind]),
        back=reverse(_LIST_URL[kind]),
        kinds=rosters.UNIT_KIND_WORDS if kind == rosters.UNITS else None,
    )
    return render(request, "organisation/import.html", context, status=422 if problems else 200)


def _template(kind: str, filename: str) -> HttpResponse:
    return xlsx_response(rosters.template_xlsx(kind), filename)


@requires(IMPORT)
def deputy_import(request: HttpRequest) -> HttpResponse:
    return _import(request, rosters.DEPUTIES)


@requires(IMPORT)
def unit_import(request: HttpRequest) -> HttpResponse:
    return _import(request, rosters.UNITS)


@requires(IMPORT)
def station_import(request: HttpRequest) -> HttpResponse:
    return _import(request, rosters.STATIONS)


@requires(IMPORT)
def deputy_template(request: HttpRequest) -> HttpResponse:
    return _template(rosters.DEPUTIES, _("deputies-template") + ".xlsx")


@requires(IMPORT)
def unit_template(request: HttpRequest) -> HttpResponse:
    return _template(rosters.UNITS, _("handling-units-template") + ".xlsx")


@requires(IMPORT)
def station_template(request: HttpRequest) -> HttpResponse:
    return _template(rosters.STATIONS, _("liaison-stations-template") + ".xlsx")
