"""Benchmark: does a large work-order import hold other writers up? (voices/importing.py)

A tester's demo (SQLite) died importing 5,000 historical work orders with their outcomes:
the import held the write lock for minutes, and the periodic runner's write failed with
"database is locked". The import now writes BATCH_ROWS rows per transaction.

Into a throwaway database with the demo city, a sheet of BENCH_IMPORT_ROWS rows (default
5,000) with 承办单位, 办结时间 and 办理结果 is uploaded and imported through
`voices.importing.accept_upload` and `run_upload` (what the upload page and the task call),
while another process writes as the periodic runner does: a short transaction every
BENCH_WRITER_PAUSE seconds (default 0.2), inserting a row. Printed: the import's seconds
and rows per second; the other writer's writes, failures ("database is locked"), and its
longest and 99th-percentile wait. With BENCH_ONE_TRANSACTION=1 the whole file is written
in one batch as before, for comparison (expect failures on SQLite: each waits out the
10 s busy timeout). Database: SQLite unless DATABASE_URL names PostgreSQL. Figures, not
pass/fail.

    python -m bench.bench_voices_import_lock
    python -m bench.bench_voices_import_lock run OUT.json ROWS     # the helper (bench settings)
    python -m bench.bench_voices_import_lock write OUT.json STOPFILE
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, BenchApp, env_int, percentiles, run_helper  # noqa: E402


def main() -> int:
    rows = env_int("BENCH_IMPORT_ROWS", 5000)
    with BenchApp() as app:
        figures = run_helper(app, "bench.bench_voices_import_lock", "run", str(rows))
        print(f"Database: {app.database_label}; {rows:,} rows, all with their past outcome; "
              f"{figures['batch_rows']:,} rows per transaction\n")
    imp, writer = figures["import"], figures["writer"]
    print(f"Import (accept_upload + run_upload): {imp['seconds']:.1f} s, {imp['created'] / imp['seconds']:.0f} rows/s; "
          f"{imp['created']:,} created, {imp['closed']:,} closed, state {imp['state']}")
    print(f"Batches: {imp['batches']}, longest {imp['longest_batch_s']:.2f} s, median {imp['median_batch_s']:.2f} s")
    waits = writer["waits"]
    print(f"Other writer during the import: {writer['writes']} writes, {writer['failures']} failed "
          f"({', '.join(writer['errors'][:2]) or 'none'}); wait p50 {waits.get('p50', 0):.0f} ms, "
          f"p99 {waits.get('p99', 0):.0f} ms, longest {waits.get('max', 0):.0f} ms")
    return 0


# --- the helper, in the benchmark's database -------------------------------------------------


def run(out: str, rows: int) -> None:
    import django

    django.setup()
    import random
    import statistics

    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.voices_import_seed import sheet
    from core.accounts.models import User
    from core.organisation.selectors import current_congress
    from voices import importing

    if os.environ.get("BENCH_ONE_TRANSACTION") == "1":
        importing.BATCH_ROWS = rows  # the import as it was: one transaction for the whole file
    congress = current_congress()
    staff = User.objects.get(username="bench-staff")
    content = sheet("LOCK", rows, outcome=True, congress=congress, rng=random.Random(20261128))
    batch_times: list[float] = []
    real_write_batch = importing.write_batch

    def timed_write_batch(batch, **kwargs):
        started = time.perf_counter()
        try:
            return real_write_batch(batch, **kwargs)
        finally:
            batch_times.append(time.perf_counter() - started)

    importing.write_batch = timed_write_batch
    stop = Path(out).with_suffix(".stop")
    writer_out = Path(out).with_suffix(".writer.json")
    writer = subprocess.Popen(  # noqa: S603 - this very module
        [sys.executable, "-m", "bench.bench_voices_import_lock", "write", str(writer_out), str(stop)],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        time.sleep(1.0)  # the writer connected and writing
        started = time.perf_counter()
        result, _rows = importing.accept_upload(SimpleUploadedFile("工单.xlsx", content), by=staff)
        result = importing.run_upload(result.upload, by=staff)
        seconds = time.perf_counter() - started
    finally:
        stop.touch()
        writer.wait(timeout=120)
    figures = {
        "batch_rows": importing.BATCH_ROWS,
        "import": {
            "seconds": seconds, "created": result.created, "closed": result.closed, "state": result.state,
            "batches": len(batch_times), "longest_batch_s": max(batch_times, default=0),
            "median_batch_s": statistics.median(batch_times) if batch_times else 0,
        },
        "writer": json.loads(writer_out.read_text()),
    }
    Path(out).write_text(json.dumps(figures))


def write(out: str, stop: str) -> None:
    """Write as the periodic runner does until `stop` exists: a short transaction inserting a
    row, every BENCH_WRITER_PAUSE seconds; record how long each waited and which failed."""
    import django

    django.setup()
    from django.db import OperationalError, transaction

    from core.jobs.models import PeriodicRun

    pause = float(os.environ.get("BENCH_WRITER_PAUSE", "0.2"))
    waits: list[float] = []
    errors: list[str] = []
    number = 0
    while not Path(stop).exists():
        number += 1
        started = time.perf_counter()
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=f"bench.writer.{number}")
        except OperationalError as exc:
            errors.append(str(exc))
        waits.append(time.perf_counter() - started)
        time.sleep(pause)
    Path(out).write_text(json.dumps({
        "writes": len(waits), "failures": len(errors), "errors": sorted(set(errors)),
        "waits": percentiles(waits, with_max=True),
    }))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        command, *rest = sys.argv[1:]
        if command == "run":
            run(rest[0], int(rest[1]) if len(rest) > 1 else 5000)
        elif command == "write":
            write(rest[0], rest[1])
        else:
            raise SystemExit(f"unknown command {command!r}")
    else:
        sys.exit(main())
