"""Likely-duplicate detection for citizens' messages (reposts and reworded copies).

    index = DuplicateIndex.from_pairs((m.pk, m.subject + "\\n" + m.body) for m in open_messages)
    for match in index.query(new_text):              # best first, score 0..1
        if index.is_duplicate(match.score): ...      # suggest "possible duplicate of …" to staff
    index.add(new.pk, new_text); index.remove(closed.pk)
    blob = index.dumps(); index = DuplicateIndex.loads(blob)   # bytes (npz, no pickle)

How it works
------------
1. Each text is normalised (`text.normalise_for_matching`): NFKC (full-width → half-width),
   lower case, whitespace and punctuation removed, leading greetings ("您好", "尊敬的领导：") and
   trailing closings ("谢谢！", "望尽快答复") removed. Re-punctuated, re-spaced and greeted copies
   become the same string.
2. The normalised text becomes the set of its character trigrams, each hashed
   deterministically to one of 2**22 columns. Swapping or reordering words only changes the
   trigrams at the seams, so most of the set survives.
3. The index is an inverted file (column → documents, CSC arrays) over all indexed messages.
   A query gathers the posting lists of its own columns and counts, with one `bincount`, how
   many trigrams it shares with every indexed message: exact overlap counts, no sampling, so
   the candidate prefilter loses nothing. Recently added messages sit in a small dict-based
   buffer until the next re-build ("seal"), which happens every `seal_every` additions.
4. The score of a pair with `i` shared trigrams and set sizes `a`, `b` is the larger of
     - the Jaccard similarity i / (a + b - i) (reposts, reworded copies), and
     - the containment of the shorter in the longer, i / min(a, b), damped by the length
       ratio r = min/max as  containment * min(1, CONTAINMENT_FLOOR + r)  (truncated copies:
       a copy that keeps 60 % of a message still scores high, while a short message whose
       words happen to occur inside a long one on the same subject does not).
   Identical normalised texts score 1.0. Scores are in [0, 1].

`DEFAULT_THRESHOLD` (0.70) was chosen on bench/bench_voices_duplicates.py: on the real reposts
of the shared data set (附件3/附件4) and on generated reworded copies (truncated, re-punctuated,
greeted, words swapped, re-spaced, mixed) against distinct and same-topic messages it gives
recall 1.0 at precision ≥ 0.90 (see the benchmark's table and threshold sweep). Pairs scoring
0.55–0.70 are mostly the same matter rewritten by the same citizen or a neighbour: worth a
"related" hint, not a "duplicate" flag. Everything is deterministic: ties are broken by the
order in which messages were added.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Hashable, Iterable
from typing import NamedTuple

import numpy as np

from voices.textmodel.text import hash_columns, normalise_for_matching, shingle_codes, sorted_unique

#: A pair scoring at or above this is a likely duplicate (see the module docstring).
DEFAULT_THRESHOLD = 0.7
#: The length-ratio damping of containment: min(1, CONTAINMENT_FLOOR + shorter/longer).
CONTAINMENT_FLOOR = 0.5
#: Containment is only trusted when the shorter text has at least this many trigrams.
MIN_CONTAINED = 12
NGRAM = 3
BITS = 22
_FORMAT = "datong-duplicate-index/1"


class Match(NamedTuple):
    key: Hashable
    score: float


def text_columns(text: str, *, ngram: int = NGRAM, bits: int = BITS) -> np.ndarray:
    """The sorted, unique hashed trigram columns (int32) of one message text."""
    return hash_columns(shingle_codes(normalise_for_matching(text), ngram), bits).astype(np.int32)


def pair_scores(inter: np.ndarray, size_q: int, sizes: np.ndarray) -> np.ndarray:
    """Vectorised score for one query of `size_q` trigrams against messages of `sizes` trigrams."""
    inter = inter.astype(np.float64)
    sizes = sizes.astype(np.float64)
    union = size_q + sizes - inter
    jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    shorter = np.minimum(sizes, size_q)
    longer = np.maximum(sizes, size_q)
    containment = np.divide(inter, shorter, out=np.zeros_like(inter), where=shorter > 0)
    ratio = np.divide(shorter, longer, out=np.zeros_like(inter), where=longer > 0)
    damped = containment * np.minimum(1.0, CONTAINMENT_FLOOR + ratio)
    damped[shorter < MIN_CONTAINED] = 0.0
    return np.clip(np.maximum(jaccard, damped), 0.0, 1.0)


def similarity(text_a: str, text_b: str) -> float:
    """The duplicate score of two texts (what `DuplicateIndex.query` would give), 0..1."""
    a, b = text_columns(text_a), text_columns(text_b)
    if not a.size or not b.size:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return float(pair_scores(np.array([inter]), a.size, np.array([b.size]))[0])


def _bulk_columns(texts: list[str], ngram: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR (indptr, columns) of many texts at once, vectorised over one concatenated buffer."""
    normalised = [normalise_for_matching(t) for t in texts]
    lengths = np.fromiter((len(s) for s in normalised), dtype=np.int64, count=len(normalised))
    points = np.frombuffer("".join(normalised).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    doc_of_char = np.repeat(np.arange(len(normalised), dtype=np.int64), lengths)
    n_grams = max(points.size - ngram + 1, 0)
    codes = points[:n_grams].copy()
    for i in range(1, ngram):
        codes = (codes << np.uint64(21)) | points[i : n_grams + i]
    # keep only n-grams that lie inside one text
    valid = np.arange(n_grams) + ngram <= starts[doc_of_char[:n_grams] + 1]
    docs = doc_of_char[:n_grams][valid]
    with np.errstate(over="ignore"):
        cols = ((codes[valid] * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)).astype(np.int64)
    # texts shorter than n: one code each, computed one by one (rare)
    short = np.flatnonzero((lengths > 0) & (lengths < ngram))
    if short.size:
        extra = [hash_columns(shingle_codes(normalised[d], ngram), bits) for d in short]
        docs = np.concatenate([docs, short.astype(np.int64)])
        cols = np.concatenate([cols, np.concatenate(extra)])
    pairs = sorted_unique(docs * (1 << bits) + cols)
    docs, cols = pairs >> bits, pairs & ((1 << bits) - 1)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(docs, minlength=len(texts))))).astype(np.int64)
    return indptr, cols.astype(np.int32)


class DuplicateIndex:
    """An in-memory index of message texts answering "which indexed messages is this a copy of?".

    Keys are any hashable values (use ints or strs if you need `dumps()`). Adding a key that is
    already there replaces its text. Not thread-safe: guard it or keep one per worker.
    """

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD, seal_every: int = 4096) -> None:
        self.threshold = threshold
        self.seal_every = seal_every
        self._keys: list = []  # by document number; None once removed
        self._number: dict = {}  # key → document number
        self._sizes = np.zeros(0, dtype=np.int32)
        self._alive = np.zeros(0, dtype=bool)
        self._dead = 0
        # sealed part: documents 0 .. n_sealed-1 as CSR (per document) and CSC (per column)
        self._n_sealed = 0
        self._row_ptr = np.zeros(1, dtype=np.int64)
        self._row_cols = np.zeros(0, dtype=np.int32)
        self._col_ptr = np.zeros((1 << BITS) + 1, dtype=np.int64)
        self._col_docs = np.zeros(0, dtype=np.int32)
        # pending part: documents n_sealed .. len(_keys)-1
        self._pending_cols: list[np.ndarray] = []
        self._pending_postings: dict[int, list[int]] = {}

    # --- building -----------------------------------------------------------------------------

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[Hashable, str]], **options) -> DuplicateIndex:
        """Build an index from (key, text) pairs in one vectorised pass (100,000 texts: seconds).

        A key given twice keeps its last text.
        """
        last: dict = {}
        for key, text in pairs:
            last.pop(key, None)
            last[key] = text
        index = cls(**options)
        keys = list(last)
        row_ptr, row_cols = _bulk_columns(list(last.values()), NGRAM, BITS)
        index._install(keys, row_ptr, row_cols)
        return index

    def _install(self, keys: list, row_ptr: np.ndarray, row_cols: np.ndarray) -> None:
        self._keys = list(keys)
        self._number = {k: i for i, k in enumerate(self._keys)}
        self._sizes = np.diff(row_ptr).astype(np.int32)
        self._alive = np.ones(len(keys), dtype=bool)
        self._dead = 0
        self._n_sealed = len(keys)
        self._row_ptr, self._row_cols = row_ptr, row_cols
        docs = np.repeat(np.arange(len(keys), dtype=np.int32), self._sizes)
        order = np.argsort(row_cols, kind="stable")
        self._col_docs = docs[order]
        counts = np.bincount(row_cols, minlength=1 << BITS)
        self._col_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._pending_cols = []
        self._pending_postings = {}

    def add(self, key: Hashable, text: str) -> None:
        """Index `text` under `key` (replacing any earlier text of that key)."""
        if key in self._number:
            self.remove(key)
        cols = text_columns(text)
        number = len(self._keys)
        self._keys.append(key)
        self._number[key] = number
        if number >= self._alive.size:
            grow = max(1024, self._alive.size)
            self._alive = np.concatenate([self._alive, np.zeros(grow, dtype=bool)])
            self._sizes = np.concatenate([self._sizes, np.zeros(grow, dtype=np.int32)])
        self._alive[number] = True
        self._sizes[number] = cols.size
        self._pending_cols.append(cols)
        for c in cols.tolist():
            self._pending_postings.setdefault(c, []).append(number)
        if len(self._pending_cols) >= self.seal_every:
            self.seal()

    def remove(self, key: Hashable) -> bool:
        """Forget `key`; False if it was not indexed."""
        number = self._number.pop(key, None)
        if number is None:
            return False
        self._keys[number] = None
        self._alive[number] = False
        self._dead += 1
        if self._dead > 1024 and self._dead * 4 > len(self._keys):
            self.seal()
        return True

    def seal(self) -> None:
        """Fold the pending additions into the inverted file and drop removed messages."""
        n = len(self._keys)
        sealed_sizes = np.diff(self._row_ptr)
        chunks = [self._row_cols] + self._pending_cols
        sizes = np.concatenate([sealed_sizes, [c.size for c in self._pending_cols]]).astype(np.int64)
        cols = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        alive = self._alive[:n]
        keep_rows = np.repeat(alive, sizes)
        keys = [k for k, a in zip(self._keys, alive.tolist(), strict=True) if a]
        kept_sizes = sizes[alive]
        row_ptr = np.concatenate(([0], np.cumsum(kept_sizes))).astype(np.int64)
        self._install(keys, row_ptr, cols[keep_rows].astype(np.int32))

    def __len__(self) -> int:
        return len(self._number)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._number

    # --- querying ------------------------------------------------------------------------------

    def is_duplicate(self, score: float) -> bool:
        """True when `score` reaches this index's threshold (DEFAULT_THRESHOLD unless changed)."""
        return score >= self.threshold

    def query(
        self, text: str, limit: int = 5, min_score: float | None = None, *, exclude: Hashable = None
    ) -> list[Match]:
        """The indexed messages most like `text`, best first (ties: earliest added first).

        min_score: leave out matches below it (None: any positive score). exclude: a key to
        leave out (the message itself, when querying a message that is indexed).
        """
        q = text_columns(text)
        n = len(self._keys)
        if not q.size or not n or limit <= 0:
            return []
        inter = np.zeros(n, dtype=np.int64)
        if self._n_sealed:
            ptr = self._col_ptr
            spans = [self._col_docs[ptr[c] : ptr[c + 1]] for c in q.tolist()]
            hits = np.concatenate(spans)
            if hits.size:
                inter[: self._n_sealed] = np.bincount(hits, minlength=self._n_sealed)
        if self._pending_postings:
            pending_hits = [d for c in q.tolist() for d in self._pending_postings.get(c, ())]
            if pending_hits:
                inter += np.bincount(np.asarray(pending_hits, dtype=np.int64), minlength=n)
        inter[~self._alive[:n]] = 0
        if exclude is not None and exclude in self._number:
            inter[self._number[exclude]] = 0
        candidates = np.flatnonzero(inter)
        if not candidates.size:
            return []
        scores = pair_scores(inter[candidates], q.size, self._sizes[candidates])
        keep = scores > 0.0 if min_score is None else scores >= min_score
        candidates, scores = candidates[keep], scores[keep]
        # best first, then earliest added: lexsort sorts by the last key first
        order = np.lexsort((candidates, -scores))[:limit]
        return [Match(self._keys[candidates[i]], round(float(scores[i]), 6)) for i in order]

    # --- persistence --------------------------------------------------------------------------

    def dumps(self) -> bytes:
        """The index as bytes (an .npz archive; keys as JSON, so keys must be ints or strs)."""
        self.seal()
        meta = {"format": _FORMAT, "threshold": self.threshold, "seal_every": self.seal_every,
                "ngram": NGRAM, "bits": BITS, "keys": self._keys}
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            row_ptr=self._row_ptr,
            row_cols=self._row_cols,
        )
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> DuplicateIndex:
        """Rebuild an index written by `dumps()` (no pickle: safe on untrusted bytes)."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                meta = json.loads(archive["meta"].tobytes().decode("utf-8"))
                row_ptr, row_cols = archive["row_ptr"].astype(np.int64), archive["row_cols"].astype(np.int32)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            raise ValueError("not a duplicate index") from error
        if meta.get("format") != _FORMAT or meta.get("ngram") != NGRAM or meta.get("bits") != BITS:
            raise ValueError("not a duplicate index of this version")
        if row_ptr.size != len(meta["keys"]) + 1 or row_ptr[-1] != row_cols.size:
            raise ValueError("a damaged duplicate index")
        index = cls(threshold=meta["threshold"], seal_every=meta["seal_every"])
        index._install(meta["keys"], row_ptr, row_cols)
        return index
