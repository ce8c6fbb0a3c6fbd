"""Notifications reach the inbox in the caller's transaction; e-mail and SMS leave only after
it commits, and never for a change that rolled back."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from core.accounts.roles import Role
from core.errors import NotAllowed, NotFound
from core.notify import services
from core.notify.models import Notification
from core.notify.selectors import inbox, unread_count
from core.notify.tasks import deliver_notification

pytestmark = pytest.mark.django_db


def test_notify_writes_one_inbox_row_per_recipient(users):
    deputy, staff = users["deputy"], users["staff"]
    rows = services.notify(
        recipients=[deputy, staff, deputy],
        action="suggestion.register",
        title="Suggestion %(number)s registered",
        params={"number": "2026-001"},
        url="/suggestions/1/",
    )
    assert len(rows) == 2
    assert Notification.objects.filter(recipient=deputy).get().title == "Suggestion 2026-001 registered"
    assert Notification.objects.get(recipient=staff).url == "/suggestions/1/"


def test_inactive_accounts_get_nothing(make_user):
    gone = make_user(Role.DEPUTY, is_active=False)
    assert services.notify(recipients=[gone], action="x.y", title="T") == []


def test_email_leaves_only_after_commit(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(
            recipients=[users["deputy"]], action="suggestion.register", title="Registered", body="Details"
        )
    assert mail.outbox == []
    assert Notification.objects.count() == 1
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Registered"
    assert mail.outbox[0].to == [users["deputy"].email]
    assert "Details" in mail.outbox[0].body


def test_nothing_is_sent_or_kept_when_the_change_rolls_back(users, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[users["deputy"]], action="suggestion.register", title="Registered")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.count() == 0


def test_email_can_be_left_out(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[users["deputy"]], action="x.y", title="Inbox only", email=False)
    assert mail.outbox == []
    assert Notification.objects.get().title == "Inbox only"


def test_a_recipient_without_an_address_gets_the_inbox_row_only(
    make_user, django_capture_on_commit_callbacks
):
    user = make_user(Role.CITIZEN, email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(recipients=[user], action="x.y", title="Hello")
    assert callbacks == [] and mail.outbox == []
    assert unread_count(user) == 1


def test_sms_is_off_by_default(make_user, sms_outbox, django_capture_on_commit_callbacks):
    user = make_user(Role.DEPUTY, phone="13800000001")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[user], action="x.y", title="Meeting moved")
    assert sms_outbox == []
    assert len(mail.outbox) == 1


def test_sms_goes_out_through_the_configured_backend(
    make_user, sms_on, sms_outbox, django_capture_on_commit_callbacks
):
    user = make_user(Role.DEPUTY, phone="13800000001", email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[user], action="x.y", title="Meeting moved", body="Personal details stay out of SMS"
        )
    assert sms_outbox == [("13800000001", "Meeting moved")]


def test_delivery_run_twice_sends_once(users, sms_on, sms_outbox, make_user):
    user = make_user(Role.DEPUTY, phone="13800000002")
    with mock.patch("core.notify.services.transaction.on_commit"):
        (row,) = services.notify(recipients=[user], action="x.y", title="Once")
    deliver_notification.enqueue(notification_id=row.pk)
    deliver_notification.enqueue(notification_id=row.pk)
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1
    row.refresh_from_db()
    assert row.emailed_at is not None and row.sms_sent_at is not None


def test_a_failed_email_is_sent_on_the_retry(users):
    with mock.patch("core.notify.services.transaction.on_commit"):
        (row,) = services.notify(recipients=[users["deputy"]], action="x.y", title="Retry me")
    with (
        mock.patch("core.notify.services.send_mail", side_effect=OSError("mail server down")),
        pytest.raises(OSError),
    ):
        services.deliver_notification(notification_id=row.pk)
    row.refresh_from_db()
    assert row.emailed_at is None
    assert services.deliver_notification(notification_id=row.pk)["email"] is True
    assert len(mail.outbox) == 1


def test_a_relative_link_becomes_absolute_in_the_email(users, settings):
    settings.DATONG_SITE_URL = "https://rd.example.org/"
    with mock.patch("core.notify.services.transaction.on_commit"):
        (row,) = services.notify(recipients=[users["deputy"]], action="x.y", title="Open me", url="/inbox/")
    services.deliver_notification(notification_id=row.pk)
    assert "https://rd.example.org/inbox/" in mail.outbox[0].body


def test_inbox_lists_unread_first_and_only_ones_own(users):
    deputy = users["deputy"]
    older, newer = (
        services.notify(recipients=[deputy], action="x.y", title=t, email=False)[0]
        for t in ("older", "newer")
    )
    services.notify(recipients=[users["staff"]], action="x.y", title="someone else's", email=False)
    services.mark_read(by=deputy, notification_id=newer.pk)
    assert [n.title for n in inbox(user=deputy)] == ["older", "newer"]
    assert [n.title for n in inbox(user=deputy, unread_only=True)] == ["older"]
    assert unread_count(deputy) == 1


def test_nobody_marks_someone_elses_notification(users):
    (row,) = services.notify(recipients=[users["staff"]], action="x.y", title="mine", email=False)
    with pytest.raises(NotFound):
        services.mark_read(by=users["deputy"], notification_id=row.pk)
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read(users):
    deputy = users["deputy"]
    services.notify(recipients=[deputy], action="x.y", title="a", email=False)
    services.notify(recipients=[deputy], action="x.y", title="b", email=False)
    assert services.mark_all_read(by=deputy) == 2
    assert unread_count(deputy) == 0


def test_signed_out_visitors_have_no_inbox():
    from django.contrib.auth.models import AnonymousUser

    assert unread_count(AnonymousUser()) == 0
    with pytest.raises(NotAllowed):
        services.mark_all_read(by=AnonymousUser())
