"""Text normalisation and fast, vectorised n-gram features for citizens' messages.

The predict path must classify ≥ 10,000 messages a second on one core, so it never calls
jieba and never loops over characters in Python. Instead, a whole batch of normalised texts
is joined into one array of code points (one C call), and every n-gram is hashed with numpy:

* character n-grams (default 1–4) over the text with spaces removed, so raw text and
  pre-segmented text (space-separated tokens) give the same character features;
* word n-grams (default 1–2) over the whitespace/punctuation-separated tokens. On
  pre-segmented text these are the jieba words and word pairs; on raw Chinese text they are
  whole clauses, most of which are too rare to survive `min_df` and so cost nothing.

Each n-gram gets a 64-bit polynomial hash (computed from prefix sums, so it depends only on
the n-gram's characters, not on its position), then a bucket in 2**bits. The fitted
`FeatureSpace` keeps only buckets seen in at least `min_df` training documents (and maps
them to consecutive columns), with their IDF. Rows are sublinear TF (1 + log tf) × IDF,
L2-normalised per block (characters, words), the word block scaled by `word_weight`.

Nothing here looks at row numbers or ids: only the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# --- normalisation -----------------------------------------------------------------------

#: Full-width ASCII (U+FF01..U+FF5E) → half-width, the ideographic space → a space.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_HAS_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
#: Whitespace as str.split sees it (str.isspace), by code point: all lie at or below U+3000;
#: one more entry, False, for every code point above (np.take clips to it).
_WHITESPACE = np.array([chr(c).isspace() for c in range(0x3001)] + [False], dtype=bool)


def _fold_whitespace(body: str | np.ndarray) -> str:
    """Every whitespace run → one space, as `" ".join(body.split())` but keeping the ends,
    in numpy: on pre-segmented text `split` makes a string of every word, 4× slower.
    `body` is a text or its UTF-32 code points."""
    codes = body if isinstance(body, np.ndarray) else np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
    space = np.take(_WHITESPACE, codes, mode="clip")
    keep = ~space
    keep[1:] |= ~space[:-1]  # a whitespace character stays if the one before it is not one
    folded = codes[keep]
    folded[space[keep]] = 0x20
    return folded.tobytes().decode("utf-32-le")


def normalise(text: str | None) -> str:
    """Full-width → half-width, lower-case Latin, Excel `_x000D_` and all whitespace runs
    (the scraped "\\n\\t\\t\\t" padding) collapsed to one space, stripped.

    On the predict path: str methods only, translate only when a full-width character is there."""
    if not text:
        return ""
    if _HAS_FULLWIDTH.search(text):
        text = text.translate(_FULLWIDTH)
    text = text.lower()
    if "_x000d_" in text:  # Excel's escaped carriage return, found in exported spreadsheets
        text = text.replace("_x000d_", " ")
    return " ".join(text.split())


def normalise_many(texts: list[str]) -> list[str]:
    """`normalise` for a batch, in a few C-level passes over the joined batch (the predict
    path: per-text `str.translate` alone would cost more than the whole feature extraction)."""
    texts = [t or "" for t in texts]
    body = "\x00".join(texts)
    if len(texts) < 2 or body.count("\x00") != len(texts) - 1:  # a text holds NUL: one by one
        return [normalise(t) for t in texts]
    # One pass in numpy: full-width → half-width and whitespace runs → one space. Lower-casing
    # first gives the same text (full-width capitals lower-case to full-width small letters,
    # which map to the same ASCII letters).
    # Excel's escaped carriage return goes first (before folding, as it becomes a space).
    body = body.lower().replace("_x000d_", " ")
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32).copy()
    codes[(codes >= 0xFF01) & (codes <= 0xFF5E)] -= 0xFEE0
    codes[codes == 0x3000] = 0x20
    body = _fold_whitespace(codes)
    if "_x000d_" in body:  # one written in full-width characters: rare, fold again
        body = _fold_whitespace(body.replace("_x000d_", " "))
    # The ends are stripped below, as " ".join(body.split()) would.
    body = body.replace(" \x00", "\x00").replace("\x00 ", "\x00")
    parts = body.split("\x00")
    parts[0] = parts[0].lstrip(" ")
    parts[-1] = parts[-1].rstrip(" ")
    return parts


def join_columns(row: dict, columns: list[str] | tuple[str, ...]) -> str:
    """The text of a row: its text columns, normalised, joined by a space."""
    return " ".join(part for part in (normalise(row.get(c)) for c in columns) if part)


# --- hashing -----------------------------------------------------------------------------

_P = np.uint64(0x100000001B3)  # odd: invertible modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
_SEPARATOR = 0  # between documents in the joined array
_SPACE = 0x20

#: Characters that end a "word" token (besides whitespace): ASCII and CJK punctuation.
_BOUNDARY_CHARS = (
    " \t\n\r\x00"
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "、。〈〉《》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟・，：；！？（）…—–～·“”‘’"
)
_BOUNDARY = np.array(sorted({ord(c) for c in _BOUNDARY_CHARS}), dtype=np.uint32)

_POWERS: dict[str, np.ndarray] = {"p": np.ones(1, dtype=np.uint64), "inv": np.ones(1, dtype=np.uint64)}


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i (mod 2**64) for i < n, cached and grown on demand."""
    have = _POWERS["p"]
    if have.size < n:
        size = max(n, 2 * have.size)
        with np.errstate(over="ignore"):
            p = np.full(size, _P, dtype=np.uint64)
            p[0] = 1
            inv = np.full(size, _P_INV, dtype=np.uint64)
            inv[0] = 1
            _POWERS["p"] = np.cumprod(p, dtype=np.uint64)
            _POWERS["inv"] = np.cumprod(inv, dtype=np.uint64)
    return _POWERS["p"][:n], _POWERS["inv"][:n]


@dataclass
class _Joined:
    codes: np.ndarray  # uint32 code points, documents separated by _SEPARATOR
    doc: np.ndarray  # int32 document index of each position (separators: the next doc)
    prefix: np.ndarray  # uint64 S[i] = sum_{j<i} c[j] * P**-j, length len(codes) + 1


def _join(texts: list[str], drop_spaces: bool) -> _Joined:
    body = "\x00".join(texts) + "\x00"
    if drop_spaces:
        body = body.replace(" ", "")
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
    is_sep = codes == _SEPARATOR
    doc = np.zeros(codes.size, dtype=np.int32)
    doc[1:] = np.cumsum(is_sep[:-1], dtype=np.int32)
    _p, inv = _powers(codes.size)
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(codes.astype(np.uint64) * inv, out=prefix[1:])
    return _Joined(codes, doc, prefix)


def _span_hash(joined: _Joined, start: np.ndarray, end: np.ndarray, salt: int) -> np.ndarray:
    """Position-independent hash of codes[start:end] for each pair, mixed with `salt`."""
    p, _inv = _powers(joined.codes.size + 1)
    with np.errstate(over="ignore"):
        raw = (joined.prefix[end] - joined.prefix[start]) * p[end - 1]
        raw ^= np.uint64(salt) * _MIX
        return raw * _MIX


def _bucket(hashes: np.ndarray, bits: int) -> np.ndarray:
    return (hashes >> np.uint64(64 - bits)).astype(np.int64)


def char_ngrams(texts: list[str], n_range: tuple[int, int], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(document index, bucket) of every character n-gram (spaces removed), in text order
    (so the document indices never decrease)."""
    joined = _join(texts, drop_spaces=True)
    size = joined.codes.size
    orders = list(range(n_range[0], n_range[1] + 1))
    valid_char = joined.codes != _SEPARATOR
    start = np.arange(size)
    hashes = np.zeros((size, len(orders)), dtype=np.int64)
    valid = np.zeros((size, len(orders)), dtype=bool)
    for column, n in enumerate(orders):
        if size < n:
            continue
        # every character of the window is a real character (no separator inside)
        ok = valid_char[: size - n + 1].copy()
        for k in range(1, n):
            ok &= valid_char[k : size - n + 1 + k]
        valid[: size - n + 1, column] = ok
        first = start[: size - n + 1]
        hashes[: size - n + 1, column] = _bucket(_span_hash(joined, first, first + n, salt=n), bits)
    flat = valid.ravel()
    return np.repeat(joined.doc, len(orders))[flat], hashes.ravel()[flat]


def word_ngrams(texts: list[str], n_range: tuple[int, int], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(document index, bucket) of every word n-gram; words are separated by whitespace or
    punctuation. An n-gram's hash covers its words joined by single spaces."""
    # Punctuation becomes a space, so tokens are the runs between spaces.
    joined = _join(texts, drop_spaces=False)
    codes = joined.codes
    boundary = np.isin(codes, _BOUNDARY)
    if boundary.any():
        # Recompute the prefix with punctuation mapped to a space (separators stay).
        codes = codes.copy()
        codes[boundary & (codes != _SEPARATOR)] = _SPACE
        _p, inv = _powers(codes.size)
        with np.errstate(over="ignore"):
            np.cumsum(codes.astype(np.uint64) * inv, out=joined.prefix[1:])
        joined.codes = codes
    inside = ~boundary
    before = np.concatenate(([False], inside[:-1]))
    after = np.concatenate((inside[1:], [False]))
    starts = np.flatnonzero(inside & ~before)
    ends = np.flatnonzero(inside & ~after) + 1
    if starts.size == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    token_doc = joined.doc[starts]
    docs, buckets, positions = [], [], []
    for n in range(n_range[0], n_range[1] + 1):
        if starts.size < n:
            continue
        first = starts[: starts.size - n + 1]
        last_end = ends[n - 1 :]
        same = token_doc[: starts.size - n + 1] == token_doc[n - 1 :]
        if n > 1:
            # collapse runs of spaces/punctuation between the words: the hash must see
            # exactly one space between words, so hash word by word and combine.
            h = _span_hash(joined, first, ends[: starts.size - n + 1], salt=0)
            with np.errstate(over="ignore"):
                for k in range(1, n):
                    h = h * _P + _span_hash(joined, starts[k : starts.size - n + 1 + k],
                                            ends[k : starts.size - n + 1 + k], salt=0)
                h = (h ^ (np.uint64(1000 + n) * _MIX)) * _MIX
        else:
            h = _span_hash(joined, first, last_end, salt=1000 + n)
        docs.append(token_doc[: starts.size - n + 1][same])
        buckets.append(_bucket(h[same], bits))
        positions.append(np.flatnonzero(same) * 8 + n)
    if not docs:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    order = np.argsort(np.concatenate(positions), kind="stable")
    return np.concatenate(docs)[order], np.concatenate(buckets)[order]


# --- the fitted feature space --------------------------------------------------------------


@dataclass
class FeatureSpace:
    """Active buckets → columns, IDF per column; `transform` turns texts into a CSR matrix."""

    char_range: tuple[int, int]
    word_range: tuple[int, int] | None
    bits: int
    word_weight: float
    max_chars: int
    char_buckets: np.ndarray  # sorted active char buckets
    char_idf: np.ndarray
    word_buckets: np.ndarray
    word_idf: np.ndarray

    def __post_init__(self) -> None:
        self._char_lookup = _lookup(self.char_buckets, self.bits)
        self._word_lookup = _lookup(self.word_buckets, self.bits)

    @property
    def n_char(self) -> int:
        return int(self.char_buckets.size)

    @property
    def n_features(self) -> int:
        return int(self.char_buckets.size + self.word_buckets.size)

    @classmethod
    def fit(
        cls,
        texts: list[str],
        *,
        char_range: tuple[int, int],
        word_range: tuple[int, int] | None,
        bits: int,
        min_df: int,
        word_weight: float,
        max_chars: int,
    ) -> FeatureSpace:
        texts = [t[:max_chars] for t in texts]
        n_docs = len(texts)
        char_b, char_idf = _fit_block(*char_ngrams(texts, char_range, bits), n_docs, min_df)
        if word_range:
            word_b, word_idf = _fit_block(*word_ngrams(texts, word_range, bits), n_docs, min_df)
        else:
            word_b, word_idf = np.zeros(0, dtype=np.int64), np.zeros(0)
        return cls(char_range, word_range, bits, word_weight, max_chars, char_b, char_idf, word_b, word_idf)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        texts = [t[: self.max_chars] for t in texts]
        n_docs = len(texts)
        blocks = [_block(*char_ngrams(texts, self.char_range, self.bits), self._char_lookup, self.char_idf,
                         n_docs, 1.0)]
        if self.word_range and self.word_buckets.size:
            blocks.append(_block(*word_ngrams(texts, self.word_range, self.bits), self._word_lookup,
                                 self.word_idf, n_docs, self.word_weight))
        if len(blocks) == 1 and not self.word_buckets.size:
            return blocks[0]
        if len(blocks) == 1:
            blocks.append(sp.csr_matrix((n_docs, self.word_buckets.size)))
        return sp.hstack(blocks, format="csr")

    def char_column(self, gram: str) -> int | None:
        """The column of one character n-gram, or None when it is not in the space."""
        if not gram:
            return None
        joined = _join([gram], drop_spaces=True)
        bucket = _bucket(_span_hash(joined, np.array([0]), np.array([len(gram)]), salt=len(gram)), self.bits)[0]
        column = int(self._char_lookup[bucket])
        return None if column < 0 else column


def _lookup(buckets: np.ndarray, bits: int) -> np.ndarray:
    table = np.full(1 << bits, -1, dtype=np.int32)
    table[buckets] = np.arange(buckets.size, dtype=np.int32)
    return table


def _fit_block(docs: np.ndarray, buckets: np.ndarray, n_docs: int, min_df: int) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.unique(docs.astype(np.int64) << 32 | buckets)
    unique_buckets, df = np.unique(pairs & 0xFFFFFFFF, return_counts=True)
    keep = df >= min_df
    active = unique_buckets[keep]
    idf = np.log((1 + n_docs) / (1 + df[keep])) + 1.0
    return active.astype(np.int64), idf.astype(np.float64)


#: Below this many n-grams per column of the space, `_counts` sorts the n-grams instead of
#: counting sorts over every column (intake: a dozen messages against a city's model).
SORT_BELOW = 1 / 8


def _counts(rows: np.ndarray, columns: np.ndarray, n_docs: int, n_columns: int,
            by_sorting: bool | None = None) -> sp.csr_matrix:
    """How often each column occurs in each row, as a CSR matrix with every row's columns
    sorted and each (row, column) once. `rows` must not decrease."""
    if by_sorting is None:
        by_sorting = rows.size < n_columns * SORT_BELOW
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    if by_sorting:
        # One sort of the n-grams: O(n log n) in the n-grams, nothing per column. The counting
        # sorts below touch every column twice, which for a few messages against a space of
        # 100,000+ columns costs more than the rest of classifying them.
        keys, counts = np.unique(rows.astype(np.int64) * n_columns + columns, return_counts=True)
        np.cumsum(np.bincount(keys // n_columns, minlength=n_docs), out=indptr[1:])
        matrix = sp.csr_matrix((counts.astype(np.float64), keys % n_columns, indptr), shape=(n_docs, n_columns))
        matrix.has_sorted_indices = True
        return matrix
    np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
    matrix = sp.csr_matrix((np.ones(rows.size), columns, indptr), shape=(n_docs, n_columns))
    # Counts per (row, column): CSR → CSC → CSR are two linear-time counting sorts, which leave
    # every row's columns sorted (duplicates adjacent) about 35 % faster than a per-row sort.
    matrix = matrix.tocsc().tocsr()
    matrix.has_sorted_indices = True
    matrix.sum_duplicates()
    return matrix


def _block(docs, buckets, lookup, idf, n_docs, weight) -> sp.csr_matrix:
    """Sublinear TF × IDF, L2-normalised rows scaled by `weight`; `docs` must not decrease."""
    columns = lookup[buckets]
    known = columns >= 0
    matrix = _counts(docs[known], columns[known], n_docs, idf.size)
    values = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    row_of = np.repeat(np.arange(n_docs), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=n_docs))
    norms[norms == 0] = 1.0
    matrix.data = values * (weight / norms[row_of])
    return matrix
