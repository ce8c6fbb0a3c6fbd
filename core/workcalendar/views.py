"""Pages: the calendar (holidays by year, provisional warnings, staff forms) and the deadline
calculator. Forms post to plain URLs and redirect back, so everything works without JS."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import NotAllowed, NotFound, ValidationFailed
from core.permissions import has_perm, requires

from . import selectors, services
from .forms import UNIT_LABELS, DeadlineForm, HolidayForm, ImportForm, YearCompleteForm, errors_of
from .permissions import EDIT, VIEW

INVALID = 422


def _year_from(request, default: int | None = None) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    try:
        year = int(raw)
    except ValueError:
        return default or selectors.today().year
    return year if services.MIN_YEAR <= year <= services.MAX_YEAR else selectors.today().year


def _page_url(year: int) -> str:
    return f"{reverse('workcalendar:calendar')}?year={year}"


def _calendar_context(request, year: int, **forms) -> dict:
    cal = selectors.current_calendar()
    status = selectors.year_status(year, calendar=cal)
    warn_years = sorted(
        set(selectors.provisional_years_ahead(calendar=cal)) | ({year} if status.provisional else set())
    )
    can_edit = has_perm(request.user, EDIT)
    context = {
        "year": year,
        "status": status,
        "warn_years": warn_years,
        "years": selectors.years_to_show(selectors.today().year),
        "staff_rows": selectors.holidays_in_year(year),
        "library_rows": selectors.library_schedule(year),
        "can_edit": can_edit,
    }
    if can_edit:
        context["holiday_form"] = forms.get("holiday_form") or HolidayForm(initial={"kind": "holiday"})
        context["import_form"] = forms.get("import_form") or ImportForm()
        context["import_errors"] = forms.get("import_errors")
        context["year_form"] = YearCompleteForm(initial={"complete": "0" if status.is_complete else "1"})
    return context


def _form_with_errors(form, exc: ValidationFailed):
    for field, message in exc.details.items():
        form.add_error(field if field in form.fields else None, str(message))
    if not exc.details:
        form.add_error(None, str(exc.message))
    return form


@requires(VIEW)
@require_GET
def calendar_page(request):
    year = _year_from(request)
    return render(request, "workcalendar/calendar.html", _calendar_context(request, year))


@requires(EDIT)
@require_POST
def holiday_add(request):
    form = HolidayForm(request.POST)
    year = _year_from(request)
    if form.is_valid():
        data = form.cleaned_data
        year = data["date"].year
        try:
            holiday = services.holiday_add(
                by=request.user, date=data["date"], kind=data["kind"], name=data["name"], note=data["note"]
            )
        except NotAllowed:
            raise PermissionDenied from None
        except ValidationFailed as exc:
            _form_with_errors(form, exc)
        else:
            messages.success(request, _("Added %(date)s.") % {"date": holiday.date.isoformat()})
            return HttpResponseRedirect(_page_url(holiday.date.year))
    context = _calendar_context(request, year, holiday_form=form)
    return render(request, "workcalendar/calendar.html", context, status=INVALID)


@requires(EDIT)
@require_http_methods(["GET", "POST"])
def holiday_edit(request, holiday_id: int):
    holiday = selectors.holidays().filter(pk=holiday_id).first()
    if holiday is None:
        raise Http404
    if request.method == "POST":
        form = HolidayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                holiday = services.holiday_update(
                    by=request.user,
                    holiday_id=holiday.pk,
                    date=data["date"],
                    kind=data["kind"],
                    name=data["name"],
                    note=data["note"],
                )
            except NotAllowed:
                raise PermissionDenied from None
            except NotFound:
                raise Http404 from None
            except ValidationFailed as exc:
                _form_with_errors(form, exc)
            else:
                messages.success(request, _("Saved %(date)s.") % {"date": holiday.date.isoformat()})
                return HttpResponseRedirect(_page_url(holiday.date.year))
        status = INVALID
    else:
        form = HolidayForm(
            initial={"date": holiday.date, "kind": holiday.kind, "name": holiday.name, "note": holiday.note}
        )
        status = 200
    return render(
        request, "workcalendar/holiday_edit.html", {"form": form, "holiday": holiday}, status=status
    )


@requires(EDIT)
@require_http_methods(["GET", "POST"])
def holiday_delete(request, holiday_id: int):
    """GET asks to confirm (a page, so it works without script); POST removes the row."""
    holiday = selectors.holidays().filter(pk=holiday_id).first()
    if holiday is None:
        raise Http404
    if request.method == "GET":
        return render(request, "workcalendar/holiday_delete.html", {"holiday": holiday})
    try:
        services.holiday_delete(by=request.user, holiday_id=holiday.pk)
    except NotAllowed:
        raise PermissionDenied from None
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Removed %(date)s.") % {"date": holiday.date.isoformat()})
    return HttpResponseRedirect(_page_url(holiday.date.year))


@requires(EDIT)
@require_POST
def holidays_import(request):
    year = _year_from(request)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.holidays_import(by=request.user, upload=form.cleaned_data["file"])
        except NotAllowed:
            raise PermissionDenied from None
        except ValidationFailed as exc:
            context = _calendar_context(
                request,
                year,
                import_form=form,
                import_errors={
                    "message": str(exc.message),
                    "details": sorted(exc.details.items(), key=_row_order),
                },
            )
            return render(request, "workcalendar/calendar.html", context, status=INVALID)
        messages.success(
            request,
            _("Imported: %(created)s added, %(updated)s changed, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return HttpResponseRedirect(_page_url(min(result.years) if result.years else year))
    context = _calendar_context(request, year, import_form=form)
    return render(request, "workcalendar/calendar.html", context, status=INVALID)


def _row_order(item):
    key = item[0]
    number = key.removeprefix("row ")
    return (0, int(number), key) if number.isdigit() else (1, 0, key)


@requires(EDIT)
@require_POST
def year_complete(request, year: int):
    form = YearCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(errors_of(form).values()))
        return HttpResponseRedirect(_page_url(year))
    complete = form.cleaned_data["complete"]
    try:
        services.year_set_complete(
            by=request.user, year=year, complete=complete, note=form.cleaned_data["note"]
        )
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(m) for m in exc.details.values()) or str(exc.message))
        return HttpResponseRedirect(_page_url(selectors.today().year))
    if complete:
        messages.success(
            request, _("The official schedule of %(year)s is marked as entered.") % {"year": year}
        )
    else:
        messages.warning(
            request,
            _("The schedule of %(year)s is marked as not entered: its dates are provisional.")
            % {"year": year},
        )
    return HttpResponseRedirect(_page_url(year))


@requires(VIEW)
@require_GET
def deadline_calculator(request):
    submitted = any(key in request.GET for key in ("from", "months", "days", "working_days"))
    form = DeadlineForm(data=request.GET) if submitted else DeadlineForm()
    result = None
    status = 200
    if submitted:
        if form.is_valid():
            data = form.cleaned_data
            result = {
                "deadline": selectors.compute(form.start, data["unit"], data["count"]),
                "start": form.start,
                "unit": data["unit"],
                "unit_label": UNIT_LABELS[data["unit"]],
                "count": data["count"],
            }
        else:
            status = INVALID
    context = {"form": form, "result": result}
    template = "workcalendar/deadline.html"
    if getattr(request, "htmx", False):
        template += "#result"
    return render(request, template, context, status=status)
