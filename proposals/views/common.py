"""What the suggestion pages share: pages of lists (htmx partials), putting a service's
refusal on a form or in messages, one-click actions, and file downloads.

A refusal of permission stays a 403 and an object the user may not see a 404
(core.error_pages); any other refusal by a service (state, deadline, input) is shown on the
page and nothing is written.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import DatongError, NotAllowed, NotFound, ValidationFailed

PAGE_SIZE = 25
#: The status of a page re-shown with the service's refusal on its form.
INVALID = 422


def posted(request: HttpRequest):
    """The form data of a POST (even an empty one), None otherwise (an unbound form)."""
    return request.POST if request.method == "POST" else None


def uploaded(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def page_of(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def render_list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The full page, or only its results for an htmx filter request (same view, same
    template: the page works without JavaScript)."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#results"
    return render(request, template, context)


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def form_errors(form, exc: DatongError) -> None:
    """Put a service's refusal on the form: each reason on its field, or on the form. Only
    invalid input (422) carries reasons in its details; a refusal by state or deadline
    carries data there, so its message is shown."""
    placed = False
    if isinstance(exc, ValidationFailed):
        for field, reason in (exc.details or {}).items():
            name = str(field).split(".")[0]
            form.add_error(name if name in form.fields else None, str(reason))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def error_messages(request: HttpRequest, exc: DatongError) -> None:
    """A refusal as error messages. Invalid input shows its reasons only: the generic "The
    input is not valid." before them says nothing the reasons do not (a message of its own
    is kept)."""
    reasons = [str(r) for r in (exc.details or {}).values()] if isinstance(exc, ValidationFailed) else []
    generic = str(exc.message) == str(ValidationFailed.default_message)
    if not reasons or not generic:
        messages.error(request, str(exc.message))
    for reason in reasons:
        if reason != str(exc.message):
            messages.error(request, reason)


def act(request: HttpRequest, action: Callable[[], Any], success: str, back: str) -> HttpResponse:
    """A one-click action (POST): a refusal comes back as error messages."""
    try:
        action()
    except (NotAllowed, NotFound):
        raise
    except DatongError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, success)
    return redirect(back)


def attempt(request: HttpRequest, form, action: Callable[[dict], Any], success: str,
            done: Callable[[Any], str] | str) -> HttpResponse | None:
    """Run a form's service call when the form is valid; the redirect on success, None to
    re-show the form (with the service's refusal on it)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except (NotAllowed, NotFound):
        raise
    except DatongError as exc:
        form_errors(form, exc)
        return None
    messages.success(request, success)
    return redirect(done(result) if callable(done) else done)


def status_for(request: HttpRequest, form) -> int:
    return INVALID if request.method == "POST" and form.errors else 200


def detail_url(suggestion) -> str:
    return reverse("proposals:suggestion-detail", args=[suggestion.pk])


def download(field_file, name: str) -> FileResponse:
    """A stored file as a download under its uploaded name (never shown inline)."""
    if not field_file:
        raise Http404()
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    content_type = mimetypes.guess_type(name or field_file.name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name or None, content_type=content_type)
