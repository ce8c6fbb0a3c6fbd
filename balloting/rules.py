"""What every secret vote shares: reading a ballot and counting a round.

Pure functions, no ORM and no I/O. The law that differs between votes (who is elected,
which project is chosen) lives in each domain's own rules.py and calls these counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

FOR = "for"
AGAINST = "against"
ABSTAIN = "abstain"
UNCLEAR = "unclear"
MARKS = frozenset({FOR, AGAINST, ABSTAIN, UNCLEAR})

# ELEC-12 UNSURE: how an illegible mark on one candidate is treated is a session rule.
ABSTAIN_FOR_THAT_CANDIDATE = "abstain_for_that_candidate"
VOID_BALLOT = "void_ballot"
AMBIGUOUS_MARK_POLICIES = (ABSTAIN_FOR_THAT_CANDIDATE, VOID_BALLOT)
DEFAULT_AMBIGUOUS_MARK_POLICY = ABSTAIN_FOR_THAT_CANDIDATE


class BallotInputError(ValueError):
    """The ballots or the round description cannot be read (bad names, marks or numbers)."""


def majority_of_all(all_deputies: int) -> int:
    """SESS-4 / ELEC-13: more than half of ALL deputies, in integers (TIME-7: 过半数 is > 1/2)."""
    if all_deputies < 1:
        raise BallotInputError("all_deputies must be at least 1")
    return all_deputies // 2 + 1


def at_least_fraction(count: int, total: int, numerator: int, denominator: int) -> bool:
    """TIME-7: "N分之M以上" includes the bound: count/total >= M/N, without floats."""
    return count * denominator >= numerator * total


def issued_within_present(ballots_issued: int, present: int) -> bool:
    """ELEC-11: ballots are issued to the voters in the room, one each, so the ballots issued
    are never more than the deputies checked in (500 deputies, 480 present: at most 480)."""
    return 0 <= ballots_issued <= present


def issued_may_be_recorded(*, status: str, ballots_issued: int, sheets_entered: int) -> bool:
    """ELEC-11: the ballots issued decide validity (returned ≤ issued), so they are fixed
    once the ballots have come back. They may be recorded and corrected while the vote is
    prepared ("draft") or open; after the close ("closed") only recorded, if they were not,
    and only before the first returned sheet is read; never once the round is counted."""
    if status in ("draft", "open"):
        return True
    return status == "closed" and ballots_issued == 0 and sheets_entered == 0


def round_is_valid(*, ballots_issued: int, ballots_returned: int) -> bool:
    """ELEC-11: a round is valid when the ballots returned are equal to or fewer than those
    issued; more returned than issued voids the round (turnout does not matter)."""
    return ballots_returned <= ballots_issued


@dataclass(frozen=True)
class Ballot:
    """One ballot's contents: a mark per listed candidate (absent = blank) and write-ins."""

    marks: Mapping[str, str] = field(default_factory=dict)
    write_ins: Sequence[str] = ()


@dataclass(frozen=True)
class ReadBallot:
    """A ballot as counted: the effective mark per candidate, or void."""

    is_valid: bool
    marks: Mapping[str, str]
    write_ins: tuple[str, ...]
    void_reason: str | None = None


def read_ballot(
    ballot: Ballot,
    *,
    candidates: Sequence[str],
    seats: int,
    ambiguous_mark_policy: str = DEFAULT_AMBIGUOUS_MARK_POLICY,
) -> ReadBallot:
    """Apply ELEC-12 to one ballot.

    A blank mark is an abstention (practice); an unclear mark follows the session's
    `ambiguous_mark_policy`; a ballot choosing more persons (FOR marks plus write-ins) than
    there are seats is void. AGAINST and ABSTAIN are not choices.
    """
    if ambiguous_mark_policy not in AMBIGUOUS_MARK_POLICIES:
        raise BallotInputError(f"unknown ambiguous_mark_policy {ambiguous_mark_policy!r}")
    listed = set(candidates)
    for name, mark in ballot.marks.items():
        if name not in listed:
            raise BallotInputError(f"mark for {name!r}, who is not on the candidate list")
        if mark not in MARKS:
            raise BallotInputError(f"unknown mark {mark!r} for {name!r}")

    marks: dict[str, str] = {}
    for name in candidates:
        mark = ballot.marks.get(name, ABSTAIN)
        if mark == UNCLEAR:
            if ambiguous_mark_policy == VOID_BALLOT:
                return ReadBallot(False, {}, (), "unclear_mark")
            mark = ABSTAIN
        marks[name] = mark

    write_ins: list[str] = []
    for raw in ballot.write_ins:
        name = str(raw).strip()
        if not name or name in write_ins:
            continue
        if name in listed:
            # Writing in a listed candidate is a vote for that candidate, counted once.
            marks[name] = FOR
            continue
        write_ins.append(name)

    chosen = sum(1 for mark in marks.values() if mark == FOR) + len(write_ins)
    if chosen > seats:
        return ReadBallot(False, {}, (), "too_many_chosen")
    return ReadBallot(True, marks, tuple(write_ins))


@dataclass(frozen=True)
class Count:
    name: str
    for_votes: int = 0
    against: int = 0
    abstain: int = 0
    is_write_in: bool = False


@dataclass(frozen=True)
class RoundCount:
    """The counted round: validity (ELEC-11), ballots valid and void, votes per person."""

    round_valid: bool
    reason: str | None
    ballots_issued: int
    ballots_returned: int
    ballots_valid: int
    ballots_void: int
    counts: tuple[Count, ...]

    def for_votes(self) -> dict[str, int]:
        return {c.name: c.for_votes for c in self.counts}


def count_round(
    ballots: Iterable[Ballot],
    *,
    candidates: Sequence[str],
    seats: int,
    ballots_issued: int,
    ambiguous_mark_policy: str = DEFAULT_AMBIGUOUS_MARK_POLICY,
) -> RoundCount:
    """Count every ballot of one round; write-ins are counted with their FOR votes."""
    if seats < 1:
        raise BallotInputError("seats must be at least 1")
    if ballots_issued < 0:
        raise BallotInputError("ballots_issued cannot be negative")
    if len(set(candidates)) != len(candidates):
        raise BallotInputError("a candidate is listed twice")
    if ambiguous_mark_policy not in AMBIGUOUS_MARK_POLICIES:
        raise BallotInputError(f"unknown ambiguous_mark_policy {ambiguous_mark_policy!r}")

    tallies = {name: [0, 0, 0] for name in candidates}
    write_in_votes: dict[str, int] = {}
    returned = valid = void = 0
    for ballot in ballots:
        returned += 1
        read = read_ballot(
            ballot, candidates=candidates, seats=seats, ambiguous_mark_policy=ambiguous_mark_policy
        )
        if not read.is_valid:
            void += 1
            continue
        valid += 1
        for name, mark in read.marks.items():
            tallies[name][(FOR, AGAINST, ABSTAIN).index(mark)] += 1
        for name in read.write_ins:
            write_in_votes[name] = write_in_votes.get(name, 0) + 1

    counts = [Count(name, *tallies[name]) for name in candidates]
    counts += [
        Count(name, votes, is_write_in=True)
        for name, votes in sorted(write_in_votes.items(), key=lambda item: (-item[1], item[0]))
    ]
    valid_round = round_is_valid(ballots_issued=ballots_issued, ballots_returned=returned)
    return RoundCount(
        round_valid=valid_round,
        reason=None if valid_round else "more_ballots_returned_than_issued",
        ballots_issued=ballots_issued,
        ballots_returned=returned,
        ballots_valid=valid,
        ballots_void=void,
        counts=tuple(counts),
    )


# --- double entry of paper ballots ---------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """One reading of a ballot, normalised so that readings with the same effect compare
    equal: a blank is an abstention, write-ins are stripped, de-duplicated and sorted."""

    marks: tuple[tuple[str, str], ...]
    write_ins: tuple[str, ...]

    def as_ballot(self) -> Ballot:
        return Ballot(marks=dict(self.marks), write_ins=self.write_ins)


def normalise_reading(marks: Mapping[str, str], write_ins: Iterable[str], *, keys: Sequence[str]) -> Reading:
    """The reading of one sheet in a comparable form (raises BallotInputError on a mark
    for an option not on the ballot or an unknown mark)."""
    listed = set(keys)
    for key, mark in marks.items():
        if key not in listed:
            raise BallotInputError(f"mark for {key!r}, which is not on the ballot")
        if mark not in MARKS:
            raise BallotInputError(f"unknown mark {mark!r} for {key!r}")
    names = sorted({str(name).strip() for name in write_ins if str(name).strip()})
    return Reading(tuple((key, marks.get(key, ABSTAIN)) for key in keys), tuple(names))


def reading_differences(first: Reading, second: Reading) -> tuple[str, ...]:
    """The options (by key) and "write_ins" on which two readings of a sheet differ."""
    differ = tuple(key for (key, a), (_, b) in zip(first.marks, second.marks, strict=True) if a != b)
    if first.write_ins != second.write_ins:
        differ += ("write_ins",)
    return differ


def drop_ineligible_write_ins(
    ballot: Ballot, *, eligible: frozenset[str] | None, allowed: bool = True
) -> tuple[Ballot, int]:
    """ELEC-10: leave out write-ins that the round does not accept (none at all, or only
    deputies: `eligible` is then the set of deputies' names). Returns the ballot to count
    and how many names were left out. A listed option's own key written in is kept."""
    if not ballot.write_ins:
        return ballot, 0
    if not allowed:
        return Ballot(marks=ballot.marks, write_ins=()), len(ballot.write_ins)
    if eligible is None:
        return ballot, 0
    kept = tuple(name for name in ballot.write_ins if str(name).strip() in eligible)
    return Ballot(marks=ballot.marks, write_ins=kept), len(ballot.write_ins) - len(kept)


def chosen_count(marks: Mapping[str, str], write_ins: Sequence[str]) -> int:
    """ELEC-12: persons chosen on a ballot = FOR marks plus write-ins."""
    names = {str(name).strip() for name in write_ins if str(name).strip()}
    return sum(1 for mark in marks.values() if mark == FOR) + len(names)
