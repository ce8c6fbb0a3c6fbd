"""Benchmark: what one training of the category model costs the worker (issue 5, item 3).

A training (`voices.services.training.train`) reads the newest VOICES_TRAIN_MAX_MESSAGES
confirmed messages (default 50,000) and runs `voices.classify.fit` on them: the settings (C)
chosen by 3-fold CV on at most 20,000 of them (whose out-of-fold predictions are the figures
shown to staff), then the model fitted on every row. This measures
`fit` alone (reading the rows from the database is not included) for several history sizes,
with the wall time and the process's peak memory (ru_maxrss) after each size.

BENCH_TRAIN_APART=1 fits as production does (VOICES_TRAIN_IN_CHILD, `classify.fitter`): in a
child process, whose peak is then the children's, and the worker's own resident memory after
the training ("worker RSS after") is what it keeps; compare with a run without it.

The texts are the full segmented 附件2 (9,053 labelled messages, ../shared/data): each row of
a size is a random message of the category with the first 20 characters of another appended:
real messages' lengths and vocabulary, no two rows alike (the CV figures are therefore high:
near-copies; they are not a measure of quality, bench_voices_model is). Threads pinned to one,
as in production's worker.

    BENCH_TRAIN_SIZES=20000,50000,100000 flock /tmp/cpu.lock .venv/bin/python -m bench.bench_voices_training
    BENCH_TRAIN_SIZES=20000 BENCH_TRAIN_APART=1 .venv/bin/python -m bench.bench_voices_training
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import random  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(os.environ.get("DATONG_SHARED_DATA", "/work/shared/data"))
SOURCE = DATA / "tipdm2020c_full_segmented" / "attachment2_full_segmented.csv"


def _history(size: int, by_label: dict[str, list[str]], seed: int = 0) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    labels = sorted(by_label)
    texts, out = [], []
    for i in range(size):
        label = labels[i % len(labels)]
        first, second = rng.choice(by_label[label]), rng.choice(by_label[label])
        texts.append(first + second[:20])  # a real message's length, no two rows the same
        out.append(label)
    return texts, out


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    from voices import classify
    from voices.textmodel.evaluate import read_csv

    if not SOURCE.exists():
        print(f"bench_voices_training: {SOURCE} is missing; nothing measured.")
        return 0
    by_label: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(SOURCE):
        by_label[row["一级标签"]].append("".join(row["分词文本"].split()))
    sizes = [int(s) for s in os.environ.get("BENCH_TRAIN_SIZES", "20000,50000,100000").split(",") if s.strip()]
    apart = os.environ.get("BENCH_TRAIN_APART", "") not in ("", "0")
    who = resource.RUSAGE_CHILDREN if apart else resource.RUSAGE_SELF
    print(f"fitted {'in a child process' if apart else 'in the worker process'}")
    print("history   fit (CV + final) s   per 1,000 msgs s   peak RSS MB   worker RSS after MB   CV macro-F1")
    for size in sizes:
        texts, labels = _history(size, by_label)
        started = time.perf_counter()
        with classify.fitter(apart=apart) as fit:
            _blob, metrics, _info = fit(texts, labels)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(who).ru_maxrss / 1024
        print(f"{size:>7,}   {seconds:>18.1f}   {seconds / size * 1000:>16.2f}   {peak:>11,.0f}   "
              f"{_resident_mb():>19,.0f}   {metrics['macro_f1']:.3f}", flush=True)
        del texts, labels
    return 0


def _resident_mb() -> float:
    """The process's resident memory now (VmRSS), what it keeps after a training."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    sys.exit(main())
