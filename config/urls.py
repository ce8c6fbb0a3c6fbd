"""Top-level URLs: each app's pages under its own prefix, the API under /api/."""

from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    # First: patterns are tried in order, and the API carries the busiest traffic (votes).
    path("api/", api.urls),
    path("", include("core.web.urls")),
    path("accounts/", include("core.accounts.urls")),
    path("organisation/", include("core.organisation.urls")),
    path("calendar/", include("core.workcalendar.urls")),
    path("audit/", include("core.audit.urls")),
    path("inbox/", include("core.notify.urls")),
    path("tasks/", include("core.jobs.urls")),
    path("casework/", include("casework.urls")),
    path("proposals/documents/", include("proposals.urls_documents")),
    path("proposals/bills/", include("proposals.bill_urls")),
    path("proposals/", include("proposals.urls")),
    path("plenary/", include("plenary.urls")),
    path("elections/", include("elections.urls")),
    path("voting/", include("balloting.urls")),
    path("open311/v2/", include("voices.open311_urls")),
    path("voices/import/", include("voices.import_urls")),
    path("voices/", include("voices.urls")),
    path("voices/statistics/", include("voices.statistics_urls")),
    path("admin/", admin.site.urls),
]
