"""The API shell's parts: a router whose every operation declares its permission,
session and token authentication, one error format and one pagination.

Each app keeps a `DatongRouter` in its own `api.py`; `config/api.py` composes them.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PaginationBase
from ninja.security import APIKeyCookie, HttpBearer

from . import permissions
from .errors import NotAllowed


def acting_user(request: HttpRequest):
    """The user behind a request: the token's or the session's (anonymous if none)."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    return request.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dt_…`, a personal token (core.accounts.ApiToken)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from .accounts.models import ApiToken

        token_row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if token_row is None or not token_row.user.is_active:
            return None
        ApiToken.objects.filter(pk=token_row.pk).update(last_used_at=timezone.now())
        request.user = token_row.user
        return token_row.user


AUTH = [TokenAuth(), SessionAuth()]


class DatongRouter(Router):
    """A ninja Router that refuses to register an operation without a permission code.

    `@router.get("/units", permission="organisation.view")`; the code is checked before the
    view runs and shown in the OpenAPI schema as `x-permission`. Public operations say
    `permission=permissions.PUBLIC, auth=None` with a comment saying why.
    """

    def api_operation(self, methods, path, *, permission: str | None = None, **kwargs):
        if not permission:
            raise ImproperlyConfigured(f"API operation {methods} {path} declares no permission")
        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra["x-permission"] = permission
        parent = super().api_operation

        def decorator(view_func):
            @functools.wraps(view_func)
            def guarded(request, *args, **kw):
                if not permissions.has_perm(acting_user(request), permission):
                    raise NotAllowed()
                return view_func(request, *args, **kw)

            guarded.datong_permission = permission
            parent(methods, path, openapi_extra=extra, **kwargs)(guarded)
            return view_func

        return decorator

    def get(self, path, **kwargs):
        return self.api_operation(["GET"], path, **kwargs)

    def post(self, path, **kwargs):
        return self.api_operation(["POST"], path, **kwargs)

    def put(self, path, **kwargs):
        return self.api_operation(["PUT"], path, **kwargs)

    def patch(self, path, **kwargs):
        return self.api_operation(["PATCH"], path, **kwargs)

    def delete(self, path, **kwargs):
        return self.api_operation(["DELETE"], path, **kwargs)


class ErrorOut(Schema):
    """The one error format: a stable code and a message in the user's language."""

    code: str
    message: str
    details: dict = {}


class Page(PaginationBase):
    """Page-number pagination: `?page=2&page_size=50` (at most 200 a page)."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": queryset.count() if hasattr(queryset, "count") and callable(queryset.count) else len(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
