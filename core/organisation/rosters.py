"""The roster spreadsheets: their columns (Chinese headers, English accepted), the value
words they use, and the template and export workbooks built from them.

The same columns serve the import pages, the API, `load_city` and the exports, so an export
can be edited and imported back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.documents import Column, write_xlsx

from .models import Deputy, HandlingUnit, LiaisonStation

DEPUTIES = "deputies"
UNITS = "units"
STATIONS = "stations"
KINDS = (DEPUTIES, UNITS, STATIONS)

_L = gettext_lazy

DEPUTY_COLUMNS = (
    Column("code", "代表证号", ("deputy number", "number", "编号"), required=True,
           help=_L("Unique within the term.")),
    Column("name", "姓名", ("name",), required=True),
    Column("gender", "性别", ("gender", "sex"), help=_L("男 or 女.")),
    Column("delegation", "代表团", ("delegation",), required=True,
           help=_L("The name of an existing delegation of the term.")),
    Column("district", "选区/区县", ("district", "区县", "选区", "选举单位"),
           help=_L("Name or code of a district; empty: the delegation's district.")),
    Column("occupation", "职业", ("occupation", "职务", "工作单位及职务")),
    Column("in_office", "在任", ("in office",), help=_L("是 or 否; empty: 是.")),
    Column("left_office_on", "离任日期", ("left office on", "left on"),
           help=_L("Needed when 在任 is 否, e.g. 2026-01-20.")),
)

UNIT_COLUMNS = (
    Column("code", "单位编码", ("code", "unit code", "编码"), required=True, help=_L("Unique; never reused.")),
    Column("name", "单位名称", ("name", "unit name", "名称"), required=True),
    Column("short_name", "简称", ("short name",)),
    Column("parent", "上级单位编码", ("parent code", "parent", "上级编码"),
           help=_L("Code of the parent unit, in this file or already configured; empty: a top-level unit.")),
    Column("kind", "类型", ("kind", "type", "单位类型"), help=_L("One of the kinds listed below.")),
    Column("district", "所属区县", ("district", "区县")),
    Column("email", "电子邮箱", ("e-mail", "email", "邮箱")),
    Column("is_active", "启用", ("active", "是否启用"), help=_L("是 or 否; empty: 是.")),
)

STATION_COLUMNS = (
    Column("name", "联络站名称", ("name", "station", "名称"), required=True),
    Column("district", "区县", ("district", "所属区县")),
    Column("address", "地址", ("address",)),
    Column("deputies", "进站代表证号", ("deputies", "deputy numbers", "代表证号"),
           help=_L("Deputy numbers separated by commas or 、.")),
    Column("is_active", "启用", ("active", "是否启用"), help=_L("是 or 否; empty: 是.")),
)

COLUMNS = {DEPUTIES: DEPUTY_COLUMNS, UNITS: UNIT_COLUMNS, STATIONS: STATION_COLUMNS}

# --- value words -------------------------------------------------------------------------

GENDER_WORDS = {
    "男": Deputy.Gender.MALE, "m": Deputy.Gender.MALE, "male": Deputy.Gender.MALE,
    "女": Deputy.Gender.FEMALE, "f": Deputy.Gender.FEMALE, "female": Deputy.Gender.FEMALE,
}
GENDER_TEXT = {Deputy.Gender.MALE: "男", Deputy.Gender.FEMALE: "女"}

# The word written in templates and exports for each kind comes first.
UNIT_KIND_WORDS = {
    HandlingUnit.Kind.GOVERNMENT: ("政府工作部门", "政府部门", "部门"),
    HandlingUnit.Kind.STATE_ORGAN: ("监察司法机关", "一委两院", "监察机关", "审判机关", "检察机关"),
    HandlingUnit.Kind.DISTRICT: ("区县政府", "区县人民政府", "县区政府"),
    HandlingUnit.Kind.ENTERPRISE: ("企事业单位", "企业", "事业单位", "国有企业"),
    HandlingUnit.Kind.OTHER: ("其他",),
}


def unit_kind(text: str) -> str | None:
    """The unit kind a cell names (its code, a Chinese word or its label), or None."""
    wanted = text.strip().casefold()
    for kind, label in HandlingUnit.Kind.choices:
        if wanted in {kind, str(label).casefold()} or wanted in UNIT_KIND_WORDS[kind]:
            return kind
    return None


def yes_no(value: bool) -> str:
    return "是" if value else "否"


# --- templates and exports ---------------------------------------------------------------

TITLES = {DEPUTIES: _L("Deputies"), UNITS: _L("Handling units"), STATIONS: _L("Liaison stations")}


def _notes(kind: str) -> list[list[str]]:
    rows = [
        [column.header, _("yes") if column.required else "", str(column.help) if column.help else ""]
        for column in COLUMNS[kind]
    ]
    if kind == UNITS:
        rows.append(["", "", ""])
        for code, label in HandlingUnit.Kind.choices:
            rows.append([_("Kind"), UNIT_KIND_WORDS[code][0], str(label)])
    return rows


def template_xlsx(kind: str) -> bytes:
    """An empty roster with its header row, and a notes sheet explaining each column."""
    columns = COLUMNS[kind]
    return write_xlsx(
        [c.header for c in columns],
        [],
        title=str(TITLES[kind]),
        extra_sheets=[(_("Notes"), [_("Column"), _("Required"), _("What to write")], _notes(kind))],
    )


def deputy_rows(deputies: Iterable[Deputy]) -> Iterable[list]:
    for d in deputies:
        yield [
            d.code,
            d.name,
            GENDER_TEXT.get(d.gender, ""),
            d.delegation.name,
            d.district.name if d.district_id else "",
            d.occupation,
            yes_no(d.in_office),
            d.left_office_on,
        ]


def unit_rows(units: Iterable[HandlingUnit]) -> Iterable[list]:
    for u in units:
        yield [
            u.code,
            u.name,
            u.short_name,
            u.parent.code if u.parent_id else "",
            UNIT_KIND_WORDS[u.kind][0],
            u.district.name if u.district_id else "",
            u.email,
            yes_no(u.is_active),
        ]


def station_rows(stations: Iterable[LiaisonStation]) -> Iterable[list]:
    for s in stations:
        codes = sorted(d.code for d in s.deputies.all())
        yield [s.name, s.district.name if s.district_id else "", s.address, "、".join(codes), yes_no(s.is_active)]


def export_xlsx(kind: str, objects: Iterable) -> bytes:
    """A roster in the import format, so it can be edited and imported back."""
    rows = {DEPUTIES: deputy_rows, UNITS: unit_rows, STATIONS: station_rows}[kind](objects)
    return write_xlsx([c.header for c in COLUMNS[kind]], rows, title=str(TITLES[kind]))
