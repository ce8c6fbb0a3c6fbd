"""Forms of the election desk and the counting pages: they parse what people type; the
services decide (ELEC-*, SEC-2) and their refusals come back on the fields.

Deputies are entered by deputy number (the number on the paper nomination form); a ballot
sheet is entered with one choice per line of the ballot, blank by default, so a counter
only touches the lines that carry a mark.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from balloting import rules as ballot_rules
from balloting.models import Round
from core.web.widgets import DateTimeInput

from .models import Election, Nomination, Office, Scrutineer

_SEPARATORS = re.compile(r"[\s,，、;；]+")
DATETIME_WIDGET = DateTimeInput()
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def split_numbers(text: str) -> list[str]:
    """Deputy numbers typed one per line or separated by commas (Chinese ones too)."""
    return [part for part in _SEPARATORS.split(text or "") if part]


def _deputy_by_number(deputies, number: str):
    return deputies.filter(code=number).first() if deputies is not None else None


# --- offices and elections ---------------------------------------------------------------


class OfficeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Office (ELEC-1)"), choices=Office.Kind.choices)
    name = forms.CharField(
        label=_("Title used by the city"), max_length=100, help_text=_("As printed on the ballot.")
    )


class ElectionForm(forms.Form):
    """The election of the seats of one office at a session, with the session's margin
    (ELEC-6, ELEC-7; ELEC-17 by-election) and the deliberation time (ELEC-8)."""

    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    office = forms.ModelChoiceField(label=_("Office"), queryset=None)
    seats = forms.IntegerField(label=_("Seats to fill"), min_value=1, initial=1)
    margin = forms.IntegerField(
        label=_("Extra candidates"),
        min_value=0,
        required=False,
        help_text=_("Candidates beyond the seats on the final list; empty: the session's rule (ELEC-6, ELEC-7)."),
    )
    nominations_open_at = forms.DateTimeField(
        label=_("Nominations open"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ballot_at = forms.DateTimeField(
        label=_("Ballot"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("At a general election at least two days after nominations open (ELEC-8)."),
    )
    is_general_election = forms.BooleanField(label=_("General election of the term's leaders"), required=False)
    is_by_election = forms.BooleanField(label=_("By-election (ELEC-17)"), required=False)
    vote_method = forms.ChoiceField(
        label=_("Voting method"), choices=Election.Method.choices, initial=Election.Method.PAPER
    )

    def __init__(self, *args, sessions=None, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["office"].queryset = offices


class ScheduleForm(forms.Form):
    ballot_at = forms.DateTimeField(
        label=_("Ballot"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS,
        help_text=_("At a general election at least two days after nominations open (ELEC-8)."),
    )


# --- nominations -------------------------------------------------------------------------


class NominationForm(forms.Form):
    """A nominee put forward by the presidium or by deputies jointly in writing (ELEC-4)."""

    nominated_by = forms.ChoiceField(label=_("Nominated by"), choices=Nomination.By.choices)
    deputy = forms.CharField(
        label=_("Deputy number of the nominee"),
        max_length=20,
        required=False,
        help_text=_("Required for the standing committee, whose members are deputies (ELEC-1)."),
    )
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False, help_text=_("Empty: the deputy's name."))
    occupation = forms.CharField(label=_("Occupation"), max_length=200, required=False)
    biography = forms.CharField(label=_("Biography"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    holds_state_post = forms.BooleanField(
        label=_("Holds a post in an administrative, supervisory, judicial or procuratorial organ (ELEC-3)"),
        required=False,
    )
    relatives = forms.CharField(
        label=_("Close relatives declared on the form"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, relationship. They may not be scrutineers (SEC-2)."),
    )

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = deputies

    def clean_deputy(self):
        number = self.cleaned_data["deputy"].strip()
        if not number:
            return None
        deputy = _deputy_by_number(self.deputies, number)
        if deputy is None:
            raise forms.ValidationError(_("No deputy of this term has the number %(number)s."), params={"number": number})
        return deputy

    def clean_relatives(self):
        relatives = []
        for line in (self.cleaned_data["relatives"] or "").splitlines():
            line = line.strip()
            if not line:
                continue
            parts = re.split(r"[,，、]\s*|\s+", line, maxsplit=1)
            relatives.append({"name": parts[0][:50], "relationship": (parts[1] if len(parts) > 1 else "")[:30]})
        return relatives


class SignaturesForm(forms.Form):
    """Signatures given on a paper joint nomination (书面联名), recorded by staff."""

    deputies = forms.CharField(
        label=_("Deputy numbers of the signatories"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false", "autofocus": True}),
        help_text=_("As on the paper form: one per line or separated by commas."),
    )

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = deputies

    def clean_deputies(self):
        numbers = list(dict.fromkeys(split_numbers(self.cleaned_data["deputies"])))
        found = {d.code: d for d in self.deputies.filter(code__in=numbers)} if self.deputies is not None else {}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("No deputy of this term has the number %(numbers)s."), params={"numbers": "、".join(unknown)}
            )
        return [found[n] for n in numbers]


class RelativeForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    relationship = forms.CharField(label=_("Relationship"), max_length=30, required=False)


class ScrutineerForm(forms.Form):
    """A scrutineer or counter chosen by the deputies (SEC-2)."""

    account = forms.CharField(
        label=_("Account name or deputy number"),
        max_length=150,
        help_text=_("The person signs in with this account to enter ballots and sign the result."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Scrutineer.Role.choices, initial=Scrutineer.Role.MONITOR)

    def __init__(self, *args, accounts=None, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        self.deputies = deputies

    def clean_account(self):
        text = self.cleaned_data["account"].strip()
        user = self.accounts.filter(username=text).first() if self.accounts is not None else None
        if user is None:
            deputy = _deputy_by_number(self.deputies, text)
            user = deputy.user if deputy is not None else None
        if user is None:
            raise forms.ValidationError(_("No account or deputy with an account matches %(text)s."), params={"text": text})
        return user


# --- rounds ------------------------------------------------------------------------------


class IssueForm(forms.Form):
    """ELEC-11: the ballots issued (发出选票), checked against the ballots returned."""

    count = forms.IntegerField(label=_("Ballots issued"), min_value=0)


BLANK = ""
MARK_CHOICES = [
    (BLANK, _("Blank")),
    (ballot_rules.FOR, _("For")),
    (ballot_rules.AGAINST, _("Against")),
    (ballot_rules.ABSTAIN, _("Abstain")),
    (ballot_rules.UNCLEAR, _("Unclear")),
]


class MarksForm(forms.Form):
    """One reading of a ballot sheet: a choice per line (blank by default; a blank counts
    as an abstention, ELEC-12 practice) and the write-in lines (ELEC-10)."""

    def __init__(self, *args, options: Sequence = (), write_in_lines: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        for option in self.options:
            self.fields[self.mark_field(option.key)] = forms.ChoiceField(
                label=option.label,
                choices=MARK_CHOICES,
                required=False,
                initial=BLANK,
                widget=forms.RadioSelect,
            )
        for number in range(1, write_in_lines + 1):
            self.fields[self.write_in_field(number)] = forms.CharField(
                label=_("Write-in %(number)s") % {"number": number},
                max_length=50,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )
        self.write_in_lines = write_in_lines

    @staticmethod
    def mark_field(key: str) -> str:
        return f"mark_{key}"

    @staticmethod
    def write_in_field(number: int) -> str:
        return f"write_in_{number}"

    def mark_fields(self):
        return [self[self.mark_field(option.key)] for option in self.options]

    def write_in_fields(self):
        return [self[self.write_in_field(n)] for n in range(1, self.write_in_lines + 1)]

    def marks(self) -> dict[str, str]:
        marks = {}
        for option in self.options:
            mark = self.cleaned_data.get(self.mark_field(option.key)) or BLANK
            if mark != BLANK:
                marks[option.key] = mark
        return marks

    def write_ins(self) -> list[str]:
        names = (self.cleaned_data.get(self.write_in_field(n), "").strip() for n in range(1, self.write_in_lines + 1))
        return [name for name in names if name]

    @classmethod
    def initial_for(cls, marks: dict, write_ins: Sequence[str]) -> dict:
        initial = {cls.mark_field(key): mark for key, mark in (marks or {}).items()}
        for number, name in enumerate(write_ins or (), start=1):
            initial[cls.write_in_field(number)] = name
        return initial


def write_in_lines(round_: Round) -> int:
    """The write-in lines a ballot of this round carries: one per seat (ELEC-10, ELEC-12)."""
    return 0 if round_.write_ins == Round.WriteIns.NONE else round_.seats


class BallotEntryForm(MarksForm):
    """A scrutineer's reading of one numbered sheet (double entry)."""

    field_order = ["sheet_number"]

    sheet_number = forms.IntegerField(
        label=_("Sheet number"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ResolveForm(MarksForm):
    """The agreed reading of a sheet whose two entries differ: one of them, or the reading
    agreed with the sheet in hand."""

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


# --- after a round -------------------------------------------------------------------------


class RunoffForm(forms.Form):
    """ELEC-15: the run-off's list: candidates still standing and/or fresh nominations."""

    candidates = forms.MultipleChoiceField(
        label=_("Candidates from the earlier rounds"), required=False, widget=forms.CheckboxSelectMultiple
    )
    nominations = forms.MultipleChoiceField(
        label=_("Fresh nominations"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, ranking=(), nominations=(), **kwargs):
        """`ranking`: the candidates still standing with their votes, most first
        (selectors.runoff_ranking), listed in that order with their votes."""
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = [
            (
                str(r.candidate.pk),
                ngettext("%(name)s: %(votes)s vote", "%(name)s: %(votes)s votes", r.votes)
                % {"name": r.candidate.name, "votes": r.votes},
            )
            for r in ranking
        ]
        self.fields["nominations"].choices = [(str(n.pk), n.name) for n in nominations]


class LotForm(forms.Form):
    """ELEC-9 with `primary_tie_rule` = lot: the nominees the draw chose."""

    nominations = forms.MultipleChoiceField(label=_("Drawn"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, nominations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].choices = [(str(n.pk), n.name) for n in nominations]
