"""The production text classifier for citizens' messages (category, handling unit, urgency).

    model = TextClassifier().fit(texts, labels)
    model.predict(["小区电梯坏了三天没人修"])         # ["城乡建设"]
    model.explain(["小区电梯坏了三天没人修"])[0]       # Prediction(label, confidence, reasons)
    blob = model.dumps(); TextClassifier.loads(blob)   # bytes for the database

SEC-10: the model only *suggests* a label; `explain` gives staff the words that weighed most.

Pipeline (chosen by cross-validation on training data only; see the report of issue 5):
normalise → character 1–3-grams (spaces removed, so raw and pre-segmented text behave alike),
vectorised hashing into 2**22 buckets, buckets seen in ≥ 5 training messages kept (≥ 2 when
there are fewer than 1,000, all of them below 100), sublinear
TF × IDF, L2 → one-vs-rest linear SVM (liblinear, class_weight="balanced" for macro-F1), C
picked from `c_grid` by stratified k-fold CV on the training set. Confidence is the softmax
of the SVM scores at a temperature fitted on the same cross-validated scores.

A text may be a string or a sequence of fields (title, body, …): the first field (the title)
is repeated `title_repeat` times before the others, since titles say most about the topic.

No pickle: `dumps` writes a numpy .npz (allow_pickle=False) with a JSON header.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import platform
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .features import FeatureSpace, normalise, normalise_many

FORMAT = "datong-voices-textclassifier/1"

DEFAULT_PARAMS: dict = {
    "char_range": [1, 3],
    "word_range": None,  # e.g. [1, 2] for word n-grams on pre-segmented text (no gain measured)
    "word_weight": 0.5,
    "bits": 22,
    "min_df": 5,  # on ≥ 1,000 messages (CV on train: 0.922 → 0.924 full, 0.856 → 0.860 raw vs 2)
    "max_chars": 3000,
    "title_repeat": 3,
    "C": "auto",
    "c_grid": [0.3, 1.0, 3.0, 10.0],
    "cv_folds": 3,
    # Settings are chosen by CV on at most this many training rows (a stratified sample; every
    # class keeps at least `cv_folds` rows), then the model is fitted on all of them: a city's
    # history of 200,000 messages costs one fit on 200,000 rows, not thirteen
    # (bench/bench_voices_training.py). Fewer rows than this: CV on all, as before.
    "cv_max_rows": 20000,
    "class_weight": "balanced",
    "semi_supervised": "auto",  # "auto" (CV decides), "never", "self_training"
    "pseudo_margin": 0.5,
    "random_state": 0,
}

#: Few-character function words that never make a useful reason.
_STOP_WORDS_TEXT = (
    "我们 你们 他们 她们 它们 我 你 他 她 的 了 和 是 在 有 也 都 就 而 及 与 或 这 那 这个 那个 这些 那些 "
    "一个 一些 没有 什么 怎么 为什么 如何 可以 能够 已经 还是 但是 因为 所以 如果 现在 目前 希望 请问 "
    "谢谢 您好 你好 尊敬 领导 问题 情况 反映 相关 部门 进行 要求 一下 时候 自己 其他 以及 对于 关于 "
    "市 区 县 省 a市 a"
)
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split(" "))
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffa-z0-9]")
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    """A suggested label (SEC-10: a suggestion; a person confirms)."""

    label: str
    confidence: float
    reasons: list[tuple[str, float]] = field(default_factory=list)


def _as_text(item: str | Sequence[str] | None, title_repeat: int) -> str:
    if item is None:
        return ""
    if isinstance(item, str):
        return normalise(item)
    fields = [normalise(part) for part in item]
    if not fields:
        return ""
    head = [fields[0]] * max(1, title_repeat) if fields[0] else []
    return " ".join(part for part in head + fields[1:] if part)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class TextClassifier:
    """Generic labels (category, handling unit, urgency): whatever strings `fit` is given."""

    def __init__(self, **params) -> None:
        unknown = set(params) - set(DEFAULT_PARAMS)
        if unknown:
            raise ValueError(f"unknown parameters: {sorted(unknown)}")
        self._params = {**DEFAULT_PARAMS, **params}
        self._fitted: dict = {}
        self.space: FeatureSpace | None = None
        self._labels: list[str] = []
        self._coef_t: np.ndarray | None = None  # (n_features, n_labels) float64
        self._intercept: np.ndarray | None = None
        self._temperature = 1.0
        #: After fit(): the true labels of the rows settings were chosen on (all, or a sample),
        #: each one's out-of-fold prediction by the chosen setting, and the number of folds
        #: (None when there were too few rows to cross-validate).
        self.cv_labels: list[str] | None = None
        self.cv_predictions: list[str] | None = None
        self.cv_folds: int | None = None
        self._n_train = 0

    # --- properties ----------------------------------------------------------------------
    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    @property
    def params(self) -> dict:
        """The requested parameters and, once fitted, what was chosen (`fitted`)."""
        return {**json.loads(json.dumps(self._params)), "fitted": dict(self._fitted)}

    @property
    def is_fitted(self) -> bool:
        return self._coef_t is not None

    def version_info(self) -> dict:
        import jieba
        import scipy
        import sklearn

        canonical = json.dumps(self.params, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return {
            "format": FORMAT,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
            "jieba": jieba.__version__,
            "n_train": self._n_train,
            "n_features": self.space.n_features if self.space else 0,
            "labels": self.labels,
            "params_hash": hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16],
        }

    # --- training --------------------------------------------------------------------------
    def _texts(self, texts: Iterable) -> list[str]:
        texts = list(texts)
        if all(isinstance(t, str) for t in texts):
            return normalise_many(texts)
        if not all(isinstance(t, (list, tuple)) and all(isinstance(f, str) for f in t) for t in texts):
            return [_as_text(t, int(self._params["title_repeat"])) for t in texts]
        # (title, body, …) tuples: normalise every field in one batch, then assemble.
        flat = normalise_many([field for t in texts for field in t])
        repeat = max(1, int(self._params["title_repeat"]))
        out, at = [], 0
        for t in texts:
            fields, at = flat[at : at + len(t)], at + len(t)
            head = [fields[0]] * repeat if fields and fields[0] else []
            out.append(" ".join(part for part in head + fields[1:] if part))
        return out

    def _min_df(self, n_docs: int) -> int:
        """`min_df` on ≥ 1,000 messages; at most 2 below that (no evidence that more pruning
        helps on few messages); 1 on a handful (a new unit, a test), where every n-gram is rare."""
        wanted = int(self._params["min_df"])
        if n_docs >= 1000:
            return wanted
        return min(wanted, 2) if n_docs >= 100 else 1

    def _space(self, texts: list[str]) -> FeatureSpace:
        p = self._params
        min_df = self._min_df(len(texts))
        return FeatureSpace.fit(
            texts,
            char_range=tuple(p["char_range"]),
            word_range=tuple(p["word_range"]) if p["word_range"] else None,
            bits=int(p["bits"]),
            min_df=min_df,
            word_weight=float(p["word_weight"]),
            max_chars=int(p["max_chars"]),
        )

    def _svm(self, c: float):
        from sklearn.svm import LinearSVC

        return LinearSVC(
            C=c, class_weight=self._params["class_weight"], random_state=self._params["random_state"],
            max_iter=5000,
        )

    def _self_train(self, c: float, x, y: np.ndarray, xu):
        """Fit, pseudo-label the unlabelled messages the model is sure about, refit on both."""
        import scipy.sparse as sp

        model = self._svm(c).fit(x, y)
        scores = _scores(model, xu)
        ordered = np.sort(scores, axis=1)
        sure = (ordered[:, -1] - ordered[:, -2]) > float(self._params["pseudo_margin"])
        if not sure.any():
            return model
        pseudo = np.asarray(model.classes_)[scores.argmax(axis=1)][sure]
        return self._svm(c).fit(sp.vstack([x, xu[sure]]), np.concatenate([y, pseudo]))

    def fit(self, texts: Sequence, labels: Sequence[str], unlabelled: Sequence | None = None) -> TextClassifier:
        from sklearn.model_selection import StratifiedKFold

        docs = self._texts(texts)
        y = np.array([str(label) for label in labels], dtype=object)
        if len(docs) != len(y):
            raise ValueError("texts and labels differ in length")
        if any(not label for label in y):
            raise ValueError("a label is empty")
        classes = sorted(set(y))
        if len(classes) < 2:
            raise ValueError("at least two different labels are needed")
        p = self._params
        space = self._space(docs)
        x = space.transform(docs)
        extra = self._texts(unlabelled) if unlabelled is not None else []
        xu = space.transform(extra) if extra else None

        counts = np.array([np.sum(y == c) for c in classes])
        folds = min(int(p["cv_folds"]), int(counts.min()))
        grid = [float(c) for c in p["c_grid"]] if p["C"] == "auto" else [float(p["C"])]
        modes = ["never"]
        if xu is not None and p["semi_supervised"] in ("auto", "self_training"):
            modes = ["self_training"] if p["semi_supervised"] == "self_training" else ["never", "self_training"]
        chosen_c, chosen_mode, temperature, cv_f1 = grid[0], modes[0], 1.0, None
        if folds >= 2:
            rows = self._cv_rows(y, classes, folds)
            chosen_c, chosen_mode, temperature, cv_f1 = self._cross_validate(
                x[rows], y[rows], xu, grid, modes, StratifiedKFold(folds, shuffle=True, random_state=p["random_state"])
            )
            self.cv_labels = [str(label) for label in y[rows]]
        model = self._self_train(chosen_c, x, y, xu) if chosen_mode == "self_training" else self._svm(chosen_c).fit(x, y)

        self.space = space
        self._set_linear(model)
        self._temperature = temperature
        self._n_train = len(docs)
        self._fitted = {
            "C": chosen_c,
            "semi_supervised": chosen_mode,
            "cv_folds": folds if folds >= 2 else 0,
            "cv_macro_f1": None if cv_f1 is None else round(cv_f1, 4),
            "temperature": round(float(temperature), 6),
            "min_df": self._min_df(len(docs)),
            "n_unlabelled": len(extra),
        }
        return self

    def _cv_rows(self, y, classes, folds: int) -> np.ndarray:
        """The rows settings are chosen on: all, or a stratified sample of `cv_max_rows`."""
        limit = int(self._params["cv_max_rows"] or 0)
        if not limit or len(y) <= limit:
            return np.arange(len(y))
        rng = np.random.default_rng(self._params["random_state"])
        share = limit / len(y)
        chosen = []
        for label in classes:
            members = np.flatnonzero(y == label)
            take = min(len(members), max(folds, int(round(share * len(members)))))
            chosen.append(rng.choice(members, size=take, replace=False))
        return np.sort(np.concatenate(chosen))

    def _cross_validate(self, x, y, xu, grid, modes, splitter):
        """Choose C (and self-training) by macro-F1 over stratified folds of the TRAINING set;
        fit the confidence temperature on the chosen setting's out-of-fold scores."""
        from sklearn.metrics import f1_score

        classes = sorted(set(y))
        results = {}
        for mode in modes:
            for c in grid:
                oof = np.zeros((len(y), len(classes)))
                for train_idx, val_idx in splitter.split(np.zeros(len(y)), y):
                    if mode == "self_training":
                        model = self._self_train(c, x[train_idx], y[train_idx], xu)
                    else:
                        model = self._svm(c).fit(x[train_idx], y[train_idx])
                    oof[val_idx] = _scores(model, x[val_idx])
                predicted = np.array(classes, dtype=object)[oof.argmax(axis=1)]
                results[(mode, c)] = (f1_score(y, predicted, average="macro"), oof)
        # best macro-F1; ties go to the simpler setting (no self-training, smaller C)
        (mode, c), (f1, oof) = max(results.items(), key=lambda kv: (round(kv[1][0], 6), kv[0][0] == "never", -kv[0][1]))
        truth = np.searchsorted(classes, y)
        temperature = _fit_temperature(oof, truth)
        # Each training row's label as predicted by the chosen setting trained without it: what
        # the figures shown to staff are measured on (not kept in dumps()).
        self.cv_predictions = [str(label) for label in np.array(classes, dtype=object)[oof.argmax(axis=1)]]
        self.cv_folds = splitter.get_n_splits()
        return c, mode, temperature, float(f1)

    def _set_linear(self, model) -> None:
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        labels = [str(c) for c in model.classes_]
        if coef.shape[0] == 1:  # two labels: liblinear keeps one row (positive = labels[1])
            coef = np.vstack([-coef[0], coef[0]]) / 2
            intercept = np.array([-intercept[0], intercept[0]]) / 2
        # Round to float32 once, so a loaded model predicts exactly as the fitted one.
        self._coef_t = np.ascontiguousarray(coef.astype(np.float32).astype(np.float64).T)
        self._intercept = intercept.astype(np.float32).astype(np.float64)
        self._labels = labels

    # --- prediction ------------------------------------------------------------------------
    def _require_fitted(self) -> None:
        if not self.is_fitted:
            raise RuntimeError("the classifier is not fitted")

    def decision_scores(self, texts: Sequence) -> np.ndarray:
        self._require_fitted()
        x = self.space.transform(self._texts(texts))
        return np.asarray(x @ self._coef_t) + self._intercept

    def predict(self, texts: Sequence) -> list[str]:
        if len(texts) == 0:
            return []
        scores = self.decision_scores(texts)
        labels = self._labels
        return [labels[i] for i in scores.argmax(axis=1)]

    def predict_proba(self, texts: Sequence) -> np.ndarray:
        return _softmax(self.decision_scores(texts), self._temperature)

    def explain(self, texts: Sequence, top: int = 5) -> list[Prediction]:
        """The suggested label, its confidence and the words of the message that weighed
        most for that label (jieba, only for the messages explained)."""
        self._require_fitted()
        if len(texts) == 0:
            return []
        docs = self._texts(texts)
        x = self.space.transform(docs)
        scores = np.asarray(x @ self._coef_t) + self._intercept
        proba = _softmax(scores, self._temperature)
        out = []
        for row, doc in enumerate(docs):
            best = int(scores[row].argmax())
            weights = self._word_weights(doc, x.getrow(row), best)
            reasons = sorted(((w, v) for w, v in weights.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))[:top]
            out.append(
                Prediction(
                    label=self._labels[best],
                    confidence=float(round(proba[row, best], 4)),
                    reasons=[(w, float(round(v, 4))) for w, v in reasons],
                )
            )
        return out

    def _word_weights(self, doc: str, xrow, label_index: int) -> dict[str, float]:
        """Each word's weight for a label: the sum, over the character n-grams inside the word,
        of (the n-gram's TF-IDF value in this message × its coefficient for the label)."""
        present = dict(zip(xrow.indices.tolist(), xrow.data.tolist(), strict=True))
        coef = self._coef_t[:, label_index]
        lo, hi = self.space.char_range
        words = _words(doc)
        multi = [w for w in words if len(w) >= 2]
        candidates = multi or words  # single characters only when there is nothing else
        weights: dict[str, float] = {}
        for word in dict.fromkeys(candidates):
            total = 0.0
            for n in range(lo, min(hi, len(word)) + 1):
                for i in range(len(word) - n + 1):
                    column = self.space.char_column(word[i : i + n])
                    if column is not None and column in present:
                        total += present[column] * coef[column]
            weights[word] = total
        return weights

    # --- persistence -----------------------------------------------------------------------
    def dumps(self) -> bytes:
        self._require_fitted()
        space = self.space
        header = {
            "format": FORMAT,
            "params": self._params,
            "fitted": self._fitted,
            "labels": self._labels,
            "temperature": self._temperature,
            "n_train": self._n_train,
            "space": {
                "char_range": list(space.char_range),
                "word_range": list(space.word_range) if space.word_range else None,
                "bits": space.bits,
                "word_weight": space.word_weight,
                "max_chars": space.max_chars,
            },
        }
        arrays = {
            "header": np.frombuffer(
                json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8"), dtype=np.uint8
            ),
            "coef": self._coef_t.T.astype(np.float32),
            "intercept": self._intercept.astype(np.float32),
            "char_buckets": space.char_buckets.astype(np.int64),
            "char_idf": space.char_idf.astype(np.float64),
            "word_buckets": space.word_buckets.astype(np.int64),
            "word_idf": space.word_idf.astype(np.float64),
        }
        # An .npz written by hand with a fixed date: the same model gives the same bytes.
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                member = io.BytesIO()
                np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, member.getvalue())
        return buffer.getvalue()

    @classmethod
    def loads(cls, blob: bytes) -> TextClassifier:
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode("utf-8"))
                arrays = {k: data[k] for k in data.files if k != "header"}
        except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
            raise ValueError("not a saved TextClassifier") from exc
        if header.get("format") != FORMAT:
            raise ValueError(f"unsupported model format: {header.get('format')!r}")
        model = cls(**header["params"])
        s = header["space"]
        model.space = FeatureSpace(
            char_range=tuple(s["char_range"]),
            word_range=tuple(s["word_range"]) if s["word_range"] else None,
            bits=int(s["bits"]),
            word_weight=float(s["word_weight"]),
            max_chars=int(s["max_chars"]),
            char_buckets=arrays["char_buckets"],
            char_idf=arrays["char_idf"],
            word_buckets=arrays["word_buckets"],
            word_idf=arrays["word_idf"],
        )
        model._coef_t = np.ascontiguousarray(arrays["coef"].astype(np.float64).T)
        model._intercept = arrays["intercept"].astype(np.float64)
        model._labels = list(header["labels"])
        model._temperature = float(header["temperature"])
        model._n_train = int(header["n_train"])
        model._fitted = header["fitted"]
        return model


def _scores(model, x) -> np.ndarray:
    scores = np.asarray(model.decision_function(x), dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([-scores, scores]) / 2
    return scores


def _fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature with the lowest negative log-likelihood on held-out scores."""
    best, best_nll = 1.0, np.inf
    for temperature in np.geomspace(0.02, 5.0, 60):
        proba = _softmax(scores, float(temperature))
        nll = -np.mean(np.log(np.clip(proba[np.arange(len(truth)), truth], 1e-12, None)))
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


_JIEBA_READY = False


def _words(doc: str) -> list[str]:
    """Readable words of a normalised message: jieba (precise mode) on each space-separated
    chunk, without punctuation, digits-only tokens and function words."""
    global _JIEBA_READY
    import jieba

    if not _JIEBA_READY:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _JIEBA_READY = True
    words = []
    for chunk in doc.split(" "):
        for word in jieba.lcut(chunk, HMM=True):
            word = word.strip()
            if not word or not _MEANINGFUL.search(word) or word.isdigit() or word in _STOP_WORDS:
                continue
            words.append(word)
    return words
