"""Hot topics among citizens' messages: which matters do many people write about, and is it growing?

    topics = hot_topics(
        [(m.pk, m.subject + "\\n" + m.body, m.received_at, {"district": m.district.name, "votes": m.likes})
         for m in messages],
        period_start=datetime(2026, 11, 1, tzinfo=tz), period_end=datetime(2026, 12, 1, tzinfo=tz),
    )
    for t in topics: t.rank, t.label, t.count, t.previous_count, t.message_ids, t.representative_ids

How it works
------------
- Messages received in [period_start, period_end) are clustered. Each text is cut into words by
  jieba (precise mode); stop words (text.STOP_WORDS: function words, message formulae, anonymised
  place markers, set apart from the next word first) and one-character words are dropped; the
  city's own place names (`place_names`, its districts) are taught to jieba as whole words.
  Each message becomes a TF-IDF vector (sublinear term frequency, L2-normalised).
- Average-linkage agglomerative clustering on cosine distance, cut where the average similarity
  within a cluster falls below `similarity` (default 0.2): a topic is a specific matter (one
  estate's noise, one company's unpaid wages), not a broad category. Why 0.2: long messages
  about one matter share few words beyond its names (one plant written 搅拌站, 搅拌厂 and
  混凝土搅拌站 in 附件3), and at 0.3 the quarter's biggest matter fell into two topics; at 0.2
  it is one (46 messages, every one about that plant or estate) and the other top topics stay
  specific (bench/bench_voices_topics.py). Above `max_direct`
  (6,000) messages, MiniBatchKMeans (seeded) first splits them into blocks of about 3,000 and
  each block is clustered on its own.
- A topic needs `min_count` (2) messages. Its label is the 4 label words (`label_word`: nouns,
  verbs and set phrases by jieba's dictionary tags; not adverbs, numerals, measure words,
  pronouns, directions, times or distinguishing words such as 一会儿, 以上, 全是, 先出, 临时)
  with the largest summed TF-IDF weight in the cluster (a word inside an already chosen word
  is skipped). The filter touches the label only: the clustering reads every word as before.
  Labels are worked out for the topics returned only (after ranking and `max_topics`). Tried
  and dropped: weighting each word by the share of its messages that fall in the topic
  (c-TF-IDF-like distinctiveness); on 附件3 it chose words one message used (媳妇, 何去何从,
  广铁集团) over the matter's names.
  Its representative messages are the 3 closest to the centroid with different titles (the
  text's first line: the statistics pages give "subject\nbody"), so a matter written under
  one title many times shows that title once.
- Trend: the previous period has the same length and ends at period_start. Its messages (from
  `previous` if given, else from `messages`) are each assigned to the nearest topic centroid when
  at least `similarity` alike; `previous_count` counts them. `weekly` counts the topic's messages
  per week of the calendar given as `week_start` (the statistics pages: ISO weeks, from Monday,
  in period_start's time zone), or per 7-day bin from period_start without it.
- Ranking: by count, then votes (extras "votes", e.g. 点赞数), then first message received; or
  `rank_by="votes"` / `"heat"` (count + log2(1 + votes)); see `rank_topics`.

Deterministic: messages are sorted by (received_at, str(id)) before anything else, jieba and the
clustering are deterministic, and the seed fixes the k-means split, so the same messages in any
order give the same topics. One caveat: place names taught to jieba stay taught for the rest of
the process (text.add_place_words), so the same messages give the same topics when given the
same `place_names`, as the statistics pages always do (their congress's districts).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np

from voices.textmodel.text import add_place_words, compact, jieba_ready, words

DEFAULT_SIMILARITY = 0.2
LABEL_WORDS = 4
REPRESENTATIVES = 3
RANKINGS = ("count", "votes", "heat")


@dataclass(frozen=True)
class Message:
    id: Hashable
    text: str
    received_at: datetime
    extras: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Topic:
    rank: int
    label: tuple[str, ...]
    #: every message of the topic in the period, in the order received (traceable)
    message_ids: tuple
    count: int
    #: messages of the previous period of the same length that fall in this topic
    previous_count: int
    #: (first day of the week, messages), every week of the period in order (see `week_start`)
    weekly: tuple[tuple[date, int], ...]
    #: the messages closest to the topic's centroid with different titles (first lines), closest first
    representative_ids: tuple
    #: the sum of extras["votes"] (e.g. 点赞数) of its messages
    votes: int
    first_received_at: datetime
    last_received_at: datetime
    #: for each string-valued extra (district, category…): (value, messages), most frequent first
    facets: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()

    @property
    def change(self) -> int:
        """Messages this period minus messages in the previous period."""
        return self.count - self.previous_count

    @property
    def growth(self) -> float | None:
        """count / previous_count (None when the topic had no messages before: new)."""
        return self.count / self.previous_count if self.previous_count else None

    @property
    def heat(self) -> float:
        return self.count + math.log2(1 + max(self.votes, 0))


def _as_message(item) -> Message:
    if isinstance(item, Message):
        return item
    if isinstance(item, Mapping):
        return Message(item["id"], item["text"], item["received_at"], item.get("extras") or {})
    ident, text, received_at, *rest = item
    return Message(ident, text, received_at, rest[0] if rest and rest[0] else {})


def _votes(message: Message) -> int:
    try:
        return int(message.extras.get("votes") or 0)
    except (TypeError, ValueError):
        return 0


def _ordered(messages: Iterable, start: datetime, end: datetime) -> list[Message]:
    chosen = [m for m in map(_as_message, messages) if start <= m.received_at < end]
    chosen.sort(key=lambda m: (m.received_at, str(m.id)))
    return chosen


def _cluster(matrix, similarity: float, seed: int, max_direct: int) -> np.ndarray:
    """Cluster labels (ints) for the rows of an L2-normalised sparse matrix."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = matrix.shape[0]
    labels = np.zeros(n, dtype=np.int64)
    if n == 1:
        return labels
    if n > max_direct:
        from sklearn.cluster import MiniBatchKMeans

        blocks = math.ceil(n / (max_direct // 2))
        coarse = MiniBatchKMeans(n_clusters=blocks, random_state=seed, n_init=3, batch_size=2048).fit_predict(
            matrix
        )
        offset = 0
        for block in range(blocks):
            rows = np.flatnonzero(coarse == block)
            if not rows.size:
                continue
            if rows.size > max_direct:  # an unbalanced split: cut it in order, still deterministic
                parts = np.array_split(rows, math.ceil(rows.size / max_direct))
            else:
                parts = [rows]
            for part in parts:
                sub = _cluster(matrix[part], similarity, seed, max_direct)
                labels[part] = sub + offset
                offset += int(sub.max()) + 1
        return labels
    sims = (matrix @ matrix.T).toarray()
    np.clip(sims, 0.0, 1.0, out=sims)
    distances = 1.0 - sims
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    return fcluster(tree, t=1.0 - similarity, criterion="distance").astype(np.int64) - 1


#: jieba's part-of-speech tags of words that say nothing about which matter a topic is (its
#: dictionary's tags, ICTCLAS set): adjectives and distinguishing words (全是, 临时), adverbs
#: (先出, 时常), numerals and measure words (一会儿, 一趟, 公里), pronouns (他家, 本地), directions
#: (以上, 附近), times (昔日, 过年), conjunctions, prepositions, particles and interjections.
#: Nouns (places and names too), verbs, set phrases and abbreviations stay.
_FILLER_TAGS_TEXT = (
    "a ad ag b bg c d df dg e f h k m mg mq o p q r rg rr rz t tg u ud ug uj ul uv uz vd y yg z zg"
)
FILLER_TAGS = frozenset(_FILLER_TAGS_TEXT.split())
#: Words the dictionary tags as nouns or verbs that still name no matter (seen as label words
#: of the demo's and 附件3's topics). For labels only; the clustering reads them as before.
_LABEL_STOP_WORDS_TEXT = "意见 联系 出来 没用 一带 人民 不合理 东西 地方 时间 事情 办法 结果 原因 方面"
LABEL_STOP_WORDS = frozenset(_LABEL_STOP_WORDS_TEXT.split())


@functools.cache
def _posseg():
    """jieba.posseg, imported once: it reads the dictionary's tags when imported (about a second
    once a process)."""
    jieba_ready()
    from jieba import posseg

    return posseg


def label_word(word: str) -> bool:
    """Whether a (readable, text.words) word may be a topic's label word: not in
    LABEL_STOP_WORDS, not a count (几…, 每…), and its tag not in FILLER_TAGS. The tag is the
    dictionary's; a word the dictionary lacks (jieba's HMM joined it: 丽发, 尚层, 全是, 先出) is
    tagged by jieba.posseg's own cut of the word alone, which names the new names (丽发 nt, 尚层 n)
    and splits the glued function words (全 a + 是, 先 d + 出): the first piece's tag decides. A
    place name taught with text.add_place_words is tagged x and passes. Measured on 附件3 2019-Q4
    (942 messages, 133 topics): posseg is asked about the few dictionary-less candidates only,
    under 1 ms each; cutting every text with posseg instead would cost seconds."""
    if word in LABEL_STOP_WORDS or word[:1] in "几每":
        return False
    posseg = _posseg()
    tag = posseg.dt.word_tag_tab.get(word)
    if tag is None:
        pieces = posseg.lcut(word)
        tag = pieces[0].flag if pieces else None
    return tag not in FILLER_TAGS


def _label(rows: np.ndarray, matrix, vocabulary: np.ndarray) -> tuple[str, ...]:
    weights = np.asarray(matrix[rows].sum(axis=0)).ravel()
    present = np.asarray((matrix[rows] > 0).sum(axis=0)).ravel()
    # weight first, then how many messages use the word, then the word itself: deterministic
    order = np.lexsort((vocabulary, -present, -np.round(weights, 9)))
    chosen: list[str] = []
    for i in order:
        if weights[i] <= 0 or len(chosen) >= LABEL_WORDS:
            break
        word = str(vocabulary[i])
        if any(word in c or c in word for c in chosen) or not label_word(word):
            continue
        chosen.append(word)
    return tuple(chosen)


def _title(text: str) -> str:
    """A message's title for telling representatives apart: its first line, compacted."""
    return compact(text.split("\n", 1)[0])


def _representatives(members: Sequence[Message], closeness: np.ndarray) -> tuple:
    """The ids of the REPRESENTATIVES members closest to the centroid whose titles differ."""
    nearest = sorted(range(len(members)), key=lambda i: (-round(float(closeness[i]), 9), i))
    chosen: list = []
    titles: set[str] = set()
    for i in nearest:
        title = _title(members[i].text)
        if title in titles:
            continue
        titles.add(title)
        chosen.append(members[i].id)
        if len(chosen) == REPRESENTATIVES:
            break
    return tuple(chosen)


def _facets(members: Sequence[Message]) -> tuple:
    keys = sorted({k for m in members for k, v in m.extras.items() if isinstance(v, str) and v})
    out = []
    for key in keys:
        counts = Counter(
            m.extras[key] for m in members if isinstance(m.extras.get(key), str) and m.extras[key]
        )
        out.append((key, tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3])))
    return tuple(out)


def rank_topics(topics: Iterable[Topic], by: str = "count") -> list[Topic]:
    """Topics ordered by `by` ("count", "votes" or "heat"), ties by first message received; re-numbered."""
    if by not in RANKINGS:
        raise ValueError(f"rank by one of {RANKINGS}")
    keys = {
        "count": lambda t: (-t.count, -t.votes),
        "votes": lambda t: (-t.votes, -t.count),
        "heat": lambda t: (-t.heat, -t.count),
    }[by]
    ordered = sorted(topics, key=lambda t: (*keys(t), t.first_received_at, str(t.message_ids[0])))
    return [_renumber(t, i + 1) for i, t in enumerate(ordered)]


def _renumber(topic: Topic, rank: int) -> Topic:
    return replace(topic, rank=rank)


def _weeks(
    period_start: datetime, period_end: datetime, week_start: Callable[[date], date] | None
) -> tuple[Callable[[datetime], date], list[date]]:
    """How `weekly` counts: a function giving a message's week (its first day) from its
    received_at, and the weeks of [period_start, period_end) in order.

    With `week_start` (a day -> the first day of its week), the calendar's weeks that the
    period touches, each message in the week of its day in period_start's time zone (the
    first and last weeks may begin before or end after the period). Without it, 7-day bins
    from period_start (the last one holds what is left)."""
    if week_start is None:
        n_weeks = max(1, math.ceil((period_end - period_start) / timedelta(days=7)))
        bins = [(period_start + timedelta(days=7 * w)).date() for w in range(n_weeks)]

        def in_bin(moment: datetime) -> date:
            return bins[min((moment - period_start) // timedelta(days=7), n_weeks - 1)]

        return in_bin, bins
    zone = period_start.tzinfo

    def day_of(moment: datetime) -> date:
        return (moment.astimezone(zone) if zone is not None and moment.tzinfo is not None else moment).date()

    def week_of(moment: datetime) -> date:
        return week_start(day_of(moment))

    weeks = [week_start(period_start.date())]
    last = week_of(period_end - timedelta(microseconds=1))
    while weeks[-1] < last:
        weeks.append(week_start(weeks[-1] + timedelta(days=7)))
    return week_of, weeks


def hot_topics(
    messages: Iterable,
    *,
    period_start: datetime,
    period_end: datetime,
    previous: Iterable | None = None,
    max_topics: int | None = 10,
    seed: int = 0,
    min_count: int = 2,
    similarity: float = DEFAULT_SIMILARITY,
    rank_by: str = "count",
    max_direct: int = 6000,
    place_names: Iterable[str] = (),
    week_start: Callable[[date], date] | None = None,
) -> list[Topic]:
    """The hot topics of [period_start, period_end), best first (see the module docstring).

    messages: Message objects, mappings {"id", "text", "received_at", "extras"}, or tuples
    (id, text, received_at[, extras]); extras may hold "votes" (int) and string facets such as
    "district" or "category". previous: the previous period's messages, if not in `messages`.
    max_topics None: all topics with at least `min_count` messages.
    place_names: the city's own place names (its districts), cut as whole words (text.add_place_words).
    week_start: the calendar's weeks for `weekly` (a day -> the first day of its week, e.g. its
    Monday); without it, 7-day bins from period_start.
    """
    if period_end <= period_start:
        raise ValueError("period_end must be after period_start")
    messages = list(messages)
    current = _ordered(messages, period_start, period_end)
    if not current:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer

    add_place_words(place_names)
    tokens = {}
    for m in current:
        if m.text not in tokens:
            tokens[m.text] = words(m.text)
    vectoriser = TfidfVectorizer(
        analyzer=lambda text: tokens[text] if text in tokens else words(text), sublinear_tf=True, norm="l2"
    )
    try:
        matrix = vectoriser.fit_transform([m.text for m in current]).tocsr()
    except ValueError:  # no words at all
        return []
    vocabulary = vectoriser.get_feature_names_out()
    labels = _cluster(matrix, similarity, seed, max_direct)

    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(row)
    kept = [rows for rows in groups.values() if len(rows) >= min_count]
    if not kept:
        return []

    centroids = np.vstack([np.asarray(matrix[rows].mean(axis=0)).ravel() for rows in kept])
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    centroids = centroids / np.where(norms > 0, norms, 1.0)

    length = period_end - period_start
    earlier = _ordered(messages if previous is None else previous, period_start - length, period_start)
    previous_counts = np.zeros(len(kept), dtype=np.int64)
    if earlier:
        x_prev = vectoriser.transform([m.text for m in earlier])
        sims = np.asarray(x_prev @ centroids.T)
        best = sims.argmax(axis=1)
        for row, topic in enumerate(best.tolist()):
            if sims[row, topic] >= similarity:
                previous_counts[topic] += 1

    week_of, weeks = _weeks(period_start, period_end, week_start)
    topics = []
    for t, rows in enumerate(kept):
        members = [current[r] for r in rows]
        closeness = np.asarray(matrix[rows] @ centroids[t]).ravel()
        per_week = Counter(week_of(m.received_at) for m in members)
        topics.append(
            Topic(
                rank=0,
                label=(),  # labelled below, once ranked: only the topics returned
                message_ids=tuple(m.id for m in members),
                count=len(members),
                previous_count=int(previous_counts[t]),
                weekly=tuple((week, per_week.get(week, 0)) for week in weeks),
                representative_ids=_representatives(members, closeness),
                votes=sum(_votes(m) for m in members),
                first_received_at=members[0].received_at,
                last_received_at=members[-1].received_at,
                facets=_facets(members),
            )
        )
    ranked = rank_topics(topics, by=rank_by)
    if max_topics is not None:
        ranked = ranked[:max_topics]
    rows_of = {tuple(current[r].id for r in rows): rows for rows in kept}
    return [replace(t, label=_label(np.asarray(rows_of[t.message_ids]), matrix, vocabulary)) for t in ranked]
