"""Every change to a plenary session's business: one function each, through core.workflow.

Roster (SESS-4) → check-in (SESS-1) → presidium (SESS-3) → motions voted through a
balloting round and decided on a majority of all deputies (RES-1).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _L

from balloting import roll as balloting_roll
from balloting import services as balloting
from balloting.models import Round
from balloting.rules import majority_of_all
from core import permissions
from core.accounts.roles import Role
from core.errors import DeadlinePassed, InvalidTransition, NotAllowed, ValidationFailed
from core.organisation.models import Deputy
from core.organisation.rules import effective_parameters
from core.workflow import perform, transition

from . import permissions as codes
from . import rules, selectors
from .models import Attendance, Motion, MotionSignature, PresidiumMember, RosterEntry, SessionRoster
from .roll import counted_entries, present_ids, roster_of


def _failed(details) -> ValidationFailed:
    details = {key: str(value) for key, value in details.items()}
    return ValidationFailed(next(iter(details.values())), details=details)


def _parameters(session) -> dict:
    return effective_parameters(session.term.congress, session)


def _is_staff(user) -> bool:
    return permissions.role_of(user) in (Role.STAFF, Role.ADMINISTRATOR)


def _acting_for(by, deputy: Deputy) -> None:
    """A deputy acts only for themselves; staff record on a deputy's behalf."""
    if _is_staff(by):
        return
    if deputy.user_id is None or deputy.user_id != by.pk:
        raise NotAllowed(_("A deputy can only act for themselves."))


# --- roster and attendance -----------------------------------------------------------------


def open_session_roster(*, by, session) -> SessionRoster:
    """Take the session's roster: every deputy of the term, with whether they are in office.
    "All deputies" (SESS-4) is then counted on the congress's `all_deputies_basis`."""
    basis = _parameters(session)["all_deputies_basis"]

    def apply(_unused):
        if SessionRoster.objects.filter(session=session).exists():
            raise InvalidTransition(_("The session's roster has already been taken."))
        roster = SessionRoster.objects.create(session=session, basis=basis, opened_at=timezone.now())
        RosterEntry.objects.bulk_create(
            [
                RosterEntry(roster=roster, deputy_id=pk, in_office=in_office)
                for pk, in_office in Deputy.objects.filter(term=session.term).values_list("pk", "in_office")
            ]
        )
        return roster

    return perform(
        by=by,
        action=codes.ROSTER_OPEN,
        permission_obj=session,
        apply=apply,
        after=lambda r: {"basis": r.basis, "all_deputies": counted_entries(r).count()},
    )


def refresh_session_roster(*, by, session) -> SessionRoster:
    """Bring the roster up to date with the deputies' terms of office (a deputy who died,
    resigned or was recalled; one elected in a by-election). Rounds already opened keep the
    number they recorded."""
    roster = roster_of(session)
    if roster is None:
        raise InvalidTransition(_("Take the session's roster first."))
    before = counted_entries(roster).count()

    def apply(current: SessionRoster):
        known = dict(RosterEntry.objects.filter(roster=current).values_list("deputy_id", "in_office"))
        for pk, in_office in Deputy.objects.filter(term=session.term).values_list("pk", "in_office"):
            if pk not in known:
                RosterEntry.objects.create(roster=current, deputy_id=pk, in_office=in_office)
            elif known[pk] != in_office:
                RosterEntry.objects.filter(roster=current, deputy_id=pk).update(in_office=in_office)
        current.refreshed_at = timezone.now()
        current.save(update_fields=["refreshed_at"])
        return current

    return perform(
        by=by,
        action=codes.ROSTER_REFRESH,
        obj=roster,
        apply=apply,
        before={"all_deputies": before},
        after=lambda r: {"all_deputies": counted_entries(r).count()},
    )


def check_in(*, by, session, deputy: Deputy, day: datetime.date | None = None) -> Attendance:
    """Record a deputy's check-in (签到) for a meeting day (today by default).

    The deputy must be on the roster and in office, and the day within the session. A
    deputy checking in today is admitted to the session's open electronic votes. Checking
    in twice on a day changes nothing and returns the first check-in.
    """
    day = day or timezone.localdate()
    permissions.require(by, codes.CHECK_IN, session)
    _acting_for(by, deputy)
    existing = Attendance.objects.filter(session=session, deputy=deputy, day=day).first()
    if existing is not None:
        return existing
    roster = roster_of(session)
    if roster is None:
        raise InvalidTransition(_("Take the session's roster first."))
    if not (session.starts_on <= day <= session.ends_on):
        raise _failed({"day": _("The session does not meet on that day.")})
    on_roster = RosterEntry.objects.filter(roster=roster, deputy=deputy, in_office=True).exists()
    if not on_roster or not deputy.in_office:
        raise _failed({"deputy": _("Only a deputy in office on the session's roster can check in.")})

    def apply(_unused):
        attendance = Attendance.objects.create(
            session=session, deputy=deputy, day=day, checked_in_at=timezone.now()
        )
        if day == timezone.localdate():
            balloting.admit_to_open_rounds(session=session, deputy=deputy)
        return attendance

    return perform(
        by=by,
        action=codes.CHECK_IN,
        permission_obj=session,
        apply=apply,
        after=lambda a: {"deputy_id": a.deputy_id, "day": a.day},
    )


# --- presidium -----------------------------------------------------------------------------


def set_presidium(*, by, session, members: Sequence[tuple[Deputy, str]]) -> list[PresidiumMember]:
    """Record the presidium elected at the preparatory meeting (SESS-3): (deputy, role)
    pairs replace the session's presidium. Members are deputies of the term in office."""
    if not members:
        raise _failed({"members": _("The presidium needs members.")})
    deputies = [deputy for deputy, _role in members]
    if len({d.pk for d in deputies}) != len(deputies):
        raise _failed({"members": _("A deputy is listed twice.")})
    for deputy, role in members:
        if deputy.term_id != session.term_id or not deputy.in_office:
            raise _failed({"members": _("%(name)s is not a deputy in office.") % {"name": deputy.name}})
        if role not in PresidiumMember.Role.values:
            raise _failed({"members": _("Unknown role.")})
    before = sorted(PresidiumMember.objects.filter(session=session).values_list("deputy_id", flat=True))

    def apply(_unused):
        PresidiumMember.objects.filter(session=session).delete()
        return PresidiumMember.objects.bulk_create(
            [PresidiumMember(session=session, deputy=deputy, role=role) for deputy, role in members]
        )

    return perform(
        by=by,
        action=codes.PRESIDIUM_SET,
        permission_obj=session,
        apply=apply,
        before={"members": before},
        after={"members": sorted(d.pk for d in deputies)},
    )


# --- motions -------------------------------------------------------------------------------


def create_motion(
    *,
    by,
    session,
    kind: str,
    title: str,
    text: str = "",
    filed_by: str = Motion.FiledBy.PRESIDIUM,
    recall_of: str = "",
    method: str | None = None,
) -> Motion:
    """Prepare a motion. Deputies may start only the kinds they may file jointly (ELEC-19
    recall, RES-4 investigation committee), as a deputy of the session's term in office before
    the session ends, and are its first signer; the voting method defaults to the session's
    (RES-1), and a recall is secret when the session says so (ELEC-19 `recall_secret`)."""
    if kind not in Motion.Kind.values:
        raise _failed({"kind": _("Unknown kind of motion.")})
    if filed_by not in Motion.FiledBy.values:
        raise _failed({"filed_by": _("Unknown filer.")})
    if not _is_staff(by) and not (filed_by == Motion.FiledBy.DEPUTIES and rules.may_be_filed_by_deputies(kind)):
        raise NotAllowed(_("Deputies may jointly file only a recall or an investigation committee."))
    if filed_by == Motion.FiledBy.DEPUTIES and not rules.may_be_filed_by_deputies(kind):
        raise _failed({"filed_by": _("Deputies cannot file this kind of motion jointly.")})
    if kind == Motion.Kind.RECALL and not recall_of.strip():
        raise _failed({"recall_of": _("A recall names the office holder to recall (ELEC-19).")})
    # A deputy who starts a joint motion is its first signer (as the lead deputy of a bill).
    first_signer = None
    if permissions.role_of(by) == Role.DEPUTY:
        first_signer = codes.deputy_of(by)
        if first_signer is None:
            raise _failed({"filed_by": _("Your account is not linked to a deputy record.")})
        _check_signer(first_signer, session)
        _check_session_not_over(session)
    default_method, is_secret = rules.voting_method(kind, _parameters(session))
    method = method or default_method
    if method not in Motion.Method.values or (is_secret and method == Motion.Method.HANDS):
        raise _failed({"method": _("A secret vote cannot be a show of hands.")})

    def apply(_unused):
        motion = Motion(
            session=session,
            kind=kind,
            title=title,
            text=text,
            filed_by=filed_by,
            recall_of=recall_of.strip(),
            is_secret=is_secret,
            method=method,
            created_by=by if not isinstance(by, str) else None,
        )
        motion.full_clean()
        motion.save()
        if first_signer is not None:
            MotionSignature.objects.create(motion=motion, deputy=first_signer, signed_at=timezone.now())
        return motion

    return perform(
        by=by,
        action=codes.MOTION_CREATE,
        permission_obj=session,
        apply=apply,
        after=lambda m: {"kind": m.kind, "title": m.title, "method": m.method, "filed_by": m.filed_by},
        data={"first_signer_id": first_signer.pk} if first_signer is not None else None,
    )


def _check_signer(deputy: Deputy, session) -> None:
    if deputy.term_id != session.term_id or not deputy.in_office:
        raise _failed({"deputy": _("Only a deputy in office can sign.")})


def _check_session_not_over(session) -> None:
    """ELEC-19 / RES-4: a joint motion is filed during its session; after the session's last
    day its signatures can no longer change."""
    if rules.session_is_over(timezone.localdate(), session.ends_on):
        raise DeadlinePassed(_("The session ended on %(end)s.") % {"end": session.ends_on.isoformat()})


def _check_collecting(motion: Motion) -> None:
    """ELEC-19 / RES-4: signatures change only on a draft filed by deputies, during its session."""
    session = motion.session
    if rules.collects_signatures(
        filed_by=motion.filed_by, status=motion.status, today=timezone.localdate(), session_ends_on=session.ends_on
    ):
        return
    if motion.status != Motion.Status.DRAFT or motion.filed_by != Motion.FiledBy.DEPUTIES:
        raise InvalidTransition(_("This motion is not collecting signatures."))
    _check_session_not_over(session)


def _starter_to_tell(motion: Motion, by) -> list:
    """The deputy who started the motion hears of signatures others add or take back."""
    starter = motion.created_by
    if starter is None or starter.pk == getattr(by, "pk", None) or permissions.role_of(starter) != Role.DEPUTY:
        return []
    return [starter]


def _signatures_url(motion: Motion) -> str:
    return reverse("plenary:motion-signatures", args=[motion.pk])


def sign_motion(*, by, motion: Motion, deputy: Deputy) -> MotionSignature:
    """A deputy of the session's term in office joins a motion filed by deputies jointly
    (ELEC-19 recall, RES-4 investigation committee) while it collects signatures: a draft,
    its session not over. A deputy signs for themselves; staff record a paper signature.
    The deputy who started it is told the count. Raises NotAllowed, InvalidTransition (not
    collecting, already signed), DeadlinePassed or ValidationFailed (not a deputy in office)."""
    _acting_for(by, deputy)
    _check_collecting(motion)  # again on the locked row below; first so the count can be read
    count = selectors.signature_count(motion)

    def apply(current: Motion):
        _check_collecting(current)
        _check_signer(deputy, current.session)
        signature, created = MotionSignature.objects.get_or_create(
            motion=current, deputy=deputy, defaults={"signed_at": timezone.now()}
        )
        if not created:
            raise InvalidTransition(_("This deputy has already signed."))
        return signature

    return perform(
        by=by,
        action=codes.MOTION_SIGN,
        obj=motion,
        apply=apply,
        data={"deputy_id": deputy.pk, "signatures": count.signed + 1, "needed": count.needed},
        notify=_starter_to_tell(motion, by),
        title=_L("%(name)s signed “%(subject)s” (%(count)s of %(needed)s signatures)"),
        params={"name": deputy.name, "subject": motion.title, "count": count.signed + 1, "needed": count.needed},
        url=_signatures_url(motion),
    )


def unsign_motion(*, by, motion: Motion, deputy: Deputy) -> Motion:
    """A signer takes back their signature while the motion still collects signatures (a
    draft, its session not over: ELEC-19, RES-4); staff record a signature taken back in
    writing. The deputy who started it is told the count. Raises NotAllowed,
    InvalidTransition, DeadlinePassed or ValidationFailed (the deputy has not signed)."""
    _acting_for(by, deputy)
    _check_collecting(motion)  # again on the locked row below; first so the count can be read
    count = selectors.signature_count(motion)
    counted = 1 if deputy.in_office else 0

    def apply(current: Motion):
        _check_collecting(current)
        deleted, _rows = MotionSignature.objects.filter(motion=current, deputy=deputy).delete()
        if not deleted:
            raise _failed({"deputy": _("%(name)s has not signed.") % {"name": deputy.name}})
        return current

    return perform(
        by=by,
        action=codes.MOTION_UNSIGN,
        obj=motion,
        apply=apply,
        data={"deputy_id": deputy.pk, "signatures": count.signed - counted, "needed": count.needed},
        notify=_starter_to_tell(motion, by),
        title=_L("%(name)s took back their signature on “%(subject)s” (%(count)s of %(needed)s)"),
        params={
            "name": deputy.name, "subject": motion.title, "count": count.signed - counted, "needed": count.needed,
        },
        url=_signatures_url(motion),
    )


def submit_motion(*, by, motion: Motion) -> Motion:
    """Put a prepared motion before the session. A motion filed by deputies needs at least
    one-tenth of all deputies in office among its signers (ELEC-19, RES-4)."""
    permissions.require(by, codes.MOTION_SUBMIT, motion)
    changes = {"submitted_at": timezone.now()}
    if motion.filed_by == Motion.FiledBy.DEPUTIES:
        count = selectors.signature_count(motion)
        if count.still_needed:
            raise _failed(
                {
                    "signatures": _("%(needed)s deputies must sign; %(signed)s have.")
                    % {"needed": count.needed, "signed": count.signed}
                }
            )
    return transition(
        by=by,
        action=codes.MOTION_SUBMIT,
        obj=motion,
        allowed_from=[Motion.Status.DRAFT],
        to=Motion.Status.SUBMITTED,
        changes=changes,
    )


def withdraw_motion(*, by, motion: Motion) -> Motion:
    return transition(
        by=by,
        action=codes.MOTION_WITHDRAW,
        obj=motion,
        allowed_from=[Motion.Status.DRAFT, Motion.Status.SUBMITTED],
        to=Motion.Status.WITHDRAWN,
    )


def open_motion_vote(*, by, motion: Motion) -> Motion:
    """Put a submitted motion to the vote. Electronic and paper votes go through a new
    balloting round (FOR / AGAINST / ABSTAIN), opened at once; counts stay hidden until it
    is counted. A show of hands is recorded with `record_show_of_hands`."""
    permissions.require(by, codes.MOTION_OPEN, motion)
    with transaction.atomic():
        current = Motion.objects.select_for_update().get(pk=motion.pk)
        if current.status != Motion.Status.SUBMITTED:
            raise InvalidTransition(_("Only a submitted motion can be put to the vote."))
        round_ = None
        if current.method != Motion.Method.HANDS:
            round_ = balloting.create_round(
                by=by,
                session=current.session,
                kind=Round.Kind.MOTION,
                title=current.title,
                options=[("motion", current.title)],
                seats=1,
                method=current.method,
            )
            balloting.open_round(by=by, round=round_)
        elif not balloting_roll.current().quorum_met(current.session):
            raise InvalidTransition(
                _("Fewer than two-thirds of all deputies are present: the session cannot vote (SESS-1)."),
                code="no_quorum",
            )
        return transition(
            by=by,
            action=codes.MOTION_OPEN,
            obj=current,
            allowed_from=[Motion.Status.SUBMITTED],
            to=Motion.Status.VOTING,
            changes={"round": round_},
        )


def decide_motion(*, by, motion: Motion) -> Motion:
    """Record the outcome of a counted vote: adopted with FOR votes from more than half of
    all deputies (RES-1, SESS-4), the number recorded when the round opened. A void round
    (ELEC-11) sends the motion back to be voted again. When the round has scrutineers, they
    must all have signed (SEC-2)."""
    permissions.require(by, codes.MOTION_DECIDE, motion)
    round_ = motion.round
    if motion.status != Motion.Status.VOTING or round_ is None:
        raise InvalidTransition(_("This motion is not being voted on by ballot."))
    if round_.counted_at is None and round_.status != Round.Status.VOID:
        raise InvalidTransition(_("The vote has not been counted yet."))
    if round_.status == Round.Status.VOID:
        return transition(
            by=by,
            action=codes.MOTION_DECIDE,
            obj=motion,
            allowed_from=[Motion.Status.VOTING],
            to=Motion.Status.SUBMITTED,
            changes={"round": None},
            data={"round_id": round_.pk, "void": True},
        )
    if round_.scrutineers.exists() and not balloting.is_signed_off(round_):
        raise InvalidTransition(_("The scrutineers have not all signed the result (SEC-2)."))
    option = round_.options.get(key="motion")
    for_votes = option.for_votes or 0
    adopted = rules.is_adopted(for_votes, round_.all_deputies)
    return transition(
        by=by,
        action=codes.MOTION_DECIDE,
        obj=motion,
        allowed_from=[Motion.Status.VOTING],
        to=Motion.Status.ADOPTED if adopted else Motion.Status.REJECTED,
        changes={
            "for_votes": for_votes,
            "against_votes": option.against_votes or 0,
            "abstain_votes": option.abstain_votes or 0,
            "all_deputies": round_.all_deputies,
            "threshold": round_.threshold,
            "decided_at": timezone.now(),
        },
    )


def record_show_of_hands(*, by, motion: Motion, for_votes: int, against: int, abstain: int) -> Motion:
    """Record a vote by show of hands (RES-1 `vote_method` = hands) and decide it on a
    majority of all deputies. The counts may not exceed the deputies present."""
    permissions.require(by, codes.MOTION_RECORD_HANDS, motion)
    if motion.method != Motion.Method.HANDS or motion.status != Motion.Status.VOTING:
        raise InvalidTransition(_("This motion is not being voted on by show of hands."))
    numbers = {"for_votes": for_votes, "against": against, "abstain": abstain}
    for key, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _failed({key: _("A count is a whole number, zero or more.")})
    session_roll = balloting_roll.current()
    present = len(present_ids(motion.session))
    if for_votes + against + abstain > present:
        raise _failed({"for_votes": _("More hands were counted than deputies are present.")})
    all_deputies, _basis = session_roll.all_deputies(motion.session)
    adopted = rules.is_adopted(for_votes, all_deputies)
    return transition(
        by=by,
        action=codes.MOTION_RECORD_HANDS,
        obj=motion,
        allowed_from=[Motion.Status.VOTING],
        to=Motion.Status.ADOPTED if adopted else Motion.Status.REJECTED,
        changes={
            "for_votes": for_votes,
            "against_votes": against,
            "abstain_votes": abstain,
            "all_deputies": all_deputies,
            "threshold": majority_of_all(all_deputies),
            "decided_at": timezone.now(),
        },
    )
