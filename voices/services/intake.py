"""Receiving messages: one (every channel) or many at once (imports)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import services as casework
from core.accounts.roles import Role
from core.audit.services import record
from core.errors import NotAllowed, ValidationFailed
from core.notify.services import notify
from core.organisation.models import Deputy, District, HandlingUnit, LiaisonStation
from core.permissions import has_perm, require, role_of
from core.workcalendar import rules as time_rules

from .. import classify, crypto, duplicates, permissions, rules
from ..casekind import NAME as KIND
from ..models import Channel, Message, MessageCategory
from . import counts
from .base import contact_account, error, errors_from, in_congress, new_tracking_number, now_or, raise_if

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


def _staff():
    from core.accounts.models import User

    return list(User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk"))


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
    deputy who gathered it).
    """
    external_id = (external_id or "").strip()
    if not _may_use_channel(by, channel, gathered_by_deputy):
        raise NotAllowed()
    if external_id:
        found = Message.objects.filter(congress=congress, channel=channel, external_id=external_id).first()
        if found is not None:
            return found
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
    now = now_or(None)
    if received_at is not None:
        if channel not in _BACKDATING_CHANNELS:
            received_at = None
        elif received_at > now + timedelta(minutes=5):
            errors["received_at"] = error("future")
    received_at = received_at or now
    if submitter is not None and submitter != by and role_of(by) != Role.STAFF:
        raise NotAllowed()
    raise_if(errors)

    suggestions = None
    if classify:
        try:
            suggestions = _suggest(congress, subject, body)
        except Exception:  # the models only suggest: intake never fails for them (SEC-10)
            log.exception("classifying a message failed")
    sensitive = rules.sensitive_reasons(f"{subject}\n{body}")

    try:
        with transaction.atomic():
            message = _create(
                by=by, congress=congress, channel=channel, regime=regime, nature=nature, subject=subject.strip(),
                body=body.strip(), category=category, district=district, location=(location or "").strip(),
                latitude=latitude, longitude=longitude, name=(name or "").strip(), phone=(phone or "").strip(),
                id_number=(id_number or "").strip(), is_anonymous=is_anonymous, is_confidential=is_confidential,
                age_band=age_band or "", guardian_consent=guardian_consent,
                consent_to_publish_name=consent_to_publish_name, notice_version=notice_version,
                accused_unit=accused_unit, external_id=external_id, open311_service_code=open311_service_code,
                gathered_by_deputy=gathered_by_deputy, station=station, received_at=received_at,
                submitter=submitter, suggestions=suggestions, sensitive=sensitive, quiet=quiet,
            )
    except IntegrityError:
        if external_id:  # received at the same moment by another request
            found = Message.objects.filter(congress=congress, channel=channel, external_id=external_id).first()
            if found is not None:
                return found
        raise
    transaction.on_commit(lambda: duplicates.add(message))
    return message


def _suggest(congress, subject, body):
    return classify.suggest(congress=congress, subject=subject, body=body)


def _create(*, by, congress, channel, regime, nature, subject, body, category, district, location, latitude,
            longitude, name, phone, id_number, is_anonymous, is_confidential, age_band, guardian_consent,
            consent_to_publish_name, notice_version, accused_unit, external_id, open311_service_code,
            gathered_by_deputy, station, received_at, submitter, suggestions, sensitive, quiet) -> Message:
    tracking = new_tracking_number(time_rules.local_date(received_at))
    if submitter is None:
        submitter = by if role_of(by) == Role.CITIZEN and channel in (Channel.WEB, Channel.API, Channel.OPEN311) \
            else contact_account(tracking)
    case = casework.open_case(
        kind=KIND, congress=congress, title=subject, now=received_at,
        recipients=[casework.RecipientSpec(user=submitter, is_lead=True)],
    )
    reasons: dict[str, Any] = dict(suggestions.reasons) if suggestions else {}
    if sensitive:
        reasons["sensitive"] = sensitive
    message = Message.objects.create(
        congress=congress, case=case, tracking_number=tracking, regime=regime, channel=channel, nature=nature,
        subject=subject, body=body, category=category, district=district, location=location, latitude=latitude,
        longitude=longitude, submitter=submitter, is_anonymous=is_anonymous,
        # SEC-15: a report's author may ask for confidentiality; a confidential report is the default.
        is_confidential=is_confidential, notice_version=notice_version, age_band=age_band,
        guardian_consent=guardian_consent, consent_to_publish_name=consent_to_publish_name,
        is_sensitive=bool(sensitive),
        name_encrypted=crypto.encrypt(name), phone_encrypted=crypto.encrypt(phone),
        phone_index=crypto.lookup_key(phone), id_number_encrypted=crypto.encrypt(id_number),
        accused_unit=accused_unit,
        suggested_category_id=suggestions.category_id if suggestions else None,
        suggested_unit_id=suggestions.unit_id if suggestions else None,
        suggested_urgent=bool(suggestions and suggestions.is_urgent),
        suggestion_reasons=reasons, received_at=received_at,
        entered_by=by if getattr(by, "pk", None) and by != submitter else None,
        gathered_by_deputy=gathered_by_deputy, station=station, external_id=external_id,
        open311_service_code=open311_service_code,
    )
    if suggestions and suggestions.model_ids:
        message.suggested_with.set(suggestions.model_ids)
    counts.add(counts.key_of(message))
    # No personal data in the audit chain: it is not encrypted (SEC-8).
    record(actor=by if getattr(by, "pk", None) else None, action="voices.receive", target=message, data={
        "tracking_number": tracking, "channel": channel, "regime": regime, "nature": nature, "case": case.pk,
        "external_id": external_id, "sensitive": bool(sensitive), "suggested_category": message.suggested_category_id,
        "suggested_unit": message.suggested_unit_id, "suggested_urgent": message.suggested_urgent,
    })
    if not quiet:
        notify(recipients=_staff(), action="voices.receive", title=_L("New message %(number)s: “%(subject)s”"),
               params={"number": tracking, "subject": subject[:60]}, url="")
    return message


def _row_number(row: dict, index: int) -> Any:
    return row.get("_row", index + 1)


def receive_many(*, by, congress, channel, rows: list[dict], progress=None, quiet=True) -> list[Message]:
    """Receive many messages at once, all or nothing (one transaction).

    Each row holds receive_message's keyword arguments (besides by, congress, channel), and
    optionally `_row`, the caller's row number. Raises ValidationFailed with details keyed
    "row N" ("field: reason; ..."), and nothing is kept. `progress` is a callable
    `progress(done, total)` or a core.jobs progress key.
    """
    require(by, permissions.SUBMIT)
    total = len(rows)
    report = _progress(progress, total)
    messages: list[Message] = []
    errors: dict[str, str] = {}
    with transaction.atomic(), counts.batched():
        for index, row in enumerate(rows):
            kwargs = {k: v for k, v in row.items() if not k.startswith("_")}
            number = _row_number(row, index)
            try:
                with transaction.atomic():
                    kwargs.setdefault("quiet", quiet)
                    messages.append(receive_message(by=by, congress=congress, channel=channel, **kwargs))
            except ValidationFailed as exc:
                errors[f"row {number}"] = "; ".join(f"{k}: {v}" for k, v in exc.details.items()) or str(exc.message)
            except TypeError as exc:  # an unknown column
                errors[f"row {number}"] = _("Unknown field: %(error)s") % {"error": str(exc)}
            report(index + 1)
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
