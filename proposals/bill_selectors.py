"""Reads of bills and interpellations for pages and the API, scoped to the user asking.

- staff: every bill and interpellation;
- a deputy: those of their term's sessions (drafts included: deputies sign them);
- a unit clerk: interpellations of their organ once filed (no bills);
- anyone else: nothing.

Which actions a page offers is worked out here from the permission codes and the state
machine; the services decide again. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.accounts.roles import Role
from core.errors import NotFound
from core.organisation.models import Deputy, HandlingUnit, Session
from core.organisation.rules import effective_parameters
from core.permissions import has_perm, role_of
from core.web.selectors import current_congress, current_term
from core.workcalendar import rules as time_rules

from . import bill_permissions as perms
from . import bill_rules as rules
from .bill_models import Bill, BillSignature, Interpellation, InterpellationRound, InterpellationSignature
from .permissions import deputy_of
from .rules import SATISFACTION_LABELS

# --- bills ----------------------------------------------------------------------------------------


def _scope(user, queryset: QuerySet, *, clerk_field: str | None = None) -> QuerySet:
    role = role_of(user)
    if role == Role.STAFF:
        return queryset
    if role == Role.DEPUTY:
        deputy = deputy_of(user)
        return queryset.filter(session__term_id=deputy.term_id) if deputy is not None else queryset.none()
    if role == Role.UNIT_CLERK and clerk_field and user.handling_unit_id:
        return queryset.filter(**{clerk_field: user.handling_unit_id}).exclude(
            status__in=[rules.I_DRAFT, rules.I_ABANDONED]
        )
    return queryset.none()


def bills_for(
    user, *, session: int | None = None, status: str = "", filer_kind: str = "", q: str = "", mine: bool = False,
) -> QuerySet:
    """The bills `user` may see, newest first, with the number of signatures."""
    if not has_perm(user, perms.VIEW):
        return Bill.objects.none()
    queryset = _scope(user, Bill.objects.select_related("session__term", "lead_deputy"))
    if session:
        queryset = queryset.filter(session_id=session)
    if status:
        queryset = queryset.filter(status=status)
    if filer_kind:
        queryset = queryset.filter(filer_kind=filer_kind)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(subject__icontains=q) | Q(lead_deputy__name__icontains=q))
    if mine:
        deputy = deputy_of(user)
        queryset = queryset.filter(signatures__deputy=deputy).distinct() if deputy else queryset.none()
    return queryset.annotate(signature_count=Count("signatures", distinct=True)).order_by("-created_at", "-pk")


def bill_for(user, bill_id: int) -> Bill:
    """One bill `user` may see; NotFound otherwise (never says whether it exists)."""
    bill = (
        Bill.objects.select_related("session__term__congress", "lead_deputy", "entered_by", "suggestion")
        .filter(pk=bill_id).first()
    )
    if bill is None or not has_perm(user, perms.VIEW, bill):
        raise NotFound()
    return bill


def bill_signatures(user, bill: Bill) -> list[BillSignature]:
    if not has_perm(user, perms.VIEW, bill):
        return []
    return list(bill.signatures.select_related("deputy__delegation").order_by("signed_at", "pk"))


@dataclass(frozen=True)
class SignatureCount:
    count: int
    needed: int

    @property
    def enough(self) -> bool:
        return rules.enough_signers(self.count, self.needed)


def _params(session: Session) -> dict[str, Any]:
    return effective_parameters(session.term.congress, session)


def bill_signature_count(bill: Bill) -> SignatureCount:
    """BILL-1: signers in office against `bill_min_deputies`."""
    return SignatureCount(
        bill.signatures.filter(deputy__in_office=True).count(), rules.min_bill_signers(_params(bill.session))
    )


def bill_deadline(session: Session):
    """BILL-6: the session's cut-off (None when unset or unreadable)."""
    try:
        return rules.parse_bill_deadline(_params(session).get("bill_deadline", ""))
    except rules.DeadlineUnreadable:
        return None


def _has_signed(user, item) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and item.signatures.filter(deputy=deputy).exists()


def bill_actions(user, bill: Bill) -> dict[str, bool]:
    """What the bill's page offers `user` (the services check again)."""
    state = bill.status

    def may(code: str, action: str) -> bool:
        return rules.bill_can(action, state) and has_perm(user, code, bill)

    staff = role_of(user) == Role.STAFF
    signed = _has_signed(user, bill)
    return {
        "edit": may(perms.EDIT, "edit"),
        "sign": bill.is_deputies_bill and may(perms.SIGN, "sign") and (staff or not signed),
        "unsign": bill.is_deputies_bill and may(perms.UNSIGN, "unsign") and (
            staff or (signed and not perms.is_lead(user, bill))),
        "file": bill.is_deputies_bill and may(perms.FILE, "file"),
        "abandon": may(perms.ABANDON, "abandon"),
        "refer": may(perms.REFER, "refer"),
        "advise": may(perms.ADVISE, "advise") and not bill.committee_advice,
        "decide": may(perms.DECIDE, "decide") and (
            not rules.decision_needs_advice(state) or bool(bill.committee_advice)),
        "request_withdrawal": may(perms.REQUEST_WITHDRAWAL, "request_withdrawal")
        and bill.withdrawal_requested_at is None,
        "withdraw": may(perms.WITHDRAW, "withdraw") and bill.withdrawal_requested_at is not None,
        "record_result": may(perms.RECORD_RESULT, "record_result"),
    }


def sessions_for_filing(user) -> QuerySet:
    """Sessions of the current term not yet over (a deputy: their own term's)."""
    deputy = deputy_of(user)
    if deputy is not None:
        term_id = deputy.term_id
    else:
        term = current_term(current_congress())
        if term is None:
            return Session.objects.none()
        term_id = term.pk
    today = time_rules.local_date(timezone.now())
    return Session.objects.filter(term_id=term_id, ends_on__gte=today).select_related("term").order_by("starts_on")


def lead_deputy_choices(user) -> QuerySet:
    """Deputies in office of the current term (staff entering a paper bill or interpellation)."""
    if role_of(user) != Role.STAFF:
        return Deputy.objects.none()
    term = current_term(current_congress())
    if term is None:
        return Deputy.objects.none()
    return Deputy.objects.filter(term=term, in_office=True).order_by("code", "pk")


def deputies_to_sign(item) -> QuerySet:
    """Deputies in office of the term who have not signed (staff entering paper signatures)."""
    signed = item.signatures.values("deputy_id")
    return (
        Deputy.objects.filter(term_id=item.session.term_id, in_office=True)
        .exclude(pk__in=signed).order_by("code", "pk")
    )


def signers_to_remove(item) -> QuerySet:
    """Signers other than the lead deputy (staff recording a signature taken back)."""
    return Deputy.objects.filter(pk__in=item.signatures.values("deputy_id")).exclude(pk=item.lead_deputy_id).order_by(
        "code", "pk")


# --- interpellations -------------------------------------------------------------------------------


def interpellations_for(
    user, *, session: int | None = None, status: str = "", target: int | None = None, q: str = "",
    mine: bool = False,
) -> QuerySet:
    """The interpellations `user` may see, newest first."""
    if not has_perm(user, perms.I_VIEW):
        return Interpellation.objects.none()
    queryset = _scope(
        user, Interpellation.objects.select_related("session__term", "lead_deputy", "target"), clerk_field="target_id"
    )
    if session:
        queryset = queryset.filter(session_id=session)
    if status:
        queryset = queryset.filter(status=status)
    if target:
        queryset = queryset.filter(target_id=target)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(question__icontains=q) | Q(lead_deputy__name__icontains=q))
    if mine:
        deputy = deputy_of(user)
        queryset = queryset.filter(signatures__deputy=deputy).distinct() if deputy else queryset.none()
    return queryset.annotate(signature_count=Count("signatures", distinct=True)).order_by("-created_at", "-pk")


def interpellation_for(user, interpellation_id: int) -> Interpellation:
    item = (
        Interpellation.objects.select_related("session__term__congress", "lead_deputy", "target", "entered_by")
        .filter(pk=interpellation_id).first()
    )
    if item is None or not has_perm(user, perms.I_VIEW, item):
        raise NotFound()
    return item


def interpellation_signatures(user, item: Interpellation) -> list[InterpellationSignature]:
    if not has_perm(user, perms.I_VIEW, item):
        return []
    return list(item.signatures.select_related("deputy__delegation").order_by("signed_at", "pk"))


def interpellation_signature_count(item: Interpellation) -> SignatureCount:
    """RES-2: signers in office against `interpellation_min_deputies`."""
    return SignatureCount(
        item.signatures.filter(deputy__in_office=True).count(),
        rules.min_interpellation_signers(_params(item.session)),
    )


def satisfaction_scale(item: Interpellation) -> list[str]:
    return list(_params(item.session).get("satisfaction_scale") or ["satisfied", "basically_satisfied",
                                                                     "dissatisfied"])


@dataclass
class RoundView:
    """A reply round for the page: the decision, the reply, the ratings and the RES-2 count."""

    round: InterpellationRound
    ratings: list
    signers: int
    dissatisfied: int
    further_possible: bool
    letter_available: bool
    #: RES-2: the reply's day as the presidium set it (`reply_due`).
    due_on: date | None = None


def reply_due(round_: InterpellationRound | None) -> date | None:
    """RES-2: the day of a round's reply (or of its meeting) as the presidium set it: the one
    date the interpellation's page and the organ's reply form show, and the one the case's
    assignment is due on (it counts the days to it, `casework.rules.SET_DATE`: a day named by
    the presidium never moves to the next working day)."""
    return round_.due_on if round_ is not None else None


def rounds_of(user, item: Interpellation) -> list[RoundView]:
    if not has_perm(user, perms.I_VIEW, item):
        return []
    scale = satisfaction_scale(item)
    signers = item.signatures.count()
    views = []
    for round_ in item.rounds.select_related("reply", "case").prefetch_related("ratings__deputy").order_by("number"):
        ratings = list(round_.ratings.all())
        for rating in ratings:
            rating.label = SATISFACTION_LABELS.get(rating.satisfaction, rating.satisfaction)
        dissatisfied = rules.count_dissatisfied([r.satisfaction for r in ratings], scale)
        views.append(RoundView(
            round=round_, ratings=ratings, signers=signers, dissatisfied=dissatisfied,
            further_possible=rules.further_reply_possible(
                round_number=round_.number, signers=signers, dissatisfied=dissatisfied),
            letter_available=bool(round_.reply_id and round_.reply.letter),
            due_on=reply_due(round_),
        ))
    return views


def current_round(item: Interpellation) -> InterpellationRound | None:
    if not item.round:
        return None
    return item.rounds.filter(number=item.round).select_related("case", "reply").first()


def pending_assignment(item: Interpellation):
    """The organ's assignment waiting for the written reply of the current round."""
    from casework.models import Assignment
    from casework.rules import PENDING

    round_ = current_round(item)
    if round_ is None or round_.is_oral or round_.is_replied or round_.case_id is None:
        return None
    return (
        Assignment.objects.filter(case_id=round_.case_id, status=PENDING).select_related("unit")
        .order_by("-round", "pk").first()
    )


def interpellation_actions(user, item: Interpellation) -> dict[str, bool]:
    """What the interpellation's page offers `user` (the services check again)."""
    state = item.status

    def may(code: str, action: str, obj=item) -> bool:
        return rules.interpellation_can(action, state) and has_perm(user, code, obj)

    staff = role_of(user) == Role.STAFF
    signed = _has_signed(user, item)
    round_ = current_round(item)
    assignment = pending_assignment(item) if state == rules.I_AWAITING_REPLY else None
    rated = False
    if round_ is not None and not staff:
        deputy = deputy_of(user)
        rated = deputy is not None and round_.ratings.filter(deputy=deputy).exists()
    further = False
    if round_ is not None and state == rules.I_REPLIED:
        scale = satisfaction_scale(item)
        values = list(round_.ratings.values_list("satisfaction", flat=True))
        further = rules.further_reply_possible(
            round_number=round_.number, signers=item.signatures.count(),
            dissatisfied=rules.count_dissatisfied(values, scale))
    return {
        "edit": may(perms.I_EDIT, "edit"),
        "sign": may(perms.I_SIGN, "sign") and (staff or not signed),
        "unsign": may(perms.I_UNSIGN, "unsign") and (staff or (signed and not perms.is_lead(user, item))),
        "file": may(perms.I_FILE, "file"),
        "abandon": may(perms.I_ABANDON, "abandon"),
        "decide": may(perms.I_DECIDE, "decide"),
        "record_reply": may(perms.I_RECORD_REPLY, "record_reply") and round_ is not None and round_.is_oral,
        "reply": assignment is not None and may(perms.I_REPLY, "reply", assignment),
        "rate": may(perms.I_RATE, "rate") and (staff or (signed and not rated)),
        "demand": may(perms.I_DEMAND, "demand") and further,
        "close": may(perms.I_CLOSE, "close"),
    }


def interpellable_unit_ids(congress) -> set[int]:
    """RES-2: the ids of the congress's active units that may be interpellated: the city
    government and its departments, the supervisory commission, the court and the
    procuratorate, never an organ of a district or county (`rules.interpellable_units`)."""
    if congress is None:
        return set()
    rows = HandlingUnit.objects.filter(congress=congress).values_list("pk", "parent_id", "kind", "district_id")
    active = set(HandlingUnit.objects.filter(congress=congress, is_active=True).values_list("pk", flat=True))
    return rules.interpellable_units(rows) & active


def target_choices(congress) -> QuerySet:
    """RES-2: the organs that may be interpellated (government and its departments, the
    supervisory commission, the court, the procuratorate), of the congress's own level."""
    if congress is None:
        return HandlingUnit.objects.none()
    return HandlingUnit.objects.filter(pk__in=interpellable_unit_ids(congress)).order_by("name")


def round_for_letter(user, round_id: int) -> InterpellationRound:
    """A reply round whose written reply letter `user` may download."""
    round_ = InterpellationRound.objects.select_related("interpellation", "reply").filter(pk=round_id).first()
    if round_ is None or round_.reply_id is None or not has_perm(user, perms.I_VIEW, round_.interpellation):
        raise NotFound()
    return round_
