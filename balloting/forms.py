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
        names = [
            data[name].strip() for name in self.fields if name.startswith("write_in_") and data.get(name)
        ]
        return marks, [name for name in names if name]


# --- counting paper sheets (views_sheets: the motion's pages and the election's) -------------
# The forms parse what staff and scrutineers type; the services decide (ELEC-11, ELEC-12,
# SEC-2) and their refusals come back on the fields. An election's pages use the same forms
# with its ballot's own names for the lines and the write-ins (elections.forms).

BLANK = ""
#: How a line of a paper sheet may read: blank (an abstention, ELEC-12 practice), for,
#: against, abstain, or unclear (the round's unclear-mark policy applies at the count).
SHEET_MARKS = [
    (BLANK, _("Blank")),
    (rules.FOR, _("For")),
    (rules.AGAINST, _("Against")),
    (rules.ABSTAIN, _("Abstain")),
    (rules.UNCLEAR, _("Unclear")),
]


def write_in_lines(round_: Round) -> int:
    """The write-in lines a sheet of this round carries: one per person to choose (ELEC-10)."""
    return 0 if round_.write_ins == Round.WriteIns.NONE else round_.seats


class IssueForm(forms.Form):
    """ELEC-11: the ballots issued (发出选票), against which the returned ones are checked."""

    count = forms.IntegerField(
        label=_("Ballots issued"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ScrutineerForm(forms.Form):
    """A scrutineer of the round (SEC-2): a deputy of the term or a staff account.

    `find(text)` gives the account the text names if it may be appointed, or None
    (selectors.scrutineer_candidate)."""

    account = forms.CharField(
        label=_("Account name or deputy number"),
        max_length=150,
        help_text=_(
            "A deputy in office or a member of staff; they sign in with this account to enter the sheets."
        ),
    )

    def __init__(self, *args, find=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.find = find

    def clean_account(self):
        text = self.cleaned_data["account"].strip()
        user = self.find(text) if self.find is not None else None
        if user is None:
            raise forms.ValidationError(
                _("No deputy in office or staff account matches %(text)s."), params={"text": text}
            )
        return user


class SheetMarksForm(forms.Form):
    """One reading of a paper sheet: a mark per line (blank by default) and the names
    written in. `SheetMarksForm(data, options=…, write_in_lines=…)`.

    What differs from one kind of ballot to another is said by the class:

    - `mark_by`: the Option attribute a line's field is named after (`mark_<position>`
      here; an election's lines go by candidate key);
    - `write_in_label`: the label of the n-th write-in line (ELEC-10);
    - `number_all_lines`: number the lines even when there is only one (a motion's single
      line goes unnumbered).
    """

    mark_by = "position"
    write_in_label = _("Another person (%(number)s)")
    number_all_lines = False

    def __init__(self, *args, options=(), write_in_lines: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        self.write_in_lines = write_in_lines
        for option in self.options:
            self.fields[self.mark_name(option)] = forms.ChoiceField(
                label=option.label,
                choices=SHEET_MARKS,
                required=False,
                initial=BLANK,
                widget=forms.RadioSelect,
            )
        for number in range(1, write_in_lines + 1):
            self.fields[f"write_in_{number}"] = forms.CharField(
                label=self.write_in_label % {"number": number},
                max_length=WRITE_IN_LENGTH,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    @classmethod
    def mark_name(cls, option) -> str:
        return f"mark_{getattr(option, cls.mark_by)}"

    @property
    def numbered(self) -> bool:
        """Whether the template numbers the lines (1., 2., …)."""
        return self.number_all_lines or len(self.options) > 1

    def mark_fields(self) -> list[forms.BoundField]:
        return [self[self.mark_name(option)] for option in self.options]

    def write_in_fields(self) -> list[forms.BoundField]:
        return [self[f"write_in_{number}"] for number in range(1, self.write_in_lines + 1)]

    def marks(self) -> dict[str, str]:
        """The marks by line key; a blank line is left out (it reads as an abstention)."""
        marks = {}
        for option in self.options:
            mark = self.cleaned_data.get(self.mark_name(option)) or BLANK
            if mark != BLANK:
                marks[option.key] = mark
        return marks

    def write_ins(self) -> list[str]:
        names = (
            self.cleaned_data.get(f"write_in_{n}", "").strip() for n in range(1, self.write_in_lines + 1)
        )
        return [name for name in names if name]

    @classmethod
    def initial_for(cls, options, marks: dict, write_ins) -> dict:
        """The form's initial values for a reading already entered."""
        initial = {cls.mark_name(option): (marks or {}).get(option.key, BLANK) for option in options}
        for number, name in enumerate(write_ins or (), start=1):
            initial[f"write_in_{number}"] = name
        return initial


class SheetForm(SheetMarksForm):
    """A scrutineer's reading of one numbered sheet (double entry)."""

    field_order = ["sheet_number"]

    sheet_number = forms.IntegerField(
        label=_("Sheet number"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ResolveForm(SheetMarksForm):
    """The reading of a sheet read differently: the first, the second, or the one agreed
    with the sheet in hand (the marks below)."""

    FIRST, SECOND, AGREED = "1", "2", "agreed"

    field_order = ["use"]

    use = forms.ChoiceField(
        label=_("Which reading is right?"),
        choices=[
            (FIRST, _("The first reading")),
            (SECOND, _("The second reading")),
            (AGREED, _("Neither: the reading below, agreed with the sheet in hand")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
