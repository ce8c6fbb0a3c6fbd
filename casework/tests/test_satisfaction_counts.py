"""SUGG-7 / SUGG-8: which ratings count in the satisfaction figures. One selector
(`casework.selectors.satisfaction_counts`) feeds the oversight page, its xlsx export and
the handling report, so they agree: in each case, each unit's final rating (the rating of
the reply that stands), never the rating a re-handling answered as well."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from casework import rules, selectors, services
from casework.models import Assignment, Case

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


def _reply(people, assignment, day):
    clerk = next(c for c in people["clerks"] if c.handling_unit_id == assignment.unit_id)
    return services.submit_reply(
        by=clerk,
        assignment=assignment,
        body="已办理",
        reply_class="A",
        letter=pdf(),
        signed_by="局长",
        now=at(day),
    )


@pytest.fixture
def rehandled(open_case, people, units):
    """Unit 0 replied, the filer was dissatisfied (SUGG-7: re-handling), unit 0 replied
    again and the filer is satisfied with the new reply."""
    case = open_case(title="丁：重新办理")
    services.assign_case(by=people["staff"], case=case, lead=units[0], now=at("2026-03-31"))
    first = _reply(people, Assignment.objects.get(case=case, round=1), "2026-05-10")
    services.rate_reply(
        by=people["filer"], reply=first, satisfaction="dissatisfied", comment="没有解决", now=at("2026-05-12")
    )
    case.refresh_from_db()
    assert (case.status, case.round) == (rules.REHANDLING, 2)
    return case


def test_sugg_7_while_the_unit_re_handles_its_dissatisfied_rating_counts(rehandled, people, units):
    assert selectors.satisfaction_by_unit(people["staff"]) == {units[0].pk: {"dissatisfied": 1}}


def test_sugg_7_after_re_handling_only_the_final_rating_counts(rehandled, people, units):
    second = _reply(people, Assignment.objects.get(case=rehandled, round=2), "2026-06-01")
    services.rate_reply(by=people["filer"], reply=second, satisfaction="satisfied", now=at("2026-06-03"))
    expected = {units[0].pk: {"satisfied": 1}}
    assert selectors.satisfaction_by_unit(people["staff"]) == expected
    assert selectors.satisfaction_by_unit(people["clerks"][0]) == expected
    assert selectors.satisfaction_counts(Case.objects.all()) == expected
    [stats] = [s for s in selectors.unit_statistics(Case.objects.all()) if s.unit_id == units[0].pk]
    assert stats.satisfaction == {"satisfied": 1}


def test_sugg_7_the_satisfaction_page_and_its_export_count_the_case_once(rehandled, people, units):
    """What the tester saw: 满意 1, 不满意 1, 50 % for one suggestion re-handled and then
    rated satisfied. Now: satisfied 1, 100 %, as in the handling report."""
    second = _reply(people, Assignment.objects.get(case=rehandled, round=2), "2026-06-01")
    services.rate_reply(by=people["filer"], reply=second, satisfaction="satisfied", now=at("2026-06-03"))
    client = Client()
    client.force_login(people["staff"])
    [row] = client.get(reverse("casework:satisfaction-by-unit")).context["page"].object_list
    assert (row.unit_name, row.counts, row.satisfied_percent) == (units[0].name, {"satisfied": 1}, 100)
    response = client.get(reverse("casework:satisfaction-by-unit-export"))
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[1][:4] == [units[0].name, 1, 0, 0]
