"""Factories for suggestions, on top of core's (an invented city, 测试市)."""

import factory
from django.utils import timezone

from core.accounts.roles import Role
from core.accounts.tests.factories import UserFactory
from core.organisation.tests.factories import CongressFactory, DeputyFactory, TermFactory
from proposals.models import Cosignature, Suggestion, SuggestionCategory

CONTENT = "建议在测试市第一中学门前增设人行横道和交通信号灯，方便学生上下学安全通行。"


class DeputyUserFactory(UserFactory):
    """A deputy's account; give it to DeputyFactory(user=...)."""

    role = Role.DEPUTY


class SuggestionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuggestionCategory

    congress = factory.SubFactory(CongressFactory)
    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A draft by a deputy (with an account) of a current term."""

    class Meta:
        model = Suggestion

    filed_by = factory.SubFactory(
        DeputyFactory,
        user=factory.SubFactory(DeputyUserFactory),
        delegation__term=factory.SubFactory(TermFactory, is_current=True),
    )
    term = factory.SelfAttribute("filed_by.term")
    congress = factory.SelfAttribute("term.congress")
    entered_by = factory.SelfAttribute("filed_by.user")
    subject = factory.Sequence(lambda n: f"关于改善测试市交通的建议{n}")
    content = CONTENT
    created_at = factory.LazyFunction(timezone.now)


class CosignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cosignature

    suggestion = factory.SubFactory(SuggestionFactory)
    deputy = factory.SubFactory(
        DeputyFactory,
        user=factory.SubFactory(DeputyUserFactory),
        delegation__term=factory.SelfAttribute("...suggestion.term"),
    )
    invited_at = factory.LazyFunction(timezone.now)
