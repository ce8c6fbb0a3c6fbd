"""SEC-1 (d): the audit log records that a ballot was cast in a round, never by whom or how."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.audit.models import AuditEntry
from core.audit.secrecy import (
    SECRET_BALLOT_DATA_KEYS,
    SecretBallotViolation,
    check_ballot_secrecy,
    is_secret_ballot_action,
)
from core.audit.services import record
from core.organisation.tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def test_a_cast_ballot_is_recorded_by_round_without_its_voter():
    """SEC-1 (d): "a ballot was cast in round R"."""
    entry = record(actor=None, action="ballot.cast", data={"round_id": 7})
    assert AuditEntry.objects.get(pk=entry.pk).data == {"round_id": 7}
    assert entry.actor_id is None


@pytest.mark.parametrize(
    "key",
    ["voter", "deputy", "deputy_id", "user", "user_id", "ip", "device", "marks", "choice", "candidate_id"],
)
def test_a_ballot_entry_with_voter_or_content_data_is_refused(key):
    """SEC-1 (c), (d): no voter, address, device or content next to a ballot."""
    with pytest.raises(SecretBallotViolation):
        record(actor=None, action="ballot.cast", data={"round_id": 7, key: 1})
    assert AuditEntry.objects.count() == 0


def test_a_cast_ballot_recorded_with_the_voter_as_actor_is_refused(users):
    with pytest.raises(SecretBallotViolation):
        record(actor=users["deputy"], action="ballot.cast", data={"round_id": 7})
    assert AuditEntry.objects.count() == 0


def test_staff_may_record_issuing_ballots_by_count(users):
    entry = record(actor=users["staff"], action="ballot.issue", data={"round_id": 7, "issued": 312})
    assert entry.actor_id == users["staff"].pk


@pytest.mark.parametrize(
    "action", ["ballot.enter", "election.ballot_enter", "commitments.project_vote_cast", "vote.close"]
)
def test_ballot_actions_carry_no_before_or_after(action):
    with pytest.raises(SecretBallotViolation):
        record(actor=None, action=action, before={"marks": [1, 0, 1]}, after=None)
    with pytest.raises(SecretBallotViolation):
        record(actor=None, action=action, after={"count": 1})


def test_ballot_data_must_be_plain_numbers_or_short_text():
    with pytest.raises(SecretBallotViolation):
        record(actor=None, action="ballot.enter", data={"count": {"candidate_3": 1}})
    with pytest.raises(SecretBallotViolation):
        record(actor=None, action="ballot.enter", data={"stage": "x" * 101})


def test_a_ballot_entry_may_not_point_at_a_person(users):
    with pytest.raises(SecretBallotViolation):
        record(actor=None, action="ballot.issue", target=users["deputy"], data={"round_id": 1})
    with pytest.raises(SecretBallotViolation):
        record(actor=None, action="ballot.issue", target=DeputyFactory(), data={"round_id": 1})


def test_ordinary_actions_are_not_restricted(users):
    entry = record(
        actor=users["staff"], action="user.set_language", target=users["deputy"], data={"voter": "n/a"}
    )
    assert entry.pk


@pytest.mark.parametrize(
    "action,secret",
    [
        ("ballot.cast", True),
        ("election.ballot_enter", True),
        ("plenary.vote_open", True),
        ("suggestion.register", False),
        ("deputy.voter_roll_update", False),
    ],
)
def test_which_actions_are_secret_ballot_actions(action, secret):
    assert is_secret_ballot_action(action) is secret


@settings(max_examples=60, deadline=None)
@given(key=st.text(min_size=1, max_size=20).filter(lambda k: k not in SECRET_BALLOT_DATA_KEYS))
def test_any_key_outside_the_allow_list_is_refused(key):
    with pytest.raises(SecretBallotViolation):
        check_ballot_secrecy(
            action="ballot.cast", actor=None, target=None, before=None, after=None, data={key: 1}
        )
