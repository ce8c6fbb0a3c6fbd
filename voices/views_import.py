"""The staff page that imports historical work orders (voices/importing.py), with its
progress bar (the shared import pages: core.documents.import_pages). Each view checks the
permission and hands the request to them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.documents.import_pages import ImportPages
from core.permissions import requires

from . import import_tasks, importing
from .permissions import IMPORT

_L = gettext_lazy

PAGES = ImportPages(
    importing=importing, task=import_tasks.import_work_orders,
    upload_template="voices/import.html", result_template="voices/import_result.html",
    heading=_L("Import work orders"), result_heading=_L("Import of work orders"),
    template_filename=_L("work-orders-template"),
    upload_url_name="voices_import:upload", template_url_name="voices_import:template",
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
