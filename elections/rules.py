"""Who is elected: the law of elections of office holders (ELEC-*), on balloting's counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from balloting.rules import RoundCount, majority_of_all
from core.organisation.rules import sc_size_bounds


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
    if len(at_cutoff) <= remaining:  # no tie at the last seat: the top `seats` are elected (ELEC-13)
        return Outcome(threshold, above + at_cutoff, (), 0, remaining - len(at_cutoff))
    return Outcome(threshold, above, tuple(sorted(at_cutoff)), remaining, 0)


def decide_round(count: RoundCount, *, seats: int, all_deputies: int) -> Outcome:
    """A void round (ELEC-11) elects no one: the round is held again, not run off."""
    if not count.round_valid:
        return Outcome(majority_of_all(all_deputies), (), (), 0, seats)
    return decide(count.for_votes(), seats=seats, all_deputies=all_deputies)


# --- offices (ELEC-1) --------------------------------------------------------------------

SC_CHAIR = "sc_chair"
SC_VICE_CHAIR = "sc_vice_chair"
SC_SECRETARY_GENERAL = "sc_secretary_general"
SC_MEMBER = "sc_member"
MAYOR = "mayor"
VICE_MAYOR = "vice_mayor"
SUPERVISORY_DIRECTOR = "supervisory_director"
COURT_PRESIDENT = "court_president"
PROCURATOR_GENERAL = "procurator_general"

#: ELEC-6: offices with one holder; the list may exceed the seat by one.
SINGLE_HOLDER = frozenset(
    {SC_CHAIR, SC_SECRETARY_GENERAL, MAYOR, SUPERVISORY_DIRECTOR, COURT_PRESIDENT, PROCURATOR_GENERAL}
)
#: ELEC-7 (a): vice-chairs and vice-mayors, 1 to 3 more candidates than seats.
DEPUTY_POSTS = frozenset({SC_VICE_CHAIR, VICE_MAYOR})
#: ELEC-1 (a): the standing committee, elected from among the deputies.
STANDING_COMMITTEE = frozenset({SC_CHAIR, SC_VICE_CHAIR, SC_SECRETARY_GENERAL, SC_MEMBER})
OFFICE_KINDS = (
    SC_CHAIR, SC_VICE_CHAIR, SC_SECRETARY_GENERAL, SC_MEMBER,
    MAYOR, VICE_MAYOR, SUPERVISORY_DIRECTOR, COURT_PRESIDENT, PROCURATOR_GENERAL,
)


def must_be_deputy(kind: str) -> bool:
    """ELEC-1 (a): standing-committee office holders are elected from among the deputies."""
    return kind in STANDING_COMMITTEE


def requires_upper_approval(kind: str) -> bool:
    """ELEC-1: a procurator-general's election takes effect only with upper-level approval."""
    return kind == PROCURATOR_GENERAL


def seats_allowed(kind: str, seats: int) -> bool:
    """ELEC-6: a single-holder office has one seat; other offices at least one."""
    if seats < 1:
        return False
    return seats == 1 if kind in SINGLE_HOLDER else True


def write_ins_rule(kind: str) -> str:
    """ELEC-10: a write-in for a standing-committee seat must be a deputy of this congress
    (members are elected 在代表中, LOL-2022 art. 47); for the other offices any voter."""
    return "deputies" if kind in STANDING_COMMITTEE else "anyone"


def signatures_missing(signed: int, needed: int) -> int:
    """ELEC-4: how many more deputies must sign a joint nomination ("二十人以上" includes 20,
    TIME-7): 19 signed of 20 → 1 more; 20 or more → none."""
    return max(needed - signed, 0)


def sc_seat_limit(*, sc_size: int | None, level: str, population: int | None) -> tuple[int, bool]:
    """ELEC-2: the most standing-committee seats (chair, vice-chairs, secretary-general and
    members together) that may be elected, and whether that is the size fixed for the term.

    The provincial standing committee fixes the size per term (`sc_size`). Until it is
    configured the law's own maximum applies: 51 for a city, 61 only where more than 8
    million people live; a population not recorded is not taken to be over 8 million, as
    when `sc_size` itself is validated, since 51 is lawful in either band.
    Example: Datong, about 3.1 million people, size not configured: at most 51."""
    if sc_size is not None:
        return sc_size, True
    return sc_size_bounds(level, population)[1], False


def sc_seats_fit(total_sc_seats: int, limit: int) -> bool:
    """ELEC-2: the standing-committee seats elected in a session do not exceed the limit
    (`sc_seat_limit`)."""
    return total_sc_seats <= limit


# --- margins (ELEC-6, ELEC-7, ELEC-17) -----------------------------------------------------


@dataclass(frozen=True)
class MarginRange:
    """How many more candidates than seats the law allows: `low`..`high` (None: no upper
    bound). `flagged`: ELEC-7 UNSURE, no whole number lies between seats/10 and seats/5, so
    k ≥ 1 is required and staff are told."""

    low: int
    high: int | None
    flagged: bool = False

    def allows(self, margin: int) -> bool:
        return margin >= self.low and (self.high is None or margin <= self.high)


def margin_range(kind: str, seats: int, *, by_election: bool = False) -> MarginRange:
    """The statutory range of the margin k (candidates − seats) for an office.

    - ELEC-17 by-election: candidates may equal or exceed the seats (0, no cap);
    - ELEC-6 single-holder offices: 0 or 1;
    - ELEC-7 (a) vice-chairs, vice-mayors: 1 to 3;
    - ELEC-7 (b) standing-committee members: seats/10 ≤ k ≤ seats/5 in integers
      (10·k ≥ seats and 5·k ≤ seats): 40 seats → 4..8, 35 → 4..7; when no integer fits
      (1-4 seats), k ≥ 1 and flagged.
    """
    if by_election:
        return MarginRange(0, None)
    if kind in SINGLE_HOLDER:
        return MarginRange(0, 1)
    if kind in DEPUTY_POSTS:
        return MarginRange(1, 3)
    low = -(-seats // 10)
    high = seats // 5
    if high < 1 or low > high:
        return MarginRange(1, None, flagged=True)
    return MarginRange(low, high)


def default_margin(kind: str, seats: int, parameters: Mapping[str, object], *, by_election: bool = False) -> int:
    """The margin used when an election does not set its own: the session's parameter for
    single-holder offices (ELEC-6) and deputy posts (ELEC-7), else the smallest lawful one."""
    if by_election:
        return 0
    if kind in SINGLE_HOLDER:
        return int(parameters.get("margin_single_office", 1))
    if kind in DEPUTY_POSTS:
        return int(parameters.get("margin_deputy_office", 1))
    return margin_range(kind, seats).low


@dataclass(frozen=True)
class ListDecision:
    """ELEC-9: what the presidium does with the nominations.

    `action`: "list" (the nominees are the official list), "primary" (more nominees than
    the margin allows: a primary picks `list_size`), or "too_few" (fewer than the law's
    minimum `minimum`: more nominations are needed)."""

    action: str
    nominated: int
    minimum: int
    list_size: int
    flagged: bool


def list_decision(kind: str, seats: int, margin: int, nominated: int, *, by_election: bool = False) -> ListDecision:
    """ELEC-6/7/9. Examples: mayor (1 seat, margin 1): 1 or 2 nominees → list, 3 → primary
    for 2. Vice-mayors, 5 seats, margin 2: 9 nominees → primary for 7; 5 → too few."""
    allowed = margin_range(kind, seats, by_election=by_election)
    minimum = seats + allowed.low
    list_size = seats + margin
    if nominated < minimum:
        action = "too_few"
    elif nominated > list_size:
        action = "primary"
    else:
        action = "list"
    return ListDecision(action, nominated, minimum, min(nominated, list_size), allowed.flagged)


def runoff_list_ok(kind: str, seats: int, candidates: int, *, by_election: bool = False) -> bool:
    """ELEC-15: a run-off for vice-chairs, vice-mayors or standing-committee members must be
    contested again with the ELEC-7 margin (1 vice-mayor seat → 2 to 4 candidates); a
    single-holder office keeps ELEC-6 (1 or 2 candidates for the seat)."""
    return margin_range(kind, seats, by_election=by_election).allows(candidates - seats)


def runoff_passed_over(votes: Mapping[object, int], taken: Iterable[object]) -> tuple[object, ...]:
    """ELEC-15: candidates of the earlier vote go to the run-off in order of their votes, so
    none may be left out who had more votes than one who is taken. Returns those passed over
    that way, most votes first (empty: the choice is lawful). A tie at the cut may go either
    way; taking nobody from the earlier vote (fresh nominations only) passes nobody over.
    Example: 王 168, 赵 20: taking 赵 alone passes over 王; 王 alone, or both, is lawful."""
    taken = set(taken)
    if not taken:
        return ()
    lowest = min(votes.get(name, 0) for name in taken)
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    return tuple(name for name, count in ranked if name not in taken and count > lowest)


# --- deliberation (ELEC-8) -----------------------------------------------------------------


def deliberation_ok(nominations_open_at, ballot_at, *, is_general_election: bool, min_days: int = 2) -> bool:
    """ELEC-8: at a general election, nominating and deliberating take at least two days,
    read as 48 hours (`deliberation_min_days` × 24 h) from the opening of nominations to
    the ballot. Other elections are not bound."""
    if not is_general_election:
        return True
    if nominations_open_at is None or ballot_at is None:
        return False
    return ballot_at - nominations_open_at >= timedelta(days=min_days)


# --- dates the secretariat should look at -------------------------------------------------

NOMINATIONS_NOT_OPEN = "nominations_not_open"
SESSION_OVER = "session_over"
BALLOT_OUTSIDE_SESSION = "ballot_outside_session"


def date_warnings(*, session_starts_on, session_ends_on, nominations_open_at, ballot_on, today, now,
                  in_progress: bool) -> list[str]:
    """What an election's dates say that its status does not: nominations not yet open, an
    election still to be held at a session that has ended (a session elects its office holders
    while it sits), a ballot set outside the session's days. Warnings, not refusals: the
    secretariat may be recording an election after the fact, or the session's dates may move."""
    found = []
    if in_progress and nominations_open_at is not None and now < nominations_open_at:
        found.append(NOMINATIONS_NOT_OPEN)
    if in_progress and session_ends_on is not None and session_ends_on < today:
        found.append(SESSION_OVER)
    if ballot_on is not None and not (session_starts_on <= ballot_on <= session_ends_on):
        found.append(BALLOT_OUTSIDE_SESSION)
    return found


# --- primary (ELEC-9) ----------------------------------------------------------------------


@dataclass(frozen=True)
class PrimaryCut:
    """The top `places` of a primary ranking; `tied` share the cut-off for `tie_places`."""

    selected: tuple[str, ...]
    tied: tuple[str, ...]
    tie_places: int


def rank_cut(for_votes: Mapping[str, int], places: int) -> PrimaryCut:
    """Take the `places` with the most votes. A tie at the cut-off that leaves more tied
    than places is left open (ELEC-9 `primary_tie_rule`, ELEC-14 repeat)."""
    ranked = sorted(for_votes.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) <= places:
        return PrimaryCut(tuple(name for name, _ in ranked), (), 0)
    cutoff = ranked[places - 1][1]
    above = tuple(name for name, votes in ranked if votes > cutoff)
    at_cutoff = tuple(sorted(name for name, votes in ranked if votes == cutoff))
    remaining = places - len(above)
    if len(at_cutoff) == remaining:
        return PrimaryCut(above + at_cutoff, (), 0)
    return PrimaryCut(above, at_cutoff, remaining)


def primary_cut(for_votes: Mapping[str, int], list_size: int) -> PrimaryCut:
    """ELEC-9: the official list is the top of the primary ranking down to `list_size`.
    Example: 9 nominees, list of 7 → the 7 with the most votes."""
    return rank_cut(for_votes, list_size)


# --- tie-break (ELEC-14) -------------------------------------------------------------------

#: What decides a counted round: a majority of all deputies, or the most votes.
MAJORITY = "majority"
MOST_VOTES = "most_votes"


def result_basis(stage: str, *, requires_majority: bool = False) -> str:
    """What decides a round of the given stage: the first round and a run-off need a
    majority of all deputies (ELEC-13, ELEC-15); a primary ranks by votes (ELEC-9); a
    tie-break among the tied goes to the most votes (ELEC-14, "以得票多的当选"), unless the
    session's `tiebreak_requires_majority` asks for a majority too."""
    if stage == "primary":
        return MOST_VOTES
    if stage == "tie_break" and not requires_majority:
        return MOST_VOTES
    return MAJORITY



def decide_tie_break(
    for_votes: Mapping[str, int], *, seats: int, all_deputies: int, requires_majority: bool = False
) -> Outcome:
    """ELEC-14: among the tied candidates only, those with more votes win. With
    `tiebreak_requires_majority` (default false: the law says only 以得票多的当选) the
    winners must also reach a majority of all deputies. Another tie is voted again."""
    if requires_majority:
        return decide(for_votes, seats=seats, all_deputies=all_deputies)
    cut = rank_cut(for_votes, seats)
    return Outcome(majority_of_all(all_deputies), cut.selected, cut.tied, cut.tie_places, 0)
