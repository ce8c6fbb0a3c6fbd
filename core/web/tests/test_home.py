"""Each role lands on its own home page at "/", named by a heading in the user's language."""

import pytest
from django.utils import translation

from core.accounts.roles import Role
from core.organisation.tests.factories import CongressFactory, DelegationFactory, DeputyFactory, TermFactory
from core.web.views import HOMES

pytestmark = pytest.mark.django_db


def heading_for(role, language):
    with translation.override(language):
        return str(HOMES[role][1])


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_role_sees_its_own_home_heading_in_its_language(client_for, users, role, language):
    users[role].language = language
    users[role].save(update_fields=["language"])
    response = client_for(role).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading_for(role, language)}</h1>" in html
    assert f'<html lang="{language}">' in html


def test_visitor_sees_the_public_home(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default (tests otherwise run in English)
    response = client.get("/")
    assert response.status_code == 200
    assert f"<h1>{heading_for(Role.PUBLIC, 'zh-hans')}</h1>" in response.content.decode()


def test_homes_have_distinct_headings():
    for language in ("zh-hans", "en"):
        headings = [heading_for(role, language) for role in Role.values]
        assert len(set(headings)) == len(headings)


def test_header_shows_the_configured_congress_not_a_hard_wired_name(client):
    CongressFactory(name="测试市人民代表大会")
    html = client.get("/").content.decode()
    assert "测试市人民代表大会" in html
    assert "Datong 大同" in html.replace('<span lang="zh-Hans">', "").replace("</span>", "")


def test_fresh_installation_without_a_congress_still_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'class="congress-name"' not in response.content.decode()


def test_staff_desk_counts_deputies_in_office_of_the_current_term(client_for, users):
    term = TermFactory(is_current=True)
    delegation = DelegationFactory(term=term)
    DeputyFactory.create_batch(3, delegation=delegation)
    DeputyFactory(delegation=delegation, in_office=False, left_office_on="2025-01-01")
    DeputyFactory(delegation=DelegationFactory(term=TermFactory(congress=term.congress)))  # another term
    response = client_for(Role.STAFF).get("/")
    figures = response.context["figures"]
    assert figures.deputies_in_office == 3
    assert response.context["per_delegation"] == [(delegation.name, 3)]
    html = response.content.decode()
    assert 'data-chart-url="/api/charts/deputies-per-delegation"' in html
    assert "vendor/echarts/echarts.min.js" in html


def test_staff_desk_refresh_with_htmx_returns_only_the_figures(client_for, users):
    response = client_for(Role.STAFF).get("/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="figures"')
    assert "<html" not in html


def test_deputy_desk_shows_their_own_record(client_for, users):
    deputy = DeputyFactory(user=users[Role.DEPUTY], name="张三")
    html = client_for(Role.DEPUTY).get("/").content.decode()
    assert "张三" in html
    assert deputy.delegation.name in html
    assert deputy.district.name in html


def test_deputy_desk_without_a_linked_record_says_so(client_for, users):
    users[Role.DEPUTY].language = "en"
    users[Role.DEPUTY].save(update_fields=["language"])
    html = client_for(Role.DEPUTY).get("/").content.decode()
    assert "not linked to a deputy record" in html


def test_unit_clerk_desk_shows_their_unit_and_an_honest_empty_due_list(client_for, users):
    users[Role.UNIT_CLERK].language = "en"
    users[Role.UNIT_CLERK].save(update_fields=["language"])
    html = client_for(Role.UNIT_CLERK).get("/").content.decode()
    assert users[Role.UNIT_CLERK].handling_unit.name in html
    assert "What is due" in html
    assert "not a sign that nothing is due" in html


def test_citizen_home_has_an_empty_messages_state(client_for, users):
    users[Role.CITIZEN].language = "en"
    users[Role.CITIZEN].save(update_fields=["language"])
    html = client_for(Role.CITIZEN).get("/").content.decode()
    assert "You have not sent any messages" in html


def test_administrator_desk_links_the_admin_site_and_health_check(client_for, users):
    users[Role.ADMINISTRATOR].language = "en"
    users[Role.ADMINISTRATOR].save(update_fields=["language"])
    html = client_for(Role.ADMINISTRATOR).get("/").content.decode()
    assert 'href="/admin/"' in html
    assert 'href="/api/health"' in html


@pytest.mark.urls("core.web.tests.urls")
def test_messages_are_announced_as_a_status_region(client_for, users):
    response = client_for(Role.CITIZEN).get("/navtest/say-saved/", follow=True)
    html = response.content.decode()
    assert '<div class="messages" role="status">' in html
    assert "Saved." in html
