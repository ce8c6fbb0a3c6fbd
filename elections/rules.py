"""Who is elected: the law of elections of office holders (ELEC-*), on balloting's counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from balloting.rules import RoundCount, majority_of_all


@dataclass(frozen=True)
class Outcome:
    """The result of one valid round.

    `tie_break` names the tied candidates and the seats they compete for (ELEC-14);
    `seats_unfilled` counts only the seats left for a run-off (ELEC-15).
    """

    threshold: int
    elected: tuple[str, ...]
    tie_break_candidates: tuple[str, ...]
    tie_break_seats: int
    seats_unfilled: int


def decide(for_votes: Mapping[str, int], *, seats: int, all_deputies: int) -> Outcome:
    """Apply ELEC-13 (threshold: a majority of all deputies; most votes win when more pass),
    ELEC-14 (a tie at the last seat goes to a new vote among the tied only) and ELEC-15
    (seats nobody won go to a run-off)."""
    threshold = majority_of_all(all_deputies)
    passed = sorted(
        ((name, votes) for name, votes in for_votes.items() if votes >= threshold),
        key=lambda item: -item[1],
    )
    if len(passed) <= seats:
        elected = tuple(name for name, _ in passed)
        return Outcome(threshold, elected, (), 0, seats - len(elected))

    cutoff = passed[seats - 1][1]
    above = tuple(name for name, votes in passed if votes > cutoff)
    at_cutoff = tuple(name for name, votes in passed if votes == cutoff)
    remaining = seats - len(above)
    if len(at_cutoff) <= remaining:  # cannot happen with len(passed) > seats, kept for safety
        return Outcome(threshold, above + at_cutoff, (), 0, remaining - len(at_cutoff))
    return Outcome(threshold, above, tuple(sorted(at_cutoff)), remaining, 0)


def decide_round(count: RoundCount, *, seats: int, all_deputies: int) -> Outcome:
    """A void round (ELEC-11) elects no one: the round is held again, not run off."""
    if not count.round_valid:
        return Outcome(majority_of_all(all_deputies), (), (), 0, seats)
    return decide(count.for_votes(), seats=seats, all_deputies=all_deputies)
