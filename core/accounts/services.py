"""Every change to an account, a login counter, a second factor or an API token.

Each function takes keyword-only arguments and the actor as `by=`, checks the permission,
writes, and records one audit entry in the same transaction. `by=None` is the system (used
only by management commands such as `create_demo_accounts`); a view always passes
`request.user`, which is never None, so no page can act as the system.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit.services import record
from core.errors import DatongError, NotAllowed, NotFound, ValidationFailed
from core.permissions import require

from . import rules
from .models import ApiToken, LoginFailure, User
from .roles import Role

#: Roles that the account-management page creates; citizens register themselves.
MANAGED_ROLES = (Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK, Role.ADMINISTRATOR)
#: At most this many live API tokens per account.
MAX_ACTIVE_TOKENS = 20


# --- login and lockout (SEC-8: security measures) -------------------------------------


class LoginRefused(DatongError):
    code = "login_refused"
    status = 403
    # One message whatever went wrong, so a refusal never tells whether the account exists.
    default_message = _("Please enter a correct username and password.")


class LockedOut(LoginRefused):
    code = "locked_out"

    def __init__(self, *, seconds: int):
        minutes = max(1, math.ceil(seconds / 60))
        message = ngettext(
            "Too many failed sign-in attempts. Please try again in %(minutes)s minute.",
            "Too many failed sign-in attempts. Please try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(message)
        self.seconds = seconds


def _account_key(username: str) -> str:
    return (rules.ACCOUNT_KEY_PREFIX + (username or "").strip().lower())[:200]


def _address_key(address: str) -> str:
    return (rules.ADDRESS_KEY_PREFIX + address)[:200]


def _failure_keys(username: str, address: str | None) -> list[str]:
    keys = [_account_key(username)]
    if address:
        keys.append(_address_key(address))
    return keys


def _limit_for(key: str) -> int:
    """The account limit for an account name, the (higher) address limit for an address."""
    return rules.failure_limit(
        key,
        account_limit=settings.LOGIN_FAILURE_LIMIT,
        address_limit=getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", settings.LOGIN_FAILURE_LIMIT),
    )


def client_address(request) -> str | None:
    """The address a request's sign-in failures count against (rules.client_address)."""
    return rules.client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        int(getattr(settings, "LOGIN_TRUSTED_PROXIES", 0)),
    )


def _window() -> timedelta:
    seconds = getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", settings.LOGIN_LOCKOUT_SECONDS)
    return timedelta(seconds=int(seconds))


def lockout_remaining(*, username: str, address: str | None) -> int:
    """Seconds until the account name or the address may try again (0: not locked)."""
    now = timezone.now()
    until = (
        LoginFailure.objects.filter(key__in=_failure_keys(username, address), locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return 0 if until is None else max(1, math.ceil((until - now).total_seconds()))


@transaction.atomic
def record_login_failure(*, username: str, address: str | None) -> int:
    """Count one failed attempt for the name and the address; lock either at the limit.

    Returns the seconds of a lockout this failure started (0 if none). Every lockout writes
    an audit entry. Names that match no account are counted the same way.
    """
    now = timezone.now()
    lockout = timedelta(seconds=int(settings.LOGIN_LOCKOUT_SECONDS))
    locked_for = 0
    for key in _failure_keys(username, address):
        row, _created = LoginFailure.objects.select_for_update().get_or_create(key=key)
        expired_lock = row.locked_until is not None and row.locked_until <= now
        if row.first_failed_at is None or row.first_failed_at <= now - _window() or expired_lock:
            row.failures, row.first_failed_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= _limit_for(key) and row.locked_until is None:
            row.locked_until = now + lockout
            locked_for = int(lockout.total_seconds())
            account = None
            if key.startswith("user:"):
                account = User.objects.filter(username__iexact=username.strip()).first()
            record(
                actor=None,
                action="user.lockout",
                target=account,
                data={"key": key, "failures": row.failures, "locked_until": row.locked_until},
            )
        row.save()
    return locked_for


def clear_login_failures(*, username: str) -> None:
    """A successful sign-in forgives the account name's failures.

    The address counter stays: otherwise one valid account would let a guesser reset it.
    """
    LoginFailure.objects.filter(key=_account_key(username)).delete()


def authenticate_with_lockout(*, request, username: str, password: str) -> User:
    """The user for these credentials, or LockedOut / LoginRefused.

    A locked name or address is refused before the password is even checked, so the right
    password does not help during a lockout.
    """
    address = client_address(request)
    remaining = lockout_remaining(username=username, address=address)
    if remaining:
        raise LockedOut(seconds=remaining)
    user = authenticate(request, username=username, password=password)
    if user is None:
        locked_for = record_login_failure(username=username, address=address)
        if locked_for:
            raise LockedOut(seconds=locked_for)
        raise LoginRefused()
    clear_login_failures(username=username)
    return user


@transaction.atomic
def reset_lockout(*, user_id: int, by) -> User:
    """Staff lift a lockout on an account name (an address has its own: lift_address_lockout)."""
    account = User.objects.filter(pk=user_id).first()
    if account is None:
        raise NotFound()
    require(by, "accounts.manage_account", account)
    deleted, _rows = LoginFailure.objects.filter(key=_account_key(account.username)).delete()
    record(actor=by, action="user.unlock", target=account, data={"cleared": bool(deleted)})
    return account


@transaction.atomic
def lift_address_lockout(*, address: str, by) -> str:
    """Staff lift the lockout of a client address (everyone signing in from it was refused)
    and forget its failures. Raises NotFound when that address is not counted at all."""
    require(by, "accounts.manage")
    address = (address or "").strip()
    row = (
        LoginFailure.objects.select_for_update().filter(key=_address_key(address)).first()
        if address
        else None
    )
    if row is None:
        raise NotFound()
    was_locked = row.locked_until is not None and row.locked_until > timezone.now()
    row.delete()
    record(
        actor=by,
        action="login.unlock_address",
        data={"address": address, "failures": row.failures, "was_locked": was_locked},
    )
    return address


# --- creating accounts -----------------------------------------------------------------


def _password_errors(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def password_problems(password: str, *, username: str = "", email: str = "") -> list[str]:
    """What is wrong with a new password for an account of this name and address, one message
    per broken rule ([] when it is fine): for a form to show before anything is saved."""
    return _password_errors(password, User(username=(username or "").strip(), email=(email or "").strip()))


def _clean(user: User, errors: dict) -> None:
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationFailed(details=errors)


def _username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


@transaction.atomic
def register_citizen(*, username: str, password: str, email: str = "", phone: str = "", by=None) -> User:
    """Self-registration: a new account with role citizen (SEC-3: only name, password and
    optional contact details; SEC-4: the page shows the notice). Raises ValidationFailed."""
    username = (username or "").strip()
    errors: dict[str, str] = {}
    if username and _username_taken(username):
        errors["username"] = str(_("This username is taken."))
    user = User(
        username=username, email=(email or "").strip(), phone=(phone or "").strip(), role=Role.CITIZEN
    )
    problems = _password_errors(password, user)
    if problems:
        errors["password"] = " ".join(problems)
    _clean(user, errors)
    user.set_password(password)
    user.save()
    record(
        actor=user, action="user.register", target=user, after={"username": user.username, "role": user.role}
    )
    return user


@transaction.atomic
def create_account(
    *,
    by,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    handling_unit=None,
    deputy=None,
    password: str | None = None,
    is_demo: bool = False,
) -> tuple[User, str]:
    """Create an account for the congress office, a deputy, a unit clerk or an administrator.

    A unit clerk must be bound to a handling unit; a deputy account may be linked to a Deputy
    who has none yet. Without `password` a random one is made; the pair (user, password) is
    returned so the page can show it once. Only administrators may create administrators.
    An account made by someone (`by` a user) must change that password at its first sign-in
    (`must_change_password`); the system's demo accounts (`by=None`) keep the published
    demo passwords. Raises NotAllowed or ValidationFailed.
    """
    if by is not None:
        require(by, "accounts.manage")
        if role == Role.ADMINISTRATOR:
            require(by, "accounts.manage_administrators")
        if role not in MANAGED_ROLES:
            raise ValidationFailed(details={"role": str(_("Citizens register themselves."))})
    username = (username or "").strip()
    errors: dict[str, str] = {}
    if username and _username_taken(username):
        errors["username"] = str(_("This username is taken."))
    if role == Role.UNIT_CLERK and handling_unit is None:
        errors["handling_unit"] = str(_("A unit clerk must belong to a handling unit."))
    if deputy is not None and (role != Role.DEPUTY or deputy.user_id is not None):
        errors["deputy"] = str(_("Only a deputy account can be linked, to a deputy without an account."))
    is_admin = role == Role.ADMINISTRATOR
    user = User(
        username=username,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        handling_unit=handling_unit if role == Role.UNIT_CLERK else None,
        is_staff=is_admin,
        is_superuser=is_admin,
        is_demo=is_demo,
        must_change_password=by is not None,
    )
    if password is None:
        password = rules.first_password(secrets.choice)
    elif by is not None:
        problems = _password_errors(password, user)
        if problems:
            errors["password"] = " ".join(problems)
    _clean(user, errors)
    user.set_password(password)
    user.save()
    if deputy is not None:
        type(deputy).objects.filter(pk=deputy.pk, user__isnull=True).update(user=user)
    record(
        actor=by,
        action="user.create",
        target=user,
        after={
            "username": user.username,
            "role": user.role,
            "handling_unit": user.handling_unit_id,
            "deputy": deputy.pk if deputy is not None else None,
            "is_demo": is_demo,
            "must_change_password": user.must_change_password,
        },
    )
    return user, password


@transaction.atomic
def set_password(*, user_id: int, password: str, by, validate: bool = True) -> User:
    """Set an account's password: one's own (any signed-in user) or, for the system, any.

    The holder choosing their own password lifts `must_change_password`; the password
    someone else gave them does not count as a new one. Raises NotFound or ValidationFailed.
    """
    account = User.objects.select_for_update().filter(pk=user_id).first()
    if account is None:
        raise NotFound()
    if by is not None:
        require(by, "accounts.profile")
        if by.pk != account.pk:
            raise NotFound()
    if validate:
        problems = _password_errors(password, account)
        if problems:
            raise ValidationFailed(details={"password": " ".join(problems)})
    if account.must_change_password and account.check_password(password):
        raise ValidationFailed(
            details={"password": str(_("Choose a password other than the one you were given."))}
        )
    was_required = account.must_change_password
    account.set_password(password)
    account.must_change_password = False
    account.save(update_fields=["password", "must_change_password"])
    record(
        actor=by,
        action="user.change_password",
        target=account,
        data={"first_sign_in": True} if was_required else None,
    )
    return account


@transaction.atomic
def update_demo_account(*, user_id: int, password: str, handling_unit=None, by=None) -> User:
    """Bring an existing demo account back to its demo password and unit (system only)."""
    if by is not None:
        raise NotAllowed()
    account = User.objects.select_for_update().get(pk=user_id, is_demo=True)
    account.set_password(password)
    account.is_active = True
    # The demo's passwords are published in its README: nobody is asked to change them.
    account.must_change_password = False
    fields = ["password", "is_active", "must_change_password"]
    if account.role == Role.UNIT_CLERK and handling_unit is not None and account.handling_unit_id is None:
        account.handling_unit = handling_unit
        fields.append("handling_unit")
    account.save(update_fields=fields)
    record(actor=None, action="user.reset_demo", target=account)
    return account


@transaction.atomic
def deactivate_user(*, user_id: int, by) -> User:
    """Switch an account off: it can no longer sign in, and its API tokens are revoked."""
    account = User.objects.select_for_update().filter(pk=user_id).first()
    if account is None:
        raise NotFound()
    require(by, "accounts.manage_account", account)
    if account.pk == by.pk:
        raise ValidationFailed(details={"user": str(_("You cannot deactivate your own account."))})
    if account.is_active:
        account.is_active = False
        account.save(update_fields=["is_active"])
        revoked = ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(
            actor=by,
            action="user.deactivate",
            target=account,
            before={"is_active": True},
            after={"is_active": False},
            data={"tokens_revoked": revoked},
        )
    return account


@transaction.atomic
def update_contact_details(*, user_id: int, email: str, phone: str, by) -> User:
    """Change one's own e-mail address and telephone number (both optional, SEC-3: given by
    the holder to be sent replies and notices). The audit entry names the fields that changed,
    not their values (SEC-5: the log keeps no copy of the personal data). Raises NotFound
    (someone else's account) or ValidationFailed."""
    account = User.objects.select_for_update().filter(pk=user_id).first()
    if account is None or by is None or by.pk != account.pk:
        raise NotFound()
    require(by, "accounts.profile")
    new = {"email": (email or "").strip(), "phone": (phone or "").strip()}
    changed = sorted(field for field, value in new.items() if getattr(account, field) != value)
    if not changed:
        return account
    for field in changed:
        setattr(account, field, new[field])
    errors: dict[str, str] = {}
    try:
        account.full_clean(exclude=["password", "username"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field in new:
                errors[field] = " ".join(messages)
    if new["phone"] and not rules.is_phone_number(new["phone"]):
        errors["phone"] = str(_("Enter a telephone number (digits, +, -)."))
    if errors:
        raise ValidationFailed(details=errors)
    account.save(update_fields=changed)
    record(actor=by, action="user.update_contact", target=account, data={"changed": changed})
    return account


#: The session key of a language a visitor chose before signing in: that choice, made just now,
#: becomes the account's at sign-in (else the account's older choice would undo it).
LANGUAGE_CHOSEN_BEFORE_SIGN_IN = "language_chosen_before_sign_in"


@transaction.atomic
def set_language(*, user_id: int, language: str, by) -> User:
    """Save the language an account sees (zh-hans or en)."""
    account = User.objects.select_for_update().filter(pk=user_id).first()
    if account is None or by is None or by.pk != account.pk:
        raise NotFound()
    require(by, "accounts.profile")
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(details={"language": str(_("Unknown language."))})
    before = account.language
    if before != language:
        account.language = language
        account.save(update_fields=["language"])
        record(
            actor=by,
            action="user.set_language",
            target=account,
            before={"language": before},
            after={"language": language},
        )
    return account


# --- second factor (TOTP) --------------------------------------------------------------


@transaction.atomic
def start_totp_enrolment(*, by) -> TOTPDevice:
    """The user's unconfirmed TOTP device (made on first call): its key goes into the QR code."""
    require(by, "accounts.profile")
    device = TOTPDevice.objects.filter(user=by, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=by, name="Datong", confirmed=False)
    return device


def confirm_totp_device(*, device_id: int, token: str, by) -> TOTPDevice | None:
    """Confirm an enrolment with a code from the app; None when the code is wrong.

    Not one atomic block on purpose: a wrong code must leave the device's throttle counter
    raised (a rollback would erase it and allow unlimited guessing).
    """
    require(by, "accounts.profile")
    device = TOTPDevice.objects.filter(pk=device_id, user=by, confirmed=False).first()
    if device is None:
        raise NotFound()
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(actor=by, action="user.enrol_second_factor", target=by, data={"device": device.pk})
    return device


def verify_second_factor(*, token: str, by):
    """The confirmed device that accepts this code, or None (devices throttle wrong codes)."""
    require(by, "accounts.profile")
    return match_token(by, (token or "").strip())


@transaction.atomic
def remove_second_factor(*, user_id: int, by) -> User:
    """Remove an account's TOTP devices: one's own, or (staff) someone who lost their phone."""
    account = User.objects.filter(pk=user_id).first()
    if account is None:
        raise NotFound()
    if by.pk == account.pk:
        require(by, "accounts.profile")
    else:
        require(by, "accounts.manage_account", account)
    removed, _rows = TOTPDevice.objects.filter(user=account).delete()
    record(actor=by, action="user.remove_second_factor", target=account, data={"devices": removed})
    return account


# --- API tokens ------------------------------------------------------------------------


@transaction.atomic
def create_token(*, name: str, by) -> tuple[ApiToken, str]:
    """A new personal API token; returns (token, key). Only the key's hash is stored."""
    require(by, "accounts.token")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(details={"name": str(_("Give the token a name of at most 100 characters."))})
    if ApiToken.objects.filter(user=by, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(details={"name": str(_("Revoke an old token first."))})
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=by, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8])
    record(actor=by, action="api_token.create", target=token, data={"name": name, "prefix": token.prefix})
    return token, key


@transaction.atomic
def revoke_token(*, token_id: int, by) -> ApiToken:
    """Revoke one of one's own tokens (someone else's is "not found")."""
    require(by, "accounts.token")
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=by).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=by, action="api_token.revoke", target=token, data={"prefix": token.prefix})
    return token
