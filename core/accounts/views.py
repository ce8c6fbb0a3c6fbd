"""Account pages: sign in and out, register, profile, second factor, API tokens, and the
account-management page of the congress office. Each view declares its permission."""

from __future__ import annotations

import functools

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import activate
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from core.errors import NotAllowed, NotFound, ValidationFailed
from core.permissions import public, requires

from . import second_factor, selectors, services
from .forms import (
    AccountCreateForm,
    AccountFilterForm,
    CodeForm,
    ContactForm,
    LanguageForm,
    LoginForm,
    RegistrationForm,
    TokenForm,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _domain_errors(view):
    """Map the domain's refusals to the page answers: 403 and 404."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except NotFound as exc:
            raise Http404 from exc

    return wrapped


def _given_next(request) -> str:
    """The `next` the request carries, if it stays on this site ("" otherwise)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _safe_next(request, default: str | None = None) -> str:
    """Where to go after this page: a same-site `next`, else `default` or the home page."""
    target = _given_next(request)
    if target:
        return target
    if default:
        return default
    try:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:  # the home page is not there (yet): the profile always is
        return reverse("accounts:profile")


def _with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


def _add_errors(form, exc: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ValidationFailed details on the form's fields."""
    for field, message in exc.details.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, str(message))


def _after_sign_in(request, target: str) -> HttpResponseRedirect:
    step = second_factor.pending_step(request.user)
    if step == second_factor.VERIFY:
        return redirect(_with_next("accounts:totp-verify", target))
    if step == second_factor.ENROL:
        return redirect(_with_next("accounts:totp-enrol", target))
    return redirect(target)


# --- sign in, sign out, register --------------------------------------------------------


@public
@sensitive_post_parameters("password")
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate_with_lockout(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.LoginRefused as exc:
            form.add_error(None, str(exc.message))
        else:
            auth_login(request, user, backend=BACKEND)
            chosen = request.session.pop(services.LANGUAGE_CHOSEN_BEFORE_SIGN_IN, None)
            if chosen and chosen != user.language:
                services.set_language(user_id=user.pk, language=chosen, by=user)
            return _after_sign_in(request, _safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": _given_next(request)})


@public
@require_POST
def logout_view(request):
    auth_logout(request)
    try:
        target = resolve_url(settings.LOGOUT_REDIRECT_URL)
    except NoReverseMatch:
        target = reverse("accounts:login")
    return redirect(target)


@public
@sensitive_post_parameters("password1", "password2")
def register_view(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_citizen(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                by=request.user,
            )
        except ValidationFailed as exc:
            _add_errors(form, exc, aliases={"password": "password1"})
        else:
            auth_login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect(_safe_next(request, default=reverse("accounts:profile")))
    return render(request, "accounts/register.html", {"form": form})


# --- language ---------------------------------------------------------------------------


# --- profile, password ------------------------------------------------------------------


def _contact_form(user, data=None) -> ContactForm:
    return ContactForm(data, initial={"email": user.email, "phone": user.phone})


def _profile_page(request, *, form=None, contact_form=None):
    user = request.user
    context = {
        "form": form or LanguageForm(initial={"language": user.language}),
        "contact_form": contact_form or _contact_form(user),
        "profile": selectors.profile_of(user),
        "has_device": second_factor.has_device(user),
        "second_factor_required": second_factor.is_required(user),
    }
    return render(request, "accounts/profile.html", context)


@requires("accounts.profile")
@_domain_errors
def profile_view(request):
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        services.set_language(
            user_id=request.user.pk, language=form.cleaned_data["language"], by=request.user
        )
        activate(form.cleaned_data["language"])
        messages.success(request, _("Your language is saved."))
        return redirect("accounts:profile")
    return _profile_page(request, form=form)


@requires("accounts.profile")
@require_POST
@_domain_errors
def contact_view(request):
    """Change one's own e-mail address and telephone number (the form is on the profile page)."""
    form = _contact_form(request.user, request.POST)
    if form.is_valid():
        try:
            services.update_contact_details(
                user_id=request.user.pk,
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                by=request.user,
            )
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your contact details are saved."))
            return redirect("accounts:profile")
    return _profile_page(request, contact_form=form)


@requires("accounts.profile")
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@_domain_errors
def password_change_view(request):
    """Change one's password; an account whose password someone else chose comes here first
    (core.accounts.middleware) and goes on to where it was headed (`next`) once it is done."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(
                user_id=request.user.pk,
                password=form.cleaned_data["new_password1"],
                by=request.user,
                validate=False,
            )
        except ValidationFailed as exc:
            _add_errors(form, exc, aliases={"password": "new_password1"})
        else:
            request.user.refresh_from_db(fields=["password", "must_change_password"])
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect(_safe_next(request, default=reverse("accounts:profile")))
    context = {"form": form, "next": _given_next(request), "required": request.user.must_change_password}
    return render(request, "accounts/password_change.html", context)


# --- second factor ----------------------------------------------------------------------


@requires("accounts.profile")
@_domain_errors
def totp_enrol_view(request):
    user = request.user
    target = _safe_next(request, default=reverse("accounts:profile"))
    if second_factor.has_device(user):
        if not second_factor.is_verified(user):
            return redirect(_with_next("accounts:totp-verify", target))
        return render(request, "accounts/totp_enrolled.html", {"next": target})
    device = services.start_totp_enrolment(by=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.confirm_totp_device(
            device_id=device.pk, token=form.cleaned_data["token"], by=user
        )
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(request, _("Your second factor is set up."))
            return redirect(target)
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(
            scale=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
        ),
        "secret": second_factor.secret_for_display(device),
        "next": target,
        "required": second_factor.is_required(user),
    }
    return render(request, "accounts/totp_enrol.html", context)


@requires("accounts.profile")
@_domain_errors
def totp_verify_view(request):
    user = request.user
    target = _safe_next(request)
    if second_factor.is_verified(user):
        return redirect(target)
    if not second_factor.has_device(user):
        return redirect(_with_next("accounts:totp-enrol", target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(token=form.cleaned_data["token"], by=user)
        if device is not None:
            otp_login(request, device)
            return redirect(target)
        form.add_error("token", _("That code is not right. Wait for the next code and try again."))
    return render(request, "accounts/totp_verify.html", {"form": form, "next": target})


@requires("accounts.profile")
@require_POST
@_domain_errors
def totp_remove_view(request):
    if not second_factor.is_verified(request.user):
        return redirect(_with_next("accounts:totp-verify", reverse("accounts:profile")))
    services.remove_second_factor(user_id=request.user.pk, by=request.user)
    messages.success(request, _("Your second factor is removed."))
    return redirect("accounts:profile")


# --- API tokens -------------------------------------------------------------------------


@requires("accounts.token")
@_domain_errors
def token_list_view(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.create_token(name=form.cleaned_data["name"], by=request.user)
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            form = TokenForm()
    context = {"form": form, "tokens": selectors.tokens_for(request.user), "new_key": new_key}
    return render(request, "accounts/tokens.html", context)


@requires("accounts.token")
@require_POST
@_domain_errors
def token_revoke_view(request, token_id: int):
    services.revoke_token(token_id=token_id, by=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:token-list")


# --- account management (congress office) ----------------------------------------------


#: Accounts on one page of the account list.
ACCOUNTS_PER_PAGE = 50
#: The session key under which a new account's first password waits for its one showing.
FIRST_PASSWORD_SESSION_KEY = "accounts_first_password"


@requires("accounts.manage")
@_domain_errors
def user_list_view(request):
    filter_form = AccountFilterForm(request.GET or None)
    rows = selectors.accounts_for(request.user, **filter_form.filters())
    page = Paginator(rows, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    facts = selectors.account_row_facts(request.user, page.object_list)
    context = {
        "filter_form": filter_form,
        "page": page,
        "rows": [(account, facts[account.pk]) for account in page.object_list],
        "locked_addresses": selectors.locked_addresses(request.user),
    }
    return render(request, "accounts/user_list.html", context)


@requires("accounts.manage")
@_domain_errors
def user_create_view(request):
    form = AccountCreateForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account, password = services.create_account(by=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            # Shown once on the next page (never in an address): reloading it sends nothing again.
            request.session[FIRST_PASSWORD_SESSION_KEY] = {"account": account.pk, "password": password}
            return redirect("accounts:user-created")
    return render(request, "accounts/user_create.html", {"form": form})


@requires("accounts.manage")
@never_cache
@_domain_errors
def user_created_view(request):
    """The account just made, with its first password: shown once, then gone from the session."""
    waiting = request.session.pop(FIRST_PASSWORD_SESSION_KEY, None)
    if not waiting:
        messages.info(request, _("A first password is shown only once, right after the account is made."))
        return redirect("accounts:user-list")
    account = selectors.account_for(request.user, waiting["account"])
    return render(
        request, "accounts/user_created.html", {"account": account, "password": waiting["password"]}
    )


@requires("accounts.manage")
@require_POST
@_domain_errors
def user_deactivate_view(request, user_id: int):
    try:
        account = services.deactivate_user(user_id=user_id, by=request.user)
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(m) for m in exc.details.values()))
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": account.username})
    return redirect("accounts:user-list")


@requires("accounts.manage")
@require_POST
@_domain_errors
def user_reset_lockout_view(request, user_id: int):
    account = services.reset_lockout(user_id=user_id, by=request.user)
    messages.success(request, _("%(name)s may sign in again.") % {"name": account.username})
    return redirect("accounts:user-list")


@requires("accounts.manage")
@require_POST
@_domain_errors
def address_unlock_view(request):
    address = services.lift_address_lockout(address=request.POST.get("address", ""), by=request.user)
    messages.success(request, _("Sign-in from %(address)s is possible again.") % {"address": address})
    return redirect("accounts:user-list")


@requires("accounts.manage")
@require_POST
@_domain_errors
def user_reset_second_factor_view(request, user_id: int):
    account = services.remove_second_factor(user_id=user_id, by=request.user)
    messages.success(request, _("%(name)s must set up a second factor again.") % {"name": account.username})
    return redirect("accounts:user-list")
