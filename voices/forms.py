"""Forms of the message pages: they parse input; `voices.services` decides (SEC-7's guardian
rule, MSG-7's accused unit and every other rule live in `voices.rules`, and the service's
refusals are put back on these forms field by field). The message forms also ask the intake
rules themselves, so that a citizen sees every error on the first submit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.services import LETTER_TYPES
from core.documents import validate_upload
from core.errors import ValidationFailed
from core.organisation.models import District, HandlingUnit
from core.web.widgets import Checklist

from . import rules, selectors
from .models import AgeBand, CallBack, Channel, MessageCategory, Nature, Regime

#: SEC-4: the version of the privacy notice in `voices/_privacy_notice.html`. Change it
#: whenever the notice's text changes, so each message records what its sender was told.
NOTICE_VERSION = "2026-11"

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]

#: The regimes a citizen may choose on the web, and staff for a call to the office: a deputy's
#: or station's voice names the deputy or station that gathered it, which only the import,
#: the API and the station's own entry carry (rules.check_intake refuses it without one).
CITIZEN_REGIMES = [(Regime.HOTLINE, Regime.HOTLINE.label), (Regime.PETITION, Regime.PETITION.label)]

#: A text over its limit, the limit said (the field's and the intake rules' own error alike).
TOO_LONG = _("At most %(limit_value)s characters (this has %(show_value)s).")
#: The longest text of each message field: the intake rules' limits (voices.rules), so that the
#: form's maxlength, its error and the service agree on every channel.
LIMITS = {"subject": rules.SUBJECT_MAX, "body": rules.BODY_MAX, "name": rules.NAME_MAX,
          "location": rules.LOCATION_MAX, "phone": rules.PHONE_MAX}
_LENGTH = {"max_length": TOO_LONG}

#: MSG-5: labels of the grounds (kept with the reads: the tracking page tells the citizen too).
NONACCEPTANCE_LABELS = selectors.NONACCEPTANCE_LABELS

SORTS = {
    "-received_at": _("Newest first"),
    "received_at": _("Oldest first"),
    "subject": _("Subject"),
}


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _categories(congress):
    if congress is None:
        return MessageCategory.objects.none()
    return MessageCategory.objects.filter(congress=congress, is_active=True)


def _districts(congress):
    if congress is None:
        return District.objects.none()
    return District.objects.filter(congress=congress)


def _units(congress):
    if congress is None:
        return HandlingUnit.objects.none()
    return HandlingUnit.objects.filter(congress=congress)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


# --- receiving a message -----------------------------------------------------------------------


class MessageForm(forms.Form):
    """The citizen's message (web form); staff entering a phone call use `PhoneEntryForm`.

    SEC-4: the page shows the privacy notice above the form; SEC-5: contact data are
    optional and the message may be anonymous; SEC-6: being named on publication is its own
    box; SEC-7: the age band, and a guardian's consent for under-14s; SEC-15: confidentiality."""

    regime = forms.ChoiceField(
        label=_("Who is it for"), choices=CITIZEN_REGIMES, initial=Regime.HOTLINE, widget=forms.RadioSelect,
        help_text=_("The 12345 hotline passes it to a government department; a letter to the congress goes to the "
                    "people's congress standing committee."),
    )
    nature = forms.ChoiceField(label=_("What kind of message"), choices=Nature.choices, initial=Nature.HELP)
    subject = forms.CharField(label=_("Subject"), max_length=LIMITS["subject"], error_messages=_LENGTH)
    body = forms.CharField(
        label=_("Your message"), max_length=LIMITS["body"], error_messages=_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say what happened, where and when, and what you ask for."),
    )
    category = forms.ModelChoiceField(
        label=_("Category (optional)"), queryset=None, required=False, empty_label=_("I do not know")
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False)
    location = forms.CharField(label=_("Location"), max_length=LIMITS["location"], error_messages=_LENGTH,
                               required=False,
                               help_text=_("A street, a building or a landmark."))
    accused_unit = UnitChoiceField(
        label=_("Unit the report is about"), queryset=None, required=False,
        help_text=_("Only for a report of wrongdoing. Your report is never sent to the unit it is about."),
    )
    is_anonymous = forms.BooleanField(label=_("Send it anonymously (without name or phone)"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=LIMITS["name"], error_messages=_LENGTH, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=LIMITS["phone"], error_messages=_LENGTH, required=False,
                            help_text=_("Only to reach you about this message."))
    age_band = forms.ChoiceField(label=_("Your age"), choices=AgeBand.choices, required=False)
    guardian_consent = forms.BooleanField(
        label=_("A parent or guardian agrees that this information is sent"), required=False,
        help_text=_("Needed if you are under 14 and give your name or phone."),
    )
    is_confidential = forms.BooleanField(
        label=_("Keep my identity confidential"), required=False,
        help_text=_("Only the congress office can see who you are; the unit handling it cannot."),
    )
    consent_to_publish_name = forms.BooleanField(
        label=_("I agree to be named if my message or its reply is published"), required=False,
        help_text=_("Separate consent. Without it, anything published carries no name or contact details."),
    )

    #: The channel the view receives it on (checked with the rest by `rules.check_intake`).
    channel = Channel.WEB
    #: The headings of the form's two groups (`_message_fields.html`), addressed to who fills it in.
    message_legend = _("Your message")
    person_legend = _("About you")

    def __init__(self, *args, congress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories(congress)
        self.fields["district"].queryset = _districts(congress)
        self.fields["accused_unit"].queryset = _units(congress)

    def clean_phone(self) -> str:
        # Full-width digits (Chinese input methods) kept as ASCII; whether it is a phone
        # number is the intake rules' to say (clean).
        return rules.phone_text(self.cleaned_data.get("phone"))

    def clean(self) -> dict:
        """The intake rules (`voices.rules.check_intake`: the phone, SEC-7's guardian consent,
        SEC-5's anonymity, SEC-6, MSG-7) on whatever the fields let through, so one submit
        shows every error: run only by the service, they stayed hidden until the fields were
        right. A field that already has an error keeps it alone; the service checks again."""
        from .services.base import error

        cleaned = super().clean()
        for field, code in rules.check_intake({**cleaned, "channel": self.channel}).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, self._intake_error(field, code, error))
        return self.cleaned_data

    def _intake_error(self, field: str, code: str, error) -> str:
        """The text of an intake rule's refusal; a text over its limit says the limit."""
        if code == "too_long" and field in LIMITS:
            value = (self.cleaned_data.get(field) or "").strip()
            return TOO_LONG % {"limit_value": LIMITS[field], "show_value": len(value)}
        return error(code)

    def service_kwargs(self) -> dict:
        """The cleaned data as `voices.services.receive_message` takes it."""
        data = dict(self.cleaned_data)
        data["notice_version"] = NOTICE_VERSION
        return data


class PhoneEntryForm(MessageForm):
    """A call to the office, entered by staff while on the phone (channel phone). Its texts
    speak to staff about the caller, never to the caller as "you". A call is the caller's
    own message: a 12345 work order or a letter to the congress, never a deputy's voice."""

    regime = forms.ChoiceField(label=_("Regime"), choices=CITIZEN_REGIMES, initial=Regime.HOTLINE)
    channel = Channel.PHONE
    message_legend = _("The caller's message")
    person_legend = _("About the caller")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("What the caller said")
        self.fields["body"].help_text = _("What happened, where and when, and what the caller asks for.")
        self.fields["accused_unit"].help_text = _(
            "Only for a report of wrongdoing. The report is never sent to the unit it is about.")
        self.fields["phone"].help_text = _("Only to reach the caller about this message.")
        self.fields["guardian_consent"].help_text = _("Needed if the caller is under 14 and gives a name or phone.")
        self.fields["is_confidential"].help_text = _(
            "Only the congress office can see who the caller is; the unit handling it cannot.")
        self.fields["name"].label = _("Caller's name")
        self.fields["phone"].label = _("Caller's phone")
        self.fields["age_band"].label = _("Caller's age")
        self.fields["is_anonymous"].label = _("The caller gives no name or phone")
        self.fields["is_confidential"].label = _("The caller asks to keep their identity confidential")
        self.fields["consent_to_publish_name"].label = _("The caller agrees to be named if published")
        self.fields["guardian_consent"].label = _("A parent or guardian agrees (caller under 14)")


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=24)

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip().upper()


# --- the triage list ---------------------------------------------------------------------------


class MessageFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=None)
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=None)
    regime = forms.ChoiceField(label=_("Regime"), required=False)
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=list(SORTS.items()))

    def __init__(self, *args, congress=None, **kwargs):
        super().__init__(*args, **kwargs)

        # The states the rows show (selectors.PUBLIC_STATES), not the message's own status
        # alone, which says "accepted" from routing to closing.
        self.fields["status"].choices = [("", _("Any")), *selectors.PUBLIC_STATES.items()]
        self.fields["regime"].choices = [("", _("Any")), *Regime.choices]
        self.fields["category"].queryset = _categories(congress)
        self.fields["district"].queryset = _districts(congress)

    def filters(self) -> dict:
        """The keyword arguments of `selectors.messages_for`."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q") or None,
            "status": list(selectors.STATE_STATUSES[data["status"]]) if data.get("status") else None,
            "category": data.get("category"),
            "district": data.get("district"),
            "regime": data.get("regime") or None,
            "overdue": yes_no(data.get("overdue")),
            "order": data.get("sort") or "-received_at",
        }


# --- actions on one message --------------------------------------------------------------------


class RouteForm(forms.Form):
    """SEC-10: a person confirms (or corrects) what the models suggested."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    unit = UnitChoiceField(label=_("Handling unit"), queryset=None)
    assisting_units = forms.ModelMultipleChoiceField(
        label=_("Assisting units"), queryset=None, required=False, widget=Checklist
    )
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, congress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories(congress)
        self.fields["unit"].queryset = _units(congress)
        self.fields["assisting_units"].queryset = _units(congress)
        self.fields["assisting_units"].label_from_instance = lambda unit: unit.name


class NotAcceptForm(forms.Form):
    """MSG-5: not accepted, on a configured ground, with directions to the right channel."""

    reason = forms.ChoiceField(label=_("Ground"))
    note = forms.CharField(
        label=_("Reasons and directions for the citizen"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The citizen sees this when looking the message up."),
    )

    def __init__(self, *args, grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(g, NONACCEPTANCE_LABELS.get(g, g)) for g in grounds]


class MergeForm(forms.Form):
    """Merge likely duplicates into this message: every sender is still owed a reply."""

    sources = forms.ModelMultipleChoiceField(
        label=_("Messages to merge into this one"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the messages that say the same as this one.")},
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Case, IntegerField, Value, When

        from .models import Message

        ids = [m.pk for m in (candidates or [])]
        # In the order the likely duplicates are listed above the form: the closest first.
        order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
        self.fields["sources"].queryset = (Message.objects.filter(pk__in=ids).order_by(order) if ids
                                           else Message.objects.none())
        self.fields["sources"].label_from_instance = (
            lambda m: f"{rules.display_tracking_number(m.tracking_number)} {m.subject}")


class CallBackForm(forms.Form):
    """MSG-4: the satisfaction call-back after the reply."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallBack.Outcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              help_text=_("Required when the citizen is dissatisfied: the unit handles the matter "
                                          "again from what you write."),
                              widget=forms.Textarea(attrs={"rows": 3}))


class RevealForm(forms.Form):
    """SEC-8: every view of personal data is logged with its purpose."""

    purpose = forms.CharField(label=_("Why you need it"), max_length=100, required=False)


class CallerSearchForm(forms.Form):
    """SEC-8: a caller's messages by phone number; every search is logged with its purpose."""

    phone = forms.CharField(label=_("Phone number"), max_length=30)
    purpose = forms.CharField(label=_("Why you are looking"), max_length=100)


class CallerPurposeForm(forms.Form):
    """SEC-8: the other messages from the number of the message being read, with the purpose."""

    purpose = forms.CharField(label=_("Why you are looking"), max_length=100)

    def __init__(self, *args, **kwargs):
        # Beside the reveal form on the message's page: ids of its own.
        kwargs.setdefault("auto_id", "caller_%s")
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    """The handling unit's reply to the citizen (casework's `submit_reply`: class, text, the
    signed letter and who signed it)."""

    reply_class = forms.ChoiceField(label=_("Reply class"), widget=forms.RadioSelect, required=False)
    class_reason = forms.CharField(label=_("Reason for the class"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 8}))
    signed_by = forms.CharField(label=_("Signed by (head of the unit)"), required=False, max_length=100)
    letter = forms.FileField(label=_("Signed reply letter"), required=False,
                             help_text=_("PDF, Word (docx), JPEG or PNG."))

    def __init__(self, *args, classes=(), to_lead=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_class"].choices = list(classes)
        if to_lead:
            # An assisting unit's view goes to the lead unit (SUGG-5's machinery): no class,
            # no signature; a document may still go with it.
            for name in ("reply_class", "class_reason", "signed_by"):
                del self.fields[name]
            self.fields["body"].label = _("Your unit's view for the lead unit")
            self.fields["letter"].label = _("Letter (optional)")

    def clean_letter(self):
        """The letter's real type and size, checked as the reply service checks them, so that
        a refused file is said on this field (with the form's other errors) on one submit."""
        letter = self.cleaned_data.get("letter")
        if letter:
            try:
                validate_upload(letter, allowed=LETTER_TYPES)
            except ValidationFailed as exc:
                raise forms.ValidationError(str(exc.details.get("file") or exc.message)) from None
        return letter
