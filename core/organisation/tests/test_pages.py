"""The staff pages: who may open them, lists with filters, pages and exports, forms that
refuse bad input without writing, and imports that list every bad row."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.organisation import rosters
from core.organisation.models import Congress, Deputy, HandlingUnit
from core.organisation.tests import factories
from core.organisation.tests.conftest import xlsx_upload

ROLES = tuple(Role.values)
EDITORS = {Role.STAFF, Role.ADMINISTRATOR}
VIEWERS = EDITORS | {Role.DEPUTY, Role.UNIT_CLERK}

LISTS = ["index", "congress", "term-list", "district-list", "delegation-list", "deputy-list", "unit-list",
         "station-list"]
EXPORTS = ["deputy-export", "unit-export", "station-export", "delegation-export", "district-export", "term-export"]
EDIT_PAGES = ["deputy-create", "unit-create", "station-create", "delegation-create", "district-create",
              "term-create", "congress-update", "parameter-set"]
IMPORT_PAGES = ["deputy-import", "unit-import", "station-import", "deputy-template", "unit-template",
                "station-template"]


@pytest.fixture
def populated(city):
    congress = city["congress"]
    top = factories.HandlingUnitFactory(congress=congress, code="U1", name="测试市人民政府")
    factories.HandlingUnitFactory(congress=congress, code="U2", name="测试市教育局", parent=top)
    for n in range(3):
        factories.DeputyFactory(delegation=city["east_delegation"], code=f"E{n}", name=f"东{n}")
    factories.DeputyFactory(delegation=city["west_delegation"], code="W1", name="西一")
    factories.LiaisonStationFactory(congress=congress, name="东区一站", district=city["east"])
    factories.SessionFactory(term=city["term"], number=1)
    return city


def _expected(name: str) -> set[str]:
    if name in LISTS:
        return VIEWERS
    if name in IMPORT_PAGES:
        return EDITORS
    return EDITORS  # edits and exports


@pytest.mark.parametrize("name", LISTS + EXPORTS + EDIT_PAGES + IMPORT_PAGES)
def test_page_permission_matrix(populated, client_for, name):
    """Lists: staff, administrators, deputies and unit clerks; edits, imports and exports:
    staff and administrators; everyone else 403; anonymous visitors go to the login page."""
    url = reverse(f"organisation:{name}")
    for role in ROLES:
        status = client_for(role).get(url).status_code
        if role in _expected(name):
            assert status == 200, (role, status)
        else:
            assert status == 403, (role, status)
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", ["unit-deactivate", "unit-reactivate", "deputy-return", "station-close",
                                  "station-reopen", "deputy-leave", "unit-update", "deputy-update"])
def test_object_actions_are_refused_to_everyone_but_editors(populated, client_for, name):
    unit = HandlingUnit.objects.get(code="U2")
    deputy = Deputy.objects.get(code="W1")
    station = populated["congress"].liaison_stations.get()
    target = {"unit": unit.pk, "deputy": deputy.pk, "station": station.pk}[name.split("-")[0]]
    url = reverse(f"organisation:{name}", args=[target])
    for role in set(ROLES) - EDITORS:
        assert client_for(role).post(url).status_code == 403
    assert client_for(None).post(url).status_code == 302
    assert not AuditEntry.objects.exists()


def test_pages_say_so_when_no_city_is_configured(client, make_user):
    client.force_login(make_user(Role.STAFF))
    assert not Congress.objects.exists()
    for name in LISTS:
        response = client.get(reverse(f"organisation:{name}"))
        assert response.status_code == 200
        assert "load_city" in response.content.decode()
    assert client.get(reverse("organisation:deputy-create")).status_code == 404


def test_the_deputy_list_filters_and_paginates(populated, client_for):
    client = client_for(Role.STAFF)
    url = reverse("organisation:deputy-list")
    page = client.get(url, {"delegation": populated["west_delegation"].pk}).content.decode()
    assert "西一" in page and "东0" not in page
    page = client.get(url, {"q": "东1"}).content.decode()
    assert "东1" in page and "东2" not in page
    for n in range(60):
        factories.DeputyFactory(delegation=populated["east_delegation"], code=f"P{n:02d}", name=f"翻页{n:02d}")
    first = client.get(url, {"sort": "code"}).content.decode()
    second = client.get(url, {"sort": "code", "page": 2}).content.decode()
    assert "E0" in first and "P59" not in first
    assert "P59" in second


def test_an_htmx_filter_request_gets_only_the_results(populated, client_for):
    response = client_for(Role.STAFF).get(reverse("organisation:deputy-list"), {"q": "西"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body and "西一" in body


def test_the_unit_list_shows_the_tree_and_a_flat_list_when_filtered(populated, client_for):
    client = client_for(Role.DEPUTY)
    tree = client.get(reverse("organisation:unit-list")).content.decode()
    assert "depth-1" in tree and tree.index("测试市人民政府") < tree.index("测试市教育局")
    assert reverse("organisation:unit-create") not in tree  # a deputy sees no edit links
    flat = client.get(reverse("organisation:unit-list"), {"q": "教育"}).content.decode()
    assert "测试市教育局" in flat and "depth-1" not in flat


def test_inactive_units_are_hidden_unless_asked_for(populated, client_for):
    retired = factories.HandlingUnitFactory(congress=populated["congress"], code="OLD", name="已撤销局",
                                            is_active=False)
    client = client_for(Role.STAFF)
    assert retired.name not in client.get(reverse("organisation:unit-list")).content.decode()
    assert retired.name in client.get(reverse("organisation:unit-list"), {"active": ""}).content.decode()
    assert retired.name in client.get(reverse("organisation:unit-list"), {"active": "0"}).content.decode()


def test_exports_follow_the_filters_and_the_import_format(populated, client_for):
    response = client_for(Role.STAFF).get(reverse("organisation:deputy-export"),
                                          {"delegation": populated["east_delegation"].pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.values)
    assert list(rows[0]) == [c.header for c in rosters.DEPUTY_COLUMNS]
    assert sorted(r[0] for r in rows[1:]) == ["E0", "E1", "E2"]


def test_a_unit_form_refuses_a_cycle_and_writes_nothing(populated, client_for):
    top, child = HandlingUnit.objects.get(code="U1"), HandlingUnit.objects.get(code="U2")
    response = client_for(Role.STAFF).post(
        reverse("organisation:unit-update", args=[top.pk]),
        {"code": "U1", "name": top.name, "kind": top.kind, "parent": child.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    top.refresh_from_db()
    assert top.parent is None
    assert not AuditEntry.objects.exists()


def test_a_deputy_is_created_through_the_form_and_audited(populated, client_for):
    response = client_for(Role.STAFF).post(
        reverse("organisation:deputy-create"),
        {"code": "N1", "name": "新人", "gender": "F", "delegation": populated["east_delegation"].pk},
    )
    assert response.status_code == 302
    deputy = Deputy.objects.get(code="N1")
    assert deputy.district == populated["east"]
    assert AuditEntry.objects.filter(action="deputy.create", target_id=str(deputy.pk)).exists()


def test_a_duplicate_deputy_number_is_a_form_error(populated, client_for):
    response = client_for(Role.STAFF).post(
        reverse("organisation:deputy-create"),
        {"code": "W1", "name": "重号", "delegation": populated["east_delegation"].pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Deputy.objects.filter(code="W1").count() == 1


def test_a_deputy_leaves_office_through_the_page(populated, client_for):
    deputy = Deputy.objects.get(code="W1")
    client = client_for(Role.STAFF)
    url = reverse("organisation:deputy-leave", args=[deputy.pk])
    assert client.post(url, {"left_office_on": "1999-01-01"}).status_code == 200  # before the term
    assert client.post(url, {"left_office_on": "2024-02-01", "reason": "调离"}).status_code == 302
    deputy.refresh_from_db()
    assert deputy.in_office is False
    client.post(reverse("organisation:deputy-return", args=[deputy.pk]))
    deputy.refresh_from_db()
    assert deputy.in_office is True


def test_deactivating_a_parent_with_active_sub_units_shows_why(populated, client_for):
    top = HandlingUnit.objects.get(code="U1")
    response = client_for(Role.STAFF).post(reverse("organisation:unit-deactivate", args=[top.pk]), follow=True)
    top.refresh_from_db()
    assert top.is_active
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_a_parameter_outside_the_law_is_refused_on_the_page(populated, client_for):
    client = client_for(Role.STAFF)
    response = client.post(reverse("organisation:parameter-set"), {"key": "nomination_min_deputies", "value": "10"})
    assert response.status_code == 200
    assert "ELEC-4" in str(response.context["form"].errors)
    response = client.post(reverse("organisation:parameter-set"), {"key": "sugg_reply_months", "value": "2"})
    assert response.status_code == 302
    populated["congress"].refresh_from_db()
    assert populated["congress"].parameters == {"sugg_reply_months": 2}


def test_a_station_form_checks_the_deputy_numbers(populated, client_for):
    client = client_for(Role.STAFF)
    response = client.post(reverse("organisation:station-create"), {"name": "新站", "deputy_codes": "E0、NOPE"})
    assert response.status_code == 200 and "NOPE" in str(response.context["form"].errors)
    response = client.post(reverse("organisation:station-create"), {"name": "新站", "deputy_codes": "E0、E1"})
    assert response.status_code == 302
    assert populated["congress"].liaison_stations.get(name="新站").deputies.count() == 2


def test_the_import_page_lists_every_bad_row_and_imports_nothing(populated, client_for):
    rows = [
        ["X1", "甲", "男", "东区代表团", "", "", "", None],
        ["X2", "", "男", "东区代表团", "", "", "", None],
        ["X3", "丙", "男", "火星代表团", "", "", "", None],
    ]
    response = client_for(Role.STAFF).post(
        reverse("organisation:deputy-import"), {"file": xlsx_upload(rosters.DEPUTIES, rows)}
    )
    assert response.status_code == 422
    problems = response.context["problems"]
    assert len(problems) == 2
    assert "3" in problems[0] and "4" in problems[1] and "火星代表团" in problems[1]
    assert not Deputy.objects.filter(code__startswith="X").exists()


def test_the_import_page_refuses_a_file_that_is_not_a_spreadsheet(populated, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(Role.STAFF)
    before = HandlingUnit.objects.count()
    response = client.post(
        reverse("organisation:unit-import"), {"file": SimpleUploadedFile("units.xlsx", b"not a spreadsheet")}
    )
    assert response.status_code == 422
    assert "xlsx" in response.context["problems"][0]
    assert HandlingUnit.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_the_import_page_imports_a_good_file(populated, client_for):
    rows = [["X1", "甲", "男", "东区代表团", "", "", "", None]]
    response = client_for(Role.STAFF).post(
        reverse("organisation:deputy-import"), {"file": xlsx_upload(rosters.DEPUTIES, rows)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("organisation:deputy-list")
    assert Deputy.objects.filter(code="X1").exists()


def test_the_template_download_has_the_columns(populated, client_for):
    response = client_for(Role.STAFF).get(reverse("organisation:station-template"))
    headers = [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]]
    assert headers == [c.header for c in rosters.STATION_COLUMNS]
