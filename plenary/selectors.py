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
from core.accounts.roles import Role
from core.errors import NotFound
from core.organisation.models import Deputy, Session
from core.organisation.rules import effective_parameters
from core.organisation.selectors import current_congress
from core.permissions import has_perm, role_of

from . import rules
from .models import Attendance, Motion, MotionSignature, PresidiumMember, SessionRoster
from .permissions import MOTION_VIEW, VIEW, deputy_of
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


# --- motions filed by deputies jointly (ELEC-19 recall, RES-4 investigation committee) -------


@dataclass(frozen=True)
class SignatureCount:
    """Who has signed a joint motion against what ELEC-19 / RES-4 ask: at least one-tenth of
    all deputies (SESS-4), counting only signers still in office."""

    signed: int
    needed: int
    still_needed: int
    all_deputies: int


def signature_count(motion: Motion) -> SignatureCount:
    """The count the submission is checked against (`services.submit_motion`) and the pages
    show; "all deputies" as the session counts them now (its roster once taken)."""
    session = motion.session
    all_deputies, _basis = balloting_roll.current().all_deputies(session)
    needed = rules.signatures_needed(motion.kind, all_deputies, effective_parameters(session.term.congress, session))
    signed = motion.signatures.filter(deputy__in_office=True).count()
    return SignatureCount(
        signed=signed, needed=needed, still_needed=rules.signatures_still_needed(needed, signed),
        all_deputies=all_deputies,
    )


def collects_signatures(motion: Motion, today: datetime.date | None = None) -> bool:
    """ELEC-19 / RES-4: the motion may still be signed (a draft, its session not over)."""
    return rules.collects_signatures(
        filed_by=motion.filed_by, status=motion.status, today=today or timezone.localdate(),
        session_ends_on=motion.session.ends_on,
    )


def joint_motions(user, *, session=None) -> QuerySet[Motion]:
    """Motions filed by deputies jointly the user may see, newest first: staff and
    administrators every one; a deputy those of the sessions of their own term; anybody else
    none."""
    if not has_perm(user, MOTION_VIEW):
        return Motion.objects.none()
    motions = Motion.objects.filter(filed_by=Motion.FiledBy.DEPUTIES)
    if role_of(user) == Role.DEPUTY:
        deputy = deputy_of(user)
        if deputy is None:
            return Motion.objects.none()
        motions = motions.filter(session__term_id=deputy.term_id)
    if session is not None:
        motions = motions.filter(session=session)
    return motions.select_related("session__term__congress").order_by("-created_at", "-pk")


def joint_motion_rows(user, *, session=None) -> list[tuple[Motion, SignatureCount]]:
    """`joint_motions` with each motion's signature count (ELEC-19, RES-4)."""
    return [(motion, signature_count(motion)) for motion in joint_motions(user, session=session)]


def joint_motions_collecting(user, today: datetime.date | None = None) -> list[tuple[Motion, SignatureCount, bool]]:
    """The joint motions the user may see that still collect signatures (drafts whose session
    is not over), oldest first, each with its count and whether the user has signed."""
    motions = joint_motions(user).filter(
        status=Motion.Status.DRAFT, session__ends_on__gte=today or timezone.localdate()
    ).order_by("created_at", "pk")
    deputy = deputy_of(user)
    mine = set()
    if deputy is not None:
        mine = set(MotionSignature.objects.filter(deputy=deputy, motion__in=motions).values_list("motion_id", flat=True))
    return [(motion, signature_count(motion), motion.pk in mine) for motion in motions]


def joint_motion_for(user, motion_id: int) -> Motion:
    """A joint motion the user may see; NotFound otherwise (whether or not it exists)."""
    motion = joint_motions(user).filter(pk=motion_id).first()
    if motion is None or not has_perm(user, MOTION_VIEW, motion):
        raise NotFound()
    return motion


def motion_signatures(user, motion: Motion) -> QuerySet[MotionSignature]:
    """The deputies who signed, in the order they signed."""
    if not has_perm(user, MOTION_VIEW, motion):
        return MotionSignature.objects.none()
    return motion.signatures.select_related("deputy").order_by("signed_at", "pk")


def has_signed(user, motion: Motion) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and motion.signatures.filter(deputy=deputy).exists()


def sessions_for_joint_motions(user, today: datetime.date | None = None) -> QuerySet[Session]:
    """Sessions in which the user may start a joint motion now: not over, and for a deputy of
    their own term (ELEC-19 / RES-4: filed during a session)."""
    if not has_perm(user, MOTION_VIEW):
        return Session.objects.none()
    sessions = Session.objects.filter(
        term__congress=current_congress(), ends_on__gte=today or timezone.localdate()
    ).select_related("term__congress")
    if role_of(user) == Role.DEPUTY:
        deputy = deputy_of(user)
        if deputy is None or not deputy.in_office:
            return Session.objects.none()
        sessions = sessions.filter(term_id=deputy.term_id)
    return sessions.order_by("starts_on", "pk")
