"""Documents of suggestions: the spreadsheet import (with its progress bar), the reply letter
and the handling report as docx (GB/T 9704 layout: proposals/documents.py).

Each view checks the permission, parses its form, calls one service or selector, renders.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.documents.import_pages import ImportPages
from core.errors import DatongError, NotAllowed, NotFound
from core.organisation.models import Session
from core.permissions import has_perm, public, requires

from . import documents, importing, selectors, services, tasks
from .documents import REPLY_LETTER, REPORT
from .importing import IMPORT
from .permissions import PUBLISH_REPORT

_L = gettext_lazy


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def _refused(exc: DatongError):
    if isinstance(exc, NotFound):
        return Http404()
    if isinstance(exc, NotAllowed):
        return PermissionDenied()
    return None


# --- the import ----------------------------------------------------------------------------------


IMPORT_PAGES = ImportPages(
    importing=importing,
    task=tasks.import_suggestions,
    upload_template="proposals/documents/import.html",
    result_template="proposals/documents/import_result.html",
    heading=_L("Import suggestions"),
    result_heading=_L("Import of suggestions"),
    template_filename=_L("suggestions-template"),
    upload_url_name="proposal_documents:suggestion-import",
    template_url_name="proposal_documents:suggestion-import-template",
    result_url_name="proposal_documents:suggestion-import-result",
    extra_context=lambda: {"term": importing.current_term()},
)


@requires(IMPORT)
@require_http_methods(["GET", "POST"])
def suggestion_import(request: HttpRequest) -> HttpResponse:
    return IMPORT_PAGES.upload(request)


@requires(IMPORT)
@require_GET
def suggestion_import_template(request: HttpRequest) -> HttpResponse:
    return IMPORT_PAGES.template(request)


@requires(IMPORT)
@require_GET
def suggestion_import_result(request: HttpRequest, upload_id: str) -> HttpResponse:
    return IMPORT_PAGES.result(request, upload_id)


# --- the reply letter (SUGG-6) -------------------------------------------------------------------


@requires(REPLY_LETTER)
@require_GET
def reply_letter(request: HttpRequest, reply_id: int) -> HttpResponse:
    """The unit's reply letter to the deputies, as docx (staff, the replying unit's clerks,
    the deputies it is addressed to)."""
    try:
        reply = documents.reply_for_letter(request.user, reply_id)
    except NotFound as exc:
        raise Http404 from exc
    return _docx(documents.reply_letter_docx(reply), documents.reply_letter_filename(reply))


# --- the handling report (SUGG-8) ----------------------------------------------------------------


class PrepareForm(forms.Form):
    title = forms.CharField(label=_L("Title"), max_length=200, required=False)
    session = forms.ModelChoiceField(
        label=_L("Suggestions of the session"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_L("The whole term"),
    )
    for_session = forms.ModelChoiceField(
        label=_L("Reported to the session"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_L("(not yet fixed)"),
    )

    def __init__(self, *args, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = Session.objects.filter(term=term).order_by("number") if term else Session.objects.none()
        self.fields["session"].queryset = sessions
        self.fields["for_session"].queryset = sessions


@requires(REPORT)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Prepared handling reports with their docx, and the form to prepare one (staff)."""
    term = importing.current_term()
    return render(
        request,
        "proposals/documents/reports.html",
        {
            "reports": selectors.reports_for(request.user)[:50],
            "form": PrepareForm(term=term),
            "term": term,
            "may_publish": has_perm(request.user, PUBLISH_REPORT),
        },
    )


@requires(REPORT)
@require_POST
def report_prepare(request: HttpRequest) -> HttpResponse:
    """SUGG-8: freeze the figures of the current term (or one session) as a report."""
    term = importing.current_term()
    form = PrepareForm(request.POST, term=term)
    if term is None or not form.is_valid():
        messages.error(request, _("The report could not be prepared: check the form."))
        return redirect("proposal_documents:report-list")
    try:
        report = services.prepare_handling_report(
            by=request.user,
            term=term,
            session=form.cleaned_data["session"],
            for_session=form.cleaned_data["for_session"],
            title=form.cleaned_data["title"],
        )
    except DatongError as exc:
        refusal = _refused(exc)
        if refusal is not None:
            raise refusal from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The report “%(title)s” was prepared.") % {"title": report.title})
    return redirect("proposal_documents:report-list")


@requires(REPORT)
@require_GET
def report_download(request: HttpRequest, report_id: int) -> HttpResponse:
    """The handling report as docx (staff)."""
    try:
        report = documents.report_for(request.user, report_id)
    except NotFound as exc:
        raise Http404 from exc
    return _docx(documents.report_docx(report), documents.report_filename(report))


@requires(PUBLISH_REPORT)
@require_http_methods(["GET", "POST"])
def report_publish(request: HttpRequest, report_id: int) -> HttpResponse:
    """SUGG-8: publish a prepared report (staff). GET asks to confirm (publishing puts the
    report on the public site for anyone, and cannot be undone); POST publishes it through
    the service, which checks the permission and records it in the audit log."""
    try:
        report = documents.report_for(request.user, report_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "GET":
        return render(request, "proposals/documents/report_publish.html", {"report": report})
    try:
        report = services.publish_handling_report(by=request.user, report=report)
    except DatongError as exc:
        refusal = _refused(exc)
        if refusal is not None:
            raise refusal from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The report “%(title)s” was published.") % {"title": report.title})
    return redirect("proposal_documents:report-list")


@public
@require_GET
def report_published(request: HttpRequest, report_id: int) -> HttpResponse:
    """SUGG-8: a published report is public (it holds no personal data, SEC-6); 404 until
    it is published."""
    try:
        report = documents.published_report(report_id)
    except NotFound as exc:
        raise Http404 from exc
    response = _docx(documents.report_docx(report), documents.report_filename(report, published=True))
    response["Cache-Control"] = "public, max-age=300"
    return response
