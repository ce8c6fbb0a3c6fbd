"""Forms of the account pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.organisation.models import Deputy, HandlingUnit
from core.permissions import has_perm

from .roles import Role
from .services import MANAGED_ROLES

phone_validator = RegexValidator(r"^[0-9+\- ()]{5,30}$", _("Enter a telephone number (digits, +, -)."))


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class RegistrationForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
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
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


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
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
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
        self.fields["deputy"].queryset = (
            Deputy.objects.filter(user__isnull=True, in_office=True).order_by("-term__number", "code", "pk")
        )
