"""Django's messages with their storage built only when used (core.web.middleware)."""

import pytest
from django.contrib import messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from core.web import middleware

pytestmark = pytest.mark.django_db


def _through(view, cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    chain = SessionMiddleware(middleware.LazyMessageMiddleware(view))
    return request, chain(request)


def test_a_message_added_on_one_request_is_shown_on_the_next():
    def add(request):
        messages.success(request, "已保存")
        return HttpResponse("ok")

    shown = []

    def show(request):
        shown.extend(str(m) for m in messages.get_messages(request))
        return HttpResponse("ok")

    _request, response = _through(add)
    assert "messages" in response.cookies
    _request, response = _through(show, {"messages": response.cookies["messages"].value})
    assert shown == ["已保存"]
    assert response.cookies["messages"].value == ""  # shown once, then cleared


def test_a_request_that_uses_no_messages_builds_no_storage(monkeypatch):
    built = []
    real = middleware.default_storage
    monkeypatch.setattr(middleware, "default_storage", lambda request: built.append(1) or real(request))
    request, response = _through(lambda request: HttpResponse("ok"))
    assert built == [] and "messages" not in response.cookies
