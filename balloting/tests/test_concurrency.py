"""Many deputies voting at once on PostgreSQL (issue 4, docs/decisions/0003): votes in one
round run side by side (the round row is only share-locked), yet none is lost or doubled,
a deputy who submits twice at the same moment is refused once, and a close that arrives
while votes are in flight waits for them and turns every later vote away.

Real threads with their own database connections, so these need PostgreSQL (SQLite runs
one writer at a time, which the rest of the suite covers).
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from balloting import services
from balloting.models import Ballot, Eligibility, Round
from balloting.rules import AGAINST, FOR
from core.audit.models import AuditEntry
from core.audit.verify import verify_chain
from core.errors import InvalidTransition
from core.tests.threads import run_in_threads

from .factories import FakeRoll, deputies_for, install_roll, session_today

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

VOTERS = 24


@pytest.fixture
def room(monkeypatch, make_user):
    from core.accounts.roles import Role

    session = session_today()
    deputies = deputies_for(session, VOTERS)
    install_roll(monkeypatch, FakeRoll(len(deputies), deputies))
    staff = make_user(Role.STAFF)
    round_ = services.create_round(
        by=staff,
        session=session,
        kind=Round.Kind.MOTION,
        title="关于并发测试的决议",
        options=[("motion", "关于并发测试的决议")],
        method=Round.Method.ELECTRONIC,
    )
    services.open_round(by=staff, round=round_)
    return staff, deputies, Round.objects.select_related("session").get(pk=round_.pk)



def vote_job(deputy, round_id, mark):
    def job():
        round_ = Round.objects.select_related("session").get(pk=round_id)
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": mark})
        return mark

    return job


def test_simultaneous_votes_are_all_kept_once_and_a_double_submission_is_refused_once(room):
    """Every deputy votes at the same moment and the first six also send a second ballot
    at that moment: each deputy has exactly one ballot, the second submission is refused
    as "already voted", and the FOR/AGAINST split is what was sent."""
    staff, deputies, round_ = room
    marks = [FOR if i % 3 else AGAINST for i in range(len(deputies))]
    jobs = [vote_job(d, round_.pk, m) for d, m in zip(deputies, marks, strict=True)]
    jobs += [vote_job(d, round_.pk, m) for d, m in zip(deputies[:6], marks[:6], strict=True)]

    outcomes = run_in_threads(jobs)  # all released at the same moment

    accepted = [o for o in outcomes if o in (FOR, AGAINST)]
    refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert len(accepted) == len(deputies)
    assert len(refused) == 6
    assert all(o.code == "already_voted" for o in refused)
    assert Ballot.objects.filter(round=round_).count() == len(deputies)
    assert Eligibility.objects.filter(round=round_, has_voted=True).count() == len(deputies)
    stored = Counter(m for b in Ballot.objects.filter(round=round_) for m in b.marks.values())
    assert stored == Counter(marks)

    services.close_round(by=staff, round=round_)
    entry = AuditEntry.objects.get(action="ballot.cast", target_id=str(round_.pk))
    assert entry.data == {"round_id": round_.pk, "count": len(deputies)}
    assert verify_chain().ok


def test_a_close_during_the_vote_loses_no_ballot_and_takes_none_after_it(room):
    """The close comes while votes are in flight: every vote is either counted (stored,
    marked, in the audit count) or refused because the round is closed; none is lost in
    between and none arrives after the close."""
    staff, deputies, round_ = room
    jobs = [vote_job(d, round_.pk, FOR) for d in deputies]
    jobs.insert(len(jobs) // 2, lambda: services.close_round(by=staff, round=round_) and "closed")

    outcomes = run_in_threads(jobs)  # all released at the same moment

    assert "closed" in outcomes
    accepted = sum(1 for o in outcomes if o == FOR)
    refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert accepted + len(refused) == len(deputies)
    assert all(o.code != "already_voted" for o in refused)
    assert Ballot.objects.filter(round=round_).count() == accepted
    assert Eligibility.objects.filter(round=round_, has_voted=True).count() == accepted
    entry = AuditEntry.objects.get(action="ballot.cast", target_id=str(round_.pk))
    assert entry.data["count"] == accepted
    count = services.count_round(by=staff, round=Round.objects.get(pk=round_.pk))
    assert count.ballots_returned == accepted
    call_command("audit_verify")  # raises CommandError when the chain is broken


def test_sec_1_b_a_votes_transaction_is_shared_by_several_ballots(room):
    """SEC-1 (a), (b): the "has voted" mark and the ballot are one transaction (nothing
    lost, nothing doubled), so on PostgreSQL they carry the same xmin; that xmin is then
    carried by MIX + 1 ballots (or all there are), never by the deputy's ballot alone."""
    _staff, deputies, round_ = room
    sql = (
        "SELECT count(*) FROM balloting_ballot b JOIN balloting_eligibility e ON b.xmin = e.xmin"
        " WHERE e.round_id = %s AND e.deputy_id = %s AND b.round_id = e.round_id"
    )
    for number, deputy in enumerate(deputies, start=1):
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})
        with connection.cursor() as cursor:
            cursor.execute(sql, [round_.pk, deputy.pk])
            [(sharing,)] = cursor.fetchall()
        assert sharing == min(services.MIX + 1, number), number
    assert Ballot.objects.filter(round=round_).count() == len(deputies)
