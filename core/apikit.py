"""The API shell's parts: a router whose every operation declares its permission,
session and token authentication, one error format and one pagination.

Each app keeps a `DatongRouter` in its own `api.py`; `config/api.py` composes them.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import re
import typing
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.constants import NOT_SET
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import APIKeyCookie, HttpBearer

from . import permissions
from .errors import NotAllowed
from .processcache import ProcessCache


def acting_user(request: HttpRequest):
    """The user behind a request: the token's or the session's (anonymous if none)."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    return request.user


class _PermissionChecked:
    """Mixin for the auth classes: once the caller is known, check the operation's permission.

    Checking here (ninja's auth step) rather than in the view means a refused caller gets 403
    before the input is parsed, so a refusal never depends on, or reveals, the payload.
    """

    permission: str | None = None

    def _allow(self, user):
        if user is None:
            return None
        if self.permission and not permissions.has_perm(user, self.permission):
            raise NotAllowed()
        return user


class SessionAuth(_PermissionChecked, APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token.

    A session that still owes its second factor (core.accounts.second_factor) is refused.
    """

    param_name = "sessionid"

    def __init__(self, permission: str | None = None) -> None:
        self.permission = permission
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: nothing to authenticate, and no CSRF failure to report.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        super()._get_key(request)  # the CSRF check for unsafe methods
        return request.COOKIES.get(settings.SESSION_COOKIE_NAME)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from .accounts.second_factor import pending_step

        user = getattr(request, "user", None)
        if key is None or user is None or not user.is_authenticated or not user.is_active:
            return None
        if pending_step(user) is not None:
            raise NotAllowed(
                _("Confirm your sign-in with your second factor first."), code="second_factor_required"
            )
        return self._allow(user)


TOKEN_USE_RESOLUTION = datetime.timedelta(minutes=1)


class TokenAuth(_PermissionChecked, HttpBearer):
    """`Authorization: Bearer dt_…`, a personal token (core.accounts.ApiToken)."""

    def __init__(self, permission: str | None = None) -> None:
        self.permission = permission
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 200:
            return None
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return self._allow(user)


def token_user(token: str):
    """The active user behind an unrevoked API token, or None; notes the token's use.

    Every API call by a client system or a deputy's phone asks this, so it is one
    hand-written query (core.rawrows: the ORM spent longer building it than the database
    answering, bench/bench_voting.py) and at most one write a minute per token.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    from . import rawrows
    from .accounts.models import ApiToken

    user_model = get_user_model()
    quote = connection.ops.quote_name
    tokens = quote(ApiToken._meta.db_table)
    users = quote(user_model._meta.db_table)

    def read() -> dict | None:
        select, _attnames = rawrows.columns(user_model)
        sql = (
            f"SELECT {tokens}.id, {tokens}.last_used_at, {select} FROM {tokens}"  # noqa: S608 - names from models
            f" JOIN {users} ON {users}.id = {tokens}.user_id"
            f" WHERE {tokens}.key_hash = %s AND {tokens}.revoked_at IS NULL AND {users}.is_active LIMIT 1"
        )
        rows, _count = rawrows.execute(sql, [key_hash])
        if not rows:
            return None
        return {"id": rows[0][0], "last_used": rawrows.value(ApiToken, "last_used_at", rows[0][1]),
                "user": rows[0][2:]}

    key_hash = ApiToken.hash_key(token)
    # Unknown or revoked tokens are read every time: only tokens in use are kept.
    found = _TOKENS.get(key_hash, read, keep=lambda value: value is not None)
    if found is None:
        return None
    now = timezone.now()
    # "Last used" to the minute is enough, and saves a write on every request.
    if found["last_used"] is None or now - found["last_used"] > TOKEN_USE_RESOLUTION:
        rawrows.execute(
            f"UPDATE {tokens} SET last_used_at = %s WHERE id = %s",  # noqa: S608 - names from models
            [connection.ops.adapt_datetimefield_value(now), found["id"]],
        )
        found["last_used"] = now
    # A fresh instance each time: a request may change its user.
    return rawrows.from_row(user_model, found["user"])


#: Who each API token in use belongs to, kept per process for a few seconds
#: (settings.DATONG_API_TOKEN_SECONDS, 5 by default; 0 reads the database on every call). A
#: token revoked, or an account switched off or changed, in this process is seen at once
#: (core.accounts.apps connects `forget_tokens`); in another process within those seconds.
#: Every call by a client system or a deputy's phone asked the database before
#: (docs/decisions/0005-intake-group-commit.md).
_TOKENS = ProcessCache(seconds=float(getattr(settings, "DATONG_API_TOKEN_SECONDS", 5)))


def forget_tokens(*_args, **_signal) -> None:
    """Drop what this process keeps of API tokens (a signal receiver for tokens and accounts;
    tests). A request reading the token before the change commits may keep the old rows:
    they are read again within the seconds, as another process's change is."""
    _TOKENS.forget()


def auth_for(permission: str | None = None) -> list:
    """Token first, then session; both refuse callers without `permission`."""
    return [TokenAuth(permission), SessionAuth(permission)]


AUTH = auth_for()


def _resolved_signature(view_func) -> inspect.Signature | None:
    """The view's signature with string annotations evaluated in the view's own module.

    ninja evaluates string annotations (`from __future__ import annotations`) in the globals
    of the function it is given; that is this module for the permission wrapper, where the
    app's schemas are unknown. Resolving them here lets app modules use postponed annotations.
    """
    try:
        hints = typing.get_type_hints(view_func, include_extras=True)
    except (NameError, TypeError):
        return None
    signature = inspect.signature(view_func)
    parameters = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
    return signature.replace(parameters=parameters, return_annotation=hints.get("return", signature.return_annotation))


def _typed_path(path: str, signature: inspect.Signature) -> str:
    """`/units/{unit_id}` becomes `/units/{int:unit_id}` when `unit_id: int`.

    Django then matches only digits there, so a sibling route such as `/units/import` is
    never swallowed by the id route (which would answer 405 to a POST meant for the import).
    """

    def typed(match):
        name = match.group(1)
        parameter = signature.parameters.get(name)
        if parameter is not None and parameter.annotation is int:
            return "{int:" + name + "}"
        return match.group(0)

    return re.sub(r"{(\w+)}", typed, path)


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
        if "auth" not in kwargs and self.auth is NOT_SET:
            # The permission is checked as soon as the caller is known (see _PermissionChecked).
            kwargs["auth"] = auth_for(permission)
        extra["x-permission"] = permission
        parent = super().api_operation

        def decorator(view_func):
            @functools.wraps(view_func)
            def guarded(request, *args, **kw):
                if not permissions.has_perm(acting_user(request), permission):
                    raise NotAllowed()
                return view_func(request, *args, **kw)

            guarded.datong_permission = permission
            signature = _resolved_signature(view_func)
            route = path
            if signature is not None:
                guarded.__signature__ = signature
                route = _typed_path(path, signature)
            parent(methods, route, openapi_extra=extra, **kwargs)(guarded)
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


# --- the input's errors, in the caller's language ---------------------------------------------------


class DatongAPI(NinjaAPI):
    """A NinjaAPI whose validation errors also name each field as the caller sent it.

    ninja locates an error by where it was read from and the view's parameter name
    (`body.payload.notice_version`): neither is anything the caller sent. Each error gets
    `field`, the path inside what was sent (`notice_version`, `messages.2.subject`; a query
    or path parameter by its name), computed here where the parameter models are known.
    """

    def validation_error_from_error_contexts(self, error_contexts):
        errors = []
        for context in error_contexts:
            for error in super().validation_error_from_error_contexts([context]).errors:
                error["field"] = sent_field(context.model, tuple(error.get("loc", ())))
                errors.append(error)
        return NinjaValidationError(errors)


#: What `details` names when the whole input is missing or not an object.
WHOLE_INPUT = "__all__"


def sent_field(model, loc: tuple) -> str:
    """`loc` of a ninja error without its source and, for a body read into one schema, the
    view's parameter name: the dotted path of the field in what the caller sent."""
    parts = list(loc[1:]) if loc else []
    single = getattr(model, "__read_from_single_attr__", None)
    if getattr(model, "__ninja_param_source__", None) == "body" and single and parts and parts[0] == single:
        annotation = getattr(model, "__annotations__", {}).get(single)
        if isinstance(annotation, type) and issubclass(annotation, Schema):
            parts = parts[1:]
    return ".".join(str(part) for part in parts) or WHOLE_INPUT


def _limit(ctx: dict, *keys: str):
    for key in keys:
        if key in ctx:
            return ctx[key]
    return ""


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as "a, b, c" (no English "or")."""
    values = re.findall(r"'([^']*)'", expected or "")
    return ", ".join(values) if values else str(expected or "")


def validation_message(error: dict) -> str:
    """One pydantic error as a sentence in the request's language. A `value_error` keeps the
    text the schema's own validator gave (already translated); an error type not listed
    here gets a general sentence, never pydantic's English."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return gettext("This field is required.")
    if kind == "string_too_long":
        limit = _limit(ctx, "max_length")
        return ngettext("This is too long: at most %(limit)s character.",
                        "This is too long: at most %(limit)s characters.", int(limit or 0)) % {"limit": limit}
    if kind == "string_too_short":
        limit = _limit(ctx, "min_length")
        if limit in (1, "1"):
            return gettext("This field is required.")
        return ngettext("This is too short: at least %(limit)s character.",
                        "This is too short: at least %(limit)s characters.", int(limit or 0)) % {"limit": limit}
    if kind == "too_long":
        limit = _limit(ctx, "max_length")
        return ngettext("At most %(limit)s item.", "At most %(limit)s items.", int(limit or 0)) % {"limit": limit}
    if kind == "too_short":
        limit = _limit(ctx, "min_length")
        return ngettext("At least %(limit)s item.", "At least %(limit)s items.", int(limit or 0)) % {"limit": limit}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        texts = {
            "greater_than_equal": gettext("This must be at least %(limit)s."),
            "greater_than": gettext("This must be more than %(limit)s."),
            "less_than_equal": gettext("This must be at most %(limit)s."),
            "less_than": gettext("This must be less than %(limit)s."),
        }
        return texts[kind] % {"limit": _limit(ctx, "ge", "gt", "le", "lt")}
    if kind in ("enum", "literal_error"):
        return gettext("Choose one of: %(values)s.") % {"values": _choices(str(ctx.get("expected", "")))}
    if kind in ("value_error", "assertion_error"):
        own = ctx.get("error")
        if own:
            return str(own)
        return re.sub(r"^(Value|Assertion) error, ", "", str(error.get("msg", ""))) or gettext("Enter a valid value.")
    if kind == "json_invalid":
        return gettext("This is not valid JSON.")
    if kind == "extra_forbidden":
        return gettext("This field is not expected here.")
    if kind.endswith(("_parsing", "_type")) or kind in ("int_from_float", "finite_number"):
        return _type_message(kind)
    return gettext("Enter a valid value.")


def _type_message(kind: str) -> str:
    """The value is not of the field's type: say which type is wanted."""
    if kind.startswith("int"):
        return gettext("Enter a whole number.")
    if kind.startswith(("float", "decimal", "finite")):
        return gettext("Enter a number.")
    if kind.startswith("bool"):
        return gettext("Enter true or false.")
    if kind.startswith("datetime"):
        return gettext("Enter a date and time (ISO 8601, like 2026-11-25T09:12:00+08:00).")
    if kind.startswith("date"):
        return gettext("Enter a date (ISO 8601, like 2026-11-25).")
    if kind.startswith("time"):
        return gettext("Enter a time (like 09:12).")
    if kind.startswith("string"):
        return gettext("Enter text.")
    if kind.startswith(("list", "tuple", "set", "frozenset")):
        return gettext("Enter a list.")
    if kind.startswith(("dict", "model")):
        return gettext("Enter an object.")
    return gettext("This value is not of the expected type.")


def validation_details(errors: list[dict]) -> dict[str, str]:
    """ninja's validation errors as the error format's `details`: {field: message}, the field
    as the caller sent it (`notice_version`, `messages.2.subject`, `limit`), the message
    translated; a field with several errors shows the first."""
    details: dict[str, str] = {}
    for error in errors:
        field = error.get("field")
        if field is None:  # an error not built by DatongAPI
            field = ".".join(str(part) for part in tuple(error.get("loc", ()))[1:]) or WHOLE_INPUT
        details.setdefault(str(field), validation_message(error))
    return details


def http_error_message(status: int, message: str) -> str:
    """ninja's own English refusals in the request's language; any other message as given."""
    text = str(message)
    if status == 400 and text.startswith("Cannot parse request body"):
        # ninja adds the parser's English reason in DEBUG; it names no field anyway.
        return gettext("The request body is not valid JSON.")
    if status == 403 and text.startswith("CSRF check"):
        return gettext("The CSRF token is missing or wrong: reload the page and try again.")
    return text


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
