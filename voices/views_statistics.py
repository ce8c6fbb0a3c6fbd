""" "What people worry about most": the counts page with its charts, the charts' ECharts
options as JSON, and the hot topics page (voices/statistics.py computes; these render)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from core.errors import NotAllowed, ValidationFailed
from core.permissions import requires
from core.web.widgets import DateInput

from . import statistics, statistics_tasks
from .permissions import STATISTICS

_L = gettext_lazy


class PeriodForm(forms.Form):
    since = forms.DateField(label=_L("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_L("To"), required=False, widget=DateInput())


def _period(request: HttpRequest) -> tuple[PeriodForm, statistics.Period, list[str]]:
    form = PeriodForm(request.GET or None)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    problems = [str(e) for errors in form.errors.values() for e in errors] if form.is_bound else []
    try:
        period = statistics.period_of(since, until)
    except ValidationFailed as exc:
        problems += [str(v) for v in exc.details.values()]
        period = statistics.period_of()
    if not problems:
        # The form shows the period counted, also where a date was left out or none was given.
        form = PeriodForm(initial={"since": period.since, "until": period.until})
    return form, period, problems


def _query(period: statistics.Period) -> str:
    return f"since={period.since.isoformat()}&until={period.until.isoformat()}"


@requires(STATISTICS)
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Counts by category, district and week, and the categories rising, for a period."""
    form, period, problems = _period(request)
    try:
        counts = statistics.overview(request.user, period)
        context = {
            "form": form,
            "period": period,
            "problems": problems,
            "query": _query(period),
            "by_category": counts.by_category,
            "by_district": counts.by_district,
            "by_week": counts.by_week,
            "rising": counts.rising,
            "district": counts.district,
            "scope": statistics.scope_for(request.user),
        }
    except NotAllowed as exc:
        raise PermissionDenied from exc
    return render(request, "voices/statistics.html", context, status=422 if problems else 200)


@requires(STATISTICS)
@require_GET
def statistics_chart(request: HttpRequest, chart: str) -> HttpResponse:
    """ECharts options of one chart, as JSON (the page's script draws them)."""
    _form, period, _problems = _period(request)
    try:
        options = statistics.chart_options(request.user, chart, period)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ValidationFailed:
        return JsonResponse({"code": "invalid", "message": str(_L("Unknown chart."))}, status=404)
    return JsonResponse(options)


@requires(STATISTICS)
@require_GET
def topics_page(request: HttpRequest) -> HttpResponse:
    """The hot topics of a period: computed now for a short period, in the background (with
    the result kept) for a long one; the page refreshes itself until they are ready."""
    form, period, problems = _period(request)

    def enqueue(scope, chosen, key):
        transaction.on_commit(lambda: statistics_tasks.enqueue(scope, chosen, key))

    try:
        result = statistics.topics_for(request.user, period, enqueue=enqueue)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    if getattr(request, "htmx", False):
        if result.state == "running":
            return HttpResponse(status=204)
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    topics = [{**topic, "recent_text": _counts_list(topic.get("recent", []))} for topic in result.topics]
    return render(
        request,
        "voices/topics.html",
        {
            "form": form,
            "period": period,
            "problems": problems,
            "result": result,
            "topics": topics,
            "query": _query(period),
        },
        status=422 if problems else 200,
    )


def _counts_list(counts: list[int]) -> str:
    """Weekly counts as the trend's summary writes them: "3, 5, 9, 12" (Chinese: 3、5、9、12)."""
    return pgettext("list separator", ", ").join(str(n) for n in counts)
