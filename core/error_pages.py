"""One place that turns a domain error raised in a page view into the right HTTP answer.

The API has its own handlers (config/api.py); pages get the same statuses: NotAllowed 403,
NotFound 404, InvalidTransition/DeadlinePassed 409, ValidationFailed 422 — each with its
translated message, and nothing written (the service's transaction rolled back).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from .errors import DatongError, NotAllowed, NotFound


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(str(exception.message)) from exception
        if isinstance(exception, NotFound):
            raise Http404(str(exception.message)) from exception
        if isinstance(exception, DatongError):
            return render(
                request,
                "domain_error.html",
                {"error": exception, "message": exception.message, "details": exception.details},
                status=exception.status,
            )
        return None
