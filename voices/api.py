"""/api/voices: citizens' messages: submit, track, list, a message, and staff actions
(route, not accept, merge, call-back, reveal personal data, a caller's messages by phone), and
the caller's own data.

Reads are scoped to the caller (voices.selectors): staff see every message, deputies their
district's, a unit clerk what was assigned to the unit, a citizen their own; a message out
of scope answers 404. Contact data come masked, or not at all where withheld (SEC-8,
SEC-15, MSG-7), and so do the ID, bank-card and phone numbers inside a message's subject and
text, for every role but the message's own sender; in full only through POST
.../personal-data (staff, logged). Errors are
`{"code", "message", "details"}`: 403 not allowed, 404 not found, 409 not possible in the
current state, 422 invalid input (`details` names the fields). Lists take the filters of
the triage page and `?cursor=&limit=`: each answer carries `next_cursor` (null on the last
page) to pass back as `cursor`, and a `count` that is exact (`count_exact`) or, past 1,000
on filters the daily counts do not hold, a floor ("more than `count`").
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja import Query, Status

from casework.models import Assignment
from core.apikit import DatongRouter, ErrorOut, acting_user, auth_for
from core.errors import NotFound, ValidationFailed
from core.organisation.models import HandlingUnit
from core.permissions import PUBLIC

from . import rules, selectors, services
from .api_models import router as models_router
from .models import Channel, Message, MessageCategory
from .permissions import deputy_of
from .schemas import (
    BatchIn,
    BatchOut,
    CallBackIn,
    CallerMessagesOut,
    CallerSearchIn,
    MergeIn,
    MessageIn,
    MessageListOut,
    MessageOut,
    NotAcceptIn,
    OwnMessageOut,
    PersonalDataOut,
    RevealIn,
    RouteIn,
    SubmittedOut,
    TakenUpOut,
    TrackOut,
)
from .scrub import mask_numbers
from .views import common
from .views import permissions_used as codes
from .views.data import own_data

router = DatongRouter()
router.add_router("/models", models_router)

ACTION = {200: MessageOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _anyone(request):
    """Last in the chain: a caller without a valid token or session is a visitor."""
    return AnonymousUser()


# --- building the answers ---------------------------------------------------------------------


def _text(user, message: Message, text: str) -> str:
    """SEC-8: a message's own subject or text as `user` may read it: the numbers a citizen
    typed into it (ID, bank card, phone) masked as the sender panel masks them, for every role
    but the sender; in full only through reveal_personal_data (staff, logged)."""
    return text if common.text_in_full(user, message) else mask_numbers(text)


def _row(user, m: Message) -> dict:
    return {
        "id": m.pk, "tracking_number": m.tracking_number, "subject": _text(user, m, m.subject), "status": m.status,
        "status_label": m.get_status_display(), "regime": m.regime, "channel": m.channel, "nature": m.nature,
        "category_id": m.category_id, "category_name": m.category.name if m.category_id else "",
        "district_id": m.district_id, "district_name": m.district.name if m.district_id else "",
        "is_urgent": m.is_urgent, "is_confidential": m.is_confidential, "received_at": m.received_at,
        "case_id": m.case_id,
    }


def _detail(user, message: Message) -> dict:
    from core.permissions import has_perm

    data = _row(user, message)
    contact = common.masked_contact(user, message)
    triage = has_perm(user, codes.TRIAGE, message)
    duplicates = []
    if triage and message.status == Message.Status.RECEIVED and not message.case.merged_into_id:
        duplicates = [
            {"id": m.pk, "tracking_number": m.tracking_number, "subject": _text(user, m, m.subject),
             "score": float(score)}
            for m, score in selectors.likely_duplicates(message)
        ]
    data.update(
        body=_text(user, message, message.body), location=message.location, is_anonymous=message.is_anonymous,
        consent_to_publish_name=message.consent_to_publish_name, age_band=message.age_band,
        notice_version=message.notice_version, accused_unit_id=message.accused_unit_id,
        not_accepted_reason=message.not_accepted_reason, not_accepted_note=message.not_accepted_note,
        contact={**contact, "withheld": common.identity_withheld(user, message)},
        suggestions=[
            {"key": s["key"], "value": str(s["value"]), "confidence": s["confidence"],
             "reasons": [r["word"] for r in s["reasons"]]}
            for s in (common.suggestions_of(message) if triage else [])
        ],
        duplicates=duplicates,
        assignments=[
            {"id": a.pk, "unit_id": a.unit_id, "unit_name": a.unit.name, "role": a.role, "status": a.status,
             "due_on": a.due_on}
            for a in Assignment.objects.filter(case=message.case).select_related("unit").order_by("round", "pk")
        ],
        replies=[
            {"id": r.pk, "unit_name": r.unit.name, "role": r.role, "body": r.body, "submitted_at": r.submitted_at}
            for r in selectors.replies_for(user, message)
        ],
        callbacks=[
            {"round": c.round, "outcome": c.outcome, "comment": c.comment, "made_at": c.made_at}
            for c in message.callbacks.all()
        ],
    )
    return data


def _fresh(user, message_id: int) -> dict:
    return _detail(user, selectors.message_for(user, message_id))


def _pick(model, pk, field: str, **scope):
    """A referenced row, or a 422 naming the field."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk, **scope).first()
    if row is None:
        raise ValidationFailed(details={field: str(ValidationFailed.default_message)})
    return row


# --- the citizen --------------------------------------------------------------------------------


#: The service's name of a referenced row → the API's field.
_ID_FIELDS = {"category": "category_id", "district": "district_id", "accused_unit": "accused_unit_id"}


def _voice_refused() -> str:
    return _("Only a deputy or a liaison station may send a voice they gathered (deputy_voice).")


def _gatherer(user, regime: str):
    """The Deputy behind a deputy's voice (regime deputy_voice) sent by that deputy's account;
    ValidationFailed on `regime` when anyone else sends one: the API has no field naming a
    deputy or station, so only the deputy's own account can say who gathered it."""
    if regime != rules.DEPUTY_VOICE:
        return None
    deputy = deputy_of(user)
    if deputy is None:
        raise ValidationFailed(details={"regime": _voice_refused()})
    return deputy


# Open to everyone: a citizen may write without an account (SEC-5); a token or session is
# read when there is one (the signed-in citizen is the submitter). The service checks
# voices.submit.
@router.post("/messages", permission=PUBLIC, auth=[*auth_for(PUBLIC), _anyone],
             response={201: SubmittedOut, 403: ErrorOut, 422: ErrorOut})
def submit_message(request, payload: MessageIn):
    """Send a message (channel api); answers the tracking number."""
    user = acting_user(request)
    data = payload.dict()
    gatherer = _gatherer(user, data["regime"])
    try:
        # The referenced rows go by id: the service reads them once for every message it
        # receives at the same moment (voices.services.intake).
        message = services.receive_message(
            by=user, congress=common.congress(), channel=Channel.API,
            regime=data["regime"], nature=data["nature"], subject=data["subject"], body=data["body"],
            category=data["category_id"], district=data["district_id"],
            location=data["location"], latitude=data["latitude"], longitude=data["longitude"],
            name=data["name"], phone=data["phone"], is_anonymous=data["is_anonymous"],
            is_confidential=data["is_confidential"], age_band=data["age_band"],
            guardian_consent=data["guardian_consent"], consent_to_publish_name=data["consent_to_publish_name"],
            notice_version=data["notice_version"], accused_unit=data["accused_unit_id"],
            gathered_by_deputy=gatherer, submitter=user if getattr(user, "is_authenticated", False) else None,
        )
    except ValidationFailed as exc:
        # The API names a referenced row by its id field.
        exc.details = {_ID_FIELDS.get(name, name): reason for name, reason in (exc.details or {}).items()}
        raise
    return Status(201, {"tracking_number": message.tracking_number, "status": message.status,
                        "received_at": message.received_at})


# A client system (the 12345 platform pushing its work orders) with an API token, or a
# signed-in account: voices.submit as for one message, but never anonymous (401), since one
# request stores up to 500 messages.
@router.post("/messages/batch", permission=codes.SUBMIT,
             response={201: BatchOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def submit_batch(request, payload: BatchIn):
    """Send up to 500 messages at once (channel api), all or nothing: if any message is
    invalid, nothing is stored and the answer is a 422 whose `details` name each failing
    message as "row N" (N counted from 1 in the order sent) with its fields and reasons.
    Otherwise 201 with one item per message, in the order sent: its tracking number, and
    `created` false when its `external_id` was received before (sending a batch again after
    a lost answer stores nothing twice). The models' suggestions are stored as for one
    message; staff are told once per batch."""
    user = acting_user(request)
    congress = common.congress()
    # A deputy's voice names who gathered it, which a batch cannot (nor may a deputy batch).
    voices = {f"row {number}": "regime: " + _voice_refused()
              for number, item in enumerate(payload.messages, start=1) if item.regime == rules.DEPUTY_VOICE}
    if voices:
        raise ValidationFailed(details=voices)
    items = []
    for number, item in enumerate(payload.messages, start=1):
        data = item.dict()
        items.append({
            "_row": number, "regime": data["regime"], "nature": data["nature"], "subject": data["subject"],
            "body": data["body"], "category": data["category_id"], "district": data["district_id"],
            "location": data["location"], "latitude": data["latitude"], "longitude": data["longitude"],
            "name": data["name"], "phone": data["phone"], "is_anonymous": data["is_anonymous"],
            "is_confidential": data["is_confidential"], "age_band": data["age_band"],
            "guardian_consent": data["guardian_consent"], "consent_to_publish_name": data["consent_to_publish_name"],
            "notice_version": data["notice_version"], "accused_unit": data["accused_unit_id"],
            "external_id": data["external_id"], "received_at": data["received_at"],
        })
    messages = services.receive_batch(by=user, congress=congress, channel=Channel.API, items=items, submitter=user)
    rows, seen = [], set()
    for m in messages:
        rows.append({"tracking_number": m.tracking_number, "status": m.status, "received_at": m.received_at,
                     "external_id": m.external_id,
                     "created": bool(getattr(m, "_created_now", False)) and m.pk not in seen})
        seen.add(m.pk)
    created = sum(1 for row in rows if row["created"])
    return Status(201, {"received": created, "already_received": len(rows) - created, "items": rows})


# Open to everyone (auth=None): the tracking number is the key, and the answer carries no
# personal data (voices.selectors.track).
@router.get("/track/{tracking_number}", permission=PUBLIC, auth=None, response={200: TrackOut, 404: ErrorOut})
def track(request, tracking_number: str):
    """Status, dates and the (scrubbed) reply of a message, by its tracking number."""
    result = selectors.track(tracking_number)
    if result is None:
        raise NotFound(common.not_found_text())
    return result


@router.get("/mine", permission=codes.VIEW, response=list[OwnMessageOut])
def my_messages(request):
    """SEC-13: the caller's own messages with everything held about them (their own contact
    data in full)."""
    return own_data(acting_user(request))


# --- lists and one message ------------------------------------------------------------------------


@router.get("/messages", permission=codes.VIEW, response=MessageListOut)
def list_messages(
    request,
    status: str = "",
    category: int | None = None,
    district: int | None = None,
    regime: str = "",
    overdue: bool | None = None,
    q: str = "",
    order: str = "-received_at",
    cursor: str = Query("", description="the previous answer's next_cursor; empty: the first page"),
    limit: int = Query(50, ge=1, le=200),
):
    """The messages the caller may see, newest first, `limit` at a time. `status`:
    received, accepted, not_accepted; `regime`: hotline, petition, deputy_voice; `order`:
    -received_at, received_at, subject. `count` is exact when `count_exact`, otherwise the
    list holds more than `count` messages (counted no further)."""
    user = acting_user(request)
    filters = {
        "status": status or None, "category": category, "district": district, "regime": regime or None,
        "overdue": overdue, "q": q or None,
    }
    page, count = common.page_and_count(user, cursor, size=limit, order=order, **filters)
    return {"items": [_row(user, m) for m in page.rows], "next_cursor": page.cursor, "count": count.value,
            "count_exact": count.exact}


@router.post("/messages/by-phone", permission=codes.PERSONAL_DATA,
             response={200: CallerMessagesOut, 403: ErrorOut, 422: ErrorOut})
def caller_messages(request, payload: CallerSearchIn):
    """SEC-8: the messages sent from one phone number (staff). A POST, so the number stays out
    of URLs and logs; every search is logged with its purpose and what it found."""
    user = acting_user(request)
    found = services.find_caller_messages(by=user, phone=payload.phone, purpose=payload.purpose)
    return {"items": [_row(user, m) for m in found], "limit": selectors.CALLER_MAX}


@router.post("/messages/{message_id}/same-phone", permission=codes.PERSONAL_DATA,
             response={200: CallerMessagesOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def same_phone_messages(request, message_id: int, payload: RevealIn):
    """SEC-8: the messages sent from the phone number of this message (itself among them),
    without the number being shown; 422 when it has none. Logged as a phone search."""
    user = acting_user(request)
    message = selectors.message_for(user, message_id)
    found = services.find_caller_messages(by=user, message=message, purpose=payload.purpose)
    return {"items": [_row(user, m) for m in found], "limit": selectors.CALLER_MAX}


@router.get("/messages/{message_id}", permission=codes.VIEW, response={200: MessageOut, 404: ErrorOut})
def get_message(request, message_id: int):
    """A message as the caller may see it: contact data masked or withheld, and the numbers in
    its subject and text masked unless the caller sent it (SEC-8); for staff the models'
    suggestions with their reasons (SEC-10) and likely duplicates."""
    return _fresh(acting_user(request), message_id)


# --- staff actions ------------------------------------------------------------------------------


@router.post("/messages/{message_id}/route", permission=codes.TRIAGE, response=ACTION)
def route_message(request, message_id: int, payload: RouteIn):
    """SEC-10: accept and route as the person decides; MSG-7: never to the accused unit (422)."""
    user = acting_user(request)
    message = selectors.message_for(user, message_id)
    scope = {"congress": message.congress}
    category = _pick(MessageCategory, payload.category_id, "category_id", **scope)
    unit = _pick(HandlingUnit, payload.unit_id, "unit_id", **scope)
    assisting = [_pick(HandlingUnit, pk, "assisting_unit_ids", **scope) for pk in payload.assisting_unit_ids]
    services.route_message(by=user, message=message, category=category, unit=unit, assisting_units=assisting,
                           is_urgent=payload.is_urgent, note=payload.note)
    return _fresh(user, message_id)


@router.post("/messages/{message_id}/not-accept", permission=codes.TRIAGE, response=ACTION)
def not_accept(request, message_id: int, payload: NotAcceptIn):
    """MSG-5: not accepted, on a configured ground, with directions for the citizen."""
    user = acting_user(request)
    message = selectors.message_for(user, message_id)
    services.not_accept(by=user, message=message, reason=payload.reason, note=payload.note)
    return _fresh(user, message_id)


@router.post("/messages/{message_id}/merge", permission=codes.TRIAGE, response=ACTION)
def merge_messages(request, message_id: int, payload: MergeIn):
    """Merge `source_ids` into this message; every sender is still owed the reply."""
    user = acting_user(request)
    target = selectors.message_for(user, message_id)
    sources = []
    for pk in payload.source_ids:
        try:
            sources.append(selectors.message_for(user, pk))
        except NotFound:
            raise ValidationFailed(details={"source_ids": str(ValidationFailed.default_message)}) from None
    services.merge_messages(by=user, target=target, sources=sources, note=payload.note)
    return _fresh(user, message_id)


@router.post("/messages/{message_id}/take-up", permission=codes.TAKE_UP,
             response={201: TakenUpOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def take_up(request, message_id: int):
    """A deputy starts a draft suggestion from a message they may read (its text scrubbed of
    personal information, SEC-6); once per message, never a report (MSG-7)."""
    user = acting_user(request)
    message = selectors.message_for(user, message_id)
    suggestion = services.take_up_as_suggestion(by=user, message=message)
    return Status(201, {"suggestion_id": suggestion.id, "subject": suggestion.subject})


@router.post("/messages/{message_id}/callbacks", permission=codes.CALLBACK, response=ACTION)
def record_callback(request, message_id: int, payload: CallBackIn):
    """MSG-4: the satisfaction call-back; dissatisfied sends the message back to the unit."""
    user = acting_user(request)
    message = selectors.message_for(user, message_id)
    services.record_callback(by=user, message=message, outcome=payload.outcome, comment=payload.comment)
    return _fresh(user, message_id)


@router.post("/messages/{message_id}/personal-data", permission=codes.PERSONAL_DATA,
             response={200: PersonalDataOut, 403: ErrorOut, 404: ErrorOut})
def reveal_personal_data(request, message_id: int, payload: RevealIn):
    """SEC-8: the sender's data in full, and the message's subject and text with the numbers
    in them unmasked (a POST: every view is logged with its purpose)."""
    user = acting_user(request)
    message = selectors.message_for(user, message_id)
    data = services.reveal_personal_data(by=user, message=message, purpose=payload.purpose)
    shown = {key: data.get(key) or "" for key in ("name", "phone", "id_number")}
    return {**shown, "subject": data.get("subject", message.subject), "body": data.get("body", message.body)}
