"""Bills (议案, BILL-1..6) and interpellations (质询案, RES-2): pure functions, no ORM.

What the law says about who may file, what a filing must contain, how many deputies must
sign, the states each goes through, the filing deadline, and when the deputies who filed an
interpellation may demand a further reply. Counts use integers only (TIME-7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from core.workcalendar import rules as time_rules

# --- who files a bill (BILL-1) ------------------------------------------------------------------

PRESIDIUM = "presidium"
STANDING_COMMITTEE = "standing_committee"
SPECIAL_COMMITTEE = "special_committee"
GOVERNMENT = "government"
DEPUTIES = "deputies"

#: BILL-1(a): the organs that may each file a bill on their own.
ORGAN_FILERS = (PRESIDIUM, STANDING_COMMITTEE, SPECIAL_COMMITTEE, GOVERNMENT)
#: BILL-1(b): deputies jointly.
FILER_KINDS = (*ORGAN_FILERS, DEPUTIES)

#: The county-and-above figure (BILL-1(b), RES-2), used when a parameter is missing.
DEFAULT_MIN_DEPUTIES = 10

SUBJECT_MAX_CHARS = 200


def is_organ_filer(filer_kind: str) -> bool:
    return filer_kind in ORGAN_FILERS


def min_bill_signers(params: Mapping[str, Any]) -> int:
    """BILL-1(b): deputies who must sign a deputies' bill (`bill_min_deputies`, 10)."""
    return int(params.get("bill_min_deputies") or DEFAULT_MIN_DEPUTIES)


def min_interpellation_signers(params: Mapping[str, Any]) -> int:
    """RES-2: deputies who must sign an interpellation (`interpellation_min_deputies`, 10)."""
    return int(params.get("interpellation_min_deputies") or DEFAULT_MIN_DEPUTIES)


def enough_signers(count: int, minimum: int) -> bool:
    """TIME-7: "十人以上" includes the number itself: 10 signers meet a minimum of 10,
    9 do not (BILL-1 example: 9 deputies make a suggestion at most, never a bill)."""
    return count >= minimum


def missing_bill_parts(*, subject: str, grounds: str, proposal: str) -> list[str]:
    """BILL-1: a bill states its subject (案由), grounds (案据) and proposed solution (方案).
    Returns the names of the parts left empty, in that order."""
    parts = {"subject": subject, "grounds": grounds, "proposal": proposal}
    return [name for name, text in parts.items() if not (text or "").strip()]


def missing_interpellation_parts(*, target: Any, question: str, content: str) -> list[str]:
    """RES-2: an interpellation states its target, the question and its content."""
    missing = [] if target is not None else ["target"]
    for name, text in (("question", question), ("content", content)):
        if not (text or "").strip():
            missing.append(name)
    return missing


# --- when a filing is possible (BILL-1, BILL-6, RES-2) -----------------------------------------


def during_session(day: date, *, starts_on: date, ends_on: date) -> bool:
    """BILL-1 / RES-2: bills and interpellations are filed during the session, from its
    first day to its last (both included)."""
    return starts_on <= day <= ends_on


class DeadlineUnreadable(ValueError):
    """The session's `bill_deadline` is set but is neither a date nor a date and time."""


def parse_bill_deadline(text: str | None) -> datetime | None:
    """BILL-6: the session's cut-off for filing bills (`bill_deadline`), as the last instant
    a filing is accepted; None when no cut-off is set.

    Written "2026-01-21 18:00" (a time, Asia/Shanghai: TIME-5) or "2026-01-21" (a day: it
    ends at 24:00, TIME-3). Raises DeadlineUnreadable for anything else.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max, tzinfo=time_rules.LEGAL_ZONE)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DeadlineUnreadable(text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=time_rules.LEGAL_ZONE)
    return moment


def before_bill_deadline(now: datetime, deadline: datetime | None) -> bool:
    """BILL-6: a filing at the cut-off itself is still in time; no cut-off, always in time."""
    return deadline is None or now <= deadline


def deadline_applies(filer_kind: str) -> bool:
    """BILL-6: the cut-off set by the session's rules is for deputies' bills (local 议事规则
    read "代表联名提出议案的截止时间"); the organs' bills are prepared for the agenda."""
    return filer_kind == DEPUTIES


# --- the states of a bill (BILL-2, BILL-3, BILL-5) ---------------------------------------------

DRAFT = "draft"  # a deputies' bill collecting signatures
FILED = "filed"  # 已提出: waiting for the presidium
REFERRED = "referred"  # 交专门委员会审议
ON_AGENDA = "on_agenda"  # 列入会议议程 (organs' bills: put to the plenary)
NOT_ON_AGENDA = "not_on_agenda"  # 不列入会议议程 (BILL-4)
ADOPTED = "adopted"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"  # BILL-5
ABANDONED = "abandoned"  # a draft never filed

BILL_STATES = (DRAFT, FILED, REFERRED, ON_AGENDA, NOT_ON_AGENDA, ADOPTED, REJECTED, WITHDRAWN, ABANDONED)

#: action → the states it may start from (BILL-3: filed → (referred) → on_agenda |
#: not_on_agenda; on_agenda → adopted | rejected | withdrawn).
BILL_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "edit": frozenset({DRAFT}),
    "sign": frozenset({DRAFT}),
    "unsign": frozenset({DRAFT}),
    "file": frozenset({DRAFT}),
    "abandon": frozenset({DRAFT}),
    "refer": frozenset({FILED}),
    "advise": frozenset({REFERRED}),
    "decide": frozenset({FILED, REFERRED}),
    # BILL-5: only a bill on the agenda, and only before the vote.
    "request_withdrawal": frozenset({ON_AGENDA}),
    "withdraw": frozenset({ON_AGENDA}),
    "record_result": frozenset({ON_AGENDA}),
}


def bill_can(action: str, state: str) -> bool:
    return state in BILL_TRANSITIONS[action]


#: The committee's advice after a referral (BILL-3) or its report (BILL-2).
PLACE = "place"
NOT_PLACE = "not_place"
ADVICE = (PLACE, NOT_PLACE)


def decisions_for(filer_kind: str) -> tuple[str, ...]:
    """What the presidium may decide on a filed (or referred and reported) bill.

    BILL-2: an organ's bill goes to the plenary (at once, or after the committee's report):
    the presidium decides only *when*, never to leave it off. BILL-3: a deputies' bill is
    placed on the agenda or not.
    """
    if is_organ_filer(filer_kind):
        return (ON_AGENDA,)
    return (ON_AGENDA, NOT_ON_AGENDA)


def decision_needs_advice(state: str) -> bool:
    """BILL-2/3: a referred bill is decided on the committee's advice or report."""
    return state == REFERRED


# --- BILL-4: a bill not placed on the agenda ----------------------------------------------------

CONVERT_TO_SUGGESTION = "convert_to_suggestion"
LEAVE_TO_STANDING_COMMITTEE = "standing_committee"


def unplaced_handling(params: Mapping[str, Any]) -> str:
    """BILL-4 `unplaced_bill_handling`: converted to a suggestion (default) and handled
    under SUGG-*, or left to the standing committee between sessions."""
    value = params.get("unplaced_bill_handling") or CONVERT_TO_SUGGESTION
    return value if value in (CONVERT_TO_SUGGESTION, LEAVE_TO_STANDING_COMMITTEE) else CONVERT_TO_SUGGESTION


def suggestion_content(*, grounds: str, proposal: str) -> str:
    """BILL-4: the suggestion made of a bill carries its grounds and proposed solution."""
    return "\n\n".join(part.strip() for part in (grounds, proposal) if (part or "").strip())


def bill_reference(*, session_number: int, serial: int | None) -> str:
    """The bill's number within its session (shown as the suggestion's source, BILL-4)."""
    return f"{session_number}-{serial}" if serial else str(session_number)


# --- interpellations (RES-2) --------------------------------------------------------------------

#: RES-2: the city government or its departments (government), the supervisory commission,
#: the court or the procuratorate (state_organ), as `HandlingUnit.kind`.
INTERPELLATION_TARGET_KINDS = ("government", "state_organ")
#: `HandlingUnit.kind` of a district or county government (区县政府).
LOCAL_GOVERNMENT_KIND = "district"


def may_be_interpellated(unit_kind: str, *, local: bool = False) -> bool:
    """RES-2: the congress interpellates the government of its own area or its departments,
    the supervisory commission, the court or the procuratorate of its own level (LOL-2022
    art. 24): never an organ of a district or county (`local`), which answers to that
    district's or county's congress, however it is kinded (a district's education bureau is a government
    department, of the district)."""
    return unit_kind in INTERPELLATION_TARGET_KINDS and not local


def interpellable_units(units: Iterable[tuple[int, int | None, str, int | None]]) -> set[int]:
    """RES-2 over a congress's handling units, given as (id, parent id, kind, district id):
    the ids of those that may be interpellated. A unit is of a district or county (`local`)
    when it records one (所属区县) or sits under a district or county government."""
    rows = {pk: (parent, kind, district) for pk, parent, kind, district in units}

    def local(pk: int) -> bool:
        seen: set[int] = set()
        current: int | None = pk
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            parent, kind, district = rows[current]
            if district is not None or (current != pk and kind == LOCAL_GOVERNMENT_KIND):
                return True
            current = parent
        return False

    return {pk for pk, (_parent, kind, _district) in rows.items() if may_be_interpellated(kind, local=local(pk))}


# States of an interpellation.
I_DRAFT = "draft"
I_FILED = "filed"  # waiting for the presidium's decision on the form of reply
I_AWAITING_REPLY = "awaiting_reply"
I_REPLIED = "replied"  # the signers rate the reply
I_FURTHER_DEMANDED = "further_demanded"  # a further reply demanded (RES-2)
I_CLOSED = "closed"
I_ABANDONED = "abandoned"

INTERPELLATION_STATES = (
    I_DRAFT, I_FILED, I_AWAITING_REPLY, I_REPLIED, I_FURTHER_DEMANDED, I_CLOSED, I_ABANDONED,
)

INTERPELLATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "edit": frozenset({I_DRAFT}),
    "sign": frozenset({I_DRAFT}),
    "unsign": frozenset({I_DRAFT}),
    "file": frozenset({I_DRAFT}),
    "abandon": frozenset({I_DRAFT}),
    # The first reply, and a further one after the signers' demand.
    "decide": frozenset({I_FILED, I_FURTHER_DEMANDED}),
    "record_reply": frozenset({I_AWAITING_REPLY}),
    "reply": frozenset({I_AWAITING_REPLY}),
    "rate": frozenset({I_REPLIED}),
    "demand": frozenset({I_REPLIED}),
    "close": frozenset({I_REPLIED}),
}


def interpellation_can(action: str, state: str) -> bool:
    return state in INTERPELLATION_TRANSITIONS[action]


# RES-2: the presidium decides the form of the reply.
ORAL_PRESIDIUM = "oral_presidium"
ORAL_PLENARY = "oral_plenary"
ORAL_COMMITTEE = "oral_committee"
WRITTEN = "written"
REPLY_FORMS = (ORAL_PRESIDIUM, ORAL_PLENARY, ORAL_COMMITTEE, WRITTEN)


def is_oral(form: str) -> bool:
    """RES-2: an oral reply is given by the head of the organ in person at the meeting."""
    return form in (ORAL_PRESIDIUM, ORAL_PLENARY, ORAL_COMMITTEE)


#: The first reply and one further reply ("再作答复"): the statute gives one further reply,
#: and the reply then stands.
MAX_REPLY_ROUNDS = 2


def reply_days(start: date, due_on: date) -> int:
    """Calendar days from the decision to the reply date the presidium set (TIME-1/2: the
    decision day is not counted). Negative when the date has passed."""
    return (due_on - start).days


def may_demand_further_reply(*, signers: int, dissatisfied: int) -> bool:
    """RES-2 / TIME-7: "半数以上" includes half. Example: 12 signers, 6 dissatisfied → a
    further reply may be demanded; 5 dissatisfied → not."""
    return signers > 0 and time_rules.meets_at_least(dissatisfied, signers, 1, 2)


def further_reply_possible(*, round_number: int, signers: int, dissatisfied: int) -> bool:
    """RES-2: after the first reply only (MAX_REPLY_ROUNDS), when half or more are dissatisfied."""
    return round_number < MAX_REPLY_ROUNDS and may_demand_further_reply(signers=signers, dissatisfied=dissatisfied)


def is_dissatisfied(value: str, scale: Iterable[str]) -> bool:
    """The last value of the congress's satisfaction scale (不满意, SUGG-7's list)."""
    scale = list(scale)
    return bool(scale) and value == scale[-1]


def count_dissatisfied(ratings: Iterable[str], scale: Iterable[str]) -> int:
    scale = list(scale)
    return sum(1 for value in ratings if is_dissatisfied(value, scale))


#: The interpellation's casework outcome (its case's "rating", recorded by staff on the
#: signers' behalf): the case closes, or a further written reply is due (casework rehandles).
CASE_NO_FURTHER_REPLY = "no_further_reply"
CASE_FURTHER_REPLY = "further_reply"
CASE_OUTCOMES = (CASE_NO_FURTHER_REPLY, CASE_FURTHER_REPLY)
#: The one "class" of a written reply to an interpellation (it has no A-D class, SUGG-6).
WRITTEN_REPLY_CLASS = "written"
