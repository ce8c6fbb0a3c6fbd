"""Benchmark: hot topics of citizens' messages (issue 5, voices/textmodel/topics.py).

On 附件3 (4,326 messages with 留言时间 and 点赞数/反对数; read in place from /work/shared/data):
1. the whole span (2019-01-01 .. 2020-02-01, one period): time taken and the top 10 topics
   by count, with label words, counts, votes (点赞数) and first message ids;
2. the same, ranked by votes;
3. one quarter (2019-10-01 .. 2020-01-01) against the previous quarter: the trend columns;
4. determinism: the same messages shuffled give the same topics.

Text = 留言主题 + newline + 留言详情. Figures, not pass/fail. Run under flock /tmp/cpu.lock.
"""

from __future__ import annotations

import csv
import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voices.textmodel.text import collapse_space, jieba_ready  # noqa: E402
from voices.textmodel.topics import hot_topics  # noqa: E402

DATA = Path(os.environ.get("DATONG_SHARED_DATA", "/work/shared/data")) / "tipdm2020c"


def parse_time(value: str) -> datetime:
    value = value.strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(f"unknown time format: {value!r}")


def load() -> list[tuple]:
    with open(DATA / "attachment3_messages_votes.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (r["留言编号"], r["留言主题"].strip() + "\n" + collapse_space(r["留言详情"]), parse_time(r["留言时间"]),
         {"votes": int(r["点赞数"] or 0), "against": int(r["反对数"] or 0)})
        for r in rows
    ]


def show(title: str, topics, seconds: float, n: int, subject: dict) -> None:
    print(f"\n{title}: {n:,} messages in the period, {seconds:.1f} s\n")
    head = f"{'#':>2}  {'count':>5}  {'prev':>4}  {'votes':>6}  {'label words':<28}  first ids / representative subject"
    print(head)
    print("-" * len(head))
    for t in topics:
        label = " ".join(t.label)
        ids = ",".join(str(i) for i in t.message_ids[:4]) + ("…" if t.count > 4 else "")
        pad = 28 - sum(2 if ord(c) > 0x2E80 else 1 for c in label)
        print(f"{t.rank:>2}  {t.count:>5}  {t.previous_count:>4}  {t.votes:>6}  {label}{' ' * max(pad, 1)}  {ids}")
        print(f"{'':>2}  {'':>5}  {'':>4}  {'':>6}  {'':<28}  「{subject[t.representative_ids[0]][:34]}」")


def main() -> int:
    if not DATA.is_dir():
        print(f"!! shared data not found at {DATA}: benchmark skipped")
        return 0
    messages = load()
    subject = {m[0]: m[1].partition("\n")[0] for m in messages}
    started = time.perf_counter()
    jieba_ready()
    print(f"jieba dictionary loaded in {time.perf_counter() - started:.1f} s (once per process, not counted below)")

    whole = {"period_start": datetime(2019, 1, 1), "period_end": datetime(2020, 2, 1)}
    started = time.perf_counter()
    by_count = hot_topics(messages, **whole, max_topics=10)
    seconds = time.perf_counter() - started
    n = sum(1 for m in messages if whole["period_start"] <= m[2] < whole["period_end"])
    show("附件3, 2019-01-01 .. 2020-02-01, top 10 by count", by_count, seconds, n, subject)

    started = time.perf_counter()
    every = hot_topics(messages, **whole, max_topics=None)
    seconds = time.perf_counter() - started
    sizes = sorted((t.count for t in every), reverse=True)
    covered = sum(sizes)
    print(f"\nall topics: {len(every)} with ≥ 2 messages, covering {covered:,} of {n:,} messages; "
          f"sizes {sizes[:15]}… ({seconds:.1f} s)")

    started = time.perf_counter()
    by_votes = hot_topics(messages, **whole, max_topics=10, rank_by="votes")
    show("附件3, same period, top 10 by votes (点赞数)", by_votes, time.perf_counter() - started, n, subject)

    quarter = {"period_start": datetime(2019, 10, 1), "period_end": datetime(2020, 1, 1)}
    started = time.perf_counter()
    q_topics = hot_topics(messages, **quarter, max_topics=10)
    seconds = time.perf_counter() - started
    n_q = sum(1 for m in messages if quarter["period_start"] <= m[2] < quarter["period_end"])
    show("附件3, 2019-Q4 against 2019-Q3 (prev = messages of Q3 in the topic)", q_topics, seconds, n_q, subject)
    if q_topics:
        t = q_topics[0]
        print(f"\n  topic 1 weekly: {[c for _, c in t.weekly]}  (weeks from {t.weekly[0][0]})")

    shuffled = messages[:]
    random.Random(1).shuffle(shuffled)
    again = hot_topics(shuffled, **whole, max_topics=10)
    print(f"\ndeterminism: shuffled input gives the same top 10: {again == by_count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
