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
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

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


def is_self_guarded(view: Callable) -> bool:
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
        if declared_permission(view_func) or is_self_guarded(view_func):
            return None
        log.error("view %s declares no permission: refused", getattr(view_func, "__qualname__", view_func))
        raise PermissionDenied


def roles_allowed(code: str) -> Iterable[str] | None:
    """The roles a plain role rule allows (None if the rule looks at the object)."""
    predicate = _RULES.get(code)
    return getattr(predicate, "roles", None)


ALL_ROLES = tuple(Role.values)
