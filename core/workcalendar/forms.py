"""Input checks shared by the pages, the API and the `deadline` command."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.errors import ValidationFailed
from core.web.widgets import DateInput

from . import rules
from .models import Holiday

MIN_YEAR, MAX_YEAR = 1949, 2999
ISO_DATE = ["%Y-%m-%d"]

NAME_REQUIRED = _("Give the name of the holiday.")

UNITS = ("months", "days", "working_days")
# The unit as it reads after a number: plural-aware ("1 calendar day", "15 个工作日").
UNIT_LABELS = {
    "months": ngettext_lazy("month", "months", "count"),
    "days": ngettext_lazy("calendar day", "calendar days", "count"),
    "working_days": ngettext_lazy("working day", "working days", "count"),
}


def unit_label(unit: str, count: int) -> str:
    """The unit's name for `count` of it, in the active language."""
    return str(UNIT_LABELS[unit] % {"count": count})


def _year_in_range(value: date) -> None:
    if value and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise forms.ValidationError(
            _("The year must be between %(min)s and %(max)s."), params={"min": MIN_YEAR, "max": MAX_YEAR}
        )


class DeadlineForm(forms.Form):
    """From a date, plus exactly one of months / days / working days (TIME-1)."""

    months = forms.IntegerField(label=_("Months"), required=False, min_value=0, max_value=rules.MAX_MONTHS)
    days = forms.IntegerField(label=_("Calendar days"), required=False, min_value=0, max_value=rules.MAX_DAYS)
    working_days = forms.IntegerField(
        label=_("Working days"), required=False, min_value=0, max_value=rules.MAX_WORKING_DAYS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start = forms.DateField(
            label=_("From (the day of the event, not counted)"),
            input_formats=ISO_DATE,
            validators=[_year_in_range],
            error_messages={
                "required": _("Give the start date."),
                "invalid": _("Enter the start date as YYYY-MM-DD."),
            },
            widget=DateInput(),
        )
        self.fields = {"from": start, **self.fields}

    def clean(self):
        data = super().clean()
        given = [unit for unit in UNITS if data.get(unit) is not None]
        raw_given = [unit for unit in UNITS if (self.data.get(unit) or "").strip()]
        if len(raw_given) > 1 or len(given) > 1:
            self.add_error(None, _("Give only one of months, days or working days."))
        elif not raw_given:
            self.add_error(None, _("Give a number of months, days or working days."))
        elif given:
            data["unit"], data["count"] = given[0], data[given[0]]
        return data

    @property
    def start(self) -> date:
        return self.cleaned_data["from"]


class HolidayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        input_formats=ISO_DATE,
        validators=[_year_in_range],
        widget=DateInput(),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Required for a holiday, e.g. Spring Festival; optional for a make-up working day."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        # A holiday listed without its name tells the reader nothing (rules.holiday_needs_name).
        if rules.holiday_needs_name(data.get("kind", ""), data.get("name", "")):
            self.add_error("name", NAME_REQUIRED)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx) with the columns date, kind, name"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class YearCompleteForm(forms.Form):
    complete = forms.TypedChoiceField(
        choices=(("1", _("complete")), ("0", _("not complete"))), coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def errors_of(form: forms.Form) -> dict[str, str]:
    """A form's errors as {field: message}; errors about the whole form go under "unit"."""
    details: dict[str, str] = {}
    for field, messages in form.errors.items():
        key = "unit" if field == forms.forms.NON_FIELD_ERRORS else field
        details[key] = " ".join(str(m) for m in messages)
    return details


def validated(form: forms.Form) -> dict:
    """The cleaned data, or ValidationFailed (422) with each field's reason."""
    if not form.is_valid():
        raise ValidationFailed(details=errors_of(form))
    return form.cleaned_data
