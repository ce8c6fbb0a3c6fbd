"""Factories for casework, on top of core's (an invented city, 测试市).

Casework's own tests use a kind of case of their own, "drill" (registered in conftest.py),
so they prove the machinery without any domain: its periods are three months, six with an
approved extension, thirty days for assisting units and one month for re-handling.
"""

import datetime

import factory
from django.utils import timezone

from casework import rules
from casework.models import Assignment, Case, Recipient
from core.organisation.tests.factories import CongressFactory, HandlingUnitFactory

DRILL = "drill"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    congress = factory.SubFactory(CongressFactory)
    kind = DRILL
    title = factory.Sequence(lambda n: f"测试事项{n}")
    registered_at = factory.LazyFunction(timezone.now)


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    case = factory.SubFactory(CaseFactory)
    source_case = factory.SelfAttribute("case")
    is_lead = True
    owed_reply = True
    added_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    case = factory.SubFactory(CaseFactory, status=rules.ASSIGNED, handling_mode=rules.LEAD_ASSISTING)
    unit = factory.SubFactory(HandlingUnitFactory, congress=factory.SelfAttribute("..case.congress"))
    role = rules.LEAD
    assigned_at = factory.LazyFunction(timezone.now)
    due_from = datetime.date(2026, 3, 31)
    due_unit = rules.MONTHS
    due_count = 3
    due_rule = "TEST"
    due_on = datetime.date(2026, 6, 30)
