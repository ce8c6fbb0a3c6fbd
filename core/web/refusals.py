"""A service's refusal shown to the user: on the form that asked for the change, or as
error messages after a one-click action.

`attempt(form, action)` runs the service behind a valid form and puts its refusal on the
form. A DatongError carries a translated message and `details`. In a ValidationFailed the
details are the reasons, by field; a refusal by state also puts data there (the current
state, the states allowed, the voting method), which is not for people to read.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from core.errors import DatongError, NotAllowed

#: Detail keys that carry data, not a reason to show.
DATA_KEYS = frozenset({"state", "allowed_from", "method"})


def reasons(exc: DatongError) -> list[tuple[str, str]]:
    """The (place, reason) pairs of a refusal worth showing, in the order given."""
    return [
        (str(place), str(reason)) for place, reason in (exc.details or {}).items() if place not in DATA_KEYS
    ]


def form_errors(form, exc: DatongError) -> None:
    """Put a service's refusal on the form: each reason on its field (`field.part` counts as
    `field`), or on the form when no field has that name; the message when no reason is
    given."""
    found = reasons(exc)
    for place, reason in found:
        name = place.split(".")[0]
        form.add_error(name if name in form.fields else None, reason)
    if not found:
        form.add_error(None, str(exc.message))


def error_messages(request: HttpRequest, exc: DatongError, *, name_places: bool = False) -> None:
    """A refusal as error messages: its message, then each reason that says more. With
    `name_places` a reason is preceded by its place ("sheet 2: …")."""
    messages.error(request, str(exc.message))
    for place, reason in reasons(exc):
        if reason == str(exc.message):
            continue
        messages.error(request, f"{place}: {reason}" if name_places else reason)


def attempt(form, action: Callable[[], object]) -> bool:
    """Run the service behind a valid form: True once it is done, False with its refusal on
    the form. A refusal of permission is not the form's business: it is raised (403)."""
    try:
        action()
    except NotAllowed:
        raise
    except DatongError as exc:
        form_errors(form, exc)
        return False
    return True
