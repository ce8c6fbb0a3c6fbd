"""Factories for citizens' messages in the invented city (测试市): categories, and messages
received through the real service (so every message has its case and recipient)."""

from __future__ import annotations

import factory

from core.organisation.tests.factories import CongressFactory
from voices.models import MessageCategory


class MessageCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageCategory

    congress = factory.SubFactory(CongressFactory)
    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")


def receive(by, congress, **kwargs):
    """A message received through voices.services.receive_message, with sensible defaults."""
    from voices import services

    kwargs.setdefault("channel", "phone" if getattr(by, "role", None) == "staff" else "web")
    kwargs.setdefault("regime", "hotline")
    kwargs.setdefault("subject", "小区路灯不亮")
    kwargs.setdefault("body", "幸福小区三号楼前的路灯已经坏了两周，晚上出行很不方便。")
    kwargs.setdefault("classify", False)
    kwargs.setdefault("quiet", True)
    return services.receive_message(by=by, congress=congress, **kwargs)
