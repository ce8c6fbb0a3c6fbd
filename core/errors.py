"""Small domain exceptions; views and the API map each to one HTTP status in one place."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DatongError(Exception):
    """Base of every domain error: a machine-readable code and a translated message."""

    code = "error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code: str | None = None, details: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))


class NotAllowed(DatongError):
    code = "not_allowed"
    status = 403
    default_message = _("You are not allowed to do this.")


class NotFound(DatongError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class InvalidTransition(DatongError):
    """The object's state does not allow this action (the state machine said no)."""

    code = "invalid_transition"
    status = 409
    default_message = _("This action is not possible in the current state.")


class DeadlinePassed(DatongError):
    code = "deadline_passed"
    status = 409
    default_message = _("The deadline for this action has passed.")


class ValidationFailed(DatongError):
    """Bad input: nothing was written. `details` maps fields (or row numbers) to reasons."""

    code = "invalid"
    status = 422
    default_message = _("The input is not valid.")
