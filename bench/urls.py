"""The project's URLs plus the baseline: a minimal Django view through the same middleware."""

from django.http import HttpResponse
from django.urls import include, path

from core.permissions import public


@public
def minimal(request):
    """The natural limit of a page: the whole middleware stack, no query, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/minimal", minimal, name="bench-minimal"),
    path("", include("config.urls")),
]
