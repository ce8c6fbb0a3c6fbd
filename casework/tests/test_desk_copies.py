"""Issue 3: the desks read each assignment's copies of its case (`kind`, `is_open`,
`is_key_supervised`) and the units' running counts (`UnitTally`). Every service keeps them
in the same transaction as its change, and the desks give exactly the answers they gave
when they joined the case (the reference queries below are the selectors as they were)."""

from __future__ import annotations

import datetime
import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import BooleanField, Count, F, IntegerField, Min, Q, Value, When
from django.db.models import Case as CaseWhen
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from casework import desk_selectors, rules, selectors, services
from casework.models import Assignment, Case, Recipient, Reply, UnitTally
from casework.services.derived import drift
from core.accounts.roles import Role
from core.errors import DatongError
from core.workcalendar.rules import local_date

from .conftest import at, pdf
from .factories import DRILL

pytestmark = pytest.mark.django_db

MARCH_31 = at("2026-03-31")
MOMENTS = [at(day) for day in ("2026-04-01", "2026-05-01", "2026-06-29", "2026-07-01", "2026-08-10", "2027-01-05")]


# --- the selectors as they were (joining the case) ----------------------------------------------

HANDLING = Q(status=rules.PENDING, case__status__in=rules.HANDLING_STATES)
#: What a dissatisfied filer found unsatisfactory (SUGG-7: required with the rating).
WHY = "答复没有说明何时解决。"


def _old_scope(user, kind):
    queryset = Assignment.objects.filter(HANDLING)
    if kind:
        queryset = queryset.filter(case__kind=kind)
    if user.role == Role.STAFF:
        return queryset
    if user.role == Role.UNIT_CLERK and user.handling_unit_id:
        return queryset.filter(unit_id=user.handling_unit_id)
    return queryset.none()


def old_overdue(user, kind, now):
    today = local_date(now)
    return list(_old_scope(user, kind).filter(due_on__lt=today).order_by("due_on", "pk").values_list("pk", flat=True))


def old_due_soon(user, kind, now, days=rules.DEFAULT_REMIND_BEFORE_DAYS):
    today = local_date(now)
    rows = _old_scope(user, kind).filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))
    return list(rows.order_by("due_on", "pk").values_list("pk", flat=True))


def old_late_by_unit(user, kind, now):
    today = local_date(now)
    rows = (
        _old_scope(user, kind).filter(due_on__lt=today).values("unit_id", "unit__name")
        .annotate(overdue=Count("pk"), oldest=Min("due_on"),
                  key_supervised=Count("pk", filter=Q(case__is_key_supervised=True)))
        .order_by("-overdue", "oldest", "unit__name")
    )
    return [selectors.LateRow(r["unit_id"], r["unit__name"], r["overdue"], r["oldest"], r["key_supervised"])
            for r in rows]


def old_unit_counts(user, kind, now, days=rules.DEFAULT_REMIND_BEFORE_DAYS):
    today = local_date(now)
    queryset = Assignment.objects.exclude(status=rules.CANCELLED)
    if kind:
        queryset = queryset.filter(case__kind=kind)
    if user.role == Role.UNIT_CLERK and user.handling_unit_id:
        queryset = queryset.filter(unit_id=user.handling_unit_id)
    elif user.role != Role.STAFF:
        return []
    rows = (
        queryset.values("unit_id", "unit__name")
        .annotate(
            pending=Count("pk", filter=HANDLING),
            due_soon=Count("pk", filter=HANDLING & Q(due_on__gte=today, due_on__lte=today + timedelta(days=days))),
            overdue=Count("pk", filter=HANDLING & Q(due_on__lt=today)),
            replied=Count("pk", filter=Q(status=rules.DONE)),
            replied_on_time=Count("pk", filter=Q(status=rules.DONE, replied_on__lte=F("due_on"))),
        )
        .order_by("unit__name")
    )
    return [selectors.UnitCounts(r["unit_id"], r["unit__name"], r["pending"], r["due_soon"], r["overdue"],
                                 r["replied"], r["replied_on_time"]) for r in rows]


def old_assignment_rows(user, *, kind="", unit=None, state="pending", overdue=None, key_supervised=None,
                        sort="due", now=None):
    today = local_date(now)
    queryset = Assignment.objects.all()
    if user.role == Role.UNIT_CLERK:
        queryset = queryset.filter(unit_id=user.handling_unit_id)
    queryset = queryset.annotate(
        is_late=CaseWhen(When(HANDLING & Q(due_on__lt=today), then=Value(True)), default=Value(False),
                      output_field=BooleanField()),
        open_rank=CaseWhen(When(HANDLING, then=Value(0)), default=Value(1), output_field=IntegerField()),
    )
    if kind:
        queryset = queryset.filter(case__kind=kind)
    if unit:
        queryset = queryset.filter(unit_id=unit)
    if state == "pending":
        queryset = queryset.filter(HANDLING)
    elif state == "replied":
        queryset = queryset.filter(status=rules.DONE)
    if overdue is not None:
        late = HANDLING & Q(due_on__lt=today)
        queryset = queryset.filter(late) if overdue else queryset.exclude(late)
    if key_supervised is not None:
        queryset = queryset.filter(case__is_key_supervised=key_supervised)
    order = desk_selectors.ASSIGNMENT_SORTS[sort][1]
    return [(a.pk, a.is_late) for a in queryset.order_by(*order)]


def assert_desks_as_before(people, units, now):
    """Every desk read, for staff and each clerk, equals the old join's answer at `now`."""
    for user in [people["staff"], *people["clerks"]]:
        for kind in (None, DRILL, "other"):
            assert [a.pk for a in selectors.overdue_assignments(user, kind=kind, now=now)] == old_overdue(
                user, kind, now)
            assert [a.pk for a in selectors.due_soon(user, kind=kind, now=now)] == old_due_soon(user, kind, now)
            assert selectors.late_by_unit(user, kind=kind, now=now) == old_late_by_unit(user, kind, now)
            assert selectors.unit_counts(user, kind=kind, now=now) == old_unit_counts(user, kind, now)
        for state in ("pending", "replied", "all"):
            for overdue in (None, True, False):
                for supervised in (None, True, False):
                    for sort in desk_selectors.ASSIGNMENT_SORTS:
                        if sort == "title":
                            continue  # ties between assignments of one case: order by pk only
                        new = desk_selectors.assignment_rows(
                            user, state=state, overdue=overdue, key_supervised=supervised, sort=sort, now=now)
                        old = old_assignment_rows(
                            user, state=state, overdue=overdue, key_supervised=supervised, sort=sort, now=now)
                        assert [(a.pk, a.is_overdue) for a in new] == old, (state, overdue, supervised, sort)
    for outsider in ("filer", "deputy", "administrator"):
        assert selectors.unit_counts(people[outsider], now=now) == []
        assert selectors.late_by_unit(people[outsider], now=now) == []


# --- helpers ------------------------------------------------------------------------------------


def copies(case):
    """(role, round, status, is_open, is_key_supervised, kind) of each assignment."""
    return [
        (a.role, a.round, a.status, a.is_open, a.is_key_supervised, a.kind)
        for a in Assignment.objects.filter(case=case).order_by("round", "role", "pk")
    ]


def tally(unit):
    row = UnitTally.objects.filter(kind=DRILL, unit=unit).first()
    return (row.assignments, row.open, row.replied, row.replied_on_time) if row else (0, 0, 0, 0)


def lead_of(case):
    case.refresh_from_db()
    return Assignment.objects.get(case=case, round=case.round, role__in=rules.REPLYING_ROLES)


def answer(people, assignment, now, reply_class="A"):
    clerk = next(c for c in people["clerks"] if c.handling_unit_id == assignment.unit_id)
    if assignment.role == rules.ASSISTING:
        return services.submit_reply(by=clerk, assignment=assignment, body="会办意见", now=now)
    return services.submit_reply(by=clerk, assignment=assignment, body="已答复。", reply_class=reply_class,
                                 class_reason="原因", letter=pdf(), signed_by="局长", now=now)


P, D, W = rules.PENDING, rules.DONE, rules.CANCELLED


@pytest.fixture
def assigned(open_case, people, units):
    """A drill case assigned on 2026-03-31: unit 0 leads, unit 1 assists."""

    def make(**kwargs):
        case = open_case(**kwargs)
        return services.assign_case(by=people["staff"], case=case, lead=units[0], assisting=[units[1]], now=MARCH_31)

    return make


# --- each transition keeps the copies ------------------------------------------------------------


def test_assignment_copies_the_kind_and_opens_each_reply_owed(assigned, units):
    case = assigned()
    assert copies(case) == [("assisting", 1, P, True, False, DRILL), ("lead", 1, P, True, False, DRILL)]
    assert tally(units[0]) == tally(units[1]) == (1, 1, 0, 0)


def test_sugg_5_a_lead_reply_closes_the_round_and_the_pending_assisting_view_is_no_longer_open(
    assigned, people, units
):
    """In lead mode the case is `replied` once the lead unit replies: the assisting unit's
    view, still pending, is no longer listed as owed (as the desks always showed it)."""
    case = assigned()
    answer(people, lead_of(case), at("2026-05-10"))
    assert copies(case) == [("assisting", 1, P, False, False, DRILL), ("lead", 1, D, False, False, DRILL)]
    assert tally(units[0]) == (1, 0, 1, 1)
    assert tally(units[1]) == (1, 0, 0, 0)


def test_sugg_7_re_handling_opens_the_new_round_and_again_the_round_one_view_still_pending(
    assigned, people, units
):
    case = assigned()
    reply = answer(people, lead_of(case), at("2026-07-02"))  # late: due 2026-06-30
    services.rate_reply(by=people["filer"], reply=reply, satisfaction="dissatisfied", comment=WHY, now=at("2026-07-03"))
    assert copies(case) == [
        ("assisting", 1, P, True, False, DRILL), ("lead", 1, D, False, False, DRILL),
        ("lead", 2, P, True, False, DRILL),
    ]
    assert tally(units[0]) == (2, 1, 1, 0)
    assert tally(units[1]) == (1, 1, 0, 0)


def test_sugg_7_staff_re_handle_without_waiting_and_the_copies_follow(open_case, people, units):
    case = open_case(filers=[people["filer"], people["other_filer"]])
    services.assign_case(by=people["staff"], case=case, separate=units[:2], now=MARCH_31)
    first, second = Assignment.objects.filter(case=case).order_by("pk")
    answer(people, first, at("2026-05-10"))
    reply = answer(people, second, at("2026-05-11"))
    services.rate_reply(by=people["filer"], reply=reply, satisfaction="dissatisfied", comment=WHY, now=at("2026-05-12"))
    assert all(not row[3] for row in copies(case))
    services.rehandle_case(by=people["staff"], case=case, now=at("2026-05-13"))
    assert [row[:4] for row in copies(case)] == [
        ("separate", 1, D, False), ("separate", 1, D, False), ("separate", 2, P, True),
    ]
    assert tally(units[1]) == (2, 1, 1, 1)


def test_sugg_7_closing_withdraws_the_moot_assisting_view(assigned, people, units):
    case = assigned()
    reply = answer(people, lead_of(case), at("2026-05-10"))
    services.rate_reply(by=people["filer"], reply=reply, satisfaction="satisfied", now=at("2026-05-20"))
    assert copies(case) == [("assisting", 1, W, False, False, DRILL), ("lead", 1, D, False, False, DRILL)]
    assert tally(units[1]) == (0, 0, 0, 0)
    assert tally(units[0]) == (1, 0, 1, 1)


def test_sugg_7_staff_close_after_re_handling(assigned, people, units):
    case = assigned()
    reply = answer(people, lead_of(case), at("2026-05-10"))
    services.rate_reply(by=people["filer"], reply=reply, satisfaction="dissatisfied", comment=WHY, now=at("2026-05-20"))
    answer(people, lead_of(case), at("2026-06-01"))
    services.close_case(by=people["staff"], case=case, now=at("2026-06-02"))
    assert [row[2:4] for row in copies(case)] == [(W, False), (D, False), (D, False)]
    assert tally(units[0]) == (2, 0, 2, 2)


def test_sugg_9_supervision_is_copied_onto_every_assignment_and_taken_off_again(assigned, people):
    case = assigned()
    services.supervise_case(by=people["staff"], case=case)
    assert {row[4] for row in copies(case)} == {True}
    services.supervise_case(by=people["staff"], case=case, supervised=False)
    assert {row[4] for row in copies(case)} == {False}


def test_sugg_11_merging_withdraws_the_sources_replies_and_a_supervised_source_marks_the_target(
    assigned, open_case, people, units
):
    target = assigned()
    source = open_case(filers=[people["other_filer"]])
    services.assign_case(by=people["staff"], case=source, lead=units[2], now=MARCH_31)
    services.supervise_case(by=people["staff"], case=source)
    assert copies(source) == [("lead", 1, P, True, True, DRILL)]
    services.merge_cases(by=people["staff"], target=target, sources=[source])
    assert copies(source) == [("lead", 1, W, False, True, DRILL)]
    assert {row[4] for row in copies(target)} == {True}
    assert tally(units[2]) == (0, 0, 0, 0)


def test_sugg_10_withdrawal_withdraws_the_replies_owed(assigned, people, units):
    case = assigned()
    services.withdraw_case(by=people["filer"], case=case)
    assert [row[2:4] for row in copies(case)] == [(W, False), (W, False)]
    assert tally(units[0]) == tally(units[1]) == (0, 0, 0, 0)


def test_extension_and_recomputed_due_dates_keep_the_counts(assigned, people, units):
    case = assigned()
    services.approve_extension(by=people["staff"], assignment=lead_of(case), now=at("2026-05-01"))
    services.recompute_due_dates(years=[2026, 2027], now=at("2026-05-02"))
    services.flag_overdue(now=at("2026-05-03"))
    assert copies(case) == [("assisting", 1, P, True, False, DRILL), ("lead", 1, P, True, False, DRILL)]
    assert tally(units[0]) == (1, 1, 0, 0)


def test_a_refused_change_leaves_copies_and_counts_alone(assigned, people, units):
    case = assigned()
    with pytest.raises(DatongError):
        services.close_case(by=people["staff"], case=case)
    with pytest.raises(DatongError):
        answer(people, lead_of(case), at("2026-05-10"), reply_class="Z")
    assert tally(units[0]) == (1, 1, 0, 0)


def test_counts_are_kept_per_kind(open_case, people, units, congress):
    """A unit's tally is one per kind: the drill kind's counts are not another kind's."""
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], now=MARCH_31)
    assert list(UnitTally.objects.values_list("kind", "unit_id")) == [(DRILL, units[0].pk)]
    assert selectors.unit_counts(people["staff"], kind="other", now=MARCH_31) == []


# --- the desks answer as before -----------------------------------------------------------------


@pytest.fixture
def world(open_case, people, units):
    """Cases in every state the desks tell apart, made through the services."""
    staff = people["staff"]
    other = people["other_filer"]

    def assign(case, **kwargs):
        return services.assign_case(by=staff, case=case, now=MARCH_31, **kwargs)

    a = assign(open_case("甲"), lead=units[0], assisting=[units[1]])  # handling, assisting view late in May
    b = assign(open_case("乙"), lead=units[1], assisting=[units[2]])
    answer(people, lead_of(b), at("2026-05-10"))  # replied, assisting view pending
    c = assign(open_case("丙"), lead=units[2], assisting=[units[3]])
    services.rate_reply(by=people["filer"], reply=answer(people, lead_of(c), at("2026-07-02")),
                        satisfaction="dissatisfied", comment=WHY, now=at("2026-07-03"))  # round 2
    d = assign(open_case("丁", filers=[other]), separate=units[:3])
    separate = list(Assignment.objects.filter(case=d).order_by("pk"))
    answer(people, separate[0], at("2026-07-05"))  # late
    e = assign(open_case("戊"), lead=units[3], assisting=[units[0]])
    services.rate_reply(by=people["filer"], reply=answer(people, lead_of(e), at("2026-05-01")),
                        satisfaction="satisfied", now=at("2026-05-02"))  # closed
    f = assign(open_case("己", filers=[other]), lead=units[3])
    services.supervise_case(by=staff, case=f)
    services.merge_cases(by=staff, target=a, sources=[f])  # a is now supervised
    g = assign(open_case("庚"), separate=[units[0], units[3]])
    services.withdraw_case(by=people["filer"], case=g)
    open_case("辛")  # registered
    h = assign(open_case("壬"), lead=units[1])
    services.supervise_case(by=staff, case=h)
    services.approve_extension(by=staff, assignment=lead_of(h), now=at("2026-05-01"))
    i = services.assign_case(by=staff, case=open_case("癸"), lead=units[2], now=at("2026-06-25"))
    services.supervise_case(by=staff, case=i)
    services.supervise_case(by=staff, case=i, supervised=False)
    services.recompute_due_dates(years=[2026], now=at("2026-06-26"))
    return [a, b, c, d, e, f, g, h, i]


def test_the_desks_answer_exactly_as_when_they_joined_the_case(world, people, units):
    for now in MOMENTS:
        assert_desks_as_before(people, units, now)


def test_a_clerk_sees_only_their_units_counts(world, people, units):
    now = at("2026-07-10")
    mine = selectors.unit_counts(people["clerks"][0], now=now)
    assert [c.unit_id for c in mine] == [units[0].pk]
    everyone = {c.unit_id: c for c in selectors.unit_counts(people["staff"], now=now)}
    assert mine[0] == everyone[units[0].pk]


def test_the_data_migration_fills_the_copies_and_counts_of_existing_rows(world):
    """Rows written before the copies existed (blank kind, nothing open, no tallies) are
    filled by migration 0003 exactly as the services would have kept them."""
    Assignment.objects.update(kind="", is_open=False, is_key_supervised=False)
    UnitTally.objects.all().delete()
    assert drift()
    migration = importlib.import_module("casework.migrations.0003_fill_assignment_copies")
    migration.fill(django_apps, None)
    assert drift() == []


# --- any sequence of actions keeps them (hypothesis) ---------------------------------------------

REACHED: set[str] = set()
# "progress" takes a random case one step further (assign, reply, rate), so that runs get
# deep into the workflow rather than only refused.
ACTIONS = ["progress"] * 10 + ["open", "open", "assign", "reply", "rate", "rehandle", "close", "supervise",
                               "merge", "withdraw", "extend", "tick", "tick"]
MERGEABLE = sorted(rules.allowed_from("merge"))


class CopiesMachine(RuleBasedStateMachine):
    """Random actions on drill cases by the right people; after each, the copies and counts
    agree with the cases and the desks answer as the old joins did."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        from core.accounts.tests.factories import UserFactory
        from core.organisation.tests.factories import CongressFactory, HandlingUnitFactory

        self.congress = CongressFactory()
        self.units = [HandlingUnitFactory(congress=self.congress) for _ in range(3)]
        self.people = {
            "staff": UserFactory(role=Role.STAFF),
            "clerks": [UserFactory(role=Role.UNIT_CLERK, handling_unit=u) for u in self.units],
            "filer": UserFactory(role=Role.CITIZEN),
            "other_filer": UserFactory(role=Role.CITIZEN),
            "deputy": UserFactory(role=Role.DEPUTY),
            "administrator": UserFactory(role=Role.ADMINISTRATOR),
        }
        self.now = at("2026-03-02")

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _nth(self, queryset, n):
        rows = list(queryset.order_by("pk"))
        return rows[n % len(rows)] if rows else None

    def _try(self, call, *args, **kwargs):
        try:
            with transaction.atomic():
                return call(*args, **kwargs)
        except DatongError:
            return None

    @rule(action=st.sampled_from(ACTIONS), n=st.integers(0, 30), m=st.integers(0, 30), option=st.integers(0, 7))
    def act(self, action, n, m, option):
        staff = self.people["staff"]
        cases = Case.objects.all()
        if action == "progress":
            case = self._nth(cases, n)
            if case is None or case.status == rules.REGISTERED:
                action = "assign" if case else "open"
            elif case.status in rules.HANDLING_STATES:
                action = "reply"
                option = max(option, 1)
            elif case.status == rules.REPLIED:
                action = "rate"
            n = Case.objects.filter(status=getattr(case, "status", ""), pk__lt=getattr(case, "pk", 0)).count()
        if action == "open":
            filers = [self.people["filer"]] if option < 5 else [self.people["filer"], self.people["other_filer"]]
            services.open_case(kind=DRILL, congress=self.congress, title=f"事项{n}", now=self.now,
                               recipients=[services.RecipientSpec(user=u, is_lead=True) for u in filers])
        elif action == "assign":
            case = self._nth(cases.filter(status=rules.REGISTERED), n)
            a, b = self.units[m % 3], self.units[(m + 1) % 3]
            kwargs = [{"lead": a}, {"lead": a, "assisting": [b]}, {"separate": [a, b]}][option % 3]
            if case:
                self._try(services.assign_case, by=staff, case=case, now=self.now, **kwargs)
        elif action == "reply":
            pending = Assignment.objects.filter(status=rules.PENDING)
            row = self._nth(pending.filter(case__status__in=rules.HANDLING_STATES) if option else pending, n)
            if row:
                self._try(answer, self.people, row, self.now, reply_class="ABCD"[option % 4])
        elif action == "rate":
            reply = self._nth(Reply.objects.filter(case__status=rules.REPLIED, role__in=rules.REPLYING_ROLES), n)
            if reply:
                filers = list(Recipient.objects.filter(case=reply.case, is_lead=True, withdrawn_at__isnull=True))
                by = filers[option % len(filers)].user if filers else self.people["filer"]
                value = ["satisfied", "basically_satisfied", "dissatisfied", "dissatisfied"][m % 4]
                # The last variant gives no reason: refused (SUGG-7), nothing changes.
                comment = WHY if m % 4 == 2 else ""
                self._try(services.rate_reply, by=by, reply=reply, satisfaction=value, comment=comment, now=self.now)
        elif action in ("rehandle", "close"):
            case = self._nth(cases.filter(status=rules.REPLIED), n)
            call = services.rehandle_case if action == "rehandle" else services.close_case
            if case:
                self._try(call, by=staff, case=case, now=self.now)
        elif action == "supervise":
            case = self._nth(cases, n)
            if case:
                self._try(services.supervise_case, by=staff, case=case, supervised=option < 5, now=self.now)
        elif action == "merge":
            open_ = cases.filter(status__in=MERGEABLE) if option else cases
            target = self._nth(open_, n)
            source = self._nth(open_.exclude(pk=getattr(target, "pk", None)), m)
            if target and source:
                self._try(services.merge_cases, by=staff, target=target, sources=[source], now=self.now)
        elif action == "withdraw":
            case = self._nth(cases, n)
            if case:
                by = self.people["filer"] if option % 2 else self.people["other_filer"]
                self._try(services.withdraw_case, by=by, case=case, now=self.now)
        elif action == "extend":
            row = self._nth(Assignment.objects.filter(status=rules.PENDING), n)
            if row:
                self._try(services.approve_extension, by=staff, assignment=row, now=self.now)
        else:
            self.now += datetime.timedelta(days=n * 3)
            services.flag_overdue(now=self.now)
            services.recompute_due_dates(years=[self.now.year], now=self.now)

    @invariant()
    def reached(self):
        REACHED.update(Case.objects.values_list("status", flat=True))
        if Case.objects.filter(round=2).exists():
            REACHED.add("round 2")

    @invariant()
    def copies_agree(self):
        assert drift() == []

    @invariant()
    def desks_answer_as_before(self):
        for now in (self.now, self.now + timedelta(days=70)):
            for user in (self.people["staff"], self.people["clerks"][0]):
                assert [a.pk for a in selectors.overdue_assignments(user, now=now)] == old_overdue(user, None, now)
                assert [a.pk for a in selectors.due_soon(user, now=now)] == old_due_soon(user, None, now)
                assert selectors.late_by_unit(user, kind=DRILL, now=now) == old_late_by_unit(user, DRILL, now)
                assert selectors.unit_counts(user, now=now) == old_unit_counts(user, None, now)
                new = desk_selectors.assignment_rows(user, state="all", now=now)
                assert [(a.pk, a.is_overdue) for a in new] == old_assignment_rows(user, state="all", now=now)


def test_no_sequence_of_actions_lets_the_copies_drift():
    """Issue 3: the invariant (copies == derived from the case, tallies == counts) and the
    desks' answers hold after any sequence of casework actions."""
    run_state_machine_as_test(
        CopiesMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # A guard for the guard: the runs reached every state (derandomized, so stable).
    assert set(rules.STATES) | {"round 2"} <= REACHED

