"""Suggestions for a message (SEC-10: the models only suggest; a person routes).

- `suggest(...)`: the congress's active text models per purpose (category, unit) and the
  urgency rules give a category, a unit and an urgency flag, each with its confidence; the
  category's usual unit (`MessageCategory.unit`) is the unit suggested unless the unit model
  is confident of another (`rules.suggested_unit`). The TextModel ids used are returned so
  the service records them (`Message.suggested_with`). `suggest_many` does the same for a
  list of texts (batch intake), each model scoring the whole list at once.
- `explain_message(message)`: the words that weighed most (jieba, a few ms per message) are
  computed when a person first opens the message, with the models recorded on it, and
  stored on the row (`Message.suggestion_reasons`); intake stores labels and confidences.
- `train(...)`: fit a classifier on confirmed history with cross-validated metrics.

The classifier is `voices.textmodel.classifier.TextClassifier` (`fit(texts, labels)`,
`explain(texts) -> [Prediction(label, confidence, reasons)]`, `predict_proba`, `labels`,
`dumps()/loads()`). Loaded models are cached per process by (id, version); which models are
active, the active categories with their usual unit, and the active units are a per-process
snapshot re-read after `SNAPSHOT_SECONDS`, and at once in this process when a text model, a
category or a unit is saved or deleted (signals connected in voices.apps).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from core.processcache import ProcessCache

log = logging.getLogger(__name__)

CATEGORY = "category"
UNIT = "unit"
URGENCY = "urgency"


# --- the classifier ------------------------------------------------------------------------------


@dataclass
class Prediction:
    label: str
    confidence: float
    reasons: list = field(default_factory=list)


def classifier_class():
    """The production text classifier (the same pipeline `voices_evaluate` measures)."""
    from .textmodel.classifier import TextClassifier

    return TextClassifier


def _impl_name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _load(info: dict, blob: bytes):
    return classifier_class().loads(bytes(blob))


def _as_prediction(p) -> Prediction:
    reasons = [[str(w), float(s)] for w, s in (getattr(p, "reasons", None) or [])]
    return Prediction(str(getattr(p, "label", "")), float(getattr(p, "confidence", 0.0)), reasons)


def urgency(text: str) -> Prediction:
    """Urgency with its reasons (voices.textmodel.urgency: word rules until a model exists)."""
    from .textmodel.urgency import assess

    result = assess(text)
    reasons = [[str(w), float(s)] for w, s in (result.reasons or [])]
    return Prediction("urgent" if result.is_urgent else "normal", float(result.confidence), reasons)


# --- the active models and the category → unit map, cached per process ---------------------------

#: How long a process trusts its snapshot of a congress's active models, categories and units
#: before reading them again (changes made in this process are seen at once: see `forget_models`
#: and the signal receivers in voices.apps; changes made by another process within this time).
SNAPSHOT_SECONDS = 5.0

_CACHE: dict[int, Any] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Snapshot:
    """What suggesting needs besides the text, read in three queries and reused."""

    #: purpose → (TextModel id, version) of the congress's active models.
    models: dict
    #: active category code → (category id, its usual unit id or None).
    categories: dict
    #: ids of the congress's active handling units.
    units: frozenset


_SNAPSHOTS = ProcessCache(seconds=SNAPSHOT_SECONDS)


def _read_snapshot(congress_id: int) -> _Snapshot:
    from core.organisation.models import HandlingUnit

    from .models import MessageCategory, TextModel

    models = {purpose: (pk, version) for pk, purpose, version in
              TextModel.objects.filter(congress_id=congress_id, is_active=True).order_by()
              .values_list("id", "purpose", "version")}
    categories = {code: (pk, unit_id) for pk, code, unit_id in
                  MessageCategory.objects.filter(congress_id=congress_id, is_active=True).order_by()
                  .values_list("id", "code", "unit_id")}
    units = frozenset(HandlingUnit.objects.filter(congress_id=congress_id, is_active=True).order_by()
                      .values_list("id", flat=True))
    return _Snapshot(models, categories, units)


def _snapshot(congress_id: int) -> _Snapshot:
    return _SNAPSHOTS.get(congress_id, lambda: _read_snapshot(congress_id))


def _model(pk: int, version: int):
    with _LOCK:
        found = _CACHE.get(pk)
        if found is not None and found[0] == version:
            return found[1]
    from .models import TextModel

    blob = TextModel.objects.filter(pk=pk).values_list("blob", flat=True).first()
    if blob is None:
        raise LookupError(f"text model {pk} is gone")
    model = _load({}, blob)
    with _LOCK:
        _CACHE[pk] = (version, model)
    return model


def forget_models() -> None:
    """Drop the cached models and snapshots (a model was trained, a category or unit changed)."""
    with _LOCK:
        _CACHE.clear()
    _SNAPSHOTS.forget()


def forget_snapshots(**_signal) -> None:
    """Signal receiver: a text model, a category or a handling unit was saved or deleted."""
    _SNAPSHOTS.forget()


def _predict(model, text: str, *, explain: bool) -> Prediction:
    """The label and its confidence; the words that weighed most only when `explain` (jieba,
    a few milliseconds: done when a person opens the message, not at intake)."""
    if not explain and hasattr(model, "predict_proba") and hasattr(model, "labels"):
        proba = model.predict_proba([text])[0]
        best = int(proba.argmax())
        # As TextClassifier.explain computes them, without the reasons.
        return Prediction(str(model.labels[best]), float(round(float(proba[best]), 4)), [])
    return _as_prediction(model.explain([text])[0])


def text_of(subject: str, body: str) -> str:
    return f"{subject or ''}\n{body or ''}".strip()


@dataclass
class Suggestions:
    category_id: int | None = None
    unit_id: int | None = None
    is_urgent: bool = False
    reasons: dict = field(default_factory=dict)
    model_ids: list = field(default_factory=list)


def suggest(*, congress, subject: str, body: str, explain: bool = False) -> Suggestions:
    """SEC-10: what the models suggest for a text. Each suggestion carries its label and
    confidence; the words that weighed most (`"reasons"`) only with `explain=True` (otherwise
    `explain_message` adds them when a person opens the message). The urgency rules' reasons
    are always given (they cost nothing)."""
    text = text_of(subject, body)
    snap = _snapshot(congress.pk)
    predictions = {
        purpose: _predict(_model(*snap.models[purpose]), text, explain=explain)
        for purpose in (CATEGORY, UNIT) if purpose in snap.models
    }
    return _suggestions(snap, text, predictions.get(CATEGORY), predictions.get(UNIT), explain=explain)


def _suggestions(snap, text: str, category: Prediction | None, unit: Prediction | None, *,
                 explain: bool = False) -> Suggestions:
    """What the models' predictions for one text suggest: the category (and its unit in the
    category → unit map), the unit (rules.suggested_unit weighs the two), the urgency."""
    from . import rules

    out = Suggestions()
    category_unit = None
    if category is not None and category.label in snap.categories:
        out.category_id, category_unit = snap.categories[category.label]
        out.reasons[CATEGORY] = {"label": category.label, "confidence": category.confidence}
        if explain:
            out.reasons[CATEGORY]["reasons"] = category.reasons
        out.model_ids.append(snap.models[CATEGORY][0])
    model_unit, model_confidence = None, 0.0
    if unit is not None and unit.label.isdigit() and int(unit.label) in snap.units:
        model_unit, model_confidence = int(unit.label), unit.confidence
        out.reasons[UNIT] = {"label": unit.label, "confidence": unit.confidence}
        if explain:
            out.reasons[UNIT]["reasons"] = unit.reasons
        out.model_ids.append(snap.models[UNIT][0])
    out.unit_id = rules.suggested_unit(category_unit_id=category_unit, model_unit_id=model_unit,
                                       model_confidence=model_confidence)
    if out.unit_id is not None and out.unit_id == category_unit and UNIT in out.reasons and \
            out.unit_id != model_unit:
        out.reasons[UNIT]["overridden_by_category"] = True
    urgent = urgency(text)
    out.is_urgent = urgent.label == "urgent"
    out.reasons[URGENCY] = {"label": urgent.label, "confidence": urgent.confidence, "reasons": urgent.reasons}
    return out


def suggest_many(*, congress, texts: list[tuple[str, str]]) -> list[Suggestions]:
    """`suggest` for many (subject, body) pairs at once: each model scores the whole list in
    one call (batch intake). Same labels and confidences as `suggest` one by one."""
    snap = _snapshot(congress.pk)
    docs = [text_of(s, b) for s, b in texts]
    per_purpose: dict[str, list[Prediction | None]] = {}
    for purpose in (CATEGORY, UNIT):
        if purpose not in snap.models or not docs:
            continue
        pk, version = snap.models[purpose]
        model = _model(pk, version)
        if hasattr(model, "predict_proba") and hasattr(model, "labels"):
            proba = model.predict_proba(docs)
            best = proba.argmax(axis=1)
            per_purpose[purpose] = [
                Prediction(str(model.labels[int(b)]), float(round(float(proba[i, int(b)]), 4)), [])
                for i, b in enumerate(best)
            ]
        else:
            per_purpose[purpose] = [_as_prediction(p) for p in model.explain(docs)]
    none = [None] * len(docs)
    return [
        _suggestions(snap, doc, per_purpose.get(CATEGORY, none)[i], per_purpose.get(UNIT, none)[i])
        for i, doc in enumerate(docs)
    ]


# --- the words that weighed most, when a person opens the message (SEC-10) ----------------------


def needs_reasons(stored: dict) -> bool:
    """True when a model's suggestion is stored without its words (received without them)."""
    return any(isinstance(stored.get(key), dict) and "reasons" not in stored[key] for key in (CATEGORY, UNIT))


def explain_message(message) -> dict:
    """The message's suggestion reasons with the words that weighed most for each model's
    suggestion, computed with the very models that made it (`Message.suggested_with`, by
    purpose) and stored on the row, so the next person to open it reads them. A model that is
    gone (never in practice: versions are kept) leaves its suggestion with no words."""
    from .models import Message

    stored = dict(message.suggestion_reasons or {})
    if not needs_reasons(stored):
        return stored
    used = {purpose: (pk, version) for pk, purpose, version in
            Message.suggested_with.through.objects.filter(message_id=message.pk).order_by()
            .values_list("textmodel_id", "textmodel__purpose", "textmodel__version")}
    text = text_of(message.subject, message.body)
    for key in (CATEGORY, UNIT):
        entry = stored.get(key)
        if not isinstance(entry, dict) or "reasons" in entry:
            continue
        entry = dict(entry)
        entry["reasons"] = []
        if key in used:
            try:
                p = _predict(_model(*used[key]), text, explain=True)
            except Exception:  # the words are a help for the person; the suggestion stands (SEC-10)
                log.exception("explaining a suggestion failed")
            else:
                if p.label == entry.get("label"):
                    entry["reasons"] = p.reasons
        stored[key] = entry
    Message.objects.filter(pk=message.pk).update(suggestion_reasons=stored)
    message.suggestion_reasons = stored
    return stored


# --- training with cross-validated metrics ----------------------------------------------------------

MIN_PER_LABEL = 2
MIN_LABELS = 2


def figures(labels: list[str], predicted: list[str], folds: int) -> dict:
    """Accuracy, macro F1 and per class precision/recall/F1/support of out-of-fold predictions."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    names = sorted(set(labels))
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=names, zero_division=0)
    return {
        "folds": folds,
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, labels=names, average="macro", zero_division=0)), 4),
        "per_class": {
            name: {"precision": round(float(precision[i]), 4), "recall": round(float(recall[i]), 4),
                   "f1": round(float(f1[i]), 4), "support": int(support[i])}
            for i, name in enumerate(names)
        },
    }


def cross_validate(texts: list[str], labels: list[str], *, folds: int = 5, seed: int = 0) -> dict:
    """Stratified k-fold figures of whole trainings (each choosing its own settings): the
    unbiased measure, at k + 1 times the cost of one training."""
    from sklearn.model_selection import StratifiedKFold

    counts = Counter(labels)
    k = max(2, min(folds, min(counts.values())))
    cls = classifier_class()
    predicted = [""] * len(texts)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(texts, labels):
        model = cls().fit([texts[i] for i in train_idx], [labels[i] for i in train_idx])
        # predict(), not explain(): reasons need jieba per message and are not measured here.
        for i, label in zip(test_idx, model.predict([texts[i] for i in test_idx]), strict=True):
            predicted[i] = str(label)
    return figures(labels, predicted, k)


def trainable(labels: list[str]) -> tuple[list[int], bool]:
    """The rows whose label has enough examples, and whether that is enough to train."""
    counts = Counter(labels)
    keep = [i for i, label in enumerate(labels) if counts[label] >= MIN_PER_LABEL]
    return keep, len({labels[i] for i in keep}) >= MIN_LABELS


class TrainingProcessDied(RuntimeError):
    """The child process fitting a model ended without a result (killed, most often for memory)."""


@contextmanager
def fitter(*, apart: bool):
    """A `fit` to call for each model of one training: `fit` itself, or, `apart`, `fit` run in
    one child process started fresh ("spawn": no copy of the worker's database connections or
    threads) that gives its memory back to the machine when the training ends. A worker that
    fitted in its own process would keep its peak (3.4 GB for 50,000 messages,
    bench_voices_training) until it restarts."""
    if not apart:
        yield fit
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        def fit_in_child(texts: list[str], labels: list[str]) -> tuple[bytes, dict, dict]:
            try:
                return pool.submit(fit, texts, labels).result()
            except BrokenProcessPool as exc:
                raise TrainingProcessDied(
                    "the training process ended without a result; if the machine ran short of memory, "
                    "lower VOICES_TRAIN_MAX_MESSAGES") from exc

        yield fit_in_child


def fit(texts: list[str], labels: list[str]) -> tuple[bytes, dict, dict]:
    """(blob, metrics, info) of a classifier trained on every row, measured by cross-validation
    on the training rows."""
    import platform

    import sklearn

    cls = classifier_class()
    model = cls().fit(texts, labels)
    # The figures come from the out-of-fold predictions the training made anyway to choose its
    # settings: one training instead of six (bench_voices_training). They are the chosen
    # setting's, so a little optimistic (it was chosen on them), and for a long history they are
    # measured on the sample the settings were chosen on (`cv_max_rows`); too few rows to
    # cross-validate inside the training: measured by whole trainings instead.
    if getattr(model, "cv_predictions", None):
        metrics = figures(model.cv_labels, model.cv_predictions, model.cv_folds)
    else:
        metrics = cross_validate(texts, labels)
    info = {"impl": _impl_name(cls), "python": platform.python_version(), "sklearn": sklearn.__version__,
            "labels": sorted(set(labels))}
    return bytes(model.dumps()), metrics, info
