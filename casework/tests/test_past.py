"""Past outcomes (services.past): a case handled and closed before Datong, entered back-dated,
quietly and without a rating, with the due date the unit had then."""

from dataclasses import replace
from datetime import date

import pytest

from casework import kinds, rules, services
from casework.models import Assignment, Case, Feedback, Reply, UnitTally
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.notify.models import Notification

from .conftest import at
from .factories import DRILL

pytestmark = pytest.mark.django_db

REGISTERED = at("2026-03-31")


@pytest.fixture
def past_case(open_case):
    return lambda: open_case(title="路灯不亮", now=REGISTERED)


def record(people, case, unit, **kwargs):
    values = {"body": "已修复路灯。", "closed_at": at("2026-05-06", "16:30"), "now": at("2026-11-20")} | kwargs
    return services.record_past_outcome(by=people["staff"], case=case, unit=unit, **values)


def test_a_past_outcome_closes_the_case_back_dated_with_the_units_answer(past_case, people, units):
    case = record(people, past_case(), units[0], reply_class="A")
    case.refresh_from_db()
    assert case.status == rules.CLOSED
    assert (case.assigned_at, case.replied_at, case.closed_at) == (REGISTERED, at("2026-05-06", "16:30"),
                                                                   at("2026-05-06", "16:30"))
    row = Assignment.objects.get(case=case)
    # SUGG-3 of the drill kind from the day it was registered: 2026-03-31 → 2026-06-30.
    assert (row.unit, row.role, row.status, row.assigned_at) == (units[0], rules.LEAD, rules.DONE, REGISTERED)
    assert (row.due_on, row.due_rule, row.replied_on) == (date(2026, 6, 30), "SUGG-3", date(2026, 5, 6))
    answer = Reply.objects.get(case=case)
    assert (answer.body, answer.reply_class, answer.submitted_by, answer.letter.name) == (
        "已修复路灯。", "A", people["staff"], "")
    assert answer.to_filer
    assert not Feedback.objects.filter(case=case).exists()  # nobody rated it, and nobody is asked to


def test_a_past_outcome_is_one_audit_entry_and_rings_no_bell(past_case, people, units):
    case = past_case()
    before = Notification.objects.count()
    record(people, case, units[0], note="2026年工单导入")
    assert Notification.objects.count() == before
    entries = AuditEntry.objects.filter(target_type="casework.case", target_id=str(case.pk))
    entry = entries.get()
    assert entry.action == f"{DRILL}.record_past" and entry.actor_id == people["staff"].pk
    assert (entry.before["status"], entry.after["status"]) == (rules.REGISTERED, rules.CLOSED)
    assert entry.data["past"] is True and entry.data["unit"] == units[0].pk
    assert entry.data["on_time"] is True and entry.data["note"] == "2026年工单导入"


def test_the_units_figures_count_a_late_past_answer_as_late(past_case, people, units):
    """TIME-3: answered after its due date then, it is late in the unit's figures now."""
    record(people, past_case(), units[0], closed_at=at("2026-07-02"))
    record(people, past_case(), units[0])
    tally = UnitTally.objects.get(kind=DRILL, unit=units[0])
    assert (tally.assignments, tally.open, tally.replied, tally.replied_on_time) == (2, 0, 2, 1)


def test_a_past_case_is_never_flagged_overdue(past_case, people, units):
    case = record(people, past_case(), units[0], closed_at=at("2026-07-02"))
    assert services.flag_overdue(now=at("2026-11-20")) == 0  # TIME-6: replied, so never overdue
    assert Assignment.objects.get(case=case).status == rules.DONE
    assert not Notification.objects.exists()


def test_a_dissolved_unit_still_handled_what_it_handled(past_case, people, units):
    units[0].is_active = False
    units[0].save(update_fields=["is_active"])
    case = record(people, past_case(), units[0])
    assert Assignment.objects.get(case=case).unit == units[0]


@pytest.mark.parametrize(("kwargs", "fields"), [
    ({"closed_at": at("2026-03-30")}, {"closed_at"}),
    ({"closed_at": at("2026-11-21")}, {"closed_at"}),
    ({"closed_at": None, "body": "  "}, {"closed_at", "body"}),
    ({"reply_class": "Z"}, {"reply_class"}),
    ({"unit": None}, {"unit"}),
])
def test_an_incomplete_past_outcome_is_refused_and_writes_nothing(past_case, people, units, kwargs, fields):
    case = past_case()
    unit = kwargs.pop("unit", units[0])
    with pytest.raises(ValidationFailed) as refused:
        record(people, case, unit, **kwargs)
    assert set(refused.value.details) == fields
    case.refresh_from_db()
    assert case.status == rules.REGISTERED
    assert not Assignment.objects.filter(case=case).exists() and not Reply.objects.exists()


def test_a_unit_of_another_city_is_refused(past_case, people):
    from core.organisation.tests.factories import CongressFactory, HandlingUnitFactory

    elsewhere = CongressFactory(name="另一市人民代表大会", region_name="另一市", region_code="999800")
    with pytest.raises(ValidationFailed) as refused:
        record(people, past_case(), HandlingUnitFactory(congress=elsewhere))
    assert set(refused.value.details) == {"unit"}


def test_only_a_case_waiting_to_be_assigned_takes_a_past_outcome(past_case, people, units):
    case = past_case()
    services.assign_case(by=people["staff"], case=case, lead=units[1], now=at("2026-04-01"))
    with pytest.raises(InvalidTransition):
        record(people, case, units[0])
    assert Case.objects.get(pk=case.pk).status == rules.ASSIGNED


@pytest.mark.parametrize("who", ["clerks", "filer", "deputy", "administrator"])
def test_only_staff_record_a_past_outcome(past_case, people, units, who):
    actor = people[who][0] if who == "clerks" else people[who]
    case = past_case()
    with pytest.raises(NotAllowed):
        services.record_past_outcome(by=actor, case=case, unit=units[0], body="已办。", closed_at=at("2026-05-06"))
    assert Case.objects.get(pk=case.pk).status == rules.REGISTERED


def test_a_kind_that_takes_no_past_outcomes_refuses_them(past_case, people, units, monkeypatch):
    """A deputy's suggestion is answered by a signed letter the deputy rates: its kind does not
    allow past outcomes (CaseKind.past_outcomes defaults to False)."""
    monkeypatch.setitem(kinds._KINDS, DRILL, replace(kinds.get(DRILL), past_outcomes=False))
    case = past_case()
    with pytest.raises(InvalidTransition) as refused:
        record(people, case, units[0])
    assert refused.value.details == {"kind": DRILL}
    assert Case.objects.get(pk=case.pk).status == rules.REGISTERED


def test_within_deferred_tallies_the_units_figures_move_once_at_the_end(past_case, people, units):
    """An import records thousands of past outcomes in one transaction: the units' tally rows
    are updated (and locked) once, at its end, with the same result."""
    from django.db import transaction

    with transaction.atomic(), services.deferred_tallies():
        record(people, past_case(), units[0])
        record(people, past_case(), units[0], closed_at=at("2026-07-02"))
        record(people, past_case(), units[1])
        assert not UnitTally.objects.exists()  # nothing locked yet
    tallies = {t.unit_id: (t.assignments, t.open, t.replied, t.replied_on_time) for t in UnitTally.objects.all()}
    assert tallies == {units[0].pk: (2, 0, 2, 1), units[1].pk: (1, 0, 1, 1)}


def test_a_past_outcome_rolled_back_inside_deferred_tallies_is_not_counted(past_case, people, units):
    from django.db import transaction

    with transaction.atomic(), services.deferred_tallies():
        record(people, past_case(), units[0])
        try:
            with transaction.atomic():
                record(people, past_case(), units[1])
                raise RuntimeError("the caller gave up on this one")
        except RuntimeError:
            pass
    tallies = {t.unit_id: (t.assignments, t.replied) for t in UnitTally.objects.all()}
    assert tallies == {units[0].pk: (1, 1)}
