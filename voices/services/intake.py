"""Receiving messages: one (every channel) or many at once (imports)."""

from __future__ import annotations

import functools
import inspect
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from casework import services as casework
from core import groupcommit, rawrows
from core.accounts.roles import Role
from core.audit.services import record_many
from core.errors import NotAllowed, ValidationFailed
from core.notify.services import notify
from core.organisation.models import Deputy, District, HandlingUnit, LiaisonStation
from core.permissions import has_perm, require, role_of
from core.processcache import ProcessCache
from core.workcalendar import rules as time_rules

from .. import classify, crypto, duplicates, permissions, rules
from ..casekind import NAME as KIND
from ..models import Channel, Message, MessageCategory
from . import counts
from .base import (
    contact_account_unsaved,
    error,
    errors_from,
    in_congress,
    now_or,
    raise_if,
    tracking_number_candidate,
    tracking_numbers_taken,
)

log = logging.getLogger(__name__)
_L = gettext_lazy

#: The permission each channel needs besides voices.submit.
_CHANNEL_CODE = {
    Channel.WEB: permissions.SUBMIT,
    Channel.API: permissions.SUBMIT,
    Channel.PHONE: permissions.ENTER_CALL,
    Channel.IMPORT: permissions.IMPORT,
    Channel.OPEN311: permissions.OPEN311,
    Channel.STATION: permissions.ENTER_CALL,
}
#: Who may give the time received (historical imports, calls entered later, client systems).
_BACKDATING_CHANNELS = (Channel.PHONE, Channel.IMPORT, Channel.STATION, Channel.API, Channel.OPEN311)


def _may_use_channel(by, channel: str, gathered_by_deputy) -> bool:
    code = _CHANNEL_CODE.get(channel)
    if code is None:
        return False
    if has_perm(by, permissions.SUBMIT) and has_perm(by, code):
        return True
    # A deputy enters the voices they gathered themselves.
    return (
        channel == Channel.STATION and role_of(by) == Role.DEPUTY and gathered_by_deputy is not None
        and getattr(gathered_by_deputy, "user_id", None) == by.pk
    )


#: How long a process reuses the list of staff told of each new message (a staff member added,
#: changed or removed in this process is seen at once: voices.apps connects `forget_staff`).
STAFF_SECONDS = 30.0
_STAFF = ProcessCache(seconds=STAFF_SECONDS)


def _staff():
    """The active staff, told of every new message (cached briefly per process)."""
    from core.accounts.models import User

    return _STAFF.get("staff", lambda: list(User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk")))


def forget_staff(**_signal) -> None:
    """Drop the cached staff list (signal receiver for the user model; tests)."""
    _STAFF.forget()


def receive_message(
    *, by, congress, channel, regime, subject, body, nature="help", category=None, district=None, location="",
    latitude=None, longitude=None, name="", phone="", id_number="", is_anonymous=False, is_confidential=False,
    age_band="", guardian_consent=False, consent_to_publish_name=False, notice_version="", accused_unit=None,
    external_id="", open311_service_code="", gathered_by_deputy=None, station=None, received_at=None,
    submitter=None, quiet=False, classify=True,
) -> Message:
    """Receive a citizen's message on any channel and open its case (kind "message").

    Validates (ValidationFailed {field: reason}); idempotent on (congress, channel,
    external_id) when `external_id` is given (returns the message already received). The
    submitter is owed a reply through casework: the signed-in citizen, a named account
    (staff only), or a contact stand-in account. Name, phone and ID number are stored
    encrypted (SEC-8); the models' suggestions are stored, never acted on (SEC-10). Audited;
    staff are told unless `quiet` (historical imports). Raises NotAllowed when the channel is
    not open to `by` (phone entry: staff; import: staff; a station's voice: staff or the
    deputy who gathered it). Outside a transaction, messages arriving at the same moment are
    stored together (group commit, docs/decisions/0005-intake-group-commit.md); each call
    still returns only once its own message is committed.
    """
    external_id = (external_id or "").strip()
    if not _may_use_channel(by, channel, gathered_by_deputy):
        raise NotAllowed()
    if external_id:
        found = Message.objects.filter(congress=congress, channel=channel, external_id=external_id).first()
        if found is not None:
            return found
    if submitter is not None and submitter != by and role_of(by) != Role.STAFF:
        raise NotAllowed()
    item = {
        "regime": regime, "subject": subject, "body": body, "nature": nature, "category": category,
        "district": district, "location": location, "latitude": latitude, "longitude": longitude, "name": name,
        "phone": phone, "id_number": id_number, "is_anonymous": is_anonymous, "is_confidential": is_confidential,
        "age_band": age_band, "guardian_consent": guardian_consent, "consent_to_publish_name": consent_to_publish_name,
        "notice_version": notice_version, "accused_unit": accused_unit, "external_id": external_id,
        "open311_service_code": open311_service_code, "gathered_by_deputy": gathered_by_deputy, "station": station,
        "received_at": received_at,
    }
    receive = functools.partial(_receive_items, by=by, congress=congress, channel=channel, submitter=submitter,
                                quiet=quiet, classify=classify)
    if GROUP_COMMIT and groupcommit.usable():
        # Messages arriving at once from callers alike are checked and stored together
        # (core.groupcommit): each request still answers only once its own message is
        # committed, or with its own refusal.
        key = (congress.pk, channel, getattr(by, "pk", None), getattr(submitter, "pk", None), quiet, classify)
        return _GROUPS.submit(key, (item, now_or(None)), receive)
    result = receive([(item, now_or(None))])[0]
    if isinstance(result, Exception):
        raise result
    return result


def _receive_items(items: list[tuple[dict, Any]], *, by, congress, channel, submitter, quiet,
                   classify) -> list[Message | ValidationFailed]:
    """Check and store single messages, each (receive_message's fields, the time it came): the
    rows they refer to by id read once for all; one result per item, in order, its message or
    why it was refused. The valid ones are stored together (`_store`)."""
    rows = _prefetch([fields for fields, _now in items])
    results: list[Message | ValidationFailed | None] = [None] * len(items)
    cleaned, positions = [], []
    for index, (fields, now) in enumerate(items):
        try:
            cleaned.append(_clean(congress=congress, channel=channel, now=now, **_resolved(fields, rows)))
            positions.append(index)
        except ValidationFailed as exc:
            results[index] = exc
    if cleaned:
        stored = _store(cleaned, by=by, congress=congress, channel=channel, submitter=submitter, quiet=quiet,
                        classify=classify)
        for index, message in zip(positions, stored, strict=True):
            results[index] = message
    return results


#: Whether single messages received outside a transaction are stored in groups (settings:
#: VOICES_GROUP_COMMIT; tests of one message run inside a transaction and store it alone).
GROUP_COMMIT = getattr(settings, "VOICES_GROUP_COMMIT", True)
_GROUPS = groupcommit.GroupCommit(limit=200)


def group_stats() -> groupcommit.Stats:
    """What this process's group commits of single messages have done (the benchmark reads it)."""
    return _GROUPS.stats


#: Draws of a tracking number before giving up (a clash is one in 32**6 per day).
_TRACKING_ATTEMPTS = 8


def _clean(*, congress, channel, now, regime, subject, body, nature="help", category=None, district=None,
           location="", latitude=None, longitude=None, name="", phone="", id_number="", is_anonymous=False,
           is_confidential=False, age_band="", guardian_consent=False, consent_to_publish_name=False,
           notice_version="", accused_unit=None, external_id="", open311_service_code="", gathered_by_deputy=None,
           station=None, received_at=None) -> dict[str, Any]:
    """One message's fields checked (MSG-*, SEC-*: voices.rules.check_intake, the referenced
    rows in this congress, the time received) and tidied, as `_create` takes them; raises
    ValidationFailed {field: reason}."""
    external_id = (external_id or "").strip()
    data = {
        "subject": subject, "body": body, "regime": regime, "nature": nature, "channel": channel,
        "age_band": age_band or "", "name": name, "phone": phone, "id_number": id_number,
        "is_anonymous": is_anonymous, "guardian_consent": guardian_consent, "location": location,
        "consent_to_publish_name": consent_to_publish_name, "accused_unit": accused_unit,
        "gathered_by_deputy": gathered_by_deputy, "station": station, "latitude": latitude, "longitude": longitude,
    }
    errors = errors_from(rules.check_intake(data))
    category = in_congress(MessageCategory, category, congress, "category", errors, active_field="is_active")
    district = in_congress(District, district, congress, "district", errors)
    accused_unit = in_congress(HandlingUnit, accused_unit, congress, "accused_unit", errors)
    station = in_congress(LiaisonStation, station, congress, "station", errors)
    gathered_by_deputy = in_congress(Deputy, gathered_by_deputy, congress, "gathered_by_deputy", errors)
    if len(external_id) > 64:
        errors["external_id"] = error("too_long")
    if received_at is not None:
        if channel not in _BACKDATING_CHANNELS:
            received_at = None
        elif received_at > now + timedelta(minutes=5):
            errors["received_at"] = error("future")
    raise_if(errors)
    return {
        "regime": regime, "nature": nature, "subject": subject.strip(), "body": body.strip(), "category": category,
        "district": district, "location": (location or "").strip(), "latitude": latitude, "longitude": longitude,
        "name": (name or "").strip(), "phone": rules.phone_text(phone), "id_number": (id_number or "").strip(),
        "is_anonymous": is_anonymous, "is_confidential": is_confidential, "age_band": age_band or "",
        "guardian_consent": guardian_consent, "consent_to_publish_name": consent_to_publish_name,
        "notice_version": notice_version, "accused_unit": accused_unit, "external_id": external_id,
        "open311_service_code": open311_service_code, "gathered_by_deputy": gathered_by_deputy, "station": station,
        "received_at": received_at or now,
    }


def _reasons(suggestions, sensitive) -> dict[str, Any]:
    """What is stored of the suggestions at intake: labels and confidences (the words that
    weighed most are added when a person opens the message: classify.explain_message)."""
    reasons: dict[str, Any] = dict(suggestions.reasons) if suggestions else {}
    if sensitive:
        reasons["sensitive"] = sensitive
    return reasons


def _is_own_submission(by, channel) -> bool:
    return role_of(by) == Role.CITIZEN and channel in (Channel.WEB, Channel.API, Channel.OPEN311)


def _audit_data(message: Message, *, sensitive) -> dict[str, Any]:
    # No personal data in the audit chain: it is not encrypted (SEC-8).
    return {
        "tracking_number": message.tracking_number, "channel": message.channel, "regime": message.regime,
        "nature": message.nature, "case": message.case_id, "external_id": message.external_id,
        "sensitive": bool(sensitive), "suggested_category": message.suggested_category_id,
        "suggested_unit": message.suggested_unit_id, "suggested_urgent": message.suggested_urgent,
    }


_NEW_MESSAGE_TITLE = _L("New message %(number)s: “%(subject)s”")


#: The most messages one batch may carry (POST /api/voices/messages/batch).
BATCH_MAX = 500

#: The keys a batch item may hold (receive_message's message fields).
_ITEM_FIELDS = frozenset(inspect.signature(_clean).parameters) - {"congress", "channel", "now"}
_REQUIRED = ("regime", "subject", "body")

#: The referenced rows a batch looks up at once, one query per kind.
_REFERENCES = {
    "category": MessageCategory, "district": District, "accused_unit": HandlingUnit, "station": LiaisonStation,
    "gathered_by_deputy": Deputy,
}


def _prefetch(items: list[dict]) -> dict[str, dict]:
    """The rows the items refer to by id, one query per kind (instances are kept as given)."""
    found: dict[str, dict] = {}
    for field_name, model in _REFERENCES.items():
        ids = {item[field_name] for item in items
               if isinstance(item.get(field_name), int) and not isinstance(item.get(field_name), bool)}
        rows = model.objects.order_by()
        if model is Deputy:
            rows = rows.select_related("term")
        found[field_name] = rows.in_bulk(ids) if ids else {}
    return found


def _resolved(item: dict, rows: dict[str, dict]) -> dict:
    """The item with each id it refers to replaced by its row (unknown ids stay, and are refused
    by the check as receive_message refuses them)."""
    out = dict(item)
    for field_name in _REFERENCES:
        value = out.get(field_name)
        if isinstance(value, int) and not isinstance(value, bool) and value in rows[field_name]:
            out[field_name] = rows[field_name][value]
    return out


def receive_batch(*, by, congress, channel, items: list[dict], submitter=None, quiet=False,
                  classify=True) -> list[Message]:
    """Receive a batch of messages at once (a client system such as the 12345 platform pushing
    its work orders), all or nothing, as `receive_message` receives each one.

    Each item holds receive_message's message fields (subject, body, regime, nature, category,
    district, ..., external_id, received_at; ids or rows for the references) and optionally
    `_row`, the caller's number for it. Every item is checked first; if any fails, raises
    ValidationFailed with details keyed "row N" ("field: reason; ...") and nothing is kept. At
    most BATCH_MAX items. Returns one message per item, in order: an item whose `external_id`
    was received before (or earlier in the same batch) gets that message, not a new one.

    Each new message gets its case (casework.open_cases), its tracking number, the models'
    suggestions with the models recorded (labels and confidences; the words that weighed most
    when a person opens it, as for one message), its audit entry (one chain lock for the whole
    batch: core.audit.services.record_many) and its place in the daily counts (applied once per
    batch). Staff are told once per batch, not once per message, unless `quiet`. The
    submitter: `submitter` when given (the client system's account, or a named account by
    staff), else a signed-in citizen themself, else a contact stand-in account per message.
    """
    if not _may_use_channel(by, channel, None):
        raise NotAllowed()
    if submitter is not None and submitter != by and role_of(by) != Role.STAFF:
        raise NotAllowed()
    if len(items) > BATCH_MAX:
        raise ValidationFailed(details={"items": _("At most %(max)s messages at once.") % {"max": BATCH_MAX}})
    if not items:
        return []
    now = now_or(None)
    rows = _prefetch(items)
    cleaned: list[dict] = []
    errors: dict[str, str] = {}
    for index, item in enumerate(items):
        number = _row_number(item, index)
        fields = {k: v for k, v in item.items() if not k.startswith("_")}
        unknown = sorted(set(fields) - _ITEM_FIELDS)
        if unknown:
            errors[f"row {number}"] = _("Unknown field: %(error)s") % {"error": ", ".join(unknown)}
            continue
        missing = [name for name in _REQUIRED if name not in fields]
        if missing:
            errors[f"row {number}"] = "; ".join(f"{name}: {error('required')}" for name in missing)
            continue
        try:
            cleaned.append(_clean(congress=congress, channel=channel, now=now, **_resolved(fields, rows)))
        except ValidationFailed as exc:
            errors[f"row {number}"] = "; ".join(f"{k}: {v}" for k, v in exc.details.items()) or str(exc.message)
    if errors:
        raise ValidationFailed(details=errors)

    return _store(cleaned, by=by, congress=congress, channel=channel, submitter=submitter, quiet=quiet,
                  classify=classify)


def _store(cleaned: list[dict], *, by, congress, channel, submitter, quiet, classify) -> list[Message]:
    """Store checked messages (`_clean`'s fields) in one transaction: classified, each with its
    case, tracking number, audit entry and daily count; one message per item, in order (an
    external number received before, or earlier in the list, gives that message)."""
    seen: set[str] = set()
    fresh = []  # the items to classify: each external number once
    for i, f in enumerate(cleaned):
        if f["external_id"] and f["external_id"] in seen:
            continue
        seen.add(f["external_id"])
        fresh.append(i)
    suggestions: list = [None] * len(cleaned)
    if classify:
        try:
            made = classify_many(congress, [(cleaned[i]["subject"], cleaned[i]["body"]) for i in fresh])
            for i, suggestion in zip(fresh, made, strict=True):
                suggestions[i] = suggestion
        except Exception:  # the models only suggest: intake never fails for them (SEC-10)
            log.exception("classifying a batch of messages failed")
    sensitive = [rules.sensitive_reasons(f"{f['subject']}\n{f['body']}") for f in cleaned]

    for attempt in range(_TRACKING_ATTEMPTS):
        try:
            with transaction.atomic():
                messages = _create_batch(by=by, congress=congress, channel=channel, cleaned=cleaned,
                                         submitter=submitter, suggestions=suggestions, sensitive=sensitive,
                                         quiet=quiet, look_up=attempt > 0)
        except IntegrityError:
            # A tracking number drawn twice, or an external number received at the same moment
            # by another request: draw again, and take the messages now stored (never twice).
            if attempt + 1 < _TRACKING_ATTEMPTS:
                continue
            raise
        break
    created = [m for m in messages if getattr(m, "_created_now", False)]
    transaction.on_commit(lambda: [duplicates.add(m) for m in created])
    waiting = [m.pk for m in created if m.status == Message.Status.RECEIVED]
    if waiting:
        # Issue 5, item 4: the likely duplicates for the staff list, found by the worker. A
        # hint only: if the queue cannot take it, the messages are stored all the same.
        transaction.on_commit(lambda: _mark_duplicates_later(congress.pk, waiting), robust=True)
    return messages


def _mark_duplicates_later(congress_id: int, message_ids: list[int]) -> None:
    from ..tasks import mark_likely_duplicates

    mark_likely_duplicates.enqueue(congress_id=congress_id, message_ids=message_ids)


def classify_many(congress, texts: list[tuple[str, str]]):
    return classify.suggest_many(congress=congress, texts=texts)


def _draw_tracking_numbers(days, look_up: bool = True) -> list[str]:
    """A fresh tracking number per day given, none twice; with `look_up`, none already stored
    (two queries). Without, the unique constraints are the check: a clash (one in 32**6 per
    day) fails the insert, and the caller draws again with `look_up`."""
    numbers = [tracking_number_candidate(day) for day in days]
    for _attempt in range(_TRACKING_ATTEMPTS):
        clash = tracking_numbers_taken(numbers) if numbers and look_up else set()
        seen: set[str] = set()
        again = []
        for index, number in enumerate(numbers):
            if number in clash or number in seen:
                again.append(index)
            seen.add(number)
        if not again:
            return numbers
        for index in again:
            numbers[index] = tracking_number_candidate(days[index])
    raise RuntimeError("could not find free tracking numbers")  # never in practice


def _create_batch(*, by, congress, channel, cleaned, submitter, suggestions, sensitive, quiet,
                  look_up=True) -> list[Message]:
    external = [f["external_id"] for f in cleaned if f["external_id"]]
    stored = {m.external_id: m for m in Message.objects.filter(
        congress=congress, channel=channel, external_id__in=external)} if external else {}
    new = []
    for index, fields in enumerate(cleaned):
        key = fields["external_id"]
        if key and key in stored:
            continue
        if key:
            stored[key] = None  # taken by this item: a later item with the same number gets its message
        new.append(index)
    numbers = _draw_tracking_numbers([time_rules.local_date(cleaned[i]["received_at"]) for i in new], look_up)
    if submitter is not None:
        owners = [submitter] * len(new)
    elif _is_own_submission(by, channel):
        owners = [by] * len(new)
    else:
        from core.accounts.models import User

        owners = User.objects.bulk_create([contact_account_unsaved(number) for number in numbers])
    cases = casework.open_cases(kind=KIND, congress=congress, items=[
        (cleaned[i]["subject"], owner, cleaned[i]["received_at"]) for i, owner in zip(new, owners, strict=True)])
    by_pk = by if getattr(by, "pk", None) else None
    rows = []
    for i, number, owner, case in zip(new, numbers, owners, cases, strict=True):
        f, suggestion = cleaned[i], suggestions[i]
        rows.append(Message(
            congress=congress, case=case, tracking_number=number, regime=f["regime"], channel=channel,
            nature=f["nature"], subject=f["subject"], body=f["body"], category=f["category"], district=f["district"],
            location=f["location"], latitude=f["latitude"], longitude=f["longitude"], submitter=owner,
            is_anonymous=f["is_anonymous"], is_confidential=f["is_confidential"], notice_version=f["notice_version"],
            age_band=f["age_band"], guardian_consent=f["guardian_consent"],
            consent_to_publish_name=f["consent_to_publish_name"], is_sensitive=bool(sensitive[i]),
            name_encrypted=crypto.encrypt(f["name"]), phone_encrypted=crypto.encrypt(f["phone"]),
            phone_index=crypto.lookup_key(f["phone"]), id_number_encrypted=crypto.encrypt(f["id_number"]),
            accused_unit=f["accused_unit"],
            suggested_category_id=suggestion.category_id if suggestion else None,
            suggested_unit_id=suggestion.unit_id if suggestion else None,
            suggested_urgent=bool(suggestion and suggestion.is_urgent),
            suggestion_reasons=_reasons(suggestion, sensitive[i]), received_at=f["received_at"],
            entered_by=by_pk if by_pk is not None and by != owner else None,
            gathered_by_deputy=f["gathered_by_deputy"], station=f["station"], external_id=f["external_id"],
            open311_service_code=f["open311_service_code"],
        ))
    with counts.batched():
        # Hand-written inserts: Django's bulk insert cost more CPU than the database spent
        # (core.rawrows.insert).
        made = rawrows.insert(rows)
        used = Message.suggested_with.through
        rawrows.insert([
            used(message_id=message.pk, textmodel_id=pk)
            for message, i in zip(made, new, strict=True) if suggestions[i] for pk in suggestions[i].model_ids
        ])
        for message in made:
            message._created_now = True
            stored[message.external_id or f"#{message.pk}"] = message
        if made and not quiet:
            _tell_staff(made)
        for message in made:
            counts.add(counts.key_of(message))
    # The daily counts are applied above (bucket rows in key order), then the chain: both
    # are shared by every writer, so they are taken last, once per batch.
    record_many([
        {"actor": by_pk, "action": "voices.receive", "target": message,
         "data": {**_audit_data(message, sensitive=sensitive[i]), "batch": len(made)}}
        for message, i in zip(made, new, strict=True)
    ])
    by_index = dict(zip(new, made, strict=True))
    out = []
    for index, fields in enumerate(cleaned):
        out.append(by_index.get(index) or stored[fields["external_id"]])
    return out


def _tell_staff(made: list[Message]) -> None:
    # The staff's inbox only, never e-mail or SMS: a city sends hundreds of messages a day (at
    # a busy hour several a second), each already waiting in the staff's list of new messages;
    # a mail or a text for each would bury every other notice and cost a task (and an SMS) per
    # staff member per message.
    if len(made) == 1:
        message = made[0]
        notify(recipients=_staff(), action="voices.receive", title=_NEW_MESSAGE_TITLE,
               params={"number": message.tracking_number, "subject": message.subject[:60]}, url="",
               email=False, sms=False)
        return
    notify(recipients=_staff(), action="voices.receive",
           title=ngettext_lazy("%(count)s new message: %(first)s to %(last)s",
                               "%(count)s new messages: %(first)s to %(last)s", len(made)),
           params={"count": len(made), "first": made[0].tracking_number, "last": made[-1].tracking_number},
           url="", email=False, sms=False)


def _row_number(row: dict, index: int) -> Any:
    return row.get("_row", index + 1)


def receive_many(*, by, congress, channel, rows: list[dict], progress=None, quiet=True,
                 classify=True) -> list[Message]:
    """Receive many messages at once, all or nothing (one transaction).

    Each row holds receive_message's message fields (as a `receive_batch` item), and
    optionally `_row`, the caller's row number; `quiet` and `classify` are for all rows (a
    historical import: nobody told, no model asked). Raises ValidationFailed with details keyed
    "row N" ("field: reason; ..."), and nothing is kept. `progress` is a callable
    `progress(done, total)` or a core.jobs progress key.

    The rows go through `receive_batch` BATCH_MAX at a time: each batch is classified in one
    call and stored in a few statements, where one message at a time cost seven statements
    and a model call a row (bench/bench_voices_import.py). A refused batch is rolled back to
    its savepoint and the next batches are still checked, so every refused row is reported.
    """
    require(by, permissions.SUBMIT)
    total = len(rows)
    report = _progress(progress, total)
    messages: list[Message] = []
    errors: dict[str, str] = {}
    with transaction.atomic(), counts.batched():
        for start in range(0, total, BATCH_MAX):
            batch = [{**row, "_row": _row_number(row, start + offset)}
                     for offset, row in enumerate(rows[start:start + BATCH_MAX])]
            try:
                with transaction.atomic():
                    messages.extend(receive_batch(by=by, congress=congress, channel=channel, items=batch,
                                                  quiet=quiet, classify=classify))
            except ValidationFailed as exc:
                # By row ("row N"); a refusal of the batch as a whole is its first row's.
                errors.update(exc.details or {f"row {batch[0]['_row']}": str(exc.message)})
            report(start + len(batch))
        if errors:
            raise ValidationFailed(details=errors)
    return messages


def _progress(progress, total: int):
    if progress is None:
        return lambda done: None
    if callable(progress):
        return lambda done: progress(done, total)
    from core.jobs import progress as bar

    step = max(1, total // 100)
    return lambda done: bar.update(progress, done=done, total=total) if done % step == 0 or done == total else None
