"""Likely-duplicate detection of citizens' messages (issue 5): voices/textmodel/duplicates.py."""

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bench.voices_rewording import KINDS, reword
from voices.textmodel.duplicates import DEFAULT_THRESHOLD, DuplicateIndex, Match, similarity
from voices.textmodel.text import normalise_for_matching

MESSAGES = {
    "m1": "测试市平安区幸福路小学门口早晚高峰车辆乱停乱放，学生过马路非常危险，希望交警部门在上下学时段派人维持秩序，"
    "并在路口设置减速带和人行横道信号灯。",
    "m2": "测试市东湖区锦绣花园小区物业长期不作为，电梯经常故障停运，地下车库积水严重，业主多次反映无果，"
    "请住建局督促物业公司整改并公开维修资金的使用情况。",
    "m3": "本人在测试市新城区一家餐饮公司工作了两年，公司拖欠我和二十多名同事三个月工资共计十几万元，"
    "老板一直推脱说资金紧张，请劳动监察部门帮我们讨回血汗钱。",
    "m4": "测试市平安区幸福路小学附近新开了一家网吧，经常有未成年人出入，噪音也很大，影响学生学习和居民休息，"
    "请文化执法部门检查其经营许可。",
    "m5": "测试市北山县青石镇到县城的公交车每天只有两班，村民看病上学很不方便，建议增加班次或开通农村客运线路，"
    "方便山区群众出行。",
    "m6": "测试市东湖区锦绣花园小区门口的垃圾站每天散发臭味，夏天蚊蝇成群，希望环卫部门增加清运次数并做好消毒。",
}


@pytest.fixture
def index():
    return DuplicateIndex.from_pairs(MESSAGES.items())


def test_a_repost_is_found_first_with_score_one(index):
    matches = index.query(MESSAGES["m2"], exclude=None)
    assert matches[0] == Match("m2", 1.0)
    assert index.is_duplicate(matches[0].score)


@pytest.mark.parametrize("kind", KINDS)
def test_reworded_copies_of_each_kind_are_flagged_as_duplicates(index, kind):
    rng = random.Random(kind)
    for key, text in MESSAGES.items():
        copy = reword(text, kind, rng)
        best = index.query(copy, limit=1)[0]
        assert best.key == key
        assert index.is_duplicate(best.score), (kind, copy, best)


def test_greetings_padding_and_punctuation_do_not_matter():
    original = MESSAGES["m3"]
    copy = "尊敬的领导：您好！\n\t\t\t  " + original.replace("，", ",").replace("。", "!!") + "  谢谢！\n\t\t"
    assert normalise_for_matching(copy) == normalise_for_matching(original)
    assert similarity(original, copy) == 1.0


def test_different_messages_on_the_same_street_or_estate_are_not_duplicates(index):
    """Hard negatives: same place, different matter (m1/m4 幸福路小学, m2/m6 锦绣花园)."""
    assert not index.is_duplicate(similarity(MESSAGES["m1"], MESSAGES["m4"]))
    assert not index.is_duplicate(similarity(MESSAGES["m2"], MESSAGES["m6"]))
    for key, text in MESSAGES.items():
        others = [m for m in index.query(text, limit=10, exclude=key) if index.is_duplicate(m.score)]
        assert others == []


def test_results_are_sorted_limited_and_floored(index):
    copy = MESSAGES["m1"][:40]
    matches = index.query(copy, limit=3)
    assert len(matches) <= 3
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(0.0 < m.score <= 1.0 for m in matches)
    assert all(m.score >= 0.5 for m in index.query(copy, min_score=0.5))
    assert index.query("", limit=5) == []
    assert index.query(copy, limit=0) == []


def test_add_remove_and_replace_keep_the_index_current():
    index = DuplicateIndex(seal_every=2)  # seal often: exercise both the sealed and pending parts
    for key, text in MESSAGES.items():
        index.add(key, text)
    assert len(index) == len(MESSAGES)
    assert index.query(MESSAGES["m5"], limit=1)[0].key == "m5"
    assert index.remove("m5")
    assert not index.remove("m5")
    assert "m5" not in index
    assert all(m.key != "m5" for m in index.query(MESSAGES["m5"]))
    index.add("m1", MESSAGES["m5"])  # the same key with a new text replaces the old one
    assert index.query(MESSAGES["m5"], limit=1)[0] == Match("m1", 1.0)
    assert all(m.key != "m1" for m in index.query(MESSAGES["m1"], min_score=DEFAULT_THRESHOLD))
    index.add("m7", MESSAGES["m6"])  # pending, not yet sealed
    assert {m.key for m in index.query(MESSAGES["m6"], min_score=0.99)} == {"m6", "m7"}
    assert index.query(MESSAGES["m6"], min_score=0.99, exclude="m6") == [Match("m7", 1.0)]


def test_ties_are_broken_by_insertion_order_and_results_are_deterministic():
    index = DuplicateIndex()
    for key in ("z", "a", "m"):
        index.add(key, MESSAGES["m3"])
    assert [m.key for m in index.query(MESSAGES["m3"])] == ["z", "a", "m"]
    rebuilt = DuplicateIndex.from_pairs([(k, MESSAGES["m3"]) for k in ("z", "a", "m")])
    assert rebuilt.query(MESSAGES["m3"][:50]) == index.query(MESSAGES["m3"][:50])


def test_dumps_and_loads_round_trip(index):
    index.add(99, MESSAGES["m4"] + "补充：晚上十点以后仍然营业。")
    blob = index.dumps()
    assert isinstance(blob, bytes)
    again = DuplicateIndex.loads(blob)
    assert len(again) == len(index)
    assert again.threshold == index.threshold
    for text in MESSAGES.values():
        assert again.query(text) == index.query(text)
    with pytest.raises(ValueError):
        DuplicateIndex.loads(b"PK\x03\x04 not an index")
    with pytest.raises(ValueError):
        DuplicateIndex.loads(blob[: len(blob) // 2])


def test_a_short_truncated_copy_of_a_long_message_still_matches():
    long = "".join(MESSAGES.values())
    index = DuplicateIndex.from_pairs([("long", long), ("m5", MESSAGES["m5"])])
    half = long[: len(long) // 2]
    assert index.is_duplicate(index.query(half, limit=1)[0].score)


_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_texty = st.text(alphabet=st.one_of(_cjk, st.sampled_from("，。！？ 、0123456789abc\n\t")), min_size=1, max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texty)
def test_any_text_is_a_perfect_duplicate_of_itself(text):
    assume(normalise_for_matching(text))
    assert similarity(text, text) == 1.0
    index = DuplicateIndex.from_pairs([("self", text)])
    assert index.query(text, limit=1) == [Match("self", 1.0)]


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=_cjk, min_size=30, max_size=300), kind=st.sampled_from(KINDS), seed=st.integers(0, 10**6))
def test_generated_rewordings_score_above_the_threshold(text, kind, seed):
    # A message, not one character repeated: its trigrams must say something. Distinct
    # characters are not enough (23 × 一 then 7 others: a cut copy keeps only 一一一).
    grams = [text[i : i + 3] for i in range(len(text) - 2)]
    assume(len(set(text)) >= 8 and len(set(grams)) >= 0.8 * len(grams))
    copy = reword(text, kind, random.Random(seed))
    assert similarity(text, copy) >= DEFAULT_THRESHOLD, (kind, copy)


@pytest.mark.shared_data
def test_real_reposts_in_the_shared_data_are_found():
    """The 55 rows of 附件3 that repeat another row's 主题+详情 all find that row."""
    path = Path("/work/shared/data/tipdm2020c/attachment3_messages_votes.csv")
    if not path.exists():
        pytest.skip("shared data /work/shared/data is missing")
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    index = DuplicateIndex.from_pairs((r["留言编号"], r["留言主题"] + "\n" + r["留言详情"]) for r in rows)
    first = {}
    reposts = 0
    for r in rows:
        ident = (r["留言主题"], r["留言详情"])
        if ident not in first:
            first[ident] = r["留言编号"]
            continue
        reposts += 1
        matches = index.query(r["留言主题"] + "\n" + r["留言详情"], limit=10, exclude=r["留言编号"])
        assert first[ident] in {m.key for m in matches if index.is_duplicate(m.score)}
    assert reposts == 55
