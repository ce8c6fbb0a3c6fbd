"""Historical outcomes of imported work orders (voices.services.history): accepted, handled by
the unit named, answered and closed when they were, never waiting and never late."""

from __future__ import annotations

import pytest
from django.utils import timezone

from casework import rules as case_rules
from casework import selectors as case_selectors
from casework import services as casework
from casework.models import Assignment, Feedback, Reply
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.notify.models import Notification
from core.workcalendar.rules import LEGAL_ZONE
from voices import services
from voices.models import Channel, Message
from voices.tests.factories import receive
from voices.tests.test_rollup import at

pytestmark = pytest.mark.django_db


def imported(staff, congress, number="GD-1", **kwargs):
    return receive(staff, congress, channel=Channel.IMPORT, external_id=number, received_at=at(400), **kwargs)


def test_an_imported_order_with_its_outcome_is_closed_as_it_was(congress, staff, units):
    message = imported(staff, congress)
    before = Notification.objects.count()
    services.record_historical_outcome(by=staff, message=message, unit=units[0], closed_at=at(396, 16),
                                       result="已修复路灯。")
    message.refresh_from_db()
    assert (message.status, message.routed_by) == (Message.Status.ACCEPTED, staff)
    case = message.case
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.assigned_at) == (case_rules.CLOSED, at(396, 16), at(400))
    row = Assignment.objects.get(case=case)
    assert (row.unit, row.status, row.assigned_at) == (units[0], case_rules.DONE, at(400))
    # MSG-3: the due date the order had then, from the day it was received.
    assert row.due_on > at(400).date() and row.due_rule.startswith("MSG-")
    assert Reply.objects.get(case=case).body == "已修复路灯。"
    assert not Feedback.objects.filter(case=case).exists()
    assert Notification.objects.count() == before  # years-old history rings no bell
    assert AuditEntry.objects.filter(action="voices.record_outcome", target_id=str(message.pk)).exists()
    assert AuditEntry.objects.filter(action="message.record_past", target_id=str(case.pk)).exists()


def test_a_closed_imported_order_is_neither_waiting_nor_late(congress, staff, units):
    message = imported(staff, congress)
    services.record_historical_outcome(by=staff, message=message, unit=units[0], closed_at=at(390), result="已办。")
    assert casework.flag_overdue(now=timezone.now()) == 0  # TIME-6: nothing of it is late now
    [counts] = case_selectors.unit_counts(staff, kind="message")
    assert (counts.unit_id, counts.pending, counts.overdue, counts.replied, counts.replied_on_time) == (
        units[0].pk, 0, 0, 1, 1)


def test_msg_7_a_report_is_not_recorded_as_handled_by_the_unit_it_accuses(congress, staff, units):
    message = imported(staff, congress, nature="report", accused_unit=units[0])
    with pytest.raises(ValidationFailed) as refused:
        services.record_historical_outcome(by=staff, message=message, unit=units[0], closed_at=at(390),
                                           result="已办。")
    assert set(refused.value.details) == {"unit"}
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED and message.case.status == case_rules.REGISTERED


def test_an_outcome_without_result_or_with_a_closing_before_receipt_is_refused(congress, staff, units):
    message = imported(staff, congress)
    with pytest.raises(ValidationFailed) as refused:
        services.record_historical_outcome(by=staff, message=message, unit=units[0], closed_at=at(401),
                                           result=" ")
    assert set(refused.value.details) == {"closed_at", "result"}
    assert Message.objects.get(pk=message.pk).status == Message.Status.RECEIVED


def test_only_an_imported_order_waiting_for_routing_takes_a_past_outcome(congress, staff, units):
    called_in = receive(staff, congress, channel=Channel.PHONE, received_at=at(400))
    with pytest.raises(InvalidTransition):
        services.record_historical_outcome(by=staff, message=called_in, unit=units[0], closed_at=at(390),
                                           result="已办。")
    message = imported(staff, congress)
    services.record_historical_outcome(by=staff, message=message, unit=units[0], closed_at=at(390), result="已办。")
    with pytest.raises(InvalidTransition):  # once
        services.record_historical_outcome(by=staff, message=message, unit=units[1], closed_at=at(390),
                                           result="再办。")


def test_only_staff_who_import_record_a_past_outcome(congress, staff, units, clerk_of):
    message = imported(staff, congress)
    with pytest.raises(NotAllowed):
        services.record_historical_outcome(by=clerk_of(units[0]), message=message, unit=units[0],
                                           closed_at=at(390), result="已办。")
    assert Message.objects.get(pk=message.pk).status == Message.Status.RECEIVED


def test_staff_and_the_citizen_see_an_imported_order_as_closed_with_the_units_answer(congress, staff, units):
    """The message's page shows the unit, its answer and no reply to write; the public
    tracking page says it is closed and shows the answer (scrubbed)."""
    from django.test import Client
    from django.urls import reverse

    message = imported(staff, congress)
    services.record_historical_outcome(by=staff, message=message, unit=units[0], closed_at=at(396, 16),
                                       result="已修复路灯，联系人王建国。")
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("voices:message-detail", args=[message.pk])).content.decode()
    assert units[0].name in page and "已修复路灯" in page
    assert reverse("voices:message-reply", args=[Assignment.objects.get(case=message.case).pk]) not in page
    tracked = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("voices:track"), {"tracking_number": message.tracking_number}).content.decode()
    assert "已修复路灯" in tracked and "王建国" not in tracked  # SEC-6
    closed = timezone.localtime(at(396, 16), LEGAL_ZONE).strftime("%Y-%m-%d %H:%M")
    assert "Closed" in tracked and closed in tracked
