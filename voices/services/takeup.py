"""A deputy takes a citizen's message up as a suggestion (issue 5, item 6).

The deputy starts a draft suggestion of their own (SUGG-1, through `core.takeup`: voices does
not import proposals, design.md) from
the message's subject and text, scrubbed of personal information (SEC-6): a suggestion goes
to the handling units and may be published, the citizen's name and number must not. The
message keeps its own handling: the citizen is still owed the unit's reply; the citizen is
told (a notice, and the tracking page) that a deputy took the matter up, never who.

A report (accusation) is never taken up: a suggestion is sent to the units concerned, and
accusation material must not reach the unit accused (MSG-7).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _L

from core.audit.services import record
from core.errors import InvalidTransition, ValidationFailed
from core.notify.services import notify
from core.permissions import require
from core.takeup import Draft, start_draft

from .. import permissions, rules
from ..models import Message
from ..scrub import scrub
from .base import lock, now_or, sync


def _draft_text(message: Message) -> tuple[str, str]:
    """The draft's subject and content: the message's, scrubbed (SEC-6), with where it
    came from; the deputy rewrites them before submitting."""
    subject = scrub(message.subject).text.strip()
    source = _("From citizen's message %(number)s:") % {"number": rules.display_tracking_number(message.tracking_number)}
    body = scrub(message.body).text.strip()
    return subject, f"{source}\n\n{body}"


def take_up_as_suggestion(*, by, message, now=None) -> Draft:
    """A deputy who may read `message` starts a draft suggestion from it; the message records
    which. Raises NotAllowed (not a deputy, or not one who may read it), InvalidTransition
    (already taken up, or not accepted), ValidationFailed (a report: MSG-7)."""
    now = now_or(now)
    with transaction.atomic():
        locked = lock(message)
        require(by, permissions.TAKE_UP, locked)
        refusal = rules.take_up_refusal(nature=locked.nature, not_accepted=locked.status == Message.Status.NOT_ACCEPTED,
                                        taken_up=bool(locked.taken_up_as_suggestion))
        if refusal == "report":
            raise ValidationFailed(details={"nature": _(
                "A report is not taken up as a suggestion: accusation material must not reach the unit "
                "accused (MSG-7).")})
        if refusal == "taken_up":
            raise InvalidTransition(_("A deputy has already taken this message up as a suggestion."),
                                    details={"suggestion": locked.taken_up_as_suggestion})
        if refusal == "not_accepted":
            raise InvalidTransition(_("A message that was not accepted is not taken up."),
                                    details={"state": locked.status})
        subject, content = _draft_text(locked)
        suggestion = start_draft(by=by, subject=subject, content=content, now=now)
        locked.taken_up_as_suggestion = suggestion.id
        locked.save(update_fields=["taken_up_as_suggestion"])
        record(actor=by, action="voices.take_up", target=locked, before={"taken_up_as_suggestion": None},
               after={"taken_up_as_suggestion": suggestion.id})
        # The citizen is told that the matter went further, never by whom.
        notify(recipients=[locked.submitter], action="voices.take_up",
               title=_L("A deputy took up your message %(number)s as a suggestion"),
               params={"number": locked.tracking_number})
    sync(message, locked)
    return suggestion
