"""How the documents read, as a deputy or a reader of the report reads them (the whole docx
text, python-docx): the reply letter (SUGG-6) says each thing once and quotes the
suggestion's title in 《》; the handling report (SUGG-8) numbers its list 1, 2, 3 with the
suggestion numbers in their own column, has an issuing-organ prefix in its document number
and names the session or term it reports on; and its satisfaction figures are those of the
oversight page (SUGG-7: each case's final rating per unit)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _L
from docx import Document

from casework import rules as case_rules
from casework.models import Assignment
from core.organisation.models import StandingCommittee
from proposals import documents, services
from proposals.rules import SATISFACTION_LABELS

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

SUBJECT = "关于学校门前增设信号灯的建议"


def paragraphs(content: bytes) -> list[str]:
    return [p.text.strip() for p in Document(io.BytesIO(content)).paragraphs if p.text.strip()]


def tables(content: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(content)).tables]


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def _suggestion(city, content, *, subject=SUBJECT, filer=0, cosigner=None, day="2026-03-20"):
    deputy = city["deputies"][filer]
    draft = services.create_draft(by=deputy.user, subject=subject, content=content, now=at(day))
    if cosigner is not None:
        invitation = services.invite_cosigner(
            by=deputy.user, suggestion=draft, deputy=city["deputies"][cosigner]
        )
        services.confirm_cosignature(by=city["deputies"][cosigner].user, cosignature=invitation)
    services.submit_suggestion(by=deputy.user, suggestion=draft, now=at(day))
    return services.register_suggestion(by=city["staff"], suggestion=draft, now=at(day))


def _letter(city, content, body, *, subject=SUBJECT, reply_class="B", reason=""):
    suggestion = _suggestion(city, content, subject=subject, cosigner=1)
    services.assign_suggestion(
        by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31")
    )
    lead = Assignment.objects.get(case=suggestion.case, role=case_rules.LEAD)
    reply = services.reply_to_suggestion(
        by=city["clerks"][0],
        assignment=lead,
        body=body,
        reply_class=reply_class,
        class_reason=reason,
        letter=pdf(),
        signed_by="王局长",
        now=at("2026-05-10"),
    )
    return suggestion, paragraphs(documents.reply_letter_docx(reply))


# --- the reply letter (SUGG-6) -----------------------------------------------------------------


def test_sugg_6_the_letter_quotes_the_title_in_book_marks_without_a_second_suggestion(city, content):
    suggestion, text = _letter(city, content, "经研究，我局已将信号灯列入明年建设计划。")
    whole = "\n".join(text)
    quoted = f"《{SUBJECT}》"
    assert whole.count(quoted) == 2  # the title, and the opening sentence
    assert "建议”的建议" not in whole and "建议》的建议" not in whole and f"“{SUBJECT}”" not in whole
    title = Document(
        io.BytesIO(documents.reply_letter_docx(suggestion.case.replies.get()))
    ).core_properties.title
    assert quoted in title and suggestion.number in title


def test_sugg_6_a_subject_that_is_no_title_is_not_put_in_book_marks(city, content):
    _suggestion_, text = _letter(city, content, "经研究，已安排排水改造。", subject="城区路面积水问题")
    whole = "\n".join(text)
    assert "《城区路面积水问题》" not in whole and "“城区路面积水问题”" in whole


def test_sugg_6_the_letter_adds_salutation_opening_and_thanks_when_the_text_has_none(city, content):
    _suggestion_, text = _letter(city, content, "经研究，我局已将信号灯列入明年建设计划。")
    with translation.override("zh-hans"):
        salutation = documents._("Deputy %(names)s:") % {"names": "张三、李四"}
        thanks = documents._("Thank you for your concern for and support of our work.")
    assert text.count(salutation) == 1
    assert text.count(thanks) == 1
    assert (
        text.index(salutation) < text.index("经研究，我局已将信号灯列入明年建设计划。") < text.index(thanks)
    )


def test_sugg_6_what_the_clerks_text_already_says_is_not_said_twice(city, content):
    """The clerk typed a complete letter: salutation, 收悉, body, thanks. Each appears once."""
    body = (
        "张三、李四代表：\n"
        "您提出的关于增设信号灯的建议收悉，现答复如下：\n"
        "我局已将信号灯列入明年建设计划。\n"
        "感谢您对我们工作的关心和支持！"
    )
    _suggestion_, text = _letter(city, content, body)
    assert sum("代表：" in line or "代表:" in line for line in text) == 1
    assert sum("收悉" in line or "have received" in line for line in text) == 1
    assert sum("感谢" in line or "Thank you" in line for line in text) == 1
    assert text[text.index("张三、李四代表：") + 1] == "您提出的关于增设信号灯的建议收悉，现答复如下："


def test_sugg_6_the_reply_class_reads_without_two_colons_in_a_row(city, content):
    _suggestion_, text = _letter(
        city, content, "经研究，已纳入计划。", reply_class="C", reason="需纳入明年预算"
    )
    [line] = [line for line in text if "以后解决" in line]
    meaning = zh(case_rules.REPLY_CLASS_LABELS["C"]).partition("：")[2]
    assert meaning in line
    assert not re.search(r"[：:]\s*C\s*[：:]", line), line
    assert any("需纳入明年预算" in line for line in text)


def test_sugg_6_a_subject_names_itself_when_it_ends_in_suggestion():
    assert documents.names_itself("关于学校门前增设信号灯的建议")
    assert documents.names_itself("关于加强物业管理的意见。")
    assert not documents.names_itself("城区路面积水问题")


# --- the handling report (SUGG-8) ----------------------------------------------------------------


@pytest.fixture
def two_suggestions(city, content):
    first = _suggestion(city, content, day="2026-01-21")
    second = _suggestion(city, content, subject="关于路面积水的建议", filer=2, day="2026-01-21")
    for suggestion in (first, second):
        services.assign_suggestion(
            by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31")
        )
    return first, second


def _report(city, **kwargs):
    return services.prepare_handling_report(
        by=city["staff"],
        term=city["term"],
        title="关于代表建议办理情况的报告",
        now=at("2026-11-20"),
        **kwargs,
    )


def test_sugg_8_the_list_is_numbered_1_2_3_with_the_suggestion_numbers_in_their_own_column(
    city, two_suggestions
):
    content = documents.report_docx(_report(city))
    [items] = [t for t in tables(content) if zh(_L("Subject")) in t[0]]
    header = items[0]
    assert header[:2] == [zh(_L("No.")), zh(_L("Suggestion number"))]
    assert [row[0] for row in items[1:]] == ["1", "2"]
    assert [row[1] for row in items[1:]] == [s.number for s in two_suggestions]


def test_sugg_8_the_document_number_has_the_standing_committees_short_name(city, two_suggestions):
    StandingCommittee.objects.create(term=city["term"], name="测试市人民代表大会常务委员会")
    report = _report(city)
    text = paragraphs(documents.report_docx(report))
    assert f"测试市人大常委会〔2026〕{report.pk}号" in text
    assert "测试市人民代表大会常务委员会" in text  # the mark keeps the full name


def test_sugg_8_the_prefix_of_the_document_number_is_configured_per_congress(city, two_suggestions):
    congress = city["congress"]
    congress.parameters = {**(congress.parameters or {}), "report_number_prefix": "测人常"}
    congress.save()
    report = _report(city)
    assert f"测人常〔2026〕{report.pk}号" in paragraphs(documents.report_docx(report))


def test_sugg_8_the_report_names_the_session_whose_suggestions_it_reports(city, two_suggestions):
    report = _report(city, session=city["session"], for_session=city["session"])
    text = paragraphs(documents.report_docx(report))
    session_name = zh(city["session"])
    [intro] = [line for line in text if session_name in line and not line.endswith(("：", ":"))]
    assert "2026年11月20日" in intro
    assert "（第" not in intro and "届）" not in intro


def test_sugg_8_a_report_on_the_whole_term_names_the_term(city, two_suggestions):
    text = paragraphs(documents.report_docx(_report(city)))
    assert any(zh(city["term"]) in line and "2026年11月20日" in line for line in text)


# --- SUGG-7 / SUGG-8: the satisfaction figures agree -----------------------------------------------


def test_sugg_7_the_report_and_the_satisfaction_page_count_the_same_ratings(city, content):
    """One suggestion rated dissatisfied, re-handled, then rated satisfied: the unit has one
    rating, satisfied, in the report and on the oversight page alike."""
    suggestion = _suggestion(city, content)
    unit = city["units"][0]
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=unit, now=at("2026-03-31"))
    filer = city["deputies"][0].user

    def reply(round_number, day):
        assignment = Assignment.objects.get(case=suggestion.case, role=case_rules.LEAD, round=round_number)
        return services.reply_to_suggestion(
            by=city["clerks"][0],
            assignment=assignment,
            body="经研究，已落实。",
            reply_class="A",
            letter=pdf(),
            signed_by="局长",
            now=at(day),
        )

    services.rate_suggestion_reply(
        by=filer,
        reply=reply(1, "2026-05-10"),
        satisfaction="dissatisfied",
        comment="答复没有说明何时解决。",
        now=at("2026-05-12"),
    )
    services.rate_suggestion_reply(
        by=filer, reply=reply(2, "2026-06-01"), satisfaction="satisfied", now=at("2026-06-03")
    )
    staff = Client()
    staff.force_login(city["staff"])
    [row] = staff.get(reverse("casework:satisfaction-by-unit")).context["page"].object_list
    assert (row.unit_name, row.counts, row.satisfied_percent) == (unit.name, {"satisfied": 1}, 100)
    report = _report(city)
    [by_unit] = [u for u in report.data["units"] if u["unit"] == unit.name]
    assert by_unit["satisfaction"] == row.counts
    # The report's table of ratings by unit shows the same figures.
    [table] = [
        t
        for t in tables(documents.report_docx(report))
        if t[0][0] == zh(_L("Handling unit")) and zh(SATISFACTION_LABELS["satisfied"]) in t[0]
    ]
    assert table[1][0] == unit.name
    assert table[1][table[0].index(zh(SATISFACTION_LABELS["satisfied"]))] == "1"
    assert zh(SATISFACTION_LABELS["dissatisfied"]) not in table[0]
