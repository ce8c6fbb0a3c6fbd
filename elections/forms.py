"""Forms of the election desk and the counting pages: they parse what people type; the
services decide (ELEC-*, SEC-2) and their refusals come back on the fields.

Deputies are entered by deputy number (the number on the paper nomination form); a ballot
sheet is entered with one choice per line of the ballot, blank by default, so a counter
only touches the lines that carry a mark (the sheet forms are balloting's, shared with
every paper vote).
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from balloting import forms as sheets
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
        help_text=_(
            "Candidates beyond the seats on the final list; empty: the session's rule (ELEC-6, ELEC-7)."
        ),
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
    is_general_election = forms.BooleanField(
        label=_("General election of the term's leaders"), required=False
    )
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
        label=_("Ballot"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
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
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=50,
        required=False,
        help_text=_("Empty: the deputy's name."),
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=200, required=False)
    biography = forms.CharField(
        label=_("Biography"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
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
            raise forms.ValidationError(
                _("No deputy of this term has the number %(number)s."), params={"number": number}
            )
        return deputy

    def clean_relatives(self):
        relatives = []
        for line in (self.cleaned_data["relatives"] or "").splitlines():
            line = line.strip()
            if not line:
                continue
            parts = re.split(r"[,，、]\s*|\s+", line, maxsplit=1)
            relatives.append(
                {"name": parts[0][:50], "relationship": (parts[1] if len(parts) > 1 else "")[:30]}
            )
        return relatives


class SignaturesForm(forms.Form):
    """Signatures given on a paper joint nomination (书面联名), recorded by staff."""

    deputies = forms.CharField(
        label=_("Deputy numbers of the signatories"),
        widget=forms.Textarea(
            attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false", "autofocus": True}
        ),
        help_text=_("As on the paper form: one per line or separated by commas."),
    )

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = deputies

    def clean_deputies(self):
        numbers = list(dict.fromkeys(split_numbers(self.cleaned_data["deputies"])))
        found = (
            {d.code: d for d in self.deputies.filter(code__in=numbers)} if self.deputies is not None else {}
        )
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("No deputy of this term has the number %(numbers)s."),
                params={"numbers": "、".join(unknown)},
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
    role = forms.ChoiceField(
        label=_("Role"), choices=Scrutineer.Role.choices, initial=Scrutineer.Role.MONITOR
    )

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
            raise forms.ValidationError(
                _("No account or deputy with an account matches %(text)s."), params={"text": text}
            )
        return user


# --- rounds ------------------------------------------------------------------------------


# The counting forms are balloting's (one copy for every paper vote): the ballots issued
# (ELEC-11) and a reading of a sheet. On an election's pages the lines are named by candidate
# key and always numbered (even a single candidate), and the write-in lines are "Write-in n",
# after the numbered write-in lines of the printed ballot (ELEC-10, documents.ballot_docx).
IssueForm = sheets.IssueForm
BLANK = sheets.BLANK
MARK_CHOICES = sheets.SHEET_MARKS
write_in_lines = sheets.write_in_lines


class _ElectionBallot:
    """The election's ballot on the shared sheet forms (balloting.forms.SheetMarksForm)."""

    mark_by = "key"
    write_in_label = _("Write-in %(number)s")
    number_all_lines = True


class BallotEntryForm(_ElectionBallot, sheets.SheetForm):
    """A scrutineer's reading of one numbered sheet (double entry)."""


class ResolveForm(_ElectionBallot, sheets.ResolveForm):
    """The agreed reading of a sheet whose two entries differ: one of them, or the reading
    agreed with the sheet in hand."""


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
