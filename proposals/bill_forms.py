"""Forms of the bill and interpellation pages: they parse input; the services decide
(BILL-1..6, RES-2) and their refusals are put back on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.web.widgets import DateInput, DateTimeInput

from . import bill_rules as rules
from .bill_models import Bill, InterpellationRound
from .rules import SATISFACTION_LABELS


class DeputyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


# --- bills ---------------------------------------------------------------------------------------


class BillFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    filer_kind = forms.ChoiceField(label=_("Filed by"), required=False)
    mine = forms.BooleanField(label=_("Only those I signed"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Bill.Status.choices]
        self.fields["filer_kind"].choices = [("", _("Anyone")), *Bill.FilerKind.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"q": data["q"], "status": data["status"], "filer_kind": data["filer_kind"], "mine": data["mine"]}


class BillForm(forms.Form):
    """BILL-1: subject, grounds, proposed solution. Staff also say who files it (an organ's
    bill is filed at once) and, for a paper deputies' bill, the lead deputy."""

    session = SessionChoiceField(label=_("Session"), queryset=None)
    filer_kind = forms.ChoiceField(label=_("Filed by"), choices=Bill.FilerKind.choices, initial=rules.DEPUTIES)
    lead_deputy = DeputyChoiceField(label=_("Lead deputy"), queryset=None, required=False,
                                    help_text=_("For a deputies' bill entered from paper."))
    subject = forms.CharField(label=_("Subject (案由)"), max_length=rules.SUBJECT_MAX_CHARS)
    grounds = forms.CharField(label=_("Grounds (案据)"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    proposal = forms.CharField(label=_("Proposed solution (方案)"), widget=forms.Textarea(attrs={"rows": 6}),
                               required=False)

    def __init__(self, *args, sessions=None, deputies=None, staff: bool = False, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("session", "filer_kind", "lead_deputy"):
                del self.fields[name]
            return
        self.fields["session"].queryset = sessions
        if sessions is not None and sessions.count() == 1:
            self.fields["session"].initial = sessions.first()
        if staff:
            self.fields["lead_deputy"].queryset = deputies
        else:
            del self.fields["filer_kind"]
            del self.fields["lead_deputy"]


class SignForm(forms.Form):
    """Staff enter a paper signature (or take one back); a deputy signs with a click."""

    deputy = DeputyChoiceField(label=_("Deputy"), queryset=None)

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReferForm(forms.Form):
    committee = forms.CharField(label=_("Special committee"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AdviceForm(forms.Form):
    advice = forms.ChoiceField(label=_("The committee's advice"), choices=Bill.Advice.choices,
                               widget=forms.RadioSelect)
    report = forms.CharField(label=_("The committee's report"), required=False,
                             widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("The presidium's decision"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, bill: Bill, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Bill.Status.choices)
        labels[rules.ON_AGENDA] = (
            _("Put it to the plenary") if not bill.is_deputies_bill else _("Place it on the agenda")
        )
        labels[rules.NOT_ON_AGENDA] = _("Do not place it on the agenda")
        self.fields["decision"].choices = [(d, labels[d]) for d in rules.decisions_for(bill.filer_kind)]


class WithdrawalRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawalDecisionForm(forms.Form):
    consent = forms.TypedChoiceField(
        label=_("The presidium's decision"), coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Consent: the bill is withdrawn")), ("no", _("No consent: it stays on the agenda"))],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ResultForm(forms.Form):
    adopted = forms.TypedChoiceField(
        label=_("Result"), coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Adopted")), ("no", _("Not adopted"))],
    )
    for_votes = forms.IntegerField(label=_("For"), min_value=0, required=False)
    against_votes = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    abstain_votes = forms.IntegerField(label=_("Abstain"), min_value=0, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


# --- interpellations -------------------------------------------------------------------------------


class InterpellationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    mine = forms.BooleanField(label=_("Only those I signed"), required=False)

    def __init__(self, *args, **kwargs):
        from .bill_models import Interpellation

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Interpellation.Status.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"q": data["q"], "status": data["status"], "mine": data["mine"]}


class InterpellationForm(forms.Form):
    """RES-2: the organ interpellated, the question and its content."""

    session = SessionChoiceField(label=_("Session"), queryset=None)
    lead_deputy = DeputyChoiceField(label=_("Lead deputy"), queryset=None, required=False,
                                    help_text=_("For an interpellation entered from paper."))
    target = forms.ModelChoiceField(label=_("Organ interpellated"), queryset=None)
    question = forms.CharField(label=_("Question"), max_length=rules.SUBJECT_MAX_CHARS)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}), required=False)

    def __init__(self, *args, sessions=None, deputies=None, targets=None, staff: bool = False,
                 editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        if editing:
            del self.fields["session"]
            del self.fields["lead_deputy"]
            return
        self.fields["session"].queryset = sessions
        if sessions is not None and sessions.count() == 1:
            self.fields["session"].initial = sessions.first()
        if staff:
            self.fields["lead_deputy"].queryset = deputies
        else:
            del self.fields["lead_deputy"]


class ReplyFormDecisionForm(forms.Form):
    """RES-2: the presidium decides the form of the reply."""

    form = forms.ChoiceField(label=_("Form of the reply"), choices=InterpellationRound.Form.choices,
                             widget=forms.RadioSelect)
    meeting = forms.CharField(label=_("Meeting (for an oral reply)"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Date of the meeting, or the written reply's due date"),
                             widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OralReplyForm(forms.Form):
    answered_by = forms.CharField(label=_("Head of the organ who answered"), max_length=100)
    given_at = forms.DateTimeField(label=_("When"), required=False,
                                   widget=DateTimeInput(),
                                   help_text=_("Empty: now."))
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    summary = forms.CharField(label=_("What was said"), required=False, widget=forms.Textarea(attrs={"rows": 6}))


class WrittenReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 10}))
    signed_by = forms.CharField(label=_("Signed by (the head of the organ)"), max_length=100)
    letter = forms.FileField(label=_("Signed reply letter"))


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Your rating"), widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deputy = DeputyChoiceField(label=_("Deputy (paper rating)"), queryset=None, required=False)

    def __init__(self, *args, scale=(), signers=None, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].choices = [(value, SATISFACTION_LABELS.get(value, value)) for value in scale]
        if staff:
            self.fields["deputy"].queryset = signers
            self.fields["deputy"].required = True
            self.fields["satisfaction"].label = _("Rating")
        else:
            del self.fields["deputy"]
