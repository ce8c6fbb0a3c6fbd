"""The public list of published handling reports (SUGG-8): newest first, each with its public
copy (docx, `views_documents.report_published`). A report is public once published and holds
no personal data (SEC-6); prepared reports stay with staff."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.organisation.selectors import current_congress
from core.permissions import public

from . import selectors

PER_PAGE = 20


@public
@require_GET
def published_report_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.published_reports_of(current_congress())
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "proposals/documents/published_reports.html", {"page": page})
