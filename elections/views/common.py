"""What the election pages share: finding the object the user may see, putting a service's
refusal on a form or in a message (core.web.refusals), and the status of a refused form
(422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.errors import DatongError, NotAllowed
from core.permissions import require
from core.web import refusals
from core.web.refusals import form_errors as form_errors  # the election pages import it from here

from .. import reads, selectors
from ..models import Election, ElectionRound, Nomination
from ..permissions import SCRUTINISE

INVALID = 422


def error_messages(request: HttpRequest, exc: DatongError) -> None:
    """A refusal as error messages, each reason after its place ("sheet 2: …"): the
    election pages name the sheet or field a reason is about."""
    refusals.error_messages(request, exc, name_places=True)


def act(request: HttpRequest, action: Callable[[], Any], success: str, back: str) -> HttpResponse:
    """A one-click action (POST): the service's refusal comes back as an error message;
    a refusal of permission stays a 403."""
    try:
        action()
    except NotAllowed:
        raise
    except DatongError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, success)
    return redirect(back)


def election_for(request: HttpRequest, election_id: int) -> Election:
    return get_object_or_404(
        selectors.elections(request.user).select_related("session__term__congress"), pk=election_id
    )


def nomination_for(request: HttpRequest, nomination_id: int) -> Nomination:
    """A nomination of an election the user may see."""
    return get_object_or_404(
        Nomination.objects.filter(election__in=selectors.elections(request.user)).select_related(
            "election__office", "election__session__term__congress", "deputy"
        ),
        pk=nomination_id,
    )


def round_for(request: HttpRequest, round_id: int) -> ElectionRound:
    """An election round the user counts (staff: any; a scrutineer: their own, SEC-2)."""
    election_round = get_object_or_404(reads.counting_rounds(request.user), pk=round_id)
    require(request.user, SCRUTINISE, election_round)
    return election_round


def election_url(election: Election) -> str:
    return reverse("elections:election-detail", args=[election.pk])


def round_url(election_round: ElectionRound) -> str:
    return reverse("elections:round-detail", args=[election_round.pk])


def result_url(election_round: ElectionRound) -> str:
    return reverse("elections:round-result", args=[election_round.pk])
