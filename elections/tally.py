"""The offline count for scrutineers and external verification (docs/tally-format.md).

Reads the round as JSON, counts it with the same rules code as the pages, and returns the
result as a JSON-ready dict.
"""

from __future__ import annotations

from typing import Any

from balloting.rules import (
    DEFAULT_AMBIGUOUS_MARK_POLICY,
    Ballot,
    BallotInputError,
    count_round,
)

from .rules import decide_round


def _int(data: dict, key: str, *, minimum: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BallotInputError(f"{key!r} must be an integer")
    if value < minimum:
        raise BallotInputError(f"{key!r} must be at least {minimum}")
    return value


def parse_round(data: Any) -> dict:
    """Check the input's shape and return keyword arguments for `tally_round`."""
    if not isinstance(data, dict):
        raise BallotInputError("the input must be a JSON object")
    numbers = {
        "all_deputies": _int(data, "all_deputies", minimum=1),
        "seats": _int(data, "seats", minimum=1),
        "ballots_issued": _int(data, "ballots_issued", minimum=0),
    }
    candidates = data.get("candidates")
    if not isinstance(candidates, list) or not all(isinstance(c, str) and c.strip() for c in candidates):
        raise BallotInputError("'candidates' must be a list of names")
    raw_ballots = data.get("ballots")
    if not isinstance(raw_ballots, list):
        raise BallotInputError("'ballots' must be a list")
    ballots = []
    for number, raw in enumerate(raw_ballots, start=1):
        if not isinstance(raw, dict):
            raise BallotInputError(f"ballot {number} must be an object")
        marks = raw.get("marks", {})
        write_ins = raw.get("write_ins", [])
        if not isinstance(marks, dict) or not all(isinstance(v, str) for v in marks.values()):
            raise BallotInputError(f"ballot {number}: 'marks' must map names to marks")
        if not isinstance(write_ins, list) or not all(isinstance(w, str) for w in write_ins):
            raise BallotInputError(f"ballot {number}: 'write_ins' must be a list of names")
        ballots.append(Ballot(marks=marks, write_ins=tuple(write_ins)))
    policy = data.get("ambiguous_mark_policy", DEFAULT_AMBIGUOUS_MARK_POLICY)
    return {
        **numbers,
        "candidates": [c.strip() for c in candidates],
        "ballots": ballots,
        "ambiguous_mark_policy": policy,
    }


def tally_round(
    *,
    all_deputies: int,
    seats: int,
    candidates: list[str],
    ballots_issued: int,
    ballots: list[Ballot],
    ambiguous_mark_policy: str = DEFAULT_AMBIGUOUS_MARK_POLICY,
) -> dict:
    count = count_round(
        ballots,
        candidates=candidates,
        seats=seats,
        ballots_issued=ballots_issued,
        ambiguous_mark_policy=ambiguous_mark_policy,
    )
    outcome = decide_round(count, seats=seats, all_deputies=all_deputies)
    return {
        "round_valid": count.round_valid,
        "reason": count.reason,
        "ballots_returned": count.ballots_returned,
        "ballots_valid": count.ballots_valid,
        "ballots_void": count.ballots_void,
        "threshold": outcome.threshold,
        "results": [
            {"name": c.name, "for": c.for_votes, "against": c.against, "abstain": c.abstain}
            for c in count.counts
        ],
        "elected": list(outcome.elected),
        "tie_break": (
            {"candidates": list(outcome.tie_break_candidates), "seats": outcome.tie_break_seats}
            if outcome.tie_break_candidates
            else None
        ),
        "seats_unfilled": outcome.seats_unfilled,
    }


def tally(data: Any) -> dict:
    """Parse and count one round; raises BallotInputError on bad input."""
    return tally_round(**parse_round(data))
