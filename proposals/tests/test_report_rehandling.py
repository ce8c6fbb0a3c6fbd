"""The handling report (SUGG-8) after a re-handling (SUGG-7): its reply classes, its units'
figures and its list of suggestions count the same replies, those that stand (each unit's
latest reply, whichever round it came from)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document

from casework import rules as case_rules
from casework.models import Assignment
from proposals import services

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

WHY = "答复没有说明何时解决。"


def _lead(suggestion, round_number):
    return Assignment.objects.get(case=suggestion.case, role=case_rules.LEAD, round=round_number)


def _reply(city, assignment, reply_class, day):
    clerk = city["clerks"][city["units"].index(assignment.unit)]
    reason = "需纳入明年预算" if reply_class in ("C", "D") else ""  # SUGG-6: C and D give a reason
    return services.reply_to_suggestion(by=clerk, assignment=assignment, body="经研究，已落实。",
                                        reply_class=reply_class, class_reason=reason, letter=pdf(), signed_by="局长",
                                        now=at(day))


@pytest.fixture
def rehandled(city, content):
    """Suggestion 2026-0001 answered by unit 0 with class A, rated dissatisfied by its
    filer: sent back to unit 0 for re-handling, the new reply not in yet."""
    filer = city["deputies"][0]
    draft = services.create_draft(by=filer.user, subject="关于学校门前增设信号灯的建议", content=content,
                                  now=at("2026-03-20"))
    services.submit_suggestion(by=filer.user, suggestion=draft, now=at("2026-03-20"))
    suggestion = services.register_suggestion(by=city["staff"], suggestion=draft, now=at("2026-03-20"))
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    first = _reply(city, _lead(suggestion, 1), "A", "2026-05-10")
    services.rate_suggestion_reply(by=filer.user, reply=first, satisfaction="dissatisfied", comment=WHY,
                                   now=at("2026-05-12"))
    suggestion.case.refresh_from_db()
    assert (suggestion.case.status, suggestion.case.round) == (case_rules.REHANDLING, 2)
    return suggestion


def _prepare(city, day="2026-05-20"):
    return services.prepare_handling_report(by=city["staff"], term=city["term"], title="建议办理情况的报告",
                                            now=at(day))


def _report_text(city, report) -> str:
    response = Client()
    response.force_login(city["staff"])
    content = response.get(reverse("proposal_documents:report-download", args=[report.pk])).content
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_sugg_8_a_reply_before_re_handling_still_counts_in_the_classes(city, rehandled):
    """The classes section, the unit's figures and the item agree: one suggestion, replied
    with class A, now being re-handled."""
    data = _prepare(city).data
    assert data["reply_classes"] == {"A": 1}
    assert [i["reply_class"] for i in data["items"]] == ["A"]
    unit = {u["unit"]: u for u in data["units"]}[city["units"][0].name]
    assert (unit["lead"], unit["replied"], unit["reply_classes"]) == (1, 1, {"A": 1})
    assert unit["satisfaction"] == {"dissatisfied": 1}


def test_sugg_8_the_report_document_does_not_say_no_reply_while_it_lists_one(city, rehandled):
    report = _prepare(city)
    text = _report_text(city, report)
    with translation.override("zh-hans"):
        no_reply = translation.gettext("No reply yet.")
        class_a = str(case_rules.REPLY_CLASS_LABELS["A"])
    assert no_reply not in text
    # The classes section counts the reply: class A, one reply.
    assert f"{class_a} | 1" in text


def test_sugg_8_the_reply_of_the_re_handling_replaces_the_first_one_everywhere(city, rehandled):
    _reply(city, _lead(rehandled, 2), "B", "2026-06-01")
    data = _prepare(city, "2026-06-10").data
    assert data["reply_classes"] == {"B": 1}
    assert [i["reply_class"] for i in data["items"]] == ["B"]
    unit = {u["unit"]: u for u in data["units"]}[city["units"][0].name]
    # One suggestion, replied (on time) in it: its first reply is not counted again.
    assert (unit["lead"], unit["replied"], unit["replied_on_time"], unit["reply_classes"]) == (1, 1, 1, {"B": 1})
    # The new reply is not rated yet: the rating of the reply it replaced is not its rating.
    assert data["satisfaction"] == {}


def test_sugg_8_units_replying_separately_each_count_their_class(city, content):
    filer = city["deputies"][1]
    draft = services.create_draft(by=filer.user, subject="关于路面积水的建议", content=content, now=at("2026-03-20"))
    services.submit_suggestion(by=filer.user, suggestion=draft, now=at("2026-03-20"))
    suggestion = services.register_suggestion(by=city["staff"], suggestion=draft, now=at("2026-03-20"))
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, separate=city["units"][:2],
                               now=at("2026-03-31"))
    rows = Assignment.objects.filter(case=suggestion.case).order_by("pk")
    _reply(city, rows[1], "C", "2026-05-09")
    _reply(city, rows[0], "A", "2026-05-10")
    data = _prepare(city).data
    assert data["reply_classes"] == {"A": 1, "C": 1}
    item = data["items"][0]
    assert item["units"] == [city["units"][0].name, city["units"][1].name]
    assert item["reply_class"] == "A、C"
