"""Middleware of the web shell."""

from __future__ import annotations

from django.conf import settings
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
        if storage is not None:
            unstored = storage.update(response)
            if unstored and settings.DEBUG:
                raise ValueError("Not all temporary messages could be stored.")
        return response
