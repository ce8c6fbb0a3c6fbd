"""Accounts: one user model with a role; a unit clerk is bound to one HandlingUnit."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import rules
from .roles import Role


class DatongUserManager(UserManager):
    """`createsuperuser` makes an administrator: only that role may use the Django admin."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    handling_unit = models.ForeignKey(
        "organisation.HandlingUnit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clerks",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Set when someone else chose the password (an account made by the congress office): the
    # holder must choose their own before using anything else (core.accounts.middleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = DatongUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A unit clerk always answers for exactly one unit; nobody else is bound to one.
            models.CheckConstraint(
                condition=(Q(role=Role.UNIT_CLERK) & Q(handling_unit__isnull=False))
                | (~Q(role=Role.UNIT_CLERK) & Q(handling_unit__isnull=True)),
                name="accounts_user_unit_clerk_has_unit",
            ),
            # Staff use the pages; the Django admin (is_staff, is_superuser) is for administrators.
            models.CheckConstraint(
                condition=Q(role=Role.ADMINISTRATOR) | Q(is_staff=False, is_superuser=False),
                name="accounts_user_only_administrators_use_admin",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        if self.role == Role.UNIT_CLERK and self.handling_unit_id is None:
            raise ValidationError({"handling_unit": _("A unit clerk must belong to a handling unit.")})
        if self.role != Role.UNIT_CLERK and self.handling_unit_id is not None:
            raise ValidationError({"handling_unit": _("Only a unit clerk belongs to a handling unit.")})
        if self.role != Role.ADMINISTRATOR and (self.is_staff or self.is_superuser):
            raise ValidationError({"role": _("Only administrators may use the administration site.")})

    def get_full_name(self) -> str:
        """The account's own name, written by the name-order rule (rules.person_name): 王小明,
        Ann Lee."""
        return rules.person_name(self.first_name, self.last_name)

    @property
    def display_name(self) -> str:
        """The name the pages show for this account (the header, lists, the audit log): a deputy
        account linked to its deputy shows the deputy's name from the register of deputies
        (the account's own name may be empty or a placeholder); else the account's own name;
        else its username."""
        if self.role == Role.DEPUTY and self.pk is not None:
            try:
                deputy_name = (self.deputy.name or "").strip()
            except ObjectDoesNotExist:
                deputy_name = ""
            if deputy_name:
                return deputy_name
        return self.get_full_name() or self.username


class LoginFailure(models.Model):
    """Failed logins per account name and per client address, for lockout.

    `key` is `user:<name>` (kept for names that match no account too, so a lockout never
    reveals whether an account exists) or `ip:<address>`.
    """

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("login failure")
        verbose_name_plural = _("login failures")

    def __str__(self) -> str:
        return self.key


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "dt_" + secrets.token_urlsafe(32)
