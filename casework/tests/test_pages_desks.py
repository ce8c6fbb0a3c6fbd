"""Casework's desks, across kinds: what a unit owes (overdue first, its own unit only), what
is late by unit and satisfaction by unit (staff), each filtered, sorted, paged and exported
to xlsx; and who may open them."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from casework import services
from core.accounts.roles import Role

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(response) -> list:
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


@pytest.fixture
def desk(open_case, people, units):
    """A (unit 0 leads, unit 1 assists, assigned 2026-03-31: overdue now), B (unit 0 leads,
    assigned recently), C (unit 2 leads, replied and rated dissatisfied, then satisfied)."""
    a = open_case(title="甲：逾期")
    services.assign_case(by=people["staff"], case=a, lead=units[0], assisting=[units[1]], now=at("2026-03-31"))
    b = open_case(title="乙：未到期")
    services.assign_case(by=people["staff"], case=b, lead=units[0])
    services.supervise_case(by=people["staff"], case=b)
    c = open_case(title="丙：已答复")
    services.assign_case(by=people["staff"], case=c, lead=units[2])
    assignment = c.assignments.get()
    reply = services.submit_reply(by=people["clerks"][2], assignment=assignment, body="已办理", reply_class="A",
                                  letter=pdf(), signed_by="局长")
    services.rate_reply(by=people["filer"], reply=reply, satisfaction="dissatisfied", comment="没有解决")
    return {"a": a, "b": b, "c": c}


def titles(client, **query) -> list[str]:
    response = client.get(reverse("casework:assignment-list"), query)
    assert response.status_code == 200
    return [row.case.title for row in response.context["page"].object_list]


def test_a_clerk_sees_what_their_unit_owes_overdue_first(desk, people):
    assert titles(signed_in(people["clerks"][0])) == ["甲：逾期", "乙：未到期"]
    assert titles(signed_in(people["clerks"][1])) == ["甲：逾期"]
    assert titles(signed_in(people["clerks"][3])) == []


def test_a_clerk_cannot_look_at_another_units_work(desk, people, units):
    assert titles(signed_in(people["clerks"][1]), unit=units[0].pk) == ["甲：逾期"]


def test_staff_filter_by_unit_overdue_supervision_and_state(desk, people, units):
    staff = signed_in(people["staff"])
    assert titles(staff, unit=units[0].pk) == ["甲：逾期", "乙：未到期"]
    assert titles(staff, overdue="yes") == ["甲：逾期", "甲：逾期"]  # the lead and the assisting unit
    assert titles(staff, key_supervised="yes") == ["乙：未到期"]
    assert titles(staff, state="replied") == ["丙：已答复"]
    assert titles(staff, q="乙") == ["乙：未到期"]
    assert titles(staff, unit=units[0].pk, sort="-due") == ["乙：未到期", "甲：逾期"]


def test_the_export_holds_the_filtered_assignments(desk, people):
    response = signed_in(people["clerks"][0]).get(reverse("casework:assignment-export"), {"overdue": "yes"})
    rows = rows_of(response)
    assert rows[0][0] == "Case"
    assert [(r[0], r[9]) for r in rows[1:]] == [("甲：逾期", "Yes")]


def test_late_by_unit_counts_and_exports(desk, people, units):
    staff = signed_in(people["staff"])
    page = staff.get(reverse("casework:late-by-unit"))
    names = [row.unit_name for row in page.context["page"].object_list]
    assert set(names) == {units[0].name, units[1].name}
    assert 'data-chart-url="/api/casework/charts/late-by-unit?kind="' in page.content.decode()
    rows = rows_of(staff.get(reverse("casework:late-by-unit-export"), {"q": units[1].name}))
    assert rows[1][:2] == [units[1].name, 1]


def test_sugg_7_satisfaction_by_unit_counts_each_rating(desk, people, units):
    staff = signed_in(people["staff"])
    page = staff.get(reverse("casework:satisfaction-by-unit"))
    [row] = page.context["page"].object_list
    assert (row.unit_name, row.counts, row.satisfied_percent) == (units[2].name, {"dissatisfied": 1}, 0)
    rows = rows_of(staff.get(reverse("casework:satisfaction-by-unit-export")))
    assert rows[0][:4] == ["Handling unit", "Satisfied", "Basically satisfied", "Dissatisfied"]
    assert rows[1][:4] == [units[2].name, 0, 0, 1]


def test_filtering_with_htmx_returns_only_the_results(desk, people):
    response = signed_in(people["staff"]).get(reverse("casework:assignment-list"), {"overdue": "yes"},
                                              headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="results">')


@pytest.mark.parametrize("name", ["assignment-list", "assignment-export"])
@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR])
def test_what_is_due_is_refused_to_roles_without_a_unit_or_office(client_for, name, role):
    assert client_for(role).get(reverse(f"casework:{name}")).status_code == 403


@pytest.mark.parametrize("name", ["late-by-unit", "late-by-unit-export", "satisfaction-by-unit",
                                  "satisfaction-by-unit-export"])
@pytest.mark.parametrize("role", [Role.UNIT_CLERK, Role.DEPUTY, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR])
def test_the_oversight_pages_are_for_staff_only(client_for, name, role):
    assert client_for(role).get(reverse(f"casework:{name}")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("casework:assignment-list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_clerk_home_shows_what_is_overdue_and_not_what_is_months_away(desk, people):
    html = signed_in(people["clerks"][0]).get("/").content.decode()
    assert "甲：逾期" in html and "case-overdue" in html
    assert "乙：未到期" not in html
