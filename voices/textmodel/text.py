"""Shared text helpers for citizens' messages: normalisation, greetings, shingles, jieba words.

Pure Python + numpy; no Django. Used by duplicates.py (shingles), topics.py (words) and
voices/scrub.py (jieba set-up). Everything here is deterministic: no Python `hash()` (salted per
process), no randomness.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

#: Whitespace of any kind, including the scraped "\n\t\t\t" padding and the full-width space.
_SPACE_RE = re.compile(r"\s+")

#: Characters that carry content: letters and digits of any script (CJK ideographs are letters).
_NON_WORD_RE = re.compile(r"[\W_]+")

#: Salutations citizens put in front of a message. Stripped before comparing texts so that
#: "尊敬的领导：您好！" + a repost is still the repost. Only at the start, only these shapes.
_GREETING_RE = re.compile(
    r"^(?:"
    r"(?:尊敬|敬爱|亲爱)的[\u4e00-\u9fff]{0,8}?(?:领导|书记|市长|区长|县长|主任|局长|代表|同志|部门|政府)(?:们)?(?:好)?"
    r"|各位(?:领导|代表)(?:们)?(?:好)?"
    r"|(?:领导|市长|书记)(?:们)?好"
    r"|(?:您|你)们?好"
    r"|(?:打扰|麻烦)(?:一下|了|您了)?"
    r")"
)

#: Closing formulae, stripped at the end for the same reason.
_CLOSING_RE = re.compile(
    r"(?:"
    r"此致敬礼|此致|敬礼"
    r"|(?:非常|十分|万分)?(?:感谢|谢谢)(?:您|你|领导|各位领导)?(?:们)?(?:的)?(?:关注|支持|帮助|回复|答复)?"
    r"|(?:望|希望|期待|盼|恳请)(?:领导|有关部门|相关部门)?(?:尽快|早日)?(?:给予)?(?:回复|答复|解决|处理)"
    r")+$"
)


def collapse_space(text: str) -> str:
    """NFKC (full-width → half-width) and runs of whitespace collapsed to one space, trimmed."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


def strip_salutations(compact: str) -> str:
    """Remove leading greetings and trailing closings from a compact (punctuation-free) text.

    Repeated greetings ("尊敬的领导您好") are removed one after another. If nothing would be
    left, the text is returned unchanged (a message that is only "您好" is still a message).
    """
    out = compact
    for _ in range(4):
        stripped = _GREETING_RE.sub("", out, count=1)
        if stripped == out:
            break
        out = stripped
    out = _CLOSING_RE.sub("", out)
    return out or compact


def compact(text: str) -> str:
    """The content characters of `text`: NFKC, lower-case, no whitespace, no punctuation.

    Re-punctuated or re-spaced copies of a message give the same compact text.
    """
    return _NON_WORD_RE.sub("", unicodedata.normalize("NFKC", text or "").lower())


def normalise_for_matching(text: str) -> str:
    """`compact(text)` without the greeting and closing formulae: what duplicates compare."""
    return strip_salutations(compact(text))


# --- character shingles -----------------------------------------------------------------------


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2's hash-based np.unique is much slower on large int arrays)."""
    if values.size < 2:
        return values.copy()
    ordered = np.sort(values, kind="stable")
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]

#: Golden-ratio multiplier: a deterministic 64-bit mix of the exact shingle code.
_MIX = np.uint64(0x9E3779B97F4A7C15)


def shingle_codes(normalised: str, n: int = 3) -> np.ndarray:
    """Exact codes of the character n-grams (n ≤ 3) of an already normalised text, unique, sorted.

    A code packs the n code points (21 bits each) into one uint64, so two different n-grams never
    share a code. A text shorter than n yields one code for the whole text, with the top bit set
    (n-grams use at most 63 bits, so it cannot equal one). Empty text → empty array.
    """
    if not 1 <= n <= 3:
        raise ValueError("n must be 1, 2 or 3")
    if not normalised:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(normalised.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if points.size < n:
        code = np.uint64(1) << np.uint64(63)
        for i, p in enumerate(points):
            code |= p << np.uint64(21 * i)
        return np.array([code], dtype=np.uint64)
    codes = points[: points.size - n + 1].copy()
    for i in range(1, n):
        codes = (codes << np.uint64(21)) | points[i : points.size - n + 1 + i]
    return sorted_unique(codes)


def hash_columns(codes: np.ndarray, bits: int) -> np.ndarray:
    """Map exact shingle codes to `bits`-bit column numbers (multiplicative hashing), unique, sorted."""
    with np.errstate(over="ignore"):
        mixed = codes * _MIX
    return sorted_unique((mixed >> np.uint64(64 - bits)).astype(np.int64))


# --- jieba words -------------------------------------------------------------------------------


@functools.cache
def jieba_ready():
    """Import jieba once, quietly (its dictionary loads on first use, about a second)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


#: Words that say nothing about what a message is about: function words, message formulae,
#: generic verbs of complaint, the anonymised place markers of the shared data set. Written
#: for this project; used for topic labels and topic features.
_STOP_WORDS_TEXT = """
    的 了 和 与 及 或 而 但 并 就 都 也 还 又 再 才 很 太 更 最 非常 十分 特别 比较 已经 一直 一些 一个 一下
    是否 能否 可否 是不是 有没有 能不能 会不会
    这 那 这个 那个 这些 那些 这里 那里 这样 那样 这种 那种 什么 怎么 怎样 如何 为什么 为何 哪里 哪些 多少
    我 我们 你 你们 您 他 他们 她 她们 它 它们 自己 大家 本人 人家 别人 有人 各位
    是 有 在 被 把 给 让 对 从 向 到 为 以 于 由 将 能 会 要 想 可以 可能 应该 应当 需要 不能 不会 不是 没有 没
    不 也是 还是 就是 只是 但是 因为 所以 如果 虽然 然后 而且 并且 或者 以及 以后 之后 之前 以前 目前 现在 当时 今年 去年
    上 下 中 里 后 前 内 外 时 年 月 日 号 时候 期间 其中 其他 其它 相关 有关 关于 对于 通过 进行 存在 出现 发生
    问题 情况 事情 情形 反映 反应 投诉 举报 咨询 建议 请求 恳请 希望 希望能 要求 请问 请 望 盼 谢谢 感谢 您好 你好
    领导 尊敬 尊敬的 各位领导 政府 有关部门 相关部门 部门 市民 群众 老百姓 百姓 居民 一名 一位 严重 影响
    解决 处理 回复 答复 重视 关注 帮助 支持 调查 落实 尽快 及时 马上 一定 真的 确实 完全 根本 实在
    知道 觉得 认为 表示 告诉 说 看 做 去 来 用 让 搞 弄 得 地 着 过 吗 呢 吧 啊 呀 哦 嘛 么 之 其 该 此 每 各 某
    A市 市 区 县 省 西地省 A1区 A2区 A3区 A4区 A5区 A6区 A7区 A8区 A9区 一 二 三 四 五 六 七 八 九 十 两 几 个 多 少
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def readable_word(word: str) -> bool:
    """A word fit for a label: two or more characters, at least one Chinese character, not a stop word."""
    return len(word) >= 2 and bool(_CJK_RE.search(word)) and word not in STOP_WORDS


#: Anonymised place markers, as published message boards write them ("A市", "A2区", "B3县").
#: jieba glues the division's character to the next word ("A2区丽发新城" → A2 / 区丽发 / 新城),
#: so one estate's messages got two spellings of its name and fell into two topics.
_PLACE_MARKER_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z][0-9]{0,2}[省市区县镇乡])")

#: The place names jieba has been taught in this process (see add_place_words).
_PLACE_WORDS: set[str] = set()


def add_place_words(names: Iterable[str]) -> None:
    """Teach jieba the city's own place names (its districts, counties and towns: configuration,
    not code), so "梧桐湾区丽发新城" is cut 梧桐湾区 / 丽发 / 新城 rather than 梧桐 / 湾区 / 丽发 / 新城.
    Process-wide and idempotent: every later `words` call cuts them whole."""
    jieba = jieba_ready()
    for name in names:
        name = collapse_space(name)
        if len(name) >= 2 and name not in _PLACE_WORDS:
            jieba.add_word(name)
            _PLACE_WORDS.add(name)


def words(text: str) -> list[str]:
    """jieba words (precise mode, HMM on) of `text` that are readable, in order, repeats kept.
    Anonymised place markers are set apart first (see _PLACE_MARKER_RE)."""
    jieba = jieba_ready()
    text = _PLACE_MARKER_RE.sub(r" \1 ", collapse_space(text))
    return [w for w in jieba.lcut(text) if readable_word(w.strip())]
