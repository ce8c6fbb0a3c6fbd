"""/api/organisation: paginated, filtered lists; unit and deputy edits; imports answering 422
with every bad row; refusals before anything is read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.organisation import rosters
from core.organisation.models import Deputy, HandlingUnit
from core.organisation.tests import factories
from core.organisation.tests.conftest import xlsx_upload

API = "/api/organisation"
ROLES = tuple(Role.values)
VIEWERS = {Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY, Role.UNIT_CLERK}
EDITORS = {Role.STAFF, Role.ADMINISTRATOR}


@pytest.fixture
def populated(city):
    congress = city["congress"]
    top = factories.HandlingUnitFactory(congress=congress, code="U1", name="测试市人民政府")
    factories.HandlingUnitFactory(congress=congress, code="U2", name="测试市教育局", parent=top)
    for n in range(3):
        factories.DeputyFactory(delegation=city["east_delegation"], code=f"E{n}", name=f"东{n}")
    factories.DeputyFactory(delegation=city["west_delegation"], code="W1", name="西一", in_office=False,
                            left_office_on="2024-01-01")
    factories.LiaisonStationFactory(congress=congress, name="东区一站", district=city["east"])
    factories.SessionFactory(term=city["term"], number=1)
    return city


@pytest.mark.parametrize("path", ["/deputies", "/units", "/units/tree", "/delegations", "/districts", "/terms",
                                  "/sessions", "/stations", "/parameters"])
def test_list_permission_matrix(populated, client_for, path):
    for role in ROLES:
        status = client_for(role).get(API + path).status_code
        assert status == (200 if role in VIEWERS else 403), (role, status)
    assert client_for(None).get(API + path).status_code == 401


@pytest.mark.parametrize(("method", "path"), [("post", "/units"), ("patch", "/units/1"), ("post", "/deputies"),
                                              ("patch", "/deputies/1"), ("post", "/deputies/1/leave"),
                                              ("post", "/units/import"), ("post", "/deputies/import"),
                                              ("post", "/stations/import")])
def test_changes_are_refused_to_everyone_but_editors(populated, client_for, method, path):
    for role in set(ROLES) - EDITORS:
        response = getattr(client_for(role), method)(API + path, data="{}", content_type="application/json")
        assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert getattr(client_for(None), method)(API + path, data="{}", content_type="application/json").status_code == 401
    assert not AuditEntry.objects.exists()


def test_deputies_are_paginated_and_filtered(populated, client_for):
    client = client_for(Role.STAFF)
    body = client.get(f"{API}/deputies", {"page_size": 2}).json()
    assert body["count"] == 4 and len(body["items"]) == 2
    body = client.get(f"{API}/deputies", {"in_office": "true"}).json()
    assert body["count"] == 3  # SESS-4 basis
    body = client.get(f"{API}/deputies", {"delegation": populated["west_delegation"].pk}).json()
    assert [d["code"] for d in body["items"]] == ["W1"]
    assert body["items"][0]["delegation"] == "西区代表团"


def test_the_unit_tree_gives_depths(populated, client_for):
    tree = client_for(Role.UNIT_CLERK).get(f"{API}/units/tree").json()
    depths = {u["code"]: u["depth"] for u in tree if u["code"] in {"U1", "U2"}}
    assert depths == {"U1": 0, "U2": 1}


def test_parameters_are_the_effective_ones(populated, client_for):
    body = client_for(Role.DEPUTY).get(f"{API}/parameters").json()
    assert body["nomination_min_deputies"] == 20 and body["quorum_fraction"] == "2/3"


def test_a_unit_is_created_and_a_cycle_refused(populated, client_for):
    client = client_for(Role.STAFF)
    top = HandlingUnit.objects.get(code="U1")
    response = client.post(f"{API}/units", {"code": "U3", "name": "测试市卫健委", "parent_id": top.pk},
                           content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["parent_id"] == top.pk
    response = client.patch(f"{API}/units/{top.pk}", {"parent_id": created["id"]}, content_type="application/json")
    assert response.status_code == 422
    assert "parent" in response.json()["details"]
    top.refresh_from_db()
    assert top.parent is None
    response = client.patch(f"{API}/units/{created['id']}", {"short_name": "卫健委"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["short_name"] == "卫健委"
    assert response.json()["parent_id"] == top.pk  # fields not sent are left alone


def test_a_deputy_is_created_updated_and_leaves_office(populated, client_for):
    client = client_for(Role.ADMINISTRATOR)
    response = client.post(f"{API}/deputies", {"code": "N1", "name": "新人",
                                               "delegation_id": populated["east_delegation"].pk},
                           content_type="application/json")
    assert response.status_code == 201
    deputy_id = response.json()["id"]
    response = client.patch(f"{API}/deputies/{deputy_id}", {"occupation": "教师"}, content_type="application/json")
    assert response.json()["occupation"] == "教师"
    response = client.post(f"{API}/deputies/{deputy_id}/leave", {"left_office_on": "2025-03-01"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["in_office"] is False
    response = client.post(f"{API}/deputies/{deputy_id}/leave", {"left_office_on": "2025-03-02"},
                           content_type="application/json")
    assert response.status_code == 409


def test_bad_input_is_a_translated_422_and_nothing_is_written(populated, client_for):
    client = client_for(Role.STAFF)
    response = client.post(f"{API}/deputies", {"code": "N1", "name": "新人", "delegation_id": 999999},
                           content_type="application/json")
    assert response.status_code == 422 and "delegation_id" in response.json()["details"]
    response = client.post(f"{API}/deputies", {"code": "", "name": "新人"}, content_type="application/json")
    assert response.status_code == 422
    assert not Deputy.objects.filter(name="新人").exists()


def test_an_import_answers_every_bad_row_with_422(populated, client_for):
    rows = [["X1", "甲", "男", "东区代表团", "", "", "", None], ["X2", "乙", "男", "火星代表团", "", "", "", None]]
    response = client_for(Role.STAFF).post(f"{API}/deputies/import", {"file": xlsx_upload(rosters.DEPUTIES, rows)})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_rows" and list(body["details"]) == ["3"]
    assert "火星代表团" in body["details"]["3"]
    assert not Deputy.objects.filter(code="X1").exists()


def test_an_import_of_a_good_file_reports_what_it_did(populated, client_for):
    rows = [["U9", "测试市新局", "", "U1", "", "", "", ""]]
    response = client_for(Role.STAFF).post(f"{API}/units/import", {"file": xlsx_upload(rosters.UNITS, rows)})
    assert response.status_code == 200
    assert response.json() == {"kind": "units", "rows": 1, "created": 1, "updated": 0, "unchanged": 0}


def test_an_import_refuses_a_wrong_or_oversized_file_before_reading(populated, client_for, settings):
    client = client_for(Role.STAFF)
    response = client.post(f"{API}/stations/import", {"file": SimpleUploadedFile("s.xlsx", b"plain text")})
    assert response.status_code == 422 and response.json()["code"] == "upload_rejected"
    settings.DATONG_UPLOAD_MAX_BYTES = 100
    rows = [["新站", "", "", "", ""]]
    response = client.post(f"{API}/stations/import", {"file": xlsx_upload(rosters.STATIONS, rows)})
    assert response.status_code == 422 and "file" in response.json()["details"]
    assert not AuditEntry.objects.exists()
