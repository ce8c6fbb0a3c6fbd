"""Factories for the organisation of an invented city (测试市): never Datong, so anything
hard-wired to Datong fails."""

import datetime

import factory

from core.organisation import models


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Congress
        django_get_or_create = ("name",)

    name = "测试市人民代表大会"
    region_name = "测试市"
    region_code = "999900"
    level = models.Congress.Level.CITY
    population = 1_000_000


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.District

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"测试{n}区")
    code = factory.Sequence(lambda n: f"9999{n:02d}")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Term

    congress = factory.SubFactory(CongressFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_on = datetime.date(2022, 1, 1)
    ends_on = datetime.date(2027, 1, 1)
    is_current = False


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Session

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_on = datetime.date(2026, 1, 20)
    ends_on = datetime.date(2026, 1, 23)


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Delegation

    term = factory.SubFactory(TermFactory)
    district = factory.SubFactory(DistrictFactory, congress=factory.SelfAttribute("..term.congress"))
    name = factory.LazyAttribute(lambda o: f"{o.district.name}代表团")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Deputy

    delegation = factory.SubFactory(DelegationFactory)
    term = factory.SelfAttribute("delegation.term")
    district = factory.SelfAttribute("delegation.district")
    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"代表{n}")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HandlingUnit

    congress = factory.SubFactory(CongressFactory)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"测试市第{n}局")


class LiaisonStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LiaisonStation

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表联络站")
