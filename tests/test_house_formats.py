"""One house format for dates (2026-08-30) and date-times (2026-11-27 14:16) on every page, in
both languages (config.formats); formal documents keep 2026年8月30日 (GB/T 9704)."""

import datetime
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from core.accounts.roles import Role
from core.organisation.tests.factories import SessionFactory, TermFactory
from proposals.models import HandlingReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(users):
    term = TermFactory(is_current=True)
    zone = timezone.get_default_timezone()
    return HandlingReport.objects.create(
        congress=term.congress,
        term=term,
        for_session=SessionFactory(term=term),
        title="办理情况报告",
        prepared_by=users[Role.STAFF],
        prepared_at=datetime.datetime(2026, 8, 30, 9, 5, tzinfo=zone),
        published_at=datetime.datetime(2026, 11, 27, 14, 16, tzinfo=zone),
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_reports_list_writes_dates_and_times_in_the_house_format(client_for, users, report, language):
    users[Role.STAFF].language = language
    users[Role.STAFF].save(update_fields=["language"])
    html = client_for(Role.STAFF).get(reverse("proposal_documents:report-list")).content.decode()
    shown = re.findall(r"<time[^>]*>([^<]*)</time>", html)
    assert "2026-08-30" in shown  # prepared on (a date)
    assert "2026-11-27 14:16" in shown  # published (a date and time)
    for other in (
        "08/30/2026",
        "Aug. 30, 2026",
        "2026年8月30日",
        "11/27/2026",
        "Nov. 27, 2026",
        "2026年11月27日",
    ):
        assert other not in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_forms_still_read_what_people_type(language):
    with translation.override(language):
        assert forms.DateField().clean("2026-08-30") == datetime.date(2026, 8, 30)
        assert forms.DateField().clean("2026/8/30") == datetime.date(2026, 8, 30)
        moment = forms.DateTimeField().clean("2026-11-27 14:16")
        assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == "2026-11-27 14:16"


def test_chinese_forms_read_a_date_written_with_year_month_day():
    with translation.override("zh-hans"):
        assert forms.DateField().clean("2026年8月30日") == datetime.date(2026, 8, 30)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_formal_documents_keep_the_chinese_date(language):
    from proposals.documents import _day

    with translation.override(language):
        assert _day(datetime.date(2026, 8, 30)) == "2026年8月30日"
