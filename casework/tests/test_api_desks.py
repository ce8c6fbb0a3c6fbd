"""/api/casework: the desks' lists and the staff's charts, scoped and refused like the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from casework import services
from core.accounts.roles import Role

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk(open_case, people, units):
    a = open_case(title="甲")
    services.assign_case(by=people["staff"], case=a, lead=units[0], now=at("2026-03-31"))
    b = open_case(title="乙")
    services.assign_case(by=people["staff"], case=b, lead=units[1])
    reply = services.submit_reply(by=people["clerks"][1], assignment=b.assignments.get(), body="已办理",
                                  reply_class="A", letter=pdf(), signed_by="局长")
    services.rate_reply(by=people["filer"], reply=reply, satisfaction="satisfied")
    return a, b


def test_a_clerk_lists_only_their_units_assignments(desk, people):
    body = signed_in(people["clerks"][0]).get("/api/casework/assignments?state=all").json()
    assert body["count"] == 1
    [row] = body["items"]
    assert (row["case_title"], row["is_overdue"], row["due_on"]) == ("甲", True, "2026-06-30")


def test_staff_list_every_unit_and_filter(desk, people, units):
    staff = signed_in(people["staff"])
    assert staff.get("/api/casework/assignments?state=all").json()["count"] == 2
    only = staff.get(f"/api/casework/assignments?state=replied&unit={units[1].pk}").json()["items"]
    assert [r["case_title"] for r in only] == ["乙"]


def test_unit_counts_for_a_clerk(desk, people):
    [row] = signed_in(people["clerks"][0]).get("/api/casework/unit-counts").json()
    assert (row["pending"], row["overdue"]) == (1, 1)


def test_late_by_unit_and_its_chart(desk, people, units):
    staff = signed_in(people["staff"])
    [row] = staff.get("/api/casework/late-by-unit").json()
    assert (row["unit_name"], row["overdue"]) == (units[0].name, 1)
    chart = staff.get("/api/casework/charts/late-by-unit").json()
    assert chart["yAxis"]["data"] == [units[0].name]
    assert chart["series"][0]["data"] == [1]


def test_sugg_7_satisfaction_by_unit_and_its_stacked_chart(desk, people, units):
    staff = signed_in(people["staff"])
    [row] = staff.get("/api/casework/satisfaction-by-unit").json()
    assert (row["unit_name"], row["counts"], row["satisfied_percent"]) == (units[1].name, {"satisfied": 1}, 100)
    chart = staff.get("/api/casework/charts/satisfaction-by-unit").json()
    assert [s["name"] for s in chart["series"]] == ["Satisfied", "Basically satisfied", "Dissatisfied"]
    assert [s["data"] for s in chart["series"]] == [[1], [0], [0]]


@pytest.mark.parametrize("path", ["/api/casework/late-by-unit", "/api/casework/satisfaction-by-unit",
                                  "/api/casework/charts/late-by-unit", "/api/casework/charts/satisfaction-by-unit"])
@pytest.mark.parametrize("role", [Role.UNIT_CLERK, Role.DEPUTY, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR])
def test_oversight_is_refused_to_everyone_but_staff(client_for, path, role):
    response = client_for(role).get(path)
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR])
def test_assignments_are_refused_to_roles_without_a_unit_or_office(client_for, role):
    assert client_for(role).get("/api/casework/assignments").status_code == 403


def test_anonymous_callers_are_asked_to_sign_in(client):
    assert client.get("/api/casework/assignments").status_code == 401


def test_the_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/casework/assignments", "/api/casework/unit-counts", "/api/casework/late-by-unit",
                 "/api/casework/satisfaction-by-unit", "/api/casework/charts/late-by-unit",
                 "/api/casework/charts/satisfaction-by-unit"):
        assert paths[path]["get"]["x-permission"].startswith("casework.")
