"""/api/proposals: deputies' suggestions, every action and list of the pages.

Reads are scoped to the caller: a deputy sees what they filed, co-signed or are owed a
reply on; a unit clerk what is assigned to their unit; staff everything but others'
drafts. A suggestion, assignment or reply the caller may not see answers 404. Errors are
`{"code", "message", "details"}`: 403 not allowed, 404 not found, 409 not possible in the
current state (or past its deadline), 422 invalid input (`details` names the fields).
Lists take `?page=&page_size=` and the filters of the pages.
"""

from __future__ import annotations

from django.urls import reverse
from ninja import File, Form, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core.apikit import DatongRouter, ErrorOut, Page, acting_user
from core.documents import validate_upload
from core.errors import ValidationFailed
from core.organisation.models import Deputy

from . import desk_selectors, permissions, rules, secrecy, selectors, services
from .casekind import SUGGESTION
from .forms import ATTACHMENT_TYPES, LETTER_TYPES
from .models import Suggestion
from .schemas import (
    AssignIn,
    AttachmentOut,
    ChoicesOut,
    CosignatureOut,
    DeclineIn,
    InvitationOut,
    InviteIn,
    MergeIn,
    NoteIn,
    QueueRowOut,
    RateIn,
    RegisterIn,
    ReplyOut,
    ReplyToRateOut,
    SuggestionIn,
    SuggestionOut,
    SuggestionPatch,
    SuggestionRowOut,
    SuperviseIn,
)

router = DatongRouter()

ASSIGN = SUGGESTION.code("assign")
APPROVE_EXTENSION = SUGGESTION.code("approve_extension")
REPLY = SUGGESTION.code("reply")
RATE = SUGGESTION.code("rate")
REHANDLE = SUGGESTION.code("rehandle")
CLOSE = SUGGESTION.code("close")
SUPERVISE = SUGGESTION.code("supervise")
MERGE = SUGGESTION.code("merge")

ACTION = {200: SuggestionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- building the answers ---------------------------------------------------------------------


def _live_case(suggestion: Suggestion):
    if suggestion.case_id is None:
        return None
    return suggestion.case.merged_into if suggestion.case.merged_into_id else suggestion.case


def _row(suggestion: Suggestion) -> dict:
    live = _live_case(suggestion)
    return {
        "id": suggestion.pk,
        "number": suggestion.number,
        "subject": suggestion.subject,
        "status": desk_selectors.status_of(suggestion),
        "status_label": desk_selectors.status_label(suggestion),
        "category_id": suggestion.category_id,
        "category_name": suggestion.category.name if suggestion.category_id else "",
        "filed_by_id": suggestion.filed_by_id,
        "filed_by_name": suggestion.filed_by.name,
        "session_id": suggestion.session_id,
        "created_at": suggestion.created_at,
        "submitted_at": suggestion.submitted_at,
        "registered_at": suggestion.registered_at,
        "case_id": suggestion.case_id,
        "next_due": getattr(suggestion, "next_due", None),
        "next_due_provisional": bool(getattr(suggestion, "next_due_provisional", False)),
        "is_overdue": bool(getattr(suggestion, "is_overdue", False)),
        "is_key_supervised": bool(live is not None and live.is_key_supervised),
    }


def _reply(reply) -> dict:
    return {
        "id": reply.pk, "assignment_id": reply.assignment_id, "unit_id": reply.unit_id, "unit_name": reply.unit.name,
        "role": reply.role, "round": reply.round, "reply_class": reply.reply_class, "class_reason": reply.class_reason,
        "body": reply.body, "signed_by": reply.signed_by,
        "letter_url": reverse("proposals:reply-letter", args=[reply.pk]) if reply.letter else "",
        "submitted_at": reply.submitted_at,
        "ratings": [
            {"id": f.pk, "reply_id": f.reply_id, "round": f.round, "satisfaction": f.satisfaction,
             "satisfaction_label": desk_selectors.satisfaction_label(f.satisfaction), "comment": f.comment,
             "rated_at": f.rated_at}
            for f in getattr(reply, "ratings", [])
        ],
    }


def _detail(user, suggestion_id: int) -> dict:
    """The suggestion as the caller may see it, with its handling, timeline and the actions
    offered (the same reads as its page)."""
    rows = desk_selectors.with_handling(Suggestion.objects.filter(pk=suggestion_id))
    suggestion = desk_selectors.suggestion_for(user, suggestion_id)
    annotated = rows.first()
    for name in ("next_due", "next_due_provisional", "is_overdue"):
        setattr(suggestion, name, getattr(annotated, name, None))
    handling = desk_selectors.handling_of(user, suggestion)
    actions = desk_selectors.actions_for(user, suggestion, handling)
    data = _row(suggestion)
    data.update(
        content=suggestion.content,
        source=suggestion.source,
        source_ref=suggestion.source_ref,
        decline_reason=suggestion.decline_reason,
        decline_reason_label=str(rules.exclusion_label(suggestion.decline_reason)) if suggestion.decline_reason else "",
        decline_note=suggestion.decline_note,
        declined_at=suggestion.declined_at,
        withdrawn_at=suggestion.withdrawn_at,
        attachments=[
            {"id": a.pk, "name": a.name, "file_type": a.file_type, "size": a.size, "uploaded_at": a.uploaded_at,
             "url": reverse("proposals:attachment-download", args=[a.pk])}
            for a in selectors.attachments_of(user, suggestion)
        ],
        cosignatures=[_cosignature(c) for c in selectors.cosignatures_of(user, suggestion)],
        timeline=[{"at": e.at, "text": e.text, "detail": e.detail}
                  for e in desk_selectors.timeline(user, suggestion, handling)],
        actions={key: bool(value) for key, value in actions.items()},
        handling=None,
    )
    if handling is not None:
        data["handling"] = {
            "case_id": handling.case.pk,
            "status": handling.case.status,
            "round": handling.case.round,
            "handling_mode": handling.case.handling_mode,
            "handling_arrangement": handling.arrangement or "",
            "is_key_supervised": handling.case.is_key_supervised,
            "merged_into_suggestion_id": handling.merged_into.pk if handling.merged_into else None,
            "assignments": [
                {"id": a.pk, "unit_id": a.unit_id, "unit_name": a.unit.name, "role": a.role, "round": a.round,
                 "status": a.status, "assigned_at": a.assigned_at, "due_on": a.due_on,
                 "due_provisional": a.due_provisional, "due_rule": a.due_rule, "is_extended": a.is_extended,
                 "is_overdue": a.is_overdue, "replied_on": a.replied_on}
                for a in handling.assignments
            ],
            "replies": [_reply(r) for r in handling.replies],
        }
    return data


def _cosignature(c) -> dict:
    return {"id": c.pk, "suggestion_id": c.suggestion_id, "deputy_id": c.deputy_id, "deputy_name": c.deputy.name,
            "status": c.status, "invited_at": c.invited_at, "answered_at": c.answered_at}


def _queue_row(s) -> dict:
    return {
        "id": s.pk, "number": s.number, "subject": s.subject, "filed_by_name": s.filed_by.name,
        "category_name": s.category.name if s.category_id else "", "session_id": s.session_id,
        "submitted_at": s.submitted_at, "registered_at": s.registered_at,
        "assign_by": s.assign_by.date if s.assign_by else None,
        "assign_by_provisional": bool(s.assign_by and s.assign_by.provisional),
    }


def _checked(file, types) -> None:
    """Real type and size, then secrecy marks (SEC-14), before anything is stored."""
    kind = validate_upload(file, allowed=types)
    secrecy.check_upload(file, kind)


class _Rows:
    """A queryset whose items are turned into dicts as the page takes them."""

    def __init__(self, queryset, convert):
        self.queryset, self.convert = queryset, convert

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        items = self.queryset[index]
        return [self.convert(item) for item in items] if isinstance(index, slice) else self.convert(items)



# --- lists ---------------------------------------------------------------------------------------


@router.get("/suggestions", permission=permissions.VIEW, response=list[SuggestionRowOut])
@paginate(Page)
def list_suggestions(
    request,
    status: str = "",
    category: int | None = None,
    unit: int | None = None,
    overdue: bool | None = None,
    key_supervised: bool | None = None,
    session: str = "",
    mine: bool = False,
    q: str = "",
    sort: str = "-created",
):
    """The suggestions the caller may see. `status`: draft, submitted, registered,
    assigned, replied, rehandling, closed, merged, declined, withdrawn; `session`: during
    or between; `sort`: -created, created, due, number, subject."""
    rows = desk_selectors.suggestion_rows(
        acting_user(request), status=status, category=category, unit=unit, overdue=overdue,
        key_supervised=key_supervised, session=session, mine=mine, q=q, sort=sort,
    )
    return _Rows(rows, _row)


@router.get("/queues/register", permission=permissions.REGISTER, response=list[QueueRowOut])
@paginate(Page)
def register_queue(request, q: str = "", category: int | None = None, session: str = "", sort: str = "oldest"):
    """Submitted suggestions to register or decline, oldest first (SUGG-2, SUGG-10)."""
    rows = desk_selectors.register_queue(acting_user(request), q=q, category=category, session=session, sort=sort)
    return _Rows(rows, lambda s: _queue_row(desk_selectors.with_assign_by([s])[0]))


@router.get("/queues/assign", permission=ASSIGN, response=list[QueueRowOut])
@paginate(Page)
def assign_queue(request, q: str = "", category: int | None = None, session: str = "", sort: str = "oldest"):
    """Registered suggestions to assign, oldest first, with the SUGG-2 last day."""
    rows = desk_selectors.assign_queue(acting_user(request), q=q, category=category, session=session, sort=sort)
    return _Rows(rows, lambda s: _queue_row(desk_selectors.with_assign_by([s])[0]))


@router.get("/invitations", permission=permissions.CONFIRM, response=list[InvitationOut])
def invitations(request):
    """Invitations to co-sign the caller has yet to answer."""
    return [
        {"id": c.pk, "suggestion_id": c.suggestion_id, "subject": c.suggestion.subject,
         "filed_by_name": c.suggestion.filed_by.name, "invited_at": c.invited_at}
        for c in selectors.invitations_for(acting_user(request))
    ]


@router.get("/replies-to-rate", permission=RATE, response=list[ReplyToRateOut])
def replies_to_rate(request):
    """Replies the caller, as a filer, has yet to rate (SUGG-7)."""
    return [
        {"reply_id": r.pk, "suggestion_id": r.suggestion.pk if r.suggestion else None, "title": r.case.title,
         "unit_name": r.unit.name, "submitted_at": r.submitted_at}
        for r in desk_selectors.replies_to_rate(acting_user(request))
    ]


@router.get("/choices", permission=permissions.VIEW, response=ChoicesOut)
def choices(request):
    """The congress's lists: statuses, categories, reasons not to register (SUGG-10),
    reply classes (SUGG-6) and the satisfaction scale (SUGG-7)."""
    congress = desk_selectors.congress_for(acting_user(request))

    def pairs(items):
        return [{"value": value, "label": str(label)} for value, label in items]

    return {
        "statuses": pairs(desk_selectors.status_choices()),
        "categories": list(desk_selectors.category_choices(congress).values("id", "code", "name")),
        "exclusions": pairs(selectors.exclusion_choices(congress)) if congress else [],
        "reply_classes": pairs(selectors.reply_class_choices(congress)) if congress else [],
        "satisfaction_scale": pairs(selectors.satisfaction_choices(congress)) if congress else [],
    }


# --- one suggestion ------------------------------------------------------------------------------


@router.get("/suggestions/{suggestion_id}", permission=permissions.VIEW, response={200: SuggestionOut, 404: ErrorOut})
def get_suggestion(request, suggestion_id: int):
    """A suggestion with its attachments, co-signers, handling, timeline and the actions
    the caller may take."""
    return _detail(acting_user(request), suggestion_id)


@router.post("/suggestions", permission=permissions.CREATE,
             response={201: SuggestionOut, 403: ErrorOut, 422: ErrorOut})
def create_suggestion(request, payload: SuggestionIn):
    """Start a draft (SUGG-1): a deputy for themselves, staff for a named deputy."""
    user = acting_user(request)
    filed_by = None
    if payload.filed_by_id is not None:
        filed_by = Deputy.objects.filter(pk=payload.filed_by_id).first()
        if filed_by is None:
            raise ValidationFailed(details={"filed_by_id": str(ValidationFailed.default_message)})
    suggestion = services.create_draft(by=user, subject=payload.subject, content=payload.content,
                                       category=payload.category_id, filed_by=filed_by)
    return Status(201, _detail(user, suggestion.pk))


@router.patch("/suggestions/{suggestion_id}", permission=permissions.EDIT, response=ACTION)
def update_suggestion(request, suggestion_id: int, payload: SuggestionPatch):
    """Change a draft (only the fields sent)."""
    user = acting_user(request)
    suggestion = desk_selectors.suggestion_for(user, suggestion_id)
    sent = payload.model_fields_set
    changes = {}
    if "subject" in sent:
        changes["subject"] = payload.subject or ""
    if "content" in sent:
        changes["content"] = payload.content or ""
    if "category_id" in sent:
        changes["category"] = payload.category_id
    services.update_draft(by=user, suggestion=suggestion, **changes)
    return _detail(user, suggestion.pk)


@router.post("/suggestions/{suggestion_id}/attachments", permission=permissions.ATTACH,
             response={201: AttachmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def add_attachment(request, suggestion_id: int, file: File[UploadedFile]):
    """Attach a file to a draft (multipart `file`: pdf, docx, xlsx, jpg, png; refused when
    it bears a secrecy mark, SEC-14)."""
    user = acting_user(request)
    suggestion = desk_selectors.suggestion_for(user, suggestion_id)
    _checked(file, ATTACHMENT_TYPES)
    a = services.add_attachment(by=user, suggestion=suggestion, file=file)
    return Status(201, {"id": a.pk, "name": a.name, "file_type": a.file_type, "size": a.size,
                        "uploaded_at": a.uploaded_at, "url": reverse("proposals:attachment-download", args=[a.pk])})


@router.delete("/attachments/{attachment_id}", permission=permissions.DETACH,
               response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def remove_attachment(request, attachment_id: int):
    """Remove a file from a draft."""
    user = acting_user(request)
    services.remove_attachment(by=user, attachment=desk_selectors.attachment_for(user, attachment_id))
    return Status(204, None)


@router.post("/suggestions/{suggestion_id}/cosignatures", permission=permissions.INVITE,
             response={201: CosignatureOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def invite_cosigner(request, suggestion_id: int, payload: InviteIn):
    """Invite a deputy of the same term, in office, to co-sign a draft."""
    user = acting_user(request)
    suggestion = desk_selectors.suggestion_for(user, suggestion_id)
    deputy = Deputy.objects.filter(pk=payload.deputy_id).first()
    if deputy is None:
        raise ValidationFailed(details={"deputy_id": str(ValidationFailed.default_message)})
    cosignature = services.invite_cosigner(by=user, suggestion=suggestion, deputy=deputy)
    return Status(201, _cosignature(cosignature))


def _answer(request, cosignature_id: int, confirm: bool):
    user = acting_user(request)
    cosignature = desk_selectors.cosignature_for(user, cosignature_id)
    service = services.confirm_cosignature if confirm else services.decline_cosignature
    return _cosignature(service(by=user, cosignature=cosignature))


_COSIGN = {200: CosignatureOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/cosignatures/{cosignature_id}/confirm", permission=permissions.CONFIRM, response=_COSIGN)
def confirm_cosignature(request, cosignature_id: int):
    """The invited deputy co-signs (before registration)."""
    return _answer(request, cosignature_id, True)


@router.post("/cosignatures/{cosignature_id}/decline", permission=permissions.DECLINE_COSIGN, response=_COSIGN)
def decline_cosignature(request, cosignature_id: int):
    """The invited deputy declines, or takes a confirmation back before registration."""
    return _answer(request, cosignature_id, False)


@router.post("/suggestions/{suggestion_id}/submit", permission=permissions.SUBMIT, response=ACTION)
def submit_suggestion(request, suggestion_id: int):
    """Submit a draft (SUGG-1): during a session to the congress, otherwise to the
    standing committee."""
    user = acting_user(request)
    services.submit_suggestion(by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id))
    return _detail(user, suggestion_id)


@router.post("/suggestions/{suggestion_id}/withdraw", permission=permissions.WITHDRAW, response=ACTION)
def withdraw_suggestion(request, suggestion_id: int, payload: NoteIn):
    """The filer withdraws the suggestion (SUGG-10); staff only record the deputy's written
    request, and `note` must then say what it was (422 without it)."""
    user = acting_user(request)
    services.withdraw_suggestion(by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id),
                                 note=payload.note)
    return _detail(user, suggestion_id)


@router.post("/suggestions/{suggestion_id}/register", permission=permissions.REGISTER, response=ACTION)
def register_suggestion(request, suggestion_id: int, payload: RegisterIn):
    """Register (立案) a submitted suggestion: numbered, its handling opened (SUGG-2)."""
    user = acting_user(request)
    extra = {"category": payload.category_id} if payload.category_id is not None else {}
    services.register_suggestion(by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id),
                                 note=payload.note, **extra)
    return _detail(user, suggestion_id)


@router.post("/suggestions/{suggestion_id}/decline", permission=permissions.DECLINE, response=ACTION)
def decline_suggestion(request, suggestion_id: int, payload: DeclineIn):
    """Do not register, with one of the congress's exclusions (SUGG-10); the deputy sees it."""
    user = acting_user(request)
    services.decline_suggestion(by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id),
                                reason=payload.reason, note=payload.note)
    return _detail(user, suggestion_id)


@router.post("/suggestions/{suggestion_id}/assign", permission=ASSIGN, response=ACTION)
def assign_suggestion(request, suggestion_id: int, payload: AssignIn):
    """Assign to one lead unit and any assisting units, or to units handling it separately
    (SUGG-5); due dates from the working-day calendar (SUGG-3)."""
    user = acting_user(request)
    services.assign_suggestion(
        by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id), lead=payload.lead_id,
        assisting=payload.assisting_ids, separate=payload.separate_ids, note=payload.note,
    )
    return _detail(user, suggestion_id)


def _suggestion_id_of(case) -> int:
    suggestion = desk_selectors.suggestion_of_case(case)
    return suggestion.pk


@router.post("/assignments/{assignment_id}/extend", permission=APPROVE_EXTENSION, response=ACTION)
def approve_extension(request, assignment_id: int, payload: NoteIn):
    """SUGG-4: approve the six-month period, before the three-month date ends."""
    user = acting_user(request)
    assignment = desk_selectors.assignment_for(user, assignment_id)
    services.approve_suggestion_extension(by=user, assignment=assignment, note=payload.note)
    return _detail(user, _suggestion_id_of(assignment.case))


@router.post("/assignments/{assignment_id}/reply", permission=REPLY,
             response={201: ReplyOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def reply(
    request,
    assignment_id: int,
    body: Form[str],
    reply_class: Form[str] = "",
    class_reason: Form[str] = "",
    signed_by: Form[str] = "",
    letter: File[UploadedFile] = None,
):
    """The unit's reply (multipart): `body`, `reply_class` (SUGG-6; C and D need
    `class_reason`), `signed_by` and the signed `letter` (pdf, docx, jpg, png). An assisting
    unit sends only its view (`body`, letter optional; SUGG-5)."""
    user = acting_user(request)
    assignment = desk_selectors.assignment_for(user, assignment_id)
    if letter is not None:
        _checked(letter, LETTER_TYPES)
    created = services.reply_to_suggestion(
        by=user, assignment=assignment, body=body, reply_class=reply_class, class_reason=class_reason,
        letter=letter, signed_by=signed_by,
    )
    created.ratings = []
    return Status(201, _reply(created))


@router.post("/replies/{reply_id}/rate", permission=RATE, response=ACTION)
def rate_reply(request, reply_id: int, payload: RateIn):
    """SUGG-7: rate a reply. Dissatisfied needs a `comment` saying what is unsatisfactory (422
    without it) and, in the first round, sends the suggestion back for re-handling with a new
    due date; otherwise, once every filer has rated, it is closed."""
    user = acting_user(request)
    the_reply = desk_selectors.reply_for(user, reply_id)
    services.rate_suggestion_reply(by=user, reply=the_reply, satisfaction=payload.satisfaction,
                                   comment=payload.comment, recipient=payload.recipient_id)
    return _detail(user, _suggestion_id_of(the_reply.case))


@router.post("/suggestions/{suggestion_id}/rehandle", permission=REHANDLE, response=ACTION)
def rehandle_suggestion(request, suggestion_id: int, payload: NoteIn):
    """SUGG-7: send back for re-handling after a dissatisfied rating."""
    user = acting_user(request)
    services.rehandle_suggestion(by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id),
                                 note=payload.note)
    return _detail(user, suggestion_id)


@router.post("/suggestions/{suggestion_id}/close", permission=CLOSE, response=ACTION)
def close_suggestion(request, suggestion_id: int, payload: NoteIn):
    """SUGG-7: close once every filer is satisfied or basically satisfied, or after
    re-handling."""
    user = acting_user(request)
    services.close_suggestion(by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id),
                              note=payload.note)
    return _detail(user, suggestion_id)


@router.post("/suggestions/{suggestion_id}/supervise", permission=SUPERVISE, response=ACTION)
def supervise_suggestion(request, suggestion_id: int, payload: SuperviseIn):
    """SUGG-9: make (or stop making) it a key supervised item."""
    user = acting_user(request)
    services.supervise_suggestion(by=user, suggestion=desk_selectors.suggestion_for(user, suggestion_id),
                                  supervised=payload.supervised, note=payload.note)
    return _detail(user, suggestion_id)


@router.post("/suggestions/{suggestion_id}/merge", permission=MERGE, response=ACTION)
def merge_suggestion(request, suggestion_id: int, payload: MergeIn):
    """SUGG-11: merge this suggestion into `into_id`; every filer is still owed a reply."""
    user = acting_user(request)
    source = desk_selectors.suggestion_for(user, suggestion_id)
    target = desk_selectors.suggestion_for(user, payload.into_id)
    services.merge_suggestions(by=user, target=target, sources=[source], note=payload.note)
    return _detail(user, suggestion_id)

