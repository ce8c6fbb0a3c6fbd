"""Voting in the room: the deputy's phone pages, the staff's round control and the projector.

- Deputies (`ballot.cast`): "my votes now" (refreshes itself every 2 s with htmx), a vote
  page per round and a confirmation that the vote was recorded. Nothing on any page, in
  any redirect or in any log line says what a deputy chose or identifies the ballot
  (SEC-1); the vote pages are never cached, so the back button cannot show a marked form.
- Staff (`round.view`, `round.open`, `round.close`): the list of rounds and a control page
  per round with the live progress (admitted / voted) and, once counted, the result.
  Closing an electronic vote on a motion or project counts it at once
  (`services.close_and_count_round`).
- The projector: the room's screen (`round.view`) shows the progress while voting and the
  counts once counted; the public variant shows votes on motions and projects, counts only
  once counted. Both poll a small JSON endpoint (static/js/datong.js) and reload when the
  round's state changes, so the result shows within a second of the close.

Counts are never shown while a round is open: the pages read them only through
`selectors.round_result` / `selectors.published_result`, which return None until the count.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.permissions import has_perm, public, requires

from . import permissions as codes
from . import selectors, services
from .forms import BallotForm, is_single_choice
from .models import Round

PAGE_SIZE = 50
#: Counted rounds the deputy sees under "results" on "my votes now".
RECENT_RESULTS = 5


def _round_or_404(user, round_id: int) -> Round:
    round_ = selectors.rounds(user).filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    return round_


def _deputy(user):
    return getattr(user, "deputy", None)


# --- deputies ------------------------------------------------------------------------------


def _my_votes_context(user) -> dict:
    """Open electronic rounds of the deputy's term: to vote in, voted in, not admitted to."""
    deputy = _deputy(user)
    to_vote = list(selectors.open_rounds_for(user).select_related("session").order_by("opened_at", "pk"))
    waiting = {r.pk for r in to_vote}
    voted, not_admitted = [], []
    results = []
    if deputy is not None:
        open_now = selectors.rounds(user, status=Round.Status.OPEN).filter(
            method=Round.Method.ELECTRONIC, session__term_id=deputy.term_id
        )
        for round_ in open_now.order_by("opened_at", "pk"):
            if round_.pk in waiting:
                continue
            mine = selectors.my_vote(user, round_)
            (voted if mine.has_voted else not_admitted).append(round_)
        results = list(
            selectors.rounds(user, status=Round.Status.COUNTED)
            .filter(session__term_id=deputy.term_id)
            .order_by("-counted_at", "-pk")[:RECENT_RESULTS]
        )
    return {
        "deputy": deputy,
        "to_vote": to_vote,
        "voted": voted,
        "not_admitted": not_admitted,
        "results": results,
    }


@requires(codes.CAST)
@never_cache
def my_votes(request):
    """The deputy's "my votes now": what is open for them, on a phone."""
    template = "balloting/my_votes.html"
    if request.htmx:
        template += "#vote-list"
    return render(request, template, _my_votes_context(request.user))


def _vote_state(round_: Round, mine) -> str:
    """What the vote page offers: "open" (the ballot), or why not."""
    if round_.method != Round.Method.ELECTRONIC:
        return "paper"
    if round_.status == Round.Status.DRAFT:
        return "not_open"
    if round_.status != Round.Status.OPEN:
        return "closed"
    if mine.has_voted:
        return "voted"
    if not mine.admitted:
        return "not_admitted"
    return "open"


@requires(codes.CAST)
@never_cache
def round_vote(request, round_id: int):
    """The ballot of one round; POST casts the vote (services.cast_vote) and leads to a page
    that says only that it was recorded. A refusal keeps the deputy here with the reason."""
    round_ = _round_or_404(request.user, round_id)
    options = selectors.ballot_options(round_)
    form = BallotForm(round_, options, data=request.POST if request.method == "POST" else None)
    status = 200
    refusal = ""
    if request.method == "POST":
        if form.is_valid():
            marks, write_ins = form.ballot()
            try:
                services.cast_vote(by=request.user, round=round_, marks=marks, write_ins=write_ins)
            except NotAllowed as exc:
                status, refusal = 403, str(exc.message)
            except InvalidTransition as exc:
                status, refusal = 409, str(exc.message)
            except ValidationFailed as exc:
                status = 422
                form.add_error(None, str(exc.message))
            else:
                return redirect("balloting:round-voted", round_id=round_.pk)
        else:
            status = 422
        round_.refresh_from_db()
    mine = selectors.my_vote(request.user, round_)
    state = _vote_state(round_, mine)
    if state == "voted" and status == 200:
        refusal = _("You have already voted in this round. A vote cannot be changed.")
    context = {
        "round": round_,
        "form": form,
        "state": state,
        "refusal": refusal,
        "single": is_single_choice(round_, options),
        "chosen_max": round_.seats,
    }
    return render(request, "balloting/vote.html", context, status=status)


@requires(codes.CAST)
@never_cache
def round_voted(request, round_id: int):
    """The confirmation: the vote was recorded. No receipt, no ballot number, no choice."""
    round_ = _round_or_404(request.user, round_id)
    if not selectors.my_vote(request.user, round_).has_voted:
        return redirect("balloting:round-vote", round_id=round_.pk)
    return render(request, "balloting/voted.html", {"round": round_})


# --- staff: rounds and their control ---------------------------------------------------------


@requires(codes.VIEW)
def round_list(request):
    status = request.GET.get("status", "")
    if status not in Round.Status.values:
        status = ""
    rows = selectors.rounds(request.user, status=status or None).order_by("-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "balloting/round_list.html",
        {"page": page, "status": status, "statuses": Round.Status.choices},
    )


def _round_context(user, round_: Round) -> dict:
    return {
        "round": round_,
        "progress": selectors.round_progress(user, round_),
        "result": selectors.round_result(user, round_),
        "may_open": round_.status == Round.Status.DRAFT
        and round_.kind != Round.Kind.ELECTION
        and has_perm(user, codes.OPEN, round_),
        "may_close": round_.status == Round.Status.OPEN and has_perm(user, codes.CLOSE, round_),
        "counts_at_close": round_.method == Round.Method.ELECTRONIC and round_.kind != Round.Kind.ELECTION,
    }


@requires(codes.VIEW)
def round_detail(request, round_id: int):
    """A round's control page: progress while voting (refreshed by htmx), result once counted,
    and for a paper vote on a motion or project the steps of its count (views_paper)."""
    round_ = _round_or_404(request.user, round_id)
    template = "balloting/round_detail.html"
    context = _round_context(request.user, round_)
    if request.htmx:
        template += "#round-state"
    else:
        # A paper vote on a motion or project: the counting steps, for staff and its
        # scrutineers (None for anyone else; election rounds count on the election's pages).
        context["paper"] = selectors.paper_count(request.user, round_)
    return render(request, template, context)


@requires(codes.OPEN)
@require_POST
def round_open(request, round_id: int):
    """Open a prepared round (SESS-1 quorum, SESS-4 all deputies: services.open_round).

    An election round opens from its election, which checks the deliberation time and the
    scrutineers first (ELEC-8, SEC-2); a motion's round opens when the motion is put to the
    vote (plenary)."""
    round_ = _round_or_404(request.user, round_id)
    if round_.kind == Round.Kind.ELECTION:
        raise InvalidTransition(
            _("An election round is opened from its election."), code="opened_by_election"
        )
    services.open_round(by=request.user, round=round_)
    messages.success(request, _("The vote is open."))
    return redirect("balloting:round-detail", round_id=round_.pk)


@requires(codes.CLOSE)
@require_POST
def round_close(request, round_id: int):
    """Close the vote; an electronic vote on a motion or project is counted at once."""
    round_ = _round_or_404(request.user, round_id)
    round_ = services.close_and_count_round(by=request.user, round=round_)
    if round_.counted_at is not None:
        messages.success(request, _("The vote is closed and counted."))
    else:
        messages.success(request, _("The vote is closed."))
    return redirect("balloting:round-detail", round_id=round_.pk)


# --- the projector -------------------------------------------------------------------------


@requires(codes.VIEW)
def round_projector(request, round_id: int):
    """The room's screen: the title, how many have voted while voting, the counts once counted."""
    round_ = _round_or_404(request.user, round_id)
    context = {
        "round": round_,
        "progress": selectors.round_progress(request.user, round_),
        "result": selectors.round_result(request.user, round_),
        "poll_url": reverse("api:voting-round-result", kwargs={"round_id": round_.pk}),
        "public": False,
    }
    return render(request, "balloting/projector.html", context)


@public
def public_result(request, round_id: int):
    """The public projector: a vote on a motion or project, its counts only once counted."""
    round_ = selectors.public_rounds().filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    context = {
        "round": round_,
        "progress": None,
        "result": selectors.published_result(round_),
        "poll_url": reverse("api:voting-public-round-result", kwargs={"round_id": round_.pk}),
        "public": True,
    }
    return render(request, "balloting/projector.html", context)
