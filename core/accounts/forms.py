"""Forms of the account pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.organisation.models import Deputy, HandlingUnit
from core.permissions import has_perm

from . import rules
from .roles import Role
from .services import MANAGED_ROLES, password_problems

PHONE_MESSAGE = _("Enter a telephone number (digits, +, -).")
phone_validator = RegexValidator(rules.PHONE_PATTERN, PHONE_MESSAGE)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class RegistrationForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    # The rules a password must meet, shown from the start (not only after a refusal).
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)
    email = forms.EmailField(
        label=_("E-mail (optional)"), required=False, help_text=_("Only to send you replies and notices.")
    )
    phone = forms.CharField(
        label=_("Telephone (optional)"),
        required=False,
        max_length=30,
        validators=[phone_validator],
        help_text=_("Only to send you replies and notices."),
    )

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password:
            # Every rule the password breaks, each its own message, at the first try (the
            # service checks again when it saves).
            for problem in password_problems(
                password, username=cleaned.get("username", ""), email=cleaned.get("email", "")
            ):
                self.add_error("password1", problem)
        if password and password != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class ContactForm(forms.Form):
    """One's own e-mail address and telephone number (both optional)."""

    email = forms.EmailField(
        label=_("E-mail (optional)"), required=False, help_text=_("Only to send you replies and notices.")
    )
    phone = forms.CharField(
        label=_("Telephone (optional)"),
        required=False,
        max_length=30,
        validators=[phone_validator],
        help_text=_("Only to send you replies and notices."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))


class DeputyChoiceField(forms.ModelChoiceField):
    """A deputy shown as on the other forms: number, then name ("D0012 张三")."""

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    # Family name first, as a Chinese name is written (the name-order rule, rules.person_name).
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"))
    handling_unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("Required for a unit clerk."),
    )
    deputy = DeputyChoiceField(
        label=_("Deputy"),
        queryset=Deputy.objects.none(),
        required=False,
        help_text=_("For a deputy account: the deputy it belongs to."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False, validators=[phone_validator])

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [
            r
            for r in MANAGED_ROLES
            if r != Role.ADMINISTRATOR or has_perm(by, "accounts.manage_administrators")
        ]
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["handling_unit"].queryset = HandlingUnit.objects.filter(is_active=True).order_by(
            "congress", "code"
        )
        self.fields["deputy"].queryset = Deputy.objects.filter(user__isnull=True, in_office=True).order_by(
            "-term__number", "code", "pk"
        )


class AccountFilterForm(forms.Form):
    """The account list's filters (GET). Stand-in contact accounts are left out unless asked for."""

    ANY, ACTIVE, DEACTIVATED, LOCKED, STAND_INS = "", "active", "deactivated", "locked", "contacts"

    q = forms.CharField(
        label=_("Search"), required=False, max_length=150, widget=forms.TextInput(attrs={"type": "search"})
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *Role.choices]
        self.fields["state"].choices = [
            (self.ANY, _("All accounts")),
            (self.ACTIVE, _("Active")),
            (self.DEACTIVATED, _("Deactivated")),
            (self.LOCKED, _("Locked out")),
            (self.STAND_INS, _("Stand-in contact accounts")),
        ]

    def filters(self) -> dict:
        """The chosen filters; unknown values count as none."""
        if not self.is_valid():
            return {"query": "", "role": "", "state": ""}
        data = self.cleaned_data
        return {"query": data["q"].strip(), "role": data["role"], "state": data["state"]}
