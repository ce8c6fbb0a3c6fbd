"""Factories for elections in the invented city (测试市)."""

import datetime

import factory
from django.utils import timezone

from elections import models


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Office
        django_get_or_create = ("congress", "kind")

    kind = models.Office.Kind.MAYOR
    name = factory.LazyAttribute(lambda o: str(models.Office.Kind(o.kind).label))


class ElectionFactory(factory.django.DjangoModelFactory):
    """An election whose nominations opened three days ago (ELEC-8 satisfied)."""

    class Meta:
        model = models.Election

    office = factory.SubFactory(OfficeFactory, congress=factory.SelfAttribute("..session.term.congress"))
    seats = 1
    margin = 1
    nominations_open_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    vote_method = models.Election.Method.ELECTRONIC


class NominationFactory(factory.django.DjangoModelFactory):
    """A submitted presidium nomination."""

    class Meta:
        model = models.Nomination

    nominated_by = models.Nomination.By.PRESIDIUM
    name = factory.Sequence(lambda n: f"候选人{n}")
    status = models.Nomination.Status.SUBMITTED
