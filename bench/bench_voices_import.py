"""Benchmark: importing historical 12345 work orders from xlsx (issue 5, voices/importing.py).

Two invented sheets of BENCH_IMPORT_ROWS rows (default 2,000) into the demo city, as the
background task imports them: one without outcomes (each order opens as received) and one
with 承办单位, 办结时间 and 办理结果 (each order is accepted, assigned back-dated, answered and
closed through casework's `record_past_outcome`). Prints the seconds to read the sheet and
to check and write it, rows per second, statements per row, and what is stored.

Database: PostgreSQL when DATABASE_URL names it or the local server answers (a throwaway
database), else SQLite. Figures, not pass/fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import BenchApp, env_int, postgres_url, run_helper  # noqa: E402


def main() -> int:
    rows = env_int("BENCH_IMPORT_ROWS", 2000)
    url = postgres_url()
    if url:
        os.environ["DATABASE_URL"] = url
    with BenchApp() as app:
        figures = run_helper(app, "bench.voices_import_seed", "run", str(rows))
        print(f"Database: {app.database_label}; {rows:,} rows per sheet\n")
    head = f"{'sheet':<28} {'read s':>7} {'import s':>9} {'rows/s':>7} {'stmts/row':>9} {'closed':>7}  progress"
    print(head)
    print("-" * len(head))
    for label, title in (("open", "without outcomes (received)"), ("closed", "with outcomes (closed)")):
        f = figures[label]
        done, total = f["progress"] or (0, 0)
        print(f"{title:<28} {f['read_seconds']:7.1f} {f['import_seconds']:9.1f} "
              f"{f['created'] / f['import_seconds']:7.0f} {f['statements'] / max(f['created'], 1):9.2f} "
              f"{f['closed']:7,}  {done:,}/{total:,}")
    extra = (figures["closed"]["import_seconds"] - figures["open"]["import_seconds"]) / rows * 1000
    print(f"\nA past outcome costs {extra:.1f} ms per row beyond the import itself.")
    print(f"Stored: {figures['stored']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
