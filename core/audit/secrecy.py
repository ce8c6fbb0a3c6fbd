"""SEC-1 (d): the audit log records "a ballot was cast in round R", never by whom with what.

`record()` calls `check_ballot_secrecy()` before it writes anything. An action is a
*secret-ballot action* when any word of its code (split on "." and "_") is one of
`SECRET_BALLOT_WORDS`: `ballot.cast`, `vote.close`, `election.ballot_enter`,
`commitments.project_vote_open`. For those actions:

- `data` may carry only the keys in `SECRET_BALLOT_DATA_KEYS` (counts and ids of the round,
  the election, the session...), each a number, a short text or nothing;
  never marks, choices, candidates, voters, deputies, users, addresses or devices;
- `before` and `after` must be empty (a ballot's before/after is its content);
- the target must not be a person (a user or a deputy) or a ballot;
- casting actions (a word in `CASTING_WORDS`: `ballot.cast`, `vote.submit`) are recorded
  without a person as actor (`actor=None` or a label such as "ballot box"): who voted is the
  eligibility record's business (SEC-1 (a)), never the audit log's.

Anything else raises `SecretBallotViolation`, a programming error: nothing is written and the
caller's transaction rolls back.
"""

from __future__ import annotations

import re
from typing import Any

SECRET_BALLOT_WORDS = frozenset({"ballot", "ballots", "balloting", "vote", "votes", "voting"})
CASTING_WORDS = frozenset({"cast", "submit", "mark"})

#: Counts and ids only. Extend this list only with keys that cannot identify a voter or a choice.
SECRET_BALLOT_DATA_KEYS = frozenset(
    {
        "round_id",
        "round_number",
        "election_id",
        "session_id",
        "motion_id",
        "project_id",
        "office_id",
        "batch_id",
        "count",
        "issued",
        "returned",
        "entered",
        "valid",
        "invalid",
        "blank",
        "seats",
        "stage",
        "method",
    }
)
_MAX_TEXT = 100

#: Model names that hold a person or a ballot's content.
_FORBIDDEN_TARGET_MODELS = frozenset({"organisation.deputy"})


class SecretBallotViolation(ValueError):
    """An audit entry would link a ballot to a voter or record its content (SEC-1)."""


def is_secret_ballot_action(action: str) -> bool:
    return bool(_words(action) & SECRET_BALLOT_WORDS)


def is_casting_action(action: str) -> bool:
    words = _words(action)
    return bool(words & SECRET_BALLOT_WORDS) and bool(words & CASTING_WORDS)


def check_ballot_secrecy(*, action: str, actor: Any, target: Any, before: Any, after: Any, data: Any) -> None:
    """Raise SecretBallotViolation if this entry could reveal how anyone voted (SEC-1 (d))."""
    if not is_secret_ballot_action(action):
        return
    if before is not None or after is not None:
        raise SecretBallotViolation(f"{action}: a secret-ballot entry carries no before/after")
    for key, value in (data or {}).items():
        if key not in SECRET_BALLOT_DATA_KEYS:
            raise SecretBallotViolation(
                f"{action}: data key {key!r} is not allowed for a secret-ballot action "
                f"(allowed: {', '.join(sorted(SECRET_BALLOT_DATA_KEYS))})"
            )
        if not _is_plain_scalar(value):
            raise SecretBallotViolation(f"{action}: data {key!r} must be a number or a short text")
    if target is not None and _is_person_or_ballot(target):
        raise SecretBallotViolation(f"{action}: the target may not be a person or a ballot")
    if is_casting_action(action) and _is_person(actor):
        raise SecretBallotViolation(f"{action}: a cast ballot is recorded without its voter (actor=None)")


def _words(action: str) -> set[str]:
    return {word for word in re.split(r"[._\-]", action.lower()) if word}


def _is_plain_scalar(value: Any) -> bool:
    if value is None or isinstance(value, bool | int):
        return True
    return isinstance(value, str) and len(value) <= _MAX_TEXT


def _is_person(actor: Any) -> bool:
    return actor is not None and not isinstance(actor, str) and getattr(actor, "is_authenticated", False)


def _is_person_or_ballot(target: Any) -> bool:
    from django.contrib.auth import get_user_model

    meta = getattr(target, "_meta", None)
    if meta is None:
        return False
    if isinstance(target, get_user_model()) or meta.label_lower in _FORBIDDEN_TARGET_MODELS:
        return True
    return meta.model_name.endswith("ballot")
