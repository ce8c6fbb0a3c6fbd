"""Historical outcomes of imported 12345 work orders: the unit that handled one, its reply and
when it was closed, recorded back-dated and quietly through the casework services.

Casework does not yet offer all that this needs, so the service refuses (InvalidTransition,
details {"outcome": "unsupported"}) and `outcome_supported()` says False: the import then
keeps its present behaviour (the outcome columns are checked, the order opens as received).
What is needed, for the kind "message":

- a reply without a signed letter: casework now has `CaseKind.reply_needs_letter` (default
  True); the message kind (voices/casekind.py) does not set it to False yet;
- staff entering a unit's reply on its behalf for an imported record (`message.reply` is
  the unit's clerks' only; a kind could override it with `permissions={"reply": …}`);
- closing without the citizen's rating, back-dated, and no notifications: `close_case`
  needs every filer's rating and casework notifies on every step; no option exists
  (checked by the names in NEEDED_OPTIONS, so that this starts working when they land).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import kinds
from core.errors import InvalidTransition, ValidationFailed
from core.organisation.models import HandlingUnit
from core.permissions import require

from .. import permissions
from ..casekind import NAME as KIND
from ..models import Message
from .base import lock

#: The kind options (casework.kinds.CaseKind) a historical outcome needs besides a reply
#: without a letter; none exists yet.
NEEDED_OPTIONS = ("staff_may_enter_reply", "close_without_rating")


def outcome_supported() -> bool:
    """Whether casework lets a historical outcome be recorded (see the module's text)."""
    kind = kinds.get(KIND)
    if getattr(kind, "reply_needs_letter", True):
        return False
    return all(getattr(kind, option, False) for option in NEEDED_OPTIONS)


def _check(*, message: Message, unit, closed_at, result) -> tuple[HandlingUnit, str]:
    errors: dict[str, str] = {}
    unit_pk = getattr(unit, "pk", unit)
    found = HandlingUnit.objects.filter(pk=unit_pk, congress_id=message.congress_id).first() if unit_pk else None
    if found is None:
        errors["unit"] = _("Choose the unit that handled it.")
    if closed_at is None or closed_at < message.received_at:
        errors["closed_at"] = _("The closing time is before the time received.")
    elif closed_at > timezone.now():
        errors["closed_at"] = _("The closing time cannot be in the future.")
    result = (result or "").strip()
    if not result:
        errors["result"] = _("Write what was done.")
    if errors:
        raise ValidationFailed(details=errors)
    return found, result


def record_historical_outcome(*, by, message, unit, closed_at, result) -> Message:
    """For an imported historical work order: route it to `unit`, record `result` as the
    unit's reply and close it at `closed_at`, back-dated, audited, without notifications.

    Raises NotAllowed (staff who import only), ValidationFailed (unit, closed_at, result),
    InvalidTransition (not a received imported order; or casework does not support it yet:
    details {"outcome": "unsupported"})."""
    with transaction.atomic():
        locked = lock(message)
        require(by, permissions.IMPORT, locked)
        if locked.channel != "import" or locked.status != Message.Status.RECEIVED:
            raise InvalidTransition(_("Only an imported work order waiting for routing takes a past outcome."),
                                    details={"state": locked.status})
        _check(message=locked, unit=unit, closed_at=closed_at, result=result)
        # Until casework offers the options in NEEDED_OPTIONS (module text) there is no way to
        # write the reply and the closure through its services: refuse rather than half-do it.
        raise InvalidTransition(
            _("Past outcomes cannot be recorded yet: the handling of cases asks for a signed reply letter."),
            details={"outcome": "unsupported"},
        )
