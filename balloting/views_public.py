"""The public list of results of votes on motions and projects: counted rounds only, newest
first, each linking to its public result page (`public_result`). Election rounds are not
here: an election's result is published by its announcement (elections)."""

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
def public_results(request: HttpRequest) -> HttpResponse:
    rows = selectors.published_rounds(current_congress())
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "balloting/public_results.html", {"page": page})
