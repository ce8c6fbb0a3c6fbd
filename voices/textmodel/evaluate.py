"""Evaluate the production pipeline on a fixed train/test split.

    evaluate(train_rows, test_rows, ["留言主题", "留言详情"], "一级标签") -> {
        "accuracy", "macro_f1", "per_class": {label: {precision, recall, f1, support}},
        "train_seconds", "predict_per_second", "n_train", "n_test", …}

Exactly the production path: `TextClassifier().fit(...)` then `.predict(...)`, nothing else.
Rows are dicts (csv.DictReader); only the named text columns are read, so row numbers and
source ids can never become features. Unlabelled rows (for semi-supervised training) lose
every row that shares an id (`id_column`) or a text with a test row before training.
Extra labelled rows (`extra_train_rows`, e.g. the full segmented 附件2's TRAIN rows added to
the raw subset) are added to the training set, minus every row that shares an id with a
training or test row or is a near copy of one (≥ 60 % of its character bigrams found in that
row: reposts, the same message segmented), so no test message is ever learnt.
Throughput is measured single-process, on the whole test set in one call (best of `repeats`).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .classifier import TextClassifier
from .features import char_ngrams, normalise

#: An extra row is a near copy of a training/test row when this share of its character
#: bigrams occurs in that row. Bigrams, not longer grams: a segmented copy has lost its stop
#: words, which breaks most longer grams. With 4-grams at 80 % only 4 of the ~1,030 raw
#: subset's messages were found inside the full segmented 附件2, where nearly all of them are.
NEAR_COPY = 0.6
NEAR_COPY_GRAM = 2


class EvaluationError(ValueError):
    """Bad input: missing columns, an empty label, fewer than two classes."""


def read_csv(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _check_columns(rows: list[dict], columns: Sequence[str], what: str) -> None:
    if not rows:
        raise EvaluationError(f"the {what} set has no rows")
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise EvaluationError(
            f"the {what} set has no column {', '.join(missing)} (columns: {', '.join(rows[0].keys())})"
        )


def row_text(row: dict, text_columns: Sequence[str]) -> str | tuple[str, ...]:
    """One column: its text; several: a tuple (the first is the title, see TextClassifier)."""
    if len(text_columns) == 1:
        return row.get(text_columns[0]) or ""
    return tuple(row.get(c) or "" for c in text_columns)


def _flat(text: str | tuple[str, ...]) -> str:
    parts = (text,) if isinstance(text, str) else text
    return "".join(normalise(p) for p in parts).replace(" ", "")


def _shingles(flat_texts: list[str]) -> sp.csr_matrix:
    """Binary document × hashed character n-gram matrix (n = NEAR_COPY_GRAM)."""
    docs, buckets = char_ngrams(flat_texts, (NEAR_COPY_GRAM, NEAR_COPY_GRAM), 22)
    matrix = sp.csr_matrix((np.ones(docs.size), (docs, buckets)), shape=(len(flat_texts), 1 << 22))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def near_copies(candidates: list[str], others: list[str], threshold: float = NEAR_COPY) -> np.ndarray:
    """For each candidate text (flat: normalised, no spaces): is ≥ `threshold` of its character
    bigrams inside one of `others`? A containment test, so a stop-word-free segmented copy of a
    raw message still counts as the same message."""
    if not candidates or not others:
        return np.zeros(len(candidates), dtype=bool)
    a = _shingles(candidates)
    shared = (a @ _shingles(others).T).tocsr()
    size = np.maximum(np.asarray(a.sum(axis=1)).ravel(), 1.0)
    best = np.asarray(shared.max(axis=1).todense()).ravel() if shared.nnz else np.zeros(len(candidates))
    return best / size >= threshold


def select_extra(
    extra_rows: list[dict],
    extra_columns: Sequence[str],
    label_column: str,
    train_rows: list[dict],
    train_texts: list,
    test_rows: list[dict],
    test_texts: list,
    id_column: str | None,
) -> tuple[list, list[str], int]:
    """Extra labelled rows that are neither a training nor a test message (by id or near copy)."""
    _check_columns(extra_rows, [*extra_columns, label_column], "extra training")
    known_ids = set()
    if id_column:
        known_ids = {(r.get(id_column) or "").strip() for r in [*train_rows, *test_rows]} - {""}
    texts, labels, excluded = [], [], 0
    for row in extra_rows:
        row_id = (row.get(id_column) or "").strip() if id_column else ""
        label = (row.get(label_column) or "").strip()
        if (row_id and row_id in known_ids) or not label:
            excluded += 1
            continue
        texts.append(row_text(row, extra_columns))
        labels.append(label)
    flat = [_flat(t) for t in texts]
    copy = near_copies(flat, [_flat(t) for t in test_texts]) | near_copies(flat, [_flat(t) for t in train_texts])
    kept = [i for i in range(len(texts)) if not copy[i]]
    return [texts[i] for i in kept], [labels[i] for i in kept], excluded + int(copy.sum())


def split_rows(rows: list[dict], column: str, train_value: str = "train", test_value: str = "test"):
    if rows and column not in rows[0]:
        raise EvaluationError(f"no split column {column!r}")
    train = [r for r in rows if (r.get(column) or "").strip() == train_value]
    test = [r for r in rows if (r.get(column) or "").strip() == test_value]
    return train, test


def evaluate(
    train_rows: list[dict],
    test_rows: list[dict],
    text_columns: Sequence[str],
    label_column: str,
    *,
    unlabelled_rows: list[dict] | None = None,
    unlabelled_text_columns: Sequence[str] | None = None,
    extra_train_rows: list[dict] | None = None,
    extra_text_columns: Sequence[str] | None = None,
    id_column: str | None = "留言编号",
    params: dict | None = None,
    repeats: int = 3,
    return_predictions: bool = False,
) -> dict:
    text_columns = list(text_columns)
    if not text_columns:
        raise EvaluationError("name at least one text column")
    _check_columns(train_rows, [*text_columns, label_column], "training")
    _check_columns(test_rows, [*text_columns, label_column], "test")
    for what, rows in (("training", train_rows), ("test", test_rows)):
        empty = sum(1 for r in rows if not (r.get(label_column) or "").strip())
        if empty:
            raise EvaluationError(f"{empty} row(s) of the {what} set have an empty {label_column}")
    train_texts = [row_text(r, text_columns) for r in train_rows]
    train_labels = [r[label_column].strip() for r in train_rows]
    test_texts = [row_text(r, text_columns) for r in test_rows]
    test_labels = [r[label_column].strip() for r in test_rows]
    if len(set(train_labels)) < 2:
        raise EvaluationError(f"the training set has fewer than 2 classes in {label_column}")

    unlabelled = None
    excluded = 0
    if unlabelled_rows:
        columns = list(unlabelled_text_columns or text_columns)
        _check_columns(unlabelled_rows, columns, "unlabelled")
        test_ids = {(r.get(id_column) or "").strip() for r in test_rows} - {""} if id_column else set()
        test_flat = {_flat(t) for t in test_texts}
        kept, seen = [], set()
        for row in unlabelled_rows:
            text = row_text(row, columns)
            row_id = (row.get(id_column) or "").strip() if id_column else ""
            if row_id in test_ids or _flat(text) in test_flat:
                excluded += 1
                continue
            if row_id and row_id in seen:  # 附件3 and 附件4 share messages
                continue
            seen.add(row_id)
            kept.append(text)
        unlabelled = kept

    extra_texts: list = []
    extra_labels: list[str] = []
    extra_excluded = 0
    if extra_train_rows:
        extra_texts, extra_labels, extra_excluded = select_extra(
            extra_train_rows, list(extra_text_columns or text_columns), label_column,
            train_rows, train_texts, test_rows, test_texts, id_column,
        )

    started = time.perf_counter()
    model = TextClassifier(**(params or {})).fit(
        train_texts + extra_texts, train_labels + extra_labels, unlabelled=unlabelled
    )
    train_seconds = time.perf_counter() - started

    best = float("inf")
    predicted: list[str] = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        predicted = model.predict(test_texts)
        best = min(best, time.perf_counter() - started)

    result = scores(test_labels, predicted, sorted(set(train_labels) | set(test_labels)))
    result.update(
        train_seconds=round(train_seconds, 2),
        predict_per_second=round(len(test_texts) / best, 1) if best > 0 else None,
        n_train=len(train_rows),
        n_test=len(test_rows),
        n_unlabelled=len(unlabelled or []),
        n_unlabelled_excluded=excluded,
        n_extra_train=len(extra_texts),
        n_extra_excluded=extra_excluded,
        model=model.params["fitted"],
        version=model.version_info(),
    )
    if return_predictions:
        result["predictions"] = predicted
    return result


def scores(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> dict:
    """accuracy, macro_f1 and per_class {label: precision, recall, f1, support}."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    test_labels = list(truth)
    labels = list(labels) if labels is not None else sorted(set(test_labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        test_labels, predicted, labels=labels, zero_division=0
    )
    return {
        "accuracy": round(float(accuracy_score(test_labels, predicted)), 4),
        "macro_f1": round(float(f1_score(test_labels, predicted, labels=labels, average="macro", zero_division=0)), 4),
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
    }
