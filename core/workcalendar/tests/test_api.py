"""/api/calendar: holidays (list, add, change, remove, import), years, deadline."""

from __future__ import annotations

import json
from datetime import date

import pytest

from core.accounts.roles import Role
from core.workcalendar import services
from core.workcalendar.models import CalendarYear, Holiday

from .conftest import xlsx_upload

pytestmark = pytest.mark.django_db

D = date.fromisoformat
API = "/api/calendar"


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_deadline_months(client_for):
    response = client_for(Role.DEPUTY).get(f"{API}/deadline", {"from": "2026-07-01", "months": "3"})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-08", "provisional": False}


def test_deadline_days_and_working_days(client_for):
    client = client_for(Role.UNIT_CLERK)
    assert client.get(f"{API}/deadline", {"from": "2026-03-02", "days": "60"}).json()["date"] == "2026-05-06"
    assert client.get(f"{API}/deadline", {"from": "2026-02-12", "working_days": "5"}).json() == {
        "date": "2026-02-26",
        "provisional": False,
    }


def test_deadline_provisional(client_for):
    response = client_for(Role.STAFF).get(f"{API}/deadline", {"from": "2026-12-15", "months": "1"})
    assert response.json() == {"date": "2027-01-15", "provisional": True}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-02-30", "months": "3"}, "from"),
        ({"months": "3"}, "from"),
        ({"from": "2026-07-01", "months": "-1"}, "months"),
        ({"from": "2026-07-01", "working_days": "x"}, "working_days"),
        ({"from": "2026-07-01"}, "unit"),
        ({"from": "2026-07-01", "months": "1", "days": "2"}, "unit"),
    ],
)
def test_deadline_bad_input_is_422_with_reasons(client_for, query, field):
    response = client_for(Role.STAFF).get(f"{API}/deadline", query)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["details"] and body["details"][field]


def test_holidays_list_is_paginated_and_filtered(client_for, users):
    for day in ("2026-04-20", "2027-01-01", "2027-02-06"):
        services.holiday_add(by=users[Role.STAFF], date=D(day), kind="holiday", name="测试假日")
    client = client_for(Role.DEPUTY)
    everything = client.get(f"{API}/holidays", {"page_size": 2}).json()
    assert everything["count"] == 3 and len(everything["items"]) == 2
    assert everything["items"][0]["date"] == "2026-04-20"
    only_2027 = client.get(f"{API}/holidays", {"year": 2027}).json()
    assert [h["date"] for h in only_2027["items"]] == ["2027-01-01", "2027-02-06"]


def test_staff_add_change_and_delete_holidays(client_for):
    client = client_for(Role.STAFF)
    created = post_json(client, f"{API}/holidays", {"date": "2027-01-02", "kind": "workday", "name": "调休"})
    assert created.status_code == 201
    holiday_id = created.json()["id"]
    changed = client.put(
        f"{API}/holidays/{holiday_id}",
        json.dumps({"date": "2027-01-03", "kind": "holiday", "name": "元旦"}),
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["date"] == "2027-01-03"
    deleted = client.delete(f"{API}/holidays/{holiday_id}")
    assert deleted.status_code == 204
    assert not Holiday.objects.exists()
    assert client.delete(f"{API}/holidays/{holiday_id}").status_code == 404


def test_bad_holiday_is_422(client_for):
    client = client_for(Role.STAFF)
    response = post_json(client, f"{API}/holidays", {"date": "2027-02-30", "kind": "nap"})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"date", "kind"}
    post_json(client, f"{API}/holidays", {"date": "2027-01-02", "kind": "holiday", "name": "测试假日"})
    duplicate = post_json(
        client, f"{API}/holidays", {"date": "2027-01-02", "kind": "holiday", "name": "测试假日"}
    )
    assert duplicate.status_code == 422 and "date" in duplicate.json()["details"]


def test_year_status_and_completion(client_for):
    client = client_for(Role.STAFF)
    assert client.get(f"{API}/years/2027").json() == {
        "year": 2027,
        "source": "provisional",
        "is_complete": False,
        "provisional": True,
    }
    assert client.get(f"{API}/years/2026").json()["source"] == "library"
    done = client.put(f"{API}/years/2027", json.dumps({"is_complete": True}), content_type="application/json")
    assert done.status_code == 200 and done.json()["provisional"] is False
    assert client.get(f"{API}/deadline", {"from": "2026-12-15", "months": "1"}).json()["provisional"] is False
    assert client.get(f"{API}/years/99").status_code == 422


def test_import_through_the_api(client_for):
    client = client_for(Role.STAFF)
    good = client.post(f"{API}/holidays/import", {"file": xlsx_upload([("2027-01-01", "holiday", "元旦")])})
    assert good.status_code == 200
    assert good.json() == {"created": 1, "updated": 0, "unchanged": 0, "years": [2027]}
    bad = client.post(f"{API}/holidays/import", {"file": xlsx_upload([("2027-01-01", "x", "元旦")])})
    assert bad.status_code == 422 and list(bad.json()["details"]) == ["row 2"]


WRITES = [
    ("post", "/holidays", {"date": "2027-01-02", "kind": "holiday", "name": "测试假日"}),
    ("put", "/years/2027", {"is_complete": True}),
    ("delete", "/holidays/{id}", None),
    ("put", "/holidays/{id}", {"date": "2027-01-05", "kind": "holiday", "name": "测试假日"}),
]


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC, None])
@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_calendar_edit_refused_in_the_api(client_for, users, role, method, path, body):
    row = services.holiday_add(by=users[Role.STAFF], date=D("2027-03-01"), kind="holiday", name="测试假日")
    client = client_for(role)
    url = API + path.format(id=row.pk)
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    assert response.status_code == (401 if role is None else 403)
    assert list(Holiday.objects.values_list("date", flat=True)) == [D("2027-03-01")]
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC, None])
def test_import_refused_in_the_api(client_for, role):
    response = client_for(role).post(
        f"{API}/holidays/import", {"file": xlsx_upload([("2027-01-01", "holiday", "元旦")])}
    )
    assert response.status_code == (401 if role is None else 403)
    assert not Holiday.objects.exists()


def test_anonymous_cannot_read(client_for):
    assert client_for(None).get(f"{API}/deadline", {"from": "2026-07-01", "months": "3"}).status_code == 401
    assert client_for(None).get(f"{API}/holidays").status_code == 401
