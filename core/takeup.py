"""A port between two domains: a citizen's message taken up as a deputy's suggestion.

voices (messages) and proposals (suggestions) are sibling domains, and a domain never
imports a sibling (design.md). proposals registers here, from its AppConfig.ready(), how a
draft suggestion is started and how one is named for a reader; voices calls these two and
knows nothing else of suggestions. A city whose installation has no suggestions gets a clear
refusal, not an import error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import ValidationFailed


@dataclass(frozen=True)
class Draft:
    """A suggestion as a reader of the message may see it: its id, subject, its page and
    the page where its filer edits the draft."""

    id: int
    subject: str
    url: str
    edit_url: str


_start: Callable[..., Draft] | None = None
_describe: Callable[..., Draft | None] | None = None


def register(*, start: Callable[..., Draft], describe: Callable[..., Draft | None]) -> None:
    """`start(by=, subject=, content=, now=)` starts a draft filed by the acting deputy, its
    subject and content cut to the suggestions' limits, and returns it (raising their own
    NotAllowed / ValidationFailed); `describe(user,
    suggestion_id)` returns it when `user` may read it, else None."""
    global _start, _describe
    _start, _describe = start, describe


def start_draft(*, by, subject: str, content: str, now=None) -> Draft:
    if _start is None:
        raise ValidationFailed(details={"suggestion": _("Suggestions are not set up in this installation.")})
    return _start(by=by, subject=subject, content=content, now=now)


def describe(user, suggestion_id: int | None) -> Draft | None:
    if _describe is None or not suggestion_id:
        return None
    return _describe(user, suggestion_id)
