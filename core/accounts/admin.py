"""The Django admin, for administrators only; the congress office uses the account pages."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.permissions import has_perm

from . import second_factor
from .models import ApiToken, LoginFailure, User


class DatongAdminSite(AdminSite):
    """Only an active administrator (with a verified second factor where required) gets in.

    Sign-in goes through the accounts login page, so the admin has the same lockout and
    second factor as every other page.
    """

    site_header = _("Datong administration")
    site_title = _("Datong administration")

    def has_permission(self, request) -> bool:
        user = request.user
        if not has_perm(user, "accounts.admin_site"):
            return False
        return second_factor.pending_step(user) is None

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index")
        if self.has_permission(request):
            return redirect(reverse("admin:index"))
        # Signed in and done with the second factor, yet no administrator: refuse, rather than
        # offer a second sign-in form to try other names on.
        if request.user.is_authenticated and second_factor.pending_step(request.user) is None:
            raise PermissionDenied
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


# The project's admin.site instance takes this class; django-otp documents the same switch
# (`admin.site.__class__ = OTPAdminSite`) for installing a stricter site without new URLs.
admin.site.__class__ = DatongAdminSite


class DatongUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role", "handling_unit")


class DatongUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = DatongUserChangeForm
    add_form = DatongUserCreationForm
    list_display = ("username", "display_name", "role", "handling_unit", "is_active", "is_demo", "last_login")
    list_filter = ("role", "is_active", "is_demo", "language")
    search_fields = ("username", "first_name", "last_name", "email")
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    raw_id_fields = ("handling_unit",)
    list_select_related = ("handling_unit", "deputy")  # display_name reads a deputy account's deputy
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Role"), {"fields": ("role", "handling_unit", "is_active", "is_demo", "must_change_password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email", "phone", "language")}),
        (_("Administration site"), {"fields": ("is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "handling_unit", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.display_name

    def save_model(self, request, obj, form, change):
        # Only an administrator uses the admin site (constraint accounts_user_only_administrators_use_admin).
        is_admin = obj.role == "administrator"
        obj.is_staff = obj.is_superuser = is_admin
        if not change and obj.has_usable_password():
            # The administrator chose this password: its holder replaces it at first sign-in.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="user.change" if change else "user.create",
            target=obj,
            data={"via": "admin", "fields": sorted(form.changed_data)},
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "key_hash", "prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request) -> bool:
        return False  # tokens are made on the tokens page, where the key is shown once


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("key", "failures", "first_failed_at", "locked_until", "updated_at")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "first_failed_at", "locked_until", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False
