"""casework.selectors: each user sees only their cases; the desks count what is due and late."""

from datetime import date

import pytest

from casework import rules, selectors, services
from casework.models import Assignment
from core.errors import NotFound

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(open_case, people, units):
    """Three cases: A (unit 0 leads, unit 1 assists), B (unit 2 leads; other filer), C (registered)."""
    a = open_case(title="甲")
    services.assign_case(by=people["staff"], case=a, lead=units[0], assisting=[units[1]], now=at("2026-03-31"))
    b = open_case(title="乙", filers=[people["other_filer"]])
    services.assign_case(by=people["staff"], case=b, lead=units[2], now=at("2026-04-15"))
    c = open_case(title="丙")
    return a, b, c


def test_staff_see_every_case(cases, people):
    assert set(selectors.cases_for(people["staff"])) == set(cases)


def test_a_clerk_sees_only_cases_assigned_to_their_unit(cases, people):
    a, b, _c = cases
    assert list(selectors.cases_for(people["clerks"][0])) == [a]
    assert list(selectors.cases_for(people["clerks"][1])) == [a]
    assert list(selectors.cases_for(people["clerks"][2])) == [b]
    assert list(selectors.cases_for(people["clerks"][3])) == []


def test_a_filer_sees_only_what_they_are_owed_a_reply_on(cases, people):
    a, b, c = cases
    assert set(selectors.cases_for(people["filer"])) == {a, c}
    assert list(selectors.cases_for(people["other_filer"])) == [b]
    for who in ("outsider", "administrator", "public", "deputy"):
        assert list(selectors.cases_for(people[who])) == []


def test_one_case_is_not_found_for_someone_who_may_not_see_it(cases, people):
    a, b, _c = cases
    assert selectors.case_for(people["clerks"][2], b.pk) == b
    with pytest.raises(NotFound):
        selectors.case_for(people["clerks"][2], a.pk)
    with pytest.raises(NotFound):
        selectors.case_for(people["outsider"], a.pk)
    with pytest.raises(NotFound):
        selectors.case_for(people["staff"], 999_999)


def test_filters(cases, people):
    a, b, c = cases
    staff = people["staff"]
    assert list(selectors.cases_for(staff, status=rules.REGISTERED)) == [c]
    assert list(selectors.cases_for(staff, unit=people["clerks"][2].handling_unit_id)) == [b]
    assert set(selectors.cases_for(staff, overdue=True, now=at("2026-05-01"))) == {a}  # assisting view late
    assert list(selectors.cases_for(staff, q="乙")) == [b]
    services.supervise_case(by=staff, case=b)
    assert list(selectors.cases_for(staff, key_supervised=True)) == [b]


def test_time_6_late_by_unit_for_staff_and_own_unit_for_a_clerk(cases, people, units):
    rows = selectors.late_by_unit(people["staff"], now=at("2026-07-20"))
    assert [(r.unit_id, r.overdue, r.oldest_due_on) for r in rows] == [
        (units[1].pk, 1, date(2026, 4, 30)),
        (units[0].pk, 1, date(2026, 6, 30)),
        (units[2].pk, 1, date(2026, 7, 15)),
    ]
    mine = selectors.late_by_unit(people["clerks"][2], now=at("2026-07-20"))
    assert [r.unit_id for r in mine] == [units[2].pk]
    assert selectors.late_by_unit(people["filer"], now=at("2026-07-20")) == []


def test_unit_counts_and_due_soon(cases, people, units):
    a, _b, _c = cases
    lead = Assignment.objects.get(case=a, role=rules.LEAD)
    services.submit_reply(by=people["clerks"][0], assignment=lead, body="已办", reply_class="A",
                          letter=pdf(), signed_by="局长", now=at("2026-06-01"))
    counts = {c.unit_id: c for c in selectors.unit_counts(people["staff"], now=at("2026-07-10"))}
    assert (counts[units[0].pk].replied, counts[units[0].pk].replied_on_time) == (1, 1)
    assert counts[units[2].pk].due_soon == 1  # due 2026-07-15
    assert counts[units[1].pk].pending == 0  # the case is replied: the assisting view is moot
    soon = selectors.due_soon(people["clerks"][2], now=at("2026-07-10"))
    assert [s.unit_id for s in soon] == [units[2].pk]
    assert list(selectors.due_soon(people["clerks"][0], now=at("2026-07-10"))) == []


def test_a_filer_reads_replies_addressed_to_them_not_the_assisting_view(cases, people):
    a, _b, _c = cases
    assisting = Assignment.objects.get(case=a, role=rules.ASSISTING)
    lead = Assignment.objects.get(case=a, role=rules.LEAD)
    services.submit_reply(by=people["clerks"][1], assignment=assisting, body="会办意见", now=at("2026-04-20"))
    answer = services.submit_reply(by=people["clerks"][0], assignment=lead, body="已办", reply_class="A",
                                   letter=pdf(), signed_by="局长", now=at("2026-06-01"))
    assert selectors.replies_for(people["filer"], a) == [answer]
    assert len(selectors.replies_for(people["clerks"][0], a)) == 2
    assert selectors.replies_for(people["outsider"], a) == []
    assert list(selectors.awaiting_my_rating(people["filer"])) == [answer]
    services.rate_reply(by=people["filer"], reply=answer, satisfaction="satisfied")
    assert list(selectors.awaiting_my_rating(people["filer"])) == []
    assert selectors.satisfaction_by_unit(people["staff"]) == {lead.unit_id: {"satisfied": 1}}
    assert selectors.satisfaction_by_unit(people["clerks"][2]) == {}


def test_unit_statistics_count_without_names(cases, people, units):
    from casework.models import Case

    stats = {s.unit_id: s for s in selectors.unit_statistics(Case.objects.all(), now=at("2026-07-20"))}
    assert (stats[units[0].pk].lead, stats[units[1].pk].assisting) == (1, 1)
    assert stats[units[2].pk].overdue == 1
