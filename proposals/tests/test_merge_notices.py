"""SUGG-11: deputies whose suggestion is merged into another are told by its number, and the
notices of its handling link to a page each of them may open."""

from __future__ import annotations

import pytest
from django.test import Client

from casework import rules as case_rules
from casework.models import Assignment
from core.notify.models import Notification
from proposals import services

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(city, content):
    def make(index, subject, cosigners=()):
        filer = city["deputies"][index]
        draft = services.create_draft(by=filer.user, subject=subject, content=content, now=at("2026-03-20"))
        for other in cosigners:
            invitation = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=city["deputies"][other])
            services.confirm_cosignature(by=city["deputies"][other].user, cosignature=invitation)
        services.submit_suggestion(by=filer.user, suggestion=draft, now=at("2026-03-20"))
        return services.register_suggestion(by=city["staff"], suggestion=draft, now=at("2026-03-20"))

    return make


def _opens(user, url) -> bool:
    client = Client()
    client.force_login(user)
    return client.get(url).status_code == 200


def test_sugg_11_merged_deputies_are_told_by_number_and_sent_to_a_page_they_may_open(city, register):
    target = register(0, "学校门前交通安全")
    source = register(1, "学校门口交通安全", cosigners=[2])
    services.merge_suggestions(by=city["staff"], target=target, sources=[source])
    for deputy in city["deputies"][1:3]:
        [notice] = Notification.objects.filter(recipient=deputy.user, action="suggestion.merge")
        assert source.number in notice.title
        assert target.subject not in notice.title
        assert _opens(deputy.user, notice.url)
    # The handling of the merged case reaches them the same way.
    services.assign_suggestion(by=city["staff"], suggestion=target, lead=city["units"][0], now=at("2026-03-31"))
    lead = Assignment.objects.get(case=target.case, role=case_rules.LEAD)
    services.reply_to_suggestion(by=city["clerks"][0], assignment=lead, body="经研究，已落实。", reply_class="A",
                                 letter=pdf(), signed_by="局长", now=at("2026-05-10"))
    for deputy in city["deputies"][:3]:
        for notice in Notification.objects.filter(recipient=deputy.user,
                                                  action__in=["suggestion.assign", "suggestion.reply"]):
            assert _opens(deputy.user, notice.url), notice.title
