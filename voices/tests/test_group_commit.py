"""Single messages arriving at once are stored in groups (voices.services.intake, core.groupcommit):
each request still answers with its own committed message, and every message keeps everything
one stored alone gets (case, tracking number, audit entry, daily count, staff told).

Real threads with their own database connections: the threaded test needs PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from casework.models import Recipient
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.audit.verify import verify_chain
from core.errors import ValidationFailed
from core.notify.models import Notification
from core.tests.test_groupcommit import waiting_behind
from core.tests.threads import run_in_threads
from voices.models import Channel, Message
from voices.services import counts, intake

from . import test_pages as pages

city, people = pages.city, pages.people

pytestmark = pytest.mark.django_db(transaction=True)

CALLERS = 12


def send(by, congress, n: int, **kwargs):
    return intake.receive_message(
        by=by, congress=congress, channel=Channel.API, regime="hotline", subject=f"路灯不亮{n}",
        body=f"幸福小区{n}号楼前的路灯坏了两周，晚上很黑。", notice_version="2026-11", phone="13812345678",
        submitter=by, classify=False, **kwargs)


@pytest.fixture
def fresh_groups(monkeypatch):
    groups = intake.groupcommit.GroupCommit(limit=200)
    monkeypatch.setattr(intake, "_GROUPS", groups)
    monkeypatch.setattr(intake, "GROUP_COMMIT", True)
    return groups


def test_a_message_received_outside_a_transaction_is_committed_through_the_group(city, people, fresh_groups):
    citizen = people[Role.CITIZEN]
    message = send(citizen, city["congress"], 1)
    assert fresh_groups.stats.groups == 1 and fresh_groups.stats.items == 1
    stored = Message.objects.get(pk=message.pk)
    assert stored.tracking_number == message.tracking_number and stored.case_id == message.case_id
    assert Recipient.objects.get(case_id=message.case_id).user == citizen


def test_a_message_received_inside_a_transaction_is_stored_in_it_and_rolled_back_with_it(
        city, people, fresh_groups):
    citizen = people[Role.CITIZEN]
    with pytest.raises(RuntimeError), transaction.atomic():
        send(citizen, city["congress"], 1)
        assert Message.objects.count() == 1
        raise RuntimeError("the caller's transaction fails")
    assert not Message.objects.exists()
    assert fresh_groups.stats.groups == 0  # never handed to another thread


def run_grouped(groups, monkeypatch, key, jobs) -> dict[int, object]:
    """Run each job in its own thread; the first group to be stored waits until every other
    job has queued behind it (so they form the second group). What each returned or raised."""
    receive = intake._receive_items
    first = threading.Event()

    def held(items, **kwargs):
        if not first.is_set():
            first.set()
            waiting_behind(groups, len(jobs) - 1, key=key)
        return receive(items, **kwargs)

    monkeypatch.setattr(intake, "_receive_items", held)
    return dict(enumerate(run_in_threads(jobs, together=False)))


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers")


@pytest.mark.postgres
@needs_postgres
def test_messages_arriving_at_once_are_stored_together_and_each_caller_gets_its_own(
        city, people, fresh_groups, monkeypatch):
    congress, citizen, staff = city["congress"], people[Role.CITIZEN], people[Role.STAFF]
    key = (congress.pk, Channel.API, citizen.pk, citizen.pk, False, False)
    before = AuditEntry.objects.filter(action="voices.receive").count()
    outcomes = run_grouped(fresh_groups, monkeypatch, key, [
        (lambda n=n: send(citizen, congress, n, quiet=False)) for n in range(CALLERS)])

    assert fresh_groups.stats.groups == 2 and fresh_groups.stats.largest == CALLERS - 1
    assert all(isinstance(m, Message) for m in outcomes.values()), outcomes
    # Each caller got its own message, committed, with its own case and tracking number.
    for n, message in outcomes.items():
        stored = Message.objects.get(pk=message.pk)
        assert stored.subject == f"路灯不亮{n}" and stored.tracking_number == message.tracking_number
        assert Recipient.objects.get(case_id=stored.case_id).user == citizen
    assert len({m.tracking_number for m in outcomes.values()}) == CALLERS
    assert len({m.case_id for m in outcomes.values()}) == CALLERS
    # One audit entry per message, the chain intact; the daily counts exact.
    entries = AuditEntry.objects.filter(action="voices.receive")
    assert entries.count() == before + CALLERS
    assert {e.data["tracking_number"] for e in entries} >= {m.tracking_number for m in outcomes.values()}
    assert verify_chain().ok
    assert counts.drift(congress) == []
    # Staff are told of every message: once for the first, once for the group behind it.
    told = Notification.objects.filter(recipient=staff, action="voices.receive")
    assert told.count() == 2
    assert any(str(CALLERS - 1) in n.title for n in told)


@pytest.mark.postgres
@needs_postgres
def test_a_message_refused_in_a_group_fails_alone_and_the_others_are_stored(
        city, people, fresh_groups, monkeypatch):
    congress, citizen = city["congress"], people[Role.CITIZEN]
    key = (congress.pk, Channel.API, citizen.pk, citizen.pk, False, False)
    district = city["district"].pk
    jobs = [(lambda n=n: send(citizen, congress, n, district=district)) for n in range(4)]
    jobs.append(lambda: send(citizen, congress, 4, district=999_999))  # no such district
    jobs.append(lambda: send(citizen, congress, 5, age_band="under_14"))  # a child's phone, no guardian
    outcomes = run_grouped(fresh_groups, monkeypatch, key, jobs)

    assert fresh_groups.stats.largest == len(jobs) - 1  # the refused ones were in the group
    assert isinstance(outcomes[4], ValidationFailed) and set(outcomes[4].details) == {"district"}
    assert isinstance(outcomes[5], ValidationFailed) and "guardian_consent" in outcomes[5].details
    stored = Message.objects.order_by("subject")
    assert [m.subject for m in stored] == [f"路灯不亮{n}" for n in range(4)]
    assert all(m.district_id == district for m in stored)
    assert fresh_groups.stats.retried_alone == 0  # refusals are answers, not a failed group
    assert counts.drift(congress) == []
