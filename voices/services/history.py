"""Historical outcomes of imported 12345 work orders: the unit that handled one, its answer and
when it was closed (承办单位, 办理结果, 办结时间), recorded back-dated and quietly.

The handling is casework's `record_past_outcome` (the message kind allows past outcomes):
the case is assigned to the unit on the day the order was received, with the due date MSG-3
gave it then, answered and closed when it was closed, without a rating and without a bell.
Here the message is accepted and counted as routed by the person who imported it. Without
this an imported order would open as received, and with its deadline long gone, as late.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from casework import services as casework
from core.audit.services import record
from core.errors import InvalidTransition, ValidationFailed
from core.permissions import require

from .. import duplicates, permissions, rules
from ..models import Channel, Message
from .base import lock, now_or, sync
from .handling import _msg7_error


def record_historical_outcome(*, by, message, unit, closed_at, result, now=None) -> Message:
    """For an imported historical work order: accept it, record that `unit` handled it and
    answered `result`, and close it at `closed_at`; back-dated, audited, without
    notifications (casework.services.record_past_outcome).

    Raises NotAllowed (staff who import only), InvalidTransition (not an imported order
    waiting for routing), ValidationFailed (unit, closed_at, result; MSG-7: a report is not
    recorded as handled by the unit it accuses)."""
    now = now_or(now)
    unit_pk = getattr(unit, "pk", unit)
    with transaction.atomic():
        locked = lock(message)
        require(by, permissions.IMPORT, locked)
        if locked.channel != Channel.IMPORT or locked.status != Message.Status.RECEIVED:
            raise InvalidTransition(_("Only an imported work order waiting for routing takes a past outcome."),
                                    details={"state": locked.status})
        if unit_pk is not None and rules.routing_blocked_units(
                nature=locked.nature, accused_unit_id=locked.accused_unit_id, unit_ids=[unit_pk]):
            raise ValidationFailed(details={"unit": _msg7_error()})
        try:
            casework.record_past_outcome(by=by, case=locked.case, unit=unit, body=result, closed_at=closed_at,
                                         note=locked.external_id, now=now)
        except ValidationFailed as exc:
            # The import's column is 办理结果 ("result"); casework calls the answer its body.
            details = {("result" if k == "body" else k): v for k, v in (exc.details or {}).items()}
            raise ValidationFailed(exc.message, details=details) from None
        locked.status = Message.Status.ACCEPTED
        locked.routed_by = by
        locked.save(update_fields=["status", "routed_by"])
        record(actor=by, action="voices.record_outcome", target=locked,
               before={"status": Message.Status.RECEIVED}, after={"status": locked.status},
               data={"unit": unit_pk, "closed_at": closed_at.isoformat()})
        pk = locked.pk
        transaction.on_commit(lambda: duplicates.remove([pk]))
    return sync(message, locked)
