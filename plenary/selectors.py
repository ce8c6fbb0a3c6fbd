"""Reads of a plenary session for pages, the projector and the API, scoped to the user.

A user without `plenary.view` gets nothing (an empty queryset or None).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from balloting import roll as balloting_roll
from balloting import selectors as balloting_selectors
from core.organisation.models import Deputy
from core.permissions import has_perm

from . import rules
from .models import Attendance, Motion, PresidiumMember, SessionRoster
from .permissions import VIEW
from .roll import counted_entries, present_ids, roster_of


@dataclass(frozen=True)
class RosterSummary:
    """The session's basis of "all deputies" (SESS-4)."""

    basis: str
    all_deputies: int
    on_roster: int
    opened_at: datetime.datetime
    refreshed_at: datetime.datetime | None


def roster_summary(user, session) -> RosterSummary | None:
    if not has_perm(user, VIEW, session):
        return None
    roster = roster_of(session)
    if roster is None:
        return None
    return RosterSummary(
        basis=roster.basis,
        all_deputies=counted_entries(roster).count(),
        on_roster=roster.entries.count(),
        opened_at=roster.opened_at,
        refreshed_at=roster.refreshed_at,
    )


def quorum_status(user, session, day: datetime.date | None = None) -> rules.QuorumStatus | None:
    """SESS-1 for a meeting day (today by default): all deputies, present, needed, met."""
    if not has_perm(user, VIEW, session):
        return None
    all_deputies, _basis = balloting_roll.current().all_deputies(session)
    return rules.quorum_status(len(present_ids(session, day)), all_deputies)


def attendance(user, session, day: datetime.date | None = None) -> QuerySet[Attendance]:
    """Check-ins of a meeting day (today by default), in deputy-number order."""
    if not has_perm(user, VIEW, session):
        return Attendance.objects.none()
    return Attendance.objects.filter(session=session, day=day or timezone.localdate()).select_related(
        "deputy", "deputy__delegation"
    )


def not_checked_in(user, session, day: datetime.date | None = None) -> QuerySet[Deputy]:
    """Deputies in office on the roster who have not checked in on the day."""
    if not has_perm(user, VIEW, session):
        return Deputy.objects.none()
    roster = roster_of(session)
    if roster is None:
        return Deputy.objects.none()
    on_roster = roster.entries.filter(in_office=True).values("deputy_id")
    return (
        Deputy.objects.filter(pk__in=on_roster, in_office=True)
        .exclude(pk__in=present_ids(session, day))
        .select_related("delegation")
    )


def is_checked_in(deputy, session, day: datetime.date | None = None) -> bool:
    return Attendance.objects.filter(session=session, deputy=deputy, day=day or timezone.localdate()).exists()


def presidium(user, session) -> QuerySet[PresidiumMember]:
    if not has_perm(user, VIEW, session):
        return PresidiumMember.objects.none()
    return PresidiumMember.objects.filter(session=session).select_related("deputy")


def motions(user, *, session=None, status: str | None = None) -> QuerySet[Motion]:
    if not has_perm(user, VIEW):
        return Motion.objects.none()
    queryset = Motion.objects.select_related("session", "round")
    if session is not None:
        queryset = queryset.filter(session=session)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass(frozen=True)
class MotionResult:
    """A decided motion's numbers with the basis used (SESS-4, RES-1)."""

    status: str
    for_votes: int
    against: int
    abstain: int
    all_deputies: int
    threshold: int
    adopted: bool


def motion_result(user, motion: Motion) -> MotionResult | None:
    """The result once decided; None while the motion is being voted on (counts hidden)."""
    if not has_perm(user, VIEW, motion) or motion.decided_at is None:
        return None
    return MotionResult(
        status=motion.status,
        for_votes=motion.for_votes or 0,
        against=motion.against_votes or 0,
        abstain=motion.abstain_votes or 0,
        all_deputies=motion.all_deputies or 0,
        threshold=motion.threshold or 0,
        adopted=motion.status == Motion.Status.ADOPTED,
    )


def motion_round_result(user, motion: Motion):
    """The balloting result report of the motion's round (None until counted)."""
    if motion.round is None:
        return None
    return balloting_selectors.round_result(user, motion.round)


def rosters(user) -> QuerySet[SessionRoster]:
    if not has_perm(user, VIEW):
        return SessionRoster.objects.none()
    return SessionRoster.objects.select_related("session")
