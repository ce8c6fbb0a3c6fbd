"""Ratings, re-handling and closing (SUGG-7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.roles import Role
from core.audit.services import record
from core.errors import InvalidTransition, ValidationFailed
from core.notify.services import mark_read_for
from core.permissions import require
from core.workcalendar import rules as time_rules
from core.workcalendar import selectors as calendar
from core.workflow import perform

from .. import rules
from ..models import Assignment, Case, Feedback, Recipient, Reply
from .base import (
    _act,
    _check_state,
    _clerks,
    _lock,
    _new_assignment,
    _now,
    _snapshot,
    _staff,
    _tell,
    _tell_filers,
    _unit_names,
    kind_of,
    params_for,
)
from .derived import keeping_copies
from .handling import _round_rows

_L = gettext_lazy


# --- feedback, re-handling, closing (SUGG-7) ----------------------------------------------------


def _round_state(case: Case) -> dict[str, Any]:
    """The current round's replies to filers, raters and ratings, for the SUGG-7 rules."""
    rows = _round_rows(case)
    complete = rules.round_complete(case.handling_mode, [(a.role, a.status) for a in rows])
    replies = list(
        Reply.objects.filter(case=case, round=case.round, role__in=rules.REPLYING_ROLES).select_related("assignment")
    )
    replies = [r for r in replies if r.assignment.status == rules.DONE]
    raters = list(Recipient.objects.filter(case=case, is_lead=True, withdrawn_at__isnull=True).values_list("pk", flat=True))
    ratings = {
        (f.reply_id, f.recipient_id): f.satisfaction
        for f in Feedback.objects.filter(reply__in=replies, recipient_id__in=raters)
    }
    expected = [(r.pk, rater) for r in replies for rater in raters]
    scale = kind_of(case).satisfaction_scale(params_for(case))
    dissatisfied_units = [
        r.unit_id for r in replies
        if any(rules.is_dissatisfied(ratings.get((r.pk, rater), ""), scale) for rater in raters)
    ]
    lead = next((a for a in rows if a.role == rules.LEAD), None)
    return {
        "complete": complete,
        "expected": expected,
        "ratings": ratings,
        "scale": scale,
        "all_rated": bool(expected) and all(pair in ratings for pair in expected),
        "dissatisfied_units": dissatisfied_units,
        "lead_unit": lead.unit_id if lead else None,
        "unit_ids": [a.unit_id for a in rows if a.status != rules.CANCELLED],
    }


def _do_rehandle(case: Case, *, by, state: Mapping[str, Any], now, note: str = "") -> list[Assignment]:
    """Write the re-handling round (the case is locked by the caller, who keeps the copies:
    `derived.keeping_copies`)."""
    units = rules.rehandle_units(
        mode=case.handling_mode, dissatisfied_units=state["dissatisfied_units"], lead_unit=state["lead_unit"]
    )
    kind = kind_of(case)
    params = params_for(case)
    period = kind.rehandle_period(params, case)
    cal = calendar.current_calendar()
    start = time_rules.local_date(now)
    case.round += 1
    role = rules.LEAD if case.handling_mode == rules.LEAD_ASSISTING else rules.SEPARATE_UNIT
    created = [
        _new_assignment(
            case=case, unit_id=unit_id, role=role, round_number=case.round, period=period, start=start,
            now=now, by=by, params=params, cal=cal,
        )
        for unit_id in units
    ]
    case.status = rules.REHANDLING
    case.save(update_fields=["status", "round", "updated_at"])
    code = kind.code("rehandle")
    for a in created:
        _tell(_clerks([a.unit_id]), action=code, case=case,
              title=_L("The filer is dissatisfied: re-handle “%(title)s” by %(due)s"),
              params={"title": case.title, "due": a.due_on.isoformat()})
    _tell_filers(case, action=code, title=_L("“%(title)s” is being handled again"), params={"title": case.title})
    _tell(_staff(), action=code, case=case,
          title=_L("Dissatisfied: “%(title)s” goes back to %(units)s"),
          params={"title": case.title, "units": _unit_names(units)})
    return created


def _do_close(case: Case, *, now) -> None:
    """Close the case (locked by the caller, who keeps the copies: `derived.keeping_copies`)."""
    units = _round_state(case)["unit_ids"]
    case.status = rules.CLOSED
    case.closed_at = now
    case.save(update_fields=["status", "closed_at", "updated_at"])
    # An assisting unit's view not sent by now is moot: it is owed to nobody any more.
    Assignment.objects.filter(case=case, status=rules.PENDING).update(status=rules.CANCELLED)
    _tell(_clerks(units), action=kind_of(case).code("close"), case=case,
          title=_L("“%(title)s” is closed"), params={"title": case.title})


def rate_reply(*, by, reply: Reply, satisfaction: str, comment: str = "", recipient=None, now=None) -> Feedback:
    """SUGG-7: the filer rates a reply (satisfied / basically satisfied / dissatisfied, or
    the congress's scale); staff may enter a paper feedback form for a named filer.

    Once every filer has rated every reply of the round: a dissatisfied rating in the first
    round sends the case back to the unit(s) with a new deadline (`<prefix>.rehandle`),
    otherwise the case is closed (`<prefix>.close`); both are audited as their own events.
    Raises NotAllowed (not a filer of this case), InvalidTransition (not waiting for a
    rating, or already rated), ValidationFailed (value not on the scale, a dissatisfied
    rating without a comment saying what is unsatisfactory, no filer named).
    """
    now = _now(now)
    case = reply.case
    kind = kind_of(case)
    with transaction.atomic():
        locked = _lock(case)
        require(by, kind.code("rate"), reply)
        _check_state(locked, "rate")
        if reply.round != locked.round or not reply.to_filer or reply.case_id != locked.pk:
            raise InvalidTransition(_("This reply is not waiting for a rating."))
        scale = kind.satisfaction_scale(params_for(locked))
        if satisfaction not in scale:
            raise ValidationFailed(
                details={"satisfaction": _("Choose one of: %(values)s.") % {"values": ", ".join(scale)}}
            )
        # SUGG-7: the unit re-handles from what the filer found unsatisfactory.
        if (kind.dissatisfied_needs_comment and rules.rating_needs_comment(satisfaction, scale)
                and not (comment or "").strip()):
            raise ValidationFailed(details={"comment": _(
                "Say what is unsatisfactory in the reply: the unit handles it again from what you write.")})
        rater = _rater(by, locked, reply, recipient)
        data: dict[str, Any] = {
            "reply": reply.pk, "recipient": rater.pk, "round": reply.round, "satisfaction": satisfaction,
            "unit": reply.unit_id,
        }

        def apply(current: Case):
            feedback = Feedback.objects.create(
                case=current, reply=reply, round=reply.round, recipient=rater, satisfaction=satisfaction,
                comment=(comment or "").strip(), entered_by=by, rated_at=now,
            )
            _tell(_clerks([reply.unit_id]), action=kind.code("rate"), case=current,
                  title=_L("“%(title)s” was rated: %(satisfaction)s"),
                  params={"title": current.title, "satisfaction": satisfaction})
            return feedback

        feedback = perform(by=by, action=kind.code("rate"), obj=locked, permission_obj=reply, apply=apply, data=data,
                           locked=True)
        current = _lock(locked)
        state = _round_state(current)
        # The filer has now rated every reply of the round: the notices asking for it are done.
        if all(pair in state["ratings"] for pair in state["expected"] if pair[1] == rater.pk):
            mark_read_for(user=rater.user or (rater.deputy.user if rater.deputy_id else None),
                          url=kind_of(rater.source_case).url(rater.source_case), actions=[kind.code("reply")])
        outcome = rules.feedback_outcome(
            round_number=current.round, scale=state["scale"], expected=state["expected"], ratings=state["ratings"]
        )
        if outcome == rules.REHANDLE:
            before = _snapshot(current)
            with keeping_copies([current.pk]):
                created = _do_rehandle(current, by=None, state=state, now=now)
            record(actor=by, action=kind.code("rehandle"), target=current, before=before, after=_snapshot(current),
                   data={"after_feedback": feedback.pk, "assignments": [
                       {"id": a.pk, "unit": a.unit_id, "due_on": a.due_on, "rule": a.due_rule} for a in created]})
        elif outcome == rules.CLOSE:
            before = _snapshot(current)
            with keeping_copies([current.pk]):
                _do_close(current, now=now)
            record(actor=by, action=kind.code("close"), target=current, before=before, after=_snapshot(current),
                   data={"after_feedback": feedback.pk})
    return feedback


def _rater(by, case: Case, reply: Reply, recipient) -> Recipient:
    """The filer whose rating this is: staff name one; a filer rates as themselves."""
    rated = Feedback.objects.filter(reply=reply).values_list("recipient_id", flat=True)
    filers = Recipient.objects.filter(case=case, is_lead=True, withdrawn_at__isnull=True)
    recipient_pk = recipient.pk if isinstance(recipient, Recipient) else recipient
    if getattr(by, "role", None) == Role.STAFF:
        if recipient_pk is None:
            raise ValidationFailed(details={"recipient": _("Name the filer whose feedback form this is.")})
        candidates = filers.filter(pk=recipient_pk)
    else:
        candidates = filers.filter(Q(user=by) | Q(deputy__user=by))
        if recipient_pk is not None:
            candidates = candidates.filter(pk=recipient_pk)
    if not candidates.exists():
        raise ValidationFailed(details={"recipient": _("This person is not a filer of the case.")})
    row = candidates.exclude(pk__in=list(rated)).order_by("pk").first()
    if row is None:
        raise InvalidTransition(_("This reply has already been rated."))
    return row


def rehandle_case(*, by, case: Case, note: str = "", now=None) -> Case:
    """SUGG-7: staff send a case back for re-handling after a dissatisfied rating, without
    waiting for every other filer's rating. Raises InvalidTransition unless the first round
    is complete and some filer is dissatisfied."""
    now = _now(now)
    data: dict[str, Any] = {"note": note}

    def apply(current: Case):
        state = _round_state(current)
        if not rules.may_rehandle(
            round_number=current.round, complete=state["complete"], any_dissatisfied=bool(state["dissatisfied_units"])
        ):
            raise InvalidTransition(_("Re-handling follows a dissatisfied rating of the first reply."))
        created = _do_rehandle(current, by=by, state=state, now=now, note=note)
        data["assignments"] = [{"id": a.pk, "unit": a.unit_id, "due_on": a.due_on, "rule": a.due_rule} for a in created]
        return current

    return _act(by=by, verb="rehandle", case=case, apply=apply, data=data)


def close_case(*, by, case: Case, note: str = "", now=None) -> Case:
    """SUGG-7: staff close a replied case: only when every filer rated it satisfied or
    basically satisfied, or once re-handling is complete. Raises InvalidTransition."""
    now = _now(now)
    data: dict[str, Any] = {"note": note}

    def apply(current: Case):
        state = _round_state(current)
        if not rules.may_close(
            round_number=current.round, complete=state["complete"], all_rated=state["all_rated"],
            any_dissatisfied=bool(state["dissatisfied_units"]),
        ):
            raise InvalidTransition(
                _("A case is closed once every filer is satisfied or basically satisfied, or after re-handling.")
            )
        _do_close(current, now=now)
        return current

    return _act(by=by, verb="close", case=case, apply=apply, data=data)
