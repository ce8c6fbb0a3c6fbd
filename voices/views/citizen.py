"""The citizen's pages: the message form (anonymous allowed), its confirmation with the
tracking number, the public look-up, and "my messages" with the export of one's own data
(SEC-4..7, SEC-13, SEC-15)."""

from __future__ import annotations

import datetime
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.accounts.roles import Role
from core.documents import write_xlsx, xlsx_response
from core.permissions import has_perm, public, requires, role_of

from .. import forms, selectors, services
from ..models import Channel
from . import common
from . import permissions_used as codes
from .data import own_data

#: The session key that carries the tracking number from the form to its confirmation, so
#: the confirmation page needs no number in its URL.
SENT_KEY = "voices_sent"


# Open to everyone: a citizen may write without an account (SEC-5); the service checks
# voices.submit again.
@public
def message_create(request: HttpRequest) -> HttpResponse:
    """The message form with the privacy notice (SEC-4)."""
    congress = common.congress()
    form = forms.MessageForm(common.posted(request), congress=congress)
    user = request.user
    signed_in = user.is_authenticated
    ok, message = common.attempt(request, form, lambda data: services.receive_message(
        by=user, congress=congress, channel=Channel.WEB,
        submitter=user if signed_in else None, **form.service_kwargs(),
    ))
    if ok:
        request.session[SENT_KEY] = message.tracking_number
        return redirect("voices:message-sent")
    return render(request, "voices/message_form.html", {
        "form": form, "notice_version": forms.NOTICE_VERSION, "signed_in": signed_in,
    }, status=common.status_for(request, form))


@public
def message_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation: the tracking number to keep (shown to the session that sent it)."""
    number = request.session.get(SENT_KEY)
    if not number:
        return redirect("voices:message-create")
    return render(request, "voices/message_sent.html", {
        "tracking_number": common.display_number(number),
        "track_url": reverse("voices:track") + "?tracking_number=" + common.display_number(number),
    })


# Open to everyone: the tracking number is the key; the answer carries no personal data.
@public
def track(request: HttpRequest) -> HttpResponse:
    """Tracking number → status, dates and the (scrubbed) reply; never who sent it."""
    form = forms.TrackForm(request.GET or None)
    result = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        result = selectors.track(form.cleaned_data["tracking_number"])
    return render(request, "voices/track.html", {
        "form": form, "result": result, "searched": searched,
    }, status=404 if searched and result is None else 200)


# --- my messages (SEC-13) ------------------------------------------------------------------------


@requires(codes.VIEW)
def my_messages(request: HttpRequest) -> HttpResponse:
    """The messages the signed-in user sent, with their status, and the export links. A
    citizen's scope is their own messages (the selector's keyset pages); anyone else who
    wrote while signed in sees the few they sent."""
    user = request.user
    if role_of(user) == Role.CITIZEN:
        listed = common.message_list_context(request, user)
    else:
        listed = common.small_list_context(request, selectors.messages_for(user).filter(submitter=user))
    return render(request, "voices/my_messages.html", {
        **listed,
        "can_submit": has_perm(request.user, codes.SUBMIT),
    })


def _export_headers() -> list[str]:
    return [
        _("Tracking number"), _("Received"), _("Channel"), _("Regime"), _("Kind"), _("Subject"), _("Message"),
        _("Category"), _("District"), _("Location"), _("Status"), pgettext("person", "Name"), _("Phone"), _("ID number"),
        _("Anonymous"), _("Identity confidential"), _("Consents to be named"), _("Age band"),
        _("Guardian consent"), _("Privacy notice version"),
    ]


_EXPORT_KEYS = (
    "tracking_number", "received_at", "channel", "regime", "nature", "subject", "body", "category", "district",
    "location", "status", "name", "phone", "id_number", "is_anonymous", "is_confidential",
    "consent_to_publish_name", "age_band", "guardian_consent", "notice_version",
)


@requires(codes.VIEW)
def my_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """SEC-13: a copy of everything the congress holds from the user's messages (their own
    contact data in full), as xlsx or JSON."""
    data = own_data(request.user)
    if fmt == "json":
        response = HttpResponse(
            json.dumps({"messages": data}, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="my-messages.json"'
        return response
    yes, no = _("Yes"), _("No")

    def cell(value):
        if isinstance(value, bool):
            return yes if value else no
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).replace(tzinfo=None)  # xlsx has no time zones
        return value

    rows = ([cell(item[key]) for key in _EXPORT_KEYS] for item in data)
    content = write_xlsx(_export_headers(), rows, title=_("My messages"))
    return xlsx_response(content, _("my-messages") + ".xlsx")
