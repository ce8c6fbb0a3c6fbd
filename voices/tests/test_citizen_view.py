"""What a signed-in citizen sees of their own messages: "my messages", their copy of their
data, their home page and the notices in their inbox, each saying where the message stands
as its tracking page does."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from casework import rules as case_rules
from casework.models import Case
from core.notify.models import Notification
from voices import services
from voices.rules import display_tracking_number
from voices.tests.factories import receive

pytestmark = pytest.mark.django_db

SUBJECT = "小区门口路灯坏了"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status_shown(page: str, message) -> str:
    """The status written on the row of `message` in a list of the citizen's messages."""
    row = page[page.index(display_tracking_number(message.tracking_number)):]
    return re.search(r'class="case-status[^"]*">([^<]+)<', row).group(1)


@pytest.fixture
def closed(congress, staff, citizen, units, category, clerk_of, reply_as):
    """The citizen's message, routed, answered by the unit and closed after a satisfied call-back."""
    message = receive(citizen, congress, subject=SUBJECT)
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    reply_as(clerk_of(units[0]), message)
    services.record_callback(by=staff, message=message, outcome="satisfied", comment="满意")
    assert Case.objects.get(pk=message.case_id).status == case_rules.CLOSED
    return message


def test_my_messages_says_closed_as_the_tracking_page_does(closed, citizen):
    client = signed_in(citizen)
    tracked = client.get(reverse("voices:track"), {"tracking_number": closed.tracking_number}).content.decode()
    assert re.search(r'id="track-status">Closed<', tracked)
    page = client.get(reverse("voices:my-messages")).content.decode()
    assert status_shown(page, closed) == "Closed"
    assert "Accepted and routed" not in page


def test_my_messages_says_being_handled_and_replied_as_the_message_moves_on(
        congress, staff, citizen, units, category, clerk_of, reply_as):
    message = receive(citizen, congress, subject=SUBJECT)
    client = signed_in(citizen)
    assert status_shown(client.get(reverse("voices:my-messages")).content.decode(), message) == "Received"
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    assert status_shown(client.get(reverse("voices:my-messages")).content.decode(), message) == "Being handled"
    reply_as(clerk_of(units[0]), message)
    assert status_shown(client.get(reverse("voices:my-messages")).content.decode(), message) == "Replied"


def test_my_data_export_gives_the_state_the_citizen_is_shown(closed, citizen):
    data = json.loads(signed_in(citizen).get(reverse("voices:my-export-json")).content)
    assert [m["status"] for m in data["messages"]] == ["Closed"]


# --- the citizen's home page --------------------------------------------------------------------


def test_the_home_lists_the_citizens_own_messages_with_where_each_stands(closed, congress, citizen, make_user):
    newer = receive(citizen, congress, subject="楼道灯不亮")
    receive(make_user(username="someone-else"), congress, subject="别人的留言")
    page = signed_in(citizen).get("/").content.decode()
    assert "once that part of Datong is available" not in page
    assert "You have not sent any messages" not in page
    assert "2 messages" in page
    assert status_shown(page, closed) == "Closed" and status_shown(page, newer) == "Received"
    assert page.index(display_tracking_number(newer.tracking_number)) < page.index(
        display_tracking_number(closed.tracking_number))  # newest first
    for message in (closed, newer):
        assert f'href="{reverse("voices:message-detail", args=[message.pk])}"' in page
    assert "别人的留言" not in page
    assert f'href="{reverse("voices:my-messages")}"' in page
    assert f'href="{reverse("voices:message-create")}"' in page


def test_the_home_lists_only_the_newest_few_and_links_to_all(congress, citizen):
    sent = [receive(citizen, congress, subject=f"留言{n}") for n in range(5)]
    page = signed_in(citizen).get("/").content.decode()
    assert "5 messages" in page
    assert display_tracking_number(sent[-1].tracking_number) in page
    assert display_tracking_number(sent[0].tracking_number) not in page
    assert f'href="{reverse("voices:my-messages")}"' in page


def test_a_citizen_without_messages_is_offered_to_write_one(congress, citizen):
    page = signed_in(citizen).get("/").content.decode()
    assert "You have not sent any messages yet." in page
    assert "once that part of Datong is available" not in page
    assert f'href="{reverse("voices:message-create")}"' in page


# --- the notices in the citizen's inbox ----------------------------------------------------------


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True))


def test_the_citizen_is_told_of_the_call_back_not_asked_to_rate(congress, staff, citizen, units, category,
                                                                clerk_of, reply_as):
    """MSG-4: staff collect the citizen's satisfaction by a call-back; the citizen has nowhere to rate."""
    message = receive(citizen, congress, subject=SUBJECT)
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    reply_as(clerk_of(units[0]), message)
    told = titles(citizen)
    assert not [t for t in told if "rate" in t.lower()]
    assert (f"The reply to “{SUBJECT}” is in: staff will call you back to ask whether you are satisfied "
            f"with it") in told
    inbox = signed_in(citizen).get(reverse("notify:inbox")).content.decode()
    assert "Please rate" not in inbox and "call you back" in inbox


@pytest.mark.parametrize(("language", "routed", "replied"), [
    ("en", "was assigned to", "replied to"),
    ("zh-hans", "已交", "已答复"),
])
def test_the_citizens_notices_are_in_the_citizens_language(congress, staff, citizen, units, category, clerk_of,
                                                           reply_as, language, routed, replied):
    """Each notice is written in the recipient's language, whatever the acting staff member's or
    the unit clerk's; the subject and the unit's name stay as written."""
    citizen.language = language
    citizen.save(update_fields=["language"])
    staff.language = "zh-hans" if language == "en" else "en"
    staff.save(update_fields=["language"])
    message = receive(citizen, congress, subject=SUBJECT)
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    reply_as(clerk_of(units[0]), message)
    told = titles(citizen)
    assert any(routed in t and SUBJECT in t and units[0].name in t for t in told), told
    assert any(replied in t and SUBJECT in t and units[0].name in t for t in told), told
    assert not [t for t in told if "评价" in t or "rate" in t.lower()]
