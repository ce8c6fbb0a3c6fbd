"""Deny by default, proved by walking the project (issue 2, item 6).

Every URL pattern and every OpenAPI operation must declare who may use it, with a code that
is registered; and every page or operation that is not public must refuse an anonymous
visitor (a redirect to the login page, 401 or 403), never answer with data. The walk reads
the URL configuration and the OpenAPI schema at collection time, so pages and operations
that other parts add later are covered without editing this file.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from core.permissions import PUBLIC, registered_codes, url_endpoints

# The API's URLs are checked operation by operation from the OpenAPI schema below; the schema
# itself and its documentation page are open by design (they describe the API, hold no data).
PAGES = [e for e in url_endpoints() if "ninja" not in e.namespaces]


def _openapi() -> dict:
    from config.api import api

    return api.get_openapi_schema()


def _operations() -> list[tuple[str, str, dict]]:
    schema = _openapi()
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


OPERATIONS = _operations()


def _sample_api_path(path: str, operation: dict) -> str:
    """The path with made-up arguments: authentication comes before any argument is read."""
    kinds = {
        p["name"]: (p.get("schema") or {}).get("type", "string")
        for p in operation.get("parameters", [])
        if p.get("in") == "path"
    }

    def sample(match):
        return "1" if kinds.get(match.group(1), "string") in {"integer", "number"} else "x"

    return re.sub(r"{([^}]+)}", sample, path)


def _login_paths() -> set[str]:
    return {urlsplit(resolve_url(settings.LOGIN_URL)).path, reverse("admin:login")}


def _refused_anonymously(client, response, hops: int = 5) -> bool:
    """401/403, or redirects that end on a login page (e.g. admin logout → admin → login)."""
    for _hop in range(hops):
        if response.status_code in (401, 403):
            return True
        if response.status_code not in (301, 302, 303, 307, 308):
            return False
        location = urlsplit(response.headers["Location"])
        if location.path in _login_paths():
            return True
        if location.netloc:
            return False  # never off-site
        response = client.get(location.path + (f"?{location.query}" if location.query else ""))
    return False


def _page_id(endpoint) -> str:
    return endpoint.name or endpoint.route


# --- every endpoint declares who may use it --------------------------------------------


def test_the_walk_finds_the_pages_and_operations():
    """A guard for the guard: an empty walk would prove nothing."""
    assert any(e.name == "accounts:login" for e in PAGES)
    assert any(path.endswith("/accounts/me") for _m, path, _o in OPERATIONS)


@pytest.mark.parametrize("endpoint", PAGES, ids=_page_id)
def test_every_page_declares_a_registered_permission(endpoint):
    if endpoint.self_guarded:
        return  # the Django admin (its own staff check) and static files
    code = endpoint.permission
    assert code, f"{endpoint.route} ({endpoint.view!r}) declares no permission: use @requires or @public"
    assert code in registered_codes(), f"{endpoint.route} declares {code!r}, which nobody registered"


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_api_operation_declares_a_registered_permission(method, path, operation):
    code = operation.get("x-permission")
    assert code, f"{method} {path} has no x-permission"
    assert code in registered_codes(), f"{method} {path} declares {code!r}, which nobody registered"


def test_the_served_schema_carries_the_permissions(client):
    """The schema clients download is the one checked above, and open to all."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    served = response.json()["paths"]
    assert served.keys() == _openapi()["paths"].keys()
    for methods in served.values():
        for method, operation in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                assert operation.get("x-permission")


# --- anonymous visitors are refused everywhere that is not public ---------------------

# Patterns whose arguments cannot be made up (the admin's regex catch-alls) are left out.
NOT_PUBLIC_PAGES = [e for e in PAGES if e.permission != PUBLIC and e.sample_path is not None]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", NOT_PUBLIC_PAGES, ids=_page_id)
def test_anonymous_visitor_is_refused_on_every_non_public_page(endpoint):
    """Pages with URL arguments get made-up ones: the permission is checked before the
    object is looked up, so the visitor is refused whether or not it exists."""
    client = Client()
    response = client.get(endpoint.sample_path)
    if response.status_code == 405:  # a POST-only action: try it the way a form would
        response = client.post(endpoint.sample_path)
    assert _refused_anonymously(client, response), (
        f"{endpoint.sample_path} answered {response.status_code} to an anonymous visitor"
    )


NOT_PUBLIC_OPERATIONS = [
    (method, path, operation)
    for method, path, operation in OPERATIONS
    if operation.get("x-permission") != PUBLIC
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "operation"), NOT_PUBLIC_OPERATIONS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_anonymous_caller_is_refused_on_every_non_public_api_operation(method, path, operation):
    client = Client()
    response = client.generic(
        method, _sample_api_path(path, operation), data="{}", content_type="application/json"
    )
    if response.status_code == 405:
        pytest.fail(f"{method} {path} is unreachable: another route with other methods shadows it")
    assert response.status_code in (401, 403), f"{method} {path} answered {response.status_code} anonymously"
    assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.django_db
def test_a_view_that_declares_nothing_is_refused(rf, users):
    """The middleware refuses an undeclared view even for an administrator."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from core.permissions import DenyByDefaultMiddleware

    def undeclared(request):
        return HttpResponse("secret")

    request = rf.get("/somewhere/")
    request.user = users["administrator"]
    middleware = DenyByDefaultMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared, (), {})
