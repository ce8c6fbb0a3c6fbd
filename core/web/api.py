"""Meta endpoints (/api/health) and the staff desk's charts as ECharts options."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _
from ninja import Schema, Status

from core.apikit import DatongRouter, acting_user
from core.permissions import PUBLIC

from . import selectors
from .permissions import STAFF_DASHBOARD

router = DatongRouter()


@lru_cache(maxsize=1)
def _version() -> str:
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


class HealthOut(Schema):
    status: str
    database: str
    version: str


# Open to everyone (auth=None): load balancers and monitoring probe it without an account,
# and it reveals nothing but whether the service and its database answer.
@router.get(
    "/health", permission=PUBLIC, auth=None, response={200: HealthOut, 503: HealthOut}, url_name="health"
)
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    ok = database == "ok"
    body = {"status": "ok" if ok else "degraded", "database": database, "version": _version()}
    return Status(200 if ok else 503, body)


@router.get(
    "/charts/deputies-per-delegation",
    permission=STAFF_DASHBOARD,
    response=dict,
    url_name="chart-deputies-per-delegation",
)
def deputies_per_delegation_chart(request):
    """ECharts options: a horizontal bar per delegation, deputies in office (SESS-4)."""
    rows = selectors.deputies_per_delegation(acting_user(request))
    names = [name for name, _count in rows]
    counts = [count for _name, count in rows]
    return {
        "title": {
            "text": _("Deputies in office per delegation"),
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {
                "type": "bar",
                "name": _("Deputies in office"),
                "data": counts,
                "label": {"show": True, "position": "right"},
            }
        ],
    }
