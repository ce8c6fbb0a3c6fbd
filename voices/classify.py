"""Suggestions for a message (SEC-10: the models only suggest; a person routes).

- `suggest(message)`: the congress's active text models per purpose (category, unit) and the
  urgency rules give a category, a unit and an urgency flag, each with its reasons; the
  category's usual unit (`MessageCategory.unit`) is the unit suggested unless the unit model
  is confident of another (`rules.suggested_unit`). The TextModel ids used are returned so
  the service records them (`Message.suggested_with`).
- `train(...)`: fit a classifier on confirmed history with cross-validated metrics.

The classifier is `voices.textmodel.classifier.TextClassifier` (`fit(texts, labels)`,
`explain(texts) -> [Prediction(label, confidence, reasons)]`, `dumps()/loads()`). Loaded
models are cached per process by (id, version): a new version is picked up at the next
suggestion.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

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


# --- the active models, cached per process ---------------------------------------------------------

_CACHE: dict[int, Any] = {}
_LOCK = threading.Lock()


def _active(congress_id: int) -> dict[str, Any]:
    from .models import TextModel

    return {row.purpose: row for row in TextModel.objects.filter(congress_id=congress_id, is_active=True)
            .only("id", "purpose", "version", "info")}


def _model(row):
    with _LOCK:
        found = _CACHE.get(row.pk)
        if found is not None and found[0] == row.version:
            return found[1]
    from .models import TextModel

    blob = TextModel.objects.filter(pk=row.pk).values_list("blob", flat=True).first()
    model = _load(row.info, blob)
    with _LOCK:
        _CACHE[row.pk] = (row.version, model)
    return model


def forget_models() -> None:
    with _LOCK:
        _CACHE.clear()


def text_of(subject: str, body: str) -> str:
    return f"{subject or ''}\n{body or ''}".strip()


@dataclass
class Suggestions:
    category_id: int | None = None
    unit_id: int | None = None
    is_urgent: bool = False
    reasons: dict = field(default_factory=dict)
    model_ids: list = field(default_factory=list)


def suggest(*, congress, subject: str, body: str) -> Suggestions:
    """SEC-10: what the models suggest for a text, with the reasons shown to staff."""
    from core.organisation.models import HandlingUnit

    from .models import MessageCategory

    text = text_of(subject, body)
    out = Suggestions()
    active = _active(congress.pk)
    category_unit = None
    if CATEGORY in active:
        p = _as_prediction(_model(active[CATEGORY]).explain([text])[0])
        category = MessageCategory.objects.filter(congress=congress, is_active=True, code=p.label).first()
        if category is not None:
            out.category_id, category_unit = category.pk, category.unit_id
            out.reasons[CATEGORY] = {"label": category.code, "confidence": p.confidence, "reasons": p.reasons}
            out.model_ids.append(active[CATEGORY].pk)
    model_unit, model_confidence = None, 0.0
    if UNIT in active:
        p = _as_prediction(_model(active[UNIT]).explain([text])[0])
        if p.label.isdigit() and HandlingUnit.objects.filter(pk=int(p.label), congress=congress,
                                                             is_active=True).exists():
            model_unit, model_confidence = int(p.label), p.confidence
            out.reasons[UNIT] = {"label": p.label, "confidence": p.confidence, "reasons": p.reasons}
            out.model_ids.append(active[UNIT].pk)
    from . import rules

    out.unit_id = rules.suggested_unit(category_unit_id=category_unit, model_unit_id=model_unit,
                                       model_confidence=model_confidence)
    if out.unit_id is not None and out.unit_id == category_unit and UNIT in out.reasons and \
            out.unit_id != model_unit:
        out.reasons[UNIT]["overridden_by_category"] = True
    urgent = urgency(text)
    out.is_urgent = urgent.label == "urgent"
    out.reasons[URGENCY] = {"label": urgent.label, "confidence": urgent.confidence, "reasons": urgent.reasons}
    return out


# --- training with cross-validated metrics ----------------------------------------------------------

MIN_PER_LABEL = 2
MIN_LABELS = 2


def cross_validate(texts: list[str], labels: list[str], *, folds: int = 5, seed: int = 0) -> dict:
    """Stratified k-fold figures: accuracy, macro F1, per class precision/recall/F1/support."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
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
    names = sorted(counts)
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=names, zero_division=0)
    return {
        "folds": k,
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, labels=names, average="macro", zero_division=0)), 4),
        "per_class": {
            name: {"precision": round(float(precision[i]), 4), "recall": round(float(recall[i]), 4),
                   "f1": round(float(f1[i]), 4), "support": int(support[i])}
            for i, name in enumerate(names)
        },
    }


def trainable(labels: list[str]) -> tuple[list[int], bool]:
    """The rows whose label has enough examples, and whether that is enough to train."""
    counts = Counter(labels)
    keep = [i for i, label in enumerate(labels) if counts[label] >= MIN_PER_LABEL]
    return keep, len({labels[i] for i in keep}) >= MIN_LABELS


def fit(texts: list[str], labels: list[str]) -> tuple[bytes, dict, dict]:
    """(blob, metrics, info) of a classifier trained on every row, measured by cross-validation."""
    import platform

    import sklearn

    metrics = cross_validate(texts, labels)
    cls = classifier_class()
    model = cls().fit(texts, labels)
    info = {"impl": _impl_name(cls), "python": platform.python_version(), "sklearn": sklearn.__version__,
            "labels": sorted(set(labels))}
    return bytes(model.dumps()), metrics, info
