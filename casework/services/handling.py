"""Assignment (SUGG-2, 3, 5), the extension (SUGG-4) and replies (SUGG-5, 6)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.documents import validate_upload
from core.errors import DeadlinePassed, InvalidTransition, ValidationFailed
from core.organisation.models import HandlingUnit
from core.workcalendar import rules as time_rules
from core.workcalendar import selectors as calendar

from .. import rules
from ..models import Assignment, Case, Reply
from .base import (
    LETTER_TYPES,
    _act,
    _clerks,
    _deadline,
    _lock_assignment,
    _new_assignment,
    _now,
    _tell,
    _tell_filers,
    _unit_names,
    kind_of,
    params_for,
)

_L = gettext_lazy


# --- assignment (SUGG-2, SUGG-3, SUGG-5) --------------------------------------------------------


def _unit_pk(unit) -> int | None:
    if unit is None:
        return None
    return unit.pk if isinstance(unit, HandlingUnit) else int(unit)


def _check_units(case: Case, unit_ids: list[int]) -> None:
    found = {
        u.pk: u for u in HandlingUnit.objects.filter(pk__in=unit_ids)
    }
    errors = {}
    for pk in unit_ids:
        unit = found.get(pk)
        if unit is None or unit.congress_id != case.congress_id:
            errors["units"] = _("A handling unit was not found.")
        elif not unit.is_active:
            errors["units"] = _("%(unit)s is no longer active.") % {"unit": unit.name}
    if errors:
        raise ValidationFailed(details=errors)


_ASSIGNMENT_ERRORS = {
    "no_unit": _L("Choose a lead unit, or the units that handle it separately."),
    "mixed": _L("Choose either a lead unit with assisting units, or units that handle it separately."),
    "assisting_without_lead": _L("Assisting units need a lead unit."),
    "duplicate": _L("A unit is named more than once."),
}


def assign_case(
    *, by, case: Case, lead=None, assisting: Iterable = (), separate: Iterable = (), note: str = "", now=None
) -> Case:
    """Assign (交办) a registered case: one lead unit and any assisting units, or several
    units handling it separately (SUGG-2, SUGG-5). Each unit's due date comes from the
    working-day calendar: the kind's reply period from today (SUGG-3), the assisting period
    for assisting units (SUGG-5). The units' clerks and the filers are told.

    Raises NotAllowed, InvalidTransition (not registered), ValidationFailed (no lead, a lead
    and separate units, a unit twice, an unknown or inactive unit).
    """
    now = _now(now)
    lead_id = _unit_pk(lead)
    assisting_ids = [_unit_pk(u) for u in assisting]
    separate_ids = [_unit_pk(u) for u in separate]
    data: dict[str, Any] = {"note": note}

    def apply(current: Case):
        try:
            mode = rules.check_assignment(lead=lead_id, assisting=assisting_ids, separate=separate_ids)
        except rules.AssignmentError as exc:
            raise ValidationFailed(details={exc.field: str(_ASSIGNMENT_ERRORS[exc.reason])}) from None
        unit_ids = ([lead_id] if lead_id else []) + assisting_ids + separate_ids
        _check_units(current, unit_ids)
        kind = kind_of(current)
        params = params_for(current)
        cal = calendar.current_calendar()
        start = time_rules.local_date(now)
        reply_period = kind.reply_period(params, current)
        plan = []
        if mode == rules.LEAD_ASSISTING:
            plan.append((lead_id, rules.LEAD, reply_period))
            if assisting_ids and kind.assisting_period is None:
                raise ValidationFailed(details={"assisting": _("This kind of case has no assisting units.")})
            for unit_id in assisting_ids:
                plan.append((unit_id, rules.ASSISTING, kind.assisting_period(params, current)))
        else:
            plan.extend((unit_id, rules.SEPARATE_UNIT, reply_period) for unit_id in separate_ids)
        created = [
            _new_assignment(
                case=current, unit_id=unit_id, role=role, round_number=current.round, period=period,
                start=start, now=now, by=by, params=params, cal=cal,
            )
            for unit_id, role, period in plan
        ]
        current.status = rules.ASSIGNED
        current.handling_mode = mode
        current.assigned_at = now
        current.save(update_fields=["status", "handling_mode", "assigned_at", "updated_at"])
        data.update(
            mode=mode,
            assignments=[
                {
                    "id": a.pk, "unit": a.unit_id, "role": a.role, "due_on": a.due_on,
                    "rule": a.due_rule, "provisional": a.due_provisional,
                }
                for a in created
            ],
        )
        code = kind.code("assign")
        for a in created:
            _tell(
                _clerks([a.unit_id]), action=code, case=current,
                # TIME-4: a date counted through a year without its official schedule is provisional.
                title=_L("New case for your unit: “%(title)s”, reply due %(due)s (provisional: that year's "
                         "official holiday schedule is not entered yet)") if a.due_provisional
                else _L("New case for your unit: “%(title)s”, reply due %(due)s"),
                params={"title": current.title, "due": a.due_on.isoformat()},
            )
        _tell_filers(
            current, action=code,
            title=_L("“%(title)s” was assigned to %(units)s"),
            params={"title": current.title, "units": _unit_names(unit_ids)},
        )
        return current

    return _act(by=by, verb="assign", case=case, apply=apply, data=data)


def approve_extension(*, by, assignment: Assignment, note: str = "", now=None) -> Assignment:
    """SUGG-4: approve the longer reply period for a wide-ranging or difficult case.

    Only before the ordinary period ends (24:00 of its due date), once, for a lead or
    separate unit in the first round. The new due date counts from the same assignment
    date. Raises DeadlinePassed after the ordinary date, InvalidTransition otherwise.
    """
    now = _now(now)
    case = assignment.case
    data: dict[str, Any] = {"note": note, "assignment": assignment.pk}

    def apply(current: Case):
        row = _lock_assignment(assignment, current)
        kind = kind_of(current)
        if row.status != rules.PENDING:
            raise InvalidTransition(_("This unit has already replied."), details={"state": row.status})
        if kind.extended_period is None:
            raise InvalidTransition(_("This kind of case has no longer period."))
        if row.round == 1 and row.role in rules.REPLYING_ROLES and not row.is_extended and rules.is_overdue(row.due_on, now):
            raise DeadlinePassed(
                _("The extension had to be approved by %(due)s.") % {"due": row.due_on.isoformat()},
                details={"due_on": row.due_on.isoformat()},
            )
        if not rules.extension_allowed(
            now=now, due_on=row.due_on, role=row.role, round_number=row.round, extended=row.is_extended
        ):
            raise InvalidTransition(_("The longer period cannot be given to this assignment."))
        params = params_for(current)
        period = kind.extended_period(params, current)
        deadline = _deadline(row.due_from, period, params, calendar.current_calendar())
        data.update({"from": row.due_on, "to": deadline.date, "rule": period.rule, "unit": row.unit_id})
        row.due_unit, row.due_count, row.due_rule = period.unit, period.count, period.rule
        row.due_on, row.due_provisional = deadline.date, deadline.provisional
        row.extension_approved_by = by
        row.extension_approved_at = now
        row.extension_note = note[:300]
        row.save(update_fields=[
            "due_unit", "due_count", "due_rule", "due_on", "due_provisional",
            "extension_approved_by", "extension_approved_at", "extension_note",
        ])
        code = kind.code("approve_extension")
        params_text = {"title": current.title, "due": row.due_on.isoformat()}
        _tell(_clerks([row.unit_id]), action=code, case=current,
              title=_L("“%(title)s”: the reply is now due %(due)s"), params=params_text)
        _tell_filers(current, action=code,
                     title=_L("“%(title)s” needs longer: the reply is now due %(due)s"), params=params_text)
        return row

    return _act(by=by, verb="approve_extension", case=case, permission_obj=assignment, apply=apply, data=data)


# --- replies (SUGG-5, SUGG-6) -------------------------------------------------------------------


def _round_rows(case: Case) -> list[Assignment]:
    return list(Assignment.objects.filter(case=case, round=case.round))


def _clean_reply(*, kind, params, role, body, reply_class, class_reason, letter, signed_by) -> dict:
    errors: dict[str, str] = {}
    body = (body or "").strip()
    reply_class = (reply_class or "").strip()
    class_reason = (class_reason or "").strip()
    signed_by = (signed_by or "").strip()
    if not body:
        errors["body"] = _("Write the reply.")
    if role in rules.REPLYING_ROLES:
        classes = kind.reply_classes(params)
        if reply_class not in classes:
            errors["reply_class"] = _("Choose the reply class: %(classes)s.") % {"classes": ", ".join(classes)}
        elif rules.reply_class_needs_reason(reply_class, classes) and not class_reason:
            # SUGG-6: units must give reasons for C and D.
            errors["class_reason"] = _("Give the reason for class %(class)s.") % {"class": reply_class}
        if letter is None and kind.reply_needs_letter:
            errors["letter"] = _("Attach the signed reply letter.")
        if not signed_by and kind.reply_needs_letter:
            errors["signed_by"] = _("Name the head of the unit who signed the letter.")
        elif len(signed_by) > 100:
            errors["signed_by"] = _("At most 100 characters.")
    elif reply_class:
        errors["reply_class"] = _("An assisting unit's view carries no reply class.")
    if errors:
        raise ValidationFailed(details=errors)
    if letter is not None:
        validate_upload(letter, allowed=LETTER_TYPES)
    return {"body": body, "reply_class": reply_class, "class_reason": class_reason, "signed_by": signed_by}


def submit_reply(
    *,
    by,
    assignment: Assignment,
    body: str,
    reply_class: str = "",
    class_reason: str = "",
    letter=None,
    signed_by: str = "",
    now=None,
) -> Reply:
    """A unit's clerk submits the unit's reply (SUGG-6): class (from the configured list,
    with a reason for C/D), text, the signed letter and who signed it. An assisting unit
    sends its view to the lead unit instead (no class, letter optional; SUGG-5).

    When every reply of the round is in (the lead's, or every separate unit's), the case
    is `replied` and the filers are asked to rate it. Raises NotAllowed (not this unit's
    clerk), InvalidTransition (already replied, case not being handled), ValidationFailed.
    """
    now = _now(now)
    case = assignment.case
    data: dict[str, Any] = {"assignment": assignment.pk}

    def apply(current: Case):
        row = _lock_assignment(assignment, current)
        if row.status != rules.PENDING or row.round != current.round:
            raise InvalidTransition(_("This unit has already replied."), details={"state": row.status})
        kind = kind_of(current)
        params = params_for(current)
        clean = _clean_reply(
            kind=kind, params=params, role=row.role, body=body, reply_class=reply_class,
            class_reason=class_reason, letter=letter, signed_by=signed_by,
        )
        reply = Reply(
            case=current, assignment=row, unit_id=row.unit_id, round=row.round, role=row.role,
            submitted_by=by, submitted_at=now, **clean,
        )
        if letter is not None:
            reply.letter = letter
            reply.letter_name = str(getattr(letter, "name", "") or "")[:200]
        reply.save()
        row.status = rules.DONE
        row.replied_at = now
        row.replied_on = time_rules.local_date(now)
        row.save(update_fields=["status", "replied_at", "replied_on"])
        complete = rules.round_complete(current.handling_mode, [(a.role, a.status) for a in _round_rows(current)])
        if complete:
            current.status = rules.REPLIED
            current.replied_at = now
            current.save(update_fields=["status", "replied_at", "updated_at"])
        data.update(
            reply=reply.pk, unit=row.unit_id, role=row.role, round=row.round, reply_class=reply.reply_class,
            on_time=rules.on_time(row.replied_on, row.due_on), complete=complete,
        )
        code = kind.code("reply")
        text = {"title": current.title, "unit": row.unit.name}
        if row.role in rules.REPLYING_ROLES:
            _tell_filers(current, action=code, title=_L("%(unit)s replied to “%(title)s”"), params=text)
            if complete:
                asked = kind.replies_complete_title
                _tell_filers(current, action=code, leads_only=True,
                             title=_L("Please rate the reply to “%(title)s”") if asked is None else asked,
                             params=text)
        else:
            lead = next((a for a in _round_rows(current) if a.role == rules.LEAD), None)
            _tell(_clerks([lead.unit_id] if lead else []), action=code, case=current,
                  title=_L("%(unit)s sent its view on “%(title)s”"), params=text)
        return reply

    return _act(by=by, verb="reply", case=case, permission_obj=assignment, apply=apply, data=data)
