"""Kinds of case: each domain registers its own, casework knows none of them by name.

    from casework import kinds
    from casework.rules import Period

    kinds.register(kinds.CaseKind(
        name="suggestion",                      # Case.kind
        prefix="suggestion",                    # action codes: suggestion.assign, ...
        label=_("suggestion"),
        reply_period=lambda params, case: Period("months", params["sugg_reply_months"], "SUGG-3"),
        extended_period=lambda params, case: Period("months", params["sugg_reply_months_extended"], "SUGG-3"),
        assisting_period=lambda params, case: Period("days", params["assisting_unit_days"], "SUGG-5"),
        rehandle_period=lambda params, case: Period("months", params["rehandle_months"], "SUGG-7"),
    ))

`params` are the congress's effective parameters (rules.md §11); `case` lets a kind choose
its period by the case (a citizen message's category, MSG-3). Registering a kind also
registers its action codes' permissions (`casework.permissions.register_case_permissions`);
a domain passes `permissions={verb: predicate}` to replace any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .rules import DEFAULT_REPLY_CLASSES, DEFAULT_SATISFACTION_SCALE, Period

PeriodRule = Callable[[Mapping[str, Any], Any], Period]


def _no_url(case) -> str:
    return ""


def _no_reference(case) -> str:
    return ""


@dataclass(frozen=True)
class CaseKind:
    name: str
    prefix: str
    label: Any
    reply_period: PeriodRule
    rehandle_period: PeriodRule
    extended_period: PeriodRule | None = None
    assisting_period: PeriodRule | None = None
    #: SUGG-4: True when staff must approve the longer period (else the unit may take it).
    extension_needs_approval: Callable[[Mapping[str, Any]], bool] = lambda params: True
    #: SUGG-6 / SUGG-7: the configured lists.
    reply_classes: Callable[[Mapping[str, Any]], list[str]] = lambda params: list(DEFAULT_REPLY_CLASSES)
    satisfaction_scale: Callable[[Mapping[str, Any]], list[str]] = (
        lambda params: list(DEFAULT_SATISFACTION_SCALE)
    )
    #: SUGG-7: a dissatisfied rating must say what is unsatisfactory (`rules.rating_needs_comment`).
    #: False only where the rating is an outcome staff record from ratings kept elsewhere.
    dissatisfied_needs_comment: bool = True
    #: The page of a case (for notifications); "" until the domain has pages. Filers are sent
    #: to the page of the case they filed, also after it was merged into another (SUGG-11).
    url: Callable[[Any], str] = _no_url
    #: The number people know a case by (a suggestion's number, a message's tracking
    #: number): how a filer's notice names their case ("" when the kind has none).
    reference: Callable[[Any], str] = _no_reference
    #: Predicates replacing casework's defaults for some verbs ({"withdraw": fn}).
    permissions: Mapping[str, Callable] = field(default_factory=dict)
    #: SUGG-6: a deputy's reply is a signed letter; a 12345 work order's reply may be the
    #: unit's written answer alone (the kind decides).
    reply_needs_letter: bool = True
    #: Whether staff may enter a case handled and closed before Datong, back-dated and
    #: without a rating (services.past): a 12345 centre's past work orders.
    past_outcomes: bool = False
    #: Roles that may be owed a reply (the doors of view, rate and withdraw).
    recipient_roles: tuple[str, ...] = ("deputy", "citizen")
    #: What the lead filers are told once every reply of the round is in (a lazy text with
    #: "%(title)s" and "%(unit)s"): None asks them to rate the reply themselves (SUGG-7); a
    #: kind whose filers' satisfaction staff collect by a call-back (MSG-4) says so instead.
    replies_complete_title: Any = None

    def code(self, verb: str) -> str:
        """The action code of `verb` for this kind: `suggestion.assign`."""
        return f"{self.prefix}.{verb}"


_KINDS: dict[str, CaseKind] = {}


def register(kind: CaseKind) -> CaseKind:
    """Register a kind of case and its action codes' permissions (once per name)."""
    from core.permissions import roles

    from .permissions import register_case_permissions

    existing = _KINDS.get(kind.name)
    if existing is not None:
        if existing is kind:
            return kind
        raise ValueError(f"case kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    overrides = dict(kind.permissions)
    if not kind.past_outcomes:
        # Deny by default: nobody enters past outcomes of a kind that takes none.
        overrides.setdefault("record_past", roles())
    register_case_permissions(kind.prefix, overrides=overrides, recipient_roles=kind.recipient_roles)
    return kind


def get(name: str) -> CaseKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no case kind {name!r} is registered") from None


def registered() -> list[CaseKind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)


def names() -> list[str]:
    return sorted(_KINDS)
