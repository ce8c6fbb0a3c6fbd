"""Deny by default: every page and API operation declares who may use it.

A permission is an action code (`"organisation.edit"`, `"suggestion.register"`) bound to a
predicate `(user, obj) -> bool`. Apps register their codes in their own `permissions.py`
(imported by their AppConfig.ready). An unknown code is refused, a view that declares no
code is refused by `DenyByDefaultMiddleware`, and `tests/test_deny_by_default.py` walks
every URL pattern and OpenAPI operation to prove it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from .accounts.roles import Role
from .errors import NotAllowed

log = logging.getLogger(__name__)

Predicate = Callable[[Any, Any], bool]

#: Anyone, signed in or not (portal pages, login, the OpenAPI schema).
PUBLIC = "public"
#: Any signed-in account, whatever its role (own inbox, own profile).
AUTHENTICATED = "authenticated"

_RULES: dict[str, Predicate] = {}


def register(code: str, predicate: Predicate) -> None:
    """Bind an action code to its predicate; a code is registered once."""
    if code in _RULES and _RULES[code] is not predicate:
        raise ValueError(f"permission {code!r} registered twice")
    _RULES[code] = predicate


def registered_codes() -> list[str]:
    return sorted(_RULES)


def role_of(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def roles(*allowed: str) -> Predicate:
    """A predicate allowing the given roles, whatever the object."""
    allowed_set = frozenset(allowed)

    def predicate(user, obj=None) -> bool:
        return role_of(user) in allowed_set

    predicate.roles = allowed_set  # for the permission matrix tests
    return predicate


def all_of(*predicates: Predicate) -> Predicate:
    def predicate(user, obj=None) -> bool:
        return all(p(user, obj) for p in predicates)

    return predicate


def any_of(*predicates: Predicate) -> Predicate:
    def predicate(user, obj=None) -> bool:
        return any(p(user, obj) for p in predicates)

    return predicate


register(PUBLIC, lambda user, obj=None: True)
register(AUTHENTICATED, lambda user, obj=None: role_of(user) is not None)


def has_perm(user, code: str, obj: Any = None) -> bool:
    """True only when `code` is registered and its predicate allows `user` on `obj`."""
    predicate = _RULES.get(code)
    if predicate is None:
        log.warning("refused unknown permission code %r", code)
        return False
    return bool(predicate(user, obj))


def require(user, code: str, obj: Any = None) -> None:
    """Raise NotAllowed unless `user` may do `code` on `obj`."""
    if not has_perm(user, code, obj):
        raise NotAllowed()


def requires(code: str) -> Callable:
    """Declare a page's permission and enforce it (anonymous users are sent to log in)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, code):
                if not request.user.is_authenticated and code != PUBLIC:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.datong_permission = code
        if code == PUBLIC:
            wrapped = login_not_required(wrapped)
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Declare a page open to everyone (portal, login)."""
    return requires(PUBLIC)(view)


def declared_permission(view: Callable) -> str | None:
    """The permission a view declared, looking through class-based and wrapped views."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        code = getattr(candidate, "datong_permission", None)
        if code:
            return code
    return None


# Third-party views that guard themselves: the admin (its own staff check), the ninja API
# (every operation declares its permission: core.api), static files and the i18n switch.
SELF_GUARDED_MODULES: tuple[str, ...] = (
    "django.contrib.admin.",
    "ninja.",
    "django.views.static",
    "django.contrib.staticfiles.",
)


# URL namespaces whose every view guards itself: the admin site's URLs include a plain
# RedirectView (old object URLs) that only forwards to a guarded admin page.
SELF_GUARDED_NAMESPACES: tuple[str, ...] = ("admin",)


def is_self_guarded(view: Callable, namespaces: Iterable[str] = ()) -> bool:
    """True for views that guard themselves (SELF_GUARDED_MODULES), or that live in a
    self-guarded URL namespace (`namespaces`: the app names the URL was included under)."""
    if any(name in SELF_GUARDED_NAMESPACES for name in namespaces):
        return True
    if isinstance(view, functools.partial):
        view = view.func
    module = getattr(view, "__module__", "") or ""
    owner = getattr(view, "__self__", None)
    if owner is not None:
        module = type(owner).__module__
    return any(module.startswith(prefix) or module == prefix.rstrip(".") for prefix in SELF_GUARDED_MODULES)


class DenyByDefaultMiddleware:
    """Refuse (403) any view that neither declares a permission nor guards itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        namespaces = match.app_names if match is not None else ()
        if declared_permission(view_func) or is_self_guarded(view_func, namespaces):
            return None
        log.error("view %s declares no permission: refused", getattr(view_func, "__qualname__", view_func))
        raise PermissionDenied


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern of the project, as the deny-by-default proof walks them."""

    route: str  # the pattern as written, includes joined: "accounts/tokens/<int:token_id>/revoke/"
    name: str | None  # "accounts:token-revoke"
    view: Callable
    namespaces: tuple[str, ...]  # app names of the includes it sits in
    sample_path: str | None  # "/accounts/tokens/1/revoke/": made-up arguments; None if unbuildable
    has_arguments: bool

    @property
    def permission(self) -> str | None:
        return declared_permission(self.view)

    @property
    def self_guarded(self) -> bool:
        return is_self_guarded(self.view, self.namespaces)


# Made-up URL arguments, tried in order against each converter (custom converters included).
_SAMPLE_ARGUMENTS = ("1", "x", "2026-01-05", "2026", "00000000-0000-4000-8000-000000000001")
_REGEX_SPECIALS = frozenset(".^$*+?[](){}|\\")
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _sample_for(converter) -> str | None:
    for candidate in _SAMPLE_ARGUMENTS:
        if not re.fullmatch(converter.regex, candidate):
            continue
        try:
            converter.to_python(candidate)
        except ValueError:
            continue
        return candidate
    return None


def _sample_piece(pattern) -> tuple[str | None, bool]:
    """A concrete path piece for one pattern level, and whether it takes arguments."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        converters = pattern.converters
        if not converters:
            return text, False
        missing = False

        def substitute(match):
            nonlocal missing
            sample = _sample_for(converters[match.group("name")])
            if sample is None:
                missing = True
                return ""
            return sample

        piece = _ROUTE_PARAMETER.sub(substitute, text)
        return (None if missing else piece), True
    # A regex pattern: usable only when it is a plain literal between ^ and $.
    literal = text.removeprefix("^").removesuffix("$")
    if pattern.regex.groups or any(ch in _REGEX_SPECIALS for ch in literal):
        return None, True
    return literal, False


def url_endpoints(urlconf=None) -> list[Endpoint]:
    """Every URL pattern of the project (includes followed), with the view it calls."""
    endpoints: list[Endpoint] = []

    def walk(
        patterns, route: str, path: str | None, namespace: tuple[str, ...], names: tuple[str, ...], args: bool
    ):
        for entry in patterns:
            piece, piece_args = _sample_piece(entry.pattern)
            sample = None if path is None or piece is None else path + piece
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    route + str(entry.pattern),
                    sample,
                    namespace + ((entry.namespace,) if entry.namespace else ()),
                    names + ((entry.app_name,) if entry.app_name else ()),
                    args or piece_args,
                )
                continue
            full_name = ":".join(namespace + (entry.name,)) if entry.name else None
            endpoints.append(
                Endpoint(
                    route=route + str(entry.pattern),
                    name=full_name,
                    view=entry.callback,
                    namespaces=names,
                    sample_path=None if sample is None else "/" + sample,
                    has_arguments=args or piece_args,
                )
            )

    walk(get_resolver(urlconf).url_patterns, "", "", (), (), False)
    return endpoints


def roles_allowed(code: str) -> Iterable[str] | None:
    """The roles a plain role rule allows (None if the rule looks at the object)."""
    predicate = _RULES.get(code)
    return getattr(predicate, "roles", None)


ALL_ROLES = tuple(Role.values)
