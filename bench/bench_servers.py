"""Benchmark: the WSGI servers compared on single citizens' messages, in turns (decision 0006).

A machine's speed drifts from minute to minute (on this workplace's 2-core machines by ±20 %),
so two servers measured in separate runs cannot be compared. Here one database (the intake
benchmark's set-up: bench.voices_intake_seed) is served in turns by each server in
BENCH_SERVERS ("waitress,granian"), each turn a fresh server (BENCH_WORKERS processes, one per
CPU by default, × BENCH_THREADS threads, 32) with a short warm-up, then
BENCH_SERVER_MESSAGES (3000) distinct single messages posted by BENCH_INTAKE_CLIENTS (50)
keep-alive clients, then a minimal Django view for scale. BENCH_SERVER_ROUNDS (4) rounds; the
order of the servers alternates from one round to the next. After every turn the database is
checked as the intake benchmark checks it (nothing lost, nothing stored twice, every message
with its case, tracking number and suggestions).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/datong .venv/bin/python -m bench.bench_servers

Figures, not pass/fail; the exit status is non-zero if a message was lost or doubled or a
request failed.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_voices_intake as intake  # noqa: E402
from bench.harness import SERVERS, BenchApp, Scenario, Server, env_int, measure  # noqa: E402


def servers() -> list[str]:
    chosen = [s.strip() for s in os.environ.get("BENCH_SERVERS", "waitress,granian").split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SERVERS]
    if unknown or not chosen:
        raise SystemExit(f"BENCH_SERVERS: one or more of {', '.join(SERVERS)}")
    return chosen


def turn(app: BenchApp, kind: str, token: str, payloads: list[dict], warmup: list[dict], clients: int) -> dict:
    """One server, fresh: warm up, post the messages, check the database, a minimal view."""
    app.servers["app"] = Server("bench.wsgi:application", app._env(), app.tmp / f"{kind}.log", app.threads,
                                app.workers, kind=kind)
    try:
        intake.send(app, token, intake.Run("warm-up", [intake.Post([p]) for p in warmup], clients=clients))
        run = intake.Run(kind, [intake.Post([p]) for p in payloads], clients=clients)
        intake.post_and_check(app, token, run)
        minimal = measure(app, Scenario("minimal Django view", "/__bench__/minimal", baseline=True),
                          users=clients, duration=2, max_requests=100_000, warmup=0.5)
    finally:
        app.servers.pop("app").stop()
    return {"run": run, "minimal": minimal.throughput}


def main() -> int:
    kinds = servers()
    rounds = env_int("BENCH_SERVER_ROUNDS", 4)
    count = env_int("BENCH_SERVER_MESSAGES", 3000)
    clients = env_int("BENCH_INTAKE_CLIENTS", 50)
    warmup = 100
    print(f"Benchmark: {' and '.join(kinds)} in turns, single messages through the API", flush=True)
    with BenchApp(threads=env_int("BENCH_THREADS", 32), workers=env_int("BENCH_WORKERS", os.cpu_count() or 1)) as app:
        app.servers.pop("app").stop()  # each turn starts its own
        seed = intake.helper(app, "setup")
        payloads = intake.messages(rounds * len(kinds) * (warmup + count), seed["districts"])
        turns: list[tuple[int, str, dict]] = []
        for number in range(rounds):
            for kind in kinds if number % 2 == 0 else kinds[::-1]:
                head, payloads = payloads[: warmup + count], payloads[warmup + count :]
                print(f"  round {number + 1}: {kind} …", flush=True)
                turns.append((number + 1, kind, turn(app, kind, seed["token"], head[warmup:], head[:warmup], clients)))
        lines = [
            "",
            "## WSGI servers in turns: single messages through the API",
            f"{count} messages a turn, {clients} loopback clients, keep-alive; {app.workers} processes x "
            f"{app.threads} threads; {app.database_label}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}",
            "",
            f"{'round':<6} {'server':<9} {'msgs/s':>7} {'p99 ms':>7} {'lost':>5} {'dbl':>4}  {'minimal req/s':>13}  CPU",
        ]
        for number, kind, found in turns:
            run = found["run"]
            lines.append(
                f"{number:<6} {kind:<9} {run.throughput:>7.0f} {intake.percentile([p.latency for p in run.posts], 0.99) * 1000:>7.1f} "
                f"{run.stored.get('lost', 0):>5} {run.stored.get('doubled', 0):>4}  {found['minimal']:>13.0f}  {run.cpu}"
            )
        lines.append("")
        for kind in kinds:
            figures = [found["run"].throughput for _n, k, found in turns if k == kind]
            lines.append(f"{kind}: mean {statistics.fmean(figures):.0f} messages/s "
                         f"({', '.join(f'{f:.0f}' for f in figures)})")
        print("\n".join(lines), flush=True)
    problems = [problem for _n, _k, found in turns for problem in found["run"].problems()]
    for problem in problems:
        print(f"PROBLEM: {problem}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
