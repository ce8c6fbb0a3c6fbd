"""Importing historical 12345 work orders from xlsx: all or nothing, every problem by row
number, idempotent by 工单编号, quiet, and a progress bar for large files."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.accounts.roles import Role
from core.documents import write_xlsx
from core.jobs.models import ProgressRecord
from core.organisation.tests.factories import (
    CongressFactory,
    DistrictFactory,
    HandlingUnitFactory,
    TermFactory,
)
from voices import importing
from voices.models import Channel, Message, MessageCategory, Regime

HEADERS = ["工单编号", "受理时间", "来电人", "联系电话", "主题", "内容", "类别", "区县", "承办单位", "办结时间", "办理结果"]
URL = "/voices/import/"


@pytest.fixture
def city(db):
    congress = CongressFactory()
    TermFactory(congress=congress, is_current=True)
    return {
        "congress": congress,
        "roads": MessageCategory.objects.create(congress=congress, code="roads", name="城市道路"),
        "district": DistrictFactory(congress=congress, name="测试东区"),
        "unit": HandlingUnitFactory(congress=congress, name="测试市交通局"),
    }


@pytest.fixture
def receiving(city):
    """The city, for the tests that write through `voices.services.receive_many`."""
    return city


def row(number="GD2025000001", received="2025-03-02 09:15", **changes):
    values = {
        "工单编号": number, "受理时间": received, "来电人": "李四", "联系电话": "13900001111",
        "主题": "小区路灯不亮", "内容": "测试东区幸福小区3号楼前路灯已坏两周，夜间出行不便。", "类别": "城市道路",
        "区县": "测试东区", "承办单位": "测试市交通局", "办结时间": "2025-03-05 17:00", "办理结果": "已修复。",
    }
    values.update(changes)
    return [values[h] for h in HEADERS]


def sheet(*rows, name="工单.xlsx"):
    return SimpleUploadedFile(name, write_xlsx(HEADERS, rows), content_type="application/vnd.openxmlformats-"
                              "officedocument.spreadsheetml.sheet")


def upload(client, file):
    return client.post(URL, {"file": file}, follow=True)


# --- who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.ADMINISTRATOR])
def test_only_staff_may_open_the_import_page(city, client_for, role):
    assert client_for(role).get(URL).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(city):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_staff_sees_the_page_and_downloads_the_template(city, client_for):
    client = client_for(Role.STAFF)
    page = client.get(URL)
    assert page.status_code == 200
    assert "工单编号" in page.content.decode()
    template = client.get(URL + "template.xlsx")
    assert template.status_code == 200
    # The template has every column and no data rows.
    assert importing.read(io.BytesIO(template.content)) == []


# --- checking: every problem by row number, nothing imported ---------------------------------


def test_bad_rows_are_all_reported_with_their_row_numbers_and_nothing_is_imported(city, client_for):
    file = sheet(
        row("GD1"),
        row("GD2", received="last tuesday"),                  # row 3
        row("GD3", 类别="不存在的类别", 区县="火星区"),           # row 4
        row("GD1"),                                           # row 5: number repeated
        row("GD5", 主题="", 联系电话="call me"),                # row 6
        row("GD6", 办结时间="2025-03-01 08:00"),               # row 7: closed before received
        row("GD7", received="2999-01-01"),                    # row 8: future
    )
    response = upload(client_for(Role.STAFF), file)
    assert response.status_code == 422
    text = response.content.decode()
    for number in (3, 4, 5, 6, 7, 8):
        assert f"Row {number}," in text
    assert "Row 2," not in text
    assert "不存在的类别" in text and "火星区" in text
    assert not Message.objects.exists()


def test_check_rows_raises_one_error_listing_every_row(city):
    rows = [(2, dict(zip(["external_id", "received_at", "subject", "body"], ["A", "2025-01-01", "", "x"],
                         strict=True))),
            (3, {"external_id": "", "received_at": None, "subject": "s", "body": "b"})]
    with pytest.raises(importing.ValidationFailed) as caught:
        importing.check_rows(rows, congress=city["congress"])
    assert caught.value.row_errors.rows() == [2, 3]


def file_field_errors(page: str) -> list[str]:
    """The errors said on the upload form's file field."""
    found = re.search(r'<ul class="errorlist" id="id_file_error">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def test_import_pressed_without_a_file_says_to_choose_one_on_the_file_field(city, client_for):
    """The browser sends the form with no file: the page says so, on the file field, not the
    empty form again."""
    response = client_for(Role.STAFF).post(URL, {})
    assert response.status_code == 422
    assert file_field_errors(response.content.decode()) == ["Choose the spreadsheet (xlsx) to import."]


def test_a_file_of_another_type_is_refused_once_on_the_file_field(city, client_for):
    response = upload(client_for(Role.STAFF), SimpleUploadedFile("orders.txt", b"GD1,2025-03-02", "text/plain"))
    assert response.status_code == 422
    page = response.content.decode()
    reason = "Only files of these types are accepted: xlsx."
    assert page.count(reason) == 1
    assert file_field_errors(page) == [reason]
    assert "nothing was imported" not in page  # not a problem of the rows: no list of problems


def test_a_missing_required_column_is_refused_before_any_row(city, client_for):
    file = SimpleUploadedFile("x.xlsx", write_xlsx(["工单编号", "主题"], [["A", "B"]]))
    response = upload(client_for(Role.STAFF), file)
    assert response.status_code == 422
    assert "受理时间" in response.content.decode()


def test_dates_and_times_in_the_usual_spellings_are_read():
    assert importing.cell_datetime("2025/3/2 9:15").hour == 9
    assert importing.cell_datetime("2025年3月2日").hour == 12
    assert importing.cell_datetime(datetime.datetime(2025, 3, 2, 8, 0)).minute == 0
    assert importing.cell_datetime(None) is None


# --- writing (through voices.services.receive_many) ---------------------------------------


def test_a_good_file_is_imported_as_quiet_12345_messages(receiving, client_for):
    from core.notify.models import Notification

    before = Notification.objects.count()
    response = upload(client_for(Role.STAFF), sheet(row("GD1"), row("GD2", 来电人="", 联系电话="", 办结时间=""),
                                                    row("GD3")))
    assert response.status_code == 200, response.content.decode()
    assert "3 work orders imported" in response.content.decode()
    assert "2 of them closed with their past outcome" in response.content.decode()
    messages = {m.external_id: m for m in Message.objects.all()}
    assert set(messages) == {"GD1", "GD2", "GD3"}
    first = messages["GD1"]
    assert first.channel == Channel.IMPORT
    assert first.regime == Regime.HOTLINE
    assert first.category == receiving["roads"]
    assert first.district == receiving["district"]
    assert first.received_at.date() == datetime.date(2025, 3, 2)
    assert "13900001111" not in first.phone_encrypted  # SEC-8
    assert messages["GD2"].is_anonymous is True
    assert Notification.objects.count() == before  # quiet: a historical import rings no bell


def test_an_order_with_its_outcome_is_imported_closed_and_one_without_waits_for_routing(receiving, client_for):
    """承办单位, 办结时间 and 办理结果: the order was handled and closed back then; without them it
    is open, for staff to route."""
    from casework import rules as case_rules
    from casework.models import Assignment, Reply

    upload(client_for(Role.STAFF), sheet(row("GD1"), row("GD2", 办理结果="")))
    closed, waiting = Message.objects.get(external_id="GD1"), Message.objects.get(external_id="GD2")
    assert (closed.status, closed.case.status) == (Message.Status.ACCEPTED, case_rules.CLOSED)
    from core.workcalendar.rules import LEGAL_ZONE

    assert closed.case.closed_at == datetime.datetime(2025, 3, 5, 17, 0, tzinfo=LEGAL_ZONE)
    assert Assignment.objects.get(case=closed.case).unit == receiving["unit"]
    assert Reply.objects.get(case=closed.case).body == "已修复。"
    assert (waiting.status, waiting.case.status) == (Message.Status.RECEIVED, case_rules.REGISTERED)
    assert not Assignment.objects.filter(case=waiting.case).exists()
    # Every step is in the audit chain, appended at the import's end (core.audit.deferred).
    from core.audit.models import AuditEntry
    from core.audit.verify import verify_chain

    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions.count("voices.receive") == 2
    assert actions.count("message.record_past") == actions.count("voices.record_outcome") == 1
    assert verify_chain().ok


def test_a_row_whose_outcome_is_refused_rolls_the_whole_import_back(receiving, client_for, monkeypatch):
    """Nothing half-imported: a past outcome the services refuse (MSG-7 here, as a stand-in
    for any refusal) is reported by its row, and no order of the file stays."""
    from core.errors import ValidationFailed
    from voices import services

    real = services.record_historical_outcome

    def refuse_gd2(*, by, message, **outcome):
        if message.external_id == "GD2":
            raise ValidationFailed(details={"unit": "A report is never sent to the unit it accuses (MSG-7)."})
        return real(by=by, message=message, **outcome)

    monkeypatch.setattr(services, "record_historical_outcome", refuse_gd2)
    response = upload(client_for(Role.STAFF), sheet(row("GD1"), row("GD2")))
    assert response.status_code == 422
    text = response.content.decode()
    assert "Row 3, 承办单位: A report is never sent to the unit it accuses (MSG-7)." in text
    assert not Message.objects.exists()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(receiving, client_for):
    client = client_for(Role.STAFF)
    upload(client, sheet(row("GD1"), row("GD2")))
    response = upload(client, sheet(row("GD1"), row("GD2"), row("GD3")))
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 work order imported" in text and "1 of them closed with its past outcome" in text
    assert "2 already imported earlier, skipped" in text
    assert sorted(Message.objects.values_list("external_id", flat=True)) == ["GD1", "GD2", "GD3"]


def test_a_large_file_is_imported_by_the_task_with_a_progress_bar(
    receiving, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(importing, "INLINE_MAX_ROWS", 2)
    monkeypatch.setattr(importing, "STEP", 1)
    rows = [row(f"GD{n}") for n in range(5)]
    with django_capture_on_commit_callbacks() as callbacks:
        response = Client.post(client_for(Role.STAFF), URL, {"file": sheet(*rows)})
    assert response.status_code == 302
    assert Message.objects.count() == 0  # not imported while the page waited
    assert ProgressRecord.objects.get(key__startswith="voices-import-").status == ProgressRecord.Status.RUNNING
    [enqueue] = callbacks
    enqueue()  # the task (the test settings run it at once)
    assert Message.objects.count() == 5
    record = ProgressRecord.objects.get(key__startswith="voices-import-")
    assert record.status == ProgressRecord.Status.SUCCEEDED
    # Checking the 5 rows, writing them, recording their past outcomes: finished, the 5 rows.
    assert record.total == 5 and record.done == 5
    page = client_for(Role.STAFF).get(response["Location"])
    assert "5 work orders imported" in page.content.decode()


def test_the_result_page_belongs_to_the_uploader(receiving, client_for, make_user):
    response = Client.post(client_for(Role.STAFF), URL, {"file": sheet(row("GD1"))})
    other = Client()
    other.force_login(make_user(Role.STAFF, username="other-staff"))
    assert other.get(response["Location"]).status_code == 404
