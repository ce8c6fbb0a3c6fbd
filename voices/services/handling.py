"""Triage (route, not accept, merge), call-backs and the reveal of personal data.

Routing is a person's decision (SEC-10): the models' suggestions are stored on the message,
staff confirm or change them here. The handling itself is casework's (kind "message").
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import rules as case_rules
from casework import selectors as case_selectors
from casework import services as casework
from core.audit.services import record
from core.errors import InvalidTransition, ValidationFailed
from core.notify.services import notify
from core.organisation.models import HandlingUnit
from core.organisation.rules import effective_parameters
from core.permissions import require

from .. import crypto, duplicates, permissions, rules, selectors
from ..models import CallBack, Message, MessageCategory, PersonalDataView
from ..scrub import mask_numbers
from . import counts
from .base import error, errors_from, lock, now_or, sync

_L = gettext_lazy


def _refusal(message: Message) -> InvalidTransition:
    return InvalidTransition(
        _("This is not possible while the message is “%(state)s”.") % {"state": message.get_status_display()},
        details={"state": message.status},
    )


def _unit_id(unit) -> int | None:
    if unit is None:
        return None
    return unit.pk if isinstance(unit, HandlingUnit) else int(unit)


def _msg7_error() -> str:
    return _("A report is never sent to the unit it accuses (MSG-7).")


def route_message(*, by, message, category, unit, assisting_units=(), is_urgent=None, note="", now=None) -> Message:
    """Accept a received message and assign it (交办) to a lead unit and any assisting units,
    with the regime's deadline (MSG-3 / MSG-6). Staff confirm (or change) the suggested
    category, unit and urgency (SEC-10). MSG-7: a report is never routed to the unit it
    accuses. Raises NotAllowed, InvalidTransition (not waiting for routing),
    ValidationFailed (category, unit, MSG-7)."""
    now = now_or(now)
    lead_id = _unit_id(unit)
    assisting_ids = [_unit_id(u) for u in assisting_units]
    with transaction.atomic():
        locked = lock(message)
        require(by, permissions.TRIAGE, locked)
        if locked.status != Message.Status.RECEIVED or locked.case.status != case_rules.REGISTERED:
            raise _refusal(locked)
        errors = {}
        category_pk = getattr(category, "pk", category)
        found = MessageCategory.objects.filter(pk=category_pk, congress_id=locked.congress_id, is_active=True).first()
        if found is None:
            errors["category"] = _("Choose a category from the list.")
        if lead_id is None:
            errors["unit"] = _("Choose the unit that handles it.")
        blocked = rules.routing_blocked_units(nature=locked.nature, accused_unit_id=locked.accused_unit_id,
                                              unit_ids=[lead_id, *assisting_ids])
        if lead_id in blocked:
            errors["unit"] = _msg7_error()
        if any(u in blocked for u in assisting_ids):
            errors["assisting_units"] = _msg7_error()
        if errors:
            raise ValidationFailed(details=errors)
        before = {"status": locked.status, "category": locked.category_id, "is_urgent": locked.is_urgent}
        old_bucket = counts.key_of(locked)
        locked.category = found
        if is_urgent is not None:
            locked.is_urgent = bool(is_urgent)
        locked.status = Message.Status.ACCEPTED
        locked.routed_by = by
        locked.save(update_fields=["category", "is_urgent", "status", "routed_by"])
        counts.moved(old_bucket, counts.key_of(locked))
        # The deadline rule reads the message's regime, nature and urgency (casekind).
        casework.assign_case(by=by, case=locked.case, lead=lead_id, assisting=assisting_ids, note=note, now=now)
        record(actor=by, action="voices.route", target=locked, before=before, after={
            "status": locked.status, "category": locked.category_id, "is_urgent": locked.is_urgent,
        }, data={
            "unit": lead_id, "assisting": assisting_ids, "note": note,
            # SEC-10: what the models suggested, beside what the person decided.
            "suggested_category": locked.suggested_category_id, "suggested_unit": locked.suggested_unit_id,
            "suggested_urgent": locked.suggested_urgent,
            "followed_suggestion": locked.suggested_unit_id == lead_id
            and locked.suggested_category_id == locked.category_id,
        })
    return sync(message, locked)


def not_accept(*, by, message, reason, note, now=None) -> Message:
    """MSG-5: do not accept a received message, on a configured ground, with directions to the
    right channel. The case ends (casework withdrawal, recorded as not accepted) and the
    citizen is told. Raises NotAllowed, InvalidTransition, ValidationFailed."""
    now = now_or(now)
    with transaction.atomic():
        locked = lock(message)
        require(by, permissions.TRIAGE, locked)
        if locked.status != Message.Status.RECEIVED or locked.case.status != case_rules.REGISTERED:
            raise _refusal(locked)
        grounds = effective_parameters(locked.congress)["msg_nonacceptance_grounds"]
        errors = errors_from(rules.check_nonacceptance(reason, note, grounds))
        if errors:
            raise ValidationFailed(details=errors)
        locked.status = Message.Status.NOT_ACCEPTED
        locked.not_accepted_reason = reason.strip()
        locked.not_accepted_note = note.strip()
        locked.save(update_fields=["status", "not_accepted_reason", "not_accepted_note"])
        casework.withdraw_case(by=by, case=locked.case, note=f"MSG-5 {locked.not_accepted_reason}", now=now)
        record(actor=by, action="voices.not_accept", target=locked, before={"status": Message.Status.RECEIVED},
               after={"status": locked.status}, data={"reason": locked.not_accepted_reason})
        notify(recipients=[locked.submitter], action="voices.not_accept",
               title=_L("Your message %(number)s was not accepted"),
               body=locked.not_accepted_note, params={"number": locked.tracking_number})
        pk = locked.pk
        transaction.on_commit(lambda: duplicates.remove([pk]))
    return sync(message, locked)


def merge_messages(*, by, target, sources: Iterable, note="", now=None) -> Message:
    """Merge messages with the same content into `target` (casework merge, 并案): every
    submitter stays owed a reply. MSG-7: a report is never merged into a case handled by the
    unit it accuses. Raises NotAllowed, ValidationFailed, InvalidTransition."""
    sources = list(sources)
    if not sources:
        raise ValidationFailed(details={"sources": _("Choose the messages to merge.")})
    with transaction.atomic():
        the_target = lock(target)
        the_sources = [lock(s) for s in sources]
        for m in [the_target, *the_sources]:
            require(by, permissions.TRIAGE, m)
            if m.status == Message.Status.NOT_ACCEPTED:
                raise _refusal(m)
        target_units = {a.unit_id for a in case_selectors.assignments_for(by, the_target.case)
                        if a.status != case_rules.CANCELLED}
        for m in [the_target, *the_sources]:
            if rules.routing_blocked_units(nature=m.nature, accused_unit_id=m.accused_unit_id, unit_ids=target_units):
                raise ValidationFailed(details={"sources": _msg7_error()})
        casework.merge_cases(by=by, target=the_target.case, sources=[m.case for m in the_sources], note=note, now=now)
        ids = [m.pk for m in the_sources]
        record(actor=by, action="voices.merge", target=the_target, data={"sources": ids, "note": note})
        transaction.on_commit(lambda: duplicates.remove(ids))
    return sync(target, the_target)


def _live_case(message: Message):
    case = type(message.case).objects.select_related("merged_into").get(pk=message.case_id)
    return casework.live_case(case)


def record_callback(*, by, message, outcome, comment="", now=None) -> CallBack:
    """MSG-4: staff record the call-back after the reply, on the citizen's behalf.

    satisfied / basically satisfied / dissatisfied are the citizen's rating of the reply
    (casework rating, entered by staff for this submitter): once every submitter has rated,
    the case closes; a dissatisfied rating sends the case back for re-handling at once (not
    after a re-handling round, which closes it). Unreachable is only recorded. Never closes
    anything by itself (SEC-10). Raises NotAllowed, ValidationFailed (outcome),
    InvalidTransition (no reply waiting for a call-back, or this citizen already rated it).
    """
    now = now_or(now)
    if outcome not in rules.CALLBACK_OUTCOMES:
        raise ValidationFailed(details={"outcome": _("Choose one of: %(values)s.") % {
            "values": ", ".join(rules.CALLBACK_OUTCOMES)}})
    if rules.callback_needs_comment(outcome) and not (comment or "").strip():
        raise ValidationFailed(details={"comment": _(
            "Write down what the citizen is dissatisfied with: the unit handles the matter again from it.")})
    with transaction.atomic():
        locked = lock(message)
        require(by, permissions.CALLBACK, locked)
        case = _live_case(locked)
        if case.status != case_rules.REPLIED:
            raise InvalidTransition(_("A call-back follows the reply."), details={"state": case.status})
        round_number = CallBack.objects.filter(message=locked).count() + 1
        rated = []
        if rules.callback_rates(outcome):
            recipient = next((r for r in case_selectors.recipients_for(by, case)
                              if r.source_case_id == locked.case_id and r.is_lead and r.withdrawn_at is None), None)
            if recipient is None:
                raise InvalidTransition(_("Nobody is waiting for this reply any more."))
            done = {(f.reply_id, f.recipient_id) for f in case_selectors.feedback_for(by, case)}
            replies = [r for r in case_selectors.replies_for(by, case)
                       if r.round == case.round and r.to_filer and (r.pk, recipient.pk) not in done]
            if not replies:
                raise InvalidTransition(_("This citizen's call-back is already recorded."))
            for reply in replies:
                rated.append(casework.rate_reply(by=by, reply=reply, satisfaction=outcome, comment=comment,
                                                 recipient=recipient, now=now).pk)
            case.refresh_from_db()
            if (outcome == rules.DISSATISFIED and case.status == case_rules.REPLIED
                    and case.round < case_rules.MAX_ROUNDS):
                casework.rehandle_case(by=by, case=case, note=comment, now=now)
                case.refresh_from_db()
        callback = CallBack.objects.create(message=locked, round=round_number, outcome=outcome,
                                           comment=(comment or "").strip(), made_by=by, made_at=now)
        record(actor=by, action="voices.callback", target=locked, data={
            "outcome": outcome, "round": round_number, "feedback": rated, "case_status": case.status,
        })
        if case.status in (case_rules.CLOSED, case_rules.MERGED):
            ids = [locked.pk]
            transaction.on_commit(lambda: duplicates.remove(ids))
    return callback


class _AuditedMessage:
    """The message as an audit entry's target: its type and id, labelled by its tracking
    number and its subject with the numbers masked. `str(message)` holds the subject as
    typed, which may carry the very ID or phone number the entry records a reveal of (SEC-8:
    the log says whose data was read, and holds none of it)."""

    _meta = Message._meta

    def __init__(self, message: Message) -> None:
        self.pk = message.pk
        self.label = f"{message.tracking_number} {mask_numbers(message.subject)}"

    def __str__(self) -> str:
        return self.label


def reveal_personal_data(*, by, message, purpose="") -> dict:
    """SEC-8: the citizen's name, phone and ID number in clear, for staff only; the message's
    own subject and text are then shown with their numbers unmasked too. Every reveal is
    logged twice, in one transaction: a PersonalDataView row (who, which message, which
    fields, why) and an audit entry "voices.reveal" on the message (who, when, which fields,
    whether the text held numbers, why), which the audit log's readers see. Neither holds
    the data revealed. A confidential, sensitive or report message needs the purpose stated
    (SEC-15, SEC-7). Raises NotAllowed, ValidationFailed (purpose)."""
    require(by, permissions.PERSONAL_DATA, message)
    purpose = (purpose or "").strip()
    if not purpose and (message.is_confidential or message.is_sensitive or message.nature == rules.REPORT):
        raise ValidationFailed(details={"purpose": _("Say why you need this citizen's personal data.")})
    values = {
        "name": crypto.decrypt(message.name_encrypted),
        "phone": crypto.decrypt(message.phone_encrypted),
        "id_number": crypto.decrypt(message.id_number_encrypted),
    }
    shown = [k for k, v in values.items() if v]
    text_numbers = any(mask_numbers(t) != t for t in (message.subject, message.body))
    # A purpose is typed by staff: a number typed into it stays out of the log as well.
    purpose = purpose[:100]
    with transaction.atomic():
        PersonalDataView.objects.create(message=message, viewer=by, fields=",".join(shown) or "-", purpose=purpose)
        record(actor=by, action="voices.reveal", target=_AuditedMessage(message),
               data={"fields": shown, "text_numbers": text_numbers, "purpose": mask_numbers(purpose)})
    return values


def find_caller_messages(*, by, phone: str = "", message: Message | None = None, purpose: str = "") -> list[Message]:
    """SEC-8: the messages sent from one phone number (a caller's earlier messages, for staff
    on the line or checking a repeat caller), newest first, at most `selectors.CALLER_MAX`.
    The number is typed (`phone`) or is that of a `message` staff are reading, so its other
    messages are found without anyone seeing the number.

    The number is matched by its keyed hashes (one per configured key while keys rotate), so
    no stored number is decrypted to search; a message's own number is decrypted in memory
    only when a retired key is configured. Every search states its purpose and is written to
    the audit trail: who, why, and which messages it found. The number itself is not logged;
    its current hash's first 16 characters are, so an auditor can see which searches were for
    the same number."""
    require(by, permissions.PERSONAL_DATA)
    problems, keys = {}, []
    if message is not None:
        keys = _keys_of(message)
        if not keys:
            problems["phone"] = _("This message has no phone number.")
    else:
        phone = (phone or "").strip()
        if rules.phone_valid(phone):
            keys = crypto.lookup_keys(phone)
        else:
            problems["phone"] = error("phone_invalid")
    purpose = (purpose or "").strip()
    if not purpose:
        # Finding what one number sent can name the sender of a confidential report (SEC-15).
        problems["purpose"] = _("Say why you are looking for this caller's messages.")
    if problems:
        raise ValidationFailed(details=problems)
    found = selectors.messages_from_phone_keys(by, keys)
    data = {"phone_key": keys[0][:16], "purpose": purpose[:100], "found": [m.pk for m in found]}
    with transaction.atomic():
        record(actor=by, action="voices.phone_search", target=message, data=data)
    return found


def _keys_of(message: Message) -> list[str]:
    """The look-up keys of a message's phone: its stored one, or, while keys rotate, those of
    its number under every key (it may be stored under a retired one)."""
    if not message.phone_index:
        return []
    if not crypto.rotating():
        return [message.phone_index]
    try:
        keys = crypto.lookup_keys(crypto.decrypt(message.phone_encrypted))
    except crypto.DecryptionFailed:
        keys = []
    return keys if message.phone_index in keys else [*keys, message.phone_index]
