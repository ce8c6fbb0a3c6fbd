"""Forms of the session desk: they parse what staff type; the services decide.

Deputies are entered by their deputy number (代表证号), the number on the paper sheets and
badges, so a clerk can key them in without a mouse.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Motion, PresidiumMember

_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_numbers(text: str) -> list[str]:
    """Deputy numbers typed one per line or separated by commas (Chinese ones too)."""
    return [part for part in _SEPARATORS.split(text or "") if part]


class DeputyNumbersField(forms.CharField):
    """Deputy numbers resolved against the deputies the form is given (`deputies`: a
    queryset of the term's deputies, read by the view from a selector)."""

    widget = forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *args, **kwargs):
        self.deputies = None
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        numbers = split_numbers(value)
        if not numbers:
            return []
        found = {d.code: d for d in self.deputies.filter(code__in=numbers)} if self.deputies is not None else {}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("No deputy of this term has the number %(numbers)s."), params={"numbers": "、".join(unknown)}
            )
        seen, deputies = set(), []
        for number in numbers:
            if number not in seen:
                seen.add(number)
                deputies.append(found[number])
        return deputies


class CheckInForm(forms.Form):
    """A deputy's check-in by number (签到)."""

    deputy = forms.CharField(
        label=_("Deputy number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text"}),
    )

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = deputies

    def clean_deputy(self):
        number = self.cleaned_data["deputy"].strip()
        deputy = self.deputies.filter(code=number).first() if self.deputies is not None else None
        if deputy is None:
            raise forms.ValidationError(_("No deputy of this term has the number %(number)s."), params={"number": number})
        return deputy


class SignatureForm(CheckInForm):
    """A deputy's paper signature on a joint motion, or one taken back in writing, entered by
    staff by deputy number (ELEC-19, RES-4)."""

    deputy = forms.CharField(
        label=_("Deputy number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class PresidiumForm(forms.Form):
    """The presidium elected at the preparatory meeting (SESS-3), by deputy number."""

    executive_chairs = DeputyNumbersField(
        label=_("Executive chairs"),
        required=False,
        help_text=_("Deputy numbers, one per line or separated by commas."),
    )
    members = DeputyNumbersField(
        label=_("Other members"),
        required=False,
        help_text=_("Deputy numbers, one per line or separated by commas."),
    )

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executive_chairs"].deputies = deputies
        self.fields["members"].deputies = deputies

    def members_with_roles(self) -> list[tuple]:
        chairs = self.cleaned_data.get("executive_chairs") or []
        others = self.cleaned_data.get("members") or []
        return [(d, PresidiumMember.Role.EXECUTIVE_CHAIR) for d in chairs] + [
            (d, PresidiumMember.Role.MEMBER) for d in others
        ]


class MotionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Motion.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    filed_by = forms.ChoiceField(label=_("Filed by"), choices=Motion.FiledBy.choices)
    recall_of = forms.CharField(
        label=_("Office holder to recall"),
        max_length=100,
        required=False,
        help_text=_("Only for a recall (ELEC-19)."),
    )
    method = forms.ChoiceField(
        label=_("Voting method"),
        required=False,
        choices=[("", _("As the session's rules of procedure say (RES-1)"))] + list(Motion.Method.choices),
    )


class ShowOfHandsForm(forms.Form):
    """A vote by show of hands, counted in the room (RES-1 `vote_method` = hands)."""

    for_votes = forms.IntegerField(label=_("For"), min_value=0)
    against = forms.IntegerField(label=_("Against"), min_value=0)
    abstain = forms.IntegerField(label=_("Abstain"), min_value=0)
