"""Generate the demo city's rosters: invented deputies, handling units and liaison stations.

Everything written here is invented demo data (loaded with is_demo=True): the people do not
exist, the units are typical municipal bodies, the stations are numbered placeholders. The
real facts (the city, its districts and counties, its term and sessions) are in
demo/datong/city.yaml, which this generator reads. Deterministic: the same seed writes the
same rows.

    .venv/bin/python manage.py make_demo_city [--out DIR] [--seed N] [--load]
    .venv/bin/python -m demo.generate [--out DIR]
"""

from __future__ import annotations

import datetime
import random
import shutil
from pathlib import Path

import yaml

SOURCE = Path(__file__).resolve().parent / "datong"
DEFAULT_OUT = SOURCE
DEFAULT_SEED = 20260122

# 344 deputies were due to attend the 3rd session (2023) and 336 the 6th (2026): the demo
# term has 344 deputies of whom 8 have left office, so 336 are in office.
DEPUTIES_ELECTED = 344
DEPUTIES_LEFT = 8

# Invented shares of the 344 seats per delegation (the real apportionment is not in the
# sources), kept with the demo city's data; the total must be DEPUTIES_ELECTED.
SEATS = yaml.safe_load((SOURCE / "seats.yaml").read_text(encoding="utf-8"))

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红斌宇浩凯鹏晨欣怡佳雪琳婷晓东海波宁岩峰瑞泽宏亮文彬俊辉慧颖"
OCCUPATIONS = (
    "企业负责人", "企业职工", "农民", "村党支部书记", "社区工作者", "教师", "医生", "护士",
    "科研人员", "律师", "个体工商户", "机关干部", "街道干部", "乡镇干部", "工程技术人员",
    "煤矿工人", "文艺工作者", "退役军人", "民营企业家", "农业合作社负责人",
)

# Typical departments of a municipal government (市政府工作部门); short name = without 市.
DEPARTMENTS = (
    "市人民政府办公室", "市发展和改革委员会", "市教育局", "市科学技术局", "市工业和信息化局",
    "市公安局", "市民政局", "市司法局", "市财政局", "市人力资源和社会保障局", "市规划和自然资源局",
    "市生态环境局", "市住房和城乡建设局", "市城市管理局", "市交通运输局", "市水务局", "市农业农村局",
    "市商务局", "市文化和旅游局", "市卫生健康委员会", "市退役军人事务局", "市应急管理局", "市审计局",
    "市人民政府国有资产监督管理委员会", "市市场监督管理局", "市体育局", "市统计局", "市医疗保障局",
    "市林业和草原局", "市能源局", "市行政审批服务管理局", "市信访局", "市民族宗教事务局",
    "市人民政府外事办公室", "市机关事务管理局", "市住房公积金管理中心", "市数据局",
)
# Sub-units under a department: (parent department, name, kind).
SUB_UNITS = (
    ("市公安局", "市公安局交通警察支队", "government"),
    ("市公安局", "市公安局出入境管理支队", "government"),
    ("市教育局", "市教育考试服务中心", "enterprise"),
    ("市人力资源和社会保障局", "市社会保险事业服务中心", "enterprise"),
    ("市人力资源和社会保障局", "市劳动保障监察支队", "government"),
    ("市规划和自然资源局", "市不动产登记中心", "enterprise"),
    ("市生态环境局", "市生态环境局平城分局", "government"),
    ("市生态环境局", "市生态环境局云冈分局", "government"),
    ("市住房和城乡建设局", "市房屋征收服务中心", "enterprise"),
    ("市城市管理局", "市园林绿化服务中心", "enterprise"),
    ("市城市管理局", "市环境卫生服务中心", "enterprise"),
    ("市交通运输局", "市公共交通公司", "enterprise"),
    ("市水务局", "市供水服务中心", "enterprise"),
    ("市卫生健康委员会", "市第一人民医院", "enterprise"),
    ("市卫生健康委员会", "市第二人民医院", "enterprise"),
    ("市卫生健康委员会", "市第三人民医院", "enterprise"),
    ("市卫生健康委员会", "市疾病预防控制中心", "enterprise"),
    ("市医疗保障局", "市医疗保障服务中心", "enterprise"),
)
# The supervisory commission, the intermediate court and the procuratorate (一委两院).
STATE_ORGANS = ("市监察委员会", "市中级人民法院", "市人民检察院")
ENTERPRISES = ("市供电公司", "市燃气公司", "市热力公司")
# Departments every district and county government is given in the demo.
DISTRICT_DEPARTMENTS = ("教育局", "住房和城乡建设局", "农业农村局")
CHINESE_NUMBERS = "一二三四五六七八九十"


def _city(source: Path) -> dict:
    return yaml.safe_load((source / "city.yaml").read_text(encoding="utf-8"))


def _current_term(city: dict) -> dict:
    terms = city.get("terms") or [city["term"]]
    return next((t for t in terms if t.get("current")), terms[-1])


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def deputies(city: dict, rng: random.Random) -> list[list]:
    """Rows in the deputies roster format: 代表证号, 姓名, 性别, 代表团, 选区/区县, 职业, 在任, 离任日期."""
    term = _current_term(city)
    delegations = term["delegations"]
    seats = [SEATS.get(d["district"], DEPUTIES_ELECTED // len(delegations)) for d in delegations]
    rows = []
    for index, (delegation, count) in enumerate(zip(delegations, seats, strict=True), start=1):
        for n in range(1, count + 1):
            code = f"{term['number']}{index:02d}{n:03d}"
            gender = "女" if rng.random() < 0.3 else "男"
            rows.append([code, _name(rng), gender, delegation["name"], delegation["district"],
                         rng.choice(OCCUPATIONS), "是", None])
    first_day = datetime.date(2023, 4, 1)
    for row in rng.sample(rows, DEPUTIES_LEFT):
        row[6] = "否"
        row[7] = first_day + datetime.timedelta(days=rng.randrange(0, 990))
    return rows


def units(city: dict) -> list[list]:
    """Rows in the units roster format: 单位编码, 单位名称, 简称, 上级单位编码, 类型, 所属区县, 电子邮箱, 启用."""
    rows = [["G000", "市人民政府", "市政府", "", "政府工作部门", "", "g000@demo.invalid", "是"]]
    code_of = {}
    for n, name in enumerate(DEPARTMENTS, start=1):
        code = f"G{n:03d}"
        code_of[name] = code
        rows.append([code, name, name.removeprefix("市"), "G000", "政府工作部门", "", f"{code.lower()}@demo.invalid",
                     "是"])
    counters: dict[str, int] = {}
    kind_word = {"government": "政府工作部门", "enterprise": "企事业单位"}
    for parent, name, kind in SUB_UNITS:
        counters[parent] = counters.get(parent, 0) + 1
        code = f"{code_of[parent]}-{counters[parent]:02d}"
        rows.append([code, name, name.removeprefix("市"), code_of[parent], kind_word[kind], "", "", "是"])
    for n, district in enumerate(city["districts"], start=1):
        code = f"D{n:02d}"
        name = district["name"]
        rows.append([code, f"{name}人民政府", f"{name}政府", "G000", "区县政府", name, f"{code.lower()}@demo.invalid",
                     "是"])
        for m, department in enumerate(DISTRICT_DEPARTMENTS, start=1):
            rows.append([f"{code}-{m:02d}", f"{name}{department}", "", code, "政府工作部门", name, "", "是"])
    for n, name in enumerate(STATE_ORGANS, start=1):
        rows.append([f"S{n:02d}", name, name.removeprefix("市"), "", "监察司法机关", "", f"s{n:02d}@demo.invalid", "是"])
    for n, name in enumerate(ENTERPRISES, start=1):
        rows.append([f"E{n:02d}", name, name.removeprefix("市"), "", "企事业单位", "", "", "是"])
    return rows


def stations(city: dict, deputy_rows: list[list], rng: random.Random) -> list[list]:
    """Rows in the stations roster format: 联络站名称, 区县, 地址, 进站代表证号, 启用."""
    rows = []
    for district in city["districts"]:
        name = district["name"]
        members = [r[0] for r in deputy_rows if r[4] == name and r[6] == "是"]
        count = 3 if len(members) >= 40 else 2
        for n in range(1, count + 1):
            chosen = sorted(rng.sample(members, min(len(members), rng.randint(5, 8))))
            rows.append([f"{name}第{CHINESE_NUMBERS[n - 1]}代表联络站", name, f"{name}（演示地址）{n}号",
                         "、".join(chosen), "是"])
    return rows


def generate(out_dir: Path | str = DEFAULT_OUT, *, seed: int = DEFAULT_SEED, source: Path = SOURCE) -> list[Path]:
    """Write deputies.xlsx, units.xlsx and stations.xlsx (and city.yaml when `out_dir` is not
    the source directory) into `out_dir`; return the paths written."""
    from core.documents import write_xlsx
    from core.organisation import rosters

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    city = _city(source)
    rng = random.Random(seed)
    deputy_rows = deputies(city, rng)
    sheets = {
        "deputies.xlsx": (rosters.DEPUTY_COLUMNS, deputy_rows),
        "units.xlsx": (rosters.UNIT_COLUMNS, units(city)),
        "stations.xlsx": (rosters.STATION_COLUMNS, stations(city, deputy_rows, rng)),
    }
    written = []
    if out_dir.resolve() != source.resolve():
        shutil.copyfile(source / "city.yaml", out_dir / "city.yaml")
        written.append(out_dir / "city.yaml")
    for filename, (columns, rows) in sheets.items():
        path = out_dir / filename
        path.write_bytes(write_xlsx([c.header for c in columns], rows, title=filename.removesuffix(".xlsx")))
        written.append(path)
    return written


def main() -> None:  # pragma: no cover - command-line entry
    import argparse
    import os

    import django

    parser = argparse.ArgumentParser(description="Generate the demo city's rosters.")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DATONG_DEMO", "1")
    django.setup()
    for path in generate(args.out, seed=args.seed):
        print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
