"""The reply letter (SUGG-6) and the handling report (SUGG-8) as docx in the GB/T 9704
layout, read back by LibreOffice; who may download them; no personal data in the report
(SEC-6)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.shared import Pt

from casework import rules as case_rules
from casework.models import Assignment, Reply
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from proposals import documents, services

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

SUBJECT = "关于学校门前增设信号灯的建议"
BODY = "经研究，我局已在测试市第一中学门前施划人行横道。\n信号灯列入明年建设计划，预计六月底前完成。"
REASON = "信号灯建设需纳入明年预算"


@pytest.fixture
def replied(city, content):
    """A suggestion by 张三 co-signed by 李四, assigned to unit 0 (lead) and unit 1
    (assisting), answered by both: the lead's letter is class C with its reason."""
    filer, cosigner = city["deputies"][0], city["deputies"][1]
    draft = services.create_draft(by=filer.user, subject=SUBJECT, content=content, now=at("2026-03-20"))
    invitation = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=cosigner)
    services.confirm_cosignature(by=cosigner.user, cosignature=invitation)
    services.submit_suggestion(by=filer.user, suggestion=draft, now=at("2026-03-20"))
    suggestion = services.register_suggestion(by=city["staff"], suggestion=draft, now=at("2026-03-20"))
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0],
                               assisting=[city["units"][1]], now=at("2026-03-31"))
    assisting = Assignment.objects.get(case=suggestion.case, role=case_rules.ASSISTING)
    view = services.reply_to_suggestion(by=city["clerks"][1], assignment=assisting, body="会办意见：同意。",
                                        now=at("2026-04-20"))
    lead = Assignment.objects.get(case=suggestion.case, role=case_rules.LEAD)
    letter = services.reply_to_suggestion(
        by=city["clerks"][0], assignment=lead, body=BODY, reply_class="C", class_reason=REASON,
        letter=pdf(), signed_by="王局长", now=at("2026-05-10"),
    )
    return {"suggestion": suggestion, "letter": letter, "view": view}


@pytest.fixture
def report(city, replied):
    """A report on the term, with a subject naming the filer and a phone number."""
    other = services.create_draft(by=city["deputies"][2].user, subject="王五反映路面积水，电话13912345678",
                                  content=replied["suggestion"].content, now=at("2026-04-01"))
    services.submit_suggestion(by=city["deputies"][2].user, suggestion=other, now=at("2026-04-01"))
    other = services.register_suggestion(by=city["staff"], suggestion=other, now=at("2026-04-02"))
    services.assign_suggestion(by=city["staff"], suggestion=other, lead=city["units"][2], now=at("2026-04-02"))
    return services.prepare_handling_report(by=city["staff"], term=city["term"], for_session=city["session"],
                                            title="关于代表建议办理情况的报告", now=at("2026-11-20"))


def client_for_user(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def letter_url(reply) -> str:
    return reverse("proposal_documents:reply-letter", args=[reply.pk])


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of a docx (python-docx)."""
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# --- LibreOffice reads the documents back ---------------------------------------------------------


@pytest.fixture(scope="module")
def office_profile(tmp_path_factory):
    """One LibreOffice profile (and HOME) for the module's conversions: no lock clashes
    with another LibreOffice, no first-start cost per test."""
    return tmp_path_factory.mktemp("libreoffice")


def as_text(office_profile, tmp_path, content: bytes, name: str) -> str:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / f"{name}.docx"
    source.write_bytes(content)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{office_profile}/profile", "--headless", "--norestore",
         "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
        env={**os.environ, "HOME": str(office_profile)},
    )
    return (tmp_path / f"{name}.txt").read_text(encoding="utf-8-sig")


@pytest.mark.libreoffice
def test_libreoffice_reads_the_reply_letter_title_number_and_body(office_profile, tmp_path, city, replied):
    """SUGG-6: the unit's letter to the deputies: its title names the suggestion's number
    and subject, its document number is the unit's 〔year〕serial号, then the body, the
    reply class with its reason, who signed and when."""
    suggestion = replied["suggestion"]
    response = client_for_user(city["deputies"][0].user).get(letter_url(replied["letter"]))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    text = as_text(office_profile, tmp_path, response.content, "letter")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = Document(io.BytesIO(response.content)).core_properties.title
    assert suggestion.number in title and SUBJECT in title
    assert title in lines
    number = f"{city['units'][0].short_name}〔2026〕{suggestion.serial}号"
    assert number in lines
    assert lines.index(city["units"][0].name) < lines.index(number) < lines.index(title)  # mark, number, title
    for line in BODY.splitlines():
        assert line in lines
    assert REASON in text and "王局长" in text and "2026年5月10日" in text
    assert "张三、李四" in text  # joint_reply_to = all: both are owed the reply (SUGG-11)


@pytest.mark.libreoffice
def test_libreoffice_reads_the_handling_report_without_personal_data(office_profile, tmp_path, city, report):
    """SUGG-8 / SEC-6: title, number, the units' figures and the scrubbed subjects; no
    deputy's name and no phone number."""
    response = client_for_user(city["staff"]).get(reverse("proposal_documents:report-download", args=[report.pk]))
    assert response.status_code == 200
    text = as_text(office_profile, tmp_path, response.content, "report")
    assert "关于代表建议办理情况的报告" in text
    assert f"〔2026〕{report.pk}号" in text
    for unit in city["units"]:
        assert unit.name in text
    assert SUBJECT in text and "王某反映路面积水" in text
    for secret in ("张三", "李四", "王五", "赵六", "13912345678"):
        assert secret not in text


# --- the layout (GB/T 9704) --------------------------------------------------------------------


def test_the_reply_letter_follows_the_official_layout(city, replied):
    content = documents.reply_letter_docx(replied["letter"])
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    mark = next(p for p in document.paragraphs if p.text == city["units"][0].name)
    run = mark.runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"
    title = next(p for p in document.paragraphs if p.text == document.core_properties.title)
    assert SUBJECT in title.text
    assert title.runs[0].font.size == Pt(22)
    body = next(p for p in document.paragraphs if p.text == BODY.splitlines()[0])
    assert body.runs[0].font.size == Pt(16)
    assert document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    ) == "仿宋_GB2312"
    assert 'w:color="FF0000"' in document.element.xml  # the red rule under the number


def test_the_report_names_no_deputy_even_in_its_tables(city, report):
    text = docx_text(documents.report_docx(report))
    assert "王某反映路面积水，电话***" in text
    for secret in ("张三", "李四", "王五", "赵六", "13912345678", city["staff"].username):
        assert secret not in text


# --- who may download ----------------------------------------------------------------------------


def test_the_letter_is_read_by_staff_the_replying_units_clerk_and_the_deputies_it_is_addressed_to(
    city, replied, make_user
):
    url = letter_url(replied["letter"])
    allowed = [city["staff"], city["clerks"][0], city["deputies"][0].user, city["deputies"][1].user]
    for user in allowed:
        assert client_for_user(user).get(url).status_code == 200, user
    # Another unit (even the assisting one on the same case) and another deputy: as if absent.
    for user in (city["clerks"][1], city["clerks"][2], city["deputies"][2].user):
        assert client_for_user(user).get(url).status_code == 404, user
    for role in (Role.CITIZEN, Role.ADMINISTRATOR, Role.PUBLIC):
        assert client_for_user(make_user(role)).get(url).status_code == 403, role
    assert client_for_user(None).get(url).status_code == 302


def test_an_assisting_units_view_is_no_letter(city, replied):
    """SUGG-5: the assisting unit's view goes to the lead unit; it is not a letter."""
    assert client_for_user(city["staff"]).get(letter_url(replied["view"])).status_code == 404
    missing = Reply.objects.order_by("-pk").first().pk + 100
    assert client_for_user(city["staff"]).get(
        reverse("proposal_documents:reply-letter", args=[missing])
    ).status_code == 404


def test_the_report_is_for_staff_until_it_is_published_then_for_everyone(city, report, make_user):
    staff_url = reverse("proposal_documents:report-download", args=[report.pk])
    public_url = reverse("proposal_documents:report-published", args=[report.pk])
    for user in (city["deputies"][0].user, city["clerks"][0], make_user(Role.CITIZEN)):
        assert client_for_user(user).get(staff_url).status_code == 403
    assert client_for_user(None).get(staff_url).status_code == 302
    assert client_for_user(None).get(public_url).status_code == 404  # not published yet
    services.publish_handling_report(by=city["staff"], report=report)
    response = client_for_user(None).get(public_url)
    assert response.status_code == 200
    assert "13912345678" not in docx_text(response.content)


def test_staff_prepare_a_report_and_find_its_document_on_the_reports_page(city, replied):
    client = client_for_user(city["staff"])
    response = client.post(reverse("proposal_documents:report-prepare"),
                           {"title": "年度建议办理报告", "session": "", "for_session": city["session"].pk})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="suggestion.report")
    page = client.get(reverse("proposal_documents:report-list")).content.decode()
    assert "年度建议办理报告" in page
    assert reverse("proposal_documents:report-download", args=[entry.target_id]) in page


def test_only_staff_prepare_reports(city):
    for user in (city["deputies"][0].user, city["clerks"][0]):
        client = client_for_user(user)
        assert client.get(reverse("proposal_documents:report-list")).status_code == 403
        assert client.post(reverse("proposal_documents:report-prepare"), {"title": "x"}).status_code == 403
    assert not AuditEntry.objects.filter(action="suggestion.report").exists()
