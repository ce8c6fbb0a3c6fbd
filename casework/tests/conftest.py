"""Fixtures for casework: the "drill" kind, a fresh calendar cache, people and units."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import kinds, rules, services
from casework.rules import Period
from core.accounts.roles import Role
from core.workcalendar import selectors as calendar
from core.workcalendar.rules import LEGAL_ZONE

from .factories import DRILL

if DRILL not in kinds.names():
    kinds.register(
        kinds.CaseKind(
            name=DRILL,
            prefix=DRILL,
            label="drill",
            reply_period=lambda params, case: Period(rules.MONTHS, 3, "SUGG-3"),
            extended_period=lambda params, case: Period(rules.MONTHS, 6, "SUGG-4"),
            assisting_period=lambda params, case: Period(rules.DAYS, 30, "SUGG-5"),
            rehandle_period=lambda params, case: Period(rules.MONTHS, 1, "SUGG-7"),
            extension_needs_approval=lambda params: bool(params.get("sugg_extension_needs_approval", True)),
            past_outcomes=True,
        )
    )


def at(day: str, clock: str = "10:00") -> datetime:
    """An aware instant on a legal date (Asia/Shanghai, TIME-5)."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LEGAL_ZONE)


def pdf(name: str = "reply.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% a signed letter\n%%EOF\n", content_type="application/pdf")


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.forget_cached_calendar()
    yield
    calendar.forget_cached_calendar()


@pytest.fixture(autouse=True)
def _copies_agree_after_each_test(request):
    """Issue 3: every casework test that uses the database ends with each assignment's
    copies of its case and the units' tallies agreeing with what they copy."""
    uses_db = request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames
    if uses_db:
        request.getfixturevalue("db")  # set up first, so torn down after this check
    yield
    if uses_db:
        from casework.services.derived import drift

        assert drift() == []


@pytest.fixture
def congress(db):
    from core.organisation.tests.factories import CongressFactory

    return CongressFactory()


@pytest.fixture
def units(congress):
    from core.organisation.tests.factories import HandlingUnitFactory

    return [HandlingUnitFactory(congress=congress) for _ in range(4)]


@pytest.fixture
def people(make_user, units):
    """staff, a clerk per unit, two filers (citizens: the drill kind's recipients), an
    outsider of each role."""
    # English accounts: notification texts are asserted whatever the zh-hans catalogue holds.
    def user(role, **kwargs):
        return make_user(role, language="en", **kwargs)

    return {
        "staff": user(Role.STAFF),
        "clerks": [user(Role.UNIT_CLERK, handling_unit=u) for u in units],
        "filer": user(Role.CITIZEN),
        "other_filer": user(Role.CITIZEN),
        "outsider": user(Role.CITIZEN),
        "deputy": user(Role.DEPUTY),
        "administrator": user(Role.ADMINISTRATOR),
        "public": user(Role.PUBLIC),
    }


@pytest.fixture
def open_case(congress, people):
    """A registered drill case owed to `filer` (or the given users)."""

    def make(title: str = "道路积水", filers=None, now=None):
        filers = filers or [people["filer"]]
        return services.open_case(
            kind=DRILL,
            congress=congress,
            title=title,
            now=now,
            recipients=[services.RecipientSpec(user=u, is_lead=True) for u in filers],
        )

    return make


@pytest.fixture
def letter():
    return pdf


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()
