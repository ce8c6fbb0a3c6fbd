"""Importing the suggestions spreadsheet (issue 3, item 6): all or nothing, every bad row
reported with its row number, the upload checked before it is stored, large files through
the background task with a progress bar (SUGG-1, SUGG-2, SUGG-3, SUGG-5)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from casework import rules as case_rules
from casework.models import Assignment
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.documents import XLSX_CONTENT_TYPE
from core.jobs import progress
from core.jobs.models import ProgressRecord
from proposals import importing, tasks
from proposals.models import Cosignature, Suggestion
from proposals.tests.factories import SuggestionCategoryFactory

pytestmark = pytest.mark.django_db

CONTENT = "建议在测试市第一中学门前增设人行横道和交通信号灯，方便学生上下学安全通行。"
HEADERS = ["标题", "内容", "领衔代表", "联名代表", "分类", "提出日期", "主办单位", "协办单位", "交办日期"]
IMPORT_URL = "proposal_documents:suggestion-import"


def sheet(rows, headers=HEADERS, name="suggestions.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


@pytest.fixture(autouse=True)
def _empty_upload_folder():
    """The test storage lives in memory for the whole run: start each test with none."""
    for name in stored_uploads():
        default_storage.delete(f"{importing.STORAGE_DIR}/{name}")


@pytest.fixture
def staff_client(city):
    client = Client()
    client.force_login(city["staff"])
    return client


@pytest.fixture
def category(city):
    return SuggestionCategoryFactory(congress=city["congress"], code="traffic", name="城建交通")


@pytest.fixture
def good_rows(city, category):
    units = city["units"]
    return [
        # During the 2026 session, co-signed, not yet assigned: waits at the desk.
        ["关于学校门前增设信号灯的建议", CONTENT, "张三", "李四、王五", "城建交通", "2026-01-21", "", "", ""],
        # Assigned on paper on 2026-03-31 to a lead unit and an assisting unit (by code).
        ["关于老旧小区加装电梯的建议", CONTENT, "T001", "", "traffic", date(2026, 3, 2), units[0].name, units[1].code,
         "2026-03-31"],
        # Filed between sessions, not yet assigned.
        ["关于增加公交线路的建议", CONTENT, "赵六", "", "城建交通", "2026/2/10", "", "", ""],
    ]


def upload(client, file):
    return client.post(reverse(IMPORT_URL), {"file": file})


def stored_uploads() -> list[str]:
    try:
        return default_storage.listdir(importing.STORAGE_DIR)[1]
    except FileNotFoundError:
        return []


def test_a_good_sheet_creates_every_suggestion_through_the_services(staff_client, city, good_rows):
    """Rows without units are submitted for the desk (SUGG-2); rows with units are
    registered and assigned on their date, so the reply is due three months later (SUGG-3:
    2026-03-31 → 2026-06-30); the session follows from the filing date (SUGG-1)."""
    headers = [*HEADERS, "分办单位"]
    rows = [[*r, ""] for r in good_rows]
    rows[2][HEADERS.index("交办日期")] = "2026年3月31日"
    rows[2][-1] = f"{city['units'][1].name}、{city['units'][2].name}"  # handled separately
    response = upload(staff_client, sheet(rows, headers))
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    assert "3 suggestions created" in page.content.decode()

    waiting = Suggestion.objects.get(subject="关于学校门前增设信号灯的建议")
    assert waiting.status == Suggestion.Status.SUBMITTED
    assert waiting.session == city["session"]
    assert waiting.entered_by == city["staff"] and waiting.filed_by == city["deputies"][0]
    assert set(Cosignature.objects.filter(suggestion=waiting).values_list("deputy__name", flat=True)) == {"李四", "王五"}

    lifts = Suggestion.objects.get(subject="关于老旧小区加装电梯的建议")
    assert lifts.status == Suggestion.Status.REGISTERED and lifts.number
    assert lifts.filed_by == city["deputies"][1] and lifts.session is None
    lead = Assignment.objects.get(case=lifts.case, role=case_rules.LEAD)
    assert (lead.unit, lead.due_on) == (city["units"][0], date(2026, 6, 30))
    assert Assignment.objects.get(case=lifts.case, role=case_rules.ASSISTING).unit == city["units"][1]

    buses = Suggestion.objects.get(subject="关于增加公交线路的建议")
    assert lifts.case.status == buses.case.status == case_rules.ASSIGNED
    assert set(Assignment.objects.filter(case=buses.case).values_list("role", flat=True)) == {case_rules.SEPARATE_UNIT}

    summary = AuditEntry.objects.get(action="suggestion.import")
    assert summary.data["created"] == 3 and summary.data["registered"] == 2 and summary.data["upload"]
    assert AuditEntry.objects.filter(action="suggestion.register").count() == 2
    assert stored_uploads() == [f"{summary.data['upload']}.json"]  # the sheet itself is not kept (SEC-5)


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_imported(staff_client, city, good_rows):
    units = city["units"]
    rows = [
        good_rows[0],  # row 2: good
        ["关于路灯的建议", CONTENT, "孙七", "", "城建交通", "2026-02-01", "", "", ""],  # row 3
        ["太短", "建议修路。", "张三", "", "城建交通", "2026-02-01", "", "", ""],  # row 4
        ["关于绿化的建议", CONTENT, "李四", "", "城建交通", "2026-02-30", "", "", ""],  # row 5
        ["关于停车的建议", CONTENT, "王五", "", "城建交通", "2026-02-01", "不存在的局", "", "2026-03-01"],  # row 6
        ["关于供暖的建议", CONTENT, "赵六", "", "城建交通", "2026-02-01", "", units[1].name, "2026-03-01"],  # row 7
        ["关于学校门前增设信号灯的建议", CONTENT, "张三", "", "城建交通", "2026-01-22", "", "", ""],  # row 8
        ["关于公园的建议", CONTENT, "李四", "张三、李四", "没有的类别", "2030-01-01", units[0].name, "", ""],  # row 9
    ]
    response = upload(staff_client, sheet(rows))
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 422
    for expected in (
        "Row 3, 领衔代表: «孙七» is not a deputy of the current term.",
        "Row 4, 内容: be specific: write at least 20 characters (SUGG-1).",
        "Row 5, 提出日期: «2026-02-30» is not a date",
        "Row 6, 主办单位: handling unit «不存在的局» does not exist.",
        "Row 7, 协办单位: assisting units need a lead unit.",
        "Row 8, 标题: the same suggestion by the same deputy is also in row 2.",
        "Row 9, 联名代表: the filer does not co-sign their own suggestion.",
        "Row 9, 分类: «没有的类别» is not a category.",
        "Row 9, 提出日期: the date 2030-01-01 is in the future.",
        "Row 9, 交办日期: this column may not be empty.",
    ):
        assert expected in text, expected
    assert "Row 2" not in text
    assert not Suggestion.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="suggestion.").exists()


def test_a_sheet_without_the_required_columns_is_refused_at_once(staff_client, city):
    response = upload(staff_client, sheet([["x", "y"]], headers=["标题", "备注"]))
    assert response.status_code == 422
    assert "the header row lacks the required column(s): 内容, 领衔代表, 提出日期." in response.content.decode()
    assert stored_uploads() == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("suggestions.xlsx", b"this is plain text, not a spreadsheet"),  # the name lies
        ("suggestions.csv", "标题,内容\n".encode()),
        ("suggestions.docx", b"PK\x03\x04 not really"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused_before_it_is_stored(staff_client, city, name, content):
    response = upload(staff_client, SimpleUploadedFile(name, content))
    assert response.status_code == 422
    assert stored_uploads() == []
    assert not ProgressRecord.objects.exists()


@override_settings(DATONG_UPLOAD_MAX_BYTES=2000)
def test_an_oversized_file_is_refused_before_it_is_stored(staff_client, city, good_rows):
    response = upload(staff_client, sheet(good_rows * 10))
    assert response.status_code == 422
    assert "at most 2.0" in response.content.decode()
    assert stored_uploads() == []
    assert not Suggestion.objects.exists()


def test_a_large_file_is_imported_by_the_task_with_its_progress_bar_reaching_100(
    staff_client, city, good_rows, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(importing, "INLINE_MAX_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(staff_client, sheet(good_rows))
    assert response.status_code == 302 and len(callbacks) == 1
    upload_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    key = importing.progress_key(upload_id)

    # Queued: the page shows the bar, htmx polling gets "nothing yet".
    waiting = staff_client.get(response["Location"])
    assert waiting.status_code == 200
    assert f'id="progress-{ProgressRecord.objects.get(key=key).pk}"' in waiting.content.decode()
    assert staff_client.get(response["Location"], headers={"HX-Request": "true"}).status_code == 204
    assert not Suggestion.objects.exists()

    callbacks[0]()  # the commit enqueues the task (the immediate backend runs it)
    record = progress.get(key)
    assert record.status == ProgressRecord.Status.SUCCEEDED
    assert (record.done, record.total, record.percent) == (3, 3, 100)  # the file's 3 rows
    assert record.owner == city["staff"]
    assert Suggestion.objects.count() == 3
    polled = staff_client.get(response["Location"], headers={"HX-Request": "true"})
    assert polled.status_code == 200 and polled["HX-Refresh"] == "true"
    assert "3 suggestions created" in staff_client.get(response["Location"]).content.decode()


def test_the_task_is_safe_to_run_twice(city, good_rows):
    file = sheet(good_rows)
    result, _rows = importing.accept_upload(file, by=city["staff"])
    tasks.import_suggestions.enqueue(upload_id=result.upload, user_id=city["staff"].pk)
    tasks.import_suggestions.enqueue(upload_id=result.upload, user_id=city["staff"].pk)
    assert Suggestion.objects.count() == 3
    assert AuditEntry.objects.filter(action="suggestion.import").count() == 1


def test_an_upload_already_committed_is_not_imported_again(city, good_rows):
    """Idempotent by upload id even if the result was never stored (a worker died after
    the commit): the summary audit entry is found and nothing is written twice."""
    rows = importing.read(sheet(good_rows))
    first = importing.import_rows(rows, term=city["term"], by=city["staff"], upload_id="abc123")
    again = importing.import_rows(rows, term=city["term"], by=city["staff"], upload_id="abc123")
    assert (first.created, again.created, again.state) == (3, 3, "done")
    assert Suggestion.objects.count() == 3


def test_importing_the_same_sheet_again_imports_nothing_and_says_why(staff_client, city, good_rows):
    upload(staff_client, sheet(good_rows))
    response = upload(staff_client, sheet(good_rows))
    text = staff_client.get(response["Location"]).content.decode()
    assert "Row 2, 标题: this suggestion is already in Datong (Submitted)." in text
    assert "Row 3, 标题: this suggestion is already in Datong (2026-0001)." in text
    assert Suggestion.objects.count() == 3


def test_a_name_two_deputies_share_needs_the_deputy_number(staff_client, city, category):
    from core.organisation.tests.factories import DeputyFactory

    DeputyFactory(delegation=city["deputies"][0].delegation, name="张三", code="T999")
    rows = [["关于路灯的建议", CONTENT, "张三", "", "城建交通", "2026-02-01", "", "", ""]]
    text = staff_client.get(upload(staff_client, sheet(rows))["Location"]).content.decode()
    assert "several deputies of the term are named «张三»; write the deputy number." in text
    rows[0][2] = "T999"
    text = staff_client.get(upload(staff_client, sheet(rows))["Location"]).content.decode()
    assert "1 suggestion created" in text


def test_the_template_has_the_columns_the_import_reads(staff_client, city):
    response = staff_client.get(reverse("proposal_documents:suggestion-import-template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == [c.header for c in importing.COLUMNS]
    assert len(workbook.worksheets) == 2  # the notes


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.ADMINISTRATOR, Role.PUBLIC])
def test_only_staff_may_import(role, make_user, city, good_rows):
    client = Client()
    client.force_login(make_user(role))
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert client.post(reverse(IMPORT_URL), {"file": sheet(good_rows)}).status_code == 403
    assert client.get(reverse("proposal_documents:suggestion-import-template")).status_code == 403
    assert not Suggestion.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(city):
    response = Client().get(reverse(IMPORT_URL))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_staff_member_does_not_see_someones_import(staff_client, city, good_rows, make_user):
    response = upload(staff_client, sheet(good_rows))
    other = Client()
    other.force_login(make_user(Role.STAFF))
    assert other.get(response["Location"]).status_code == 404


def test_a_row_a_service_refuses_while_writing_rolls_every_row_back(city, good_rows, monkeypatch):
    """All or nothing also when a service says no after the checks passed (a unit made
    inactive meanwhile): the rows already written are rolled back, the row is reported."""
    from core.errors import ValidationFailed
    from proposals import services

    def refuse(**kwargs):
        raise ValidationFailed(details={"units": "测试市第0局 is no longer active."})

    monkeypatch.setattr(services, "assign_suggestion", refuse)
    with pytest.raises(ValidationFailed) as refused:
        importing.import_rows(importing.read(sheet(good_rows)), term=city["term"], by=city["staff"],
                              upload_id="def456")
    # Under the column the user filled in, not the service's field name ("units").
    assert refused.value.row_errors.messages() == ["Row 3, 主办单位、协办单位: 测试市第0局 is no longer active."]
    assert not Suggestion.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="suggestion.").exists()


def test_a_refusal_by_state_says_its_message_not_the_services_codes(city, good_rows, monkeypatch):
    """A state refusal's details are codes ("state: submitted"): the row gets its message."""
    from core.errors import InvalidTransition, ValidationFailed
    from proposals import services

    def refuse(**kwargs):
        raise InvalidTransition(details={"state": "submitted", "allowed_from": ["draft"]})

    monkeypatch.setattr(services, "submit_suggestion", refuse)
    with pytest.raises(ValidationFailed) as refused:
        importing.import_rows(importing.read(sheet(good_rows[:1])), term=city["term"], by=city["staff"],
                              upload_id="def457")
    assert refused.value.row_errors.messages() == ["Row 2: This action is not possible in the current state."]


def test_old_results_are_forgotten(staff_client, city, good_rows):
    """SEC-5: a result lists deputies' names in its problems; it is kept for a while only."""
    response = upload(staff_client, sheet(good_rows))
    assert stored_uploads()
    assert importing.forget_old_results(days=-1) == 1
    assert stored_uploads() == []
    assert staff_client.get(response["Location"]).status_code == 404


def test_the_import_page_explains_the_columns_and_links_the_template(staff_client, city):
    page = staff_client.get(reverse(IMPORT_URL))
    assert page.status_code == 200
    text = page.content.decode()
    for column in importing.COLUMNS:
        assert column.header in text
    assert reverse("proposal_documents:suggestion-import-template") in text
