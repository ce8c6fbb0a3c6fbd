"""Roster imports: all or nothing, every bad row reported with its number, uploads checked
before anything is stored, and re-importing changes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import NotAllowed, ValidationFailed
from core.organisation import imports, rosters
from core.organisation.models import Deputy, HandlingUnit, LiaisonStation
from core.organisation.tests import factories
from core.organisation.tests.conftest import xlsx_upload


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


GOOD_DEPUTIES = [
    ["1001", "林一", "女", "东区代表团", "", "教师", "是", None],
    ["1002", "林二", "男", "西区代表团", "东区", "工人", "", None],
    ["1003", "林三", "男", "西区代表团", "999902", "农民", "否", "2024-03-01"],
]


def test_a_good_deputies_roster_is_imported(city, staff):
    result = imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"], by=staff)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first, second, third = Deputy.objects.order_by("code")
    assert first.district == city["east"] and first.gender == "F"
    assert second.delegation == city["west_delegation"] and second.district == city["east"]
    assert third.in_office is False and third.left_office_on == datetime.date(2024, 3, 1)
    assert AuditEntry.objects.filter(action="deputy.create").count() == 3
    summary = AuditEntry.objects.get(action="roster.import")
    assert summary.data["created"] == 3 and summary.data["file"] == "roster.xlsx"


def test_reimporting_the_same_roster_changes_nothing(city, staff):
    imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"], by=staff)
    entries = AuditEntry.objects.count()
    result = imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"], by=staff)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Deputy.objects.count() == 3
    assert AuditEntry.objects.count() == entries + 1  # the import itself, nothing else


def test_an_updated_roster_updates_and_records_departures(city, staff):
    imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"], by=staff)
    changed = [
        ["1001", "林一", "女", "东区代表团", "", "校长", "否", "2025-01-01"],  # new job, then left office
        ["1003", "林三", "男", "西区代表团", "999902", "农民", "是", None],  # back in office
    ]
    result = imports.import_deputies(xlsx_upload(rosters.DEPUTIES, changed), term=city["term"], by=staff)
    assert (result.updated, result.created) == (2, 0)
    first = Deputy.objects.get(code="1001")
    assert first.occupation == "校长" and first.in_office is False
    assert Deputy.objects.get(code="1003").in_office is True
    assert AuditEntry.objects.filter(action="deputy.leave_office").count() == 1
    assert AuditEntry.objects.filter(action="deputy.return_to_office").count() == 1


def test_a_bad_roster_reports_every_row_and_writes_nothing(city, staff):
    rows = [
        ["2001", "好人", "男", "东区代表团", "", "", "是", None],  # row 2: fine
        ["2002", "", "男", "东区代表团", "", "", "是", None],  # row 3: no name
        ["2003", "某某", "男", "北区代表团", "", "", "是", None],  # row 4: no such delegation
        ["2001", "重号", "未知", "东区代表团", "南区", "", "是", None],  # row 5: number twice, gender, district
        ["2005", "某某", "男", "东区代表团", "", "", "否", None],  # row 6: left office without a date
        ["2006", "某某", "男", "东区代表团", "", "", "是", "next week"],  # row 7: not a date
    ]
    with pytest.raises(ValidationFailed) as caught:
        imports.import_deputies(xlsx_upload(rosters.DEPUTIES, rows), term=city["term"], by=staff)
    details = caught.value.details
    assert sorted(details, key=int) == ["3", "4", "5", "6", "7"]
    assert "姓名" in details["3"]
    assert "北区代表团" in details["4"] and "代表团" in details["4"]
    assert "2001" in details["5"] and "性别" in details["5"] and "南区" in details["5"]
    messages = caught.value.row_errors.messages()
    assert len(messages) == 7
    assert all(m.startswith(("Row ", "第")) for m in messages)
    assert Deputy.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_a_missing_required_column_is_refused_before_any_row(city, staff):
    upload = xlsx_upload(rosters.DEPUTIES, [["1", "甲"]], headers=["代表证号", "姓名"])
    with pytest.raises(ValidationFailed) as caught:
        imports.import_deputies(upload, term=city["term"], by=staff)
    assert "代表团" in caught.value.details["1"]


def test_a_wrong_type_or_oversized_upload_is_refused_before_anything_is_stored(city, staff, settings):
    fake = SimpleUploadedFile("roster.xlsx", "代表证号,姓名\n1,甲\n".encode())
    with pytest.raises(ValidationFailed) as caught:
        imports.import_deputies(fake, term=city["term"], by=staff)
    assert caught.value.code == "upload_rejected"
    settings.DATONG_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed) as caught:
        imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"], by=staff)
    assert caught.value.code == "upload_rejected"
    assert Deputy.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_only_importers_may_import(city, make_user):
    with pytest.raises(NotAllowed):
        imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"],
                                by=make_user(Role.DEPUTY))
    assert Deputy.objects.count() == 0


UNITS = [
    # 单位编码, 单位名称, 简称, 上级单位编码, 类型, 所属区县, 电子邮箱, 启用
    ["U2", "测试市教育局", "教育局", "U1", "政府工作部门", "", "edu@example.org", "是"],  # parent below it
    ["U1", "测试市人民政府", "市政府", "", "政府工作部门", "", "", "是"],
    ["U3", "东区人民政府", "", "U1", "区县政府", "东区", "", "是"],
    ["U4", "测试市中级人民法院", "", "", "state_organ", "", "", "是"],
]


def test_units_are_imported_with_their_hierarchy_in_any_order(city, staff):
    result = imports.import_units(xlsx_upload(rosters.UNITS, UNITS), congress=city["congress"], by=staff)
    assert result.created == 4
    education = HandlingUnit.objects.get(code="U2")
    assert education.parent.code == "U1"
    assert HandlingUnit.objects.get(code="U3").kind == HandlingUnit.Kind.DISTRICT
    assert HandlingUnit.objects.get(code="U3").district == city["east"]
    assert HandlingUnit.objects.get(code="U4").kind == HandlingUnit.Kind.STATE_ORGAN
    again = imports.import_units(xlsx_upload(rosters.UNITS, UNITS), congress=city["congress"], by=staff)
    assert again.unchanged == 4


def test_a_hierarchy_loop_in_a_roster_is_refused_with_its_rows(city, staff):
    factories.HandlingUnitFactory(congress=city["congress"], code="OLD")
    rows = [
        ["L1", "甲局", "", "L2", "", "", "", ""],
        ["L2", "乙局", "", "L1", "", "", "", ""],
        ["L3", "丙局", "", "NOPE", "", "", "", ""],
        ["L4", "丁局", "", "L4", "", "", "", ""],
        ["OLD", "旧局", "", "L4", "", "", "bad-address", ""],
    ]
    with pytest.raises(ValidationFailed) as caught:
        imports.import_units(xlsx_upload(rosters.UNITS, rows), congress=city["congress"], by=staff)
    details = caught.value.details
    assert "L1 → L2 → L1" in details["2"]
    assert "L2 → L1 → L2" in details["3"]
    assert "NOPE" in details["4"]
    assert "5" in details and "6" in details
    assert HandlingUnit.objects.count() == 1


def test_an_existing_unit_moved_under_its_own_sub_unit_is_refused(city, staff):
    top = factories.HandlingUnitFactory(congress=city["congress"], code="T")
    factories.HandlingUnitFactory(congress=city["congress"], code="C", parent=top)
    rows = [["T", top.name, "", "C", "", "", "", ""]]
    with pytest.raises(ValidationFailed) as caught:
        imports.import_units(xlsx_upload(rosters.UNITS, rows), congress=city["congress"], by=staff)
    assert "T → C → T" in caught.value.details["2"]


def test_units_are_deactivated_sub_units_first_and_never_under_an_inactive_parent(city, staff):
    imports.import_units(xlsx_upload(rosters.UNITS, UNITS), congress=city["congress"], by=staff)
    closing = [["U1", "测试市人民政府", "市政府", "", "", "", "", "否"]]
    with pytest.raises(ValidationFailed) as caught:
        imports.import_units(xlsx_upload(rosters.UNITS, closing), congress=city["congress"], by=staff)
    assert "U2" in caught.value.details["2"] or "U3" in caught.value.details["2"]
    closing += [["U2", "测试市教育局", "", "U1", "", "", "", "否"], ["U3", "东区人民政府", "", "U1", "", "", "", "否"]]
    imports.import_units(xlsx_upload(rosters.UNITS, closing), congress=city["congress"], by=staff)
    assert set(HandlingUnit.objects.filter(is_active=False).values_list("code", flat=True)) == {"U1", "U2", "U3"}


def test_a_unit_name_already_taken_is_refused(city, staff):
    factories.HandlingUnitFactory(congress=city["congress"], code="Z9", name="测试市人民政府")
    with pytest.raises(ValidationFailed) as caught:
        imports.import_units(xlsx_upload(rosters.UNITS, UNITS), congress=city["congress"], by=staff)
    assert "Z9" in caught.value.details["3"]


def test_stations_are_imported_with_their_deputies(city, staff):
    imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"], by=staff)
    rows = [["东区第一站", "东区", "东路1号", "1001、1002", "是"], ["西区站", "西区", "", "", "否"]]
    result = imports.import_stations(xlsx_upload(rosters.STATIONS, rows), congress=city["congress"],
                                     term=city["term"], by=staff)
    assert result.created == 2
    east = LiaisonStation.objects.get(name="东区第一站")
    assert sorted(east.deputies.values_list("code", flat=True)) == ["1001", "1002"]
    assert LiaisonStation.objects.get(name="西区站").is_active is False
    bad = [["东区第一站", "东区", "", "1001、9999", ""]]
    with pytest.raises(ValidationFailed) as caught:
        imports.import_stations(xlsx_upload(rosters.STATIONS, bad), congress=city["congress"], term=city["term"],
                                by=staff)
    assert "9999" in caught.value.details["2"]
    assert east.deputies.count() == 2


def test_an_export_imports_back_unchanged(city, staff):
    from io import BytesIO

    imports.import_deputies(xlsx_upload(rosters.DEPUTIES, GOOD_DEPUTIES), term=city["term"], by=staff)
    exported = rosters.export_xlsx(rosters.DEPUTIES, Deputy.objects.select_related("delegation", "district"))
    upload = SimpleUploadedFile("export.xlsx", BytesIO(exported).getvalue())
    result = imports.import_deputies(upload, term=city["term"], by=staff)
    assert result.unchanged == 3


def test_the_template_has_the_chinese_headers_and_notes(city):
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(rosters.template_xlsx(rosters.UNITS)))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert headers == ["单位编码", "单位名称", "简称", "上级单位编码", "类型", "所属区县", "电子邮箱", "启用"]
    assert len(workbook.sheetnames) == 2
