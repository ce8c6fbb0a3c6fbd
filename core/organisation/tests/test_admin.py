"""The admin (administrators) goes through the same services: checked and audited."""

import pytest

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.organisation.models import Congress, HandlingUnit
from core.organisation.tests import factories


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["congress", "district", "term", "session", "standingcommittee", "delegation",
                                   "deputy", "handlingunit", "liaisonstation"])
def test_every_model_is_in_the_admin(admin_client, city, model):
    assert admin_client.get(f"/admin/organisation/{model}/").status_code == 200
    assert admin_client.get(f"/admin/organisation/{model}/add/").status_code == 200


def _unit_form(unit, **changes):
    data = {"code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
            "parent": unit.parent_id or "", "district": "", "email": "", "is_demo": ""}
    data.update(changes)
    return data


def test_an_admin_edit_is_audited(admin_client, city):
    unit = factories.HandlingUnitFactory(congress=city["congress"], name="旧名")
    response = admin_client.post(f"/admin/organisation/handlingunit/{unit.pk}/change/", _unit_form(unit, name="新名"))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "新名"
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.after == {"name": "新名"}


def test_the_admin_refuses_a_unit_cycle_on_the_form(admin_client, city):
    top = factories.HandlingUnitFactory(congress=city["congress"])
    child = factories.HandlingUnitFactory(congress=city["congress"], parent=top)
    response = admin_client.post(f"/admin/organisation/handlingunit/{top.pk}/change/",
                                 _unit_form(top, parent=child.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    top.refresh_from_db()
    assert top.parent is None


def test_the_admin_refuses_an_unlawful_parameter(admin_client, city):
    congress = city["congress"]
    response = admin_client.post(f"/admin/organisation/congress/{congress.pk}/change/", {
        "name": congress.name, "region_name": congress.region_name, "region_code": "", "level": "city",
        "population": "", "parameters": '{"nomination_min_deputies": 10}',
    })
    assert response.status_code == 200
    assert "ELEC-4" in str(response.context["adminform"].form.errors)
    assert Congress.objects.get().parameters == {}


def test_an_admin_creation_goes_through_the_service(admin_client, city):
    response = admin_client.post("/admin/organisation/handlingunit/add/", {
        "congress": city["congress"].pk, "code": "NEW", "name": "测试市新局", "short_name": "", "kind": "government",
        "parent": "", "district": "", "email": "",
    })
    assert response.status_code == 302, response.content[:2000]
    unit = HandlingUnit.objects.get(code="NEW")
    assert AuditEntry.objects.filter(action="unit.create", target_id=str(unit.pk)).exists()
