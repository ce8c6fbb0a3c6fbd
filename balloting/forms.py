"""The ballot a deputy marks on a phone in the room.

One form for every electronic round, built from the round's lines:

- a single line without write-ins (a resolution, RES-1): one choice, for / against / abstain;
- several lines (an election, a project vote): a mark per line, none meaning blank
  (ELEC-12: a blank counts as an abstention), and as many write-in boxes as there are
  persons to choose when the round takes write-ins (ELEC-10).

The form checks only the shape of what was sent. Whether the ballot is one the round
accepts (too many chosen, ELEC-12; a write-in who is not a deputy, ELEC-10) is decided by
`services.cast_vote`; the view shows its answer on the form.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Option, Round

CHOICES = [
    (rules.FOR, _("For")),
    (rules.AGAINST, _("Against")),
    (rules.ABSTAIN, _("Abstain")),
]

#: A written-in name is a person's name (services.MAX_WRITE_IN).
WRITE_IN_LENGTH = 50


def is_single_choice(round_: Round, options: list[Option]) -> bool:
    """A vote on one motion: one line, nobody to write in."""
    return len(options) == 1 and round_.write_ins == Round.WriteIns.NONE


class BallotForm(forms.Form):
    """`BallotForm(round_, options, data=request.POST)`; `ballot()` gives (marks, write-ins)."""

    def __init__(self, round_: Round, options: list[Option], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.round = round_
        self.options = options
        self.single = is_single_choice(round_, options)
        if self.single:
            self.fields["choice"] = forms.ChoiceField(
                label=options[0].label,
                choices=CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose for, against or abstain.")},
            )
            return
        for option in options:
            self.fields[self.mark_name(option)] = forms.ChoiceField(
                label=option.label,
                choices=CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
        if round_.write_ins != Round.WriteIns.NONE:
            for number in range(1, round_.seats + 1):
                self.fields[f"write_in_{number}"] = forms.CharField(
                    label=_("Another person (%(number)s)") % {"number": number},
                    required=False,
                    max_length=WRITE_IN_LENGTH,
                )

    @staticmethod
    def mark_name(option: Option) -> str:
        return f"mark_{option.position}"

    def mark_fields(self) -> list[tuple[Option, forms.BoundField]]:
        """Each ballot line with its bound field, in ballot order (for the template)."""
        if self.single:
            return []
        return [(option, self[self.mark_name(option)]) for option in self.options]

    def write_in_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("write_in_")]

    def ballot(self) -> tuple[dict[str, str], list[str]]:
        """The marks by line key and the names written in, from the cleaned data."""
        data = self.cleaned_data
        if self.single:
            return {self.options[0].key: data["choice"]}, []
        marks = {}
        for option in self.options:
            mark = data.get(self.mark_name(option))
            if mark:
                marks[option.key] = mark
        names = [data[name].strip() for name in self.fields if name.startswith("write_in_") and data.get(name)]
        return marks, [name for name in names if name]
