"""The law of handling a case to a reply: pure functions, no ORM, no request.

A case (a registered suggestion, a bill handled as a suggestion, a citizen message) is
assigned to handling units, each unit replies before its due date, the filer rates the
reply, and the case is closed or re-handled once. The *numbers* (how many months, which
calendar unit) belong to each kind of case and come from its domain's rules (SUGG-3,
MSG-3); the *machinery* is here, once:

- the state machine (`TRANSITIONS`): which action may start from which case status;
- deadlines (`Period`, `due_date`): TIME-1..3 over the working-day calendar;
- the extension rule (SUGG-4): only approved before the ordinary due date ends;
- lead and assisting units (SUGG-5): when a round of replies is complete;
- reply classes (SUGG-6) and satisfaction (SUGG-7): configurable lists;
- the closing rule (SUGG-7): a reply and a satisfied rating, or re-handling complete;
- overdue (TIME-6) and reminders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# The lazy gettext is `_L`, the name makemessages is told to read (core/web/management/
# commands/makemessages.py): a string marked with any other alias never reaches the
# catalogue, and zh-hans users see the English.
from django.utils.translation import gettext_lazy as _L

from core.workcalendar import rules as time_rules

# --- case states ------------------------------------------------------------------------------

REGISTERED = "registered"  # 已立案, waiting to be assigned
ASSIGNED = "assigned"  # 已交办, units handling (round 1)
REPLIED = "replied"  # 已答复, every reply of the round is in; waiting for the rating
REHANDLING = "rehandling"  # 重新办理 after dissatisfaction (SUGG-7)
CLOSED = "closed"  # 办结
MERGED = "merged"  # 并案 into another case (SUGG-11)
WITHDRAWN = "withdrawn"  # 撤回 by the filer (SUGG-10)

STATES = (REGISTERED, ASSIGNED, REPLIED, REHANDLING, CLOSED, MERGED, WITHDRAWN)
OPEN_STATES = frozenset({REGISTERED, ASSIGNED, REPLIED, REHANDLING})
TERMINAL_STATES = frozenset({CLOSED, MERGED, WITHDRAWN})
#: States in which units are working on the case (replies may be submitted).
HANDLING_STATES = frozenset({ASSIGNED, REHANDLING})

# --- handling modes and roles (SUGG-5) --------------------------------------------------------

LEAD_ASSISTING = "lead_assisting"  # 主办 (+ any 会办/协办): the lead unit replies
SEPARATE = "separate"  # 分办: each unit replies
MODES = (LEAD_ASSISTING, SEPARATE)
#: How the case is handled as shown to people (`handling_arrangement`): the stored mode says
#: who replies, and a lead unit may or may not have assisting units.
LEAD_ALONE = "lead_alone"  # 主办单位单独办理
ARRANGEMENTS = (LEAD_ALONE, LEAD_ASSISTING, SEPARATE)

LEAD = "lead"
ASSISTING = "assisting"
SEPARATE_UNIT = "separate"
ROLES = (LEAD, ASSISTING, SEPARATE_UNIT)
#: Roles whose reply goes to the filer (an assisting unit's view goes to the lead unit).
REPLYING_ROLES = frozenset({LEAD, SEPARATE_UNIT})

PENDING = "pending"
DONE = "replied"
CANCELLED = "withdrawn"
ASSIGNMENT_STATES = (PENDING, DONE, CANCELLED)

#: SUGG-7: a case is re-handled once; round 2 is the re-handling, after which it closes.
MAX_ROUNDS = 2

# --- the state machine ------------------------------------------------------------------------

#: action → (states it may start from, state it moves to; None: decided by the rules below).
TRANSITIONS: Mapping[str, tuple[frozenset[str], str | None]] = {
    "assign": (frozenset({REGISTERED}), ASSIGNED),
    "approve_extension": (frozenset({ASSIGNED}), None),
    # ASSIGNED/REHANDLING stay until the round is complete, then REPLIED.
    "reply": (HANDLING_STATES, None),
    # Waits for every rater; then CLOSED or REHANDLING (feedback_outcome).
    "rate": (frozenset({REPLIED}), None),
    "rehandle": (frozenset({REPLIED}), REHANDLING),
    "close": (frozenset({REPLIED}), CLOSED),
    "supervise": (OPEN_STATES, None),
    "merge": (frozenset({REGISTERED, ASSIGNED}), None),  # the surviving case
    "merge_source": (frozenset({REGISTERED, ASSIGNED}), MERGED),
    # WITHDRAWN when no filer is left; otherwise only the filer's part is withdrawn.
    "withdraw": (OPEN_STATES, None),
    # A case handled before the city used Datong, entered afterwards (services.past).
    "record_past": (frozenset({REGISTERED}), CLOSED),
}


def allowed_from(action: str) -> frozenset[str]:
    """The case states `action` may start from."""
    return TRANSITIONS[action][0]


def can(action: str, state: str) -> bool:
    return state in allowed_from(action)


# --- deadlines (TIME-1..3, SUGG-3/4/5/7) ---------------------------------------------------

MONTHS = "months"
DAYS = "days"
WORKING_DAYS = "working_days"
#: Calendar days to a date a competent body set by decision (RES-2: the presidium names the
#: day of the written reply). A named day is no period counted under TIME-3: it never moves
#: to the next working day, and it depends on no holiday schedule (never provisional).
SET_DATE = "set_date"
UNITS = (MONTHS, DAYS, WORKING_DAYS, SET_DATE)


@dataclass(frozen=True)
class Period:
    """A statutory period in the unit the rule uses (TIME-1: never convert units).

    `rule` names the rule it comes from (`"SUGG-3"`), shown beside the due date.
    """

    unit: str
    count: int
    rule: str

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown period unit {self.unit!r}")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValueError("a period's count is a non-negative integer")


def due_date(start: date, period: Period, calendar: time_rules.Calendar, *, weekend_is_rest_day: bool = True):
    """TIME-2/3/4: the last day of `period` from `start` (the start day not counted).

    Returns a `Deadline(date, provisional)`. Example (SUGG-3): assigned 2026-07-01, three
    months → nominal 2026-10-01 inside the National Day holiday → 2026-10-08.
    """
    if period.unit == MONTHS:
        return time_rules.add_months(start, period.count, calendar, weekend_is_rest_day=weekend_is_rest_day)
    if period.unit == DAYS:
        return time_rules.add_days(start, period.count, calendar, weekend_is_rest_day=weekend_is_rest_day)
    if period.unit == SET_DATE:
        return time_rules.Deadline(start + timedelta(days=period.count), False)
    return time_rules.add_working_days(start, period.count, calendar)


def extension_allowed(*, now: datetime, due_on: date, role: str, round_number: int, extended: bool) -> bool:
    """SUGG-4: the longer period may be approved only before the ordinary period ends
    (i.e. until 24:00 of the due date, TIME-3), once, for a unit that replies to the filer,
    and not for a re-handling round."""
    return (
        not extended
        and role in REPLYING_ROLES
        and round_number == 1
        and not time_rules.is_overdue(due_on, now)
    )


def is_overdue(due_on: date, now: datetime, *, replied: bool = False) -> bool:
    """TIME-6: overdue from 00:00 Asia/Shanghai on the day after `due_on`, if no reply has
    been recorded."""
    return not replied and time_rules.is_overdue(due_on, now)


#: Reminders go to the unit this many calendar days before its due date (practice; the
#: statute sets no reminder). `settings.DATONG_CASEWORK_REMIND_DAYS` overrides it.
DEFAULT_REMIND_BEFORE_DAYS = 7


def reminder_due(due_on: date, now: datetime, *, days_before: int = DEFAULT_REMIND_BEFORE_DAYS) -> bool:
    """A reminder is due from `days_before` days before `due_on` until it becomes overdue."""
    today = time_rules.local_date(now)
    return due_on - timedelta(days=days_before) <= today and not time_rules.is_overdue(due_on, now)


def assignment_open(assignment_status: str, case_status: str) -> bool:
    """TIME-6: a unit still owes this reply and the case is being handled (what the desks
    list as due and late). In lead mode an assisting unit's view may still be pending once
    the lead unit replied: it is not open while the case waits for ratings, and open again
    if the case is re-handled."""
    return assignment_status == PENDING and case_status in HANDLING_STATES


#: How an assignment's state is shown when it differs from the stored one (SUGG-5/7): an
#: assisting unit's view still outstanding when the case closes is no longer owed, so it is
#: stored as cancelled, but nobody withdrew it.
ENDED = "ended"

ASSIGNMENT_STATE_LABELS: Mapping[str, str] = {
    PENDING: _L("Handling"),
    DONE: _L("Replied"),
    CANCELLED: _L("Withdrawn"),
    ENDED: _L("No view sent: ended with the case"),
}


def assignment_state(assignment_status: str, case_status: str) -> str:
    """SUGG-5/7: the state of an assignment as people are told it.

    Closing a case (SUGG-7) ends any view an assisting unit had not sent (SUGG-5): ENDED,
    not "withdrawn". An assignment is otherwise cancelled only when its case is withdrawn
    (SUGG-10) or merged (SUGG-11), so a cancelled assignment of a closed case was ended by
    the closing.
    """
    if assignment_status == CANCELLED and case_status == CLOSED:
        return ENDED
    return assignment_status


def on_time(replied_on: date, due_on: date) -> bool:
    """A reply on its due date is on time (the period ends at 24:00, TIME-3)."""
    return replied_on <= due_on


# --- assignments (SUGG-5) -------------------------------------------------------------------


class AssignmentError(ValueError):
    """An assignment the rules refuse; `field` and `reason` say why (reason is a code)."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def check_assignment(*, lead: object | None, assisting: Sequence[object], separate: Sequence[object]) -> str:
    """SUGG-2/SUGG-5: one lead unit with any assisting units, or units handling separately.

    Returns the handling mode. Raises AssignmentError: `no_unit` (nothing to assign to),
    `mixed` (a lead and separate units at once), `assisting_without_lead`, `duplicate`
    (a unit named twice in any role).
    """
    if lead is None and assisting:
        raise AssignmentError("assisting", "assisting_without_lead")
    if lead is None and not separate:
        raise AssignmentError("lead", "no_unit")
    if lead is not None and separate:
        raise AssignmentError("separate", "mixed")
    units = ([lead] if lead is not None else []) + list(assisting) + list(separate)
    if len(set(units)) != len(units):
        raise AssignmentError("assisting" if lead is not None else "separate", "duplicate")
    return LEAD_ASSISTING if lead is not None else SEPARATE


def handling_arrangement(roles: Iterable[str]) -> str | None:
    """SUGG-5: how a case is handled, from the roles of its assignments (every round and
    status: an assisting unit whose view was not needed in the end was still assigned).

    LEAD_ALONE (a lead unit, no assisting unit), LEAD_ASSISTING (a lead unit with assisting
    units), SEPARATE (units handling separately), or None before assignment.
    """
    roles = set(roles)
    if LEAD in roles:
        return LEAD_ASSISTING if ASSISTING in roles else LEAD_ALONE
    if SEPARATE_UNIT in roles:
        return SEPARATE
    return None


#: What each arrangement is called (SUGG-5).
ARRANGEMENT_LABELS: Mapping[str, str] = {
    LEAD_ALONE: _L("Lead unit alone"),
    LEAD_ASSISTING: _L("Lead unit with assisting units"),
    SEPARATE: _L("Units handling separately"),
}


def round_complete(mode: str, assignments: Iterable[tuple[str, str]]) -> bool:
    """SUGG-5: is every reply the filer is owed in this round in?

    `assignments` are (role, status) of the round. In lead mode the lead unit's reply
    completes the round (assisting units' views go to the lead unit, which decides when to
    reply); in separate mode every unit still assigned must have replied.
    """
    rows = [(role, status) for role, status in assignments if status != CANCELLED]
    if mode == LEAD_ASSISTING:
        leads = [status for role, status in rows if role == LEAD]
        return bool(leads) and all(status == DONE for status in leads)
    separate = [status for role, status in rows if role == SEPARATE_UNIT]
    return bool(separate) and all(status == DONE for status in separate)


# --- reply classes (SUGG-6) ------------------------------------------------------------------

DEFAULT_REPLY_CLASSES = ("A", "B", "C", "D")

#: What each default class means (SUGG-6), for the unit choosing one; a city's own class
#: letters are shown as they are.
REPLY_CLASS_LABELS: Mapping[str, str] = {
    "A": _L("A: solved or essentially solved"),
    "B": _L("B: being solved or planned"),
    "C": _L("C: to be solved later"),
    "D": _L("D: kept for reference or explained"),
}


def reply_class_choices(classes: Iterable[str]) -> list[tuple[str, str]]:
    """(class, label) pairs for a form: the meaning of each default class beside its letter."""
    return [(c, REPLY_CLASS_LABELS.get(c, c)) for c in classes]


def reply_class_needs_reason(reply_class: str, classes: Sequence[str]) -> bool:
    """SUGG-6: units must give reasons for C and D (solved later / kept for reference).

    With a configured list, every class after the first two (A: solved, B: being solved)
    needs a reason, so a city using A/B/C still has to explain a C.
    """
    classes = list(classes)
    return reply_class in classes and classes.index(reply_class) >= 2


# --- satisfaction and closing (SUGG-7) --------------------------------------------------------

DEFAULT_SATISFACTION_SCALE = ("satisfied", "basically_satisfied", "dissatisfied")


def is_dissatisfied(value: str, scale: Sequence[str]) -> bool:
    """SUGG-7: the last value of the scale (不满意) asks for re-handling."""
    return bool(scale) and value == list(scale)[-1]


def rating_needs_comment(value: str, scale: Sequence[str]) -> bool:
    """SUGG-7: a dissatisfied rating sends the case back to the unit to be handled again
    (重新办理); the unit can only do better if it is told what is unsatisfactory, so the
    rating must say so (as the call-back of a citizen message does, MSG-4)."""
    return is_dissatisfied(value, scale)


CLOSE = "close"
REHANDLE = "rehandle"
WAIT = "wait"


def feedback_outcome(
    *,
    round_number: int,
    scale: Sequence[str],
    expected: Iterable[tuple[object, object]],
    ratings: Mapping[tuple[object, object], str],
) -> str:
    """SUGG-7: what the ratings of a round decide.

    `expected` are the (reply, rater) pairs still owed a rating in this round (each filer
    rates each reply addressed to them); `ratings` maps the pairs rated so far to values.
    Until every pair is rated: WAIT. Then, in the first round, any dissatisfied rating →
    REHANDLE; otherwise (or once re-handling is complete) → CLOSE.
    """
    expected = list(expected)
    if not expected or any(pair not in ratings for pair in expected):
        return WAIT
    if round_number < MAX_ROUNDS and any(is_dissatisfied(ratings[pair], scale) for pair in expected):
        return REHANDLE
    return CLOSE


def may_close(
    *,
    round_number: int,
    complete: bool,
    all_rated: bool,
    any_dissatisfied: bool,
) -> bool:
    """SUGG-7 closing rule: a case is closed only when a reply exists (`complete`: every
    reply of the round is in) and either (a) every rating is satisfied or basically
    satisfied, or (b) re-handling is complete."""
    if not complete:
        return False
    if round_number >= MAX_ROUNDS:
        return True
    return all_rated and not any_dissatisfied


def may_rehandle(*, round_number: int, complete: bool, any_dissatisfied: bool) -> bool:
    """SUGG-7: re-handling follows a dissatisfied rating of a complete first round (staff may
    start it without waiting for every other rater)."""
    return complete and round_number < MAX_ROUNDS and any_dissatisfied


def rehandle_units(
    *, mode: str, dissatisfied_units: Iterable[object], lead_unit: object | None
) -> list[object]:
    """SUGG-7: who re-handles. Lead mode: the lead unit (it consults the assisting units
    again); separate mode: each unit whose reply was rated dissatisfied."""
    if mode == LEAD_ASSISTING:
        return [lead_unit] if lead_unit is not None else []
    seen: list[object] = []
    for unit in dissatisfied_units:
        if unit not in seen:
            seen.append(unit)
    return seen
