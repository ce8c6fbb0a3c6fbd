"""Run every benchmark in bench/ (bench_*.py), one process each; `make bench`.

    python bench/run.py            # all
    python bench/run.py home       # those whose name contains "home"

Figures, not pass/fail: the exit status is non-zero only if a benchmark could not run or
saw errors. Never part of `make test`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    selected = [p for p in sorted(BENCH.glob("bench_*.py")) if not argv or any(a in p.stem for a in argv)]
    if not selected:
        print("no benchmark matches", argv)
        return 1
    failures = []
    for path in selected:
        started = time.monotonic()
        print(f"\n# {path.stem}", flush=True)
        status = subprocess.run([sys.executable, "-m", f"bench.{path.stem}"], cwd=BENCH.parent).returncode
        print(f"# {path.stem}: exit {status} after {time.monotonic() - started:.0f} s", flush=True)
        if status:
            failures.append(path.stem)
    if failures:
        print("benchmarks with errors:", ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
