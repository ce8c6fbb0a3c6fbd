"""The inbox keeps its figures right as notifications are read, its actions look like the
site's buttons, and a service may mark read the notices of a thing done."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.accounts.roles import Role
from core.notify import services
from core.notify.models import Notification

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def note(user, title, url="", action="x.y"):
    return services.notify(recipients=[user], action=action, title=title, url=url, email=False)[0]


def _oob(body: str, element_id: str) -> str:
    match = re.search(rf'<(\w+) id="{element_id}" hx-swap-oob="true">(.*?)</\1>\s*(?=<|$)', body, re.S)
    assert match, f"no out-of-band #{element_id} in the answer"
    return match.group(2)


def test_marking_read_with_htmx_also_updates_the_count_and_the_menu_badge(client_for, users):
    first = note(users[Role.DEPUTY], "first", url="/organisation/")
    note(users[Role.DEPUTY], "second")
    response = client_for(Role.DEPUTY).post(reverse("notify:notification-read", args=[first.pk]), **HTMX)

    body = response.content.decode()
    assert f'id="notification-{first.pk}"' in body and "<html" not in body
    summary = _oob(body, "inbox-summary")
    assert "1 unread notification" in summary and "2 unread" not in summary
    badge = body[body.index('id="nav-unread"') :]
    assert re.search(r'class="badge">1<', badge)


def test_reading_the_last_one_clears_the_badge_and_says_so(client_for, users):
    only = note(users[Role.DEPUTY], "only")
    body = (
        client_for(Role.DEPUTY)
        .post(reverse("notify:notification-read", args=[only.pk]), **HTMX)
        .content.decode()
    )

    assert "You have no unread notifications." in _oob(body, "inbox-summary")
    assert "Mark all as read" not in body
    assert re.search(r'<span id="nav-unread" hx-swap-oob="true"></span>', body)


def test_every_page_carries_the_badge_the_inbox_updates(client_for, users):
    note(users[Role.STAFF], "one")
    html = client_for(Role.STAFF).get(reverse("notify:inbox")).content.decode()
    assert re.search(r'<span id="nav-unread"><span class="badge">1<', html)


def test_mark_as_read_without_script_keeps_the_unread_filter(client_for, users):
    row = note(users[Role.DEPUTY], "read me")
    response = client_for(Role.DEPUTY).post(
        reverse("notify:notification-read", args=[row.pk]) + "?show=unread"
    )
    assert response["Location"] == reverse("notify:inbox") + "?show=unread"


def test_open_and_mark_as_read_are_buttons(client_for, users):
    row = note(users[Role.DEPUTY], "go", url="/organisation/")
    html = client_for(Role.DEPUTY).get(reverse("notify:inbox")).content.decode()
    item = html[html.index(f'id="notification-{row.pk}"') :]
    assert re.search(r'<button type="submit" class="button">Open</button>', item)
    assert re.search(r'<button type="submit" class="button button-secondary">Mark as read</button>', item)


# --- mark_read_for: the notices of a thing done ---------------------------------------------------


def test_mark_read_for_reads_only_that_users_notices_of_that_link_and_action(users):
    deputy, staff = users[Role.DEPUTY], users[Role.STAFF]
    asked = note(deputy, "please rate", url="/s/1/", action="suggestion.reply")
    other_action = note(deputy, "assigned", url="/s/1/", action="suggestion.assign")
    other_link = note(deputy, "please rate 2", url="/s/2/", action="suggestion.reply")
    someone_else = note(staff, "please rate", url="/s/1/", action="suggestion.reply")

    assert services.mark_read_for(user=deputy, url="/s/1/", actions=["suggestion.reply"]) == 1

    read = set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))
    assert read == {asked.pk}
    assert {other_action.pk, other_link.pk, someone_else.pk}.isdisjoint(read)


def test_mark_read_for_without_a_user_or_link_does_nothing(users):
    note(users[Role.DEPUTY], "x", url="")
    assert services.mark_read_for(user=None, url="/s/1/") == 0
    assert services.mark_read_for(user=users[Role.DEPUTY], url="") == 0
    assert not Notification.objects.filter(read_at__isnull=False).exists()
