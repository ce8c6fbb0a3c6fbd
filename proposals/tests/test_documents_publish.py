"""SUGG-8: staff publish a prepared handling report from the reports page, after a
confirmation (publishing is public and final); the service checks the permission and
audits it; the list then shows when it was published and links its public copy, which the
public home lists and anyone may download. Nobody else may publish (deny by default)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from proposals import services
from proposals.models import HandlingReport

from .conftest import at

pytestmark = pytest.mark.django_db

PUBLISH = "suggestion.publish_report"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish_url(report) -> str:
    return reverse("proposal_documents:report-publish", args=[report.pk])


def public_url(report) -> str:
    return reverse("proposal_documents:report-published", args=[report.pk])


@pytest.fixture
def report(city, content):
    """A prepared report on a term with one suggestion whose subject names its filer and a
    phone number (scrubbed when the report is prepared, SEC-6)."""
    filer = city["deputies"][2]
    draft = services.create_draft(
        by=filer.user, subject="王五反映路面积水，电话13912345678", content=content, now=at("2026-04-01")
    )
    services.submit_suggestion(by=filer.user, suggestion=draft, now=at("2026-04-01"))
    suggestion = services.register_suggestion(by=city["staff"], suggestion=draft, now=at("2026-04-02"))
    services.assign_suggestion(
        by=city["staff"], suggestion=suggestion, lead=city["units"][2], now=at("2026-04-02")
    )
    return services.prepare_handling_report(
        by=city["staff"],
        term=city["term"],
        for_session=city["session"],
        title="关于代表建议办理情况的报告",
        now=at("2026-11-20"),
    )


def test_sugg_8_staff_find_a_publish_step_for_a_prepared_report(city, report):
    client = signed_in(city["staff"])
    page = client.get(reverse("proposal_documents:report-list")).content.decode()
    assert publish_url(report) in page
    assert public_url(report) not in page  # no public copy before it is published
    confirm = client.get(publish_url(report))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    # The confirmation says what publishing does before anything happens.
    assert "anyone can read and download it" in text and "cannot be undone" in text
    assert 'method="post"' in text and "Publish the report" in text
    report.refresh_from_db()
    assert report.published_at is None
    assert not AuditEntry.objects.filter(action=PUBLISH).exists()


def test_sugg_8_publishing_makes_the_report_public_and_is_audited(city, report):
    client = signed_in(city["staff"])
    assert Client().get(public_url(report)).status_code == 404  # not public yet
    response = client.post(publish_url(report), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "was published" in page
    report.refresh_from_db()
    assert report.published_at is not None
    entry = AuditEntry.objects.get(action=PUBLISH)
    assert (entry.target_id, entry.actor_id) == (str(report.pk), city["staff"].pk)
    # The list shows when and links the public copy; the publish step is gone.
    assert public_url(report) in page and publish_url(report) not in page
    # The public home and the public list show it; anyone downloads it.
    assert public_url(report) in Client().get("/").content.decode()
    assert (
        public_url(report)
        in Client().get(reverse("proposal_documents:published-report-list")).content.decode()
    )
    copy = Client().get(public_url(report))
    assert copy.status_code == 200
    document = Document(io.BytesIO(copy.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    # SUGG-8 / SEC-6: the public copy names no deputy and shows no phone number.
    assert "王某反映路面积水" in text
    for secret in ("张三", "李四", "王五", "赵六", "13912345678", city["staff"].username):
        assert secret not in text


def test_sugg_8_a_report_is_published_once(city, report):
    client = signed_in(city["staff"])
    client.post(publish_url(report))
    first = HandlingReport.objects.get(pk=report.pk).published_at
    response = client.post(publish_url(report), follow=True)
    assert "already published" in response.content.decode()
    assert HandlingReport.objects.get(pk=report.pk).published_at == first
    assert AuditEntry.objects.filter(action=PUBLISH).count() == 1


@pytest.mark.parametrize(
    "role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR]
)
def test_sugg_8_only_staff_may_publish(role, city, report, make_user):
    client = signed_in(make_user(role))
    assert client.get(publish_url(report)).status_code == 403
    assert client.post(publish_url(report)).status_code == 403
    report.refresh_from_db()
    assert report.published_at is None
    assert not AuditEntry.objects.filter(action=PUBLISH).exists()


def test_sugg_8_a_visitor_is_sent_to_log_in_and_nothing_is_published(report):
    response = Client().post(publish_url(report))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    report.refresh_from_db()
    assert report.published_at is None


def test_a_report_that_does_not_exist_is_not_found(city, report):
    missing = reverse("proposal_documents:report-publish", args=[report.pk + 100])
    assert signed_in(city["staff"]).post(missing).status_code == 404
