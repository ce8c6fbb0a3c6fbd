"""Handling a registered suggestion: thin wrappers over casework, whose action codes read
`suggestion.<verb>` because the case's kind is "suggestion" (SUGG-2..9, SUGG-11)."""

from __future__ import annotations

from collections.abc import Iterable

from casework import services as casework
from casework.models import Assignment, Case, Reply
from core.errors import NotFound

from ..casekind import NAME as KIND
from ..models import Suggestion
from .base import Status, _refusal

# --- handling: thin wrappers over casework (action codes suggestion.<verb>) --------------------


def _case(suggestion: Suggestion) -> Case:
    suggestion = Suggestion.objects.select_related("case").filter(pk=suggestion.pk).first() or suggestion
    if suggestion.case_id is None:
        raise _refusal(suggestion, [Status.REGISTERED])
    return suggestion.case


def _suggestion_case(case: Case) -> Case:
    if case.kind != KIND:
        raise NotFound()
    return case


def assign_suggestion(*, by, suggestion: Suggestion, lead=None, assisting=(), separate=(), note: str = "", now=None):
    """SUGG-2/3/5: assign the registered suggestion's case (casework.assign_case)."""
    return casework.assign_case(by=by, case=_case(suggestion), lead=lead, assisting=assisting, separate=separate,
                                note=note, now=now)


def approve_suggestion_extension(*, by, assignment: Assignment, note: str = "", now=None) -> Assignment:
    """SUGG-4 (casework.approve_extension)."""
    _suggestion_case(assignment.case)
    return casework.approve_extension(by=by, assignment=assignment, note=note, now=now)


def reply_to_suggestion(*, by, assignment: Assignment, body: str, reply_class: str = "", class_reason: str = "",
                        letter=None, signed_by: str = "", now=None) -> Reply:
    """SUGG-5/6 (casework.submit_reply)."""
    _suggestion_case(assignment.case)
    return casework.submit_reply(by=by, assignment=assignment, body=body, reply_class=reply_class,
                                 class_reason=class_reason, letter=letter, signed_by=signed_by, now=now)


def rate_suggestion_reply(*, by, reply: Reply, satisfaction: str, comment: str = "", recipient=None, now=None):
    """SUGG-7 (casework.rate_reply)."""
    _suggestion_case(reply.case)
    return casework.rate_reply(by=by, reply=reply, satisfaction=satisfaction, comment=comment,
                               recipient=recipient, now=now)


def rehandle_suggestion(*, by, suggestion: Suggestion, note: str = "", now=None) -> Case:
    """SUGG-7 (casework.rehandle_case)."""
    return casework.rehandle_case(by=by, case=_case(suggestion), note=note, now=now)


def close_suggestion(*, by, suggestion: Suggestion, note: str = "", now=None) -> Case:
    """SUGG-7 (casework.close_case)."""
    return casework.close_case(by=by, case=_case(suggestion), note=note, now=now)


def supervise_suggestion(*, by, suggestion: Suggestion, supervised: bool = True, note: str = "", now=None) -> Case:
    """SUGG-9 (casework.supervise_case) on the case carrying the handling."""
    return casework.supervise_case(by=by, case=casework.live_case(_case(suggestion)), supervised=supervised,
                                   note=note, now=now)


def merge_suggestions(*, by, target: Suggestion, sources: Iterable[Suggestion], note: str = "", now=None) -> Case:
    """SUGG-11 (casework.merge_cases): every filer keeps a reply owed."""
    return casework.merge_cases(by=by, target=_case(target), sources=[_case(s) for s in sources], note=note, now=now)
