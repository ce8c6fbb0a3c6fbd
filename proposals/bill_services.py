"""Every change to a bill (BILL-1..6) or an interpellation (RES-2): one function per event.

Each function: lock → permission → state → rule checks → write → audit → notify, in one
transaction (core.workflow). `now=` is for back-dated paper records and for tests only.

Bills: deputies draft, sign and file a deputies' bill (≥ `bill_min_deputies` signers, before
the session's `bill_deadline`); staff record an organ's bill (filed at once) and enter the
presidium's decisions: referral to a special committee and its advice, on the agenda or not
(BILL-4: a bill left off becomes a suggestion, or goes to the standing committee), the
filers' withdrawal with the presidium's consent (BILL-5), and the plenary's vote.

Interpellations: deputies draft, sign (≥ `interpellation_min_deputies`) and file; staff
enter the presidium's decision on the form of reply; an oral reply is recorded by staff, a
written one is submitted by the organ's clerk on its casework case; the signers rate it,
and when half or more are dissatisfied they may demand one further reply (RES-2, TIME-7).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import services as casework
from casework.models import Assignment, Case, Recipient
from casework.rules import PENDING as ASSIGNMENT_PENDING
from casework.rules import REPLIED as CASE_REPLIED
from core.accounts.roles import Role
from core.errors import DeadlinePassed, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from core.notify.services import notify as send_notifications
from core.organisation.models import Deputy, HandlingUnit, Session
from core.organisation.rules import effective_parameters
from core.permissions import require
from core.workcalendar import rules as time_rules
from core.workflow import perform, transition

from . import bill_permissions as perms
from . import bill_rules as rules
from .bill_casekind import NAME as CASE_KIND
from .bill_models import (
    Bill,
    BillSignature,
    Interpellation,
    InterpellationRating,
    InterpellationRound,
    InterpellationSignature,
)
from .permissions import deputy_of
from .services import suggestion_from_bill

_L = gettext_lazy
_UNSET: Any = object()

# --- shared helpers -------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _params(session: Session) -> dict[str, Any]:
    return effective_parameters(session.term.congress, session)


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def bill_url(bill: Bill) -> str:
    return _url("bills:bill-detail", bill.pk)


def interpellation_url(interpellation: Interpellation) -> str:
    return _url("bills:interpellation-detail", interpellation.pk)


def _sync(original, current):
    """Give the caller's instance the stored values."""
    if original is not None and original is not current and getattr(original, "pk", None) == current.pk:
        for field in current._meta.concrete_fields:
            setattr(original, field.attname, getattr(current, field.attname))
    return current


def _lock(model, obj):
    pk = obj.pk if isinstance(obj, model) else obj
    found = model.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _refusal(item, allowed) -> InvalidTransition:
    return InvalidTransition(
        _("This is not possible while the %(object)s is “%(state)s”.")
        % {"object": item._meta.verbose_name, "state": item.get_status_display()},
        details={"state": item.status, "allowed_from": sorted(str(a) for a in allowed)},
    )


def _guard(by, code: str, model, obj, allowed):
    """Lock, check the permission, then the state (inside a transaction)."""
    locked = _lock(model, obj)
    require(by, code, locked)
    if locked.status not in allowed:
        raise _refusal(locked, allowed)
    return locked


def _active_staff(*, exclude=None) -> list:
    from core.accounts.models import User

    users = User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk")
    if exclude is not None and getattr(exclude, "pk", None):
        users = users.exclude(pk=exclude.pk)
    return list(users)


def _clerks(unit_id: int | None) -> list:
    from core.accounts.models import User

    if unit_id is None:
        return []
    return list(User.objects.filter(role=Role.UNIT_CLERK, handling_unit_id=unit_id, is_active=True).order_by("pk"))


def _signer_users(item, *, exclude=None) -> list:
    """The accounts of the deputies who signed (the lead first)."""
    users = []
    for signature in item.signatures.select_related("deputy__user").order_by("signed_at", "pk"):
        user = signature.deputy.user
        if user is not None and (exclude is None or user.pk != getattr(exclude, "pk", None)):
            users.append(user)
    return users


def _tell(users, *, action: str, title, params: dict, url: str = "") -> None:
    users = [u for u in users if u is not None]
    if users:
        send_notifications(recipients=users, action=action, title=title, params=params, url=url)


def _subject_error(text: str, *, what) -> str | None:
    text = (text or "").strip()
    if not text:
        return str(what)
    if len(text) > rules.SUBJECT_MAX_CHARS:
        return _("At most %(max)s characters.") % {"max": rules.SUBJECT_MAX_CHARS}
    return None


def _check_lead(lead: Deputy | None, session: Session) -> None:
    if lead is None:
        raise ValidationFailed(details={"lead_deputy": _("Name the deputy who leads it.")})
    if lead.term_id != session.term_id or not lead.in_office:
        raise ValidationFailed(details={"lead_deputy": _("The lead deputy must be a deputy of this term in office.")})


def _check_not_over(session: Session, now: datetime) -> None:
    if time_rules.local_date(now) > session.ends_on:
        raise DeadlinePassed(
            _("The session ended on %(end)s.") % {"end": session.ends_on.isoformat()},
            details={"session": session.ends_on.isoformat()},
        )


def _check_during_session(session: Session, now: datetime, rule: str) -> None:
    """BILL-1 / RES-2: filed during the session."""
    day = time_rules.local_date(now)
    _check_not_over(session, now)
    if not rules.during_session(day, starts_on=session.starts_on, ends_on=session.ends_on):
        raise InvalidTransition(
            _("This is filed during the session, from %(start)s to %(end)s.")
            % {"start": session.starts_on.isoformat(), "end": session.ends_on.isoformat()},
            details={"session": session.starts_on.isoformat(), "rule": rule},
        )


def _next_serial(model, session: Session) -> int:
    """The next number within the session (the session row is locked while numbering)."""
    # NO KEY: numberers wait for each other, rows that only refer to the session do not.
    Session.objects.select_for_update(no_key=True).filter(pk=session.pk).first()
    last = model.objects.filter(session=session).aggregate(last=Max("serial"))["last"] or 0
    return last + 1


def _signing_deputy(by, deputy: Deputy | None) -> Deputy:
    """A deputy signs only for themselves; staff name the deputy whose paper signature it is."""
    if getattr(by, "role", None) == Role.STAFF:
        if deputy is None:
            raise ValidationFailed(details={"deputy": _("Name the deputy whose signature this is.")})
        return deputy
    own = deputy_of(by)
    if own is None or (deputy is not None and deputy.pk != own.pk):
        raise NotAllowed()
    return own


def _check_signer(deputy: Deputy, session: Session) -> None:
    if deputy.term_id != session.term_id or not deputy.in_office:
        raise ValidationFailed(details={"deputy": _("Only deputies of this term in office may sign.")})


def _in_office_signers(item) -> int:
    return item.signatures.filter(deputy__in_office=True).count()


# --- bills: drafting and signatures (BILL-1) ---------------------------------------------------------

_PART_ERRORS = {
    "subject": _L("State the subject (案由)."),
    "grounds": _L("State the grounds (案据)."),
    "proposal": _L("State the proposed solution (方案)."),
}


def _bill_snapshot(bill: Bill) -> dict[str, Any]:
    return {
        "session": bill.session_id, "filer_kind": bill.filer_kind, "lead_deputy": bill.lead_deputy_id,
        "subject": bill.subject, "status": bill.status, "serial": bill.serial,
    }


def _missing_parts(subject: str, grounds: str, proposal: str) -> dict[str, str]:
    missing = rules.missing_bill_parts(subject=subject, grounds=grounds, proposal=proposal)
    return {part: str(_PART_ERRORS[part]) for part in missing}


def create_bill(
    *,
    by,
    session: Session,
    subject: str,
    grounds: str = "",
    proposal: str = "",
    filer_kind: str = rules.DEPUTIES,
    lead_deputy: Deputy | None = None,
    now=None,
) -> Bill:
    """BILL-1: start a bill in `session`.

    A deputies' bill is a draft led by `lead_deputy` (a deputy leads their own; staff enter
    a paper draft naming the lead), signed by the lead first; it is filed once enough
    deputies have signed (`file_bill`). An organ's bill (presidium, standing committee,
    special committee, government; staff only) is recorded as filed at once, numbered, and
    must state its subject, grounds and proposed solution and be filed during the session.
    Raises NotAllowed, ValidationFailed, InvalidTransition/DeadlinePassed (outside the session).
    """
    now = _now(now)
    if filer_kind not in rules.FILER_KINDS:
        raise ValidationFailed(details={"filer_kind": _("Choose who files the bill.")})
    organ = rules.is_organ_filer(filer_kind)
    if organ:
        lead_deputy = None
    elif lead_deputy is None and getattr(by, "role", None) == Role.DEPUTY:
        lead_deputy = deputy_of(by)
    permission_obj = filer_kind if organ else lead_deputy
    subject, grounds, proposal = (subject or "").strip(), (grounds or "").strip(), (proposal or "").strip()
    with transaction.atomic():
        require(by, perms.CREATE, permission_obj)
        if organ:
            errors = _missing_parts(subject, grounds, proposal)
            subject_error = _subject_error(subject, what=_PART_ERRORS["subject"])
            if subject_error:
                errors["subject"] = subject_error
            if errors:
                raise ValidationFailed(details=errors)
            _check_during_session(session, now, "BILL-1")
            serial = _next_serial(Bill, session)
            notify = _active_staff(exclude=by)
            title = _L("Bill No. %(number)s was recorded: “%(subject)s”")
        else:
            _check_lead(lead_deputy, session)
            subject_error = _subject_error(subject, what=_PART_ERRORS["subject"])
            if subject_error:
                raise ValidationFailed(details={"subject": subject_error})
            _check_not_over(session, now)
            serial = None
            lead_user = lead_deputy.user
            notify = [lead_user] if lead_user is not None and lead_user.pk != by.pk else []
            title = _L("A bill was drafted for you to lead: “%(subject)s”")

        def apply(_none):
            bill = Bill.objects.create(
                session=session, filer_kind=filer_kind, lead_deputy=lead_deputy, subject=subject, grounds=grounds,
                proposal=proposal, entered_by=by, created_at=now,
                status=rules.FILED if organ else rules.DRAFT, serial=serial, filed_at=now if organ else None,
            )
            if not organ:
                BillSignature.objects.create(bill=bill, deputy=lead_deputy, entered_by=by, signed_at=now)
            _tell(notify, action=perms.CREATE, title=title, params={"subject": subject, "number": serial or ""},
                  url=bill_url(bill))
            return bill

        return perform(by=by, action=perms.CREATE, permission_obj=permission_obj, apply=apply, after=_bill_snapshot)


def update_bill(*, by, bill: Bill, subject=_UNSET, grounds=_UNSET, proposal=_UNSET, now=None) -> Bill:
    """Change a draft's text (its lead deputy, or staff for a paper draft). The deputies who
    signed it are told, since they signed the earlier text."""
    with transaction.atomic():
        locked = _guard(by, perms.EDIT, Bill, bill, rules.BILL_TRANSITIONS["edit"])
        changes: dict[str, Any] = {}
        if subject is not _UNSET:
            error = _subject_error(subject, what=_PART_ERRORS["subject"])
            if error:
                raise ValidationFailed(details={"subject": error})
            changes["subject"] = subject.strip()
        if grounds is not _UNSET:
            changes["grounds"] = (grounds or "").strip()
        if proposal is not _UNSET:
            changes["proposal"] = (proposal or "").strip()
        return _sync(bill, transition(
            by=by, action=perms.EDIT, obj=locked, allowed_from=rules.BILL_TRANSITIONS["edit"], changes=changes,
            notify=_signer_users(locked, exclude=by), title=_L("The text of “%(subject)s”, which you signed, changed"),
            params={"subject": changes.get("subject", locked.subject)}, url=bill_url(locked),
        ))


def _signature_counts(bill: Bill) -> tuple[int, int]:
    return _in_office_signers(bill), rules.min_bill_signers(_params(bill.session))


def sign_bill(*, by, bill: Bill, deputy: Deputy | None = None, now=None) -> BillSignature:
    """BILL-1(b): a deputy of the term in office signs a deputies' bill (themselves; staff
    enter a paper signature naming the deputy). The lead deputy is told the count."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.SIGN, Bill, bill, rules.BILL_TRANSITIONS["sign"])
        signer = _signing_deputy(by, deputy)
        _check_signer(signer, locked.session)
        if locked.signatures.filter(deputy=signer).exists():
            raise ValidationFailed(details={"deputy": _("%(name)s has already signed.") % {"name": signer.name}})
        count, needed = _signature_counts(locked)
        users = [locked.lead_deputy.user] if locked.lead_deputy_id else []
        if signer.user_id and signer.user_id != by.pk:
            users.append(signer.user)

        def apply(current: Bill):
            signature = BillSignature.objects.create(bill=current, deputy=signer, entered_by=by, signed_at=now)
            _tell([u for u in users if u is not None and u.pk != by.pk], action=perms.SIGN,
                  title=_L("%(name)s signed “%(subject)s” (%(count)s of %(needed)s signatures)"),
                  params={"name": signer.name, "subject": current.subject, "count": count + 1, "needed": needed},
                  url=bill_url(current))
            return signature

        return perform(by=by, action=perms.SIGN, obj=locked, apply=apply,
                       data={"deputy": signer.pk, "signatures": count + 1, "needed": needed})


def unsign_bill(*, by, bill: Bill, deputy: Deputy | None = None, now=None) -> Bill:
    """A deputy takes back their signature before the bill is filed (staff: a written
    withdrawal of a signature). The lead deputy cannot: they drop the draft instead."""
    with transaction.atomic():
        locked = _guard(by, perms.UNSIGN, Bill, bill, rules.BILL_TRANSITIONS["unsign"])
        signer = _signing_deputy(by, deputy)
        signature = locked.signatures.filter(deputy=signer).first()
        if signature is None:
            raise ValidationFailed(details={"deputy": _("%(name)s has not signed.") % {"name": signer.name}})
        if signer.pk == locked.lead_deputy_id:
            raise ValidationFailed(
                details={"deputy": _("The lead deputy cannot take back their signature; drop the draft instead.")}
            )
        count, needed = _signature_counts(locked)
        users = [locked.lead_deputy.user, signer.user]

        def apply(current: Bill):
            signature.delete()
            _tell([u for u in users if u is not None and u.pk != by.pk], action=perms.UNSIGN,
                  title=_L("%(name)s took back their signature on “%(subject)s” (%(count)s of %(needed)s)"),
                  params={"name": signer.name, "subject": current.subject, "count": count - 1, "needed": needed},
                  url=bill_url(current))
            return current

        return perform(by=by, action=perms.UNSIGN, obj=locked, apply=apply,
                       data={"deputy": signer.pk, "signatures": count - 1})


def _check_bill_deadline(session: Session, now: datetime) -> None:
    """BILL-6: the session's `bill_deadline`, when set."""
    raw = _params(session).get("bill_deadline", "")
    try:
        deadline = rules.parse_bill_deadline(raw)
    except rules.DeadlineUnreadable:
        raise InvalidTransition(
            _("The session's bill deadline “%(value)s” cannot be read; staff must correct it.")
            % {"value": raw},
        ) from None
    if not rules.before_bill_deadline(now, deadline):
        shown = timezone.localtime(deadline, time_rules.LEGAL_ZONE).strftime("%Y-%m-%d %H:%M")
        raise DeadlinePassed(
            _("Bills for this session had to be filed by %(deadline)s.") % {"deadline": shown},
            details={"bill_deadline": shown},
        )


def file_bill(*, by, bill: Bill, now=None) -> Bill:
    """BILL-1/BILL-6: file a deputies' draft with the congress (its lead deputy, or staff
    for a paper bill). Refused (DeadlinePassed/InvalidTransition) outside the session or
    after the session's `bill_deadline`; refused (ValidationFailed) without its subject,
    grounds and proposed solution, or with fewer than `bill_min_deputies` signers in office
    ("以上": 10 is enough, 9 is not; 9 make a suggestion at most). Numbered within the
    session; the signers and staff are told."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.FILE, Bill, bill, rules.BILL_TRANSITIONS["file"])
        session = locked.session
        _check_during_session(session, now, "BILL-1")
        if rules.deadline_applies(locked.filer_kind):
            _check_bill_deadline(session, now)
        errors = _missing_parts(locked.subject, locked.grounds, locked.proposal)
        count, needed = _signature_counts(locked)
        if not rules.enough_signers(count, needed):
            errors["signatures"] = _(
                "A deputies' bill needs the signatures of at least %(needed)s deputies; it has %(count)s. "
                "With fewer it can be filed as a suggestion."
            ) % {"needed": needed, "count": count}
        if errors:
            raise ValidationFailed(details=errors)
        serial = _next_serial(Bill, session)
        return _sync(bill, transition(
            by=by, action=perms.FILE, obj=locked, allowed_from=rules.BILL_TRANSITIONS["file"], to=rules.FILED,
            changes={"serial": serial, "filed_at": now}, data={"signatures": count, "needed": needed},
            notify=_signer_users(locked, exclude=by) + _active_staff(exclude=by),
            title=_L("“%(subject)s” was filed as bill No. %(number)s"),
            params={"subject": locked.subject, "number": serial}, url=bill_url(locked),
        ))


def abandon_bill(*, by, bill: Bill, note: str = "", now=None) -> Bill:
    """Drop a draft that will not be filed (its lead deputy, or staff for a paper draft)."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.ABANDON, Bill, bill, rules.BILL_TRANSITIONS["abandon"])
        return _sync(bill, transition(
            by=by, action=perms.ABANDON, obj=locked, allowed_from=rules.BILL_TRANSITIONS["abandon"],
            to=rules.ABANDONED, changes={"abandoned_at": now}, data={"note": note},
            notify=_signer_users(locked, exclude=by), title=_L("The draft bill “%(subject)s” was dropped"),
            params={"subject": locked.subject}, url=bill_url(locked),
        ))


# --- bills: the presidium's decisions (BILL-2, BILL-3, BILL-4) ------------------------------------------


def refer_bill(*, by, bill: Bill, committee: str, note: str = "", now=None) -> Bill:
    """BILL-2/3: the presidium refers a filed bill to a special committee (for its report;
    for a deputies' bill, its advice on placing it on the agenda). The signers are kept
    informed (BILL-3)."""
    now = _now(now)
    committee = (committee or "").strip()
    with transaction.atomic():
        locked = _guard(by, perms.REFER, Bill, bill, rules.BILL_TRANSITIONS["refer"])
        if not committee:
            raise ValidationFailed(details={"committee": _("Name the special committee.")})
        if len(committee) > 200:
            raise ValidationFailed(details={"committee": _("At most %(max)s characters.") % {"max": 200}})
        return _sync(bill, transition(
            by=by, action=perms.REFER, obj=locked, allowed_from=rules.BILL_TRANSITIONS["refer"], to=rules.REFERRED,
            changes={"referred_to": committee, "referred_at": now}, data={"note": note},
            notify=_signer_users(locked), title=_L("“%(subject)s” was referred to %(committee)s"),
            params={"subject": locked.subject, "committee": committee}, url=bill_url(locked),
        ))


def record_bill_advice(*, by, bill: Bill, advice: str, report: str = "", now=None) -> Bill:
    """BILL-2/3: the special committee's advice (place it on the agenda or not) and report
    on a referred bill, before the presidium decides."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.ADVISE, Bill, bill, rules.BILL_TRANSITIONS["advise"])
        if locked.committee_advice:
            raise InvalidTransition(_("The committee's advice has already been recorded."))
        if advice not in rules.ADVICE:
            raise ValidationFailed(details={"advice": _("Choose the committee's advice.")})
        return _sync(bill, transition(
            by=by, action=perms.ADVISE, obj=locked, allowed_from=rules.BILL_TRANSITIONS["advise"],
            changes={"committee_advice": advice, "committee_report": (report or "").strip(), "advised_at": now},
            notify=_signer_users(locked), title=_L("%(committee)s gave its advice on “%(subject)s”"),
            params={"subject": locked.subject, "committee": locked.referred_to}, url=bill_url(locked),
        ))


_DECISION_TITLES = {
    rules.ON_AGENDA: _L("“%(subject)s” was placed on the agenda"),
    rules.CONVERT_TO_SUGGESTION: _L(
        "“%(subject)s” was not placed on the agenda: it will be handled as a suggestion"
    ),
    rules.LEAVE_TO_STANDING_COMMITTEE: _L(
        "“%(subject)s” was not placed on the agenda: the standing committee will handle it"
    ),
}


def decide_bill(*, by, bill: Bill, decision: str, note: str = "", now=None) -> Bill:
    """The presidium's decision on a filed (or referred and advised) bill.

    BILL-2: an organ's bill is put to the plenary (`on_agenda` only). BILL-3: a deputies'
    bill is placed on the agenda or not; a referred bill needs the committee's advice
    first. BILL-4: a deputies' bill not placed on the agenda becomes a suggestion led by its
    lead deputy with the other signers as co-signers (`suggestion_from_bill`), or is left to
    the standing committee, as `unplaced_bill_handling` says; the choice is kept on the bill.
    """
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.DECIDE, Bill, bill, rules.BILL_TRANSITIONS["decide"])
        allowed = rules.decisions_for(locked.filer_kind)
        if decision not in allowed:
            message = (
                _("An organ's bill is put to the plenary; the presidium decides only when (BILL-2).")
                if decision == rules.NOT_ON_AGENDA else _("Choose the presidium's decision.")
            )
            raise ValidationFailed(details={"decision": message})
        if rules.decision_needs_advice(locked.status) and not locked.committee_advice:
            raise InvalidTransition(_("Record the special committee's advice first (BILL-3)."))
        changes: dict[str, Any] = {"decided_at": now, "decision_note": (note or "").strip()}
        data: dict[str, Any] = {"decision": decision, "from": locked.status}
        title_key = decision
        if decision == rules.NOT_ON_AGENDA:
            session = locked.session
            handling = rules.unplaced_handling(effective_parameters(session.term.congress))
            changes["unplaced_handling"] = handling
            data["unplaced_handling"] = handling
            title_key = handling
            if handling == rules.CONVERT_TO_SUGGESTION:
                signers = [s.deputy for s in locked.signatures.select_related("deputy").order_by("signed_at", "pk")]
                suggestion = suggestion_from_bill(
                    by=by, term=session.term, filed_by=locked.lead_deputy,
                    cosigners=[d for d in signers if d.pk != locked.lead_deputy_id],
                    subject=locked.subject,
                    content=rules.suggestion_content(grounds=locked.grounds, proposal=locked.proposal),
                    session=session, source_ref=rules.bill_reference(session_number=session.number,
                                                                     serial=locked.serial),
                    now=now,
                )
                changes["suggestion"] = suggestion
                data["suggestion"] = suggestion.pk
        return _sync(bill, transition(
            by=by, action=perms.DECIDE, obj=locked, allowed_from=rules.BILL_TRANSITIONS["decide"], to=decision,
            changes=changes, data=data, notify=_signer_users(locked), title=_DECISION_TITLES[title_key],
            params={"subject": locked.subject}, url=bill_url(locked),
        ))


# --- bills: withdrawal (BILL-5) and the vote -----------------------------------------------------------


def request_bill_withdrawal(*, by, bill: Bill, reason: str = "", now=None) -> Bill:
    """BILL-5: the filers ask to withdraw a bill on the agenda, before the vote (the lead
    deputy; staff enter a written request or an organ's). Staff are told: the presidium
    must consent."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.REQUEST_WITHDRAWAL, Bill, bill, rules.BILL_TRANSITIONS["request_withdrawal"])
        if locked.withdrawal_requested_at is not None:
            raise InvalidTransition(_("Withdrawal has already been requested; the presidium decides."))
        return _sync(bill, transition(
            by=by, action=perms.REQUEST_WITHDRAWAL, obj=locked,
            allowed_from=rules.BILL_TRANSITIONS["request_withdrawal"],
            changes={"withdrawal_requested_at": now, "withdrawal_requested_by": by,
                     "withdrawal_reason": (reason or "").strip()},
            notify=_active_staff(exclude=by) + _signer_users(locked, exclude=by),
            title=_L("Withdrawal of “%(subject)s” requested: the presidium must consent"),
            params={"subject": locked.subject}, url=bill_url(locked),
        ))


def decide_bill_withdrawal(*, by, bill: Bill, consent: bool, note: str = "", now=None) -> Bill:
    """BILL-5: the presidium's consent to the filers' request: the bill is withdrawn and its
    deliberation stops; without consent the request lapses and the bill stays on the agenda.
    Only while the bill is on the agenda (before the vote) and after the filers asked."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.WITHDRAW, Bill, bill, rules.BILL_TRANSITIONS["withdraw"])
        if locked.withdrawal_requested_at is None:
            raise InvalidTransition(_("A bill is withdrawn only at its filers' request (BILL-5)."))
        told = _signer_users(locked) + [locked.withdrawal_requested_by]
        data = {"consent": bool(consent), "note": (note or "").strip(), "reason": locked.withdrawal_reason}
        if consent:
            return _sync(bill, transition(
                by=by, action=perms.WITHDRAW, obj=locked, allowed_from=rules.BILL_TRANSITIONS["withdraw"],
                to=rules.WITHDRAWN, changes={"withdrawn_at": now}, data=data, notify=told,
                title=_L("The presidium consented: “%(subject)s” is withdrawn"),
                params={"subject": locked.subject}, url=bill_url(locked),
            ))
        return _sync(bill, transition(
            by=by, action=perms.WITHDRAW, obj=locked, allowed_from=rules.BILL_TRANSITIONS["withdraw"],
            changes={"withdrawal_requested_at": None, "withdrawal_requested_by": None, "withdrawal_reason": ""},
            data=data, notify=told,
            title=_L("The presidium did not consent: “%(subject)s” stays on the agenda"),
            params={"subject": locked.subject}, url=bill_url(locked),
        ))


def _count(value, field: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        errors[field] = _("Enter a whole number, 0 or more.")
        return None
    return number


def record_bill_result(
    *, by, bill: Bill, adopted: bool, for_votes=None, against_votes=None, abstain_votes=None, note: str = "",
    now=None,
) -> Bill:
    """The plenary's vote on a bill on the agenda, as counted (RES-1; the counts are
    optional here, the vote itself is the plenary's). After it, no withdrawal (BILL-5)."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.RECORD_RESULT, Bill, bill, rules.BILL_TRANSITIONS["record_result"])
        errors: dict[str, str] = {}
        counts = {
            "for_votes": _count(for_votes, "for_votes", errors),
            "against_votes": _count(against_votes, "against_votes", errors),
            "abstain_votes": _count(abstain_votes, "abstain_votes", errors),
        }
        if errors:
            raise ValidationFailed(details=errors)
        result = rules.ADOPTED if adopted else rules.REJECTED
        return _sync(bill, transition(
            by=by, action=perms.RECORD_RESULT, obj=locked, allowed_from=rules.BILL_TRANSITIONS["record_result"],
            to=result, changes={"voted_at": now, **counts}, data={"note": (note or "").strip()},
            notify=_signer_users(locked),
            title=(_L("“%(subject)s” was adopted") if adopted else _L("“%(subject)s” was not adopted")),
            params={"subject": locked.subject}, url=bill_url(locked),
        ))


# --- interpellations: drafting and signatures (RES-2) ---------------------------------------------------

_INTERPELLATION_PART_ERRORS = {
    "target": _L("Name the organ interpellated."),
    "question": _L("State the question."),
    "content": _L("State the content of the interpellation."),
}


def _interpellation_snapshot(item: Interpellation) -> dict[str, Any]:
    return {
        "session": item.session_id, "target": item.target_id, "lead_deputy": item.lead_deputy_id,
        "question": item.question, "status": item.status, "serial": item.serial,
    }


def _target_error() -> str:
    return _(
        "An interpellation is addressed to the city government or one of its departments, the supervisory "
        "commission, the court or the procuratorate of the city: not to an organ of a district or county."
    )


def _interpellable(unit: HandlingUnit) -> bool:
    """RES-2 for one unit, by its kind and level (`rules.interpellable_units` over the units
    of its congress: a district's department is kinded as a government department)."""
    rows = HandlingUnit.objects.filter(congress_id=unit.congress_id).values_list("pk", "parent_id", "kind",
                                                                                 "district_id")
    return unit.pk in rules.interpellable_units(rows)


def _check_target(target, session: Session) -> HandlingUnit:
    """RES-2: the city government or a department, the supervisory commission, the court or
    the procuratorate of this congress (`HandlingUnit.kind` government or state_organ), not
    of a district or county."""
    pk = target.pk if isinstance(target, HandlingUnit) else target
    unit = HandlingUnit.objects.filter(pk=pk).first() if pk else None
    if unit is None or unit.congress_id != session.term.congress_id or not unit.is_active:
        raise ValidationFailed(details={"target": str(_INTERPELLATION_PART_ERRORS["target"])})
    if not _interpellable(unit):
        raise ValidationFailed(details={"target": _target_error()})
    return unit


def create_interpellation(
    *, by, session: Session, target, question: str, content: str = "", lead_deputy: Deputy | None = None,
    now=None,
) -> Interpellation:
    """RES-2: draft an interpellation led by a deputy (themselves; staff enter a paper one
    naming the lead), signed by the lead first, addressed to one organ."""
    now = _now(now)
    if lead_deputy is None and getattr(by, "role", None) == Role.DEPUTY:
        lead_deputy = deputy_of(by)
    question, content = (question or "").strip(), (content or "").strip()
    with transaction.atomic():
        require(by, perms.I_CREATE, lead_deputy)
        _check_lead(lead_deputy, session)
        unit = _check_target(target, session)
        error = _subject_error(question, what=_INTERPELLATION_PART_ERRORS["question"])
        if error:
            raise ValidationFailed(details={"question": error})
        _check_not_over(session, now)
        lead_user = lead_deputy.user
        told = [lead_user] if lead_user is not None and lead_user.pk != by.pk else []

        def apply(_none):
            item = Interpellation.objects.create(
                session=session, target=unit, lead_deputy=lead_deputy, question=question, content=content,
                entered_by=by, created_at=now,
            )
            InterpellationSignature.objects.create(interpellation=item, deputy=lead_deputy, entered_by=by,
                                                   signed_at=now)
            _tell(told, action=perms.I_CREATE, title=_L("An interpellation was drafted for you to lead: “%(question)s”"),
                  params={"question": question}, url=interpellation_url(item))
            return item

        return perform(by=by, action=perms.I_CREATE, permission_obj=lead_deputy, apply=apply,
                       after=_interpellation_snapshot)


def update_interpellation(
    *, by, interpellation: Interpellation, target=_UNSET, question=_UNSET, content=_UNSET, now=None,
) -> Interpellation:
    """Change a draft (its lead deputy, or staff for a paper draft); the signers are told."""
    with transaction.atomic():
        locked = _guard(by, perms.I_EDIT, Interpellation, interpellation, rules.INTERPELLATION_TRANSITIONS["edit"])
        changes: dict[str, Any] = {}
        if target is not _UNSET:
            changes["target"] = _check_target(target, locked.session)
        if question is not _UNSET:
            error = _subject_error(question, what=_INTERPELLATION_PART_ERRORS["question"])
            if error:
                raise ValidationFailed(details={"question": error})
            changes["question"] = question.strip()
        if content is not _UNSET:
            changes["content"] = (content or "").strip()
        return _sync(interpellation, transition(
            by=by, action=perms.I_EDIT, obj=locked, allowed_from=rules.INTERPELLATION_TRANSITIONS["edit"],
            changes=changes, notify=_signer_users(locked, exclude=by),
            title=_L("The text of the interpellation “%(question)s”, which you signed, changed"),
            params={"question": changes.get("question", locked.question)}, url=interpellation_url(locked),
        ))


def _interpellation_counts(item: Interpellation) -> tuple[int, int]:
    return _in_office_signers(item), rules.min_interpellation_signers(_params(item.session))


def sign_interpellation(*, by, interpellation: Interpellation, deputy: Deputy | None = None,
                        now=None) -> InterpellationSignature:
    """RES-2: a deputy of the term in office signs (themselves; staff: a paper signature)."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.I_SIGN, Interpellation, interpellation, rules.INTERPELLATION_TRANSITIONS["sign"])
        signer = _signing_deputy(by, deputy)
        _check_signer(signer, locked.session)
        if locked.signatures.filter(deputy=signer).exists():
            raise ValidationFailed(details={"deputy": _("%(name)s has already signed.") % {"name": signer.name}})
        count, needed = _interpellation_counts(locked)
        users = [locked.lead_deputy.user, signer.user]

        def apply(current: Interpellation):
            signature = InterpellationSignature.objects.create(interpellation=current, deputy=signer, entered_by=by,
                                                               signed_at=now)
            _tell([u for u in users if u is not None and u.pk != by.pk], action=perms.I_SIGN,
                  title=_L("%(name)s signed the interpellation “%(question)s” (%(count)s of %(needed)s signatures)"),
                  params={"name": signer.name, "question": current.question, "count": count + 1, "needed": needed},
                  url=interpellation_url(current))
            return signature

        return perform(by=by, action=perms.I_SIGN, obj=locked, apply=apply,
                       data={"deputy": signer.pk, "signatures": count + 1, "needed": needed})


def unsign_interpellation(*, by, interpellation: Interpellation, deputy: Deputy | None = None,
                          now=None) -> Interpellation:
    """A signer takes back their signature before filing (not the lead deputy)."""
    with transaction.atomic():
        locked = _guard(by, perms.I_UNSIGN, Interpellation, interpellation,
                        rules.INTERPELLATION_TRANSITIONS["unsign"])
        signer = _signing_deputy(by, deputy)
        signature = locked.signatures.filter(deputy=signer).first()
        if signature is None:
            raise ValidationFailed(details={"deputy": _("%(name)s has not signed.") % {"name": signer.name}})
        if signer.pk == locked.lead_deputy_id:
            raise ValidationFailed(
                details={"deputy": _("The lead deputy cannot take back their signature; drop the draft instead.")}
            )
        count, needed = _interpellation_counts(locked)
        users = [locked.lead_deputy.user, signer.user]

        def apply(current: Interpellation):
            signature.delete()
            _tell([u for u in users if u is not None and u.pk != by.pk], action=perms.I_UNSIGN,
                  title=_L("%(name)s took back their signature on “%(question)s” (%(count)s of %(needed)s)"),
                  params={"name": signer.name, "question": current.question, "count": count - 1, "needed": needed},
                  url=interpellation_url(current))
            return current

        return perform(by=by, action=perms.I_UNSIGN, obj=locked, apply=apply,
                       data={"deputy": signer.pk, "signatures": count - 1})


def file_interpellation(*, by, interpellation: Interpellation, now=None) -> Interpellation:
    """RES-2: file during the session, with its target, question and content, signed by at
    least `interpellation_min_deputies` deputies in office (10: "以上" includes 10)."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.I_FILE, Interpellation, interpellation, rules.INTERPELLATION_TRANSITIONS["file"])
        session = locked.session
        _check_during_session(session, now, "RES-2")
        missing = rules.missing_interpellation_parts(target=locked.target_id, question=locked.question,
                                                     content=locked.content)
        errors = {part: str(_INTERPELLATION_PART_ERRORS[part]) for part in missing}
        # RES-2: a draft addressed to an organ that may not be interpellated is not filed.
        if locked.target_id and "target" not in errors and not _interpellable(locked.target):
            errors["target"] = _target_error()
        count, needed = _interpellation_counts(locked)
        if not rules.enough_signers(count, needed):
            errors["signatures"] = _(
                "An interpellation needs the signatures of at least %(needed)s deputies; it has %(count)s."
            ) % {"needed": needed, "count": count}
        if errors:
            raise ValidationFailed(details=errors)
        serial = _next_serial(Interpellation, session)
        return _sync(interpellation, transition(
            by=by, action=perms.I_FILE, obj=locked, allowed_from=rules.INTERPELLATION_TRANSITIONS["file"],
            to=rules.I_FILED, changes={"serial": serial, "filed_at": now}, data={"signatures": count, "needed": needed},
            notify=_signer_users(locked, exclude=by) + _active_staff(exclude=by),
            title=_L("The interpellation “%(question)s” was filed as No. %(number)s"),
            params={"question": locked.question, "number": serial}, url=interpellation_url(locked),
        ))


def abandon_interpellation(*, by, interpellation: Interpellation, note: str = "", now=None) -> Interpellation:
    """Drop a draft interpellation that will not be filed."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.I_ABANDON, Interpellation, interpellation,
                        rules.INTERPELLATION_TRANSITIONS["abandon"])
        return _sync(interpellation, transition(
            by=by, action=perms.I_ABANDON, obj=locked, allowed_from=rules.INTERPELLATION_TRANSITIONS["abandon"],
            to=rules.I_ABANDONED, changes={"abandoned_at": now}, data={"note": note},
            notify=_signer_users(locked, exclude=by), title=_L("The draft interpellation “%(question)s” was dropped"),
            params={"question": locked.question}, url=interpellation_url(locked),
        ))


# --- interpellations: the reply (RES-2) ----------------------------------------------------------------


def current_round(item: Interpellation) -> InterpellationRound | None:
    if not item.round:
        return None
    return item.rounds.filter(number=item.round).select_related("case", "reply").first()


def _lead_recipient(case: Case) -> Recipient:
    found = Recipient.objects.filter(case=case, is_lead=True, withdrawn_at__isnull=True).order_by("pk").first()
    if found is None:  # pragma: no cover - the case is opened with its lead deputy
        raise InvalidTransition(_("The case has no filer to record the outcome for."))
    return found


def _record_case_outcome(*, by, round_: InterpellationRound, outcome: str, now) -> None:
    """The signers' outcome on a written reply's case (staff act for them: `interpellation.rate`
    on the case): `further_reply` sends it back to the organ (casework re-handles it);
    `no_further_reply` closes it."""
    case = round_.case
    if case is None or round_.reply_id is None:
        return
    case = Case.objects.get(pk=case.pk)
    if case.status != CASE_REPLIED:
        return
    casework.rate_reply(by=by, reply=round_.reply, satisfaction=outcome, recipient=_lead_recipient(case), now=now)


def _case_recipients(item: Interpellation) -> list:
    specs = []
    for signature in item.signatures.select_related("deputy__user").order_by("signed_at", "pk"):
        deputy = signature.deputy
        specs.append(casework.RecipientSpec(deputy=deputy, user=deputy.user, is_lead=deputy.pk == item.lead_deputy_id))
    return specs


_FORM_TITLES = {
    rules.WRITTEN: _L("The presidium decided: “%(question)s” is answered in writing by %(due)s"),
    "oral": _L("The presidium decided: “%(question)s” is answered orally by the head of the organ at %(meeting)s "
               "on %(due)s"),
}


def decide_interpellation_reply(
    *, by, interpellation: Interpellation, form: str, due_on: date, meeting: str = "", note: str = "", now=None,
) -> Interpellation:
    """RES-2: the presidium decides the form of the reply: oral (at a presidium, plenary or
    special committee meeting, by the head of the organ in person) or written (signed by
    the head and circulated). Decided again, after the signers' demand, for the further
    reply.

    Written: a case of kind "interpellation" is assigned to the organ with `due_on` as its
    reply date (a further written reply goes back to the organ on the same case). Oral:
    `meeting` names the meeting and `due_on` its day; the organ's clerks are told.
    """
    now = _now(now)
    meeting = (meeting or "").strip()
    with transaction.atomic():
        locked = _guard(by, perms.I_DECIDE, Interpellation, interpellation,
                        rules.INTERPELLATION_TRANSITIONS["decide"])
        errors: dict[str, str] = {}
        if form not in rules.REPLY_FORMS:
            errors["form"] = _("Choose the form of the reply.")
        days = rules.reply_days(time_rules.local_date(now), due_on) if isinstance(due_on, date) else -1
        if not isinstance(due_on, date):
            errors["due_on"] = _("Enter the date of the reply.")
        elif days < 0:
            errors["due_on"] = _("The date has passed.")
        elif days > 366:
            errors["due_on"] = _("Choose a date within a year.")
        if rules.is_oral(form) and not meeting:
            errors["meeting"] = _("Name the meeting at which the head of the organ answers.")
        if len(meeting) > 200:
            errors["meeting"] = _("At most %(max)s characters.") % {"max": 200}
        if errors:
            raise ValidationFailed(details=errors)
        number = locked.round + 1
        if number > rules.MAX_REPLY_ROUNDS:  # pragma: no cover - the demand refuses it first
            raise InvalidTransition(_("A further reply has already been given."))
        previous = current_round(locked)
        common = {
            "interpellation": locked, "number": number, "form": form, "meeting": meeting if rules.is_oral(form) else "",
            "due_on": due_on, "due_days": days, "decided_by": by, "decided_at": now,
            "decision_note": (note or "").strip(),
        }
        data: dict[str, Any] = {"round": number, "form": form, "due_on": due_on, "meeting": meeting}
        if form == rules.WRITTEN:
            if previous is not None and previous.form == rules.WRITTEN and previous.case_id:
                created = InterpellationRound.objects.create(case=previous.case, **common)
                _record_case_outcome(by=by, round_=previous, outcome=rules.CASE_FURTHER_REPLY, now=now)
            else:
                case = casework.open_case(kind=CASE_KIND, congress=locked.session.term.congress,
                                          title=locked.question, recipients=_case_recipients(locked), now=now)
                created = InterpellationRound.objects.create(case=case, **common)
                casework.assign_case(by=by, case=case, lead=locked.target_id, note=note, now=now)
            data["case"] = created.case_id
            told = _signer_users(locked)
            title = _FORM_TITLES[rules.WRITTEN]
        else:
            if previous is not None:
                _record_case_outcome(by=by, round_=previous, outcome=rules.CASE_NO_FURTHER_REPLY, now=now)
            created = InterpellationRound.objects.create(**common)
            told = _signer_users(locked) + _clerks(locked.target_id)
            title = _FORM_TITLES["oral"]
        data["reply_round"] = created.pk
        return _sync(interpellation, transition(
            by=by, action=perms.I_DECIDE, obj=locked, allowed_from=rules.INTERPELLATION_TRANSITIONS["decide"],
            to=rules.I_AWAITING_REPLY, changes={"round": number}, data=data, notify=told, title=title,
            params={"question": locked.question, "due": due_on.isoformat(), "meeting": meeting},
            url=interpellation_url(locked),
        ))


def record_oral_reply(
    *, by, interpellation: Interpellation, answered_by: str, given_at: datetime | None = None, place: str = "",
    summary: str = "", now=None,
) -> Interpellation:
    """RES-2: staff record that the head of the organ gave the oral reply in person: who,
    when, where, and what was said. The signers are asked to rate it."""
    now = _now(now)
    given_at = given_at or now
    answered_by, place = (answered_by or "").strip(), (place or "").strip()
    with transaction.atomic():
        locked = _guard(by, perms.I_RECORD_REPLY, Interpellation, interpellation,
                        rules.INTERPELLATION_TRANSITIONS["record_reply"])
        round_ = current_round(locked)
        if round_ is None or not round_.is_oral:
            raise InvalidTransition(_("A written reply is submitted by the organ's clerk."))
        errors: dict[str, str] = {}
        if not answered_by:
            errors["answered_by"] = _("Name the head of the organ who answered in person (RES-2).")
        elif len(answered_by) > 100:
            errors["answered_by"] = _("At most %(max)s characters.") % {"max": 100}
        if given_at > now:
            errors["given_at"] = _("The reply cannot be recorded before it is given.")
        if len(place) > 200:
            errors["place"] = _("At most %(max)s characters.") % {"max": 200}
        if errors:
            raise ValidationFailed(details=errors)
        round_.replied_at = given_at
        round_.answered_by = answered_by
        round_.place = place or round_.meeting
        round_.summary = (summary or "").strip()
        round_.recorded_by = by
        round_.save(update_fields=["replied_at", "answered_by", "place", "summary", "recorded_by"])
        return _sync(interpellation, transition(
            by=by, action=perms.I_RECORD_REPLY, obj=locked,
            allowed_from=rules.INTERPELLATION_TRANSITIONS["record_reply"], to=rules.I_REPLIED,
            data={"round": round_.number, "answered_by": answered_by, "place": round_.place, "given_at": given_at},
            notify=_signer_users(locked), title=_L("%(head)s answered “%(question)s”: please rate the reply"),
            params={"head": answered_by, "question": locked.question}, url=interpellation_url(locked),
        ))


def pending_assignment(round_: InterpellationRound | None) -> Assignment | None:
    """The organ's assignment waiting for the written reply of this round."""
    if round_ is None or round_.case_id is None or round_.is_replied:
        return None
    return (
        Assignment.objects.filter(case_id=round_.case_id, status=ASSIGNMENT_PENDING)
        .select_related("case", "unit").order_by("-round", "pk").first()
    )


def reply_to_interpellation(
    *, by, interpellation: Interpellation, body: str, letter=None, signed_by: str = "", now=None,
) -> Interpellation:
    """RES-2: the organ's clerk submits the written reply, with the letter signed by the
    head of the organ (casework's `interpellation.reply` on the case). The signers are asked
    to rate it."""
    now = _now(now)
    with transaction.atomic():
        locked = _lock(Interpellation, interpellation)
        round_ = current_round(locked)
        assignment = pending_assignment(round_) if round_ is not None and not round_.is_oral else None
        require(by, perms.I_REPLY, assignment)
        if not rules.interpellation_can("reply", locked.status):
            raise _refusal(locked, rules.INTERPELLATION_TRANSITIONS["reply"])
        if assignment is None:
            raise InvalidTransition(_("No written reply is due on this interpellation."))
        reply = casework.submit_reply(by=by, assignment=assignment, body=body,
                                      reply_class=rules.WRITTEN_REPLY_CLASS, letter=letter, signed_by=signed_by,
                                      now=now)
        round_.replied_at = now
        round_.answered_by = reply.signed_by
        round_.summary = reply.body
        round_.reply = reply
        round_.recorded_by = by
        round_.save(update_fields=["replied_at", "answered_by", "summary", "reply", "recorded_by"])
        # casework asked the lead deputy to rate; the other signers are asked here.
        others = _signer_users(locked, exclude=locked.lead_deputy.user)
        return _sync(interpellation, transition(
            by=by, action=perms.I_REPLY, obj=locked, permission_obj=assignment,
            allowed_from=rules.INTERPELLATION_TRANSITIONS["reply"], to=rules.I_REPLIED,
            data={"round": round_.number, "reply": reply.pk, "signed_by": reply.signed_by},
            notify=others, title=_L("%(unit)s replied in writing to “%(question)s”: please rate the reply"),
            params={"unit": locked.target.name, "question": locked.question}, url=interpellation_url(locked),
        ))


# --- interpellations: ratings, the further reply, closing (RES-2, TIME-7) ---------------------------------


def _scale(item: Interpellation) -> list[str]:
    return list(_params(item.session).get("satisfaction_scale") or ["satisfied", "basically_satisfied",
                                                                     "dissatisfied"])


def tally(item: Interpellation, round_: InterpellationRound | None = None) -> dict[str, int]:
    """RES-2: the deputies who filed it, how many rated the reply, how many are dissatisfied."""
    round_ = round_ or current_round(item)
    signers = item.signatures.count()
    values = list(round_.ratings.values_list("satisfaction", flat=True)) if round_ is not None else []
    return {"signers": signers, "rated": len(values), "dissatisfied": rules.count_dissatisfied(values, _scale(item))}


def rate_interpellation_reply(
    *, by, interpellation: Interpellation, satisfaction: str, comment: str = "", deputy: Deputy | None = None,
    now=None,
) -> InterpellationRating:
    """RES-2: a deputy who filed the interpellation rates the reply (staff enter a paper
    rating naming the deputy), once per reply, on the congress's satisfaction scale. When
    half or more of the signers are dissatisfied after the first reply, the signers are told
    they may demand a further reply."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.I_RATE, Interpellation, interpellation, rules.INTERPELLATION_TRANSITIONS["rate"])
        round_ = current_round(locked)
        rater = _signing_deputy(by, deputy)
        if not locked.signatures.filter(deputy=rater).exists():
            raise ValidationFailed(details={"deputy": _("Only the deputies who filed it rate the reply.")})
        scale = _scale(locked)
        if satisfaction not in scale:
            raise ValidationFailed(details={"satisfaction": _("Choose one of: %(values)s.") % {
                "values": ", ".join(scale)}})
        if round_.ratings.filter(deputy=rater).exists():
            raise InvalidTransition(_("%(name)s has already rated this reply.") % {"name": rater.name})
        before = tally(locked, round_)

        def apply(current: Interpellation):
            rating = InterpellationRating.objects.create(
                round=round_, deputy=rater, satisfaction=satisfaction, comment=(comment or "").strip(),
                entered_by=by, rated_at=now,
            )
            after = tally(current, round_)
            was = rules.further_reply_possible(round_number=round_.number, signers=before["signers"],
                                               dissatisfied=before["dissatisfied"])
            now_possible = rules.further_reply_possible(round_number=round_.number, signers=after["signers"],
                                                        dissatisfied=after["dissatisfied"])
            if now_possible and not was:
                _tell(_signer_users(current), action=perms.I_RATE,
                      title=_L("%(dissatisfied)s of the %(signers)s deputies are dissatisfied with the reply to "
                               "“%(question)s”: you may demand a further reply"),
                      params={**after, "question": current.question}, url=interpellation_url(current))
            elif rater.user_id and rater.user_id != by.pk:
                _tell([rater.user], action=perms.I_RATE,
                      title=_L("Your rating of the reply to “%(question)s” was entered"),
                      params={"question": current.question}, url=interpellation_url(current))
            return rating

        return perform(by=by, action=perms.I_RATE, obj=locked, apply=apply,
                       data={"round": round_.number, "deputy": rater.pk, "satisfaction": satisfaction})


def demand_further_reply(*, by, interpellation: Interpellation, note: str = "", now=None) -> Interpellation:
    """RES-2: the deputies who filed it demand a further reply, possible once and only when
    half or more of them are dissatisfied (TIME-7: 6 of 12 may, 5 of 12 may not). Staff
    are told (the presidium decides its form); so are the signers and the organ."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.I_DEMAND, Interpellation, interpellation,
                        rules.INTERPELLATION_TRANSITIONS["demand"])
        round_ = current_round(locked)
        counts = tally(locked, round_)
        if round_.number >= rules.MAX_REPLY_ROUNDS:
            raise InvalidTransition(_("A further reply has already been given."))
        if not rules.may_demand_further_reply(signers=counts["signers"], dissatisfied=counts["dissatisfied"]):
            raise InvalidTransition(
                _("A further reply may be demanded when half or more of the %(signers)s deputies who filed it "
                  "are dissatisfied; %(dissatisfied)s are.") % counts,
                details=dict(counts),
            )
        round_.demanded_at = now
        round_.demanded_by = by
        round_.save(update_fields=["demanded_at", "demanded_by"])
        return _sync(interpellation, transition(
            by=by, action=perms.I_DEMAND, obj=locked, allowed_from=rules.INTERPELLATION_TRANSITIONS["demand"],
            to=rules.I_FURTHER_DEMANDED, data={"round": round_.number, "note": (note or "").strip(), **counts},
            notify=_active_staff(exclude=by) + _signer_users(locked, exclude=by) + _clerks(locked.target_id),
            title=_L("A further reply to “%(question)s” is demanded (%(dissatisfied)s of %(signers)s dissatisfied)"),
            params={"question": locked.question, **counts}, url=interpellation_url(locked),
        ))


def close_interpellation(*, by, interpellation: Interpellation, note: str = "", now=None) -> Interpellation:
    """Close a replied interpellation: no further reply was demanded, or the further reply
    has been given. A written reply's case closes with it."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, perms.I_CLOSE, Interpellation, interpellation, rules.INTERPELLATION_TRANSITIONS["close"])
        round_ = current_round(locked)
        counts = tally(locked, round_)
        if round_ is not None and round_.form == rules.WRITTEN:
            _record_case_outcome(by=by, round_=round_, outcome=rules.CASE_NO_FURTHER_REPLY, now=now)
        return _sync(interpellation, transition(
            by=by, action=perms.I_CLOSE, obj=locked, allowed_from=rules.INTERPELLATION_TRANSITIONS["close"],
            to=rules.I_CLOSED, changes={"closed_at": now},
            data={"round": locked.round, "note": (note or "").strip(), **counts},
            notify=_signer_users(locked) + _clerks(locked.target_id),
            title=_L("The interpellation “%(question)s” is closed"), params={"question": locked.question},
            url=interpellation_url(locked),
        ))
