"""What core.takeup asks of suggestions: start a deputy's draft, and name one for a reader."""

from __future__ import annotations

from django.urls import reverse

from core.permissions import has_perm
from core.takeup import Draft

from . import permissions, rules
from .models import Suggestion
from .services import create_draft


def _draft(suggestion: Suggestion) -> Draft:
    return Draft(id=suggestion.pk, subject=suggestion.subject,
                 url=reverse("proposals:suggestion-detail", args=[suggestion.pk]),
                 edit_url=reverse("proposals:suggestion-edit", args=[suggestion.pk]))


def start(*, by, subject: str, content: str, now=None) -> Draft:
    """A draft filed by the acting deputy (SUGG-1: in office; create_draft checks), cut to
    the suggestions' lengths: the deputy rewrites it before submitting."""
    return _draft(create_draft(by=by, subject=subject.strip()[: rules.SUBJECT_MAX_CHARS],
                               content=content.strip()[: rules.CONTENT_MAX_CHARS], now=now))


def describe(user, suggestion_id: int) -> Draft | None:
    suggestion = Suggestion.objects.filter(pk=suggestion_id).first()
    if suggestion is None or not has_perm(user, permissions.VIEW, suggestion):
        return None
    return _draft(suggestion)
