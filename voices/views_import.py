"""The staff page that imports historical work orders (voices/importing.py), with its
progress bar. Each view checks the permission, parses its form, calls one function, renders.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.documents import xlsx_response
from core.errors import DatongError, NotAllowed, NotFound
from core.jobs import progress
from core.permissions import requires

from . import import_tasks, importing
from .permissions import IMPORT

_L = gettext_lazy


class ImportForm(forms.Form):
    file = forms.FileField(label=_L("Spreadsheet (xlsx)"))


def _page(request: HttpRequest, form: ImportForm, problems: list[str], status: int = 200) -> HttpResponse:
    return render(
        request,
        "voices/import.html",
        {
            "form": form,
            "problems": problems,
            "columns": importing.COLUMNS,
            "inline_max_rows": importing.INLINE_MAX_ROWS,
            "max_rows": importing.MAX_ROWS,
        },
        status=status,
    )


@requires(IMPORT)
@require_http_methods(["GET", "POST"])
def work_order_import(request: HttpRequest) -> HttpResponse:
    """The upload form. The file is checked before it is stored; a small one is imported at
    once, a large one by the background task; either way the result page follows."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, form, [], status=422 if request.method == "POST" else 200)
    try:
        result, rows = importing.accept_upload(form.cleaned_data["file"], by=request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except DatongError as exc:
        messages.error(request, str(exc.message))
        return _page(request, form, importing.problems_of(exc), status=422)
    result_url = reverse("voices_import:result", args=[result.upload])
    if rows <= importing.INLINE_MAX_ROWS:
        importing.run_upload(result.upload, by=request.user, result_url=result_url)
    else:
        upload_id, user_id = result.upload, request.user.pk
        transaction.on_commit(
            lambda: import_tasks.import_work_orders.enqueue(upload_id=upload_id, user_id=user_id,
                                                            result_url=result_url)
        )
    return redirect(result_url)


@requires(IMPORT)
@require_GET
def work_order_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(importing.template_xlsx(), _("work-orders-template") + ".xlsx")


@requires(IMPORT)
@require_GET
def work_order_import_result(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The result of an upload: its progress bar while it runs, then what was imported or
    every problem by row number. htmx polls it: 204 while running, a full refresh when done."""
    try:
        result = importing.result_for(request.user, upload_id)
    except NotFound as exc:
        raise Http404 from exc
    if getattr(request, "htmx", False):
        if not result.finished:
            return HttpResponse(status=204)
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    key = importing.progress_key(result.upload)
    return render(
        request,
        "voices/import_result.html",
        {"result": result, "key": key, "record": progress.get(key)},
        status=422 if result.state == "failed" else 200,
    )
