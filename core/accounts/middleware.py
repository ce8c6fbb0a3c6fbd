"""Per-user language and the second-factor requirement."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from . import second_factor


class UserLanguageMiddleware:
    """A signed-in user sees the language they chose (zh-hans unless they switched)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A signed-in user who still owes a second factor sees nothing but the sign-in pages.

    Whoever has a confirmed TOTP device must enter a code after the password; whoever's role
    is in SECOND_FACTOR_REQUIRED_ROLES (staff and administrators in production) and has no
    device must set one up. The API is left to core.apikit.SessionAuth, which refuses such a
    session with 403 instead of a redirect.
    """

    #: Pages an unverified user may still open (no data behind them).
    ALLOWED_VIEWS = frozenset(
        {
            "accounts:login",
            "accounts:logout",
            "web:set-language",
            "accounts:totp-enrol",
            "accounts:totp-verify",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in self.ALLOWED_VIEWS:
            return None
        if request.path_info.startswith(settings.STATIC_URL) or _is_api_view(view_func):
            return None
        step = second_factor.pending_step(user)
        if step is None:
            return None
        name = "accounts:totp-verify" if step == second_factor.VERIFY else "accounts:totp-enrol"
        target = f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


def _is_api_view(view_func) -> bool:
    owner = getattr(view_func, "__self__", None)
    module = type(owner).__module__ if owner is not None else getattr(view_func, "__module__", "") or ""
    return module.startswith("ninja.")
