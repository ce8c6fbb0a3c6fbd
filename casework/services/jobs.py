"""Reminders, overdue flags and due dates recomputed after a calendar change (TIME-4, TIME-6).

Each job acts as the system (audit actor "system"), is idempotent and safe to run twice
or at once."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.notify.services import notify
from core.workcalendar import rules as time_rules
from core.workcalendar import selectors as calendar

from .. import kinds, rules
from ..models import Assignment, Reminder
from .base import _clerks, _deadline, _now, _staff, _system_record, _tell, kind_of, params_for

log = logging.getLogger(__name__)

_L = gettext_lazy


# --- reminders, overdue, recomputation (TIME-6) -------------------------------------------------


def _remind_days() -> int:
    return int(getattr(settings, "DATONG_CASEWORK_REMIND_DAYS", rules.DEFAULT_REMIND_BEFORE_DAYS))


def _open_pending():
    # `is_open`: pending while the case is being handled (rules.assignment_open).
    return Assignment.objects.filter(is_open=True)


def send_reminders(*, now=None) -> int:
    """Remind each unit of a reply due within the reminder period, once per assignment and
    due date (a moved date is reminded again). Returns how many were sent. Idempotent."""
    now = _now(now)
    today = time_rules.local_date(now)
    days = _remind_days()
    candidates = (
        _open_pending()
        .filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))
        .exclude(
            Exists(
                Reminder.objects.filter(
                    assignment=OuterRef("pk"), kind=Reminder.Kind.BEFORE_DUE, due_on=OuterRef("due_on")
                )
            )
        )
        .select_related("case", "unit")
        .order_by("due_on", "pk")
    )
    sent = 0
    for assignment in candidates.iterator(chunk_size=500):
        if not rules.reminder_due(assignment.due_on, now, days_before=days):
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    assignment=assignment, kind=Reminder.Kind.BEFORE_DUE, due_on=assignment.due_on, sent_at=now
                )
                case = assignment.case
                _system_record(case, "remind", {"assignment": assignment.pk, "unit": assignment.unit_id,
                                                "due_on": assignment.due_on})
                _tell(_clerks([assignment.unit_id]), action=kind_of(case).code("remind"), case=case,
                      title=_L("Reminder: the reply to “%(title)s” is due %(due)s"),
                      params={"title": case.title, "due": assignment.due_on.isoformat()})
        except IntegrityError:  # another runner sent it
            continue
        sent += 1
    return sent


def flag_overdue(*, now=None) -> int:
    """TIME-6: flag every assignment without a reply after its due date (from 00:00 Asia/
    Shanghai the next day), tell its unit, and escalate to staff in one digest. Each
    assignment is flagged once per due date. Returns how many were flagged."""
    now = _now(now)
    today = time_rules.local_date(now)
    candidates = (
        _open_pending()
        .filter(due_on__lt=today, overdue_flagged_at__isnull=True)
        .select_related("case", "unit")
        .order_by("due_on", "pk")
    )
    flagged: dict[str, list[Assignment]] = defaultdict(list)
    for assignment in candidates.iterator(chunk_size=500):
        if not rules.is_overdue(assignment.due_on, now):
            continue
        with transaction.atomic():
            claimed = Assignment.objects.filter(
                pk=assignment.pk, status=rules.PENDING, overdue_flagged_at__isnull=True
            ).update(overdue_flagged_at=now)
            if not claimed:
                continue
            Reminder.objects.get_or_create(
                assignment=assignment, kind=Reminder.Kind.OVERDUE, due_on=assignment.due_on,
                defaults={"sent_at": now},
            )
            case = assignment.case
            _system_record(case, "overdue", {"assignment": assignment.pk, "unit": assignment.unit_id,
                                             "due_on": assignment.due_on})
            _tell(_clerks([assignment.unit_id]), action=kind_of(case).code("overdue"), case=case,
                  title=_L("Overdue: the reply to “%(title)s” was due %(due)s"),
                  params={"title": case.title, "due": assignment.due_on.isoformat()})
        flagged[case.kind].append(assignment)
    total = 0
    for kind_name, rows in flagged.items():
        total += len(rows)
        units = len({a.unit_id for a in rows})
        with transaction.atomic():
            notify(
                recipients=_staff(),
                action=kinds.get(kind_name).code("overdue"),
                title=_L("%(count)s replies became overdue at %(units)s units"),
                params={"count": len(rows), "units": units},
                url=f"{reverse('casework:late-by-unit')}?kind={kind_name}",
            )
    return total


def recompute_due_dates(*, years: Iterable[int], now=None) -> int:
    """TIME-6: recompute the due date of every pending assignment whose period touches one
    of `years` (or is provisional) after the calendar changed; log each change and tell the
    unit when its date moved. An overdue flag is cleared when the date moves past today.
    Returns how many assignments changed."""
    now = _now(now)
    years = sorted(set(years))
    if not years:
        return 0
    first, last = years[0], years[-1]
    cal = calendar.current_calendar()
    candidates = (
        _open_pending()
        .filter(Q(due_provisional=True) | Q(due_from__lte=date(last, 12, 31), due_on__gte=date(first, 1, 1)))
        .select_related("case__congress")
        .order_by("pk")
    )
    params_by_congress: dict[int, dict] = {}
    changed = 0
    for assignment in candidates.iterator(chunk_size=500):
        case = assignment.case
        params = params_by_congress.setdefault(case.congress_id, params_for(case))
        period = rules.Period(assignment.due_unit, assignment.due_count, assignment.due_rule)
        deadline = _deadline(assignment.due_from, period, params, cal)
        if (deadline.date, deadline.provisional) == (assignment.due_on, assignment.due_provisional):
            continue
        with transaction.atomic():
            row = Assignment.objects.select_for_update().filter(pk=assignment.pk, status=rules.PENDING).first()
            if row is None:
                continue
            old_date, old_provisional = row.due_on, row.due_provisional
            row.due_on, row.due_provisional = deadline.date, deadline.provisional
            fields = ["due_on", "due_provisional"]
            if row.overdue_flagged_at and not rules.is_overdue(row.due_on, now):
                row.overdue_flagged_at = None
                fields.append("overdue_flagged_at")
            row.save(update_fields=fields)
            _system_record(case, "due_change", {
                "assignment": row.pk, "unit": row.unit_id, "years": years,
                "from": old_date, "to": row.due_on,
                "provisional_from": old_provisional, "provisional_to": row.due_provisional,
            })
            if old_date != row.due_on:
                _tell(_clerks([row.unit_id]), action=kind_of(case).code("due_change"), case=case,
                      title=_L("The calendar changed: the reply to “%(title)s” is now due %(due)s"),
                      params={"title": case.title, "due": row.due_on.isoformat()})
        changed += 1
    return changed


def on_calendar_changed(years: frozenset[int]) -> None:
    """Listener for `core.workcalendar.services.on_calendar_changed` (after commit)."""
    count = recompute_due_dates(years=years)
    if count:
        log.info("recomputed %s due dates after a calendar change in %s", count, sorted(years))
