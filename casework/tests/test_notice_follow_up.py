"""What the notices of the handling lead to: the staff's overdue digest opens the late-replies
page, a request to rate leaves the inbox once the filer has rated (SUGG-7), and a unit is told
when the due date it is given is only provisional (TIME-4)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casework import kinds, rules, services
from casework.models import Assignment
from casework.rules import Period
from core.notify.models import Notification

from .conftest import at, pdf
from .factories import DRILL

pytestmark = pytest.mark.django_db

#: A kind with pages, as the domains' kinds have: its notices link to the case.
LINKED = "drill_linked"

if LINKED not in kinds.names():
    kinds.register(
        kinds.CaseKind(
            name=LINKED,
            prefix=LINKED,
            label="linked drill",
            reply_period=lambda params, case: Period(rules.MONTHS, 3, "SUGG-3"),
            rehandle_period=lambda params, case: Period(rules.MONTHS, 1, "SUGG-7"),
            url=lambda case: f"/drill/{case.pk}/",
        )
    )

RATE_REQUEST = "Please rate the reply to “%(title)s”"


def _open(congress, title, *filers):
    return services.open_case(
        kind=LINKED,
        congress=congress,
        title=title,
        recipients=[services.RecipientSpec(user=f, is_lead=True) for f in filers],
    )


def _replied(case, people, units, *, unit=0):
    services.assign_case(by=people["staff"], case=case, lead=units[unit], now=at("2026-03-31"))
    assignment = Assignment.objects.get(case=case, role=rules.LEAD)
    return services.submit_reply(
        by=people["clerks"][unit],
        assignment=assignment,
        body="已办理",
        reply_class="A",
        letter=pdf(),
        signed_by="局长",
        now=at("2026-04-10"),
    )


def _rate_requests(user, case):
    return Notification.objects.filter(
        recipient=user,
        action=f"{LINKED}.reply",
        url=f"/drill/{case.pk}/",
        title=RATE_REQUEST % {"title": case.title},
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the staff's overdue digest -------------------------------------------------------------------


def test_time_6_the_staff_overdue_digest_opens_the_late_replies_page(open_case, people, units):
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], now=at("2026-03-31"))
    assert services.flag_overdue(now=at("2026-07-01", "00:00")) == 1

    digest = Notification.objects.get(recipient=people["staff"], action=f"{DRILL}.overdue")
    assert digest.url == f"{reverse('casework:late-by-unit')}?kind={DRILL}"
    staff = signed_in(people["staff"])
    inbox = staff.get(reverse("notify:inbox")).content.decode()
    assert reverse("notify:notification-open", args=[digest.pk]) in inbox  # an "Open" button
    opened = staff.post(reverse("notify:notification-open", args=[digest.pk]))
    assert opened["Location"] == digest.url
    assert staff.get(opened["Location"]).status_code == 200


# --- SUGG-7: the request to rate -------------------------------------------------------------------


def test_sugg_7_rating_the_reply_marks_the_request_to_rate_read(congress, people, units):
    case = _open(congress, "路灯不亮", people["filer"])
    reply = _replied(case, people, units)
    request = _rate_requests(people["filer"], case).get()
    assert request.read_at is None

    services.rate_reply(by=people["filer"], reply=reply, satisfaction="satisfied", now=at("2026-04-12"))

    request.refresh_from_db()
    assert request.read_at is not None
    inbox = signed_in(people["filer"]).get(reverse("notify:inbox") + "?show=unread").content.decode()
    assert "Please rate the reply" not in inbox


def test_sugg_7_only_the_filer_who_rated_has_their_request_read(congress, people, units):
    case = _open(congress, "路灯不亮", people["filer"], people["other_filer"])
    reply = _replied(case, people, units)

    services.rate_reply(by=people["filer"], reply=reply, satisfaction="satisfied", now=at("2026-04-12"))

    assert _rate_requests(people["filer"], case).get().read_at is not None
    assert _rate_requests(people["other_filer"], case).get().read_at is None


def test_sugg_7_the_filers_other_notices_stay_unread(congress, people, units):
    case = _open(congress, "路灯不亮", people["filer"])
    other = _open(congress, "井盖缺失", people["filer"])
    reply = _replied(case, people, units)
    _replied(other, people, units, unit=1)

    services.rate_reply(by=people["filer"], reply=reply, satisfaction="satisfied", now=at("2026-04-12"))

    assert _rate_requests(people["filer"], other).get().read_at is None
    assigned = Notification.objects.get(
        recipient=people["filer"], action=f"{LINKED}.assign", url=f"/drill/{case.pk}/"
    )
    assert assigned.read_at is None


# --- TIME-4: a provisional due date is said to be one ------------------------------------------------


def test_time_4_the_unit_is_told_its_due_date_is_provisional(open_case, people, units):
    """Assigned 2026-12-01 with three months to reply: 2027-03-01, in a year whose official
    schedule is not entered, so the date is provisional and the notice says so."""
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], now=at("2026-12-01"))
    assignment = Assignment.objects.get(case=case)
    assert assignment.due_provisional is True
    [title] = Notification.objects.filter(
        recipient=people["clerks"][0], action=f"{DRILL}.assign"
    ).values_list("title", flat=True)
    assert title.startswith(f"New case for your unit: “{case.title}”, reply due 2027-03-01 (provisional")


def test_time_4_a_final_due_date_is_not_called_provisional(open_case, people, units):
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], now=at("2026-03-31"))
    [title] = Notification.objects.filter(
        recipient=people["clerks"][0], action=f"{DRILL}.assign"
    ).values_list("title", flat=True)
    assert title == f"New case for your unit: “{case.title}”, reply due 2026-06-30"
