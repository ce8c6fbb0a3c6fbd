"""MSG-6(a), end to end: a letter to the congress (信访) must be decided, accepted or not,
within `xf_ack_days` (15) calendar days of receipt (TIME-1..3). Its page shows the date, red
once past (TIME-6); the staff list's overdue filter finds it; the periodic job flags it once
and tells staff; the citizen's tracking page says by when they will be told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.jobs import periodic
from core.notify.models import Notification
from core.organisation.rules import effective_parameters
from core.workcalendar import selectors as work_calendar
from voices import rules
from voices.models import Message
from voices.services.acceptance import flag_overdue_acceptances

from . import test_pages as pages
from .test_pages import route, shown, text

city, people, as_, make_message = pages.city, pages.people, pages.as_, pages.make_message

pytestmark = pytest.mark.django_db


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def due_of(message) -> str:
    """The acceptance due date as the pages write it, worked out by the rule itself."""
    params = effective_parameters(message.congress)
    received_on = timezone.localtime(message.received_at).date()
    return rules.acceptance_due(received_on, params, work_calendar.current_calendar()).isoformat()


# --- the message's page ----------------------------------------------------------------------------


def test_msg_6_a_the_page_of_a_petition_awaiting_acceptance_shows_its_due_date(make_message, as_):
    message = make_message(regime="petition", received_at=days_ago(3))
    page = text(as_(Role.STAFF).get(reverse("voices:message-detail", args=[message.pk])))
    assert "Acceptance due" in page and due_of(message) in page
    assert 'id="acceptance-due">' in page  # not marked late


def test_msg_6_a_a_petition_past_its_acceptance_deadline_is_shown_late(make_message, as_):
    """The tester's case: received 34 days ago and still only received."""
    message = make_message(regime="petition", received_at=days_ago(34))
    page = text(as_(Role.STAFF).get(reverse("voices:message-detail", args=[message.pk])))
    assert 'id="acceptance-due" class="case-flag-overdue"' in page and due_of(message) in page
    assert "Overdue" in page


def test_msg_6_a_no_acceptance_date_once_decided_or_for_a_12345_order(make_message, people, city, as_):
    routed = make_message(regime="petition", received_at=days_ago(34))
    route(routed, people, city)
    hotline = make_message(regime="hotline", received_at=days_ago(34))
    staff = as_(Role.STAFF)
    for message in (routed, hotline):
        assert "Acceptance due" not in text(staff.get(reverse("voices:message-detail", args=[message.pk])))


# --- the staff list ------------------------------------------------------------------------------


def test_msg_6_a_the_staff_lists_overdue_filter_finds_the_petition(make_message, as_):
    """/voices/all/?regime=petition&overdue=yes: the tester's filter."""
    late = make_message(regime="petition", subject="逾期未受理的信访", received_at=days_ago(34))
    waiting = make_message(regime="petition", subject="期限内的信访", received_at=days_ago(2))
    page = text(as_(Role.STAFF).get(reverse("voices:message-list"), {"regime": "petition", "overdue": "yes"}))
    assert shown(late) in page and shown(waiting) not in page
    page = text(as_(Role.STAFF).get(reverse("voices:message-list"), {"regime": "petition", "overdue": "no"}))
    assert shown(waiting) in page and shown(late) not in page


# --- the periodic job ----------------------------------------------------------------------------


def test_msg_6_a_the_job_flags_an_overdue_petition_once_and_tells_staff(make_message, people):
    late = make_message(regime="petition", received_at=days_ago(34))
    make_message(regime="petition", received_at=days_ago(2))
    make_message(regime="hotline", received_at=days_ago(34))
    assert flag_overdue_acceptances() == 1
    late.refresh_from_db()
    assert late.acceptance_overdue_flagged_at is not None
    entry = AuditEntry.objects.get(action="voices.acceptance_overdue")
    assert entry.target_id == str(late.pk) and entry.data["due_on"] == due_of(late)
    told = Notification.objects.filter(recipient=people[Role.STAFF], action="voices.acceptance_overdue")
    assert told.count() == 1
    assert told.get().title == "Letters to the congress past the deadline to decide whether they are accepted: 1"
    assert told.get().url.endswith("?regime=petition&overdue=yes")
    assert not Notification.objects.filter(recipient=people[Role.UNIT_CLERK],
                                           action="voices.acceptance_overdue").exists()
    # Run again (or by a second runner): nothing new, nobody told twice.
    assert flag_overdue_acceptances() == 0
    assert told.count() == 1 and AuditEntry.objects.filter(action="voices.acceptance_overdue").count() == 1


def test_msg_6_a_the_job_leaves_a_decided_petition_alone(make_message, people, city):
    message = make_message(regime="petition", received_at=days_ago(34))
    route(message, people, city)
    assert flag_overdue_acceptances() == 0
    assert Message.objects.get(pk=message.pk).acceptance_overdue_flagged_at is None


def test_msg_6_a_the_job_is_registered_to_run_every_ten_minutes():
    jobs = {job.name: job for job in periodic.registered_jobs()}
    job = jobs["voices.flag_overdue_acceptances"]
    assert job.resolve() is flag_overdue_acceptances and job.every == timedelta(minutes=10)


# --- the citizen's tracking page ----------------------------------------------------------------


def test_msg_6_a_the_tracking_page_says_by_when_the_citizen_is_told(make_message, people, city, as_):
    message = make_message(regime="petition", received_at=days_ago(2))
    track = reverse("voices:track")
    page = text(as_(None).get(track, {"tracking_number": message.tracking_number}))
    assert "You will be told whether it is accepted by" in page and due_of(message) in page
    route(message, people, city)
    page = text(as_(None).get(track, {"tracking_number": message.tracking_number}))
    assert "You will be told whether it is accepted by" not in page
