"""Reading and writing xlsx: headers by Chinese or English name, real row numbers, every
problem collected, exports that never run formulas."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from core.documents import (
    CellError,
    Column,
    RowErrors,
    cell_bool,
    cell_date,
    cell_list,
    cell_text,
    read_rows,
    write_xlsx,
    xlsx_response,
)
from core.errors import ValidationFailed

COLUMNS = (
    Column("code", "代表证号", ("deputy number",), required=True),
    Column("name", "姓名", ("name",), required=True),
    Column("note", "备注", ("note",)),
)


def _file(headers, rows, name="x.xlsx"):
    return SimpleUploadedFile(name, write_xlsx(headers, rows))


def test_rows_come_with_the_row_number_the_user_sees():
    rows = list(read_rows(_file(["代表证号", "姓名"], [["001", "张三"], [None, None], ["002", "李四"]]), COLUMNS))
    assert rows == [(2, {"code": "001", "name": "张三"}), (4, {"code": "002", "name": "李四"})]


def test_english_headers_and_decorations_are_accepted():
    rows = list(read_rows(_file(["Deputy Number", " NAME *", "（备注）"], [[7, "王五", "x"]]), COLUMNS))
    assert rows == [(2, {"code": 7, "name": "王五", "note": "x"})]


def test_a_missing_required_column_is_reported_by_name():
    with pytest.raises(ValidationFailed) as caught:
        list(read_rows(_file(["姓名"], [["张三"]]), COLUMNS))
    assert "代表证号" in caught.value.details["1"]


def test_a_column_given_twice_is_refused():
    with pytest.raises(ValidationFailed):
        read_rows(_file(["代表证号", "姓名", "name"], []), COLUMNS)


def test_a_damaged_file_is_reported_not_crashed():
    with pytest.raises(ValidationFailed) as caught:
        read_rows(SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really"), COLUMNS)
    assert caught.value.code == "unreadable"


def test_too_many_rows_are_refused():
    rows = read_rows(_file(["代表证号", "姓名"], [[n, "x"] for n in range(5)]), COLUMNS, max_rows=3)
    with pytest.raises(ValidationFailed):
        list(rows)


def test_row_errors_list_every_problem_in_row_order():
    errors = RowErrors()
    errors.add(5, "代表团", "delegation «X» does not exist.")
    errors.add(3, "姓名", "this column may not be empty.")
    errors.add(5, "性别", "bad")
    assert errors.rows() == [3, 5]
    assert errors.as_details() == {
        "3": "姓名: this column may not be empty.",
        "5": "代表团: delegation «X» does not exist.; 性别: bad",
    }
    with translation.override("en"):  # a page request earlier in the run may leave zh-hans active
        assert errors.messages()[0].startswith("Row 3")
    with translation.override("zh-hans"):
        assert errors.messages()[0].startswith("第 3 行")
    with pytest.raises(ValidationFailed) as caught:
        errors.raise_if_any()
    assert caught.value.row_errors is errors
    RowErrors().raise_if_any()  # nothing to report: no exception


def test_cell_helpers_parse_what_people_type():
    assert cell_text(12.0) == "12"
    assert cell_date("2026年1月20日") == datetime.date(2026, 1, 20)
    assert cell_date(datetime.datetime(2026, 1, 20)) == datetime.date(2026, 1, 20)
    assert cell_date(None) is None
    with pytest.raises(CellError):
        cell_date("next tuesday")
    assert cell_bool("是") is True and cell_bool("否") is False and cell_bool(None, default=True) is True
    with pytest.raises(CellError):
        cell_bool("maybe")
    assert cell_list("A1、A2, A3；A4") == ["A1", "A2", "A3", "A4"]
    with pytest.raises(CellError):
        cell_text("abcdef", max_length=3)


def test_written_workbooks_read_back_with_dates_and_notes():
    content = write_xlsx(
        ["名称", "日期"], [["甲", datetime.date(2026, 1, 2)]], title="表", extra_sheets=[("说明", ["列"], [["名称"]])]
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["表", "说明"]
    assert workbook["表"]["B2"].value.date() == datetime.date(2026, 1, 2)


def test_exported_text_that_looks_like_a_formula_stays_text():
    content = write_xlsx(["备注"], [["=HYPERLINK(\"http://evil\")"], ["+1"]])
    sheet = load_workbook(io.BytesIO(content))["Sheet1"]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == "=HYPERLINK(\"http://evil\")"


def test_xlsx_response_names_the_download_in_any_language():
    response = xlsx_response(b"data", "代表名单.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
