"""/api/plenary: a session's quorum, check-in, and its motions with their results.

- `GET /sessions/{id}/quorum` (`plenary.view`): SESS-1 for a meeting day (today by
  default): all deputies, present, needed, met.
- `POST /sessions/{id}/check-in` (`attendance.check_in`): a deputy checks in for today
  (`{}`), or staff check a deputy in (`{"deputy_id": 12}`); 201, or 200 when already checked
  in. A deputy checking in is admitted to the session's open electronic votes.
- `GET /sessions/{id}/motions`, `GET /motions/{id}` (`plenary.view`): motions and, once
  decided, their result (RES-1); the counts are never shown while the vote is open.
- `GET /motions/{id}/signatures` (`motion.view`): a motion deputies file jointly (ELEC-19
  recall, RES-4 investigation committee), who signed and how many more must sign; a deputy
  sees those of their own term (404 otherwise).
- `POST /motions/{id}/sign`, `POST /motions/{id}/unsign` (`motion.sign`, `motion.unsign`): a
  deputy signs, or takes back their signature (`{}`), while the motion collects signatures;
  staff record a paper signature, or one taken back in writing (`{"deputy_id": 12}`). Both
  answer with the signatures as `GET` shows them; 409 when it no longer collects signatures
  or the deputy has already signed, 422 for a deputy who has not signed or is not in office.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema, Status

from core.apikit import DatongRouter, ErrorOut, acting_user
from core.errors import NotFound, ValidationFailed
from core.organisation.models import Deputy, Session

from . import selectors, services
from .permissions import CHECK_IN, MOTION_SIGN, MOTION_UNSIGN, MOTION_VIEW, VIEW, deputy_of

router = DatongRouter()
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class QuorumOut(Schema):
    session_id: int
    day: datetime.date
    all_deputies: int
    present: int
    needed: int
    met: bool


class CheckInIn(Schema):
    """Empty for oneself; staff name the deputy they check in."""

    deputy_id: int | None = None


class AttendanceOut(Schema):
    session_id: int
    deputy_id: int
    day: datetime.date
    checked_in_at: datetime.datetime


class MotionOut(Schema):
    id: int
    session_id: int
    kind: str
    title: str
    filed_by: str
    method: str
    is_secret: bool
    status: str
    round_id: int | None
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None


class MotionResultOut(Schema):
    status: str
    for_votes: int
    against: int
    abstain: int
    all_deputies: int
    threshold: int
    adopted: bool


class MotionDetailOut(MotionOut):
    text: str
    result: MotionResultOut | None = None


def _session(session_id: int) -> Session:
    session = Session.objects.select_related("term__congress").filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


@router.get(
    "/sessions/{session_id}/quorum",
    permission=VIEW,
    response={200: QuorumOut, **ERRORS},
    url_name="plenary-session-quorum",
)
def quorum(request, session_id: int, day: datetime.date | None = None):
    """SESS-1: whether at least two-thirds of all deputies are present on the day."""
    session = _session(session_id)
    status = selectors.quorum_status(acting_user(request), session, day)
    if status is None:
        raise NotFound()
    return {"session_id": session.pk, "day": day or timezone.localdate(), **vars(status)}


@router.post(
    "/sessions/{session_id}/check-in",
    permission=CHECK_IN,
    response={200: AttendanceOut, 201: AttendanceOut, **ERRORS},
    url_name="plenary-session-check-in",
)
def check_in(request, session_id: int, payload: CheckInIn):
    """Check in for today; a deputy only for themselves (the service refuses others)."""
    user = acting_user(request)
    session = _session(session_id)
    if payload.deputy_id is None:
        deputy = Deputy.objects.filter(user=user).first()
        if deputy is None:
            message = _("Your account is not linked to a deputy record.")
            raise ValidationFailed(message, details={"deputy_id": message})
    else:
        deputy = Deputy.objects.filter(pk=payload.deputy_id, term_id=session.term_id).first()
        if deputy is None:
            raise NotFound()
    already = selectors.is_checked_in(deputy, session)
    attendance = services.check_in(by=user, session=session, deputy=deputy)
    return Status(200 if already else 201, attendance)


@router.get(
    "/sessions/{session_id}/motions",
    permission=VIEW,
    response={200: list[MotionOut], **ERRORS},
    url_name="plenary-session-motions",
)
def session_motions(request, session_id: int, status: str = ""):
    return list(selectors.motions(acting_user(request), session=_session(session_id), status=status or None))


@router.get("/motions/{motion_id}", permission=VIEW, response={200: MotionDetailOut, **ERRORS}, url_name="plenary-motion")
def motion_detail(request, motion_id: int):
    """A motion and, once decided, its result (RES-1, SESS-4)."""
    user = acting_user(request)
    motion = selectors.motions(user).filter(pk=motion_id).first()
    if motion is None:
        raise NotFound()
    result = selectors.motion_result(user, motion)
    return {
        **MotionOut.from_orm(motion).model_dump(),
        "text": motion.text,
        "result": None if result is None else vars(result),
    }


# --- motions filed by deputies jointly: signatures (ELEC-19, RES-4) ----------------------


class SignerOut(Schema):
    deputy_id: int
    code: str
    name: str
    in_office: bool
    signed_at: datetime.datetime


class SignaturesOut(Schema):
    motion_id: int
    title: str
    kind: str
    status: str
    collecting: bool
    signed: int
    needed: int
    still_needed: int
    all_deputies: int
    signers: list[SignerOut]


class SignIn(Schema):
    """Empty for oneself; staff name the deputy whose paper signature it is."""

    deputy_id: int | None = None


def _signatures(user, motion) -> dict:
    count = selectors.signature_count(motion)
    return {
        "motion_id": motion.pk,
        "title": motion.title,
        "kind": motion.kind,
        "status": motion.status,
        "collecting": selectors.collects_signatures(motion),
        **vars(count),
        "signers": [
            {
                "deputy_id": s.deputy_id,
                "code": s.deputy.code,
                "name": s.deputy.name,
                "in_office": s.deputy.in_office,
                "signed_at": s.signed_at,
            }
            for s in selectors.motion_signatures(user, motion)
        ],
    }


def _signer(user, motion, deputy_id: int | None) -> Deputy:
    """A deputy signs for themselves (naming someone else is refused by the service); staff
    name the deputy, who must be of the motion's term."""
    if deputy_id is None:
        deputy = deputy_of(user)
        if deputy is None:
            message = _("Your account is not linked to a deputy record.")
            raise ValidationFailed(message, details={"deputy_id": message})
        return deputy
    deputy = Deputy.objects.filter(pk=deputy_id, term_id=motion.session.term_id).first()
    if deputy is None:
        raise NotFound()
    return deputy


@router.get(
    "/motions/{motion_id}/signatures",
    permission=MOTION_VIEW,
    response={200: SignaturesOut, **ERRORS},
    url_name="plenary-motion-signatures",
)
def motion_signatures(request, motion_id: int):
    """ELEC-19 / RES-4: who signed a joint motion and how many more must sign."""
    user = acting_user(request)
    return _signatures(user, selectors.joint_motion_for(user, motion_id))


@router.post(
    "/motions/{motion_id}/sign",
    permission=MOTION_SIGN,
    response={200: SignaturesOut, **ERRORS},
    url_name="plenary-motion-sign",
)
def sign(request, motion_id: int, payload: SignIn):
    """Sign a joint motion (a deputy for themselves; staff a paper signature)."""
    user = acting_user(request)
    motion = selectors.joint_motion_for(user, motion_id)
    services.sign_motion(by=user, motion=motion, deputy=_signer(user, motion, payload.deputy_id))
    return _signatures(user, motion)


@router.post(
    "/motions/{motion_id}/unsign",
    permission=MOTION_UNSIGN,
    response={200: SignaturesOut, **ERRORS},
    url_name="plenary-motion-unsign",
)
def unsign(request, motion_id: int, payload: SignIn):
    """Take back a signature while the motion collects them (staff: one taken back in writing)."""
    user = acting_user(request)
    motion = selectors.joint_motion_for(user, motion_id)
    services.unsign_motion(by=user, motion=motion, deputy=_signer(user, motion, payload.deputy_id))
    return _signatures(user, motion)
