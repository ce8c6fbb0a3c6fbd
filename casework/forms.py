"""Filter forms of casework's desks; they parse the query string, the selectors filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.accounts.roles import Role
from core.permissions import role_of

from . import desk_selectors

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AssignmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    unit = UnitChoiceField(label=_("Handling unit"), required=False, queryset=None)
    state = forms.ChoiceField(label=_("Show"), required=False, choices=[
        (desk_selectors.PENDING, _("Replies owed")),
        (desk_selectors.REPLIED, _("Replied")),
        (desk_selectors.ALL, _("All")),
    ])
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)
    key_supervised = forms.ChoiceField(label=_("Key supervised"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any"))] + desk_selectors.kind_choices()
        self.fields["sort"].choices = [(k, v[0]) for k, v in desk_selectors.ASSIGNMENT_SORTS.items()]
        if role_of(user) == Role.STAFF:
            self.fields["unit"].queryset = desk_selectors.unit_choices(user)
        else:
            del self.fields["unit"]  # a clerk sees their own unit only

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "kind": data.get("kind", ""),
            "unit": data["unit"].pk if data.get("unit") else None,
            "state": data.get("state") or desk_selectors.PENDING,
            "overdue": yes_no(data.get("overdue")),
            "key_supervised": yes_no(data.get("key_supervised")),
            "sort": data.get("sort") or "due",
        }


class UnitTableFilterForm(forms.Form):
    q = forms.CharField(label=_("Unit"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, *args, sorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any"))] + desk_selectors.kind_choices()
        self.fields["sort"].choices = [(k, v[0]) for k, v in (sorts or {}).items()]

    def filters(self, default_sort: str) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": data.get("q", ""), "kind": data.get("kind", ""), "sort": data.get("sort") or default_sort}
