"""Role × endpoint: every role that a permission code does not allow is refused (issue 2, item 6).

For each page and API operation whose declared code is a plain role rule
(`core.permissions.roles(...)`, readable with `roles_allowed`), the test calls it as every role
and as an anonymous visitor:

- refused roles get 403 or 404 from a page (anonymous: a redirect to the login page) and
  401 or 403 from the API: never data;
- allowed roles are not refused where the call needs no object (GET without URL arguments).

Codes whose predicate looks at the object (a unit clerk and its unit's cases) cannot be read
as a role list; each app proves those with its own object-level tests. URLs with arguments
get made-up ones (`1`, `x`): the permission is checked before the object is looked up, so a
refused role is refused whether or not the object exists, and the allowed-role check skips
them because no object exists to show. Everything is read from the URL configuration and
the OpenAPI schema, so later pages are covered without editing this file.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client, override_settings

from core.accounts.roles import Role
from core.permissions import roles_allowed, url_endpoints

ROLES = tuple(Role.values)


def _role_rule(code: str | None) -> frozenset[str] | None:
    allowed = roles_allowed(code) if code else None
    return frozenset(allowed) if allowed is not None else None


PAGES = [
    e
    for e in url_endpoints()
    if not e.self_guarded and e.sample_path is not None and _role_rule(e.permission) is not None
]


def _operations() -> list[tuple[str, str, dict]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"} and _role_rule(operation.get("x-permission"))
    ]


OPERATIONS = _operations()


def _sample_api_path(path: str, operation: dict) -> str:
    kinds = {
        p["name"]: (p.get("schema") or {}).get("type", "string")
        for p in operation.get("parameters", [])
        if p.get("in") == "path"
    }
    return re.sub(
        r"{([^}]+)}", lambda m: "1" if kinds.get(m.group(1)) in {"integer", "number"} else "x", path
    )


@pytest.fixture
def clients(users):
    """A client per role (and None: anonymous); server errors come back as 500 responses."""

    def make(role):
        client = Client(raise_request_exception=False)
        if role is not None:
            client.force_login(users[role])
        return client

    return {role: make(role) for role in (*ROLES, None)}


def _is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    return urlsplit(response.headers["Location"]).path == urlsplit(resolve_url(settings.LOGIN_URL)).path


def test_the_matrix_is_not_empty():
    """A guard for the guard: the accounts pages and API alone give rows to check."""
    assert any(e.name == "accounts:user-list" for e in PAGES)
    assert any(path.endswith("/accounts/me") for _m, path, _o in OPERATIONS)


# The second factor is not what this test is about: no role is sent to enrol first.
@override_settings(SECOND_FACTOR_REQUIRED_ROLES=[])
@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", PAGES, ids=lambda e: e.name or e.route)
def test_page_refuses_every_role_its_code_does_not_allow(endpoint, clients):
    allowed = _role_rule(endpoint.permission)
    problems = []
    for role, client in clients.items():
        response = client.get(endpoint.sample_path)
        method = "GET"
        if response.status_code == 405:  # a POST-only action
            if role in allowed:
                continue  # no POST with made-up input as an allowed role: it could change data
            response, method = client.post(endpoint.sample_path), "POST"
        status = response.status_code
        if role is None:
            if not _is_login_redirect(response):
                problems.append(f"anonymous {method}: {status}, expected a redirect to the login page")
        elif role not in allowed:
            if status not in (403, 404):
                problems.append(f"{role} {method}: {status}, expected 403 or 404")
        elif not endpoint.has_arguments and status in (401, 403):
            problems.append(f"{role} {method}: {status}, but {endpoint.permission} allows {role}")
    assert not problems, f"{endpoint.sample_path} ({endpoint.permission}): " + "; ".join(problems)


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=[])
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_api_operation_refuses_every_role_its_code_does_not_allow(method, path, operation, clients):
    code = operation["x-permission"]
    allowed = _role_rule(code)
    url = _sample_api_path(path, operation)
    problems = []
    for role, client in clients.items():
        if role in allowed and (method != "GET" or "{" in path):
            continue  # allowed roles: only calls that need no object and change nothing
        response = client.generic(method, url, data="{}", content_type="application/json")
        status = response.status_code
        if role is None:
            if status != 401:
                problems.append(f"anonymous: {status}, expected 401")
        elif role not in allowed:
            if status != 403:
                problems.append(f"{role}: {status}, expected 403")
            elif response.json().get("code") != "not_allowed":
                problems.append(f"{role}: 403 without the not_allowed error code")
        elif status in (401, 403):
            problems.append(f"{role}: {status}, but {code} allows {role}")
    assert not problems, f"{method} {path} ({code}): " + "; ".join(problems)


# --- the Django admin: administrators only --------------------------------------------


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=[])
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_get_into_the_django_admin(role, clients):
    response = clients[role].get("/admin/accounts/user/", follow=True)
    if role == Role.ADMINISTRATOR:
        assert response.status_code == 200
        assert response.redirect_chain == []
    else:
        assert response.status_code == 403


@pytest.mark.django_db
def test_anonymous_admin_visitor_is_sent_to_the_accounts_login(clients):
    response = clients[None].get("/admin/", follow=True)
    assert urlsplit(response.redirect_chain[-1][0]).path == resolve_url(settings.LOGIN_URL)
