"""Helpers shared by the message services: locking, error texts, the stand-in account."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.errors import NotFound, ValidationFailed

from .. import rules
from ..models import Message

_L = gettext_lazy

#: The reasons behind the codes of voices.rules (English msgids, translated when shown). What a
#: citizen may read names no rule ID: the IDs are for staff and the code (MSG-7, SEC-6, SEC-7).
ERRORS = {
    "required": _L("This field is required."),
    "too_long": _L("This is too long."),
    "choice": _L("Choose one of the values offered."),
    "anonymous_named": _L("An anonymous message carries no name or ID number."),
    "accused_not_report": _L("Only a report of wrongdoing names the unit it accuses."),
    "guardian_consent_required": _L(
        "A child under 14 may give a name, phone or ID number only with a guardian's consent."
    ),
    "publish_needs_name": _L("Consent to be named needs a name and a message that is not anonymous."),
    "confidential_named": _L("You asked both to keep your identity confidential and to be named when the message "
                             "is published. Untick one of the two."),
    "phone_invalid": _L("This is not a phone number: give a mobile number (11 digits) or a landline with its "
                           "area code."),
    "id_number_invalid": _L("This is not a valid ID number."),
    "voice_needs_gatherer": _L("Name the deputy or liaison station that gathered this voice."),
    "coordinates": _L("Give both latitude and longitude, within range."),
    "unknown_ground": _L("Choose a ground for not accepting it from the list (MSG-5)."),
    "directions_required": _L("Tell the citizen where to turn instead (MSG-5)."),
    "not_found": _L("Not found in this congress."),
    "inactive": _L("This is no longer in use."),
    "future": _L("The time received cannot be in the future."),
}


def error(code: str) -> str:
    return str(ERRORS.get(code, ERRORS["required"]))


def errors_from(codes: dict[str, str]) -> dict[str, str]:
    return {field: error(code) for field, code in codes.items()}


def now_or(value):
    return value or timezone.now()


def lock(message: Message | int) -> Message:
    pk = message.pk if isinstance(message, Message) else message
    found = Message.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def sync(original, current):
    """Give the caller's instance the stored values."""
    if original is not None and original is not current and getattr(original, "pk", None) == current.pk:
        for f in current._meta.concrete_fields:
            setattr(original, f.attname, getattr(current, f.attname))
    return current


def tracking_number_candidate(received_on) -> str:
    """A fresh, unguessable tracking number, not yet checked: the unique constraint on
    `Message.tracking_number` is the check (the caller draws again on the rare clash, 32**6
    per day), so no look-up is spent per message."""
    random_part = "".join(secrets.choice(rules.ALPHABET) for _ in range(rules.RANDOM_LENGTH))
    return rules.make_tracking_number(received_on, random_part)


def tracking_numbers_taken(numbers) -> set[str]:
    """Which of these tracking numbers are already used (by a message or a stand-in account)."""
    from core.accounts.models import User

    numbers = list(numbers)
    taken = set(Message.objects.filter(tracking_number__in=numbers).values_list("tracking_number", flat=True))
    prefix = len("contact-")
    taken |= {name[prefix:] for name in User.objects.filter(
        username__in=[f"contact-{n}" for n in numbers]).values_list("username", flat=True)}
    return taken


def contact_account_unsaved(tracking_number: str):
    """SEC-5: the stand-in account a reply is owed to when the citizen has no account: a
    citizen, inactive, no usable password, no personal data (that stays encrypted on the
    message). Not saved: the intake saves the accounts of a group or batch at once."""
    from core.accounts.models import User

    user = User(username=f"contact-{tracking_number}", role="citizen", is_active=False)
    user.set_unusable_password()
    return user


def in_congress(model, value, congress, field: str, errors: dict[str, Any], *, active_field: str | None = None):
    """The row `value` (an instance or a pk) of `model` in `congress`, or None with an error."""
    if value is None:
        return None
    if isinstance(value, model):
        found = value  # the caller's row, just read: not read again
    else:
        found = model.objects.filter(pk=value.pk if hasattr(value, "pk") else value).order_by().first()
    congress_id = getattr(found, "congress_id", None)
    if congress_id is None and found is not None and hasattr(found, "term"):
        congress_id = found.term.congress_id
    if found is None or congress_id != congress.pk:
        errors[field] = error("not_found")
        return None
    if active_field and not getattr(found, active_field):
        errors[field] = error("inactive")
        return None
    return found


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(details=errors)
