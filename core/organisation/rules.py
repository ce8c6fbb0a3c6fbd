"""The configurable parameters of rules.md §11, with their national defaults and the
statutory limits a city's (or a session's) value must stay within.

Pure functions, no database: `effective_parameters(congress, session)` only reads the
attributes it is given. A value fixed by law (`fixed=True`) may be stored only as the
statutory value itself; a bounded value is refused outside its bounds with a message that
names the rule. Fractions are written "2/3" and computed with integers (TIME-7).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CITY = "city"
PROVINCE = "province"
COUNTY = "county"
LEVELS = (PROVINCE, CITY, COUNTY)

#: Parameters a session may set for itself (its 选举办法, 议事规则, 票决办法), within the law.
SESSION = "session"
#: Parameters set once for the congress.
CONGRESS = "congress"

# Kinds of values.
INT = "int"
FRACTION = "fraction"
BOOL = "bool"
CHOICE = "choice"
TEXT = "text"
LIST = "list"
TABLE = "table"  # {name: non-negative int}, e.g. working days by message category


class ParameterError(ValueError):
    """A parameter value the law (or its kind) does not allow; `message` says why."""

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = str(message)
        super().__init__(f"{key}: {self.message}")


@dataclass(frozen=True)
class Context:
    """What the limits depend on: the congress's level and population."""

    level: str = CITY
    population: int | None = None


@dataclass(frozen=True)
class Parameter:
    key: str
    rules: str  # rules.md IDs
    kind: str
    label: Any  # lazy translated text
    default: Any = None
    #: Defaults that differ by the congress's level (ELEC-4: 30 / 20 / 10).
    by_level: Mapping[str, Any] = field(default_factory=dict)
    #: Fixed by law: only the statutory (level) value may be stored.
    fixed: bool = False
    minimum: Any = None
    maximum: Any = None
    choices: tuple[str, ...] = ()
    scope: str = CONGRESS
    #: Bounds that depend on the context, returning (minimum, maximum).
    bounds: Callable[[Context], tuple[Any, Any]] | None = None

    def default_for(self, level: str) -> Any:
        return self.by_level.get(level, self.default)


# --- limits that depend on the congress --------------------------------------------------

# ELEC-2 (LOL-2022 art. 47 paras 4-5): a 设区的市 standing committee has 29 to 51 members,
# up to 61 where the population exceeds 8 million. The province and county figures are
# (from memory) the same article's other tiers: province 45-75 (95 above 80 million),
# county-level 15-35 (45 above 1 million); rules.md quotes only the city tier.
_SC_SIZE_TIERS = {
    PROVINCE: (45, 75, 80_000_000, 95),
    CITY: (29, 51, 8_000_000, 61),
    COUNTY: (15, 35, 1_000_000, 45),
}


def sc_size_bounds(level: str, population: int | None) -> tuple[int, int]:
    """ELEC-2: (fewest, most) standing-committee members for a congress of this level and
    population; "超过" excludes the threshold itself (TIME-7)."""
    low, high, big_population, big_high = _SC_SIZE_TIERS.get(level, _SC_SIZE_TIERS[CITY])
    if population is not None and population > big_population:
        high = big_high
    return low, high


def _sc_bounds(context: Context) -> tuple[int, int]:
    return sc_size_bounds(context.level, context.population)


# ELEC-4 (LOL-2022 art. 26): deputies needed to co-nominate an office holder.
NOMINATION_MIN_DEPUTIES = {PROVINCE: 30, CITY: 20, COUNTY: 10}


def nomination_min_deputies(level: str) -> int:
    """ELEC-4: the statutory number of deputies who may jointly nominate (30/20/10)."""
    return NOMINATION_MIN_DEPUTIES[level]


# --- the registry ------------------------------------------------------------------------

_L = gettext_lazy

PARAMETERS: tuple[Parameter, ...] = (
    # 1. Plenary sessions
    Parameter("all_deputies_basis", "SESS-4", CHOICE, _L("Basis of \"all deputies\""),
              default="in_office", choices=("in_office", "elected")),
    Parameter("quorum_fraction", "SESS-1", FRACTION, _L("Share of deputies needed to sit"),
              default="2/3", fixed=True),
    Parameter("extra_session_fraction", "SESS-2", FRACTION,
              _L("Share of deputies who may propose an extraordinary session"), default="1/5", fixed=True),
    # 2. Elections
    Parameter("sc_size", "ELEC-2", INT, _L("Number of standing-committee members"),
              default=None, bounds=_sc_bounds),
    Parameter("nomination_min_deputies", "ELEC-4", INT, _L("Deputies needed to nominate jointly"),
              by_level=NOMINATION_MIN_DEPUTIES, default=20, fixed=True),
    Parameter("margin_single_office", "ELEC-6", INT,
              _L("Extra candidates for single-holder offices"), default=1, minimum=0, maximum=1, scope=SESSION),
    Parameter("margin_deputy_office", "ELEC-7", INT,
              _L("Extra candidates for vice-chairs and vice-mayors"), default=1, minimum=1, maximum=3,
              scope=SESSION),
    Parameter("deliberation_min_days", "ELEC-8", INT,
              _L("Minimum days from nomination to vote at a general election"), default=2, minimum=2,
              maximum=30, scope=SESSION),
    Parameter("candidate_list_deadline", "ELEC-8", TEXT, _L("When the official candidate list is fixed"),
              default="", scope=SESSION),
    Parameter("primary_tie_rule", "ELEC-9", CHOICE, _L("Tie at the cut-off of a primary"),
              default="revote", choices=("revote", "lot"), scope=SESSION),
    Parameter("ambiguous_mark_policy", "ELEC-12", CHOICE, _L("An unclear mark on one candidate"),
              default="abstain_for_that_candidate", choices=("abstain_for_that_candidate", "void_ballot"),
              scope=SESSION),
    Parameter("tiebreak_requires_majority", "ELEC-14", BOOL,
              _L("A tie-break vote needs a majority of all deputies"), default=False, scope=SESSION),
    Parameter("runoff_timing", "ELEC-15", CHOICE, _L("When a run-off is held"),
              default="this_session", choices=("this_session", "next_session"), scope=SESSION),
    Parameter("recall_secret", "ELEC-19", BOOL, _L("Recall votes are secret"), default=True),
    Parameter("recall_min_fraction", "ELEC-19", FRACTION, _L("Share of deputies needed for a recall motion"),
              default="1/10", fixed=True),
    # 3. Resolutions
    Parameter("interpellation_min_deputies", "RES-2", INT, _L("Deputies needed for an interpellation"),
              default=10, fixed=True),
    Parameter("vote_method", "RES-1", CHOICE, _L("How resolutions are voted on"),
              default="electronic", choices=("electronic", "hands", "paper"), scope=SESSION),
    # 4. Bills
    Parameter("bill_min_deputies", "BILL-1", INT, _L("Deputies needed to file a bill"),
              default=10, fixed=True),
    Parameter("bill_deadline", "BILL-6", TEXT, _L("Cut-off for filing bills in a session"),
              default="", scope=SESSION),
    Parameter("unplaced_bill_handling", "BILL-4", CHOICE, _L("Bills not placed on the agenda"),
              default="convert_to_suggestion", choices=("convert_to_suggestion", "standing_committee")),
    # 5. Suggestions
    Parameter("sugg_assign_within_wd", "SUGG-2", INT, _L("Working days to assign a suggestion"),
              default=5, minimum=1, maximum=30),
    # SUGG-3 (DL-2025 art. 51): at most 3 months, or 6 for difficult suggestions; a city may
    # demand faster replies, never slower ones.
    Parameter("sugg_reply_months", "SUGG-3", INT, _L("Months to reply to a suggestion"),
              default=3, minimum=1, maximum=3),
    Parameter("sugg_reply_months_extended", "SUGG-3", INT, _L("Months to reply to a difficult suggestion"),
              default=6, minimum=1, maximum=6),
    Parameter("sugg_extension_needs_approval", "SUGG-4", BOOL, _L("The six-month period needs approval"),
              default=True),
    Parameter("assisting_unit_days", "SUGG-5", INT, _L("Days for an assisting unit to send its view"),
              default=30, minimum=1, maximum=90),
    Parameter("reply_classes", "SUGG-6", LIST, _L("Reply classes"), default=["A", "B", "C", "D"]),
    Parameter("satisfaction_scale", "SUGG-7", LIST, _L("Satisfaction scale"),
              default=["satisfied", "basically_satisfied", "dissatisfied"]),
    Parameter("rehandle_months", "SUGG-7", INT, _L("Months to re-handle after dissatisfaction"),
              default=1, minimum=1, maximum=6),
    # SUGG-8: 机关代字 of the handling report's document number (GB/T 9704 7.2.4); empty:
    # the standing committee's short name (人大常委会).
    Parameter("report_number_prefix", "SUGG-8", TEXT, _L("Prefix of the handling report's document number"),
              default=""),
    Parameter("joint_reply_to", "SUGG-11", CHOICE, _L("Who receives the reply to a joint suggestion"),
              default="all", choices=("all", "lead")),
    Parameter("sugg_exclusions", "SUGG-10", LIST, _L("Items not accepted as suggestions"),
              default=["outside_powers", "personal_matter", "forwarded_letter", "academic_or_promotion",
                       "no_content", "pending_court_case"]),
    # 6. Citizens' messages
    Parameter("msg_limits", "MSG-3", TABLE, _L("Handling limits by category (working days)"),
              default={"consultation": 2, "help": 10, "suggestion": 10, "complaint": 15, "urgent": 0},
              minimum=0, maximum=60),
    Parameter("msg_return_wd", "MSG-3", INT, _L("Working days to return a misrouted order"),
              default=2, minimum=0, maximum=10),
    Parameter("msg_extension_max_wd", "MSG-3", INT, _L("Longest extension of an order (working days)"),
              default=10, minimum=0, maximum=60),
    Parameter("voice_reply_wd", "MSG", INT,
              _L("Working days to answer a voice gathered by a deputy or liaison station"),
              default=15, minimum=1, maximum=60),
    Parameter("msg_nonacceptance_grounds", "MSG-5", LIST, _L("Grounds for not accepting a message"),
              default=["litigation_or_arbitration", "discipline_inspection", "administrative_review",
                       "information_disclosure", "already_in_petition", "secrets_or_privacy",
                       "lawfully_concluded", "no_content"]),
    Parameter("callback_within_wd", "MSG-4", INT, _L("Working days to make the call-back"),
              default=5, minimum=1, maximum=30),
    Parameter("hotline_answer_s", "MSG-2", INT, _L("Target seconds to answer a call"),
              default=15, minimum=1, maximum=120),
    Parameter("hotline_connect_rate", "MSG-2", FRACTION, _L("Target 24-hour connection rate"),
              default="95/100", minimum="95/100", maximum="1"),
    # XF-2022 arts. 23, 34-36: national limits; a city may be quicker, never slower.
    Parameter("xf_ack_days", "MSG-6", INT, _L("Days to tell a petitioner whether it is accepted"),
              default=15, minimum=1, maximum=15),
    Parameter("xf_decide_days", "MSG-6", INT, _L("Days to decide a petition"),
              default=60, minimum=1, maximum=60),
    Parameter("xf_extend_days", "MSG-6", INT, _L("Longest extension of a petition (days)"),
              default=30, minimum=0, maximum=30),
    Parameter("xf_review_days", "MSG-6", INT, _L("Days to request and to answer a review"),
              default=30, fixed=True),
    # 7. Livelihood projects
    Parameter("proj_candidate_surplus", "PROJ-3", INT, _L("Extra candidate projects"),
              default=2, minimum=1, maximum=50, scope=SESSION),
    Parameter("proj_requires_majority_of_all", "PROJ-4", BOOL,
              _L("A chosen project needs a majority of all deputies"), default=True, scope=SESSION),
    Parameter("proj_tie_rule", "PROJ-4", CHOICE, _L("Tie at the cut-off of a project vote"),
              default="revote", choices=("revote", "lot"), scope=SESSION),
    Parameter("proj_shortfall_rule", "PROJ-4", CHOICE, _L("Too few projects pass"),
              default="leave_empty", choices=("leave_empty", "next_best"), scope=SESSION),
    Parameter("proj_assessment_scale", "PROJ-7", LIST, _L("Project assessment scale"),
              default=["satisfied", "basically_satisfied", "dissatisfied"]),
    Parameter("proj_dissatisfied_threshold", "PROJ-7", FRACTION,
              _L("Share of dissatisfied votes that sends a project back"), default="1/2",
              minimum="0", maximum="1"),
    # 8. Draft regulations
    Parameter("draft_comment_min_days", "DRAFT-4", INT, _L("Minimum public-comment period (days)"),
              default=30, minimum=30, maximum=365),
    Parameter("draft_close_roll_forward", "DRAFT-4", BOOL,
              _L("A comment period closing on a rest day moves to the next working day"), default=True),
    Parameter("provincial_approval_months", "DRAFT-2", INT, _L("Provincial review period (months)"),
              default=4, fixed=True),
    # 9. Time
    Parameter("weekend_is_rest_day", "TIME-3", BOOL, _L("Weekends are rest days"), default=True),
    Parameter("business_close_time", "TIME-3", TEXT, _L("End of the last day"), default="24:00"),
    Parameter("timezone", "TIME-5", CHOICE, _L("Time zone for legal dates"),
              default="Asia/Shanghai", choices=("Asia/Shanghai",), fixed=True),
    # 10. Data protection
    Parameter("retention_days", "SEC-5", TABLE, _L("Retention of personal data by class (days)"),
              default={}, minimum=1, maximum=36500),
)

REGISTRY: dict[str, Parameter] = {p.key: p for p in PARAMETERS}


def parameter(key: str) -> Parameter:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ParameterError(key, _("There is no parameter called «%(key)s».") % {"key": key}) from None


# --- values ------------------------------------------------------------------------------

_FRACTION_TEXT = re.compile(r"^\s*(\d+)\s*(?:/\s*(\d+))?\s*$")


def parse_fraction(value: Any) -> Fraction:
    """"2/3" (or 2, or a Fraction) as an exact Fraction; never a float (TIME-7)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Fraction(value)
    match = _FRACTION_TEXT.match(str(value))
    if not match:
        raise ValueError(value)
    denominator = int(match.group(2) or 1)
    if denominator == 0:
        raise ValueError(value)
    return Fraction(int(match.group(1)), denominator)


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _as_int(p: Parameter, value: Any) -> int:
    if isinstance(value, bool):
        raise ParameterError(p.key, _("a whole number is needed."))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise ParameterError(p.key, _("a whole number is needed."))


def _as_bool(p: Parameter, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in {"true", "1", "yes", "是", "on"}:
        return True
    if text in {"false", "0", "no", "否", "off"}:
        return False
    raise ParameterError(p.key, _("yes or no is needed."))


def _out_of_range(p: Parameter, low: Any, high: Any) -> ParameterError:
    return ParameterError(
        p.key,
        _("%(label)s must be between %(low)s and %(high)s (%(rules)s).")
        % {"label": p.label, "low": low, "high": high, "rules": p.rules},
    )


def _check_bounds(p: Parameter, value: Any, low: Any, high: Any, show: Callable[[Any], str] = str) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        raise _out_of_range(
            p, show(low) if low is not None else "—", show(high) if high is not None else "—"
        )


def validate_parameter(key: str, value: Any, *, context: Context | None = None) -> Any:
    """Return `value` normalised for storage, or raise ParameterError saying why the law
    (or the parameter's kind) does not allow it. None means "use the default"."""
    context = context or Context()
    p = parameter(key)
    if value is None:
        return None
    if p.fixed:
        statutory = p.default_for(context.level)
        same = (
            parse_fraction(value) == parse_fraction(statutory) if p.kind == FRACTION and _is_fraction(value)
            else str(value).strip() == str(statutory)
        )
        if not same:
            raise ParameterError(
                p.key,
                _("%(label)s is fixed by law at %(value)s for this congress (%(rules)s).")
                % {"label": p.label, "value": statutory, "rules": p.rules},
            )
        return statutory
    if p.kind == INT:
        number = _as_int(p, value)
        low, high = p.bounds(context) if p.bounds else (p.minimum, p.maximum)
        _check_bounds(p, number, low, high)
        return number
    if p.kind == FRACTION:
        try:
            fraction = parse_fraction(value)
        except ValueError:
            raise ParameterError(p.key, _("a fraction such as 2/3 is needed.")) from None
        low = parse_fraction(p.minimum) if p.minimum is not None else None
        high = parse_fraction(p.maximum) if p.maximum is not None else None
        _check_bounds(p, fraction, low, high, _fraction_text)
        return _fraction_text(fraction)
    if p.kind == BOOL:
        return _as_bool(p, value)
    if p.kind == CHOICE:
        text = str(value).strip()
        if text not in p.choices:
            raise ParameterError(
                p.key,
                _("%(label)s must be one of: %(choices)s.") % {"label": p.label, "choices": ", ".join(p.choices)},
            )
        return text
    if p.kind == TEXT:
        text = str(value).strip()
        if len(text) > 200:
            raise ParameterError(p.key, _("at most 200 characters are allowed."))
        return text
    if p.kind == LIST:
        items = re.split(r"[,，、;；\n]+", value) if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ParameterError(p.key, _("a list is needed."))
        cleaned = [str(item).strip() for item in items if str(item).strip()]
        if not cleaned:
            raise ParameterError(p.key, _("the list may not be empty."))
        return cleaned
    if p.kind == TABLE:
        if not isinstance(value, Mapping):
            raise ParameterError(p.key, _("a table of names and numbers is needed."))
        table = {}
        for name, number in value.items():
            number = _as_int(p, number)
            _check_bounds(p, number, p.minimum, p.maximum)
            table[str(name).strip()] = number
        return table
    raise ParameterError(p.key, _("unsupported parameter kind."))  # pragma: no cover


def _is_fraction(value: Any) -> bool:
    try:
        parse_fraction(value)
    except ValueError:
        return False
    return True


def _cross_check(values: Mapping[str, Any]) -> dict[str, str]:
    """Limits between parameters (SUGG-3: the extended period is never the shorter one)."""
    errors = {}
    normal, extended = values.get("sugg_reply_months"), values.get("sugg_reply_months_extended")
    if normal is not None and extended is not None and extended < normal:
        errors["sugg_reply_months_extended"] = _(
            "The extended reply period may not be shorter than the normal one (SUGG-3)."
        )
    return errors


def validate_parameters(
    overrides: Mapping[str, Any] | None, *, context: Context | None = None, scope: str = CONGRESS
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a set of stored overrides: `(cleaned, errors)`; errors map keys to messages.

    With `scope=SESSION` only the parameters a session may set are accepted.
    """
    context = context or Context()
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in (overrides or {}).items():
        try:
            p = parameter(key)
            if scope == SESSION and p.scope != SESSION:
                raise ParameterError(
                    key, _("%(label)s is set for the congress, not per session.") % {"label": p.label}
                )
            normalised = validate_parameter(key, value, context=context)
        except ParameterError as exc:
            errors[key] = exc.message
            continue
        if normalised is not None:
            cleaned[key] = normalised
    if not errors:
        merged = {**defaults_for(context.level), **cleaned}
        errors.update(_cross_check(merged))
    return cleaned, errors


def defaults_for(level: str) -> dict[str, Any]:
    """Every parameter's national default for a congress of `level`."""
    return {p.key: _copy(p.default_for(level)) for p in PARAMETERS}


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def effective_parameters(congress, session=None) -> dict[str, Any]:
    """Defaults for the congress's level, overlaid with its stored parameters and then the
    session's. Stored values are trusted to have been validated on the way in; a key no
    longer in the registry is ignored."""
    values = defaults_for(congress.level)
    for source in (congress.parameters or {}, (session.parameters or {}) if session is not None else {}):
        for key, value in source.items():
            if key in REGISTRY and value is not None:
                values[key] = _copy(value)
    return values


# --- figures derived from parameters -------------------------------------------------------

def at_least_fraction(total: int, fraction: Any) -> int:
    """The smallest whole number that is at least `fraction` of `total` ("以上", TIME-7),
    with integer arithmetic: 500 deputies, 2/3 → 334."""
    share = parse_fraction(fraction)
    return -((-total * share.numerator) // share.denominator)


def quorum(deputies: int, parameters: Mapping[str, Any]) -> int:
    """SESS-1: deputies needed for a session to sit."""
    return at_least_fraction(deputies, parameters["quorum_fraction"])


def recall_motion_min(deputies: int, parameters: Mapping[str, Any]) -> int:
    """ELEC-19: co-signers needed for a recall motion (one-tenth or more)."""
    return at_least_fraction(deputies, parameters["recall_min_fraction"])


def extra_session_min(deputies: int, parameters: Mapping[str, Any]) -> int:
    """SESS-2: deputies who may jointly propose an extraordinary session."""
    return at_least_fraction(deputies, parameters["extra_session_fraction"])


def validate_sc_size(size: int | None, *, level: str, population: int | None) -> None:
    """ELEC-2: raise ParameterError if a standing committee's size is outside the bounds."""
    if size is None:
        return
    validate_parameter("sc_size", size, context=Context(level=level, population=population))
