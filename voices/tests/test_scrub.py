"""SEC-6: personal information is scrubbed from citizens' text before publication (voices/scrub.py)."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voices.scrub import PLACEHOLDERS, Finding, luhn, scrub, valid_id18


def kinds(text):
    return [f.kind for f in scrub(text).found]


def with_check_digit(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def test_sec6_a_message_with_name_phone_id_and_address_is_fully_scrubbed():
    text = (
        "尊敬的领导：您好！我叫王小明，身份证号" + with_check_digit("14020219850312123")
        + "，家住平城区幸福小区3栋2单元501室，手机138 1234 5678，有事请联系。"
    )
    result = scrub(text)
    assert result.text == (
        "尊敬的领导：您好！我叫【姓名】，身份证号【身份证号】，家住平城区幸福小区【地址】，手机【手机号】，有事请联系。"
    )
    assert [f.kind for f in result.found] == ["name", "id_number", "address", "mobile"]
    # spans point into the original text
    assert [text[slice(*f.span)] for f in result.found][-1] == "138 1234 5678"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("电话13912345678。", "电话【手机号】。"),
        ("电话139-1234-5678。", "电话【手机号】。"),
        ("电话+86 139 1234 5678。", "电话【手机号】。"),
        ("电话008613912345678。", "电话【手机号】。"),
        ("手机号码是１３９１２３４５６７８", "手机号码是【手机号】"),
        ("座机0352-2345678转123。", "座机【电话】。"),
        ("座机(0352)2345678。", "座机【电话】。"),
        ("联系电话：2345678", "联系电话：【电话】"),
        ("邮箱wang.xm_88@example.com.cn谢谢", "邮箱【邮箱】谢谢"),
        ("车牌晋B12345的车", "车牌【车牌号】的车"),
        ("车牌晋B·D12345的车", "车牌【车牌号】的车"),
        ("卡号6222 0212 3456 7890 128", "卡号【银行卡号】"),
        ("老身份证140202850312123", "老身份证【身份证号】"),
    ],
)
def test_sec6_numbers_of_every_kind_are_replaced(text, expected):
    assert scrub(text).text == expected


def test_sec6_a_bank_card_passing_luhn_is_found_without_a_keyword():
    number = "4111111111111111"
    assert luhn(number)
    assert scrub(f"转到{number}就行").text == "转到【银行卡号】就行"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("住在解放路88号院5-2-1201室。", "住在解放路【地址】【地址】。"),
        ("联丰路米兰春天G2栋320，一家影楼。", "联丰路米兰春天【地址】，一家影楼。"),
        ("马军营村三组的村民反映", "马军营村【地址】的村民反映"),
        ("锦绣花园8号楼3单元", "锦绣花园【地址】"),
        ("我家1203室漏水", "我家【地址】漏水"),
    ],
)
def test_sec6_the_part_of_an_address_that_pins_down_a_home_is_replaced(text, expected):
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("居委会王建国同志说不管。", "居委会【姓名】同志说不管。"),
        ("李先生和刘女士都反映了。", "【姓名】先生和【姓名】女士都反映了。"),
        ("市住建局的张主任答应处理。", "市住建局的【姓名】主任答应处理。"),
        ("一位姓王的工作人员态度恶劣。", "一位姓【姓名】的工作人员态度恶劣。"),
        ("本人李明，家住平城区。", "本人【姓名】，家住平城区。"),
        ("联系人：赵晓燕", "联系人：【姓名】"),
        ("感谢欧阳娜娜的帮助。", "感谢【姓名】的帮助。"),
    ],
)
def test_sec6_names_are_replaced_and_forms_of_address_kept(text, expected):
    assert scrub(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "大同市人民政府和市住建局、市教育局联合发文。",
        "平城区、云冈区、新荣区和云州区的居民都很关心。",
        "2019年5月3日，金额3000元，共12,345.67元，时间2019-11-25 17:31:20。",
        "案号（2019）晋02民初123号，文号大政办发〔2020〕15号，工单号2019112500123。",
        "建筑高度100米，楼高30层，小区共有12栋楼，地铁3号线，请拨打12345热线。",
        "高峰期间交通拥堵，文明城市建设，我的音乐老师很好，百姓很无奈，姓名一栏空着。",
        "身份证号码*****************，电话138****5678。",
    ],
)
def test_sec6_official_units_places_dates_amounts_and_case_numbers_stay(text):
    result = scrub(text)
    assert result.found == []
    assert result.text == text


@pytest.mark.parametrize(
    "text",
    [
        "白云路成断头路两年了。",  # a road (jieba: one "name" token ending 路)
        "万科白鹭郡小区信号差。",  # an estate
        "负责谷山隧道的测量，武广新城的开发，小学万博汇校区的划分。",  # before a place word
        "温斯顿英语培训学校拖延退费。",  # a firm
        "拖欠工资未付清，讲申请书已经遗失。",  # everyday words jieba's dictionary tags nr
        "祝您工作顺利，路口请向左转。",
    ],
)
def test_sec6_places_firms_and_everyday_words_are_not_taken_for_names(text):
    """Scrubbing what is not a person spoils the published text (the road, estate or firm is
    what a message is about) without protecting anyone."""
    assert scrub(text).found == []


def test_sec6_a_name_before_an_ordinary_word_is_still_replaced():
    assert scrub("居民王建国反映小区噪音，赵晓燕也反映了。").text == "居民【姓名】反映小区噪音，【姓名】也反映了。"


def test_found_is_sorted_and_spans_cover_what_was_replaced():
    text = "王先生电话13912345678，李女士住解放路8号。"
    result = scrub(text)
    assert result.found == sorted(result.found, key=lambda f: f.span)
    assert all(isinstance(f, Finding) for f in result.found)
    rebuilt, last = [], 0
    for f in result.found:
        rebuilt += [text[last : f.span[0]], PLACEHOLDERS[f.kind]]
        last = f.span[1]
    assert "".join([*rebuilt, text[last:]]) == result.text
    assert scrub("") == ("", [])


# --- properties ----------------------------------------------------------------------------------

_cjk_context = st.text(alphabet=st.sampled_from("的了我在市区反映问题小区物业噪音施工请尽快处理，。！"), max_size=30)


@st.composite
def mobiles(draw):
    digits = "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    sep = draw(st.sampled_from(["", " ", "-"]))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "86-", "0086"]))
    return prefix + digits[:3] + sep + digits[3:7] + sep + digits[7:]


@st.composite
def id_numbers(draw):
    area = draw(st.integers(110000, 659999))
    birth = date(1930, 1, 1) + timedelta(days=draw(st.integers(0, 365 * 90)))
    seq = draw(st.integers(0, 999))
    number = with_check_digit(f"{area}{birth:%Y%m%d}{seq:03d}")
    return number if draw(st.booleans()) else number.lower()


def leftover_mobile(text):
    return re.search(r"1[3-9]\d{9}", re.sub(r"[\s+-]", "", text))


def leftover_id(text):
    return any(valid_id18(m) for m in re.findall(r"(?=([1-9]\d{16}[\dXx]))", text))


@settings(max_examples=40, deadline=None)
@given(before=_cjk_context, after=_cjk_context, phone=mobiles(), ident=id_numbers())
def test_sec6_property_no_valid_phone_or_id_number_survives(before, after, phone, ident):
    assert valid_id18(ident)
    result = scrub(f"{before}{phone}{after}身份证{ident}{before}")
    assert not leftover_mobile(result.text)
    assert not leftover_id(result.text)
    assert "【手机号】" in result.text and "【身份证号】" in result.text


@settings(max_examples=60, deadline=None)
@given(day=st.dates(date(1990, 1, 1), date(2030, 12, 31)), amount=st.integers(1, 10**7),
       height=st.integers(1, 600), floors=st.integers(1, 120), case=st.integers(1, 9999))
def test_sec6_property_dates_amounts_heights_and_case_numbers_are_kept(day, amount, height, floors, case):
    text = (f"{day.year}年{day.month}月{day.day}日报告，涉及金额{amount}元，建筑高度{height}米，共{floors}层，"
            f"案号（{day.year}）晋02民初{case}号。")
    assert scrub(text) == (text, [])


@pytest.mark.shared_data
def test_sec6_real_messages_lose_every_mobile_number():
    """附件4 messages: no 11-digit mobile number survives scrubbing, and most text does."""
    path = Path("/work/shared/data/tipdm2020c/attachment4_messages_replies.csv")
    if not path.exists():
        pytest.skip("shared data /work/shared/data is missing")
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:200]
    kept = total = 0
    for r in rows:
        text = r["留言详情"]
        result = scrub(text)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", result.text)
        total += len(text)
        kept += len(text) - sum(f.span[1] - f.span[0] for f in result.found)
    assert kept / total > 0.97


def test_numbers_in_a_messages_own_text_are_masked_like_the_sender_panel():
    """SEC-8: reading a message's text shows its numbers masked (revealing is logged)."""
    from voices.scrub import mask_numbers

    text = "身份证号是140202199001011234，电话13512345678，座机0352-5021234，电话5021234，张三住3号楼"
    assert mask_numbers(text) == (
        "身份证号是140202********1234，电话135****5678，座机035****1234，电话50***34，张三住3号楼"
    )
    assert mask_numbers("路灯不亮已一周") == "路灯不亮已一周"
    assert mask_numbers("") == ""
