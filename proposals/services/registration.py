"""Submission, registration, decline and withdrawal (SUGG-1, SUGG-2, SUGG-10), and bills
handled as suggestions (BILL-4)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import services as casework
from core.errors import InvalidTransition, ValidationFailed
from core.organisation.models import Deputy, Session, Term
from core.organisation.rules import effective_parameters
from core.workcalendar import rules as time_rules
from core.workflow import perform, transition

from .. import permissions, rules
from ..casekind import NAME as KIND
from ..models import Cosignature, Suggestion, SuggestionCategory, SuggestionCounter
from .base import (
    _CONTENT_ERRORS,
    _UNSET,
    Status,
    _check_category,
    _content_error,
    _guard,
    _now,
    _subject_error,
    _sync,
    _url,
    _user_of,
)

_L = gettext_lazy


# --- submission, registration, decline (SUGG-1, SUGG-2, SUGG-10) ----------------------------


def _session_on(term_id: int, day: date) -> Session | None:
    sessions = Session.objects.filter(term_id=term_id, starts_on__lte=day, ends_on__gte=day)
    return rules.session_at(day, [(s, s.starts_on, s.ends_on) for s in sessions])


def submit_suggestion(*, by, suggestion: Suggestion, now=None) -> Suggestion:
    """Submit a draft (SUGG-1): the filer must be in office and the content specific. Filed
    during a session it goes to the congress (its `session` is set), otherwise to the
    standing committee. Co-signers and (for a paper entry) the filer are told."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, permissions.SUBMIT, suggestion, [Status.DRAFT])
        errors = {}
        if not rules.may_file(in_office=locked.filed_by.in_office):
            errors["filed_by"] = _("Only a deputy in office may file a suggestion.")
        for field, error in (("subject", _subject_error(locked.subject)), ("content", _content_error(locked.content))):
            if error:
                errors[field] = error
        if locked.category_id is None and SuggestionCategory.objects.filter(
            congress_id=locked.congress_id, is_active=True
        ).exists():
            errors["category"] = _("Choose a category.")
        if errors:
            raise ValidationFailed(details=errors)
        session = _session_on(locked.term_id, time_rules.local_date(now))
        told = [c.deputy.user for c in locked.cosignatures.select_related("deputy__user").exclude(
            status=Cosignature.Status.DECLINED) if c.deputy.user]
        filer_user = _user_of(locked.filed_by)
        if filer_user is not None and filer_user.pk != by.pk:
            told.append(filer_user)
        return _sync(suggestion, transition(
            by=by, action=permissions.SUBMIT, obj=locked, allowed_from=[Status.DRAFT], to=Status.SUBMITTED,
            changes={"submitted_at": now, "session": session},
            notify=told, title=_L("“%(subject)s” was submitted"), params={"subject": locked.subject},
            url=_url(locked),
        ))


def _next_number(congress_id: int, year: int) -> int:
    counter, _created = SuggestionCounter.objects.select_for_update().get_or_create(congress_id=congress_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _people(suggestion: Suggestion) -> list:
    users = [_user_of(suggestion.filed_by)]
    users += [c.deputy.user for c in suggestion.cosignatures.select_related("deputy__user").filter(
        status=Cosignature.Status.CONFIRMED)]
    return [u for u in users if u is not None]


def register_suggestion(*, by, suggestion: Suggestion, category=_UNSET, note: str = "", now=None) -> Suggestion:
    """Register (立案) a submitted suggestion (SUGG-2): number it, open its case with the
    filer and, per `joint_reply_to`, the confirmed co-signers owed a reply (SUGG-11), and
    tell them. Staff may set the category on the way."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, permissions.REGISTER, suggestion, [Status.SUBMITTED])
        changes: dict[str, Any] = {}
        if category is not _UNSET:
            changes["category"] = _check_category(category, locked.congress_id)
        params = effective_parameters(locked.congress)
        cosigners = [c.deputy for c in locked.cosignatures.select_related("deputy__user").filter(
            status=Cosignature.Status.CONFIRMED).order_by("pk")]
        plan = rules.recipients_for(filer=locked.filed_by, cosigners=cosigners, joint_reply_to=params["joint_reply_to"])
        case = casework.open_case(
            kind=KIND, congress=locked.congress, title=locked.subject, now=now,
            recipients=[casework.RecipientSpec(deputy=p.deputy, user=p.deputy.user, is_lead=p.is_lead,
                                               owed_reply=p.owed_reply) for p in plan],
        )
        year = time_rules.local_date(now).year
        serial = _next_number(locked.congress_id, year)
        changes.update(case=case, year=year, serial=serial, number=rules.suggestion_number(year, serial),
                       registered_at=now)
        return _sync(suggestion, transition(
            by=by, action=permissions.REGISTER, obj=locked, allowed_from=[Status.SUBMITTED], to=Status.REGISTERED,
            changes=changes, data={"case": case.pk, "note": note, "joint_reply_to": params["joint_reply_to"]},
            notify=_people(locked), title=_L("“%(subject)s” was registered as No. %(number)s"),
            params={"subject": locked.subject, "number": changes["number"]}, url=_url(locked),
        ))


def decline_suggestion(*, by, suggestion: Suggestion, reason: str, note: str = "", now=None) -> Suggestion:
    """Decline to register (不予立案) with one of the congress's exclusions (SUGG-10); the
    deputy is told why and sees the reason on the suggestion."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, permissions.DECLINE, suggestion, [Status.SUBMITTED])
        configured = effective_parameters(locked.congress)["sugg_exclusions"]
        if not rules.is_exclusion(reason, configured):
            raise ValidationFailed(details={"reason": _("Choose one of the reasons a suggestion is not registered.")})
        return _sync(suggestion, transition(
            by=by, action=permissions.DECLINE, obj=locked, allowed_from=[Status.SUBMITTED], to=Status.DECLINED,
            changes={"decline_reason": reason, "decline_note": (note or "").strip(), "declined_at": now},
            notify=_people(locked), title=_L("“%(subject)s” was not registered: %(reason)s"),
            params={"subject": locked.subject, "reason": rules.exclusion_label(reason)}, url=_url(locked),
        ))


def withdraw_suggestion(*, by, suggestion: Suggestion, note: str = "", now=None) -> Suggestion:
    """The filer withdraws the suggestion (SUGG-10: the deputy's own act, in writing).

    Staff may only record the deputy's written request: `note` must then say what the request
    was (when and how it came), and the deputy is told. Before registration the suggestion
    simply ends. After registration its case is withdrawn too (`casework.withdraw_case`): a
    merged case goes on for the other filers. Not possible once the case is closed.
    Raises NotAllowed, InvalidTransition (state), ValidationFailed (staff without the note).
    """
    now = _now(now)
    note = (note or "").strip()
    with transaction.atomic():
        allowed = [Status.DRAFT, Status.SUBMITTED, Status.REGISTERED]
        locked = _guard(by, permissions.WITHDRAW, suggestion, allowed)
        on_request = rules.withdrawal_needs_request_note(by_filer=permissions.is_filer(by, locked))
        if on_request and not note:
            raise ValidationFailed(details={"note": _(
                "Note the deputy's written request to withdraw: when and how it came.")})
        data: dict[str, Any] = {"note": note, "on_request_of_filer": on_request}
        if locked.status == Status.REGISTERED:
            live = casework.withdraw_case(by=by, case=locked.case, note=note, now=now)
            data.update(case=locked.case_id, handled_in=live.pk, case_status=live.status)
        filer = _user_of(locked.filed_by) if on_request else None
        return _sync(suggestion, transition(
            by=by, action=permissions.WITHDRAW, obj=locked, allowed_from=allowed, to=Status.WITHDRAWN,
            changes={"withdrawn_at": now}, data=data,
            notify=[filer] if filer is not None else [],
            title=_L("“%(subject)s” was withdrawn at your request"), params={"subject": locked.subject},
            url=_url(locked),
        ))


# --- BILL-4: a bill not placed on the agenda becomes a suggestion -------------------------------


def suggestion_from_bill(
    *,
    by,
    term: Term,
    filed_by: Deputy,
    subject: str,
    content: str,
    cosigners: Iterable[Deputy] = (),
    session: Session | None = None,
    source_ref: str = "",
    category=None,
    now=None,
) -> Suggestion:
    """BILL-4: handle a deputies' bill not placed on the agenda as a suggestion.

    Called by the bills service. The suggestion is created `submitted` (ready to register)
    with the bill's signers as confirmed co-signers. Refused (InvalidTransition) where the
    congress leaves such bills to the standing committee (`unplaced_bill_handling`).
    """
    now = _now(now)
    cosigners = [d for d in cosigners if d.pk != filed_by.pk]

    def apply(_none):
        if not rules.bill_becomes_suggestion(effective_parameters(term.congress)):
            raise InvalidTransition(_("This congress does not handle unplaced bills as suggestions (BILL-4)."))
        errors = {}
        subject_error = _subject_error(subject)
        if subject_error:
            errors["subject"] = subject_error
        if not (content or "").strip():
            errors["content"] = str(_CONTENT_ERRORS["required"])
        if filed_by.term_id != term.pk or any(d.term_id != term.pk for d in cosigners):
            errors["filed_by"] = _("The signers must be deputies of this term.")
        if errors:
            raise ValidationFailed(details=errors)
        suggestion = Suggestion.objects.create(
            congress_id=term.congress_id, term=term, session=session, filed_by=filed_by, entered_by=by,
            subject=subject.strip(), content=content.strip(), category=_check_category(category, term.congress_id),
            status=Status.SUBMITTED, source=Suggestion.Source.BILL, source_ref=(source_ref or "")[:100],
            created_at=now, submitted_at=now,
        )
        for deputy in dict.fromkeys(cosigners):
            Cosignature.objects.create(
                suggestion=suggestion, deputy=deputy, status=Cosignature.Status.CONFIRMED, invited_at=now,
                answered_at=now,
            )
        return suggestion

    return perform(
        by=by, action=permissions.CONVERT, apply=apply,
        after=lambda s: {"subject": s.subject, "filed_by": s.filed_by_id, "source_ref": s.source_ref,
                         "cosigners": [d.pk for d in cosigners]},
    )
