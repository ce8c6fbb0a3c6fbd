"""Forms of the organisation pages: input parsing only; the services decide and write."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from core.documents import cell_list
from core.web.widgets import DateInput

from . import rules
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

YES_NO_ALL = (("", _("All")), ("1", _("Yes")), ("0", _("No")))


def yes_no(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


# --- filters (GET) ---------------------------------------------------------------------------


class DeputyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    delegation = forms.ModelChoiceField(label=_("Delegation"), queryset=Delegation.objects.none(), required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    in_office = forms.ChoiceField(label=_("In office"), choices=YES_NO_ALL, required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=(("code", _("Deputy number")), ("name", _("Name")), ("delegation", _("Delegation")),
                 ("district", _("District"))),
    )

    def __init__(self, *args, term: Term | None, congress: Congress | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = Delegation.objects.filter(term=term)
        self.fields["district"].queryset = District.objects.filter(congress=congress)


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=(("", _("All")), *HandlingUnit.Kind.choices), required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    active = forms.ChoiceField(label=_("Active"), choices=YES_NO_ALL, required=False)

    def __init__(self, *args, congress: Congress | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(congress=congress)


class StationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    active = forms.ChoiceField(label=_("Open"), choices=YES_NO_ALL, required=False)

    def __init__(self, *args, congress: Congress | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(congress=congress)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


# --- editing ---------------------------------------------------------------------------------


class CongressForm(forms.ModelForm):
    class Meta:
        model = Congress
        fields = ["name", "region_name", "region_code", "level", "population"]


class ParameterForm(forms.Form):
    key = forms.ChoiceField(label=_("Parameter"))
    value = forms.CharField(
        label=_("Value"),
        required=False,
        max_length=2000,
        help_text=_("Empty: back to the national default. Lists: separated by commas; tables: JSON."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(p.key, f"{p.key} · {p.label} ({p.rules})") for p in rules.PARAMETERS]

    def clean_value(self):
        text = self.cleaned_data["value"].strip()
        if not text:
            return None
        if text[0] in "{[":
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                raise forms.ValidationError(_("This is not valid JSON.")) from None
        return text


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["name", "code", "kind"]


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["number", "starts_on", "ends_on", "is_current"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["number", "kind", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}


class StandingCommitteeForm(forms.ModelForm):
    class Meta:
        model = StandingCommittee
        fields = ["name", "size"]


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["name", "district"]

    def __init__(self, *args, congress: Congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(congress=congress)


class DeputyForm(forms.ModelForm):
    class Meta:
        model = Deputy
        fields = ["code", "name", "gender", "delegation", "district", "occupation"]

    def __init__(self, *args, term: Term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = Delegation.objects.filter(term=term)
        self.fields["district"].queryset = District.objects.filter(congress=term.congress)
        self.fields["district"].help_text = _("Empty: the delegation's district.")


class LeaveOfficeForm(forms.Form):
    left_office_on = forms.DateField(label=_("Left office on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class UnitForm(forms.ModelForm):
    class Meta:
        model = HandlingUnit
        fields = ["code", "name", "short_name", "kind", "parent", "district", "email"]

    def __init__(self, *args, congress: Congress, **kwargs):
        super().__init__(*args, **kwargs)
        parents = HandlingUnit.objects.filter(congress=congress, is_active=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["district"].queryset = District.objects.filter(congress=congress)


class StationForm(forms.ModelForm):
    deputy_codes = forms.CharField(
        label=_("Deputies stationed here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Deputy numbers separated by commas or 、."),
    )

    class Meta:
        model = LiaisonStation
        fields = ["name", "district", "address"]

    def __init__(self, *args, congress: Congress, term: Term | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        self.fields["district"].queryset = District.objects.filter(congress=congress)
        if self.instance.pk and not self.is_bound:
            codes = sorted(self.instance.deputies.values_list("code", flat=True))
            self.initial["deputy_codes"] = "、".join(codes)

    def clean_deputy_codes(self):
        codes = cell_list(self.cleaned_data["deputy_codes"])
        found = {d.code: d for d in Deputy.objects.filter(term=self.term, code__in=codes).select_related("term")}
        missing = [code for code in codes if code not in found]
        if missing:
            raise forms.ValidationError(
                _("These deputy numbers do not exist: %(codes)s.") % {"codes": "、".join(missing)}
            )
        return [found[code] for code in codes]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (xlsx)"))
