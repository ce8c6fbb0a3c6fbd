"""Middleware of the web shell."""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with their storage built only when a request uses it.

    Building it (a cookie store and a session store, each with its signer) cost ~3 % of an API
    request's CPU, and API requests never show messages (bench/bench_voices_intake.py). A page
    that adds or shows a message builds it as before, and its messages are saved as before.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response  # never used: nothing to save
        return super().process_response(request, response)


#: The policy of every JSON answer: nothing may be loaded by it or frame it. A browser renders
#: no JSON as a page; this is defence in depth, and a constant.
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware for pages (settings.CONTENT_SECURITY_POLICY); JSON answers get
    the constant JSON_POLICY instead of a policy built for each (~2 % of an API request's CPU,
    bench/bench_voices_intake.py)."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/json") and HEADER not in response:
            response[HEADER] = JSON_POLICY
            return response
        return super().process_response(request, response)
