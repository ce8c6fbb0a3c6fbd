"""Per-user language, and the sign-in steps: the second factor, then a password of one's own."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

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
    """A signed-in user with a sign-in step still to do sees nothing but that step's pages.

    The steps, in this order:

    1. The second factor. Whoever has a confirmed TOTP device must enter a code after the
       password; whoever's role is in SECOND_FACTOR_REQUIRED_ROLES (staff and administrators
       in production) and has no device must set one up.
    2. A password of one's own, when someone else chose the current one
       (`User.must_change_password`: an account the congress office made). Only the
       password-change page, signing out and the language switch stay open.

    The API: a browser session that owes the second factor is left to
    core.apikit.SessionAuth, which refuses it with 403 instead of a redirect; a session that
    owes a new password is refused here with 403 (`password_change_required`). Calls with an
    API token are not concerned: a token is made by its owner on the tokens page, which
    itself needs both steps done.
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
    #: Pages a user who must choose a new password may still open.
    PASSWORD_STEP_VIEWS = frozenset(
        {
            "accounts:login",
            "accounts:logout",
            "web:set-language",
            "accounts:password-change",
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
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        if _is_api_view(view_func):
            if user.must_change_password and not _has_token(request) and second_factor.pending_step(user) is None:
                return JsonResponse(
                    {
                        "code": "password_change_required",
                        "message": str(_("Choose a new password on the password page first.")),
                        "details": {},
                    },
                    status=403,
                )
            return None
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match is not None else None
        if view_name in self.ALLOWED_VIEWS and view_name in self.PASSWORD_STEP_VIEWS:
            return None  # signing in and out, the language: open whatever is owed
        step = second_factor.pending_step(user)
        if step is not None:
            if view_name in self.ALLOWED_VIEWS:
                return None
            return _send_to(request, "accounts:totp-verify" if step == second_factor.VERIFY else "accounts:totp-enrol")
        if user.must_change_password and view_name not in self.PASSWORD_STEP_VIEWS:
            return _send_to(request, "accounts:password-change")
        return None


def _send_to(request, url_name: str) -> HttpResponse:
    """Redirect to a sign-in step's page, coming back here afterwards (htmx: HX-Redirect)."""
    target = f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _has_token(request) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _is_api_view(view_func) -> bool:
    owner = getattr(view_func, "__self__", None)
    module = type(owner).__module__ if owner is not None else getattr(view_func, "__module__", "") or ""
    return module.startswith("ninja.")
