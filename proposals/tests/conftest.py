"""Fixtures for suggestions: a term with deputies who have accounts, units with clerks, staff."""

from __future__ import annotations

import datetime
from datetime import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.roles import Role
from core.workcalendar import selectors as calendar
from core.workcalendar.rules import LEGAL_ZONE

from .factories import CONTENT


def at(day: str, clock: str = "10:00") -> dt:
    """An aware instant on a legal date (Asia/Shanghai, TIME-5)."""
    return dt.fromisoformat(f"{day}T{clock}").replace(tzinfo=LEGAL_ZONE)


def pdf(name: str = "reply.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% signed\n%%EOF\n", content_type="application/pdf")


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.forget_cached_calendar()
    yield
    calendar.forget_cached_calendar()


@pytest.fixture
def city(db, make_user):
    """The invented city: a current term (and its 2026 session), four deputies with
    accounts, three handling units with a clerk each, and staff (accounts in English, so
    notification texts are asserted whatever the zh-hans catalogue holds)."""
    from core.organisation.tests.factories import (
        CongressFactory,
        DelegationFactory,
        DeputyFactory,
        HandlingUnitFactory,
        SessionFactory,
        TermFactory,
    )

    congress = CongressFactory()
    term = TermFactory(congress=congress, is_current=True, starts_on=datetime.date(2022, 1, 1))
    session = SessionFactory(term=term, starts_on=datetime.date(2026, 1, 20), ends_on=datetime.date(2026, 1, 23))
    delegation = DelegationFactory(term=term)
    deputies = []
    for index, name in enumerate(["张三", "李四", "王五", "赵六"]):
        user = make_user(Role.DEPUTY, first_name=name, language="en")
        deputies.append(DeputyFactory(delegation=delegation, name=name, user=user, code=f"T{index:03d}"))
    units = [HandlingUnitFactory(congress=congress) for _ in range(3)]
    clerks = [make_user(Role.UNIT_CLERK, handling_unit=u, language="en") for u in units]
    return {
        "congress": congress,
        "term": term,
        "session": session,
        "deputies": deputies,
        "units": units,
        "clerks": clerks,
        "staff": make_user(Role.STAFF, language="en"),
        "administrator": make_user(Role.ADMINISTRATOR),
        "citizen": make_user(Role.CITIZEN),
    }


@pytest.fixture
def content():
    return CONTENT
