"""SEC-6: scrub personal information out of citizens' text before anything is published.

    result = scrub("我叫王小明，电话138 1234 5678，住幸福小区3栋2单元501室。")
    result.text   # "我叫【姓名】，电话【手机号】，住幸福小区【地址】。"
    result.found  # [Finding("name", (2, 5)), Finding("mobile", (8, 21)), Finding("address", (28, 36))]

What is replaced (spans in `found` refer to the ORIGINAL text, sorted):
- mobile numbers 【手机号】: 1[3-9]x xxxx xxxx, with spaces or dashes, with +86 / 0086 / 86;
- landlines 【电话】: with an area code (0xx-xxxxxxxx, (0xxx)xxxxxxx, extension -123 or 转123), or
  7–8 digits right after 电话/座机/固话/联系方式;
- ID numbers 【身份证号】: 18 characters with a valid checksum (last may be X) and a plausible
  birth date; 18 without a valid checksum only right after 身份证; 15-digit old IDs with a
  plausible birth date;
- bank cards 【银行卡号】: 16–19 digits (groups of 4 allowed) passing the Luhn check, or any
  16–19 digits right after 卡号/银行卡/账号;
- e-mail addresses 【邮箱】; licence plates 【车牌号】 (晋B12345, 晋B·D12345, new-energy plates);
- addresses 【地址】: the part that pins down one building or home — the house number after a
  road (…路18号), building/unit/room (3栋2单元501室, G2栋320, 5-2-1201室, 501室), the group of a
  village (…村三组). The road, estate or village name itself stays: it names an area, not a
  person, and it is what a published message is about;
- names 【姓名】: jieba.posseg person names (nr) starting with a common surname, names after
  我叫/名叫/本人/我是/姓名/联系人, 姓X, and a surname (or full name) before a form of address
  (先生, 女士, 同志, 老师, 师傅, 书记, 主任, …). A "name" that is the first part of a road,
  estate, school or firm (白云路, 谷山+隧道, 万博汇+校区) stays, unless a cue (我叫…) says otherwise.
Not replaced: official units (市住建局, 某市人民政府), districts and other place names, dates,
amounts, case and document numbers (（2019）晋02民初123号), heights and floor counts, hotlines
such as 12345. Full-width digits and letters are recognised too.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from voices.textmodel.text import jieba_ready

PLACEHOLDERS = {
    "mobile": "【手机号】",
    "landline": "【电话】",
    "id_number": "【身份证号】",
    "bank_card": "【银行卡号】",
    "email": "【邮箱】",
    "plate": "【车牌号】",
    "address": "【地址】",
    "name": "【姓名】",
}


class Finding(NamedTuple):
    kind: str
    span: tuple[int, int]


class ScrubResult(NamedTuple):
    text: str
    found: list[Finding]


# Full-width digits, letters and a few marks → ASCII, one character for one (spans stay valid).
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id18(number: str) -> bool:
    """True for an 18-character resident ID number with a right checksum and a plausible birth date."""
    if not re.fullmatch(r"[1-9]\d{16}[\dXx]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper() and _plausible_date(number[6:10], number[10:12], number[12:14])


def _plausible_date(year: str, month: str, day: str) -> bool:
    return 1900 <= int(year) <= 2099 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_NUM = r"(?:\d{1,4}|[零一二两三四五六七八九十百]{1,4})"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ID18 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(\d{2})(\d{2})(\d{2})\d{3}(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])\d{4}(?:[ -]?\d){12,15}(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9A-Za-z])")
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -]?)[2-9]\d{6,7}(?:(?:-|转)\d{1,5})?(?![0-9A-Za-z])"
)
_LANDLINE_KEYWORD = re.compile(r"(?:电话|座机|固话|联系方式|联系电话)(?:号码)?(?:是|为)?[:：\s]*([2-9]\d{6,7})(?![0-9])")
_PLATE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Za-hj-np-z][·•\s-]?(?=[A-Za-z0-9]{0,6}\d)[A-HJ-NP-Za-hj-np-z0-9]{5,6}[挂学警]?(?![A-Za-z0-9])"
)
_BUILDING = r"(?:[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})(?:栋|幢|座|号楼|号栋)"
_UNIT = rf"{_NUM}单元"
_ROOM = r"(?:\d{1,4}室|\d{3,4}(?:号房|房|号)?)"
_ADDRESS = [
    # building + unit + room, in any complete enough combination
    re.compile(rf"{_BUILDING}[-—]?(?:{_UNIT}[-—]?)?{_ROOM}(?![0-9])"),
    re.compile(rf"{_BUILDING}[-—]?{_UNIT}"),
    re.compile(rf"(?<![0-9]){_UNIT}[-—]?{_ROOM}(?![0-9])"),
    re.compile(r"(?<![0-9-])\d{1,3}-\d{1,2}-\d{3,4}(?:室|号)?(?![0-9-])"),
    re.compile(r"(?<![0-9])\d{1,4}室"),
    # house number after a road name (the road stays)
    re.compile(r"(?<=[路街巷弄道里])\d{1,5}(?:-\d{1,4})?号(?:院)?"),
    # group of a village (the village stays), optionally with a house number
    re.compile(rf"(?<=村){_NUM}组(?:\d{{1,4}}号)?"),
]

_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任"
    "卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔"
    "向常汤康易乔赖文施洪辛柳樊殷庞阎祝岳鲁葛伍聂齐申温俞章柴佘詹欧谷裴廉焦耿"
)
_SURNAMES_2 = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木"}
_TITLES = (
    "先生|女士|小姐|同志|老师|师傅|阿姨|大爷|大妈|大姐|大哥|书记|主任|局长|处长|科长|所长|站长|经理|律师|医生|"
    "警官|村长|支书|镇长|乡长|校长|院长|老板|会计|总"
)
_TITLE_END = re.compile(rf"(?:{_TITLES})$")
#: Words jieba sometimes tags as person names that are ordinary words in messages.
_NOT_NAMES = {
    "谢谢", "高峰", "文明", "明白", "黎明", "江南", "金融", "石油", "常规", "常委", "高达", "高速", "高铁", "高层", "温度",
    "万元", "万家", "方便", "方面", "方案", "于是", "余额", "程序", "任务", "任何", "钟点", "曾经", "白天", "宋体",
    "高温", "严重", "严格", "史上", "康复", "安全", "周边", "周末", "周年", "周一", "周二", "周三", "周四", "周五",
    "周六", "周日", "林业", "林地", "黄金", "白色", "龙头", "章程", "章节", "易于", "常年", "常住", "向东", "向西",
    "向南", "向北", "于此", "雷雨", "马路", "马上", "武装", "段落", "杜绝", "万一", "齐全", "齐心", "洪水", "夏天",
}
_NOT_NAMES |= {"何时", "何地", "何处", "许可", "许多", "高清", "高三", "高二", "高一", "高中", "高考", "高新", "高架",
               "高级", "高度", "高价", "罗列", "朱红", "金属", "钱款", "于今", "余下", "施工", "童年", "武汉", "莫让",
               "何时能", "方得", "祝您", "何以堪", "向左转", "向右转", "赖皮", "付定金", "白改黑", "高德", "申请书", "付清",
               "白鹭", "严肃性", "殷实", "杜撰", "万幸", "易燃", "常见病", "白开水", "白搭", "高水平", "付诸", "夏令营"}
#: jieba's dictionary tags some everyday words nr (林立, 顾问, 高潮, 常青): a dictionary word
#: this frequent is taken for a name only after a cue (我叫…, …先生).
_COMMON_WORD_FREQ = 100
#: A "name" directly followed by one of these is part of a place or unit name (张家村, 王府井路,
#: 黄星大道, 丁家小学, 洪观社区).
_PLACE_SUFFIX = set("路街巷村镇乡区县市省州湾桥港园苑庄屯寨坪岭山河湖江店厂局院所站府楼铺冲塘坡社组")
_PLACE_NEXT = (
    "大道", "大街", "大桥", "大厦", "小学", "小区", "中学", "公园", "广场", "花园", "新村", "自然村", "片区",
    # and the first part of an estate, a school or a firm: 谷山+隧道, 武广+新城, 万博汇+校区,
    # 温斯顿+英语 (培训学校), 马栏山+视频 (产业园)
    "隧道", "新城", "新区", "校区", "学校", "幼儿园", "学院", "大学", "英语", "培训", "集团", "公司", "置业", "地产",
    "物业", "医院", "酒店", "商场", "市场", "超市", "银行", "中心", "体育", "视频", "产业园", "工业园", "高铁", "路段",
    "社区", "街道", "景区", "机场", "车站", "地铁", "国际", "郡", "公馆", "家园", "庭院", "变电站",
)
#: Two-character "names" ending so are hamlets and estates (唐家, 朱良桥); no name ends 路, 街,
#: 巷 or 郡 (白云路, 白鹭郡).
_PLACE_END = set("家桥湾坪塘冲铺岭庄屯坡园苑村河庙镇区院居路街巷郡")


def _surname_len(token: str) -> int:
    if token[:2] in _SURNAMES_2:
        return 2
    return 1 if token[:1] in _SURNAMES_1 else 0


def _spans_names(text: str, taken) -> list[tuple[int, int]]:
    """Person names: jieba nr tokens, introductions, 姓X, names before a form of address."""
    import jieba.posseg as posseg

    jieba_ready()
    tokens = []
    position = 0
    for pair in posseg.cut(text):
        tokens.append((position, position + len(pair.word), pair.word, pair.flag))
        position += len(pair.word)
    found = []

    frequency = jieba_ready().dt.FREQ

    def plausible(start: int, end: int, *, cue: bool = False, bare: bool = False) -> bool:
        word = text[start:end]
        size = _surname_len(word)
        return (
            size > 0
            and (size < len(word) or bare) and len(word) <= size + 2
            and word not in _NOT_NAMES
            and not any(word.startswith(w) for w in _NOT_NAMES if len(w) < len(word))
            and (cue or (frequency.get(word) or 0) < _COMMON_WORD_FREQ)
            and word[-1] not in _PLACE_END
            and text[end : end + 1] not in _PLACE_SUFFIX
            and not text.startswith(_PLACE_NEXT, end)
            and not taken(start, end)
        )

    # jieba person names ("李先生" is one token: the form of address stays)
    for i, (start, end, word, flag) in enumerate(tokens):
        title = _TITLE_END.search(word)
        if title and title.start() > 0:
            end = start + title.start()
        if flag in ("nr", "nrfg") and plausible(start, end, cue=bool(title), bare=bool(title)):
            found.append((start, end))
        elif flag in ("nr", "nrt", "ns") and word in _SURNAMES_2 and i + 1 < len(tokens):
            nxt = tokens[i + 1]  # 欧阳 + 娜娜: jieba splits compound-surname names
            if nxt[3] in ("nr", "nrt", "nrfg") and nxt[1] - start <= 4 and plausible(start, nxt[1]):
                found.append((start, nxt[1]))
    # introductions: 我叫王小明, 本人李四, 姓名：张三
    for match in re.finditer(r"(?:我叫|名叫|叫做|本人|我是|姓名[:：\s]*|联系人[:：\s]*)(?=[\u4e00-\u9fff])", text):
        start = match.end()
        token = next((t for t in tokens if t[0] == start), None)
        if token and token[3] in ("nr", "nrfg", "nrt") and plausible(start, token[1], cue=True):
            found.append((start, token[1]))
            continue
        tail = re.match(r"[\u4e00-\u9fff]{2,3}(?=[，,。.、;；:：\s!！?？]|$)", text[start:])
        if tail and match.group(0) not in ("本人", "我是") and plausible(start, start + tail.end(), cue=True):
            found.append((start, start + tail.end()))
    # 姓王 / 姓欧阳 (not 百姓, 姓名)
    for match in re.finditer(r"(?<![百])姓(?!名)", text):
        start = match.end()
        size = 2 if text[start : start + 2] in _SURNAMES_2 else (1 if text[start : start + 1] in _SURNAMES_1 else 0)
        if size and not taken(start, start + size):
            found.append((start, start + size))
    # 王先生, 胡书记, 王小明老师: one jieba token before the form of address that is a bare
    # surname or a person name (not 向+市委+书记)
    by_end = {t[1]: t for t in tokens}
    for match in re.finditer(rf"(?=({_TITLES}))", text):
        token = by_end.get(match.start())
        if not token:
            continue
        start, end, word, flag = token
        size = _surname_len(word)
        if not size or taken(start, end) or word in _NOT_NAMES:
            continue
        if len(word) == size or (flag in ("nr", "nrfg", "nrt") and len(word) <= size + 2):
            found.append((start, end))
    return found


def scrub(text: str) -> ScrubResult:
    """Replace personal information in `text` with placeholders (see the module docstring)."""
    if not text:
        return ScrubResult(text or "", [])
    probe = text.translate(_WIDTH)
    accepted: list[tuple[int, int, str]] = []

    def taken(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e, _ in accepted)

    def take(kind: str, start: int, end: int) -> None:
        if end > start and not taken(start, end):
            accepted.append((start, end, kind))

    for m in _EMAIL.finditer(probe):
        take("email", *m.span())
    _take_numbers(probe, take)
    for m in _PLATE.finditer(probe):
        take("plate", *m.span())
    for pattern in _ADDRESS:
        for m in pattern.finditer(probe):
            take("address", *m.span())
    for start, end in _spans_names(probe, taken):
        take("name", start, end)

    accepted.sort()
    out, last = [], 0
    for start, end, kind in accepted:
        out.append(text[last:start])
        out.append(PLACEHOLDERS[kind])
        last = end
    out.append(text[last:])
    return ScrubResult("".join(out), [Finding(kind, (start, end)) for start, end, kind in accepted])


def _take_numbers(probe: str, take) -> None:
    # ID, bank card and phone numbers, in this order: an ID number is also a run of digits.
    for m in _ID18.finditer(probe):
        before = probe[max(0, m.start() - 12) : m.start()]
        if valid_id18(m.group()) or "身份证" in before:
            take("id_number", *m.span())
    for m in _CARD.finditer(probe):
        digits = re.sub(r"[ -]", "", m.group())
        before = probe[max(0, m.start() - 10) : m.start()]
        if 16 <= len(digits) <= 19 and (luhn(digits) or re.search(r"卡号|银行卡|账号|帐号", before)):
            take("bank_card", *m.span())
    for m in _ID15.finditer(probe):
        if _plausible_date("19" + m.group(1), m.group(2), m.group(3)):
            take("id_number", *m.span())
    for m in _MOBILE.finditer(probe):
        take("mobile", *m.span())
    for m in _LANDLINE.finditer(probe):
        take("landline", *m.span())
    for m in _LANDLINE_KEYWORD.finditer(probe):
        take("landline", *m.span(1))


def mask_numbers(text: str) -> str:
    """`text` with its ID, bank card and phone numbers masked as the sender panel masks them
    (140202********1234, 138****5678), everything else as written (SEC-8).

    For reading a message's own subject and text without revealing (and logging) the numbers
    a citizen typed into them; names and addresses stay, as the handling unit needs them."""
    if not text:
        return text or ""
    from .crypto import mask_id_number

    probe = text.translate(_WIDTH)
    spans: list[tuple[int, int, str]] = []

    def take(kind: str, start: int, end: int) -> None:
        if end > start and not any(start < e and s < end for s, e, _ in spans):
            spans.append((start, end, kind))

    _take_numbers(probe, take)
    if not spans:
        return text
    out, last = [], 0
    for start, end, kind in sorted(spans):
        found = probe[start:end]
        out.append(text[last:start])
        if kind == "id_number":
            out.append(mask_id_number(found))
        elif kind == "bank_card":
            digits = re.sub(r"[ -]", "", found)
            out.append("*" * (len(digits) - 4) + digits[-4:])
        else:
            out.append(_mask_dialled(found))
        last = end
    out.append(text[last:])
    return "".join(out)


def _mask_dialled(found: str) -> str:
    from .crypto import mask_phone

    digits = re.sub(r"\D", "", found)
    return mask_phone(digits) if digits else found
