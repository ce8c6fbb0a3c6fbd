"""Benchmark: the citizens' message classifier on the shared TipDM 2020 C data (issue 5).

Targets (CPU only, one core): macro-F1 ≥ 0.94 on the full segmented set, ≥ 0.90 on the raw
subset, and ≥ 10,000 messages classified per second on one core.

For each dataset, with its FIXED split (/work/shared/data/README.md): train the production
pipeline (`voices.textmodel.evaluate.evaluate`, exactly what `manage.py voices_evaluate`
runs: TextClassifier fit on the training rows, C chosen by CV on them), predict the test rows
(best of BENCH_VOICES_REPEATS calls over the whole test set, default 5), print a table beside
the reference figures. Threads are pinned to 1 (OMP/MKL/OPENBLAS) and everything runs in
this one process, so "msgs/s" is one core's. On the full set a second row drops the test
rows whose text also occurs in training (the README's "strict numbers").

A third row trains the raw subset's model on its 1,008 rows plus the full set's TRAIN-split
rows (segmented text; rows sharing an id with, or near copies of, a raw train/test message
dropped): the same 231 raw test rows, more labelled data.

Shared data missing: a clear note per dataset, exit 0. Run with `make bench` or alone:
`flock /tmp/cpu.lock .venv/bin/python -m bench.bench_voices_model`.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import platform  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voices.textmodel.evaluate import evaluate, read_csv, scores, split_rows  # noqa: E402

DATA = Path(os.environ.get("DATONG_SHARED_DATA", "/work/shared/data"))
TARGET_PER_SECOND = 10_000

DATASETS = [
    {
        "name": "full segmented (附件2)",
        "path": DATA / "tipdm2020c_full_segmented" / "attachment2_full_segmented.csv",
        "text": ["分词文本"],
        "target": 0.94,
        "reference": "LinearSVC words 1-2: 0.902, chars 1-2: 0.912; BERT (published): 0.938",
    },
    {
        "name": "raw subset (labelled_messages)",
        "path": DATA / "tipdm2020c" / "labelled_messages.csv",
        "text": ["留言主题", "留言详情"],
        "target": 0.90,
        "reference": "LinearSVC jieba words: 0.773, chars: 0.836",
    },
    {
        # Same raw test rows; training adds the full set's TRAIN-split rows (segmented text),
        # minus any row that is a raw train/test message by id or a near copy of one.
        "name": "raw subset + full set's train rows",
        "path": DATA / "tipdm2020c" / "labelled_messages.csv",
        "text": ["留言主题", "留言详情"],
        "extra": {
            "path": DATA / "tipdm2020c_full_segmented" / "attachment2_full_segmented.csv",
            "text": ["分词文本"],
        },
        "target": 0.90,
        "reference": "more labelled data (segmented), same 231 raw test rows",
    },
]


def _flat(text: str) -> str:
    return "".join(text.split())


def run_dataset(spec: dict, repeats: int) -> list[dict]:
    rows = read_csv(spec["path"])
    train, test = split_rows(rows, "split")
    extra = {}
    if "extra" in spec:
        extra_train, _extra_test = split_rows(read_csv(spec["extra"]["path"]), "split")
        extra = {"extra_train_rows": extra_train, "extra_text_columns": spec["extra"]["text"]}
    result = evaluate(train, test, spec["text"], "一级标签", repeats=repeats, return_predictions=True, **extra)
    out = [{**result, "dataset": spec["name"], "target": spec["target"], "reference": spec["reference"]}]
    if len(spec["text"]) == 1:
        seen = {_flat(r[spec["text"][0]]) for r in train}
        keep = [i for i, r in enumerate(test) if _flat(r[spec["text"][0]]) not in seen]
        if len(keep) < len(test):
            strict = scores([test[i]["一级标签"].strip() for i in keep], [result["predictions"][i] for i in keep])
            out.append(
                {
                    **result,
                    **strict,
                    "n_test": len(keep),
                    "dataset": f"{spec['name']}, strict (no test text in train)",
                    "target": spec["target"],
                    "reference": "",
                }
            )
    return out


def table(results: list[dict]) -> str:
    header = (
        f"{'dataset':<50} {'n_train':>7} {'n_test':>6} {'accuracy':>8} {'macro-F1':>8} {'target':>6} "
        f"{'train s':>7} {'msgs/s':>8}  reference (macro-F1)"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r['dataset']:<50} {r['n_train']:>7} {r['n_test']:>6} {r['accuracy']:>8.4f} {r['macro_f1']:>8.4f} "
            f"{r['target']:>6.2f} {r['train_seconds']:>7.1f} {r['predict_per_second']:>8.0f}  {r['reference']}"
        )
    return "\n".join(lines)


def main() -> int:
    repeats = int(os.environ.get("BENCH_VOICES_REPEATS", "5"))
    results = []
    for spec in DATASETS:
        if not spec["path"].is_file() or ("extra" in spec and not spec["extra"]["path"].is_file()):
            print(f"!! skipped {spec['name']}: {spec['path']} is missing (shared data not mounted)", flush=True)
            continue
        print(f"  training and measuring {spec['name']} …", flush=True)
        results.extend(run_dataset(spec, repeats))
    if not results:
        print("no shared data: nothing measured")
        return 0
    import numpy
    import scipy
    import sklearn

    print()
    print("## Message classifier (voices.textmodel), fixed splits, one core")
    print(
        f"Python {platform.python_version()}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}; {os.cpu_count()} CPUs, threads pinned to 1; "
        f"msgs/s = whole test set in one predict() call incl. normalisation, best of {repeats}"
    )
    print()
    print(table(results))
    print()
    for r in results:
        if "strict" in r["dataset"]:
            continue
        fitted = r["model"]
        extra = f", +{r['n_extra_train']} extra training rows" if r.get("n_extra_train") else ""
        print(
            f"{r['dataset']}: C={fitted['C']} (CV macro-F1 on train {fitted['cv_macro_f1']}){extra}, "
            f"{r['version']['n_features']} features, per class F1: "
            + ", ".join(f"{label} {v['f1']:.3f}" for label, v in r["per_class"].items())
        )
    slow = [r["dataset"] for r in results if r["predict_per_second"] < TARGET_PER_SECOND]
    print(f"throughput target {TARGET_PER_SECOND} msgs/s: " + ("met" if not slow else "NOT met: " + ", ".join(slow)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
