"""The deputy's pages: the messages of their district (and those they gathered), and taking
one up as a suggestion (issue 5, item 6)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import requires

from .. import selectors, services
from . import common
from . import permissions_used as codes


@requires(codes.DISTRICT)
def district_list(request: HttpRequest) -> HttpResponse:
    """What the people of the deputy's district wrote (and what the deputy gathered), newest
    first, a page at a time by cursor; contact data is never on it (the message page masks
    it, SEC-8)."""
    return render(request, "voices/district_list.html", common.message_list_context(request, request.user))


@requires(codes.TAKE_UP)
@require_POST
def message_take_up(request: HttpRequest, message_id: int) -> HttpResponse:
    """Start a draft suggestion from the message and go on to edit it; a refusal (taken up
    already, a report: MSG-7) is the error page that says why."""
    message = selectors.message_for(request.user, message_id)
    suggestion = services.take_up_as_suggestion(by=request.user, message=message)
    return common.done(request, _("A draft suggestion was started from the message. Rewrite it in your own words, "
                                  "then submit it."), suggestion.edit_url)
