"""Reads for the suggestion pages, desks, exports and API, scoped to the user asking.

Built on `proposals.selectors` and `casework.selectors` (which do the scoping); this module
adds what pages need on top: one status per suggestion, filters and sort orders shared by
pages, exports and the API, the handling of a suggestion gathered for its page, which
actions the user is offered (the services decide again), a timeline, and the desks'
overviews. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import rules as case_rules
from casework import selectors as case_selectors
from casework.models import Assignment, Case, Feedback, Recipient, Reply
from core.accounts.roles import Role
from core.errors import NotFound
from core.organisation.models import Deputy, HandlingUnit
from core.organisation.rules import effective_parameters
from core.permissions import has_perm, role_of
from core.web.selectors import current_congress, current_term
from core.workcalendar import rules as time_rules
from core.workcalendar import selectors as workcalendar
from core.workcalendar.rules import Deadline

from . import permissions, rules, selectors
from .casekind import NAME as KIND
from .casekind import SUGGESTION
from .models import Cosignature, Suggestion, SuggestionAttachment, SuggestionCategory

_L = gettext_lazy
S = Suggestion.Status

# --- one status per suggestion -------------------------------------------------------------------

#: A suggestion's own states before registration, then its handling's (casework) states.
OWN_STATES = (S.DRAFT, S.SUBMITTED, S.DECLINED, S.WITHDRAWN)
CASE_STATES = (
    case_rules.REGISTERED,
    case_rules.ASSIGNED,
    case_rules.REPLIED,
    case_rules.REHANDLING,
    case_rules.CLOSED,
    case_rules.MERGED,
)


def status_labels() -> dict[str, Any]:
    labels: dict[str, Any] = dict(Suggestion.Status.choices)
    labels.update(Case.Status.choices)
    labels[S.WITHDRAWN] = Suggestion.Status.WITHDRAWN.label
    return labels


def status_choices() -> list[tuple[str, Any]]:
    labels = status_labels()
    return [(value, labels[value]) for value in (*OWN_STATES[:2], *CASE_STATES, *OWN_STATES[2:])]


def status_of(suggestion: Suggestion) -> str:
    """One status for lists (`selectors.display_status`)."""
    return selectors.display_status(suggestion)


def status_label(suggestion: Suggestion) -> str:
    return str(status_labels().get(status_of(suggestion), status_of(suggestion)))


# --- lists ---------------------------------------------------------------------------------------

SUGGESTION_SORTS = {
    "-created": (_L("Newest first"), ("-created_at", "-pk")),
    "created": (_L("Oldest first"), ("created_at", "pk")),
    "due": (_L("Reply due soonest"), (F("next_due").asc(nulls_last=True), "-created_at", "-pk")),
    "number": (_L("Number"), (F("year").asc(nulls_last=True), F("serial").asc(nulls_last=True), "pk")),
    "subject": (_L("Subject"), ("subject", "pk")),
}


def _today(now: datetime | None = None) -> date:
    return time_rules.local_date(now or timezone.now())


def _pending(today: date | None = None, **extra) -> QuerySet:
    # is_open: pending while the case is being handled (casework.rules.assignment_open).
    queryset = Assignment.objects.filter(case_id=OuterRef("live_case_id"), is_open=True, **extra)
    if today is not None:
        queryset = queryset.filter(due_on__lt=today)
    return queryset


def with_handling(queryset: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """Annotate each suggestion with its handling case (`live_case_id`: its own, or the one
    it was merged into), the next reply due (`next_due`, `next_due_provisional`) and
    `is_overdue` (TIME-6)."""
    today = _today(now)
    soonest = _pending().order_by("due_on", "pk")
    return queryset.annotate(live_case_id=Coalesce("case__merged_into_id", "case_id")).annotate(
        next_due=Subquery(soonest.values("due_on")[:1]),
        next_due_provisional=Subquery(soonest.values("due_provisional")[:1]),
        is_overdue=Exists(_pending(today)),
    )


def suggestion_rows(
    user,
    *,
    status: str = "",
    category: int | None = None,
    unit: int | None = None,
    overdue: bool | None = None,
    key_supervised: bool | None = None,
    session: str = "",
    mine: bool = False,
    q: str = "",
    sort: str = "-created",
    now: datetime | None = None,
) -> QuerySet:
    """The suggestions `user` may see (`selectors.suggestions_for`), filtered:

    - `status`: one status as `status_of` gives it (draft ... closed, merged);
    - `overdue`: a reply of its handling is past its due date (TIME-6);
    - `key_supervised`: its handling is a key supervised item (SUGG-9);
    - `session`: "during" a session or "between" sessions (SUGG-1);
    - `mine`: filed by the user (a deputy).
    """
    queryset = selectors.suggestions_for(user, category=category, unit=unit, q=q)
    if status in OWN_STATES:
        queryset = queryset.filter(status=status)
    elif status in CASE_STATES:
        queryset = queryset.filter(status=S.REGISTERED, case__status=status)
    queryset = with_handling(queryset, now=now)
    if overdue is not None:
        queryset = queryset.filter(is_overdue=overdue)
    if key_supervised is not None:
        supervised = Q(case__merged_into__is_key_supervised=True) | Q(
            case__merged_into__isnull=True, case__is_key_supervised=True
        )
        queryset = queryset.filter(supervised) if key_supervised else queryset.exclude(supervised)
    if session == "during":
        queryset = queryset.filter(session__isnull=False)
    elif session == "between":
        queryset = queryset.filter(session__isnull=True)
    if mine:
        deputy = permissions.deputy_of(user)
        queryset = queryset.filter(filed_by=deputy) if deputy is not None else queryset.none()
    order = SUGGESTION_SORTS.get(sort, SUGGESTION_SORTS["-created"])[1]
    return queryset.select_related("case__merged_into").order_by(*order)


def next_deadline(suggestion) -> Deadline | None:
    """The next reply due on a row of `with_handling` (None when nothing is owed)."""
    due = getattr(suggestion, "next_due", None)
    return Deadline(due, bool(getattr(suggestion, "next_due_provisional", False))) if due else None


def lead_units(case_ids) -> dict[int, list[str]]:
    """The units that reply to the filer (lead or separate), first round, per case."""
    names: dict[int, list[str]] = {}
    rows = (
        Assignment.objects.filter(case_id__in=[c for c in case_ids if c], round=1,
                                  role__in=case_rules.REPLYING_ROLES)
        .order_by("case_id", "pk")
        .values_list("case_id", "unit__name")
    )
    for case_id, name in rows:
        names.setdefault(case_id, []).append(name)
    return names


QUEUE_SORTS = {
    "oldest": (_L("Oldest first"), ("submitted_at", "pk")),
    "-oldest": (_L("Newest first"), ("-submitted_at", "-pk")),
    "subject": (_L("Subject"), ("subject", "pk")),
}

ASSIGN_QUEUE_SORTS = {
    "oldest": (_L("Oldest first"), ("registered_at", "pk")),
    "-oldest": (_L("Newest first"), ("-registered_at", "-pk")),
    "number": (_L("Number"), ("year", "serial", "pk")),
    "subject": (_L("Subject"), ("subject", "pk")),
}


def _queue_filters(queryset: QuerySet, *, q: str, category: int | None, session: str) -> QuerySet:
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(subject__icontains=q) | Q(number__icontains=q) | Q(filed_by__name__icontains=q))
    if category:
        queryset = queryset.filter(category_id=category)
    if session == "during":
        queryset = queryset.filter(session__isnull=False)
    elif session == "between":
        queryset = queryset.filter(session__isnull=True)
    return queryset


def register_queue(user, *, q: str = "", category: int | None = None, session: str = "",
                   sort: str = "oldest") -> QuerySet:
    """Staff: submitted suggestions waiting to be registered or declined (SUGG-2, SUGG-10)."""
    queryset = _queue_filters(selectors.to_register(user), q=q, category=category, session=session)
    return queryset.select_related("session").order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["oldest"])[1])


def assign_queue(user, *, q: str = "", category: int | None = None, session: str = "",
                 sort: str = "oldest") -> QuerySet:
    """Staff: registered suggestions waiting to be assigned (SUGG-2)."""
    queryset = _queue_filters(selectors.to_assign(user), q=q, category=category, session=session)
    return queryset.select_related("session").order_by(
        *ASSIGN_QUEUE_SORTS.get(sort, ASSIGN_QUEUE_SORTS["oldest"])[1]
    )


def with_assign_by(suggestions) -> list:
    """Each suggestion with `assign_by`: the SUGG-2 last day to assign one received between
    sessions (a Deadline), or None. One calendar for the whole page."""
    calendar = workcalendar.current_calendar()
    rows = list(suggestions)
    for suggestion in rows:
        suggestion.assign_by = selectors.assign_by(suggestion, calendar=calendar)
    return rows


# --- choices ----------------------------------------------------------------------------------


def category_choices(congress) -> QuerySet:
    if congress is None:
        return SuggestionCategory.objects.none()
    return selectors.categories(congress)


def unit_choices(congress) -> QuerySet:
    """Active handling units of the congress, by name (for assigning and filtering)."""
    if congress is None:
        return HandlingUnit.objects.none()
    return HandlingUnit.objects.filter(congress=congress, is_active=True).order_by("name")


def congress_for(user):
    """The congress whose lists the user works on: their deputy's, else the installation's."""
    deputy = permissions.deputy_of(user)
    if deputy is not None:
        return deputy.term.congress
    return current_congress()


def deputies_to_invite(suggestion: Suggestion, *, q: str = "") -> QuerySet:
    """Deputies who may still be invited to co-sign: in office, of the suggestion's term,
    not the filer, not already invited (a deputy who declined may be invited again)."""
    invited = Cosignature.objects.filter(suggestion=suggestion).exclude(status=Cosignature.Status.DECLINED)
    queryset = (
        Deputy.objects.filter(term_id=suggestion.term_id, in_office=True)
        .exclude(pk=suggestion.filed_by_id)
        .exclude(pk__in=invited.values("deputy_id"))
        .select_related("delegation")
        .order_by("code", "pk")
    )
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(delegation__name__icontains=q))
    return queryset


def filer_choices(congress) -> QuerySet:
    """Deputies in office of the current term (staff entering a paper suggestion)."""
    term = current_term(congress)
    if term is None:
        return Deputy.objects.none()
    return Deputy.objects.filter(term=term, in_office=True).order_by("code", "pk")


def merge_targets(user, suggestion: Suggestion, *, q: str = "") -> QuerySet:
    """SUGG-11: suggestions this one may be merged into: registered, not yet replied to,
    of the same congress, other than itself."""
    queryset = (
        selectors.suggestions_for(user, q=q)
        .filter(congress_id=suggestion.congress_id, status=S.REGISTERED,
                case__status__in=sorted(case_rules.allowed_from("merge")))
        .exclude(pk=suggestion.pk)
    )
    return queryset.order_by("year", "serial", "pk")


def preview_deadlines(suggestion: Suggestion, *, now: datetime | None = None) -> dict[str, Deadline]:
    """What assigning today would give (SUGG-3/4/5): the reply date, the assisting units'
    date and the longer date once approved, each marked provisional where it is (TIME-4)."""
    params = effective_parameters(suggestion.congress)
    calendar = workcalendar.current_calendar()
    start = _today(now)
    weekend = bool(params.get("weekend_is_rest_day", True))
    case = suggestion.case
    periods = {
        "reply": SUGGESTION.reply_period(params, case),
        "assisting": SUGGESTION.assisting_period(params, case),
        "extended": SUGGESTION.extended_period(params, case),
    }
    return {
        key: case_rules.due_date(start, period, calendar, weekend_is_rest_day=weekend)
        for key, period in periods.items()
    }


def extension_preview(assignment: Assignment) -> Deadline:
    """SUGG-4: the due date the longer period would give, counted from the same assignment
    date as the ordinary one."""
    params = effective_parameters(assignment.case.congress)
    period = SUGGESTION.extended_period(params, assignment.case)
    return case_rules.due_date(assignment.due_from, period, workcalendar.current_calendar(),
                               weekend_is_rest_day=bool(params.get("weekend_is_rest_day", True)))


def rating_recipients(reply: Reply) -> list[Recipient]:
    """Staff entering a paper feedback form: the filers who have not rated this reply."""
    rated = Feedback.objects.filter(reply=reply).values("recipient_id")
    return list(
        Recipient.objects.filter(case_id=reply.case_id, is_lead=True, withdrawn_at__isnull=True)
        .exclude(pk__in=rated).select_related("deputy", "user")
    )


# --- one suggestion and its handling -------------------------------------------------------------


def suggestion_for(user, suggestion_id: int) -> Suggestion:
    return selectors.suggestion_for(user, suggestion_id)


def suggestion_of_case(case: Case | None) -> Suggestion | None:
    if case is None:
        return None
    return Suggestion.objects.select_related("filed_by").filter(case=case).first()


def assignment_for(user, assignment_id: int) -> Assignment:
    """An assignment of a suggestion's case the user may see; NotFound otherwise."""
    assignment = (
        Assignment.objects.select_related("case__congress", "unit").filter(pk=assignment_id, case__kind=KIND).first()
    )
    if assignment is None or not has_perm(user, permissions.VIEW, assignment.case):
        raise NotFound()
    return assignment


def reply_for(user, reply_id: int) -> Reply:
    """A reply the user may read (a filer reads only replies addressed to filers)."""
    reply = Reply.objects.select_related("case__congress", "unit", "assignment").filter(
        pk=reply_id, case__kind=KIND
    ).first()
    if reply is None or not has_perm(user, permissions.VIEW, reply.case):
        raise NotFound()
    if role_of(user) not in (Role.STAFF, Role.UNIT_CLERK) and not reply.to_filer:
        raise NotFound()
    return reply


def attachment_for(user, attachment_id: int) -> SuggestionAttachment:
    attachment = SuggestionAttachment.objects.select_related("suggestion").filter(pk=attachment_id).first()
    if attachment is None or not has_perm(user, permissions.VIEW, attachment.suggestion):
        raise NotFound()
    return attachment


def cosignature_for(user, cosignature_id: int) -> Cosignature:
    """A co-signature the user may see: their own invitation, or one on a suggestion they
    may see."""
    cosignature = (
        Cosignature.objects.select_related("suggestion__filed_by", "deputy").filter(pk=cosignature_id).first()
    )
    if cosignature is None:
        raise NotFound()
    deputy = permissions.deputy_of(user)
    if deputy is not None and cosignature.deputy_id == deputy.pk:
        return cosignature
    if not has_perm(user, permissions.VIEW, cosignature.suggestion):
        raise NotFound()
    return cosignature


@dataclass
class Handling:
    """A registered suggestion's handling as the user may see it."""

    case: Case  # the case carrying the handling (its own, or the one it was merged into)
    own_case: Case
    assignments: list
    replies: list
    feedback: list
    recipients: list
    merged_into: Suggestion | None = None
    merged_here: list = field(default_factory=list)

    @property
    def is_key_supervised(self) -> bool:
        return self.case.is_key_supervised

    @property
    def arrangement(self) -> str | None:
        """SUGG-5: lead unit alone, with assisting units, or units handling separately, as
        assigned (not the stored mode, which says only who replies)."""
        return case_selectors.arrangement_of(self.assignments)

    @property
    def arrangement_label(self) -> str:
        return case_selectors.arrangement_label(self.assignments)


def _my_filer_rows(user, case: Case) -> QuerySet:
    return Recipient.objects.filter(case=case, is_lead=True, withdrawn_at__isnull=True).filter(
        Q(user=user) | Q(deputy__user=user)
    )


def handling_of(user, suggestion: Suggestion, *, now: datetime | None = None) -> Handling | None:
    """The handling of a registered suggestion (None before registration)."""
    if suggestion.case_id is None:
        return None
    now = now or timezone.now()
    own = suggestion.case
    case = own.merged_into if own.merged_into_id else own
    order = {case_rules.LEAD: 0, case_rules.SEPARATE_UNIT: 1, case_rules.ASSISTING: 2}
    assignments = sorted(case_selectors.assignments_for(user, case, now=now),
                         key=lambda a: (a.round, order.get(a.role, 3), a.pk))
    for assignment in assignments:
        assignment.deadline = Deadline(assignment.due_on, assignment.due_provisional)
    replies = case_selectors.replies_for(user, case)
    feedback = case_selectors.feedback_for(user, case)
    for rating in feedback:
        rating.label = satisfaction_label(rating.satisfaction)
    mine = list(_my_filer_rows(user, case).values_list("pk", flat=True))
    for reply in replies:
        reply.ratings = [f for f in feedback if f.reply_id == reply.pk]
        reply.rated_by_me = any(f.recipient_id in mine for f in reply.ratings)
    merged_here = list(
        Suggestion.objects.filter(case__merged_into=case).select_related("filed_by").order_by("pk")
    ) if has_perm(user, permissions.VIEW, case) else []
    return Handling(
        case=case,
        own_case=own,
        assignments=assignments,
        replies=replies,
        feedback=feedback,
        recipients=case_selectors.recipients_for(user, case),
        merged_into=suggestion_of_case(case) if own.merged_into_id else None,
        merged_here=merged_here,
    )


def satisfaction_label(value: str) -> str:
    return str(rules.SATISFACTION_LABELS.get(value, value))


def reply_class_label(value: str) -> str:
    return str(rules.REPLY_CLASS_LABELS.get(value, value)) if value else ""


# --- what the user is offered on a suggestion's page (the services decide again) ------------------


def withdraws_on_request(user, suggestion: Suggestion) -> bool:
    """SUGG-10: does `user` withdraw only on the deputy's written request (staff), rather
    than as the filer? (`rules.withdrawal_needs_request_note`; the service decides again.)"""
    return rules.withdrawal_needs_request_note(by_filer=permissions.is_filer(user, suggestion))



def actions_for(user, suggestion: Suggestion, handling: Handling | None, *, now: datetime | None = None) -> dict:
    """Which actions to offer on the page: permission and state, as the services check
    them. Refusals for reasons only the service knows are shown when it refuses."""
    now = now or timezone.now()
    draft = suggestion.status == S.DRAFT
    actions: dict[str, Any] = {
        "edit": draft and has_perm(user, permissions.EDIT, suggestion),
        "attach": draft and has_perm(user, permissions.ATTACH, suggestion),
        "detach": draft and has_perm(user, permissions.DETACH, suggestion),
        "invite": draft and has_perm(user, permissions.INVITE, suggestion),
        "submit": draft and has_perm(user, permissions.SUBMIT, suggestion),
        "register": suggestion.status == S.SUBMITTED and has_perm(user, permissions.REGISTER, suggestion),
        "decline": suggestion.status == S.SUBMITTED and has_perm(user, permissions.DECLINE, suggestion),
        "withdraw": False,
        "assign": False,
        "rehandle": False,
        "close": False,
        "supervise": False,
        "merge": False,
        "cosign": None,
        "rate": [],
    }
    actions["withdraw_on_request"] = withdraws_on_request(user, suggestion)
    if suggestion.status in (S.DRAFT, S.SUBMITTED):
        actions["withdraw"] = has_perm(user, permissions.WITHDRAW, suggestion)
        deputy = permissions.deputy_of(user)
        if deputy is not None:
            actions["cosign"] = (
                suggestion.cosignatures.filter(deputy=deputy)
                .exclude(status=Cosignature.Status.DECLINED)
                .first()
            )
    if handling is None or suggestion.status != S.REGISTERED:
        return actions
    case, own = handling.case, handling.own_case
    actions["withdraw"] = case.status in case_rules.OPEN_STATES and has_perm(user, permissions.WITHDRAW, suggestion)
    actions["assign"] = own.status == case_rules.REGISTERED and has_perm(user, SUGGESTION.code("assign"), own)
    dissatisfied = any(
        case_rules.is_dissatisfied(f.satisfaction, SUGGESTION.satisfaction_scale(effective_parameters(case.congress)))
        for f in handling.feedback if f.round == case.round
    )
    replied = case.status == case_rules.REPLIED
    actions["rehandle"] = (
        replied and case.round < case_rules.MAX_ROUNDS and dissatisfied
        and has_perm(user, SUGGESTION.code("rehandle"), case)
    )
    actions["close"] = replied and has_perm(user, SUGGESTION.code("close"), case)
    actions["supervise"] = case.status in case_rules.OPEN_STATES and has_perm(user, SUGGESTION.code("supervise"), case)
    actions["merge"] = case_rules.can("merge_source", own.status) and has_perm(user, SUGGESTION.code("merge"), own)
    for assignment in handling.assignments:
        pending = assignment.status == case_rules.PENDING
        assignment.can_reply = (
            pending and assignment.round == case.round and case.status in case_rules.HANDLING_STATES
            and has_perm(user, SUGGESTION.code("reply"), assignment)
        )
        assignment.can_extend = (
            pending and case.status == case_rules.ASSIGNED
            and case_rules.extension_allowed(
                now=now, due_on=assignment.due_on, role=assignment.role, round_number=assignment.round,
                extended=assignment.is_extended,
            )
            and has_perm(user, SUGGESTION.code("approve_extension"), assignment)
        )
    for reply in handling.replies:
        rating_open = replied and reply.round == case.round and reply.to_filer
        if role_of(user) == Role.STAFF:
            rated = {f.recipient_id for f in reply.ratings}
            filers = {r.pk for r in handling.recipients if r.is_lead and r.withdrawn_at is None}
            reply.can_rate = rating_open and bool(filers - rated) and has_perm(user, SUGGESTION.code("rate"), reply)
        else:
            reply.can_rate = rating_open and not reply.rated_by_me and has_perm(user, SUGGESTION.code("rate"), reply)
    actions["rate"] = [reply for reply in handling.replies if reply.can_rate]
    return actions


# --- timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: datetime
    text: str
    detail: str = ""
    #: Where the step comes in a suggestion's handling: events written at the same instant
    #: (a dissatisfied rating and the re-handling it causes, SUGG-7) keep cause before effect.
    step: int = 0


def _due(assignment: Assignment) -> str:
    """A due date as the timeline writes it, marked provisional as everywhere it is shown
    (TIME-4: the official holiday schedule of a year it counts through is not entered)."""
    day = assignment.due_on.isoformat()
    return _("%(date)s (provisional)") % {"date": day} if assignment.due_provisional else day


def timeline(user, suggestion: Suggestion, handling: Handling | None) -> list[Event]:
    """What happened to the suggestion, oldest first, from the stored dates of each step
    (the audit log holds the same steps with who did them, for staff)."""
    events: list[Event] = []

    def add(at, text, detail="", step=0):
        if at is not None:
            events.append(Event(at, str(text), str(detail), step))

    add(suggestion.created_at, _("Drafted"))
    for c in selectors.cosignatures_of(user, suggestion):
        add(c.invited_at, _("%(deputy)s was invited to co-sign") % {"deputy": c.deputy.name})
        if c.answered_at:
            text = (
                _("%(deputy)s co-signed") if c.status == Cosignature.Status.CONFIRMED
                else _("%(deputy)s did not co-sign")
            )
            add(c.answered_at, text % {"deputy": c.deputy.name})
    if suggestion.submitted_at:
        where = (
            _("during session %(number)s") % {"number": suggestion.session.number}
            if suggestion.session_id else _("between sessions")
        )
        add(suggestion.submitted_at, _("Submitted"), where)
    add(suggestion.registered_at, _("Registered as No. %(number)s") % {"number": suggestion.number})
    if suggestion.declined_at:
        add(suggestion.declined_at, _("Not registered"), rules.exclusion_label(suggestion.decline_reason))
    if handling is not None:
        case = handling.case
        roles = dict(Assignment.Role.choices)
        for a in handling.assignments:
            detail = _("%(role)s, reply due %(due)s") % {"role": roles.get(a.role, a.role), "due": _due(a)}
            text = (
                _("Assigned to %(unit)s") if a.round == 1
                else _("Sent back to %(unit)s for re-handling")
            ) % {"unit": a.unit.name}
            add(a.assigned_at, text, detail, step=1 if a.round == 1 else 5)
            if a.extension_approved_at:
                add(a.extension_approved_at, _("Longer period approved for %(unit)s") % {"unit": a.unit.name},
                    _("reply due %(due)s") % {"due": _due(a)}, step=2)
        for r in handling.replies:
            text = (
                _("%(unit)s replied") if r.to_filer else _("%(unit)s sent its view to the lead unit")
            ) % {"unit": r.unit.name}
            add(r.submitted_at, text, reply_class_label(r.reply_class), step=3)
        for f in handling.feedback:
            add(f.rated_at, _("The reply of %(unit)s was rated") % {"unit": f.reply.unit.name},
                satisfaction_label(f.satisfaction), step=4)
        if case.is_key_supervised:
            add(case.supervised_at, _("Made a key supervised item"), case.supervision_note)
        if handling.merged_into is not None:
            add(handling.own_case.ended_at, _("Merged into No. %(number)s") % {"number": handling.merged_into.number})
        for other in handling.merged_here:
            if other.case_id and other.case.ended_at:
                add(other.case.ended_at, _("No. %(number)s was merged into it") % {"number": other.number})
        add(case.closed_at, _("Closed"), step=6)
    add(suggestion.withdrawn_at, _("Withdrawn"))
    return sorted(events, key=lambda e: (e.at, e.step))


# --- desks -------------------------------------------------------------------------------------


def replies_to_rate(user) -> list[Reply]:
    """Replies the deputy, as a filer, has yet to rate (SUGG-7), each with `suggestion`
    (the page of the case carrying the handling)."""
    replies = list(case_selectors.awaiting_my_rating(user, kind=KIND))
    by_case = {
        s.case_id: s for s in Suggestion.objects.filter(case_id__in={r.case_id for r in replies})
    }
    for reply in replies:
        reply.suggestion = by_case.get(reply.case_id)
    return replies


@dataclass
class DeputyOverview:
    drafts: list
    invitations: list
    to_rate: list
    recent: list
    counts: dict


def deputy_overview(user, *, recent: int = 5) -> DeputyOverview:
    """The deputy's desk: drafts, invitations to co-sign, replies to rate, and their latest
    suggestions with state and next due date."""
    mine = suggestion_rows(user, mine=True)
    counts = {
        "filed": mine.exclude(status=S.DRAFT).count(),
        "open": mine.filter(status=S.REGISTERED, case__status__in=sorted(case_rules.OPEN_STATES)).count(),
        "closed": mine.filter(status=S.REGISTERED, case__status=case_rules.CLOSED).count(),
    }
    return DeputyOverview(
        drafts=list(selectors.drafts_for(user)[:10]),
        invitations=list(selectors.invitations_for(user)[:10]),
        to_rate=replies_to_rate(user),
        recent=list(suggestion_rows(user)[:recent]),
        counts=counts,
    )


@dataclass
class StaffOverview:
    to_register: int
    to_assign: int
    overdue: int
    awaiting_rating: int
    key_supervised: int
    late: list


def staff_overview(user) -> StaffOverview:
    """The staff desk's counts: the two queues, overdue replies, replies waiting for the
    deputies' ratings, open key supervised items, and the units most late."""
    cases = case_selectors.cases_for(user, kind=KIND)
    return StaffOverview(
        to_register=selectors.to_register(user).count(),
        to_assign=selectors.to_assign(user).count(),
        overdue=case_selectors.overdue_assignments(user, kind=KIND).count(),
        awaiting_rating=cases.filter(status=case_rules.REPLIED).count(),
        key_supervised=cases.filter(is_key_supervised=True, status__in=sorted(case_rules.OPEN_STATES)).count(),
        late=case_selectors.late_by_unit(user, kind=KIND)[:5],
    )


def feedback_rows(user, case: Case) -> list[Feedback]:
    return case_selectors.feedback_for(user, case)
