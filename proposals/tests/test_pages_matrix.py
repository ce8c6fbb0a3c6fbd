"""The permission matrix of every suggestion page: each page opened by every kind of user
on a suggestion in the state the page is for. Allowed users get the page (200); everyone
else is refused — 403 when their role may never do it, 404 when they may not even see the
suggestion (the page never says whether it exists) — and anonymous visitors are sent to
log in. POST-only actions are tried by the refused users only (nothing may change)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Reply
from core.accounts.roles import Role
from proposals import services
from proposals.models import Suggestion

from . import flows

pytestmark = pytest.mark.django_db

WHO = ("staff", "filer", "other_deputy", "lead_clerk", "other_clerk", "citizen", "public", "administrator")


@pytest.fixture
def world(city, make_user):
    draft = flows.draft(city, subject="草稿")
    invitation = services.invite_cosigner(by=city["deputies"][0].user, suggestion=draft, deputy=city["deputies"][1])
    submitted = flows.submitted(city, subject="已提交")
    registered = flows.registered(city, subject="已立案")
    assigned = flows.assigned(city, subject="已交办")
    replied = flows.replied(city, subject="已答复")
    users = {
        "staff": city["staff"], "filer": city["deputies"][0].user, "other_deputy": city["deputies"][3].user,
        "lead_clerk": city["clerks"][0], "other_clerk": city["clerks"][2], "citizen": city["citizen"],
        "public": make_user(Role.PUBLIC), "administrator": city["administrator"],
    }
    reply = Reply.objects.get(case=replied.case)
    return {
        "users": users,
        "args": {
            "draft": [draft.pk], "submitted": [submitted.pk], "registered": [registered.pk],
            "assigned": [assigned.pk], "replied": [replied.pk],
            "invitation": [invitation.pk],
            "lead_assignment": [flows.lead_assignment(assigned).pk],
            "reply": [reply.pk],
        },
    }


GET_PAGES = [
    # (URL name, object, who gets the page; every other user is refused)
    ("suggestion-detail", "assigned", {"staff", "filer", "lead_clerk"}),
    ("suggestion-detail", "draft", {"filer"}),
    ("suggestion-edit", "draft", {"filer"}),
    ("suggestion-attach", "draft", {"filer"}),
    ("cosigner-invite", "draft", {"filer"}),
    ("suggestion-withdraw", "assigned", {"filer", "staff"}),
    ("suggestion-register", "submitted", {"staff"}),
    ("suggestion-decline", "submitted", {"staff"}),
    ("suggestion-assign", "registered", {"staff"}),
    ("suggestion-merge", "registered", {"staff"}),
    ("assignment-extend", "lead_assignment", {"staff"}),
    ("assignment-reply", "lead_assignment", {"lead_clerk"}),
    ("reply-rate", "reply", {"filer", "staff"}),
    ("reply-letter", "reply", {"filer", "staff", "lead_clerk"}),
]

POST_ACTIONS = [
    ("suggestion-submit", "draft", {"filer"}),
    ("suggestion-supervise", "assigned", {"staff"}),
    ("suggestion-rehandle", "replied", {"staff"}),
    ("suggestion-close", "replied", {"staff"}),
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "obj", "allowed"), GET_PAGES, ids=lambda v: v if isinstance(v, str) else "")
def test_page_is_open_to_its_users_and_refused_to_everyone_else(world, name, obj, allowed):
    url = reverse(f"proposals:{name}", args=world["args"][obj])
    problems = []
    for who in WHO:
        status = _client(world["users"][who]).get(url).status_code
        expected = {200} if who in allowed else {403, 404}
        if status not in expected:
            problems.append(f"{who}: {status}")
    anonymous = Client().get(url)
    if anonymous.status_code != 302 or "/accounts/login/" not in anonymous.url:
        problems.append(f"anonymous: {anonymous.status_code}")
    assert not problems, f"{url}: " + "; ".join(problems)


@pytest.mark.parametrize(("name", "obj", "allowed"), POST_ACTIONS, ids=lambda v: v if isinstance(v, str) else "")
def test_action_is_refused_to_everyone_else_and_changes_nothing(world, name, obj, allowed):
    url = reverse(f"proposals:{name}", args=world["args"][obj])
    before = list(Suggestion.objects.order_by("pk").values_list("status", "case__status", "case__is_key_supervised"))
    for who in set(WHO) - allowed:
        assert _client(world["users"][who]).post(url, {"supervised": "on"}).status_code in (403, 404), who
    assert Client().post(url).status_code == 302
    after = list(Suggestion.objects.order_by("pk").values_list("status", "case__status", "case__is_key_supervised"))
    assert after == before


def test_only_the_invited_deputy_answers_an_invitation(world, city):
    url = reverse("proposals:cosignature-answer", args=world["args"]["invitation"])
    assert _client(city["deputies"][1].user).get(url).status_code == 200
    for who in WHO:
        assert _client(world["users"][who]).get(url).status_code in (403, 404), who
