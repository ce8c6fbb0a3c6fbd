"""Input and output schemas of /api/proposals (SuggestionIn / SuggestionOut, ...)."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

# --- inputs -------------------------------------------------------------------------------------


class SuggestionIn(Schema):
    subject: str = Field(..., max_length=200)
    content: str = ""
    category_id: int | None = None
    #: Staff entering a paper suggestion name the deputy who filed it (SUGG-1).
    filed_by_id: int | None = None


class SuggestionPatch(Schema):
    """Only the fields sent are changed; `category_id: null` removes the category."""

    subject: str | None = Field(None, max_length=200)
    content: str | None = None
    category_id: int | None = None


class InviteIn(Schema):
    deputy_id: int


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class RegisterIn(NoteIn):
    category_id: int | None = None


class DeclineIn(NoteIn):
    #: SUGG-10: one of the congress's exclusions (GET /choices).
    reason: str


class AssignIn(NoteIn):
    """SUGG-5: one lead unit with any assisting units, or units handling separately."""

    lead_id: int | None = None
    assisting_ids: list[int] = []
    separate_ids: list[int] = []


class RateIn(Schema):
    #: SUGG-7: a value of the congress's satisfaction scale (GET /choices).
    satisfaction: str
    comment: str = Field("", max_length=2000)
    #: Staff entering a paper feedback form name the filer (a recipient id).
    recipient_id: int | None = None


class SuperviseIn(NoteIn):
    supervised: bool = True


class MergeIn(NoteIn):
    """SUGG-11: merge this suggestion into the suggestion `into_id`."""

    into_id: int


# --- outputs --------------------------------------------------------------------------------------


class SuggestionRowOut(Schema):
    id: int
    number: str
    subject: str
    status: str
    status_label: str
    category_id: int | None
    category_name: str
    filed_by_id: int
    filed_by_name: str
    session_id: int | None
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    registered_at: datetime.datetime | None
    case_id: int | None
    next_due: datetime.date | None
    next_due_provisional: bool
    is_overdue: bool
    is_key_supervised: bool


class AttachmentOut(Schema):
    id: int
    name: str
    file_type: str
    size: int
    uploaded_at: datetime.datetime
    url: str


class CosignatureOut(Schema):
    id: int
    suggestion_id: int
    deputy_id: int
    deputy_name: str
    status: str
    invited_at: datetime.datetime
    answered_at: datetime.datetime | None


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    role: str
    round: int
    status: str
    assigned_at: datetime.datetime
    due_on: datetime.date
    due_provisional: bool
    due_rule: str
    is_extended: bool
    is_overdue: bool
    replied_on: datetime.date | None


class FeedbackOut(Schema):
    id: int
    reply_id: int
    round: int
    satisfaction: str
    satisfaction_label: str
    comment: str
    rated_at: datetime.datetime


class ReplyOut(Schema):
    id: int
    assignment_id: int
    unit_id: int
    unit_name: str
    role: str
    round: int
    reply_class: str
    class_reason: str
    body: str
    signed_by: str
    letter_url: str
    submitted_at: datetime.datetime
    ratings: list[FeedbackOut] = []


class HandlingOut(Schema):
    case_id: int
    status: str
    round: int
    #: Who replies: `lead_assisting` (the lead unit) or `separate` (each unit).
    handling_mode: str
    #: SUGG-5, as assigned: `lead_alone`, `lead_assisting` (with assisting units) or `separate`.
    handling_arrangement: str
    is_key_supervised: bool
    merged_into_suggestion_id: int | None
    assignments: list[AssignmentOut]
    replies: list[ReplyOut]


class EventOut(Schema):
    at: datetime.datetime
    text: str
    detail: str


class SuggestionOut(SuggestionRowOut):
    content: str
    source: str
    source_ref: str
    decline_reason: str
    decline_reason_label: str
    decline_note: str
    declined_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    attachments: list[AttachmentOut]
    cosignatures: list[CosignatureOut]
    handling: HandlingOut | None
    timeline: list[EventOut]
    #: What the caller may do now (the operation checks again).
    actions: dict[str, bool]


class QueueRowOut(Schema):
    id: int
    number: str
    subject: str
    filed_by_name: str
    category_name: str
    session_id: int | None
    submitted_at: datetime.datetime | None
    registered_at: datetime.datetime | None
    #: SUGG-2: the last day to assign one received between sessions.
    assign_by: datetime.date | None
    assign_by_provisional: bool


class InvitationOut(Schema):
    id: int
    suggestion_id: int
    subject: str
    filed_by_name: str
    invited_at: datetime.datetime


class ReplyToRateOut(Schema):
    reply_id: int
    suggestion_id: int | None
    title: str
    unit_name: str
    submitted_at: datetime.datetime


class ChoiceOut(Schema):
    value: str
    label: str


class CategoryOut(Schema):
    id: int
    code: str
    name: str


class ChoicesOut(Schema):
    statuses: list[ChoiceOut]
    categories: list[CategoryOut]
    exclusions: list[ChoiceOut]
    reply_classes: list[ChoiceOut]
    satisfaction_scale: list[ChoiceOut]
