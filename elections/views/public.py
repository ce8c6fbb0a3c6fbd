"""The public announcement of election results (ELEC-13): announced rounds only, and of
each person only the name and the counts (elections.reads)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.permissions import public

from .. import reads


@public
def results(request: HttpRequest) -> HttpResponse:
    page = Paginator(reads.announced_rounds(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "elections/results.html",
        {"page": page, "announcements": [reads.announcement(r) for r in page.object_list]},
    )


@public
def result_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    announcement = reads.announcement(get_object_or_404(reads.announced_rounds(), pk=round_id))
    if announcement is None:
        raise Http404
    return render(request, "elections/result_detail.html", {"announcement": announcement})
