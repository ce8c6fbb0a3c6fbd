"""/api/casework: casework's desks across every kind of case, and their charts.

- `GET /assignments`: the replies units owe (a clerk: their unit; staff: every unit),
  filtered and sorted like the page, paginated (`?page=&page_size=`);
- `GET /unit-counts`: per unit, being handled, due soon, overdue, replied (on time);
- `GET /late-by-unit`, `GET /satisfaction-by-unit`: staff's tables;
- `GET /charts/late-by-unit`, `GET /charts/satisfaction-by-unit`: the same figures as
  ECharts options, mounted by the pages through `data-chart-url`.

Actions on a case live with its kind (suggestions: /api/proposals).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import paginate

from core.apikit import DatongRouter, Page, acting_user

from . import desk_selectors, selectors
from .desk_permissions import ASSIGNMENTS, OVERSIGHT
from .models import Assignment

router = DatongRouter()


class AssignmentOut(Schema):
    id: int
    case_id: int
    case_title: str
    kind: str
    unit_id: int
    unit_name: str
    role: str
    round: int
    status: str
    assigned_at: datetime.datetime
    due_on: datetime.date
    due_provisional: bool
    is_extended: bool
    is_overdue: bool
    is_key_supervised: bool
    replied_on: datetime.date | None
    url: str

    @staticmethod
    def resolve_case_title(obj: Assignment) -> str:
        return obj.case.title

    @staticmethod
    def resolve_kind(obj: Assignment) -> str:
        return obj.case.kind

    @staticmethod
    def resolve_unit_name(obj: Assignment) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_is_key_supervised(obj: Assignment) -> bool:
        return obj.case.is_key_supervised

    @staticmethod
    def resolve_is_overdue(obj: Assignment) -> bool:
        return bool(getattr(obj, "is_overdue", False))

    @staticmethod
    def resolve_url(obj: Assignment) -> str:
        return desk_selectors.case_url(obj.case)


class UnitCountsOut(Schema):
    unit_id: int
    unit_name: str
    pending: int
    due_soon: int
    overdue: int
    replied: int
    replied_on_time: int


class LateOut(Schema):
    unit_id: int
    unit_name: str
    overdue: int
    oldest_due_on: datetime.date
    key_supervised: int


class SatisfactionOut(Schema):
    unit_id: int
    unit_name: str
    counts: dict[str, int]
    total: int
    satisfied_percent: int | None


@router.get("/assignments", permission=ASSIGNMENTS, response=list[AssignmentOut])
@paginate(Page)
def list_assignments(
    request,
    kind: str = "",
    unit: int | None = None,
    state: str = desk_selectors.PENDING,
    overdue: bool | None = None,
    key_supervised: bool | None = None,
    q: str = "",
    sort: str = "due",
):
    """Assignments the caller may see, overdue first by default (TIME-6). `state`: pending
    (a reply is owed), replied, all; `sort`: due, -due, -assigned, title."""
    return desk_selectors.assignment_rows(
        acting_user(request), kind=kind, unit=unit, state=state if state in desk_selectors.STATES else "pending",
        overdue=overdue, key_supervised=key_supervised, q=q, sort=sort,
    )


@router.get("/unit-counts", permission=ASSIGNMENTS, response=list[UnitCountsOut])
def unit_counts(request, kind: str = ""):
    """Per unit (a clerk: their own): assignments being handled, due within the reminder
    period, overdue, replied and replied on time."""
    return selectors.unit_counts(acting_user(request), kind=kind or None)


@router.get("/late-by-unit", permission=OVERSIGHT, response=list[LateOut])
def late_by_unit(request, kind: str = "", q: str = "", sort: str = "-overdue"):
    """Overdue replies per unit (TIME-6), most first."""
    return desk_selectors.late_rows(acting_user(request), kind=kind, q=q, sort=sort)


@router.get("/satisfaction-by-unit", permission=OVERSIGHT, response=list[SatisfactionOut])
def satisfaction_by_unit(request, kind: str = "", q: str = "", sort: str = "-total",
                         since: datetime.date | None = None, until: datetime.date | None = None):
    """The filers' ratings per unit (SUGG-7), counted by value."""
    _scale, rows = desk_selectors.satisfaction_rows(
        acting_user(request), kind=kind, q=q, sort=sort, since=since, until=until
    )
    return rows


def _bar_base(title: str) -> dict:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
    }


@router.get("/charts/late-by-unit", permission=OVERSIGHT, response=dict, url_name="casework-chart-late-by-unit")
def late_by_unit_chart(request, kind: str = ""):
    """ECharts options: a horizontal bar per unit, its overdue replies (TIME-6)."""
    rows = desk_selectors.late_rows(acting_user(request), kind=kind)[:20]
    options = _bar_base(_("Overdue replies per handling unit"))
    options["yAxis"] = {"type": "category", "data": [r.unit_name for r in rows], "inverse": True}
    options["series"] = [{
        "type": "bar", "name": _("Overdue"), "data": [r.overdue for r in rows],
        "label": {"show": True, "position": "right"},
    }]
    return options


@router.get(
    "/charts/satisfaction-by-unit", permission=OVERSIGHT, response=dict,
    url_name="casework-chart-satisfaction-by-unit",
)
def satisfaction_by_unit_chart(request, kind: str = ""):
    """ECharts options: a stacked horizontal bar per unit, its ratings by value (SUGG-7)."""
    scale, rows = desk_selectors.satisfaction_rows(acting_user(request), kind=kind)
    rows = rows[:20]
    options = _bar_base(_("Ratings of the replies per handling unit"))
    options["legend"] = {"bottom": 0}
    options["grid"]["bottom"] = 32
    options["yAxis"] = {"type": "category", "data": [r.unit_name for r in rows], "inverse": True}
    options["series"] = [
        {
            "type": "bar", "stack": "ratings", "name": desk_selectors.satisfaction_label(value),
            "data": [r.counts.get(value, 0) for r in rows],
        }
        for value in scale
    ]
    return options
