"""Reads of cases for desks, the API and reports, scoped to the user asking.

- staff: every case (one congress per installation);
- a unit clerk: cases with an assignment for their unit (and only their unit's figures);
- a filer or co-signer (deputy, citizen): cases they are owed a reply on;
- anyone else: nothing.

Lists are querysets (callers paginate). Queries filter on indexed columns; the desks read
assignments alone, through their copies of the case (`kind`, `is_open`, `is_key_supervised`,
kept by `casework.services.derived`) and partial indexes WHERE is_open on (kind, due_on),
(due_on) and (unit, due_on); the per-unit counts read the running `UnitTally`. Scoping uses
EXISTS sub-queries rather than joins, so a list never repeats a case and stays cheap at a
million cases.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from core.accounts.roles import Role
from core.errors import NotFound
from core.organisation.models import HandlingUnit
from core.permissions import has_perm, role_of
from core.workcalendar import rules as time_rules

from . import kinds, rules
from .models import Assignment, Case, Feedback, Recipient, Reply, UnitTally


def _today(now: datetime | None = None) -> date:
    return time_rules.local_date(now or timezone.now())


def _mine(user) -> Q:
    return Q(user=user) | Q(deputy__user=user)


def scope_cases(user, queryset: QuerySet | None = None) -> QuerySet:
    """`queryset` (default: every case) narrowed to what `user` may see."""
    queryset = Case.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role == Role.STAFF:
        return queryset
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        return queryset.filter(
            Exists(Assignment.objects.filter(case=OuterRef("pk"), unit_id=user.handling_unit_id))
        )
    if role in (Role.DEPUTY, Role.CITIZEN):
        return queryset.filter(Exists(Recipient.objects.filter(_mine(user), case=OuterRef("pk"))))
    return queryset.none()


def cases_for(
    user,
    *,
    kind: str | None = None,
    status: str | list[str] | None = None,
    unit: int | None = None,
    key_supervised: bool | None = None,
    overdue: bool | None = None,
    q: str = "",
    now: datetime | None = None,
) -> QuerySet:
    """The cases `user` may see, newest first, with optional filters.

    `overdue=True`: an assignment without a reply is past its due date (TIME-6).
    """
    queryset = Case.objects.select_related("congress")
    if kind:
        if not has_perm(user, kinds.get(kind).code("view")):
            return queryset.none()
        queryset = queryset.filter(kind=kind)
    queryset = scope_cases(user, queryset)
    if status:
        queryset = queryset.filter(status__in=[status] if isinstance(status, str) else status)
    if unit:
        queryset = queryset.filter(Exists(Assignment.objects.filter(case=OuterRef("pk"), unit_id=unit)))
    if key_supervised is not None:
        queryset = queryset.filter(is_key_supervised=key_supervised)
    if overdue is not None:
        late = Exists(
            Assignment.objects.filter(case=OuterRef("pk"), status=rules.PENDING, due_on__lt=_today(now))
        )
        queryset = queryset.filter(late if overdue else ~late)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(title__icontains=q)
    return queryset.order_by("-registered_at", "-pk")


def case_for(user, case_id: int) -> Case:
    """One case `user` may see; NotFound otherwise (never says whether it exists)."""
    case = Case.objects.select_related("congress", "merged_into").filter(pk=case_id).first()
    if case is None or not has_perm(user, kinds.get(case.kind).code("view"), case):
        raise NotFound()
    return case


def assignments_for(user, case: Case, *, now: datetime | None = None) -> list[Assignment]:
    """The case's assignments (every round), each with `is_overdue` set (TIME-6)."""
    if not has_perm(user, kinds.get(case.kind).code("view"), case):
        return []
    now = now or timezone.now()
    rows = list(Assignment.objects.filter(case=case).select_related("unit").order_by("round", "role", "pk"))
    for row in rows:
        row.is_overdue = row.status == rules.PENDING and rules.is_overdue(row.due_on, now)
    return rows


def arrangement_of(assignments) -> str | None:
    """SUGG-5: how the case is handled, from its assignments as assigned (every round):
    `rules.LEAD_ALONE`, `rules.LEAD_ASSISTING`, `rules.SEPARATE`, or None before assignment.
    The stored `Case.handling_mode` only says who replies (a lead unit, or each unit)."""
    return rules.handling_arrangement(a.role for a in assignments)


def arrangement_label(assignments) -> str:
    """What `arrangement_of` is called, in the user's language ("" before assignment)."""
    arrangement = arrangement_of(assignments)
    return str(rules.ARRANGEMENT_LABELS[arrangement]) if arrangement else ""


def replies_for(user, case: Case) -> list[Reply]:
    """Replies `user` may read: staff and the case's units all of them; filers only those
    addressed to them (an assisting unit's view is internal, SUGG-5)."""
    if not has_perm(user, kinds.get(case.kind).code("view"), case):
        return []
    queryset = Reply.objects.filter(case=case).select_related("unit").order_by("round", "submitted_at", "pk")
    if role_of(user) not in (Role.STAFF, Role.UNIT_CLERK):
        queryset = queryset.filter(role__in=rules.REPLYING_ROLES)
    return list(queryset)


def feedback_for(user, case: Case) -> list[Feedback]:
    if not has_perm(user, kinds.get(case.kind).code("view"), case):
        return []
    return list(Feedback.objects.filter(case=case).select_related("reply__unit").order_by("round", "rated_at"))


def recipients_for(user, case: Case) -> list[Recipient]:
    """Who is owed the reply (staff and the case's units: they must reply to them)."""
    if role_of(user) not in (Role.STAFF, Role.UNIT_CLERK) or not has_perm(
        user, kinds.get(case.kind).code("view"), case
    ):
        return []
    return list(Recipient.objects.filter(case=case).select_related("deputy", "user", "source_case"))


def awaiting_my_rating(user, *, kind: str | None = None) -> QuerySet:
    """Replies the user, as a filer, has yet to rate (SUGG-7)."""
    if role_of(user) not in (Role.DEPUTY, Role.CITIZEN):
        return Reply.objects.none()
    mine = Recipient.objects.filter(_mine(user), is_lead=True, withdrawn_at__isnull=True)
    queryset = Reply.objects.filter(
        role__in=rules.REPLYING_ROLES,
        case__status=rules.REPLIED,
        round=F("case__round"),
        case__in=mine.values("case_id"),
    ).exclude(Exists(Feedback.objects.filter(reply=OuterRef("pk"), recipient__in=mine)))
    if kind:
        queryset = queryset.filter(case__kind=kind)
    return queryset.select_related("case", "unit").order_by("submitted_at")


# --- desks: what is due and late --------------------------------------------------------------


def _assignments_in_scope(user, kind: str | None) -> QuerySet:
    role = role_of(user)
    # is_open: pending while the case is being handled (rules.assignment_open).
    queryset = Assignment.objects.filter(is_open=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    if role == Role.STAFF:
        return queryset
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        return queryset.filter(unit_id=user.handling_unit_id)
    return queryset.none()


def due_soon(user, *, kind: str | None = None, unit: int | None = None, days: int | None = None,
             now: datetime | None = None) -> QuerySet:
    """Pending assignments due today or within `days` days (default: the reminder period),
    soonest first: a clerk's own unit, staff any (or `unit`)."""
    today = _today(now)
    days = rules.DEFAULT_REMIND_BEFORE_DAYS if days is None else days
    queryset = _assignments_in_scope(user, kind).filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))
    if unit:
        queryset = queryset.filter(unit_id=unit)
    return queryset.select_related("case", "unit").order_by("due_on", "pk")


def overdue_assignments(user, *, kind: str | None = None, unit: int | None = None,
                        now: datetime | None = None) -> QuerySet:
    """TIME-6: pending assignments past their due date, oldest first."""
    queryset = _assignments_in_scope(user, kind).filter(due_on__lt=_today(now))
    if unit:
        queryset = queryset.filter(unit_id=unit)
    return queryset.select_related("case", "unit").order_by("due_on", "pk")


@dataclass(frozen=True)
class LateRow:
    unit_id: int
    unit_name: str
    overdue: int
    oldest_due_on: date
    key_supervised: int


def late_by_unit(user, *, kind: str | None = None, now: datetime | None = None) -> list[LateRow]:
    """"What is late, by unit" (TIME-6 escalation): overdue pending assignments counted per
    unit, most first. Staff see every unit, a clerk their own."""
    rows = (
        _assignments_in_scope(user, kind)
        .filter(due_on__lt=_today(now))
        .values("unit_id", "unit__name")
        .annotate(
            overdue=Count("pk"),
            oldest=Min("due_on"),
            key_supervised=Count("pk", filter=Q(is_key_supervised=True)),
        )
        .order_by("-overdue", "oldest", "unit__name")
    )
    return [
        LateRow(r["unit_id"], r["unit__name"], r["overdue"], r["oldest"], r["key_supervised"]) for r in rows
    ]


@dataclass(frozen=True)
class UnitCounts:
    unit_id: int
    unit_name: str
    pending: int
    due_soon: int
    overdue: int
    replied: int
    replied_on_time: int


def unit_counts(user, *, kind: str | None = None, days: int | None = None,
                now: datetime | None = None) -> list[UnitCounts]:
    """Per unit with an assignment not withdrawn (by name): assignments being handled,
    due soon, overdue, replied (and on time).

    Being handled, replied and on time are the running counts of `UnitTally`, which the
    services keep in the same transaction as every change to a case or its assignments
    (`casework.services.derived`): never stale, no refresh job. Due soon and overdue
    depend on today, so they are counted from the open assignments due by the end of the
    reminder period (partial index on (kind, due_on) WHERE is_open)."""
    role = role_of(user)
    today = _today(now)
    days = rules.DEFAULT_REMIND_BEFORE_DAYS if days is None else days
    last = today + timedelta(days=days)
    tallies = UnitTally.objects.all()
    dated = Assignment.objects.filter(is_open=True, due_on__lte=max(last, today))
    if kind:
        tallies = tallies.filter(kind=kind)
        dated = dated.filter(kind=kind)
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        tallies = tallies.filter(unit_id=user.handling_unit_id)
        dated = dated.filter(unit_id=user.handling_unit_id)
    elif role != Role.STAFF:
        return []
    rows = (
        tallies.values("unit_id", "unit__name")
        .annotate(counted=Sum("assignments"), pending=Sum("open"), replied=Sum("replied"),
                  replied_on_time=Sum("replied_on_time"))
        .filter(counted__gt=0)
        .order_by("unit__name", "unit_id")
    )
    by_date = {
        r["unit_id"]: r
        for r in dated.values("unit_id").annotate(
            due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=last)),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        ).order_by()
    }
    none = {"due_soon": 0, "overdue": 0}
    return [
        UnitCounts(r["unit_id"], r["unit__name"], r["pending"], by_date.get(r["unit_id"], none)["due_soon"],
                   by_date.get(r["unit_id"], none)["overdue"], r["replied"], r["replied_on_time"])
        for r in rows
    ]


# --- statistics for reports (unscoped: callers pass cases they may report on) -----------------


@dataclass
class UnitStatistics:
    unit_id: int
    unit_name: str
    lead: int = 0
    assisting: int = 0
    separate: int = 0
    replied: int = 0
    replied_on_time: int = 0
    overdue: int = 0
    reply_classes: Counter = field(default_factory=Counter)
    satisfaction: Counter = field(default_factory=Counter)


def latest_replies(cases: QuerySet) -> QuerySet:
    """SUGG-8: the replies to the filer that stand on `cases`: of each replying unit (lead
    or separate) in each case, its reply of the latest round it replied in, whichever round
    that was. A case sent back for re-handling keeps its first reply here until the new one
    is in; a reply the re-handling replaced is not counted again. (A unit replies once a
    round: one assignment per case, round and unit.)"""
    later = Reply.objects.filter(
        case=OuterRef("case"), unit=OuterRef("unit"), role__in=rules.REPLYING_ROLES, round__gt=OuterRef("round")
    )
    return Reply.objects.filter(case__in=cases.values("pk"), role__in=rules.REPLYING_ROLES).exclude(Exists(later))


def unit_statistics(cases: QuerySet, *, now: datetime | None = None) -> list[UnitStatistics]:
    """Per handling unit, over `cases` (SUGG-8), every figure a count of cases:

    - lead / assisting / separate: the cases the unit was given in the first round;
    - replied: the cases in which the unit has replied (or sent its view), in any round;
      on time: of those, the cases whose latest reply from the unit came by its due date;
    - overdue: the cases in which a reply of the unit is still owed past its due date;
    - reply classes (SUGG-6) and ratings (SUGG-7): of the unit's latest reply to the filer
      in each case (`latest_replies`), so that a report's classes, its units and its list
      of items tell the same story after a re-handling.

    Counts only: no names, no text (SEC-6)."""
    today = _today(now)
    stats: dict[int, UnitStatistics] = {}

    def row(unit_id, name) -> UnitStatistics:
        if unit_id not in stats:
            stats[unit_id] = UnitStatistics(unit_id, name)
        return stats[unit_id]

    case_ids = cases.values("pk")
    # Roles count every first-round assignment made (even one later withdrawn by a merge or
    # moot when the case closed): what the unit was given to handle.
    assignments = (
        Assignment.objects.filter(case__in=case_ids)
        .values("unit_id", "unit__name")
        .annotate(
            lead=Count("pk", filter=Q(role=rules.LEAD, round=1)),
            assisting=Count("pk", filter=Q(role=rules.ASSISTING, round=1)),
            separate=Count("pk", filter=Q(role=rules.SEPARATE_UNIT, round=1)),
            overdue=Count("pk", filter=Q(is_open=True, due_on__lt=today)),
        )
    )
    for r in assignments:
        s = row(r["unit_id"], r["unit__name"])
        s.lead, s.assisting, s.separate, s.overdue = r["lead"], r["assisting"], r["separate"], r["overdue"]
    # A unit that replied in both rounds replied in one case: its latest reply decides "on time".
    later = Assignment.objects.filter(
        case=OuterRef("case"), unit=OuterRef("unit"), status=rules.DONE, round__gt=OuterRef("round")
    )
    answered = (
        Assignment.objects.filter(case__in=case_ids, status=rules.DONE)
        .exclude(Exists(later))
        .values("unit_id", "unit__name")
        .annotate(replied=Count("pk"), on_time=Count("pk", filter=Q(replied_on__lte=F("due_on"))))
        .order_by()
    )
    for r in answered:
        s = row(r["unit_id"], r["unit__name"])
        s.replied, s.replied_on_time = r["replied"], r["on_time"]
    standing = latest_replies(cases)
    classes = standing.values("unit_id", "unit__name", "reply_class").annotate(n=Count("pk")).order_by()
    for r in classes:
        row(r["unit_id"], r["unit__name"]).reply_classes[r["reply_class"]] += r["n"]
    for unit_id, counter in satisfaction_counts(cases).items():
        if unit_id not in stats:  # a reply always follows an assignment; a name just in case
            row(unit_id, HandlingUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or "")
        stats[unit_id].satisfaction.update(counter)
    return sorted(stats.values(), key=lambda s: s.unit_name)


def satisfaction_counts(cases: QuerySet, *, unit_id: int | None = None, since: date | None = None,
                        until: date | None = None) -> dict[int, Counter]:
    """SUGG-7 / SUGG-8: the ratings that count, per unit: {unit id: Counter(satisfaction →
    count)}. The one source of every satisfaction figure (the oversight page, its export and
    chart, the handling report), so that they agree.

    A rating counts when it rates a reply that stands (`latest_replies`: in each case, each
    replying unit's latest reply to the filer). After a re-handling (SUGG-7: the filer was
    dissatisfied, the unit handled the suggestion again and replied again) the rating of the
    new reply counts and the rating of the reply it replaced does not: the case is counted
    once for the unit, with its final rating. While the new reply is not in, the first reply
    stands with its rating; once it is in and not yet rated, the unit has no rating in that
    case. Each rater's rating counts once (joint suggestions, SUGG-11).

    Unscoped: callers pass the cases (and unit) the user may see. `since` / `until` keep the
    ratings given in those days (legal dates, TIME-5)."""
    ratings = Feedback.objects.filter(reply__in=latest_replies(cases).values("pk"))
    if unit_id is not None:
        ratings = ratings.filter(reply__unit_id=unit_id)
    if since:
        ratings = ratings.filter(rated_at__gte=_start_of(since))
    if until:
        ratings = ratings.filter(rated_at__lt=_start_of(until + timedelta(days=1)))
    result: dict[int, Counter] = {}
    for r in ratings.values("reply__unit_id", "satisfaction").annotate(n=Count("pk")).order_by():
        result.setdefault(r["reply__unit_id"], Counter())[r["satisfaction"]] += r["n"]
    return result


def satisfaction_by_unit(user, *, kind: str | None = None, since: date | None = None,
                         until: date | None = None) -> dict[int, Counter]:
    """Ratings per unit (SUGG-7): {unit id: Counter(satisfaction → count)}, the ratings that
    count (`satisfaction_counts`: each case's final rating per unit, as in the handling
    report, SUGG-8). Staff: every unit; a clerk: their own."""
    role = role_of(user)
    unit_id = None
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        unit_id = user.handling_unit_id
    elif role != Role.STAFF:
        return {}
    cases = Case.objects.filter(kind=kind) if kind else Case.objects.all()
    return satisfaction_counts(cases, unit_id=unit_id, since=since, until=until)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=time_rules.LEGAL_ZONE)


def is_overdue(assignment: Assignment, now: datetime | None = None) -> bool:
    """TIME-6 for one assignment: no reply and past 24:00 of its due date."""
    return assignment.status == rules.PENDING and rules.is_overdue(assignment.due_on, now or timezone.now())


# --- the handling flow as a unit and a filer meet it (SUGG-4/5/7, TIME-4/6) --------------------
# (kept apart from the figures above: reads for one case's pages)


def assignment_state(assignment: Assignment, case: Case) -> str:
    """The assignment's state as shown (`rules.assignment_state`: a view ended by the
    closing is not "withdrawn")."""
    return rules.assignment_state(assignment.status, case.status)


def assignment_state_label(assignment: Assignment, case: Case) -> str:
    state = assignment_state(assignment, case)
    return str(rules.ASSIGNMENT_STATE_LABELS.get(state, state))


def outstanding_views(user, case: Case) -> list[Assignment]:
    """SUGG-5: the assisting units whose view to the lead unit is still owed (any round),
    oldest due first, for the lead unit deciding when to reply."""
    if not has_perm(user, kinds.get(case.kind).code("view"), case):
        return []
    return list(
        Assignment.objects.filter(case=case, role=rules.ASSISTING, status=rules.PENDING)
        .select_related("unit").order_by("due_on", "pk")
    )


def earlier_feedback(user, case: Case) -> list[Feedback]:
    """SUGG-7: the filers' ratings of the earlier rounds' replies (what a re-handling unit
    must answer), with the reply and its unit; only for those who may read the case's
    feedback (`feedback_for`)."""
    return [f for f in feedback_for(user, case) if f.round < case.round]


def rating_open(user, reply: Reply) -> bool:
    """SUGG-7: may `user` still give (or, staff, enter) a rating of `reply`? The case waits
    for ratings of this round's reply to the filer, and a filer is left to rate: the user
    themselves, or for staff any filer whose form is not entered yet. The service decides
    again."""
    case = reply.case
    if case.status != rules.REPLIED or reply.round != case.round or not reply.to_filer:
        return False
    filers = Recipient.objects.filter(case=case, is_lead=True, withdrawn_at__isnull=True)
    if role_of(user) != Role.STAFF:
        filers = filers.filter(_mine(user))
    return filers.exclude(pk__in=Feedback.objects.filter(reply=reply).values("recipient_id")).exists()


def ratings_of(user, reply: Reply) -> list[Feedback]:
    """The ratings given to `reply`, oldest first: staff and the case's units see every
    filer's, a filer their own."""
    queryset = Feedback.objects.filter(reply=reply).select_related("recipient__deputy", "recipient__user")
    if not has_perm(user, kinds.get(reply.case.kind).code("view"), reply.case):
        return []
    if role_of(user) not in (Role.STAFF, Role.UNIT_CLERK):
        queryset = queryset.filter(recipient__in=Recipient.objects.filter(_mine(user)))
    return list(queryset.order_by("rated_at", "pk"))


OVERDUE = "overdue"
DUE_TODAY = "today"
DAYS_LEFT = "left"


@dataclass(frozen=True)
class TimeLeft:
    """How long a unit has left to reply: OVERDUE (TIME-6), DUE_TODAY, or DAYS_LEFT with
    `working_days` after today up to and including the due date (TIME-4)."""

    state: str
    working_days: int = 0


def time_left(due_on: date, *, now: datetime | None = None, calendar=None) -> TimeLeft:
    """TIME-4/6: the working days left to `due_on`, counted over the working-day calendar
    (holidays and make-up working days), today not counted."""
    from core.workcalendar import selectors as workcalendar

    now = now or timezone.now()
    if time_rules.is_overdue(due_on, now):
        return TimeLeft(OVERDUE)
    today = time_rules.local_date(now)
    if due_on <= today:
        return TimeLeft(DUE_TODAY)
    calendar = calendar or workcalendar.current_calendar()
    day, count = today, 0
    while day < due_on:
        day += timedelta(days=1)
        if workcalendar.is_working_day(day, calendar=calendar):
            count += 1
    return TimeLeft(DAYS_LEFT, count)
