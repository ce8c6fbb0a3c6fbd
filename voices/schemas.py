"""Input and output schemas of /api/voices (MessageIn / MessageOut, ...)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from . import forms, rules

#: SEC-4: the privacy notice versions a message may say its sender was shown: the notice the
#: forms show now (voices/_privacy_notice.html, `forms.NOTICE_VERSION`). A client system shows
#: the same notice; a version that never existed is refused, so no message records one.
NOTICE_VERSIONS = (forms.NOTICE_VERSION,)


def check_notice_version(value: str) -> str:
    """SEC-4: `value` when it is a notice version in NOTICE_VERSIONS; ValueError naming those else."""
    if value not in NOTICE_VERSIONS:
        raise ValueError(_("This privacy notice version is unknown. Versions accepted: %(versions)s.")
                         % {"versions": ", ".join(NOTICE_VERSIONS)})
    return value

# --- inputs -------------------------------------------------------------------------------------


class MessageIn(Schema):
    """A citizen's message. SEC-4: the client shows the privacy notice and sends the version
    it showed (one of NOTICE_VERSIONS); SEC-7: under-14s need `guardian_consent` unless
    anonymous with no contact data; SEC-6: `consent_to_publish_name` is the separate consent;
    SEC-15: `is_confidential`. The lengths are the intake rules' (voices.rules), as on every
    channel."""

    regime: str = Field("hotline", description=(
        "hotline (12345) or petition (信访 to the congress); deputy_voice only from a deputy's account "
        "(the voice they gathered)"))
    nature: str = Field("help", description="consultation, help, suggestion, complaint or report")
    subject: str = Field(..., max_length=rules.SUBJECT_MAX)
    body: str = Field(..., max_length=rules.BODY_MAX)
    category_id: int | None = None
    district_id: int | None = None
    location: str = Field("", max_length=rules.LOCATION_MAX)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    name: str = Field("", max_length=rules.NAME_MAX)
    phone: str = Field("", max_length=rules.PHONE_MAX)
    is_anonymous: bool = False
    is_confidential: bool = False
    age_band: str = Field("", description="under_14, 14_17, adult or empty")
    guardian_consent: bool = False
    consent_to_publish_name: bool = False
    notice_version: str = Field(..., description=(
        "the privacy notice version the sender was shown; accepted: " + ", ".join(NOTICE_VERSIONS)))
    #: MSG-7: a report names the unit it accuses (never routed there).
    accused_unit_id: int | None = None

    @field_validator("notice_version")
    @classmethod
    def _known_notice_version(cls, value: str) -> str:
        return check_notice_version(value)


class BatchItemIn(MessageIn):
    """One message of a batch: a `MessageIn`, plus what a client system knows of it."""

    external_id: str = Field("", max_length=64, description=(
        "the client system's own number for it (a 12345 work-order number): a message already received "
        "under this number on the API channel is not stored again; its tracking number is answered"))
    received_at: datetime.datetime | None = Field(None, description=(
        "when the client system received it (not in the future); empty: now"))


class BatchIn(Schema):
    """Up to 500 messages received at once, all or nothing."""

    messages: list[BatchItemIn] = Field(..., min_length=1, max_length=500)


class RouteIn(Schema):
    """SEC-10: the person's decision (the models only suggested)."""

    category_id: int
    unit_id: int
    assisting_unit_ids: list[int] = []
    is_urgent: bool | None = None
    note: str = Field("", max_length=500)


class NotAcceptIn(Schema):
    #: MSG-5: one of the congress's `msg_nonacceptance_grounds`.
    reason: str
    note: str = Field(..., max_length=2000, description="reasons and directions to the right channel")


class MergeIn(Schema):
    source_ids: list[int] = Field(..., min_length=1)
    note: str = Field("", max_length=500)


class CallBackIn(Schema):
    #: MSG-4: satisfied, basically_satisfied, dissatisfied or unreachable.
    outcome: str
    comment: str = Field("", max_length=2000)


class RevealIn(Schema):
    purpose: str = Field("", max_length=100)


class CallerSearchIn(Schema):
    """SEC-8: a phone number, in any usual form (+86, spaces, dashes), and why."""

    phone: str = Field(..., max_length=rules.PHONE_MAX)
    purpose: str = Field("", max_length=100)


# --- outputs ------------------------------------------------------------------------------------


class SubmittedOut(Schema):
    """What the sender gets back: the tracking number to look the message up with."""

    tracking_number: str
    status: str
    received_at: datetime.datetime


class TrackedReplyOut(Schema):
    replied_at: datetime.datetime
    #: Scrubbed of personal data (SEC-6).
    text: str


class TrackOut(Schema):
    """The public look-up: state, dates and the replies; never personal data."""

    tracking_number: str
    display_number: str
    state: str = Field(..., description="received, not_accepted, handling, replied or closed")
    state_label: str
    regime: str
    category: str
    received_at: datetime.datetime
    accepted_at: datetime.datetime | None = None
    replied_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None
    not_accepted_note: str = ""
    taken_up_by_deputy: bool = Field(False, description="a deputy took the matter up as a suggestion")
    merged: bool = Field(False, description="joined with other messages about the same matter; one reply answers all")
    handled_again: bool = Field(False, description="handled again after a dissatisfied call-back")
    replies: list[TrackedReplyOut] = []


#: SEC-8: how a message's own text is shown to anyone but its sender.
MASKED_TEXT = ("ID, bank-card and phone numbers in it masked (138****5678) for everyone but the message's "
               "sender; in full only through POST /messages/{id}/personal-data (staff, logged)")


class MessageRowOut(Schema):
    id: int
    tracking_number: str
    subject: str = Field(..., description=MASKED_TEXT)
    status: str
    status_label: str
    regime: str
    channel: str
    nature: str
    category_id: int | None
    category_name: str
    district_id: int | None
    district_name: str
    is_urgent: bool
    is_confidential: bool
    received_at: datetime.datetime
    case_id: int


class MessageListOut(Schema):
    """A page of messages: pass `next_cursor` back as `cursor` for the next page (null: the
    last page). `count` is exact when `count_exact`; otherwise at least that many (the
    list was counted no further)."""

    items: list[MessageRowOut]
    next_cursor: str | None = None
    count: int
    count_exact: bool


class CallerMessagesOut(Schema):
    """The messages sent from one phone number, newest first; at most `limit` (when `items`
    holds `limit`, older ones may exist)."""

    items: list[MessageRowOut]
    limit: int


class ContactOut(Schema):
    """SEC-8: as this caller may see it: masked (张**, 138****1234) or "" when hidden."""

    name: str = ""
    phone: str = ""
    id_number: str = ""
    withheld: bool = False


class SuggestionOut(Schema):
    """SEC-10: a model's suggestion and the words that weighed most."""

    key: str
    value: str
    confidence: float | None = None
    reasons: list[str] = []


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    role: str
    status: str
    due_on: datetime.date | None


class ReplyOut(Schema):
    id: int
    unit_name: str
    role: str = Field(..., description="lead or separate: owed to the sender; assisting: a view for the lead unit, "
                                         "shown to staff and units only")
    body: str
    submitted_at: datetime.datetime


class CallBackOut(Schema):
    round: int
    outcome: str
    comment: str
    made_at: datetime.datetime


class DuplicateOut(Schema):
    id: int
    tracking_number: str
    subject: str = Field(..., description=MASKED_TEXT)
    score: float


class MessageOut(MessageRowOut):
    body: str = Field(..., description=MASKED_TEXT)
    location: str
    is_anonymous: bool
    consent_to_publish_name: bool
    age_band: str
    notice_version: str
    accused_unit_id: int | None
    not_accepted_reason: str
    not_accepted_note: str
    contact: ContactOut
    suggestions: list[SuggestionOut] = []
    duplicates: list[DuplicateOut] = []
    assignments: list[AssignmentOut] = []
    replies: list[ReplyOut] = []
    callbacks: list[CallBackOut] = []


class TakenUpOut(Schema):
    """The draft suggestion a deputy started from a message; edit and submit it under
    /api/proposals/."""

    suggestion_id: int
    subject: str


class PersonalDataOut(Schema):
    """SEC-8: in full, the message's subject and text too (elsewhere their ID, card and phone
    numbers are masked); the view is logged."""

    name: str = ""
    phone: str = ""
    id_number: str = ""
    subject: str = ""
    body: str = ""


class OwnMessageOut(Schema):
    """SEC-13: one of the caller's own messages, with all that is held about them."""

    tracking_number: str
    received_at: datetime.datetime
    channel: str
    regime: str
    nature: str
    subject: str
    body: str
    category: str
    district: str
    location: str
    status: str
    name: str
    phone: str
    id_number: str
    is_anonymous: bool
    is_confidential: bool
    consent_to_publish_name: bool
    age_band: str
    guardian_consent: bool
    notice_version: str


class BatchItemOut(Schema):
    """What each message of a batch gets back, in the order sent."""

    tracking_number: str
    status: str
    received_at: datetime.datetime
    external_id: str
    #: false when the external number was received before (this batch or an earlier one).
    created: bool


class BatchOut(Schema):
    received: int = Field(..., description="messages stored by this batch")
    already_received: int = Field(..., description="items whose external_id was received before")
    items: list[BatchItemOut]
