"""The pages of a spreadsheet import, shared by the apps that import (citizens' work orders,
suggestions): the upload form, the template download and the result with its progress bar.

An app describes its import once (`ImportPages`) and its views, after checking their own
permission, call `upload`, `template` or `result`. The app's `importing` module provides
`accept_upload(file, by=) -> (result, rows)`, `problems_of(exc)`, `run_upload(upload_id, by=,
result_url=)`, `result_for(user, upload_id)`, `progress_key(upload_id)`, `template_xlsx()`,
`COLUMNS`, `INLINE_MAX_ROWS` and `MAX_ROWS`; its task takes `upload_id`, `user_id` and
`result_url`. The templates extend documents/import.html and documents/import_result.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DatongError, NotAllowed, NotFound
from core.jobs import services as jobs

from .xlsx import xlsx_response

_L = gettext_lazy


class ImportForm(forms.Form):
    file = forms.FileField(label=_L("Spreadsheet (xlsx)"),
                           error_messages={"required": _L("Choose the spreadsheet (xlsx) to import.")})


@dataclass(frozen=True)
class ImportPages:
    """One app's import: its module, task, templates, titles and URL names."""

    importing: ModuleType
    task: Any  # a django-tasks task: enqueue(upload_id=, user_id=, result_url=)
    upload_template: str
    result_template: str
    heading: Any  # the upload page's title (lazy)
    result_heading: Any  # the import's name ("Import of work orders", lazy); with its state, the result's title
    template_filename: Any  # the template download's name, without ".xlsx" (lazy)
    upload_url_name: str
    template_url_name: str
    result_url_name: str
    extra_context: Callable[[], dict] = field(default=dict)

    def _upload_page(self, request: HttpRequest, form: ImportForm, problems: list[str],
                     status: int = 200) -> HttpResponse:
        context = {
            "heading": self.heading, "form": form, "problems": problems, "columns": self.importing.COLUMNS,
            "inline_max_rows": self.importing.INLINE_MAX_ROWS, "max_rows": self.importing.MAX_ROWS,
            "upload_url": reverse(self.upload_url_name), "template_url": reverse(self.template_url_name),
            **self.extra_context(),
        }
        return render(request, self.upload_template, context, status=status)

    def upload(self, request: HttpRequest) -> HttpResponse:
        """The upload form. The file is checked (real type, size, header) before it is stored;
        a small one is imported at once, a large one by the background task; either way the
        result page follows."""
        # Bound on every POST: a POST without a file (Import pressed before choosing one)
        # says so on the field instead of showing the empty form again.
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method != "POST" or not form.is_valid():
            return self._upload_page(request, form, [], status=422 if request.method == "POST" else 200)
        try:
            result, rows = self.importing.accept_upload(form.cleaned_data["file"], by=request.user)
        except NotFound as exc:
            raise Http404 from exc
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except DatongError as exc:
            return self._refused(request, form, exc)
        result_url = reverse(self.result_url_name, args=[result.upload])
        if rows <= self.importing.INLINE_MAX_ROWS:
            self.importing.run_upload(result.upload, by=request.user, result_url=result_url)
        else:
            upload_id, user_id, task = result.upload, request.user.pk, self.task
            transaction.on_commit(lambda: task.enqueue(upload_id=upload_id, user_id=user_id, result_url=result_url))
        return redirect(result_url)

    def _refused(self, request: HttpRequest, form: ImportForm, exc: DatongError) -> HttpResponse:
        """The upload page with the refusal said once: problems of the sheet's rows (or its
        header row) listed by row number under the message; a refusal of the file itself
        (type, size, unreadable, too many rows) on the file field; anything else on the form."""
        if getattr(exc, "row_errors", None):
            messages.error(request, str(exc.message))
            return self._upload_page(request, form, self.importing.problems_of(exc), status=422)
        details = getattr(exc, "details", None) or {}
        form.add_error("file" if "file" in details else None, str(exc.message))
        return self._upload_page(request, form, [], status=422)

    def template(self, request: HttpRequest) -> HttpResponse:
        """The spreadsheet to fill in, with the columns the import reads."""
        return xlsx_response(self.importing.template_xlsx(), f"{self.template_filename}.xlsx")

    def result_page_heading(self, result, *, stopped: bool = False) -> str:
        """The result page's title: the import's name and how far it has got (queued or
        running, stopped before it finished, finished, failed)."""
        if result.state == "done":
            text = _("%(import)s: finished")
        elif result.state == "failed":
            text = _("%(import)s: failed")
        elif stopped:
            text = _("%(import)s: stopped")
        else:
            text = _("%(import)s: in progress")
        return text % {"import": self.result_heading}

    def result(self, request: HttpRequest, upload_id: str) -> HttpResponse:
        """The result of an upload (only to the person who started it): its progress bar while
        it runs, then what was imported or every problem by row number; or, when its job
        stopped without finishing (its worker killed, the stall rule in core.jobs.rules), that it
        stopped (`stopped`; the app's page may offer to continue it). htmx polls it: 204
        while running, a full refresh when done or stopped."""
        try:
            result = self.importing.result_for(request.user, upload_id)
        except NotFound as exc:
            raise Http404 from exc
        key = self.importing.progress_key(result.upload)
        # Marked stalled here if it is: the page stops waiting for a job that will not finish.
        record = jobs.check_stalled(key=key)
        stopped = not result.finished and (record is None or not record.is_running)
        if getattr(request, "htmx", False):
            if not result.finished and not stopped:
                return HttpResponse(status=204)
            response = HttpResponse(status=200)
            response["HX-Refresh"] = "true"
            return response
        context = {
            "heading": self.result_page_heading(result, stopped=stopped), "result": result, "key": key,
            "record": record, "stopped": stopped,
            "result_url": reverse(self.result_url_name, args=[result.upload]),
            "upload_url": reverse(self.upload_url_name),
        }
        return render(request, self.result_template, context, status=422 if result.state == "failed" else 200)
