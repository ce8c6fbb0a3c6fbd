"""Deputies' suggestions (rules.md §5, SUGG-1..11; BILL-4): pure functions, no ORM.

The handling machinery (deadlines, replies, ratings, merging) is casework's; this module
holds what is particular to suggestions: who may file and what a suggestion must contain
(SUGG-1), the periods a suggestion's case uses (SUGG-3/4/5/7), the exclusions (SUGG-10),
who is owed the reply to a joint suggestion (SUGG-11), bills converted to suggestions
(BILL-4), and the scrubber that keeps personal data out of published reports (SUGG-8,
SEC-6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from casework.rules import DAYS, MONTHS, REPLY_CLASS_LABELS, WORKING_DAYS, Period  # noqa: F401 (re-exported)

# --- SUGG-1: who may file, what it must contain ---------------------------------------------

#: A subject fits one line of the printed list.
SUBJECT_MAX_CHARS = 200
#: SUGG-1 asks for "specific" suggestions reflecting real situations. The statute sets no
#: length; a handful of characters cannot be specific (practice: a working minimum).
CONTENT_MIN_CHARS = 20
CONTENT_MAX_CHARS = 20_000


def may_file(*, in_office: bool) -> bool:
    """SUGG-1: every deputy (in office) may file, alone or jointly; no minimum of signers."""
    return bool(in_office)


def check_subject(subject: str) -> str | None:
    """An error code for a subject, or None: `required`, `too_long`."""
    subject = (subject or "").strip()
    if not subject:
        return "required"
    if len(subject) > SUBJECT_MAX_CHARS:
        return "too_long"
    return None


def check_content(content: str) -> str | None:
    """SUGG-1: an error code for the content, or None: `required`, `too_short`, `too_long`."""
    content = (content or "").strip()
    if not content:
        return "required"
    if len("".join(content.split())) < CONTENT_MIN_CHARS:
        return "too_short"
    if len(content) > CONTENT_MAX_CHARS:
        return "too_long"
    return None


def session_at(day: date, sessions: Iterable[tuple[Any, date, date]]) -> Any | None:
    """SUGG-1: filed during a session (to the congress) when `day` falls within one of the
    term's sessions (starts_on ≤ day ≤ ends_on); otherwise between sessions (to the
    standing committee). `sessions` are (key, starts_on, ends_on); returns the key or None."""
    for key, starts_on, ends_on in sessions:
        if starts_on <= day <= ends_on:
            return key
    return None


# --- SUGG-2/3/4/5/7: the periods of a suggestion's case -----------------------------------------


def assign_period(params: Mapping[str, Any]) -> Period:
    """SUGG-2: a suggestion made between sessions is assigned within `sugg_assign_within_wd`
    working days of receipt (practice; one made during a session is assigned during or
    shortly after it, with no fixed period)."""
    return Period(WORKING_DAYS, int(params.get("sugg_assign_within_wd", 5)), "SUGG-2")



def reply_period(params: Mapping[str, Any], case=None) -> Period:
    """SUGG-3: reply within three months of assignment (自交办之日起三个月内)."""
    return Period(MONTHS, int(params.get("sugg_reply_months", 3)), "SUGG-3")


def extended_period(params: Mapping[str, Any], case=None) -> Period:
    """SUGG-3/SUGG-4: six months for a wide-ranging or difficult suggestion, once approved."""
    return Period(MONTHS, int(params.get("sugg_reply_months_extended", 6)), "SUGG-4")


def assisting_period(params: Mapping[str, Any], case=None) -> Period:
    """SUGG-5: an assisting unit sends its view to the lead unit within
    `assisting_unit_days` calendar days (TIME-1: days are calendar days)."""
    return Period(DAYS, int(params.get("assisting_unit_days", 30)), "SUGG-5")


def rehandle_period(params: Mapping[str, Any], case=None) -> Period:
    """SUGG-7: re-handling after dissatisfaction within `rehandle_months` months."""
    return Period(MONTHS, int(params.get("rehandle_months", 1)), "SUGG-7")


def extension_needs_approval(params: Mapping[str, Any]) -> bool:
    """SUGG-4: staff must approve the six-month period (default true)."""
    return bool(params.get("sugg_extension_needs_approval", True))


# --- SUGG-10: what is not a suggestion -------------------------------------------------------

#: SUGG-10 default exclusions (param `sugg_exclusions`); labels for the known codes.
EXCLUSION_LABELS: Mapping[str, Any] = {
    "outside_powers": _("Outside the powers of the city's organs"),
    "personal_matter": _("A personal matter of the deputy or relatives"),
    "forwarded_letter": _("A forwarded citizen's letter (handled as a citizen message)"),
    "academic_or_promotion": _("Academic debate or product promotion"),
    "no_content": _("No real content"),
    "pending_court_case": _("A case pending in court"),
}


def exclusion_label(code: str) -> Any:
    """The label of an exclusion; a city's own code is shown as written."""
    return EXCLUSION_LABELS.get(code, code)


def is_exclusion(code: str, configured: Sequence[str]) -> bool:
    """SUGG-10: a decline must name one of the congress's configured exclusions."""
    return bool(code) and code in list(configured)


def withdrawal_needs_request_note(*, by_filer: bool) -> bool:
    """SUGG-10: withdrawal is the deputy's own act, in writing. The filer withdraws for
    themselves; anyone else (staff) only records the deputy's written request, and must note
    that request (when and how it came), or a suggestion could be ended without its filer."""
    return not by_filer


# --- SUGG-6/7: labels of the configurable lists (the reply classes' are casework's) ------------

SATISFACTION_LABELS: Mapping[str, Any] = {
    "satisfied": _("Satisfied"),
    "basically_satisfied": _("Basically satisfied"),
    "dissatisfied": _("Dissatisfied"),
}


# --- SUGG-11: who is owed the reply to a joint suggestion -------------------------------------

ALL = "all"
LEAD_ONLY = "lead"


@dataclass(frozen=True)
class RecipientPlan:
    deputy: Any
    is_lead: bool
    owed_reply: bool


def recipients_for(*, filer: Any, cosigners: Sequence[Any], joint_reply_to: str) -> list[RecipientPlan]:
    """SUGG-11 `joint_reply_to`: `all` — the filer and every confirmed co-signer are owed a
    reply; `lead` — the filer is, and co-signers get a copy. The filer rates (SUGG-7)."""
    plan = [RecipientPlan(filer, True, True)]
    owed = joint_reply_to == ALL
    for deputy in cosigners:
        if deputy != filer and all(p.deputy != deputy for p in plan):
            plan.append(RecipientPlan(deputy, False, owed))
    return plan


# --- BILL-4: bills not placed on the agenda -------------------------------------------------


def bill_becomes_suggestion(params: Mapping[str, Any]) -> bool:
    """BILL-4 `unplaced_bill_handling`: convert to a suggestion (default) or leave it to the
    standing committee."""
    return params.get("unplaced_bill_handling", "convert_to_suggestion") == "convert_to_suggestion"


# --- numbering ------------------------------------------------------------------------------


def suggestion_number(year: int, serial: int) -> str:
    """The registration number: the year and a serial within the congress and year."""
    return f"{year}-{serial:04d}"


# --- SEC-6: scrubbing published text (SUGG-8) ---------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Resident ID numbers: 18 characters (last may be X) or the old 15 digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Mobile numbers, with or without +86 and separators.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
# Landlines: area code 0xx(x), then 7-8 digits.
_LANDLINE = re.compile(r"(?<!\d)\(?0\d{2,3}\)?[-\s]?\d{7,8}(?!\d)")
_CJK = re.compile(r"^[\u3400-\u9fff]+$")
MASK = "***"


def mask_name(name: str) -> str:
    """A Chinese name becomes its surname and 某 (张三 → 张某); anything else is masked."""
    name = name.strip()
    if _CJK.match(name) and len(name) >= 2:
        return name[0] + "某"
    return MASK


def scrub(text: str, *, names: Iterable[str] = ()) -> str:
    """SEC-6: remove e-mail addresses, ID numbers, phone numbers and the given names
    (the filers', co-signers') from text to be published."""
    text = text or ""
    text = _EMAIL.sub(MASK, text)
    text = _ID_NUMBER.sub(MASK, text)
    text = _MOBILE.sub(MASK, text)
    text = _LANDLINE.sub(MASK, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text
