"""Benchmark: citizens' messages coming in through the API (issue 5's intake target).

Target: "intake end to end through the API into PostgreSQL, classified and stored, ≥ 500
messages/second on this 2-core machine with nothing lost".

The demo city (bench.seed) gets the invented demo messages of voices.demo and its text
models trained and active (bench.voices_intake_seed, its own process), and a client system
gets an API token. BENCH_INTAKE_MESSAGES (5000) distinct invented messages, made from
voices.demo's templates with districts, places and numbers varied (so they are alike, as
real ones are, and the duplicate index has work), are posted once each to
`POST /api/voices/messages` (the API channel, Bearer token) by BENCH_INTAKE_CLIENTS (50)
keep-alive client threads over loopback, as fast as the server answers, after a short
warm-up (BENCH_INTAKE_WARMUP messages, 40, not counted). Then the database is checked:
messages stored = 201 answers, each with its case, its tracking number and a suggested
category (classified), none stored twice, every tracking number answered is stored. For
scale, a minimal Django view through the same middleware and server with the same clients.

Figures, not pass/fail; the exit status is non-zero if a message was lost or doubled, a
request failed or a message was not classified. Environment: BENCH_INTAKE_MESSAGES,
BENCH_INTAKE_CLIENTS, BENCH_INTAKE_WARMUP, BENCH_THREADS (waitress threads per process, 8),
BENCH_WORKERS (waitress processes on the one port, default: one per CPU), DATABASE_URL
(PostgreSQL, else SQLite).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import HOST, ROOT, BenchApp, Result, Scenario, env_int, measure  # noqa: E402
from voices.demo import CATEGORIES, PLACES  # noqa: E402 - plain data, no Django set-up needed

PATH = "/api/voices/messages"
NOTICE_VERSION = "2026-11"  # the privacy notice version the web form shows (voices.forms)
TARGET = 500.0  # messages per second (issue 5)
NATURES = ("help", "help", "complaint", "consultation", "suggestion")
SURNAMES = "王李张刘陈杨赵黄周吴"


def helper(app: BenchApp, *args: str) -> dict:
    """Run bench.voices_intake_seed in its own process against the benchmark database; its
    last argument is the JSON file it writes."""
    with tempfile.NamedTemporaryFile(suffix=".json", dir=app.tmp, delete=False) as handle:
        out = handle.name
    subprocess.run(
        [sys.executable, "-m", "bench.voices_intake_seed", *args, out], cwd=ROOT, env=app._env(), check=True
    )
    return json.loads(Path(out).read_text())


def percentile(values: list[float], q: float) -> float:
    return Result(Scenario("", ""), latencies=values).percentile(q)


@dataclass
class Post:
    payload: dict
    status: int = 0
    latency: float = 0.0
    done: float = 0.0  # seconds after the start
    tracking_number: str = ""


@dataclass
class Run:
    posts: list[Post]
    clients: int
    elapsed: float = 0.0
    stored: dict = field(default_factory=dict)

    @property
    def ok(self) -> list[Post]:
        return [p for p in self.posts if p.status == 201]

    @property
    def throughput(self) -> float:
        return len(self.ok) / self.elapsed if self.elapsed else 0.0

    def statuses(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for p in self.posts:
            found[p.status] = found.get(p.status, 0) + 1
        return dict(sorted(found.items()))

    def problems(self) -> list[str]:
        s = self.stored
        ok = len(self.ok)
        found = []
        if ok != len(self.posts):
            found.append(f"{len(self.posts) - ok} messages not accepted: {self.statuses()}")
        if s.get("stored") != ok:
            found.append(f"messages stored {s.get('stored')} != 201 answers {ok}")
        if s.get("lost"):
            found.append(f"{s['lost']} messages sent are not stored")
        if s.get("doubled"):
            found.append(f"{s['doubled']} messages stored twice")
        if s.get("answered_not_stored"):
            found.append(f"{s['answered_not_stored']} tracking numbers answered are not stored")
        for key, label in (("with_case", "a case"), ("with_tracking_number", "a tracking number"),
                           ("classified", "a suggested category")):
            if s.get(key) != s.get("rows"):
                found.append(f"{s.get('rows', 0) - s.get(key, 0)} stored messages without {label}")
        if s.get("distinct_cases") != s.get("with_case"):
            found.append("two messages share a case")
        return found


def messages(count: int, districts: list, seed: int = 5) -> list[dict]:
    """`count` distinct invented messages from voices.demo's templates: district, place and
    number varied, about half with a name and a mobile number, some anonymous."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[dict] = []
    templates = [(subject, body) for _code, _name, _unit, texts in CATEGORIES for subject, body in texts]
    while len(out) < count:
        subject, template = templates[len(out) % len(templates)] if rng.random() < 0.5 else rng.choice(templates)
        district = rng.choice(districts) if districts else None
        body = ""
        for _attempt in range(10):
            body = template.format(d=district[1] if district else "", p=rng.choice(PLACES), n=rng.randint(2, 99))
            if body not in seen:
                break
        else:
            body = f"{body}（已是第{rng.randint(2, 9)}次反映，编号{len(out)}）"
        seen.add(body)
        payload = {
            "regime": "petition" if rng.random() < 0.1 else "hotline",
            "nature": rng.choice(NATURES),
            "subject": subject,
            "body": body,
            "district_id": district[0] if district and rng.random() < 0.7 else None,
            "notice_version": NOTICE_VERSION,
        }
        kind = rng.random()
        if kind < 0.5:
            payload["name"] = f"{rng.choice(SURNAMES)}{'先生' if rng.random() < 0.5 else '女士'}"
            payload["phone"] = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
        elif kind < 0.6:
            payload["is_anonymous"] = True
        out.append(payload)
    return out


def send(app: BenchApp, token: str, posts: list[Post], clients: int) -> float:
    """Post every message once from `clients` keep-alive client threads, as fast as the
    server answers; seconds from the start to the last answer."""
    port = app.servers["app"].port
    headers = {
        "Host": HOST,
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    lock = threading.Lock()
    position = [0]
    ready = threading.Barrier(clients + 1)
    start = [0.0]

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        ready.wait()
        while True:
            with lock:
                if position[0] >= len(posts):
                    break
                post = posts[position[0]]
                position[0] += 1
            sent = time.perf_counter()
            try:
                conn.request("POST", PATH, body=json.dumps(post.payload).encode(), headers=headers)
                response = conn.getresponse()
                body = response.read()
                post.status = response.status
                if post.status == 201:
                    post.tracking_number = json.loads(body)["tracking_number"]
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                post.status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
            finished = time.perf_counter()
            post.latency = finished - sent
            post.done = finished - start[0]
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start[0] = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join(timeout=1800)
    return max((p.done for p in posts), default=0.0)


def report(app: BenchApp, seed: dict, warm: Run, run: Run, scale: list[Result]) -> str:
    base = scale[0]
    s = run.stored
    latencies = [p.latency for p in run.ok]
    rows = s.get("rows", 0)
    classified = s.get("classified", 0) / rows if rows else 0.0
    lines = [
        "",
        "## Citizens' messages through the API (intake)",
        f"{len(run.posts)} distinct invented messages, POST {PATH} with a client system's API token; "
        f"{run.clients} loopback client threads, keep-alive; {app.server_label}; {app.database_label}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}",
        f"seed: {seed['congress']}, {seed['categories']} categories, {seed['units']} units, {seed['districts_count']} "
        f"districts; models {'+'.join(seed['models'])} trained on {seed['history']} demo messages "
        f"({seed['routed']} routed); setting up: {seed['setup_seconds']} s; warm-up (not counted): "
        f"{len(warm.ok)}/{len(warm.posts)} messages in {warm.elapsed:.2f} s",
        "for scale, with the same clients: "
        + "; ".join(f"{r.scenario.name} {r.throughput:.0f} req/s (p50 {r.percentile(0.5) * 1000:.1f} ms)" for r in scale)
        + f"; load average at the end: {os.getloadavg()[0]:.2f}",
        "",
        f"{'run':<8} {'msgs':>6} {'201':>6} {'all in':>8} {'msgs/s':>7} {'vs base':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'stored':>7} {'lost':>5} {'dbl':>4} {'case':>6} {'track#':>7} {'classified':>10}",
        f"{'intake':<8} {len(run.posts):>6} {len(run.ok):>6} {run.elapsed:>7.2f}s {run.throughput:>7.0f} "
        f"{run.throughput / base.throughput if base.throughput else float('nan'):>7.2f}x "
        f"{percentile(latencies, 0.50) * 1000:>8.1f} {percentile(latencies, 0.95) * 1000:>8.1f} "
        f"{percentile(latencies, 0.99) * 1000:>8.1f} {max(latencies, default=0) * 1000:>8.1f} "
        f"{s.get('stored', 0):>7} {s.get('lost', 0):>5} {s.get('doubled', 0):>4} {s.get('with_case', 0):>6} "
        f"{s.get('with_tracking_number', 0):>7} {classified:>9.1%}",
        "",
        f"target ≥ {TARGET:.0f} messages/s with nothing lost: "
        + ("MET" if run.throughput >= TARGET and not run.problems() else f"NOT MET ({run.throughput:.0f} messages/s"
           + (f"; {len(run.problems())} problems" if run.problems() else "") + ")"),
        f"answers: {run.statuses()}; a unit suggested for {s.get('unit_suggested', 0)} of {rows}; tracking numbers "
        f"answered but not stored: {s.get('answered_not_stored', 0)}",
        "",
        "'all in': from the first message sent to the last answer; 'msgs/s': 201 answers per second over that; "
        "'vs base': as a share of the minimal view's req/s; 'stored': messages in the database (by their text), "
        "'lost': sent and not stored, 'dbl': stored more than once; 'case', 'track#': stored with their case and "
        "tracking number; 'classified': share stored with a suggested category.",
    ]
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def main() -> int:
    count = env_int("BENCH_INTAKE_MESSAGES", 5000)
    clients = env_int("BENCH_INTAKE_CLIENTS", 50)
    warmup = env_int("BENCH_INTAKE_WARMUP", 40)
    print(f"Benchmark: {count} citizens' messages through the API", flush=True)
    # A production deployment runs one waitress process per core (docs/decisions/0003).
    with BenchApp(workers=env_int("BENCH_WORKERS", os.cpu_count() or 1)) as app:
        print("  setting up categories, units, trained models and a client token …", flush=True)
        seed = helper(app, "setup")
        seed["districts_count"] = len(seed["districts"])
        payloads = messages(warmup + count, seed["districts"])
        warm = Run([Post(p) for p in payloads[:warmup]], clients=min(clients, max(1, warmup)))
        run = Run([Post(p) for p in payloads[warmup:]], clients=clients)
        if warm.posts:
            print(f"  warming up with {warmup} messages …", flush=True)
            warm.elapsed = send(app, seed["token"], warm.posts, warm.clients)
        print(f"  posting {count} messages from {clients} clients …", flush=True)
        run.elapsed = send(app, seed["token"], run.posts, clients)
        sent = app.tmp / "sent.json"
        sent.write_text(
            json.dumps(
                {"bodies": [p.payload["body"] for p in run.posts], "tracking_numbers": [p.tracking_number for p in run.ok]},
                ensure_ascii=False,
            )
        )
        print("  checking the database …", flush=True)
        run.stored = helper(app, "inspect", str(sent))
        print("  measuring a minimal view, for scale …", flush=True)
        scale = [
            measure(app, Scenario("minimal Django view", "/__bench__/minimal", baseline=True), users=clients,
                    duration=3, max_requests=100_000, warmup=1)
        ]
        report(app, seed, warm, run, scale)
    problems = run.problems()
    for problem in problems:
        print(f"PROBLEM: {problem}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
