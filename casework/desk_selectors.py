"""Reads for casework's desks (what is due, late by unit, satisfaction by unit), scoped to
the user asking, with the filters and sort orders the pages, exports and API share.

Built on `casework.selectors`; this module adds only list plumbing (filters, sorting,
labels for the charts). Staff see every unit, a unit clerk their own unit, anyone else
nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.roles import Role
from core.organisation.models import HandlingUnit
from core.permissions import role_of
from core.workcalendar import rules as time_rules
from core.workcalendar.rules import Deadline

from . import kinds, rules, selectors
from .models import Assignment

#: Which assignments a desk lists.
PENDING = "pending"  # being handled: the reply is still owed
REPLIED = "replied"
ALL = "all"
STATES = (PENDING, REPLIED, ALL)

#: Sort orders: key → (label, order_by). "due" puts the overdue first (oldest due date).
ASSIGNMENT_SORTS = {
    "due": (_("Due date, soonest first"), ("open_rank", "due_on", "pk")),
    "-due": (_("Due date, latest first"), ("open_rank", "-due_on", "-pk")),
    "-assigned": (_("Newest assignments first"), ("-assigned_at", "-pk")),
    "title": (_("Title"), ("case__title", "pk")),
}

#: Labels of the default satisfaction scale (SUGG-7); a congress's own values show as written.
SATISFACTION_LABELS = {
    "satisfied": _("Satisfied"),
    "basically_satisfied": _("Basically satisfied"),
    "dissatisfied": _("Dissatisfied"),
}

ROLE_LABELS = dict(Assignment.Role.choices)


def _today(now: datetime | None = None):
    return time_rules.local_date(now or timezone.now())


def _scoped(user) -> QuerySet:
    role = role_of(user)
    queryset = Assignment.objects.all()
    if role == Role.STAFF:
        return queryset
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        return queryset.filter(unit_id=user.handling_unit_id)
    return queryset.none()


def assignment_rows(
    user,
    *,
    kind: str = "",
    unit: int | None = None,
    state: str = PENDING,
    overdue: bool | None = None,
    key_supervised: bool | None = None,
    q: str = "",
    sort: str = "due",
    now: datetime | None = None,
) -> QuerySet:
    """Assignments the user may see (staff: every unit, or `unit`; a clerk: their unit),
    each annotated with `is_overdue` (TIME-6: no reply and past its due date) and
    `open_rank` (0 while the reply is owed), sorted by `sort` (default: overdue first).

    Filters read the assignment's copies of its case (`kind`, `is_open`,
    `is_key_supervised`); when only open assignments are listed the sort by due date is
    (due_on, id), which a partial index WHERE is_open serves."""
    today = _today(now)
    # is_open: pending while the case is being handled (rules.assignment_open).
    handling = Q(is_open=True)
    queryset = (
        _scoped(user)
        .select_related("case", "unit")
        .annotate(
            is_overdue=Case(
                When(handling & Q(due_on__lt=today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            open_rank=Case(When(handling, then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if unit:
        queryset = queryset.filter(unit_id=unit)
    if state == PENDING:
        queryset = queryset.filter(handling)
    elif state == REPLIED:
        queryset = queryset.filter(status=rules.DONE)
    if overdue is not None:
        late = handling & Q(due_on__lt=today)
        queryset = queryset.filter(late) if overdue else queryset.exclude(late)
    if key_supervised is not None:
        queryset = queryset.filter(is_key_supervised=key_supervised)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(case__title__icontains=q)
    order = ASSIGNMENT_SORTS.get(sort, ASSIGNMENT_SORTS["due"])[1]
    if state == PENDING or overdue:
        order = tuple(name for name in order if name != "open_rank")  # 0 on every row listed
    return queryset.order_by(*order)


def deadline_of(assignment: Assignment) -> Deadline:
    """The assignment's due date as a Deadline (for `{% deadline_mark %}`, TIME-4)."""
    return Deadline(assignment.due_on, assignment.due_provisional)


def case_url(case) -> str:
    """The page of a case, from its kind ("" if the kind has none)."""
    try:
        return kinds.get(case.kind).url(case)
    except LookupError:
        return ""


def kind_label(case) -> str:
    try:
        return str(kinds.get(case.kind).label)
    except LookupError:
        return case.kind


def kind_choices() -> list[tuple[str, str]]:
    return [(k.name, str(k.label)) for k in kinds.registered()]


def unit_choices(user) -> QuerySet:
    """Units the user may filter by: staff every active unit; a clerk only theirs."""
    role = role_of(user)
    units = HandlingUnit.objects.order_by("name")
    if role == Role.STAFF:
        return units.filter(is_active=True)
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        return units.filter(pk=user.handling_unit_id)
    return units.none()


# --- what is late, by unit (TIME-6) -------------------------------------------------------------

LATE_SORTS = {
    "-overdue": (_("Most overdue first"), lambda r: (-r.overdue, r.oldest_due_on, r.unit_name)),
    "oldest": (_("Oldest due date first"), lambda r: (r.oldest_due_on, -r.overdue, r.unit_name)),
    "unit": (_("Unit"), lambda r: (r.unit_name,)),
}


def late_rows(user, *, kind: str = "", q: str = "", sort: str = "-overdue", now: datetime | None = None) -> list:
    """Overdue replies counted per unit (`casework.selectors.late_by_unit`), filtered by the
    unit's name and sorted."""
    rows = selectors.late_by_unit(user, kind=kind or None, now=now)
    q = (q or "").strip().lower()
    if q:
        rows = [r for r in rows if q in r.unit_name.lower()]
    key = LATE_SORTS.get(sort, LATE_SORTS["-overdue"])[1]
    return sorted(rows, key=key)


# --- satisfaction by unit (SUGG-7) ---------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionRow:
    unit_id: int
    unit_name: str
    counts: dict
    total: int
    #: Share of ratings that are not the scale's last value (dissatisfied), in whole percent.
    satisfied_percent: int | None
    #: The counts in the order of the scale shown (see `satisfaction_rows`).
    cells: tuple = ()


SATISFACTION_SORTS = {
    "-total": (_("Most ratings first"), lambda r: (-r.total, r.unit_name)),
    "satisfied": (_("Least satisfied first"), lambda r: (
        r.satisfied_percent if r.satisfied_percent is not None else 101, r.unit_name)),
    "unit": (_("Unit"), lambda r: (r.unit_name,)),
}


def satisfaction_scale(counters: list[Counter]) -> list[str]:
    """The values to show: the default scale first, then any other value seen."""
    values = list(rules.DEFAULT_SATISFACTION_SCALE)
    for counter in counters:
        for value in counter:
            if value not in values:
                values.append(value)
    return values


def satisfaction_label(value: str) -> str:
    return str(SATISFACTION_LABELS.get(value, value))


def satisfaction_rows(
    user, *, kind: str = "", q: str = "", sort: str = "-total", since=None, until=None
) -> tuple[list[str], list[SatisfactionRow]]:
    """Ratings per unit (`casework.selectors.satisfaction_by_unit`) with the units' names:
    (the values shown as columns, the rows)."""
    by_unit = selectors.satisfaction_by_unit(user, kind=kind or None, since=since, until=until)
    scale = satisfaction_scale(list(by_unit.values()))
    names = dict(HandlingUnit.objects.filter(pk__in=list(by_unit)).values_list("pk", "name"))
    rows = []
    for unit_id, counter in by_unit.items():
        total = sum(counter.values())
        unhappy = counter.get(rules.DEFAULT_SATISFACTION_SCALE[-1], 0)
        percent = (100 * (total - unhappy)) // total if total else None
        cells = tuple(counter.get(value, 0) for value in scale)
        rows.append(SatisfactionRow(unit_id, names.get(unit_id, str(unit_id)), dict(counter), total, percent, cells))
    q = (q or "").strip().lower()
    if q:
        rows = [r for r in rows if q in r.unit_name.lower()]
    key = SATISFACTION_SORTS.get(sort, SATISFACTION_SORTS["-total"])[1]
    return scale, sorted(rows, key=key)


# --- the unit's desk on its home page --------------------------------------------------------------


@dataclass
class UnitOverview:
    overdue: list
    due_soon: list
    counts: object


def unit_overview(user, *, limit: int = 10, now: datetime | None = None) -> UnitOverview:
    """What is overdue (oldest first), then what is due within the reminder period, across
    every kind of case: a clerk's own unit, staff every unit."""
    overdue = list(selectors.overdue_assignments(user, now=now)[:limit])
    soon = list(selectors.due_soon(user, now=now)[:limit])
    for row in overdue + soon:
        row.deadline = deadline_of(row)
        row.url = case_url(row.case)
        row.kind_label = kind_label(row.case)
    counts = selectors.unit_counts(user, now=now) if role_of(user) == Role.UNIT_CLERK else []
    return UnitOverview(overdue=overdue, due_soon=soon, counts=counts[0] if counts else None)
