"""What the message pages share: lists with htmx partials, a service's refusal put on a
form, the congress the pages work on, and masked contact data (SEC-8).

A refusal of permission stays a 403 and a message out of the user's scope a 404 (the
selectors raise NotFound); any other refusal by a service (state, input) is shown on the
page and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.accounts.roles import Role
from core.errors import DatongError, NotAllowed, NotFound, ValidationFailed
from core.organisation.selectors import current_congress_cached
from core.permissions import role_of

from .. import rules, selectors
from ..scrub import mask_numbers

PAGE_SIZE = 25
#: The status of a page re-shown with the service's refusal on its form.
INVALID = 422


def congress() -> Any:
    """The congress the message pages work on (one installation, one congress); read at most
    every few seconds per process (every citizen's message needs it)."""
    return current_congress_cached()


def posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# --- list pages: keyset pages and counts without COUNT(*) over millions -------------------------

#: The query-string key of a list page's position (the previous page's `cursor`).
CURSOR = "cursor"


def position(cursor: str | None) -> dict[str, Any]:
    """`selectors.message_page` keywords for a cursor from a link or the API: a keyset
    cursor for the by-date orders, or a row offset (digits) for the other orders."""
    cursor = (cursor or "").strip()
    return {"after": cursor or None, "offset": int(cursor) if cursor.isdigit() else 0}


def count_text(count: selectors.MessageCount) -> str:
    """ "12 messages", or "more than 1,000 messages" when the count stopped at its cap."""
    shown = number_format(count.value, force_grouping=True)
    if count.exact:
        return ngettext("%(count)s message", "%(count)s messages", count.value) % {"count": shown}
    return ngettext("more than %(count)s message", "more than %(count)s messages", count.value) % {"count": shown}


def _listed(page: selectors.MessagePage, count: selectors.MessageCount) -> dict[str, Any]:
    return {"page": page, "count": count, "count_text": count_text(count)}


def page_and_count(user, cursor: str | None, *, size: int | None = None, **filters):
    """One page of `selectors.messages_for(user, **filters)` from `cursor`, and its count.
    No COUNT(*): a list that fits on one page is its own count; otherwise
    `selectors.count_messages` (exact from the daily counts, or capped)."""
    page = selectors.message_page(user, limit=size or PAGE_SIZE, **position(cursor), **filters)
    if not page.has_next and not page.has_previous:
        return page, selectors.MessageCount(len(page.rows), True)
    return page, selectors.count_messages(user, cap=selectors.COUNT_CAP, **filters)


def message_list_context(request: HttpRequest, user, *, size: int | None = None, **filters) -> dict[str, Any]:
    """A list page's context from the request's cursor: `page` (rows, has_next, cursor,
    has_previous), `count`, `count_text`."""
    return _listed(*page_and_count(user, request.GET.get(CURSOR), size=size, **filters))


def small_list_context(request: HttpRequest, queryset, *, size: int | None = None) -> dict[str, Any]:
    """The same page shape over a small queryset (one person's own messages), by offset,
    counted up to `selectors.COUNT_CAP`."""
    size = size or PAGE_SIZE
    start = position(request.GET.get(CURSOR))["offset"]
    rows = list(queryset[start:start + size + 1])
    has_next = len(rows) > size
    page = selectors.MessagePage(rows=selectors.with_states(request.user, rows[:size]), has_next=has_next,
                                 cursor=str(start + size) if has_next else None, has_previous=start > 0)
    cap = selectors.COUNT_CAP
    n = len(rows) + start if not has_next else queryset.order_by()[:cap + 1].count()
    return _listed(page, selectors.MessageCount(min(n, cap), n <= cap))


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, without its position (for the export link)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(CURSOR, None)
    return query.urlencode()


def render_list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The full page, or only its results for an htmx filter request."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#results"
    return render(request, template, context)


def form_errors(form, exc: DatongError) -> None:
    """Each reason of a ValidationFailed on its field (or on the form); other refusals as
    the form's error."""
    placed = False
    if isinstance(exc, ValidationFailed):
        for field, reason in (exc.details or {}).items():
            name = str(field).split(".")[0]
            form.add_error(name if name in form.fields else None, str(reason))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def attempt(request: HttpRequest, form, action: Callable[[dict], Any]) -> tuple[bool, Any]:
    """Run the service when the form is valid: (True, result), or (False, None) to re-show
    the form with the refusal on it. A refusal of permission or scope is raised."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, action(form.cleaned_data)
    except (NotAllowed, NotFound):
        raise
    except DatongError as exc:
        form_errors(form, exc)
        return False, None


def status_for(request: HttpRequest, form) -> int:
    return INVALID if request.method == "POST" and form.errors else 200


def done(request: HttpRequest, text: str, url: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(url)


def detail_url(message) -> str:
    return reverse("voices:message-detail", args=[message.pk])


# --- contact data (SEC-8, SEC-15, MSG-7) -------------------------------------------------------


def _viewer(user, message) -> rules.Viewer:
    role = role_of(user)
    return rules.Viewer(
        role=role,
        unit_id=getattr(user, "handling_unit_id", None) if role == Role.UNIT_CLERK else None,
        is_submitter=bool(getattr(user, "pk", None)) and message.submitter_id == user.pk,
    )


def _levels(user, message, *, revealed: bool = False) -> dict[str, str]:
    return rules.mask_for(
        _viewer(user, message), nature=message.nature, is_anonymous=message.is_anonymous,
        is_confidential=message.is_confidential, accused_unit_id=message.accused_unit_id, revealed=revealed,
    )


def identity_withheld(user, message) -> bool:
    """True when this user may see nothing of who sent the message (SEC-15, MSG-7)."""
    return all(level == rules.HIDDEN for level in _levels(user, message).values())


def masked_contact(user, message) -> dict[str, str]:
    """Name, phone and ID number as this user may see them on a page: masked (张**,
    138****1234) or "" when hidden (voices.selectors.personal_data_for). Staff see them in
    full only through `reveal_personal_data`, which logs the view."""
    return selectors.personal_data_for(user, message)


def message_text(user, message, *, revealed: bool = False) -> dict[str, str]:
    """The message's own subject and text as this user may read them on its page (SEC-7,
    SEC-8): the ID, bank-card and phone numbers a citizen typed into them masked as the sender
    panel masks them (voices.scrub.mask_numbers), unless the user sees the sender's phone in
    full: the citizen, their own message; staff, after the reveal that logs it. Names and
    places stay: the unit needs them to act."""
    if text_in_full(user, message, revealed=revealed):
        return {"subject": message.subject, "body": message.body}
    return {"subject": mask_numbers(message.subject), "body": mask_numbers(message.body)}


def text_in_full(user, message, *, revealed: bool = False) -> bool:
    """True when `user` reads the numbers in the message's own text unmasked: whoever sees
    the sender's phone in full (SEC-8). One decision for the pages and the API."""
    return _levels(user, message, revealed=revealed)["phone"] == rules.FULL


def _model_versions(message) -> dict[str, int]:
    """{purpose: version} of the text models that made the message's suggestions."""
    return {model.purpose: model.version for model in message.suggested_with.all()}


def _made_by(key: str, versions: dict[str, int], *, from_category: bool, assessed: bool) -> str:
    """SEC-10: what made a suggestion: "model v3" (the version recorded on the message), or
    the word rules that assess urgency until an urgency model exists (voices.classify)."""
    source = "category" if from_category else key
    if source in versions:
        return _("model v%(version)s") % {"version": versions[source]}
    if key == "urgency" and assessed:
        return _("word rules")
    return ""


def suggestions_of(message) -> list[dict]:
    """SEC-10: each suggestion with the words that weighed most, for the person deciding
    (worked out when the message is first opened, then kept on it: selectors.suggestion_reasons)."""
    reasons = selectors.suggestion_reasons(message)
    versions = _model_versions(message)
    shown = []
    for key, title, value in (
        ("category", _("Suggested category"), message.suggested_category.name if message.suggested_category_id else ""),
        ("unit", _("Suggested handling unit"), message.suggested_unit.name if message.suggested_unit_id else ""),
        ("urgency", _("Suggested urgency"), _("Urgent") if message.suggested_urgent else _("Not urgent")),
    ):
        entry = reasons.get(key) or {}
        if not value and not entry:
            continue
        words = [
            {"word": str(r[0]), "weight": r[1] if len(r) > 1 else None}
            for r in (entry.get("reasons") or []) if r
        ]
        from_category = bool(key == "unit" and message.suggested_unit_id
                             and (not entry or entry.get("overridden_by_category")))
        item = {
            "key": key, "title": title, "value": value or entry.get("label", ""),
            "confidence": entry.get("confidence"), "reasons": words[:8], "basis": "",
            # SEC-10: which model version made it (a unit taken from the suggested category
            # was made by the category model).
            "made_by": _made_by(key, versions, from_category=from_category, assessed=bool(entry)),
        }
        if from_category:
            item.update({"confidence": None, "reasons": [], "basis": selectors.unit_basis(message, entry)})
        shown.append(item)
    return shown


def label_of(choices, value) -> str:
    return str(dict(choices).get(value, value))


def display_number(number: str) -> str:
    """The tracking number grouped for reading aloud (M260302-K7Q2ZD-9)."""
    return rules.display_tracking_number(number)


def not_found_text() -> str:
    return _("No message has this tracking number.")
