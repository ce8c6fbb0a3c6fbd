"""Helpers shared by the suggestion services: locking, the permission and state guard,
input checks."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.organisation.models import Deputy
from core.permissions import require

from .. import rules, selectors
from ..models import Suggestion, SuggestionCategory

_L = gettext_lazy
Status = Suggestion.Status

#: Files a deputy may attach (photos and documents).
ATTACHMENT_TYPES = ("pdf", "docx", "xlsx", "jpg", "png", "txt")
MAX_ATTACHMENTS = 10

_UNSET: Any = object()

_SUBJECT_ERRORS = {
    "required": _L("Write the subject."),
    "too_long": _L("The subject may have at most %(max)s characters."),
}
_CONTENT_ERRORS = {
    "required": _L("Write the suggestion."),
    "too_short": _L("Be specific: write at least %(min)s characters."),
    "too_long": _L("The suggestion may have at most %(max)s characters."),
}


def _now(now):
    return now or timezone.now()


def _lock(suggestion: Suggestion | int) -> Suggestion:
    pk = suggestion.pk if isinstance(suggestion, Suggestion) else suggestion
    # OF the suggestion alone: not its filer's and clerk's accounts (rows that everything the
    # same people write refers to, and would wait for, at commit).
    found = (
        Suggestion.objects.select_for_update(of=("self",)).select_related("filed_by", "entered_by").filter(pk=pk).first()
    )
    if found is None:
        raise NotFound()
    return found


def _refusal(suggestion: Suggestion, allowed) -> InvalidTransition:
    return InvalidTransition(
        _("This is not possible while the suggestion is “%(state)s”.") % {"state": suggestion.get_status_display()},
        details={"state": suggestion.status, "allowed_from": [str(a) for a in allowed]},
    )


def _sync(original, current):
    """Give the caller's instance the stored values (as core.workflow.transition does)."""
    if original is not None and original is not current and getattr(original, "pk", None) == current.pk:
        for field in current._meta.concrete_fields:
            setattr(original, field.attname, getattr(current, field.attname))
    return current


def _guard(by, code: str, suggestion: Suggestion, allowed_from) -> Suggestion:
    """Lock, check the permission, then the state (call inside a transaction)."""
    locked = _lock(suggestion)
    require(by, code, locked)
    if locked.status not in allowed_from:
        raise _refusal(locked, allowed_from)
    return locked


def _user_of(deputy: Deputy | None):
    return getattr(deputy, "user", None) if deputy is not None else None


def _subject_error(subject: str) -> str | None:
    code = rules.check_subject(subject)
    return str(_SUBJECT_ERRORS[code]) % {"max": rules.SUBJECT_MAX_CHARS} if code else None


def _content_error(content: str) -> str | None:
    code = rules.check_content(content)
    if code is None:
        return None
    return str(_CONTENT_ERRORS[code]) % {"min": rules.CONTENT_MIN_CHARS, "max": rules.CONTENT_MAX_CHARS}


def _check_category(category, congress_id: int) -> SuggestionCategory | None:
    if category is None:
        return None
    pk = category.pk if isinstance(category, SuggestionCategory) else category
    found = SuggestionCategory.objects.filter(pk=pk, congress_id=congress_id, is_active=True).first()
    if found is None:
        raise ValidationFailed(details={"category": _("Choose a category from the list.")})
    return found


def _url(suggestion: Suggestion) -> str:
    return selectors.suggestion_url(suggestion)
