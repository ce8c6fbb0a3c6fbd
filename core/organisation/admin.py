"""The organisation in Django's admin (administrators only). Saving goes through the
services, so every admin edit is checked by the same rules and audited like a page edit;
the forms run the same checks first so a refusal shows on the form."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.audit.services import record
from core.errors import DatongError

from . import rules, services
from .models import (
    Congress,
    Delegation,
    Deputy,
    District,
    HandlingUnit,
    LiaisonStation,
    Session,
    StandingCommittee,
    Term,
)


def _form_error(form: forms.ModelForm, exc: DatongError) -> None:
    for field, reason in (exc.details or {}).items():
        name = field.split(".")[0]
        form.add_error(name if name in form.fields else None, str(reason))
    if not exc.details:
        form.add_error(None, str(exc.message))


class ServiceAdmin(admin.ModelAdmin):
    """Create and change through `create(by=…, **fields)` / `update(<id>=…, by=…, **changes)`;
    delete with an audit entry."""

    entity = ""  # audit prefix: "unit" → "unit.delete"
    create = None
    update = None
    id_argument = ""
    #: Fields of the form passed to `create` on top of the changed ones (the parents).
    create_fields: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        fields = {name: value for name, value in fields.items() if not self._is_m2m(name)}
        if change:
            saved = type(self).update(**{self.id_argument: obj.pk}, by=request.user, **fields)
        else:
            for name in self.create_fields:
                fields.setdefault(name, form.cleaned_data.get(name))
            saved = type(self).create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def _is_m2m(self, name: str) -> bool:
        return any(f.name == name for f in self.model._meta.many_to_many)

    def delete_model(self, request, obj):
        record(actor=request.user, action=f"{self.entity}.delete", target=obj)
        obj.delete()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class CongressForm(forms.ModelForm):
    class Meta:
        model = Congress
        fields = ["name", "region_name", "region_code", "level", "population", "parameters", "is_demo"]

    def clean(self):
        data = super().clean()
        context = rules.Context(level=data.get("level") or Congress.Level.CITY, population=data.get("population"))
        cleaned, errors = rules.validate_parameters(data.get("parameters") or {}, context=context)
        for key, message in errors.items():
            self.add_error("parameters", f"{key}: {message}")
        data["parameters"] = cleaned
        return data


@admin.register(Congress)
class CongressAdmin(ServiceAdmin):
    form = CongressForm
    entity = "congress"
    create = staticmethod(services.create_congress)
    update = staticmethod(services.update_congress)
    id_argument = "congress_id"
    create_fields = ("name", "region_name", "level")
    list_display = ("name", "region_name", "level", "population", "is_demo")


@admin.register(District)
class DistrictAdmin(ServiceAdmin):
    entity = "district"
    create = staticmethod(services.create_district)
    update = staticmethod(services.update_district)
    id_argument = "district_id"
    create_fields = ("congress", "name")
    list_display = ("name", "code", "kind", "congress", "is_demo")
    list_filter = ("kind", "congress")
    search_fields = ("name", "code")

    def get_readonly_fields(self, request, obj=None):
        return ("congress",) if obj else ()


@admin.register(Term)
class TermAdmin(ServiceAdmin):
    entity = "term"
    create = staticmethod(services.create_term)
    update = staticmethod(services.update_term)
    id_argument = "term_id"
    create_fields = ("congress", "number", "starts_on")
    list_display = ("__str__", "starts_on", "ends_on", "is_current", "is_demo")
    list_filter = ("congress", "is_current")

    def get_readonly_fields(self, request, obj=None):
        return ("congress",) if obj else ()


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["term", "number", "kind", "starts_on", "ends_on", "parameters", "is_demo"]

    def clean(self):
        data = super().clean()
        term = data.get("term") or getattr(self.instance, "term", None)
        if term is not None:
            context = rules.Context(level=term.congress.level, population=term.congress.population)
            cleaned, errors = rules.validate_parameters(
                data.get("parameters") or {}, context=context, scope=rules.SESSION
            )
            for key, message in errors.items():
                self.add_error("parameters", f"{key}: {message}")
            data["parameters"] = cleaned
        return data


@admin.register(Session)
class SessionAdmin(ServiceAdmin):
    form = SessionForm
    entity = "session"
    create = staticmethod(services.create_session)
    update = staticmethod(services.update_session)
    id_argument = "session_id"
    create_fields = ("term", "number", "starts_on", "ends_on")
    list_display = ("__str__", "kind", "starts_on", "ends_on", "is_demo")
    list_filter = ("kind",)

    def get_readonly_fields(self, request, obj=None):
        return ("term",) if obj else ()


class StandingCommitteeForm(forms.ModelForm):
    class Meta:
        model = StandingCommittee
        fields = ["term", "name", "size", "is_demo"]

    def clean(self):
        data = super().clean()
        term = data.get("term") or getattr(self.instance, "term", None)
        if term is not None:
            try:
                rules.validate_sc_size(data.get("size"), level=term.congress.level,
                                       population=term.congress.population)
            except rules.ParameterError as exc:
                self.add_error("size", exc.message)
        return data


@admin.register(StandingCommittee)
class StandingCommitteeAdmin(admin.ModelAdmin):
    form = StandingCommitteeForm
    list_display = ("name", "term", "size", "is_demo")

    def save_model(self, request, obj, form, change):
        saved = services.save_standing_committee(
            by=request.user, term=form.cleaned_data.get("term") or obj.term, name=obj.name, size=obj.size,
            is_demo=obj.is_demo,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        record(actor=request.user, action="standing_committee.delete", target=obj)
        obj.delete()


@admin.register(Delegation)
class DelegationAdmin(ServiceAdmin):
    entity = "delegation"
    create = staticmethod(services.create_delegation)
    update = staticmethod(services.update_delegation)
    id_argument = "delegation_id"
    create_fields = ("term", "name")
    list_display = ("name", "term", "district", "is_demo")
    list_filter = ("term",)
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        return ("term",) if obj else ()


class DeputyForm(forms.ModelForm):
    class Meta:
        model = Deputy
        fields = [
            "term", "code", "name", "gender", "delegation", "district", "occupation", "user", "in_office",
            "left_office_on", "is_demo",
        ]

    def clean(self):
        data = super().clean()
        if data.get("in_office") is False and not data.get("left_office_on"):
            self.add_error("left_office_on", _("Give the date the deputy left office."))
        if data.get("in_office"):
            data["left_office_on"] = None
        return data


@admin.register(Deputy)
class DeputyAdmin(ServiceAdmin):
    form = DeputyForm
    entity = "deputy"
    create = staticmethod(services.create_deputy)
    update = staticmethod(services.update_deputy)
    id_argument = "deputy_id"
    create_fields = ("term", "code", "name", "delegation")
    list_display = ("code", "name", "delegation", "district", "in_office", "is_demo")
    list_filter = ("in_office", "term", "delegation")
    search_fields = ("code", "name", "occupation")
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        return ("term",) if obj else ()


class HandlingUnitForm(forms.ModelForm):
    class Meta:
        model = HandlingUnit
        fields = [
            "congress", "code", "name", "short_name", "kind", "parent", "district", "email", "is_active", "is_demo",
        ]

    def clean(self):
        data = super().clean()
        unit = self.instance
        parent = data.get("parent")
        probe = HandlingUnit(
            pk=unit.pk,
            congress=data.get("congress") or getattr(unit, "congress", None),
            is_active=data.get("is_active", True),
        )
        if probe.congress_id:
            try:
                services.check_unit_parent(probe, parent)
            except DatongError as exc:
                _form_error(self, exc)
        return data


@admin.register(HandlingUnit)
class HandlingUnitAdmin(ServiceAdmin):
    form = HandlingUnitForm
    entity = "unit"
    create = staticmethod(services.create_unit)
    update = staticmethod(services.update_unit)
    id_argument = "unit_id"
    create_fields = ("congress", "code", "name")
    list_display = ("code", "name", "parent", "kind", "is_active", "is_demo")
    list_filter = ("kind", "is_active", "congress")
    search_fields = ("code", "name", "short_name")
    readonly_fields = ("is_active",)
    actions = ("deactivate", "reactivate")

    def get_readonly_fields(self, request, obj=None):
        return ("congress", "is_active") if obj else ("is_active",)

    @admin.action(description=_("Deactivate the selected units"))
    def deactivate(self, request, queryset):
        self._each(request, queryset, lambda unit: services.deactivate_unit(unit_id=unit.pk, by=request.user))

    @admin.action(description=_("Reactivate the selected units"))
    def reactivate(self, request, queryset):
        self._each(request, queryset, lambda unit: services.reactivate_unit(unit_id=unit.pk, by=request.user))

    def _each(self, request, queryset, action):
        for unit in queryset.order_by("-parent_id"):
            try:
                action(unit)
            except DatongError as exc:
                self.message_user(request, f"{unit}: {exc.message}", messages.ERROR)


@admin.register(LiaisonStation)
class LiaisonStationAdmin(ServiceAdmin):
    entity = "station"
    create = staticmethod(services.create_station)
    update = staticmethod(services.update_station)
    id_argument = "station_id"
    create_fields = ("congress", "name")
    list_display = ("name", "district", "is_active", "is_demo")
    list_filter = ("is_active", "congress")
    search_fields = ("name", "address")
    filter_horizontal = ("deputies",)
    readonly_fields = ("is_active",)

    def get_readonly_fields(self, request, obj=None):
        return ("congress", "is_active") if obj else ("is_active",)

    def save_related(self, request, form, formsets, change):
        # Deputies stationed here: through the service (audited), not form.save_m2m().
        services.update_station(
            station_id=form.instance.pk, by=request.user, deputies=list(form.cleaned_data.get("deputies") or [])
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
