"""Shared set-up for the bill and interpellation tests (imported by test_bill*.py and
test_interpellation*.py): a term with 12 deputies who have accounts, a session in January
2026 (for services, with fixed dates) and one running today (for pages and the API), the
organs that may be interpellated with a clerk each, and staff."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.notify.models import Notification
from proposals import bill_services as services

from .conftest import at

#: Inside the January session (20-23 January 2026).
DURING = "2026-01-21"


def audit(action, obj):
    return AuditEntry.objects.filter(action=action, target_id=str(obj.pk))


def inbox(user, action):
    return Notification.objects.filter(recipient=user, action=action)


@pytest.fixture(name="chamber")
def chamber_fixture(db, make_user):
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
    session = SessionFactory(term=term, number=5, starts_on=datetime.date(2026, 1, 20),
                             ends_on=datetime.date(2026, 1, 23))
    today = timezone.localdate()
    live = SessionFactory(term=term, number=9, starts_on=today - datetime.timedelta(days=1),
                          ends_on=today + datetime.timedelta(days=5))
    delegation = DelegationFactory(term=term)
    deputies = []
    for index in range(14):
        user = make_user(Role.DEPUTY, first_name=f"代表{index}", language="en")
        deputies.append(DeputyFactory(delegation=delegation, name=f"测试代表{index:02d}", user=user,
                                      code=f"B{index:03d}"))
    government = HandlingUnitFactory(congress=congress, kind="government", name="测试市交通局")
    court = HandlingUnitFactory(congress=congress, kind="state_organ", name="测试市中级人民法院")
    district = HandlingUnitFactory(congress=congress, kind="district", name="测试区人民政府")
    clerks = {
        "government": make_user(Role.UNIT_CLERK, handling_unit=government, language="en"),
        "court": make_user(Role.UNIT_CLERK, handling_unit=court, language="en"),
    }
    return {
        "congress": congress, "term": term, "session": session, "live": live, "deputies": deputies,
        "government": government, "court": court, "district": district, "clerks": clerks,
        "staff": make_user(Role.STAFF, language="en"),
        "other_staff": make_user(Role.STAFF, language="en"),
        "administrator": make_user(Role.ADMINISTRATOR),
        "citizen": make_user(Role.CITIZEN),
    }


def lead_of(chamber):
    return chamber["deputies"][0]


def draft_bill(chamber, *, signers: int = 10, session=None, now=None, **text):
    """A deputies' draft led by deputy 0, signed by `signers` deputies in all."""
    lead = lead_of(chamber)
    session = session or chamber["session"]
    now = now or at("2026-01-19")
    fields = {"subject": "关于制定测试市养犬管理条例的议案", "grounds": "养犬扰民问题突出。",
              "proposal": "制定条例，规范养犬登记。"}
    fields.update(text)
    bill = services.create_bill(by=lead.user, session=session, now=now, **fields)
    for deputy in chamber["deputies"][1:signers]:
        services.sign_bill(by=deputy.user, bill=bill, now=now)
    return bill


def filed_bill(chamber, **kwargs):
    bill = draft_bill(chamber, **kwargs)
    return services.file_bill(by=lead_of(chamber).user, bill=bill, now=at(DURING))


def draft_interpellation(chamber, *, signers: int = 10, session=None, target=None, now=None):
    lead = lead_of(chamber)
    session = session or chamber["session"]
    now = now or at("2026-01-19")
    item = services.create_interpellation(
        by=lead.user, session=session, target=target or chamber["government"],
        question="关于测试市公交线路调整问题的质询", content="公交线路调整未听取群众意见，请说明理由。", now=now,
    )
    for deputy in chamber["deputies"][1:signers]:
        services.sign_interpellation(by=deputy.user, interpellation=item, now=now)
    return item


def filed_interpellation(chamber, **kwargs):
    item = draft_interpellation(chamber, **kwargs)
    return services.file_interpellation(by=lead_of(chamber).user, interpellation=item, now=at(DURING))
