"""SUGG-11 merging, as the people merged hear of it: each filer is sent to the case they
filed (a page they may open), named by its number, never by the subject someone else wrote
(SEC-6); later notices of the handling reach them the same way."""

from __future__ import annotations

import pytest
from django.test import Client

from casework import kinds, rules, services
from casework.models import Assignment
from casework.rules import Period
from core.accounts.roles import Role
from core.notify.models import Notification

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

#: A kind with pages and numbers, as the domains' kinds have.
NUMBERED = "drill_numbered"

if NUMBERED not in kinds.names():
    kinds.register(
        kinds.CaseKind(
            name=NUMBERED,
            prefix=NUMBERED,
            label="numbered drill",
            reply_period=lambda params, case: Period(rules.MONTHS, 3, "SUGG-3"),
            rehandle_period=lambda params, case: Period(rules.MONTHS, 1, "SUGG-7"),
            url=lambda case: f"/drill/{case.pk}/",
            reference=lambda case: f"D-{case.pk:04d}",
        )
    )

OTHERS_SUBJECT = "张三家门口路灯不亮，电话13912345678"


def _open(congress, title, filer):
    return services.open_case(kind=NUMBERED, congress=congress, title=title,
                              recipients=[services.RecipientSpec(user=filer, is_lead=True)])


def _notices(user, verb):
    return list(Notification.objects.filter(recipient=user, action=f"{NUMBERED}.{verb}"))


def test_sugg_11_a_merged_filer_is_sent_to_their_own_case_named_by_its_number(congress, people, units):
    target = _open(congress, OTHERS_SUBJECT, people["filer"])
    source = _open(congress, "路灯坏了", people["other_filer"])
    services.merge_cases(by=people["staff"], target=target, sources=[source])
    [notice] = _notices(people["other_filer"], "merge")
    assert notice.url == f"/drill/{source.pk}/"
    assert f"D-{source.pk:04d}" in notice.title
    assert "张三" not in notice.title and "路灯不亮" not in notice.title
    # The target's own filer is not told their case took in another.
    assert _notices(people["filer"], "merge") == []


def test_sugg_11_later_notices_quote_the_merged_filers_own_subject_and_page(congress, people, units):
    target = _open(congress, OTHERS_SUBJECT, people["filer"])
    source = _open(congress, "路灯坏了", people["other_filer"])
    services.merge_cases(by=people["staff"], target=target, sources=[source])
    services.assign_case(by=people["staff"], case=target, lead=units[0], now=at("2026-03-31"))
    lead = Assignment.objects.get(case=target, role=rules.LEAD)
    services.submit_reply(by=people["clerks"][0], assignment=lead, body="已修复。", reply_class="A", letter=pdf(),
                          signed_by="局长", now=at("2026-04-10"))
    for verb in ("assign", "reply"):
        mine = _notices(people["other_filer"], verb)
        assert mine and all(n.url == f"/drill/{source.pk}/" for n in mine)
        assert all("路灯坏了" in n.title and "张三" not in n.title for n in mine)
        theirs = _notices(people["filer"], verb)
        assert theirs and all(n.url == f"/drill/{target.pk}/" for n in theirs)


def test_sugg_11_a_unit_whose_part_was_withdrawn_is_sent_to_the_case_it_was_given(congress, people, units):
    target = _open(congress, OTHERS_SUBJECT, people["filer"])
    source = _open(congress, "路灯坏了", people["other_filer"])
    services.assign_case(by=people["staff"], case=source, lead=units[2], now=at("2026-03-31"))
    services.merge_cases(by=people["staff"], target=target, sources=[source])
    [notice] = _notices(people["clerks"][2], "merge")
    assert notice.url == f"/drill/{source.pk}/"
    assert "路灯坏了" in notice.title and "张三" not in notice.title


# --- citizens' messages: the page the notice links to opens for the citizen ------------------------


@pytest.fixture
def two_messages(congress, make_user):
    from voices.tests.factories import receive

    first = make_user(Role.CITIZEN, username="first-citizen", language="en")
    second = make_user(Role.CITIZEN, username="second-citizen", language="en")
    target = receive(first, congress, subject=OTHERS_SUBJECT)
    source = receive(second, congress, subject="路灯坏了好久")
    return {"first": first, "second": second, "target": target, "source": source}


def test_sugg_11_a_citizen_follows_the_merge_notice_to_their_own_message(two_messages, people):
    from voices import services as voices

    voices.merge_messages(by=people["staff"], target=two_messages["target"], sources=[two_messages["source"]])
    [notice] = Notification.objects.filter(recipient=two_messages["second"], action="message.merge")
    assert "张三" not in notice.title and "13912345678" not in notice.title
    # Named by the citizen's own tracking number (voices.casekind.case_reference).
    assert two_messages["source"].tracking_number in notice.title
    client = Client()
    client.force_login(two_messages["second"])
    page = client.get(notice.url)
    assert page.status_code == 200
    assert "路灯坏了好久" in page.content.decode()
