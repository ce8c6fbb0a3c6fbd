"""The law of citizens' messages: pure functions, no ORM, no request (MSG-*, SEC-*, TIME-*).

- deadlines by regime and nature: 12345 limits in working days (MSG-3), 信访 in calendar
  days (MSG-6), a deputy's or station's voice by a configurable period (practice); and a
  信访's decision whether it is accepted, due `xf_ack_days` after receipt (MSG-6(a));
- non-acceptance grounds (MSG-5), reports never routed to the unit they accuse and the
  reporter hidden from it (MSG-7, SEC-15);
- intake checks: minors (SEC-7), sensitive content (SEC-7), anonymous and confidential
  messages (SEC-5, SEC-15);
- the tracking number printed to the citizen;
- `mask_for`: what each role sees of a citizen's personal data (SEC-8).

Functions return codes (`"guardian_consent_required"`); services turn them into translated
messages. Parameters come from the congress's effective parameters (rules.md §11).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from casework.rules import DAYS, WORKING_DAYS, Period, due_date
from core.workcalendar.rules import Deadline

from . import crypto

# --- the vocabulary (same values as voices.models choices) ------------------------------------

HOTLINE = "hotline"
PETITION = "petition"
DEPUTY_VOICE = "deputy_voice"
REGIMES = (HOTLINE, PETITION, DEPUTY_VOICE)

CONSULTATION = "consultation"
HELP = "help"
SUGGESTION = "suggestion"
COMPLAINT = "complaint"
REPORT = "report"
NATURES = (CONSULTATION, HELP, SUGGESTION, COMPLAINT, REPORT)

UNDER_14 = "under_14"
AGE_BANDS = ("", UNDER_14, "14_17", "adult")

CHANNELS = ("web", "phone", "import", "api", "open311", "station")

SUBJECT_MAX = 200
BODY_MAX = 10_000
NAME_MAX = 50
LOCATION_MAX = 300

# --- deadlines (MSG-3, MSG-6, TIME-1) ------------------------------------------------------------

#: MSG-3 `msg_limits` keys: the rules.md table has one row for "complaint/report".
_LIMIT_KEY = {CONSULTATION: "consultation", HELP: "help", SUGGESTION: "suggestion", COMPLAINT: "complaint",
              REPORT: "complaint"}
#: Used when a congress's table lacks a nature (the national defaults of core.organisation.rules).
_FALLBACK_LIMITS = {"consultation": 2, "help": 10, "suggestion": 10, "complaint": 15, "urgent": 0}
#: Deputies' and stations' voices are no legal category (MSG intro): a configurable period in
#: working days, `param: voice_reply_wd` (practice; not yet in the parameter registry).
DEFAULT_VOICE_REPLY_WD = 15
PRACTICE = "practice"


def hotline_limit_wd(params: Mapping[str, Any], nature: str, *, is_urgent: bool = False) -> int:
    """MSG-3: the 12345 handling limit in working days; urgent items the same day (0)."""
    limits = dict(_FALLBACK_LIMITS) | dict(params.get("msg_limits") or {})
    if is_urgent:
        return int(limits.get("urgent", 0))
    if nature == REPORT and "report" in limits:
        return int(limits["report"])
    return int(limits.get(_LIMIT_KEY.get(nature, "help"), limits["help"]))


def voice_reply_wd(params: Mapping[str, Any]) -> int:
    return int(params.get("voice_reply_wd") or DEFAULT_VOICE_REPLY_WD)


def reply_period(params: Mapping[str, Any], *, regime: str, nature: str = HELP, is_urgent: bool = False) -> Period:
    """The handling period of a message, counted from its routing (TIME-2: that day not counted).

    - hotline: `msg_limits` by nature in working days (MSG-3); urgent: the same day;
    - petition: `xf_decide_days` (60) calendar days from acceptance (MSG-6(b), TIME-1), rolled
      forward past a rest day (TIME-3): accepted 2026-03-02 → 2026-05-06;
    - deputy_voice: `voice_reply_wd` working days (practice); urgent: the same day.
    """
    if regime == PETITION:
        return Period(DAYS, int(params.get("xf_decide_days", 60)), "MSG-6")
    if regime == DEPUTY_VOICE:
        return Period(WORKING_DAYS, 0 if is_urgent else voice_reply_wd(params), "MSG-3" if is_urgent else PRACTICE)
    return Period(WORKING_DAYS, hotline_limit_wd(params, nature, is_urgent=is_urgent), "MSG-3")


def extended_period(params: Mapping[str, Any], *, regime: str, nature: str = HELP, is_urgent: bool = False) -> Period:
    """The longer period once an extension is approved, counted from the same start.

    Petition: 60 + at most 30 days (MSG-6(b), the head approves and tells the citizen why).
    Hotline and voices: the limit plus `msg_extension_max_wd` working days (MSG-3)."""
    base = reply_period(params, regime=regime, nature=nature, is_urgent=is_urgent)
    if regime == PETITION:
        return Period(DAYS, base.count + int(params.get("xf_extend_days", 30)), "MSG-6")
    return Period(WORKING_DAYS, base.count + int(params.get("msg_extension_max_wd", 10)), base.rule)


def assisting_period(params: Mapping[str, Any], *, regime: str, nature: str = HELP, is_urgent: bool = False) -> Period:
    """An assisting unit's (协办) view goes to the lead unit within the message's own period.

    No rule read sets an assisting unit's limit for a message (MSG-3 and MSG-6 set the
    message's; SUGG-5's 30 days are for deputies' suggestions and would outlast a 12345
    order's 2 to 15 working days). The lead unit cannot answer later than its own limit, so
    the assisting unit's view is due by then too (practice): the same period, the same rule.
    """
    return reply_period(params, regime=regime, nature=nature, is_urgent=is_urgent)


def rehandle_period(params: Mapping[str, Any], *, regime: str, nature: str = HELP, is_urgent: bool = False) -> Period:
    """After a dissatisfied call-back (MSG-4, practice): the same limit again; a petition's
    review (复查) is answered within `xf_review_days` (30) days (MSG-6(c))."""
    if regime == PETITION:
        return Period(DAYS, int(params.get("xf_review_days", 30)), "MSG-6")
    return reply_period(params, regime=regime, nature=nature, is_urgent=is_urgent)


#: voices.models.Message.Status.RECEIVED: received, the decision to accept it not yet taken.
RECEIVED = "received"


def awaits_acceptance(*, regime: str, status: str, merged: bool = False) -> bool:
    """MSG-6(a): whether a message owes its author, within `xf_ack_days` of receipt, the
    decision whether it is accepted. Only a letter or visit to the congress (信访) has such a
    period, and only while it is received and not merged into another message (that
    message's decision answers its sender too). A 12345 work order (MSG-3) and a deputy's
    or station's voice have no acceptance period: their limits run from routing."""
    return regime == PETITION and status == RECEIVED and not merged


def acceptance_period(params: Mapping[str, Any]) -> Period:
    """MSG-6(a): a petition's author is told within 15 days of receipt whether it is accepted
    (`xf_ack_days`: a city may be quicker, never slower). Calendar days (TIME-1: "日")."""
    return Period(DAYS, int(params.get("xf_ack_days", 15)), "MSG-6")


def acceptance_deadline(received_on: date, params: Mapping[str, Any], calendar) -> Deadline:
    """MSG-6(a) with TIME-2/3/4: the last day to tell a petitioner whether it is accepted, as a
    `Deadline` (provisional while the year's official schedule is missing). The receipt day
    is not counted; a last day that is a rest day moves past the rest period:
    received 2026-10-24 → day 15 is Sunday 2026-11-08 → 2026-11-09."""
    return due_date(received_on, acceptance_period(params), calendar,
                    weekend_is_rest_day=bool(params.get("weekend_is_rest_day", True)))


def acceptance_due(received_on: date, params: Mapping[str, Any], calendar) -> date:
    """MSG-6(a) with TIME-2/3: the last day to tell a petitioner whether it is accepted."""
    return acceptance_deadline(received_on, params, calendar).date


#: How far back `acceptance_overdue_through` looks past the nominal last day (the longest rest
#: period is about ten days; a year of rest days would be a broken calendar).
_LONGEST_ROLL = 366


def acceptance_overdue_through(today: date, params: Mapping[str, Any], calendar) -> date:
    """MSG-6(a), TIME-6: the last receipt day whose acceptance decision is overdue on `today`.

    A petition still awaiting the decision is overdue from 00:00 the day after its due date
    exactly when it was received on or before this day. That holds because the due date
    never moves back as the receipt day moves forward (N days later, then past any rest
    days), so a list can find the overdue ones by the receipt time alone, an index range,
    instead of working out each message's due date."""
    period = acceptance_period(params)
    day = today - timedelta(days=period.count + 1)
    for _step in range(_LONGEST_ROLL):
        if acceptance_due(day, params, calendar) < today:
            return day
        day -= timedelta(days=1)
    return day


def handling_due(start: date, period: Period, params: Mapping[str, Any], calendar) -> date:
    """TIME-2..4: the due date of `period` from `start`."""
    return due_date(start, period, calendar, weekend_is_rest_day=bool(params.get("weekend_is_rest_day", True))).date


# --- MSG-5 non-acceptance --------------------------------------------------------------------------


def check_nonacceptance(reason: str, note: str, grounds: Sequence[str]) -> dict[str, str]:
    """MSG-5: a message is refused only on a configured ground (`msg_nonacceptance_grounds`),
    with directions to the right channel. Returns {field: code}: `unknown_ground`,
    `directions_required`."""
    errors = {}
    if (reason or "").strip() not in list(grounds):
        errors["reason"] = "unknown_ground"
    if not (note or "").strip():
        errors["note"] = "directions_required"
    return errors


# --- MSG-7 reports and SEC-15 confidentiality ------------------------------------------------------


def routing_blocked_units(*, nature: str, accused_unit_id: int | None, unit_ids: Iterable[int | None]) -> list[int]:
    """MSG-7: the units among `unit_ids` a report may never be routed to (the one it accuses)."""
    if nature != REPORT or accused_unit_id is None:
        return []
    return [u for u in unit_ids if u is not None and u == accused_unit_id]


def identity_hidden_from_unit(*, nature: str, is_confidential: bool, accused_unit_id: int | None,
                              unit_id: int | None) -> bool:
    """MSG-7/SEC-15: a handling unit never learns who wrote a confidential message, nor who
    reported it (the accused unit)."""
    if is_confidential:
        return True
    return nature == REPORT and accused_unit_id is not None and unit_id == accused_unit_id


# --- SEC-8 masking ---------------------------------------------------------------------------------

FULL = "full"
MASKED = "masked"
HIDDEN = "hidden"
PERSONAL_FIELDS = ("name", "phone", "id_number")


@dataclass(frozen=True)
class Viewer:
    """Who looks: their role, their unit (a clerk) and whether it is their own message."""

    role: str | None
    unit_id: int | None = None
    is_submitter: bool = False


def mask_for(viewer: Viewer, *, nature: str = HELP, is_anonymous: bool = False, is_confidential: bool = False,
             accused_unit_id: int | None = None, revealed: bool = False) -> dict[str, str]:
    """SEC-8: how much of each personal field (`name`, `phone`, `id_number`) a viewer sees:
    FULL, MASKED (张**, 138****1234) or HIDDEN.

    - the citizen, their own message: everything (SEC-13);
    - staff: masked, in full only after a logged reveal (`revealed`); ID number hidden in
      lists (least privilege);
    - a handling-unit clerk: name and phone masked, ID number hidden; nothing at all when the
      message is confidential or reports that unit (MSG-7, SEC-15);
    - a deputy: the name masked, nothing else; nothing when confidential;
    - anyone else: nothing. An anonymous message shows no name to anyone but its author.
    """
    role = viewer.role
    if viewer.is_submitter:
        levels = dict.fromkeys(PERSONAL_FIELDS, FULL)
    elif role == "staff":
        levels = dict.fromkeys(PERSONAL_FIELDS, FULL) if revealed else {
            "name": MASKED, "phone": MASKED, "id_number": MASKED}
    elif role == "unit_clerk":
        if identity_hidden_from_unit(nature=nature, is_confidential=is_confidential,
                                     accused_unit_id=accused_unit_id, unit_id=viewer.unit_id):
            levels = dict.fromkeys(PERSONAL_FIELDS, HIDDEN)
        else:
            levels = {"name": MASKED, "phone": MASKED, "id_number": HIDDEN}
    elif role == "deputy":
        levels = dict.fromkeys(PERSONAL_FIELDS, HIDDEN) if is_confidential else {
            "name": MASKED, "phone": HIDDEN, "id_number": HIDDEN}
    else:
        levels = dict.fromkeys(PERSONAL_FIELDS, HIDDEN)
    if is_anonymous and not viewer.is_submitter and not (role == "staff" and revealed):
        levels["name"] = HIDDEN
    return levels


_MASKERS = {"name": crypto.mask_name, "phone": crypto.mask_phone, "id_number": crypto.mask_id_number}


def apply_mask(field: str, value: str, level: str) -> str:
    """The value as `level` allows ("" when hidden or empty)."""
    if not value or level == HIDDEN:
        return ""
    if level == FULL:
        return value
    return _MASKERS[field](value)


def may_reveal(role: str | None) -> bool:
    """SEC-8: only congress staff may see a citizen's data in full (and each view is logged)."""
    return role == "staff"


# --- SEC-7 minors and sensitive content -----------------------------------------------------------


def check_minor(*, age_band: str, guardian_consent: bool, is_anonymous: bool, has_identifying_data: bool) -> str | None:
    """SEC-7: an under-14's identifying data needs a guardian's consent. Without it the
    message may only come in anonymously, with no name, phone or ID number."""
    if age_band != UNDER_14 or guardian_consent:
        return None
    if not is_anonymous or has_identifying_data:
        return "guardian_consent_required"
    return None


_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])")
_HEALTH_WORDS = (
    "病历", "诊断", "确诊", "住院", "手术", "癌", "肿瘤", "艾滋", "HIV", "乙肝", "抑郁", "精神病", "精神疾病",
    "残疾", "怀孕", "流产", "传染病", "化疗", "透析", "病情",
)
_ID_WORDS = ("身份证号", "身份证号码", "护照号", "社保卡号", "银行卡号")


def sensitive_reasons(text: str) -> list[str]:
    """SEC-7: why a message's text holds sensitive data (health, ID numbers): codes
    `id_number`, `id_word`, `health:<word>`; empty when none."""
    text = text or ""
    reasons = []
    if _ID_NUMBER.search(text):
        reasons.append("id_number")
    if any(word in text for word in _ID_WORDS):
        reasons.append("id_word")
    upper = text.upper()
    reasons.extend(f"health:{word}" for word in _HEALTH_WORDS if word.upper() in upper)
    return reasons


# --- intake checks --------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """GB 11643: 18 characters, the last a check character (mod 11)."""
    number = crypto.normalise_number(value)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


#: A caller's phone holds digits, spaces, dashes and parentheses, and may start with "+"
#: (of +86). Anything else (a letter O for a zero, "abc-") refuses it: stripping it would
#: store a number nobody gave.
_PHONE_CHARACTERS = re.compile(r"\+?[0-9\s()\-]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
#: The area code: 0 and 2 digits (010 Beijing, 02x the other large cities) or 0 and 3 digits
#: (03xx-09xx, 0352 Datong), then a local number of 7-8 digits that starts 2-9 (a local number
#: never starts 0 or 1: those dial out of the area or reach a service). The fixed code
#: lengths keep 0352-1234567 from passing as 035 and 21234567.
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"
_LANDLINE = re.compile(rf"0{_AREA}[2-9][0-9]{{6,7}}")
#: After +86 / 0086 the area code's 0 is dropped (+86 352 5021234), though often kept.
_LANDLINE_INTERNATIONAL = re.compile(rf"0?{_AREA}[2-9][0-9]{{6,7}}")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
_EXTENSION = re.compile(r"[0-9]{1,6}")
_EXTENSION_WORD = re.compile(r"\s*(?:转|分机|ext\.?|x)\s*(?=[0-9]{1,6}$)", re.IGNORECASE)
#: The longest phone as typed (spaces and signs included): the import's column width.
PHONE_MAX = 40


def phone_text(value: str | None) -> str:
    """A phone as typed, tidied to store: full-width digits and signs (Chinese input methods)
    as ASCII, outer spaces dropped. Its digits and what `crypto.normalise_number` makes of
    them are unchanged, so its look-up hash is too."""
    return crypto.halfwidth(value or "").strip()


def phone_valid(value: str) -> bool:
    """A caller's phone number (mainland China), full-width digits allowed:

    - a mobile: 11 digits 1[3-9]xxxxxxxxx (138 1234 5678, 138-1234-5678);
    - a landline: the area code (010, 02x or 0 and 3 digits) and a 7-8 digit local number
      starting 2-9 (0352-5021234, (010) 62345678), optionally an extension after a separator
      or a word (0352-5021234-801, 0352-5021234转801, 分机 801, ext. 801); or the local number
      alone (5021234);
    - either after +86 or 0086 (a landline then with or without the area code's 0), a
      mobile also after a bare 86 (what `crypto.normalise_number` strips) or after the 0 a
      landline dials before another area's mobile (013812345678).

    Refused: any character but digits, spaces, -, ( ) and a leading +; more than PHONE_MAX
    characters; a short service number (110, 12345, 95588); a truncated mobile (1391234);
    a 1 or 0 opening a local number (0352-1234567)."""
    text = phone_text(value)
    if len(text) > PHONE_MAX:
        return False
    # An extension as people write it (0352-5021234转801, 分机 801, ext. 801) reads as one after "-".
    text = _EXTENSION_WORD.sub("-", text)
    groups = re.findall(r"[0-9]+", text)
    if not groups or not _PHONE_CHARACTERS.fullmatch(text):
        return False
    digits = "".join(groups)
    if text.startswith("+"):
        country = "86"
    elif digits.startswith("00"):
        country = "0086"
    else:
        if digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
            return True
        # A mobile of another area is dialled from a landline with a 0 first (013812345678).
        if digits.startswith("0") and _MOBILE.fullmatch(digits[1:]):
            return True
        return _mainland_number(digits, groups[-1], landline=_LANDLINE, local_alone=True)
    if not digits.startswith(country):
        return False  # another country's number
    return _mainland_number(digits[len(country):], groups[-1], landline=_LANDLINE_INTERNATIONAL,
                            local_alone=False)


def phone_from_number_cell(text: str, cell: Any) -> str:
    """A landline read from a spreadsheet cell that holds a number: Excel keeps 0352-5021234
    typed without a quote or a dash as the number 3525021234, its area code's 0 lost. Such a
    cell's text gets the 0 back when that makes a landline (a mobile never loses anything);
    any other text is returned as it is."""
    if isinstance(cell, bool) or not isinstance(cell, int | float) or phone_valid(text):
        return text
    restored = "0" + text
    return restored if _LANDLINE.fullmatch(restored) else text


def _mainland_number(digits: str, last_group: str, *, landline: re.Pattern, local_alone: bool) -> bool:
    """`digits` (no country code) as a mobile, a landline (an extension only when written
    apart: 0352-5021234801 is ambiguous) or, when allowed, a bare local number."""
    if _MOBILE.fullmatch(digits) or landline.fullmatch(digits):
        return True
    main = digits[: len(digits) - len(last_group)]
    if main and _EXTENSION.fullmatch(last_group) and landline.fullmatch(main):
        return True
    return local_alone and bool(_LOCAL.fullmatch(digits))


def check_intake(data: Mapping[str, Any]) -> dict[str, str]:
    """The checks of a message received (every channel): {field: code}.

    Codes: required, too_long, choice, anonymous_named (SEC-5: an anonymous message carries no
    name or ID number), accused_not_report (MSG-7: only a report names an accused unit),
    guardian_consent_required (SEC-7), publish_needs_name (SEC-6), confidential_named (SEC-6 and
    SEC-15 both asked for), phone_invalid,
    id_number_invalid, voice_needs_gatherer (a deputy's voice names its deputy or station),
    coordinates (latitude/longitude both or neither, in range).
    """
    errors: dict[str, str] = {}
    subject = (data.get("subject") or "").strip()
    body = (data.get("body") or "").strip()
    if not subject:
        errors["subject"] = "required"
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = "too_long"
    if not body:
        errors["body"] = "required"
    elif len(body) > BODY_MAX:
        errors["body"] = "too_long"
    for field, allowed in (("regime", REGIMES), ("nature", NATURES), ("channel", CHANNELS),
                           ("age_band", AGE_BANDS)):
        if (data.get(field) or "") not in allowed:
            errors[field] = "choice"
    name = (data.get("name") or "").strip()
    phone = (data.get("phone") or "").strip()
    id_number = (data.get("id_number") or "").strip()
    if len(name) > NAME_MAX:
        errors["name"] = "too_long"
    if len((data.get("location") or "").strip()) > LOCATION_MAX:
        errors["location"] = "too_long"
    if data.get("is_anonymous"):
        if name:
            errors["name"] = "anonymous_named"
        if id_number:
            errors["id_number"] = "anonymous_named"
    if phone and not phone_valid(phone):
        errors.setdefault("phone", "phone_invalid")
    if id_number and not id_number_valid(id_number):
        errors.setdefault("id_number", "id_number_invalid")
    if data.get("accused_unit") is not None and data.get("nature") != REPORT:
        errors["accused_unit"] = "accused_not_report"
    minor = check_minor(
        age_band=data.get("age_band") or "", guardian_consent=bool(data.get("guardian_consent")),
        is_anonymous=bool(data.get("is_anonymous")), has_identifying_data=bool(name or phone or id_number),
    )
    if minor:
        errors["guardian_consent"] = minor
    if data.get("consent_to_publish_name") and (not name or data.get("is_anonymous")):
        errors["consent_to_publish_name"] = "publish_needs_name"
    elif data.get("consent_to_publish_name") and data.get("is_confidential"):
        # SEC-15 asks that the identity be kept from the unit; SEC-6's consent would publish the
        # name to everyone. The two wishes contradict: the citizen says which one they mean.
        errors["consent_to_publish_name"] = "confidential_named"
    if data.get("regime") == DEPUTY_VOICE and data.get("gathered_by_deputy") is None and data.get("station") is None:
        errors["gathered_by_deputy"] = "voice_needs_gatherer"
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        errors["latitude"] = "coordinates"
    elif lat is not None:
        try:
            if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
                errors["latitude"] = "coordinates"
        except (TypeError, ValueError):
            errors["latitude"] = "coordinates"
    return errors


# --- tracking numbers ------------------------------------------------------------------------------

#: Crockford's base32: no I, L, O, U (never misread, never a word).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
PREFIX = "M"
RANDOM_LENGTH = 6
TRACKING_LENGTH = 1 + 6 + RANDOM_LENGTH + 1


def check_char(body: str) -> str:
    """Luhn mod 32 over `body` (catches every single wrong character and every swap of two
    neighbours)."""
    factor, total, n = 2, 0, len(ALPHABET)
    for char in reversed(body):
        addend = factor * _VALUE[char]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def make_tracking_number(received_on: date, random_part: str) -> str:
    """"M" + yymmdd + 6 random base32 characters + a check character: M260302K7Q2ZD9."""
    random_part = random_part.upper()
    if len(random_part) != RANDOM_LENGTH or any(c not in _VALUE for c in random_part):
        raise ValueError("the random part is 6 base32 characters")
    body = received_on.strftime("%y%m%d") + random_part
    return PREFIX + body + check_char(body)


def normalise_tracking_number(text: str | None) -> str | None:
    """The stored form of what a citizen typed (spaces, dashes, lower case and O/I/L for
    0/1 forgiven), or None when it cannot be a tracking number (wrong length, date or check)."""
    if not text:
        return None
    compact = re.sub(r"[\s\-_.·—]", "", str(text)).upper()
    if len(compact) != TRACKING_LENGTH or compact[0] != PREFIX:
        return None
    rest = compact[1:].translate(_CONFUSABLE)
    if any(c not in _VALUE for c in rest) or not rest[:6].isdigit():
        return None
    try:
        date(2000 + int(rest[:2]), int(rest[2:4]), int(rest[4:6]))
    except ValueError:
        return None
    body, check = rest[:-1], rest[-1]
    if check_char(body) != check:
        return None
    return PREFIX + rest


def take_up_refusal(*, nature: str, not_accepted: bool, taken_up: bool) -> str | None:
    """Why a message cannot be taken up as a suggestion, or None when it can: "report" (never:
    MSG-7, accusation material must not reach the unit accused, and a suggestion goes to the
    units concerned), "taken_up" (once only), "not_accepted"."""
    if nature == REPORT:
        return "report"
    if taken_up:
        return "taken_up"
    if not_accepted:
        return "not_accepted"
    return None


def display_tracking_number(number: str) -> str:
    """Grouped for reading aloud on the phone: M260302-K7Q2ZD-9."""
    return f"{number[:7]}-{number[7:13]}-{number[13:]}" if len(number) == TRACKING_LENGTH else number


# --- MSG-4 call-backs ------------------------------------------------------------------------------

SATISFIED = "satisfied"
BASICALLY_SATISFIED = "basically_satisfied"
DISSATISFIED = "dissatisfied"
UNREACHABLE = "unreachable"
CALLBACK_OUTCOMES = (SATISFIED, BASICALLY_SATISFIED, DISSATISFIED, UNREACHABLE)
SATISFACTION_SCALE = (SATISFIED, BASICALLY_SATISFIED, DISSATISFIED)


def callback_rates(outcome: str) -> bool:
    """MSG-4: an outcome that is a rating (the citizen answered); `unreachable` is only recorded."""
    return outcome in SATISFACTION_SCALE


def new_version_in_use(new_macro_f1: float | None, active_macro_f1: float | None, *, worse_by: float) -> bool:
    """Whether a model version just trained takes over from the one in use: unless its
    cross-validated macro-F1 is more than `worse_by` (VOICES_MODEL_WORSE_BY) below the active
    one's. A retraining that learnt worse suggestions (a run of odd routings, a reorganised
    unit) must not replace better ones unasked; staff can still put it in use from the models
    page. Figures measured on other histories differ by a little noise, hence the margin."""
    if new_macro_f1 is None or active_macro_f1 is None:
        return True
    return new_macro_f1 >= active_macro_f1 - worse_by


def callback_needs_comment(outcome: str) -> bool:
    """MSG-4: a dissatisfied citizen's case goes back to the unit to be handled again; the unit
    can only do better if it is told what the citizen found wrong, so the reason is required."""
    return outcome == DISSATISFIED


# --- SEC-10 suggestions --------------------------------------------------------------------------

#: The unit model overrides the category's usual unit only when at least this confident.
UNIT_OVERRIDE_CONFIDENCE = 0.6


def suggested_unit(*, category_unit_id: int | None, model_unit_id: int | None, model_confidence: float,
                   threshold: float = UNIT_OVERRIDE_CONFIDENCE) -> int | None:
    """SEC-10: the unit to *suggest* (a person confirms): the category's usual unit, unless the
    unit model is confident of another."""
    if model_unit_id is not None and (category_unit_id is None or model_confidence >= threshold):
        return model_unit_id
    return category_unit_id
