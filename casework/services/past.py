"""Past outcomes: a case handled and closed before the city used Datong, entered afterwards.

A city brings its history with it (a 12345 centre's work orders of past years, paper
registers): which unit handled each case, what it answered and when it was closed. Opened
as received, such a case would count as waiting and, with its deadline long gone, as late.
`record_past_outcome` writes the whole handling at once, back-dated to when it happened:
the case assigned to the unit on the day it was registered, with the due date the law
gives from that day (so the unit's on-time figures mean what they say), the unit's answer
entered by the staff member who imports it, the case closed when it was closed. It never
rings anyone's bell (the outcome is years old) and asks for no rating (nobody can give one
now; the absence is visible: the case has a reply and no feedback).

Only for kinds that allow it (`CaseKind.past_outcomes`): a deputy's suggestion is answered
by a signed letter the deputy rates (SUGG-6, SUGG-7), and its history is not re-entered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidTransition, ValidationFailed
from core.organisation.models import HandlingUnit
from core.workcalendar import rules as time_rules
from core.workcalendar import selectors as calendar

from .. import rules
from ..models import Case, Reply
from .base import _act, _new_assignment, kind_of, params_for

VERB = "record_past"


def _check(case: Case, *, unit, body: str, reply_class: str, closed_at: datetime | None, now: datetime):
    kind = kind_of(case)
    errors: dict[str, str] = {}
    if isinstance(unit, HandlingUnit):  # read by the caller (an import reads its units once)
        found = unit if unit.congress_id == case.congress_id else None
    else:
        found = HandlingUnit.objects.filter(pk=unit, congress_id=case.congress_id).first() if unit else None
    # A unit since dissolved or renamed still handled what it handled: inactive units are fine.
    if found is None:
        errors["unit"] = _("Choose the unit that handled it.")
    if closed_at is None or closed_at < case.registered_at:
        errors["closed_at"] = _("The closing time is before the time received.")
    elif closed_at > now:
        errors["closed_at"] = _("The closing time cannot be in the future.")
    if not body:
        errors["body"] = _("Write what was done.")
    # A past record seldom carries a reply class (SUGG-6); when it does, it is from the list.
    classes = kind.reply_classes(params_for(case))
    if reply_class and reply_class not in classes:
        errors["reply_class"] = _("Choose the reply class: %(classes)s.") % {"classes": ", ".join(classes)}
    if errors:
        raise ValidationFailed(details=errors)
    return found


def record_past_outcome(
    *, by, case: Case, unit, body: str, closed_at: datetime, reply_class: str = "", note: str = "", now=None
) -> Case:
    """Record that `unit` handled the registered `case`, answered `body` and that it was
    closed at `closed_at` (in the past, not before the case was registered): one audited
    event (`<prefix>.record_past`) that assigns, replies and closes, back-dated, without
    notifications and without a rating.

    Raises NotAllowed (staff only by default), InvalidTransition (the case is not waiting
    to be assigned, or its kind does not take past outcomes), ValidationFailed (unit,
    closed_at, body, reply_class)."""
    now = now or timezone.now()
    body = (body or "").strip()
    reply_class = (reply_class or "").strip()
    data: dict[str, Any] = {"note": note, "past": True}

    def apply(current: Case):
        kind = kind_of(current)
        if not kind.past_outcomes:
            raise InvalidTransition(_("Past outcomes are not recorded for this kind of case."),
                                    details={"kind": current.kind})
        found = _check(current, unit=unit, body=body, reply_class=reply_class, closed_at=closed_at, now=now)
        params = params_for(current)
        registered = current.registered_at
        period = kind.reply_period(params, current)
        # The due date the unit had then: the reply period from the day it was registered.
        row = _new_assignment(
            case=current, unit_id=found.pk, role=rules.LEAD, round_number=current.round, period=period,
            start=time_rules.local_date(registered), now=registered, by=by, params=params,
            cal=calendar.current_calendar(),
            # Answered and, the case being closed, no longer open: as it is stored.
            status=rules.DONE, replied_at=closed_at, replied_on=time_rules.local_date(closed_at),
            is_open=rules.assignment_open(rules.DONE, rules.CLOSED),
        )
        reply = Reply.objects.create(
            case=current, assignment=row, unit_id=found.pk, round=row.round, role=row.role, body=body,
            reply_class=reply_class, submitted_by=by, submitted_at=closed_at,
        )
        current.status = rules.CLOSED
        current.handling_mode = rules.LEAD_ASSISTING
        current.assigned_at = registered
        current.replied_at = closed_at
        current.closed_at = closed_at
        current.save(update_fields=["status", "handling_mode", "assigned_at", "replied_at", "closed_at",
                                    "updated_at"])
        data.update(
            unit=found.pk, reply=reply.pk, assignment=row.pk, due_on=row.due_on, rule=row.due_rule,
            closed_at=closed_at.isoformat(), on_time=rules.on_time(row.replied_on, row.due_on),
        )
        return current

    return _act(by=by, verb=VERB, case=case, apply=apply, data=data)

