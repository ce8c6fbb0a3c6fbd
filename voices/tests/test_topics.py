"""Hot topics among citizens' messages (issue 5): voices/textmodel/topics.py."""

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from voices.textmodel.text import STOP_WORDS, words
from voices.textmodel.topics import Message, Topic, hot_topics, rank_topics

START = datetime(2026, 11, 2)
END = START + timedelta(days=14)

NOISE = [  # (subject, body): the same matter, written by different citizens
    "锦绣花园小区旁工地夜间施工噪音扰民", "锦绣花园小区附近工地每天夜里施工到凌晨，噪音太大，孩子老人无法入睡。",
    "锦绣花园工地夜间施工噪音严重", "锦绣花园小区旁边的工地晚上十二点还在施工，噪音扰民，请城管执法。",
    "投诉锦绣花园旁工地夜间噪音", "锦绣花园小区居民反映，附近工地夜间违规施工，噪音扰民严重。",
    "锦绣花园工地噪音扰民", "锦绣花园旁工地夜间施工，机器轰鸣，噪音扰民，希望夜间停工。",
]
WAGES = [
    "宏达建筑公司拖欠农民工工资", "宏达建筑公司拖欠我们农民工三个月工资，老板避而不见。",
    "讨要宏达建筑公司欠薪", "宏达建筑公司拖欠农民工工资，春节前仍未发放，请劳动监察介入。",
    "宏达建筑公司欠薪问题", "我们在宏达建筑公司工地干活，工资被拖欠半年，农民工生活困难。",
]
BUS = [
    "建议增加北山县到县城的公交班次", "北山县青石镇到县城的公交车每天只有两班，建议增加公交班次。",
    "北山县公交班次太少", "北山县青石镇村民进城坐公交很难，公交班次太少，请增加班次。",
]
LONERS = [
    "咨询独生子女奖励政策", "请问退休职工的独生子女奖励费在哪里领取？",
    "图书馆开放时间", "市图书馆周一闭馆，能否调整开放时间方便上班族？",
]


def as_messages(pairs, prefix, start, step_hours=13, votes=0, district="平安区"):
    out = []
    for i in range(0, len(pairs), 2):
        n = i // 2
        out.append(Message(f"{prefix}{n}", pairs[i] + "\n" + pairs[i + 1], start + timedelta(hours=step_hours * n),
                           {"votes": votes + n, "district": district}))
    return out


@pytest.fixture
def messages():
    return (
        as_messages(NOISE, "noise", START + timedelta(days=1), votes=1)
        + as_messages(WAGES, "wage", START + timedelta(days=8), votes=50, district="东湖区")
        + as_messages(BUS, "bus", START + timedelta(days=3))
        + as_messages(LONERS, "single", START + timedelta(days=2))
        # the previous period (same length, just before START): one earlier noise complaint
        + as_messages(NOISE[:2], "old-noise", START - timedelta(days=3))
        # outside both periods
        + as_messages(BUS[:2], "late-bus", END + timedelta(days=1))
    )


def test_topics_group_the_same_matter_and_leave_singletons_out(messages):
    topics = hot_topics(messages, period_start=START, period_end=END)
    ids = [set(t.message_ids) for t in topics]
    assert ids == [{"noise0", "noise1", "noise2", "noise3"}, {"wage0", "wage1", "wage2"}, {"bus0", "bus1"}]
    assert [t.rank for t in topics] == [1, 2, 3]
    assert all(isinstance(t, Topic) and t.count == len(t.message_ids) for t in topics)


def test_every_message_id_is_traceable_in_order_received(messages):
    noise = hot_topics(messages, period_start=START, period_end=END)[0]
    assert noise.message_ids == ("noise0", "noise1", "noise2", "noise3")
    assert noise.first_received_at == START + timedelta(days=1)
    assert set(noise.representative_ids) <= set(noise.message_ids)
    assert 1 <= len(noise.representative_ids) <= 3


def test_labels_are_readable_chinese_words_without_stop_words(messages):
    for topic in hot_topics(messages, period_start=START, period_end=END):
        assert 1 <= len(topic.label) <= 4
        assert all(len(w) >= 2 and w not in STOP_WORDS for w in topic.label)
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in w) for w in topic.label)
    noise, wages, bus = hot_topics(messages, period_start=START, period_end=END)
    assert {"锦绣花园", "噪音"} & set(noise.label)
    assert {"宏达", "拖欠", "农民工", "工资"} & set(wages.label)
    assert "公交" in "".join(bus.label) or "班次" in bus.label


def test_trend_counts_the_previous_period_and_weeks(messages):
    noise, wages, bus = hot_topics(messages, period_start=START, period_end=END)
    assert noise.previous_count == 1 and noise.change == 3 and noise.growth == 4.0
    assert wages.previous_count == 0 and wages.growth is None
    assert [d for d, _ in noise.weekly] == [START.date(), (START + timedelta(days=7)).date()]
    assert sum(c for _, c in noise.weekly) == noise.count
    assert wages.weekly[0][1] == 0 and wages.weekly[1][1] == 3


def test_the_trend_can_count_the_calendars_weeks_in_the_periods_time_zone():
    """With `week_start` (the statistics pages' Monday weeks) each message counts in the week
    of its day where the period is (Asia/Shanghai), whatever zone its time comes in."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    start, end = datetime(2026, 11, 1, tzinfo=shanghai), datetime(2026, 11, 21, tzinfo=shanghai)  # Sun to Fri
    # Monday Nov 9, 01:00 in Shanghai is still Sunday Nov 8 in UTC: its week is the one from Nov 9.
    late_sunday_utc = datetime(2026, 11, 8, 17, 0, tzinfo=UTC)
    noise = [Message(f"n{i}", NOISE[2 * i] + "\n" + NOISE[2 * i + 1], moment) for i, moment in enumerate(
        [datetime(2026, 11, 1, 9, tzinfo=shanghai), datetime(2026, 11, 3, 9, tzinfo=shanghai), late_sunday_utc])]

    def monday(day):
        return day - timedelta(days=day.weekday())

    [topic] = hot_topics(noise, period_start=start, period_end=end, week_start=monday)
    assert [(d.isoformat(), n) for d, n in topic.weekly] == [
        ("2026-10-26", 1), ("2026-11-02", 1), ("2026-11-09", 1), ("2026-11-16", 0)]
    assert hot_topics(list(reversed(noise)), period_start=start, period_end=end, week_start=monday) == [topic]


def test_previous_messages_can_be_passed_separately(messages):
    current = [m for m in messages if not m.id.startswith("old-")]
    earlier = [m for m in messages if m.id.startswith("old-")]
    assert hot_topics(current, period_start=START, period_end=END)[0].previous_count == 0
    assert hot_topics(current, period_start=START, period_end=END, previous=earlier)[0].previous_count == 1


def test_ranking_by_votes_and_facets(messages):
    by_votes = hot_topics(messages, period_start=START, period_end=END, rank_by="votes")
    assert by_votes[0].message_ids[0] == "wage0"
    assert by_votes[0].votes == 50 + 51 + 52
    assert dict(by_votes[0].facets)["district"] == (("东湖区", 3),)
    assert [t.rank for t in rank_topics(by_votes, by="count")] == [1, 2, 3]
    assert rank_topics(by_votes, by="count")[0].message_ids[0] == "noise0"
    with pytest.raises(ValueError):
        rank_topics(by_votes, by="colour")


def test_same_input_in_any_order_gives_the_same_topics(messages):
    first = hot_topics(messages, period_start=START, period_end=END, seed=3)
    shuffled = messages[:]
    random.Random(9).shuffle(shuffled)
    assert hot_topics(shuffled, period_start=START, period_end=END, seed=3) == first
    as_tuples = [(m.id, m.text, m.received_at, dict(m.extras)) for m in shuffled]
    assert hot_topics(as_tuples, period_start=START, period_end=END, seed=3) == first


def test_max_topics_min_count_and_empty_periods(messages):
    assert len(hot_topics(messages, period_start=START, period_end=END, max_topics=1)) == 1
    assert hot_topics(messages, period_start=START, period_end=END, min_count=4)[0].count == 4
    assert hot_topics(messages, period_start=END + timedelta(days=30), period_end=END + timedelta(days=31)) == []
    with pytest.raises(ValueError):
        hot_topics(messages, period_start=END, period_end=START)


def test_large_inputs_are_split_first_and_still_cluster(messages):
    """Above max_direct the messages are pre-split with a seeded MiniBatchKMeans."""
    topics = hot_topics(messages, period_start=START, period_end=END, max_direct=6)
    assert sum(t.count for t in topics) >= 7
    assert topics == hot_topics(messages, period_start=START, period_end=END, max_direct=6)


@pytest.mark.shared_data
def real_messages(start: datetime, end: datetime) -> list[Message]:
    """附件3's messages received in [start, end) (subject + body, 点赞数 as votes); skips the
    test when the shared data is missing."""
    path = Path("/work/shared/data/tipdm2020c/attachment3_messages_votes.csv")
    if not path.exists():
        pytest.skip("shared data /work/shared/data is missing")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for r in rows:
        when = datetime.strptime(r["留言时间"].strip().replace("-", "/"), "%Y/%m/%d %H:%M:%S")
        if start <= when < end:
            out.append(Message(r["留言编号"], r["留言主题"] + "\n" + r["留言详情"], when, {"votes": int(r["点赞数"])}))
    return out


def test_hot_topics_of_the_real_messages():
    msgs = real_messages(datetime(2019, 11, 1), datetime(2019, 12, 1))
    topics = hot_topics(msgs, period_start=datetime(2019, 11, 1), period_end=datetime(2019, 12, 1))
    assert len(topics) == 10
    assert topics[0].count >= 3
    assert topics == sorted(topics, key=lambda t: (-t.count, -t.votes, t.first_received_at))
    assert all(t.label for t in topics)


def test_an_anonymised_place_marker_does_not_glue_itself_to_the_next_word():
    """Published boards write "A2区丽发新城": jieba alone cuts 区丽发, so the same estate had two
    spellings (丽发 / 区丽发) and its messages fell into two topics."""
    assert words("A2区丽发新城附近修建搅拌厂") == words("丽发新城附近修建搅拌厂")
    assert "丽发" in words("A市暮云街道丽发新城社区搅拌站灰尘")
    assert "市场" in words("USA市场")  # letters before the marker: not a marker


def test_the_citys_own_place_names_are_cut_whole_when_given():
    # A name no other test teaches (jieba's dictionary is process-wide): 白杨 / 湾区 untaught.
    estate = [("白杨湾区锦绣花园工地噪音", "白杨湾区锦绣花园旁工地夜间施工，噪音扰民。")] * 3
    pairs = [part for pair in estate for part in pair]
    [topic] = hot_topics(as_messages(pairs, "m", START), period_start=START, period_end=END,
                         place_names=["白杨湾区"])
    assert "湾区" not in topic.label
    assert "白杨湾区" in words("白杨湾区的路灯坏了")


@pytest.mark.shared_data
def test_one_matter_written_many_ways_is_one_topic_on_the_real_messages():
    """附件3, 2019-Q4: residents of 丽发新城 wrote about one concrete plant as 搅拌站, 搅拌厂 and
    混凝土搅拌站. At a cut of 0.3 they fell into two topics (19 and 9 messages), so the city's
    biggest worry of the quarter showed as two smaller ones; it is one topic, and every
    message in it is about that plant or that estate."""
    msgs = real_messages(datetime(2019, 10, 1), datetime(2020, 1, 1))
    texts = {m.id: m.text for m in msgs}
    top = hot_topics(msgs, period_start=datetime(2019, 10, 1), period_end=datetime(2020, 1, 1))[0]
    assert {"189950", "267050"} <= set(top.message_ids)  # 搅拌站 and 搅拌厂
    assert top.count >= 40
    assert all("搅拌" in texts[i] or "丽发" in texts[i] for i in top.message_ids)
