"""The secretariat's session desk: roster (SESS-4), check-in and quorum (SESS-1), presidium
(SESS-3) and motions (RES-1).

Each view checks its permission (`@requires`), parses its form, calls one service or the
selectors it shows, and renders. A form a service refuses is shown again with the reason
on the field (status 422); a one-click action that is refused comes back as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from balloting import permissions as ballot_codes
from balloting import selectors as balloting_selectors
from balloting import services as balloting
from balloting.models import Round
from core.errors import DatongError, NotAllowed
from core.organisation import selectors as organisation
from core.organisation.models import Session
from core.permissions import has_perm, requires

from . import forms, selectors, services
from . import permissions as codes
from .models import Motion

INVALID = 422


# --- helpers -----------------------------------------------------------------------------


def form_errors(form, exc: DatongError) -> None:
    """Put a service's refusal on the form: each detail on its field, or on the form."""
    placed = False
    for field, reason in (exc.details or {}).items():
        name = str(field).split(".")[0]
        form.add_error(name if name in form.fields else None, str(reason))
        placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _act(
    request: HttpRequest, action: Callable[[], Any], success: str | Callable[[Any], str], back: str
) -> HttpResponse:
    """A one-click action (POST): the service's refusal comes back as an error message. The
    success message may depend on what the service returned (`success(result)`)."""
    try:
        result = action()
    except NotAllowed:
        raise
    except DatongError as exc:
        messages.error(request, str(exc.message))
        for where, reason in (exc.details or {}).items():
            if str(reason) != str(exc.message):
                messages.error(request, f"{where}: {reason}")
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(back)


def _session(request: HttpRequest, session_id: int) -> Session:
    """A session of the congress this installation serves, as the organisation shows it."""
    sessions = organisation.session_list(user=request.user, congress=organisation.current_congress())
    session = sessions.filter(pk=session_id).select_related("term__congress").first()
    if session is None:
        raise Http404(_("No such session."))
    return session


def _motion(request: HttpRequest, motion_id: int) -> Motion:
    return get_object_or_404(selectors.motions(request.user).select_related("session__term__congress"), pk=motion_id)


def _term_deputies(request: HttpRequest, session: Session):
    return organisation.deputy_list(user=request.user, term=session.term)


def _dashboard_url(session: Session) -> str:
    return reverse("plenary:session-detail", args=[session.pk])


# --- sessions ----------------------------------------------------------------------------


@requires(codes.SESSION_VIEW)
def session_list(request: HttpRequest) -> HttpResponse:
    """The congress's sessions, newest first, each leading to its desk."""
    congress = organisation.current_congress()
    sessions = organisation.session_list(user=request.user, congress=congress)
    return render(request, "plenary/session_list.html", {"congress": congress, "sessions": sessions})


@requires(codes.SESSION_VIEW)
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session desk: the roster (SESS-4), today's quorum (SESS-1) and check-in, the
    presidium (SESS-3) and the motions (RES-1)."""
    session = _session(request, session_id)
    return render(request, "plenary/session_detail.html", _desk_context(request, session, forms.CheckInForm()))


def _desk_context(request: HttpRequest, session: Session, check_in_form) -> dict[str, Any]:
    user = request.user
    return {
        "session": session,
        "roster": selectors.roster_summary(user, session),
        "quorum": selectors.quorum_status(user, session),
        "checked_in": selectors.attendance(user, session),
        "not_checked_in": selectors.not_checked_in(user, session),
        "presidium": selectors.presidium(user, session),
        "motions": selectors.motions(user, session=session),
        "check_in_form": check_in_form,
        "can_open_roster": has_perm(user, codes.ROSTER_OPEN, session),
        "can_refresh_roster": has_perm(user, codes.ROSTER_REFRESH, session),
        "can_set_presidium": has_perm(user, codes.PRESIDIUM_SET, session),
        "can_create_motion": has_perm(user, codes.MOTION_CREATE, session),
    }


@requires(codes.ROSTER_OPEN)
@require_POST
def roster_open(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return _act(
        request,
        lambda: services.open_session_roster(by=request.user, session=session),
        _("The session's roster was taken."),
        _dashboard_url(session),
    )


@requires(codes.ROSTER_REFRESH)
@require_POST
def roster_refresh(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return _act(
        request,
        lambda: services.refresh_session_roster(by=request.user, session=session),
        _("The roster was brought up to date."),
        _dashboard_url(session),
    )


@requires(codes.CHECK_IN)
@require_POST
def check_in(request: HttpRequest, session_id: int) -> HttpResponse:
    """Record a check-in (签到) by deputy number; the form stays for the next one."""
    session = _session(request, session_id)
    form = forms.CheckInForm(request.POST, deputies=_term_deputies(request, session))
    if form.is_valid():
        deputy = form.cleaned_data["deputy"]
        try:
            services.check_in(by=request.user, session=session, deputy=deputy)
        except NotAllowed:
            raise
        except DatongError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s (%(number)s) is checked in.") % {"name": deputy.name, "number": deputy.code}
            )
            return redirect(_dashboard_url(session) + "#check-in")
    return render(request, "plenary/session_detail.html", _desk_context(request, session, form), status=INVALID)


@requires(codes.PRESIDIUM_SET)
def presidium_set(request: HttpRequest, session_id: int) -> HttpResponse:
    """Record the presidium elected at the preparatory meeting (SESS-3)."""
    session = _session(request, session_id)
    current = selectors.presidium(request.user, session)
    deputies = _term_deputies(request, session)
    if request.method == "POST":
        form = forms.PresidiumForm(request.POST, deputies=deputies)
        if form.is_valid():
            try:
                services.set_presidium(by=request.user, session=session, members=form.members_with_roles())
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The presidium was recorded."))
                return redirect(_dashboard_url(session) + "#presidium")
        status = INVALID
    else:
        chairs = [m.deputy.code for m in current if m.role == m.Role.EXECUTIVE_CHAIR]
        others = [m.deputy.code for m in current if m.role != m.Role.EXECUTIVE_CHAIR]
        form = forms.PresidiumForm(
            initial={"executive_chairs": "\n".join(chairs), "members": "\n".join(others)}, deputies=deputies
        )
        status = 200
    return render(
        request, "plenary/presidium_form.html", {"session": session, "form": form, "presidium": current}, status=status
    )


# --- motions -----------------------------------------------------------------------------


@requires(codes.SESSION_VIEW)
def motion_list(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return render(
        request,
        "plenary/motion_list.html",
        {
            "session": session,
            "motions": selectors.motions(request.user, session=session),
            "can_create_motion": has_perm(request.user, codes.MOTION_CREATE, session),
        },
    )


@requires(codes.MOTION_CREATE)
def motion_create(request: HttpRequest, session_id: int) -> HttpResponse:
    """Prepare a motion (RES-1; recall ELEC-19); the method defaults to the session's. A
    deputy starts one deputies file jointly and goes on to its page of signatures (the
    session desk is the secretariat's)."""
    session = _session(request, session_id)
    desk = has_perm(request.user, codes.SESSION_VIEW)
    initial = {} if desk else {"filed_by": Motion.FiledBy.DEPUTIES, "kind": Motion.Kind.RECALL}
    form = forms.MotionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                motion = services.create_motion(
                    by=request.user,
                    session=session,
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                    filed_by=data["filed_by"],
                    recall_of=data["recall_of"],
                    method=data["method"] or None,
                )
            except NotAllowed:
                raise
            except DatongError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The motion was prepared."))
                if desk:
                    return redirect("plenary:motion-detail", motion_id=motion.pk)
                return redirect("plenary:motion-signatures", motion_id=motion.pk)
        status = INVALID
    back = (
        reverse("plenary:motion-list", args=[session.pk]) if desk else reverse("plenary:joint-motion-list")
    )
    return render(
        request, "plenary/motion_form.html", {"session": session, "form": form, "back": back, "desk": desk}, status=status
    )


@requires(codes.SESSION_VIEW)
def motion_detail(request: HttpRequest, motion_id: int) -> HttpResponse:
    """A motion, its vote and its result with the basis used (RES-1, SESS-4); the counts
    appear only once the vote is counted."""
    motion = _motion(request, motion_id)
    user = request.user
    round_ = motion.round
    may_decide = (
        round_ is not None
        and motion.status == Motion.Status.VOTING
        and (round_.counted_at is not None or round_.status == Round.Status.VOID)
        and has_perm(user, codes.MOTION_DECIDE, motion)
    )
    # A paper vote: the balloting steps in order (ELEC-11, SEC-2), then recording the result
    # (RES-1), which waits for every scrutineer's signature unless the vote is void.
    paper = None
    if round_ is not None and round_.method == Round.Method.PAPER:
        paper = balloting_selectors.paper_count(user, round_)
    if paper is not None:
        paper = paper.then(
            "record",
            done=motion.decided_at is not None,
            may_act=may_decide and (paper.void or paper.signed_off or not paper.scrutineers),
        )
    return render(
        request,
        "plenary/motion_detail.html",
        {
            "motion": motion,
            "paper": paper,
            "session": motion.session,
            "result": selectors.motion_result(user, motion),
            "round_result": selectors.motion_round_result(user, motion),
            "progress": balloting_selectors.round_progress(user, round_) if round_ is not None else None,
            "signatures": motion.signatures.select_related("deputy"),
            "signature_count": (
                selectors.signature_count(motion) if motion.filed_by == Motion.FiledBy.DEPUTIES else None
            ),
            "hands_form": forms.ShowOfHandsForm(),
            "can": {
                "submit": motion.status == Motion.Status.DRAFT and has_perm(user, codes.MOTION_SUBMIT, motion),
                "withdraw": motion.status in (Motion.Status.DRAFT, Motion.Status.SUBMITTED)
                and has_perm(user, codes.MOTION_WITHDRAW, motion),
                "open": motion.status == Motion.Status.SUBMITTED and has_perm(user, codes.MOTION_OPEN, motion),
                "close": round_ is not None
                and motion.status == Motion.Status.VOTING
                and round_.status == Round.Status.OPEN
                and has_perm(user, ballot_codes.CLOSE, round_),
                "count": round_ is not None
                and motion.status == Motion.Status.VOTING
                and round_.status == Round.Status.CLOSED
                and has_perm(user, ballot_codes.COUNT, round_),
                "decide": may_decide,
                "hands": motion.status == Motion.Status.VOTING
                and motion.method == Motion.Method.HANDS
                and has_perm(user, codes.MOTION_RECORD_HANDS, motion),
            },
        },
    )


def _motion_action(code: str, service: Callable, success: str | Callable[[Motion], str]):
    @requires(code)
    @require_POST
    def view(request: HttpRequest, motion_id: int) -> HttpResponse:
        motion = _motion(request, motion_id)
        return _act(
            request,
            lambda: service(by=request.user, motion=motion),
            success,
            reverse("plenary:motion-detail", args=[motion.pk]),
        )

    return view


motion_submit = _motion_action(codes.MOTION_SUBMIT, services.submit_motion, gettext_lazy("The motion was submitted."))
motion_withdraw = _motion_action(codes.MOTION_WITHDRAW, services.withdraw_motion, gettext_lazy("The motion was withdrawn."))
motion_open = _motion_action(codes.MOTION_OPEN, services.open_motion_vote, gettext_lazy("The vote is open."))


def _decided(motion: Motion) -> str:
    # A void round (ELEC-11) records no result: the motion is back, to be voted on again.
    if motion.status == Motion.Status.SUBMITTED:
        return _("The vote was void: the motion is back before the session, to be voted on again.")
    return _("The result was recorded.")


motion_decide = _motion_action(codes.MOTION_DECIDE, services.decide_motion, _decided)


# --- motions filed by deputies jointly: signatures (ELEC-19 recall, RES-4 committee) ------


@requires(codes.MOTION_VIEW)
def joint_motion_list(request: HttpRequest) -> HttpResponse:
    """The motions deputies file jointly that the user may see (a deputy: those of their
    term), each with its signatures and the number needed; and the sessions in which one
    may be started now."""
    user = request.user
    return render(
        request,
        "plenary/joint_motion_list.html",
        {
            "rows": selectors.joint_motion_rows(user),
            "sessions": selectors.sessions_for_joint_motions(user),
            "can_create": has_perm(user, codes.MOTION_CREATE),
        },
    )


@requires(codes.MOTION_VIEW)
def motion_signatures(request: HttpRequest, motion_id: int) -> HttpResponse:
    """A motion deputies file jointly: its text, who signed, how many more must sign (at
    least one-tenth of all deputies, ELEC-19 / RES-4); a deputy signs or takes back their
    signature while it collects them, staff enter paper signatures and submit it."""
    user = request.user
    motion = selectors.joint_motion_for(user, motion_id)
    collecting = selectors.collects_signatures(motion)
    deputy = codes.deputy_of(user)
    signed = selectors.has_signed(user, motion)
    desk = has_perm(user, codes.SESSION_VIEW)
    return render(
        request,
        "plenary/motion_signatures.html",
        {
            "motion": motion,
            "session": motion.session,
            "count": selectors.signature_count(motion),
            "signatures": selectors.motion_signatures(user, motion),
            "collecting": collecting,
            "has_signed": signed,
            "paper_form": forms.SignatureForm() if desk else None,
            "can": {
                "sign": collecting and deputy is not None and not signed and has_perm(user, codes.MOTION_SIGN, motion),
                "unsign": collecting and signed and has_perm(user, codes.MOTION_UNSIGN, motion),
                "record": collecting and desk and has_perm(user, codes.MOTION_SIGN, motion),
                "submit": motion.status == Motion.Status.DRAFT and has_perm(user, codes.MOTION_SUBMIT, motion),
                "desk": desk,
            },
        },
    )


def _signer(request: HttpRequest, motion: Motion):
    """The deputy a signature is for: oneself; for staff, the deputy number they typed.
    None (with an error message) when there is none."""
    if not has_perm(request.user, codes.SESSION_VIEW):
        deputy = codes.deputy_of(request.user)
        if deputy is None:
            messages.error(request, _("Your account is not linked to a deputy record."))
        return deputy
    form = forms.SignatureForm(request.POST, deputies=_term_deputies(request, motion.session))
    if form.is_valid():
        return form.cleaned_data["deputy"]
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return None


def _signature_action(code: str, service: Callable, success: str):
    @requires(code)
    @require_POST
    def view(request: HttpRequest, motion_id: int) -> HttpResponse:
        motion = selectors.joint_motion_for(request.user, motion_id)
        back = reverse("plenary:motion-signatures", args=[motion.pk])
        deputy = _signer(request, motion)
        if deputy is None:
            return redirect(back)
        return _act(request, lambda: service(by=request.user, motion=motion, deputy=deputy), success, back)

    return view


motion_sign = _signature_action(codes.MOTION_SIGN, services.sign_motion, gettext_lazy("The signature was recorded."))
motion_unsign = _signature_action(
    codes.MOTION_UNSIGN, services.unsign_motion, gettext_lazy("The signature was taken back.")
)


@requires(ballot_codes.CLOSE)
@require_POST
def motion_close(request: HttpRequest, motion_id: int) -> HttpResponse:
    """Close the motion's vote (balloting; counts stay hidden until the count)."""
    motion = _motion(request, motion_id)
    if motion.round is None:
        raise Http404
    return _act(
        request,
        lambda: balloting.close_round(by=request.user, round=motion.round),
        _("The vote is closed."),
        reverse("plenary:motion-detail", args=[motion.pk]),
    )


@requires(ballot_codes.COUNT)
@require_POST
def motion_count(request: HttpRequest, motion_id: int) -> HttpResponse:
    """Count the motion's closed vote (ELEC-11 validity applies to every secret vote)."""
    motion = _motion(request, motion_id)
    if motion.round is None:
        raise Http404
    return _act(
        request,
        lambda: balloting.count_round(by=request.user, round=motion.round),
        _("The vote was counted."),
        reverse("plenary:motion-detail", args=[motion.pk]),
    )


@requires(codes.MOTION_RECORD_HANDS)
@require_POST
def motion_hands(request: HttpRequest, motion_id: int) -> HttpResponse:
    """Record a vote by show of hands and decide it on a majority of all deputies (RES-1)."""
    motion = _motion(request, motion_id)
    form = forms.ShowOfHandsForm(request.POST)
    if form.is_valid():
        try:
            services.record_show_of_hands(by=request.user, motion=motion, **form.cleaned_data)
        except NotAllowed:
            raise
        except DatongError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The result was recorded."))
            return redirect("plenary:motion-detail", motion_id=motion.pk)
    return render(
        request,
        "plenary/motion_hands.html",
        {"motion": motion, "session": motion.session, "form": form},
        status=INVALID,
    )
