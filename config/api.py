"""The JSON API under /api/: one NinjaAPI composing each app's router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from core.apikit import AUTH, DatongAPI, http_error_message, validation_details
from core.errors import DatongError

api = DatongAPI(
    title="Datong API",
    version="1",
    description="The JSON API of Datong. Every operation names its permission in `x-permission`.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request, status: int, code: str, message, details: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": str(message), "details": details or {}}, status=status
    )


@api.exception_handler(DatongError)
def on_domain_error(request, exc: DatongError):
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    """422 with `details` {field as sent: reason in the caller's language} (core.apikit)."""
    return _error(request, 422, "invalid", _("The input is not valid."), validation_details(exc.errors))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Please sign in."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, "not_allowed", _("You are not allowed to do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", http_error_message(exc.status_code, exc.message))


def _add_routers() -> None:
    """Each app's router, mounted under its own prefix."""
    from balloting.api import router as balloting_router
    from casework.api import router as casework_router
    from core.accounts.api import router as accounts_router
    from core.audit.api import router as audit_router
    from core.jobs.api import router as jobs_router
    from core.notify.api import router as notify_router
    from core.organisation.api import router as organisation_router
    from core.web.api import router as web_router
    from core.workcalendar.api import router as workcalendar_router
    from elections.api import router as elections_router
    from plenary.api import router as plenary_router
    from proposals.api import router as proposals_router
    from proposals.bill_api import router as bills_router
    from voices.api import router as voices_router

    # Django tries URL patterns in order, one by one: the busiest paths come first — a vote
    # in the room and a citizen's message (bench/bench_voting.py, bench/bench_voices_intake.py).
    api.add_router("/voting", balloting_router, tags=["voting"])
    api.add_router("/voices", voices_router, tags=["citizens' messages"])
    api.add_router("/accounts", accounts_router, tags=["accounts"])
    api.add_router("/organisation", organisation_router, tags=["organisation"])
    api.add_router("/calendar", workcalendar_router, tags=["calendar"])
    api.add_router("/notifications", notify_router, tags=["notifications"])
    api.add_router("/audit", audit_router, tags=["audit"])
    api.add_router("/tasks", jobs_router, tags=["tasks"])
    api.add_router("/casework", casework_router, tags=["casework"])
    api.add_router("/proposals", proposals_router, tags=["proposals"])
    api.add_router("/bills", bills_router, tags=["bills and interpellations"])
    api.add_router("/plenary", plenary_router, tags=["plenary"])
    api.add_router("/elections", elections_router, tags=["elections"])
    api.add_router("/", web_router, tags=["meta"])


_add_routers()
