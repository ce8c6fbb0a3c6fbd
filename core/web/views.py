"""The home page (one per role) and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.accounts import services as account_services
from core.accounts.roles import Role
from core.permissions import has_perm, public, role_of

from . import navigation, published, selectors
from .permissions import ADMIN_DESK

#: Each role's home: its template and the heading that names it (a browser test looks for it).
HOMES = {
    Role.PUBLIC: ("web/home_public.html", gettext_lazy("Public home")),
    Role.STAFF: ("web/home_staff.html", gettext_lazy("Staff desk")),
    Role.DEPUTY: ("web/home_deputy.html", gettext_lazy("Deputy desk")),
    Role.UNIT_CLERK: ("web/home_unit_clerk.html", gettext_lazy("Handling-unit desk")),
    Role.CITIZEN: ("web/home_citizen.html", gettext_lazy("Citizen home")),
    Role.ADMINISTRATOR: ("web/home_administrator.html", gettext_lazy("Administrator desk")),
}


def _role_context(request, role: str) -> dict:
    user = request.user
    if role == Role.STAFF:
        return {
            "figures": selectors.staff_figures(user),
            "per_delegation": selectors.deputies_per_delegation(user),
        }
    if role == Role.DEPUTY:
        return {"deputy": selectors.deputy_record(user), "unread": selectors.unread_count(user)}
    if role == Role.UNIT_CLERK:
        return {"unit": selectors.clerk_unit(user), "unread": selectors.unread_count(user)}
    if role == Role.ADMINISTRATOR and has_perm(user, ADMIN_DESK):
        return {
            "unread": selectors.unread_count(user),
            "system_links": navigation.visible(request, navigation.SYSTEM),
        }
    if role == Role.CITIZEN:
        return {"unread": selectors.unread_count(user)}
    if role == Role.PUBLIC or role not in HOMES:
        # What the domains have published for the congress this site serves (core.web.published).
        return {"published": published.latest(selectors.current_congress())}
    return {}


@public
def home(request):
    """Anyone may open "/": visitors and the `public` role get the public home, every other
    role its own desk (what the role may do is checked again by each selector and page)."""
    role = role_of(request.user) or Role.PUBLIC
    template, heading = HOMES.get(role, HOMES[Role.PUBLIC])
    context = {"heading": heading, "role": role, **_role_context(request, role)}
    if request.htmx and role == Role.STAFF:
        template += "#figures"
    return render(request, template, context)


@public
@require_POST
def set_language(request):
    """Switch the interface language: a cookie for everyone, and the account's saved
    preference for a signed-in user (the user's language wins over the cookie). A visitor's
    choice is also kept in the session, and becomes their account's when they sign in."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("web:home")
    if request.user.is_authenticated:
        # The one state change for a language preference lives in accounts (audited there).
        account_services.set_language(user_id=request.user.pk, language=language, by=request.user)
    else:
        request.session[account_services.LANGUAGE_CHOSEN_BEFORE_SIGN_IN] = language
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
