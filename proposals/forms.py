"""Forms of the suggestion pages: they parse input; the services decide.

Upload fields check the file before anything is stored: its real type and size
(`core.documents.validate_upload`) and secrecy marks (SEC-14, `proposals.secrecy`).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.documents import validate_upload
from core.errors import ValidationFailed
from core.web.widgets import Checklist

from . import desk_selectors, rules, secrecy

#: What a deputy may attach (photos and documents).
ATTACHMENT_TYPES = ("pdf", "docx", "xlsx", "jpg", "png")
#: The signed reply letter (SUGG-6): a scan or the document.
LETTER_TYPES = ("pdf", "docx", "jpg", "png")

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
SESSION_CHOICES = [("", _("Any")), ("during", _("During a session")), ("between", _("Between sessions"))]

#: SEC-14, said where people upload (images cannot be read for marks).
SECRECY_HINT = _(
    "Datong is a non-classified system: never upload material marked 秘密, 机密 or 绝密. "
    "Files whose name or text bears such a mark are refused."
)


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def checked_upload(file, types) -> None:
    """Real type and size, then secrecy marks; raises forms.ValidationError."""
    try:
        kind = validate_upload(file, allowed=types)
        secrecy.check_upload(file, kind)
    except ValidationFailed as exc:
        raise forms.ValidationError(str(exc.details.get("file") or exc.message)) from None


# --- lists -------------------------------------------------------------------------------------


class SuggestionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=None)
    unit = forms.ModelChoiceField(label=_("Handling unit"), required=False, queryset=None)
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)
    key_supervised = forms.ChoiceField(label=_("Key supervised"), required=False, choices=YES_NO)
    session = forms.ChoiceField(label=_("Filed"), required=False, choices=SESSION_CHOICES)
    mine = forms.BooleanField(label=_("Only those I filed"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, *args, congress=None, deputy=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not deputy:
            del self.fields["mine"]  # co-signed suggestions are listed to deputies only
        self.fields["status"].choices = [("", _("Any"))] + desk_selectors.status_choices()
        self.fields["category"].queryset = desk_selectors.category_choices(congress)
        self.fields["unit"].queryset = desk_selectors.unit_choices(congress)
        self.fields["sort"].choices = [(k, v[0]) for k, v in desk_selectors.SUGGESTION_SORTS.items()]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "status": data.get("status", ""),
            "category": data["category"].pk if data.get("category") else None,
            "unit": data["unit"].pk if data.get("unit") else None,
            "overdue": yes_no(data.get("overdue")),
            "key_supervised": yes_no(data.get("key_supervised")),
            "session": data.get("session", ""),
            "mine": bool(data.get("mine")),
            "sort": data.get("sort") or "-created",
        }


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=None)
    session = forms.ChoiceField(label=_("Filed"), required=False, choices=SESSION_CHOICES)
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, *args, congress=None, sorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = desk_selectors.category_choices(congress)
        self.fields["sort"].choices = [(k, v[0]) for k, v in (sorts or desk_selectors.QUEUE_SORTS).items()]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "category": data["category"].pk if data.get("category") else None,
            "session": data.get("session", ""),
            "sort": data.get("sort") or "oldest",
        }


# --- drafting ------------------------------------------------------------------------------------


class DeputyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class DeputyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code}, {obj.delegation.name})"


class SuggestionForm(forms.Form):
    """Subject, content and category (SUGG-1); staff entering a paper suggestion also name
    the deputy who filed it."""

    filed_by = DeputyChoiceField(label=_("Filed by"), queryset=None, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=rules.SUBJECT_MAX_CHARS)
    content = forms.CharField(
        label=_("Suggestion"), required=False, max_length=rules.CONTENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Be specific: describe the real situation and what should be done."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)

    def __init__(self, *args, congress=None, filers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = desk_selectors.category_choices(congress)
        if filers is None:
            del self.fields["filed_by"]
        else:
            self.fields["filed_by"].queryset = filers
            self.fields["filed_by"].required = True


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (docx), Excel (xlsx), JPEG or PNG."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        checked_upload(file, ATTACHMENT_TYPES)
        return file


class InviteForm(forms.Form):
    deputies = DeputyMultipleChoiceField(
        label=_("Deputies to invite"), queryset=None, widget=Checklist
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = candidates


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


# --- registration and handling ---------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class RegisterForm(NoteForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)

    field_order = ["category", "note"]

    def __init__(self, *args, congress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = desk_selectors.category_choices(congress)


class DeclineForm(forms.Form):
    """SUGG-10: the reason is one of the congress's exclusions; the deputy sees it."""

    reason = forms.ChoiceField(label=_("Reason"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note to the deputy"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = list(reasons)


class AssignForm(NoteForm):
    """SUGG-5: one lead unit with any assisting units, or units handling separately."""

    lead = forms.ModelChoiceField(label=_("Lead unit"), queryset=None, required=False)
    assisting = forms.ModelMultipleChoiceField(
        label=_("Assisting units"), queryset=None, required=False, widget=Checklist
    )
    separate = forms.ModelMultipleChoiceField(
        label=_("Or: units handling it separately"), queryset=None, required=False,
        widget=Checklist,
        help_text=_("Each of these units replies to the deputy (no lead unit then)."),
    )

    field_order = ["lead", "assisting", "separate", "note"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead", "assisting", "separate"):
            self.fields[name].queryset = units


class SuperviseForm(NoteForm):
    supervised = forms.BooleanField(required=False, widget=forms.HiddenInput)


class MergeForm(NoteForm):
    """SUGG-11: merge this suggestion into another with the same content."""

    target = forms.ModelChoiceField(label=_("Merge into"), queryset=None, widget=forms.RadioSelect)

    field_order = ["target", "note"]

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        self.fields["target"].label_from_instance = lambda s: f"{s.number} {s.subject}"


class ReplyForm(forms.Form):
    """SUGG-6: the reply with its class, the signed letter and who signed it; an assisting
    unit sends only its view (SUGG-5)."""

    reply_class = forms.ChoiceField(label=_("Reply class"), widget=forms.RadioSelect, required=False)
    class_reason = forms.CharField(
        label=_("Reason for the class"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for classes C and D."),
    )
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 10}))
    signed_by = forms.CharField(label=_("Signed by (head of the unit)"), required=False, max_length=100)
    letter = forms.FileField(label=_("Signed reply letter"), required=False,
                             help_text=_("PDF, Word (docx), JPEG or PNG."))

    def __init__(self, *args, classes=None, to_filer=True, **kwargs):
        super().__init__(*args, **kwargs)
        if to_filer:
            self.fields["reply_class"].choices = list(classes or [])
            # SUGG-6: the reply to the filer is a signed letter: the service refuses one
            # without it (the field stays optional here so that its reason is the service's).
            self.fields["signed_by"].label = _("Signed by (head of the unit, required)")
            self.fields["letter"].label = _("Signed reply letter (required)")
            for name in ("signed_by", "letter"):
                self.fields[name].widget.attrs["aria-required"] = "true"
        else:
            for name in ("reply_class", "class_reason", "signed_by"):
                del self.fields[name]
            self.fields["body"].label = _("Your unit's view for the lead unit")
            self.fields["letter"].label = _("Letter (optional)")

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter:
            checked_upload(letter, LETTER_TYPES)
        return letter


class RateForm(forms.Form):
    """SUGG-7: satisfied / basically satisfied / dissatisfied (the congress's scale)."""

    satisfaction = forms.ChoiceField(label=_("Your rating"), widget=forms.RadioSelect)
    # SUGG-7: required with a dissatisfied rating; the service decides (the API too).
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required if dissatisfied: say what is unsatisfactory in the reply; the unit handles it "
                    "again from it."),
    )
    recipient = forms.TypedChoiceField(label=_("Whose feedback form"), coerce=int, required=False)

    def __init__(self, *args, scale=(), recipients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].choices = list(scale)
        if recipients is None:
            del self.fields["recipient"]
        else:
            self.fields["satisfaction"].label = _("Rating on the feedback form")
            self.fields["recipient"].choices = [(r.pk, str(r)) for r in recipients]
            self.fields["recipient"].required = True


class WithdrawForm(NoteForm):
    """SUGG-10: the filer withdraws; staff record the deputy's written request, and note it."""

    def __init__(self, *args, on_request=False, **kwargs):
        super().__init__(*args, **kwargs)
        if on_request:
            note = self.fields["note"]
            note.required = True
            note.label = _("The deputy's request")
            note.help_text = _("When and how the deputy asked in writing to withdraw the suggestion.")
