from django import forms
from django.utils.translation import gettext_lazy as _

from core.web.widgets import DateInput


class AuditFilterForm(forms.Form):
    """The audit page's filters (all optional, sent with GET)."""

    action = forms.CharField(label=_("Action"), max_length=100, required=False)
    target_type = forms.CharField(
        label=_("Object type"),
        max_length=100,
        required=False,
        help_text=_("For example organisation.handlingunit"),
    )
    target_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    actor = forms.CharField(label=_("Who"), max_length=200, required=False, help_text=_("Account id or name"))
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput()
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
