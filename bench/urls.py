"""The project's URLs plus the baseline: a minimal Django view through the same middleware."""

import os
import time

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from core.permissions import public


@public
def minimal(request):
    """The natural limit of a page: the whole middleware stack, no query, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


@public
def groups(request):
    """This process's group commits of single messages (voices.services.intake, core.groupcommit)."""
    from voices.services.intake import group_stats

    stats = group_stats()
    return JsonResponse({"pid": os.getpid(), "groups": stats.groups, "items": stats.items, "largest": stats.largest,
                         "retried_alone": stats.retried_alone,
                         # CPU seconds this process has used, all threads (the benchmark's CPU per message).
                         "cpu": time.process_time()})


urlpatterns = [
    path("__bench__/minimal", minimal, name="bench-minimal"),
    path("__bench__/groups", groups, name="bench-groups"),
    path("", include("config.urls")),
]
