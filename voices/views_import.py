"""The staff page that imports historical work orders (voices/importing.py), with its
progress bar (the shared import pages: core.documents.import_pages). Each view checks the
permission and hands the request to them, or (continuing an import whose job stopped) to
`importing.resume_upload`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.documents.import_pages import ImportPages
from core.errors import InvalidTransition, NotAllowed, NotFound
from core.permissions import requires

from . import import_tasks, importing
from .permissions import IMPORT

_L = gettext_lazy

PAGES = ImportPages(
    importing=importing,
    task=import_tasks.import_work_orders,
    upload_template="voices/import.html",
    result_template="voices/import_result.html",
    heading=_L("Import work orders"),
    result_heading=_L("Import of work orders"),
    template_filename=_L("work-orders-template"),
    upload_url_name="voices_import:upload",
    template_url_name="voices_import:template",
    result_url_name="voices_import:result",
)


@requires(IMPORT)
@require_http_methods(["GET", "POST"])
def work_order_import(request: HttpRequest) -> HttpResponse:
    return PAGES.upload(request)


@requires(IMPORT)
@require_GET
def work_order_template(request: HttpRequest) -> HttpResponse:
    return PAGES.template(request)


@requires(IMPORT)
@require_GET
def work_order_import_result(request: HttpRequest, upload_id: str) -> HttpResponse:
    return PAGES.result(request, upload_id)


@requires(IMPORT)
@require_POST
def work_order_import_continue(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The button "Continue the import" on the result page of an import whose job stopped without
    finishing (the stall rule): queued again, once however often it is pressed."""
    result_url = reverse("voices_import:result", args=[upload_id])
    try:
        importing.resume_upload(upload_id, by=request.user, result_url=result_url)
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except InvalidTransition as exc:
        messages.info(request, exc.message)
    else:
        messages.success(
            request,
            _("The import continues in the background; this page shows the result when it has finished."),
        )
    return redirect(result_url)
