"""Reads for the election desk, the counting pages and the public announcement page,
beside selectors.py.

- `offices(user, congress)`: the offices the congress elects (ELEC-1);
- `counting_rounds(user)`: the election rounds a user counts (an appointed scrutineer's
  own; every round for staff), newest first;
- `announced_rounds()` / `announcement(election_round)`: what the public announcement page
  shows, and only for results already announced (ELEC-13): the office, the figures of the
  round, and per candidate their name and counts. Nothing else about anyone: no scrutineer,
  no nominator, and the names of written-in persons who were not elected are left out
  (they are not candidates; only their total is shown);
- `latest_announced_results(congress=, limit=)`: the newest announced results for the public
  home (core.web.published).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from balloting.models import Option
from core.accounts.roles import Role
from core.permissions import has_perm, role_of
from core.web.published import PublishedItem

from . import rules
from .models import ElectionRound, Office
from .permissions import SCRUTINISE, VIEW


def offices(user, congress) -> QuerySet[Office]:
    """The offices a congress elects, for the desk (`elections.view`)."""
    if congress is None or not has_perm(user, VIEW):
        return Office.objects.none()
    return Office.objects.filter(congress=congress).order_by("pk")


def counting_rounds(user) -> QuerySet[ElectionRound]:
    """Rounds the user may count: staff see every election round, a scrutineer the rounds
    they were appointed to (SEC-2)."""
    if not has_perm(user, SCRUTINISE):
        return ElectionRound.objects.none()
    rounds = ElectionRound.objects.select_related("election__office", "election__session", "round")
    if role_of(user) not in (Role.STAFF, Role.ADMINISTRATOR):
        rounds = rounds.filter(round__scrutineers__user=user)
    return rounds.order_by("-round__created_at", "-pk")


@dataclass(frozen=True)
class AnnouncedLine:
    name: str
    for_votes: int
    against: int
    abstain: int
    elected: bool


@dataclass(frozen=True)
class Announcement:
    """An announced round as the public sees it."""

    election_round_id: int
    office: str
    session: str
    stage: str
    stage_label: str
    number: int
    seats: int
    round_valid: bool
    all_deputies: int
    threshold: int
    ballots_issued: int
    ballots_returned: int
    ballots_valid: int
    ballots_void: int
    lines: tuple[AnnouncedLine, ...]
    other_write_in_votes: int  # FOR votes for written-in persons who were not elected
    elected: tuple[str, ...]
    official_list: tuple[str, ...]  # a primary's chosen names (ELEC-9)
    announced_at: datetime.datetime
    basis: str = rules.MAJORITY  # or rules.MOST_VOTES: no majority of all needed (ELEC-9, ELEC-14)


def announced_rounds() -> QuerySet[ElectionRound]:
    """Every announced election round, newest first (public)."""
    return (
        ElectionRound.objects.filter(announced_at__isnull=False)
        .select_related("election__office", "election__session__term", "round")
        .order_by("-announced_at", "-pk")
    )


def announcement(election_round: ElectionRound) -> Announcement | None:
    """The public view of an announced round; None before it is announced."""
    if election_round.announced_at is None or election_round.outcome is None:
        return None
    round_ = election_round.round
    outcome = election_round.outcome
    elected_keys = set(outcome.get("elected") or ())
    options = list(Option.objects.filter(round=round_).order_by("is_write_in", "position", "pk"))
    labels = {o.key: o.label for o in options}
    lines, others = [], 0
    for option in options:
        if option.is_write_in and option.key not in elected_keys:
            others += option.for_votes or 0
            continue
        lines.append(
            AnnouncedLine(
                name=option.label,
                for_votes=option.for_votes or 0,
                against=option.against_votes or 0,
                abstain=option.abstain_votes or 0,
                elected=option.key in elected_keys,
            )
        )
    election = election_round.election
    return Announcement(
        election_round_id=election_round.pk,
        office=str(election.office),
        session=str(election.session),
        stage=election_round.stage,
        stage_label=str(ElectionRound.Stage(election_round.stage).label),
        number=election_round.number,
        seats=election_round.seats,
        round_valid=bool(outcome.get("valid")),
        all_deputies=round_.all_deputies or 0,
        threshold=round_.threshold or 0,
        ballots_issued=round_.ballots_issued,
        ballots_returned=round_.ballots_returned or 0,
        ballots_valid=round_.ballots_valid or 0,
        ballots_void=round_.ballots_void or 0,
        lines=tuple(lines),
        other_write_in_votes=others,
        elected=tuple(labels.get(key, key) for key in outcome.get("elected") or ()),
        official_list=tuple(labels.get(key, key) for key in outcome.get("list") or ()),
        announced_at=election_round.announced_at,
        basis=rules.result_basis(
            election_round.stage, requires_majority=bool(outcome.get("requires_majority"))
        ),
    )


def latest_announced_results(*, congress, limit: int) -> list[PublishedItem]:
    """The newest announced results of `congress`'s elections for the public home
    (core.web.published), newest announcement first: only rounds already announced (ELEC-13,
    the same rounds as `announced_rounds`), each linking to its public result page. One query."""
    rounds = (
        announced_rounds()
        .filter(election__office__congress=congress)
        .select_related("election__session__term__congress")[:limit]
    )
    return [
        PublishedItem(
            title=str(r.election.office),
            published_at=r.announced_at,
            url=reverse("elections:result-detail", args=[r.pk]),
            detail=" · ".join((str(r.election.session), str(ElectionRound.Stage(r.stage).label))),
        )
        for r in rounds
    ]
