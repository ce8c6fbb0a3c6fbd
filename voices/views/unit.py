"""The handling unit's pages: the messages assigned to the clerk's unit, and the reply,
written through casework's `submit_reply` (the one reply service of every kind of case).

The reporter's identity is never on these pages when the message is confidential, anonymous
or an accusation (SEC-15, MSG-7: common.identity_withheld); the message page shows the rest.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from casework import rules as case_rules
from casework import services as casework
from casework.models import Assignment
from core.errors import NotFound
from core.organisation.rules import effective_parameters
from core.permissions import require, requires

from .. import forms, selectors
from . import common
from . import permissions_used as codes


@requires(codes.REPLY)
def assigned_list(request: HttpRequest) -> HttpResponse:
    """The messages assigned to the clerk's unit (the selector shows a unit nothing else),
    newest first, a page at a time by cursor."""
    return render(request, "voices/assigned_list.html", common.message_list_context(request, request.user))


def _assignment_for(user, assignment_id: int) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.select_related("case", "unit"), pk=assignment_id)
    message = getattr(assignment.case, "message", None)
    if message is None:
        raise NotFound()
    selectors.message_for(user, message.pk)  # NotFound when out of the user's scope
    return assignment


def _classes(congress) -> list[tuple[str, str]]:
    return case_rules.reply_class_choices(effective_parameters(congress).get("reply_classes") or [])


@requires(codes.REPLY)
def message_reply(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The unit's reply to the citizen: class, text, signed letter (casework's rules); from an
    assisting unit, its view for the lead unit. Once nothing is owed (the unit has replied, or
    the case is no longer being handled: `casework.rules.assignment_open`) the page says so,
    with what the unit sent, and offers no form (a POST is answered 409, nothing written)."""
    assignment = _assignment_for(request.user, assignment_id)
    require(request.user, codes.REPLY, assignment)
    message = assignment.case.message
    to_lead = assignment.role == case_rules.ASSISTING
    page = {"message": message, "assignment": assignment, "back": common.detail_url(message), "to_lead": to_lead}
    if not case_rules.assignment_open(assignment.status, assignment.case.status):
        # Nothing is owed any more (the unit replied, or the case is past handling): the page
        # says so, with the reply sent, instead of a form the service can only refuse.
        sent = next((r for r in selectors.replies_for(request.user, message) if r.assignment_id == assignment.pk), None)
        return render(request, "voices/reply_form.html", {**page, "answered": True, "reply": sent},
                      status=200 if request.method == "GET" else 409)
    form = forms.ReplyForm(common.posted(request), request.FILES if request.method == "POST" else None,
                           classes=_classes(message.congress), to_lead=to_lead)
    ok, _reply = common.attempt(request, form, lambda data: casework.submit_reply(
        by=request.user, assignment=assignment, body=data["body"], reply_class=data.get("reply_class", ""),
        class_reason=data.get("class_reason", ""), letter=data.get("letter") or None,
        signed_by=data.get("signed_by", ""),
    ))
    if ok:
        done = _("Your view was sent to the lead unit.") if to_lead else _("The reply was sent.")
        return common.done(request, done, common.detail_url(message))
    return render(request, "voices/reply_form.html", {**page, "form": form}, status=common.status_for(request, form))
