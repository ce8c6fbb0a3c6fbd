"""/api/health (open) and the staff desk's chart (staff only)."""

import pytest

from core.accounts.roles import Role
from core.organisation.tests.factories import DelegationFactory, DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_health_is_open_and_reports_database_and_version(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"] == "0.1.0"


def test_chart_refused_to_visitors(client):
    assert client.get("/api/charts/deputies-per-delegation").status_code == 401


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
def test_chart_refused_to_roles_without_the_staff_desk(client_for, users, role):
    response = client_for(role).get("/api/charts/deputies-per-delegation")
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMINISTRATOR])
def test_chart_gives_echarts_options_per_delegation(client_for, users, role):
    term = TermFactory(is_current=True)
    big = DelegationFactory(term=term, name="甲区代表团")
    small = DelegationFactory(term=term, name="乙区代表团")
    DeputyFactory.create_batch(2, delegation=big)
    DeputyFactory(delegation=small)
    options = client_for(role).get("/api/charts/deputies-per-delegation").json()
    assert options["yAxis"]["data"] == ["甲区代表团", "乙区代表团"]
    assert options["series"][0]["data"] == [2, 1]
    assert options["series"][0]["type"] == "bar"


def test_chart_is_empty_without_a_term(client_for, users):
    options = client_for(Role.STAFF).get("/api/charts/deputies-per-delegation").json()
    assert options["series"][0]["data"] == []
