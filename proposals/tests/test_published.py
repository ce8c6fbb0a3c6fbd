"""Published handling reports (SUGG-8) on the public home (core.web.published) and on their
public list: a report is listed once published and never before; each links to its public
copy, which holds no personal data (SEC-6)."""

import pytest
from django.test import Client
from django.urls import reverse

from core.organisation.tests.factories import CongressFactory
from core.web import published
from proposals import selectors, services

from .conftest import at

pytestmark = pytest.mark.django_db

LIST_URL = "proposal_documents:published-report-list"


def copy_url(report):
    return reverse("proposal_documents:report-published", args=[report.pk])


@pytest.fixture
def reports(city):
    """One report published, one prepared and still with staff."""
    public = services.prepare_handling_report(
        by=city["staff"],
        term=city["term"],
        for_session=city["session"],
        title="关于代表建议办理情况的报告",
        now=at("2026-11-20"),
    )
    services.publish_handling_report(by=city["staff"], report=public, now=at("2026-11-21"))
    public.refresh_from_db()
    prepared = services.prepare_handling_report(
        by=city["staff"], term=city["term"], title="尚未公开的办理报告", now=at("2026-11-22")
    )
    return {"published": public, "prepared": prepared}


def test_sugg_8_only_a_published_report_is_listed(reports, city):
    items = selectors.latest_published_reports(congress=city["congress"], limit=5)
    assert [i.url for i in items] == [copy_url(reports["published"])]
    item = items[0]
    assert item.title == "关于代表建议办理情况的报告"
    assert item.published_at == reports["published"].published_at
    assert item.file_format == "docx"
    assert str(city["session"]) in item.detail


def test_sugg_8_the_public_home_lists_the_published_report_and_links_to_all(reports):
    response = Client().get("/")
    page = response.content.decode()
    assert copy_url(reports["published"]) in page and "关于代表建议办理情况的报告" in page
    assert copy_url(reports["prepared"]) not in page and "尚未公开的办理报告" not in page
    group = next(g for g in response.context["published"] if g.key == "handling-reports")
    assert group.all_url == reverse(LIST_URL)
    assert Client().get(group.items[0].url).status_code == 200  # the public copy


def test_sugg_8_the_public_list_answers_a_visitor_and_shows_published_reports_only(reports):
    response = Client().get(reverse(LIST_URL))
    assert response.status_code == 200
    page = response.content.decode()
    assert copy_url(reports["published"]) in page and "关于代表建议办理情况的报告" in page
    assert "尚未公开的办理报告" not in page
    # Nothing a staff member sees: neither the prepared copy nor who prepared it.
    assert reverse("proposal_documents:report-download", args=[reports["published"].pk]) not in page
    assert reports["published"].prepared_by.username not in page


def test_the_public_list_says_so_before_anything_is_published(city):
    services.prepare_handling_report(
        by=city["staff"], term=city["term"], title="草稿报告", now=at("2026-11-22")
    )
    response = Client().get(reverse(LIST_URL))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No report has been published yet." in page and "草稿报告" not in page


def test_the_public_list_is_newest_first(city):
    for day, title in (("2026-11-20", "第一份报告"), ("2026-11-24", "第二份报告")):
        report = services.prepare_handling_report(
            by=city["staff"], term=city["term"], title=title, now=at(day)
        )
        services.publish_handling_report(by=city["staff"], report=report, now=at(day, "16:00"))
    response = Client().get(reverse(LIST_URL))
    assert [r.title for r in response.context["page"].object_list] == ["第二份报告", "第一份报告"]


def test_the_public_list_changes_nothing(city):
    assert Client().post(reverse(LIST_URL)).status_code == 405


def test_reports_of_another_congress_are_not_listed(reports):
    other = CongressFactory(name="另一测试市人民代表大会", region_code="999901")
    assert selectors.latest_published_reports(congress=other, limit=5) == []
    assert not selectors.published_reports_of(None).exists()


def test_proposals_registers_its_kind_with_its_public_list():
    kind = next(k for k in published.kinds() if k.key == "handling-reports")
    assert kind.latest is selectors.latest_published_reports
    assert kind.list_url_name == LIST_URL
