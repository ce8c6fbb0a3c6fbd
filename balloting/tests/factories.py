"""Test helpers for secret votes in an invented city (测试市): a session meeting today, its
deputies with accounts, and a stand-in for the session roll (balloting.roll)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.accounts.roles import Role
from core.accounts.tests.factories import UserFactory
from core.organisation.tests.factories import DelegationFactory, DeputyFactory, SessionFactory


def session_today(**kwargs):
    today = timezone.localdate()
    kwargs.setdefault("starts_on", today - datetime.timedelta(days=1))
    kwargs.setdefault("ends_on", today + datetime.timedelta(days=2))
    return SessionFactory(**kwargs)


def deputies_for(session, count: int, *, with_users: bool = True) -> list:
    """`count` deputies of the session's term in one delegation, each with a deputy account."""
    delegation = DelegationFactory(term=session.term)
    deputies = []
    for _ in range(count):
        user = UserFactory(role=Role.DEPUTY) if with_users else None
        deputies.append(DeputyFactory(delegation=delegation, user=user))
    return deputies


class FakeRoll:
    """A session roll for tests: `total` deputies, those in `present` checked in."""

    def __init__(self, total: int, present=()):
        self.total = total
        self.present = {d.pk for d in present}

    def all_deputies(self, session):
        return self.total, "in_office"

    def present_deputy_ids(self, session):
        return set(self.present)

    def quorum_met(self, session):
        return 3 * len(self.present) >= 2 * self.total

    def voter(self, session_id, user):
        from core.organisation.models import Deputy

        found = [(d.in_office and d.pk in self.present, d.pk) for d in Deputy.objects.filter(user=user)]
        if not found:
            return None, False
        may, pk = max(found, key=lambda item: (item[0], -item[1]))
        return pk, may


def install_roll(monkeypatch, roll) -> None:
    from balloting import roll as roll_module

    monkeypatch.setattr(roll_module, "_registered", roll)
