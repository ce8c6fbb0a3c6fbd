"""Benchmark 3: the staff's "what is late" and the per-unit counts at 1,000,000 cases (issue 3).

Target: with 1,000,000 cases and 100 handling units in PostgreSQL, the "what is late" list
and the per-unit counts answer at p95 ≤ 100 ms, reported beside the raw SQL of the same
query measured in the same run.

1. A throwaway PostgreSQL database beside DATABASE_URL's (bench.harness.BenchApp: migrate,
   seed, serve); without DATABASE_URL the local server at
   postgres://postgres@127.0.0.1:5432 is tried. No PostgreSQL: a loud note, exit 0.
2. bench/casework_data.py generates the cases and assignments in SQL (with the copies and
   running counts the services keep, see casework/services/derived.py) and VACUUM ANALYZEs.
3. The selectors, called directly as staff, against their captured SQL through a bare
   cursor (BENCH_CASEWORK_RUNS runs each, default 200): p50/p95/p99 and the ratio.
4. The real pages and API operations that serve those lists (those that exist and answer
   200 are measured), one keep-alive client, the same number of runs.
5. For each query over target: its EXPLAIN (ANALYZE, BUFFERS), for the report.

Figures, not pass/fail: the exit status is non-zero only if the benchmark could not run.
Environment: BENCH_CASES (1000000), BENCH_UNITS (100), BENCH_CASEWORK_RUNS (200),
BENCH_SHOW_PLANS (1: print the plans of queries over target).
"""

from __future__ import annotations

import http.client
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import HOST, BenchApp, env_int, ms, percentiles, run_helper, use_postgres  # noqa: E402

TARGET_MS = 100.0
#: As in bench/casework_data.py: a slow target gets at least MIN_RUNS runs, then stops once
#: BUDGET_SECONDS are spent.
MIN_RUNS = 20
BUDGET_SECONDS = 90.0

#: (label, path, auth): the pages and API operations behind the two lists.
HTTP_TARGETS = [
    ("page /casework/assignments/?overdue=yes (staff)", "/casework/assignments/?overdue=yes", "session"),
    ("page /casework/late/ (staff)", "/casework/late/", "session"),
    ("page /proposals/office/ (staff desk)", "/proposals/office/", "session"),
    ("API /api/casework/assignments?overdue=true", "/api/casework/assignments?overdue=true&page_size=50", "token"),
    ("API /api/casework/late-by-unit", "/api/casework/late-by-unit", "token"),
    ("API /api/casework/unit-counts", "/api/casework/unit-counts", "token"),
]










def measure_http(app: BenchApp, runs: int) -> list[dict]:
    """Each target, one keep-alive client, sequential: latency as one staff member sees it."""
    results = []
    for label, path, auth in HTTP_TARGETS:
        status, _body = app.get(path, auth=auth)
        if status != 200:
            results.append({"name": label, "note": f"not measured: GET {path} answered {status}"})
            continue
        print(f"    {label} …", flush=True)
        conn = http.client.HTTPConnection(HOST, app.servers["app"].port, timeout=120)
        headers = app.headers(auth)
        times, errors, spent = [], 0, 0.0
        try:
            for index in range(runs + 5):
                if len(times) >= MIN_RUNS and spent > BUDGET_SECONDS:
                    break  # far over target: enough runs to say so
                started = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if index < 5:
                    continue  # warm-up
                spent += elapsed
                if response.status == 200:
                    times.append(elapsed)
                else:
                    errors += 1
        finally:
            conn.close()
        results.append({"name": label, "http": percentiles(times), "errors": errors})
    return results




def report(data: dict, measured: list, http: list, app: BenchApp, runs: int) -> list[str]:
    print("\n## Casework at scale: what is late, per-unit counts")
    print(
        f"{data['cases']:,} cases ({', '.join(f'{k} {v:,}' for k, v in sorted(data['states'].items()))}), "
        f"{data['assignments']:,} assignments, {data['units']} units, {data['overdue_cases']:,} cases overdue "
        f"({100 * data['overdue_cases'] / max(1, data['cases']):.1f} %); generated in {data['total_seconds']} s"
    )
    print(f"{app.database_label}; {os.cpu_count()} CPUs; up to {runs} runs each after 5 warm-up (at least "
          f"{MIN_RUNS}, {BUDGET_SECONDS:g} s at most per query); target p95 ≤ {TARGET_MS:g} ms")
    print()
    print(f"{'query (direct, as staff)':<62} {'':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'vs raw':>7}")
    over = []
    for row in measured:
        selector, raw = row["selector"], row["raw_sql"]
        ratio = selector["p95"] / raw["p95"] if raw.get("p95") else float("nan")
        verdict = "ok" if selector["p95"] <= TARGET_MS else "OVER"
        print(f"{row['name']:<62} {'selector':>10} {ms(selector, 'p50')} {ms(selector, 'p95')} "
              f"{ms(selector, 'p99')} {ratio:6.2f}x  {verdict} ({selector['runs']} runs)")
        print(f"{'':<62} {'raw SQL':>10} {ms(raw, 'p50')} {ms(raw, 'p95')} {ms(raw, 'p99')} "
              f"{'':>7}  ({len(row['statements'])} statement(s))")
        if selector["p95"] > TARGET_MS:
            over.append(row)
    print()
    print(f"{'over HTTP (one keep-alive client)':<62} {'':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for row in http:
        if "note" in row:
            print(f"{row['name']:<62} {row['note']}")
            continue
        figures = row["http"]
        verdict = "ok" if figures.get("p95", 1e9) <= TARGET_MS else "OVER"
        errors = f"  errors {row['errors']}" if row["errors"] else ""
        print(f"{row['name']:<62} {'':>10} {ms(figures, 'p50')} {ms(figures, 'p95')} {ms(figures, 'p99')}"
              f"  {verdict} ({figures.get('runs', 0)} runs){errors}")
    print()
    print("'vs raw': the selector's p95 over the p95 of its own SQL sent through a bare cursor, same run.")
    if over and os.environ.get("BENCH_SHOW_PLANS", "1") == "1":
        print("\n### Plans of the queries over target (EXPLAIN ANALYZE, BUFFERS)")
        for row in over:
            for sql, plan in zip(row["statements"], row["plans"], strict=False):
                print(f"\n-- {row['name']}\n{sql}\n{plan}")
    return [row["name"] for row in over]


def main() -> int:
    print("Benchmark: casework at 1,000,000 cases (what is late, per-unit counts)", flush=True)
    if not use_postgres():
        return 0
    cases = env_int("BENCH_CASES", 1_000_000)
    units = env_int("BENCH_UNITS", 100)
    runs = env_int("BENCH_CASEWORK_RUNS", 200)
    with BenchApp() as app:
        print(f"  generating {cases:,} cases for {units} units …", flush=True)
        data = run_helper(app, "bench.casework_data", "generate", str(cases), str(units))
        print("  measuring the selectors and their SQL …", flush=True)
        measured = run_helper(app, "bench.casework_data", "measure", str(runs))
        print("  measuring over HTTP …", flush=True)
        http = measure_http(app, runs)
        report(data, measured, http, app, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
