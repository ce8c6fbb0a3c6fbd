"""Benchmark: citizens' messages coming in through the API (issue 5's intake target).

Target: "intake end to end through the API into PostgreSQL, classified and stored, ≥ 500
messages/second on this 2-core machine with nothing lost".

The demo city (bench.seed) gets the invented demo messages of voices.demo and its text
models trained and active (bench.voices_intake_seed, its own process), and a client system
gets an API token. Two ways in are measured, each with messages of its own:

- single: BENCH_INTAKE_MESSAGES (5000) distinct invented messages, made from voices.demo's
  templates with districts, places and numbers varied (so they are alike, as real ones are,
  and the duplicate index has work), posted once each to `POST /api/voices/messages` (the
  API channel, Bearer token) by BENCH_INTAKE_CLIENTS (50) keep-alive client threads over
  loopback, as fast as the server answers, after a short warm-up (BENCH_INTAKE_WARMUP
  messages, 40, not counted);
- batch: BENCH_INTAKE_BATCH_MESSAGES (as many) other messages posted BENCH_INTAKE_BATCH (100)
  at a time to `POST /api/voices/messages/batch` (a 12345 platform pushing its work orders)
  by BENCH_INTAKE_BATCH_CLIENTS (4) keep-alive client threads, after one warm-up batch.

After each, the database is checked: messages stored = messages answered 201, each with its
case, its tracking number and a suggested category (classified), none stored twice, every
tracking number answered is stored. The CPU each message answered cost is read for the server
processes, PostgreSQL's processes (/proc) and the clients: on 2 cores, 500 messages a second
leaves 4 ms in all. For scale, a minimal Django view through the same
middleware and server with the same clients as the single run.

Figures, not pass/fail; the exit status is non-zero if a message was lost or doubled, a
request failed or a message was not classified. Environment: BENCH_INTAKE_MODES
("single,batch"), BENCH_INTAKE_MESSAGES, BENCH_INTAKE_CLIENTS, BENCH_INTAKE_WARMUP,
BENCH_INTAKE_BATCH, BENCH_INTAKE_BATCH_MESSAGES, BENCH_INTAKE_BATCH_CLIENTS, BENCH_THREADS
(threads per server process, 32), BENCH_WORKERS (server processes on the one port, default:
one per CPU), BENCH_SERVER (granian, or waitress to compare), DATABASE_URL (PostgreSQL, else
SQLite).
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
BATCH_PATH = "/api/voices/messages/batch"
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
    """One request: one message (single) or several (a batch)."""

    payloads: list[dict]
    status: int = 0
    latency: float = 0.0
    done: float = 0.0  # seconds after the start
    tracking_numbers: list[str] = field(default_factory=list)


@dataclass
class Run:
    name: str
    posts: list[Post]
    clients: int
    batch: int = 1
    elapsed: float = 0.0
    stored: dict = field(default_factory=dict)
    groups: str = ""  # how the single messages were grouped (group_summary)
    cpu: str = ""  # CPU per message answered: server, database, clients (cpu_summary)

    @property
    def path(self) -> str:
        return BATCH_PATH if self.batch > 1 else PATH

    @property
    def messages(self) -> int:
        return sum(len(p.payloads) for p in self.posts)

    @property
    def ok(self) -> list[Post]:
        return [p for p in self.posts if p.status == 201]

    @property
    def answered(self) -> int:
        return sum(len(p.tracking_numbers) for p in self.ok)

    @property
    def throughput(self) -> float:
        return self.answered / self.elapsed if self.elapsed else 0.0

    def statuses(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for p in self.posts:
            found[p.status] = found.get(p.status, 0) + 1
        return dict(sorted(found.items()))

    def problems(self) -> list[str]:
        s = self.stored
        ok = self.answered
        found = []
        if ok != self.messages:
            found.append(f"{self.name}: {self.messages - ok} messages not accepted: {self.statuses()}")
        if s.get("stored") != ok:
            found.append(f"{self.name}: messages stored {s.get('stored')} != answered {ok}")
        if s.get("lost"):
            found.append(f"{self.name}: {s['lost']} messages sent are not stored")
        if s.get("doubled"):
            found.append(f"{self.name}: {s['doubled']} messages stored twice")
        if s.get("answered_not_stored"):
            found.append(f"{self.name}: {s['answered_not_stored']} tracking numbers answered are not stored")
        if len({n for p in self.ok for n in p.tracking_numbers}) != ok:
            found.append(f"{self.name}: a tracking number was answered twice")
        for key, label in (("with_case", "a case"), ("with_tracking_number", "a tracking number"),
                           ("classified", "a suggested category")):
            if s.get(key) != s.get("rows"):
                found.append(f"{self.name}: {s.get('rows', 0) - s.get(key, 0)} stored messages without {label}")
        if s.get("distinct_cases") != s.get("with_case"):
            found.append(f"{self.name}: two messages share a case")
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


def send(app: BenchApp, token: str, run: Run) -> float:
    """Post every request once from `run.clients` keep-alive client threads, as fast as the
    server answers; seconds from the start to the last answer."""
    port = app.servers["app"].port
    posts, path, batch = run.posts, run.path, run.batch > 1
    headers = {
        "Host": HOST,
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    lock = threading.Lock()
    position = [0]
    ready = threading.Barrier(run.clients + 1)
    start = [0.0]

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=300)
        ready.wait()
        while True:
            with lock:
                if position[0] >= len(posts):
                    break
                post = posts[position[0]]
                position[0] += 1
            body = {"messages": post.payloads} if batch else post.payloads[0]
            sent = time.perf_counter()
            try:
                conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
                response = conn.getresponse()
                answer = response.read()
                post.status = response.status
                if post.status == 201:
                    data = json.loads(answer)
                    post.tracking_numbers = (
                        [item["tracking_number"] for item in data["items"]] if batch else [data["tracking_number"]]
                    )
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                post.status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=300)
            finished = time.perf_counter()
            post.latency = finished - sent
            post.done = finished - start[0]
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(run.clients)]
    for thread in threads:
        thread.start()
    start[0] = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join(timeout=1800)
    return max((p.done for p in posts), default=0.0)


def group_stats(app: BenchApp) -> dict[int, dict]:
    """Each server process's group-commit counters (bench.urls.groups), by pid: fresh
    connections until every process has answered (the kernel spreads them)."""
    port = app.servers["app"].port
    found: dict[int, dict] = {}
    for _ in range(200):
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request("GET", "/__bench__/groups", headers={"Host": HOST})
            data = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        found[data["pid"]] = data
        if len(found) >= app.workers:
            break
    return found


def group_summary(before: dict[int, dict], after: dict[int, dict]) -> str:
    """"N messages in G groups (mean size, largest)" over a run, from the counters before and after."""
    groups = sum(a["groups"] - before.get(pid, {}).get("groups", 0) for pid, a in after.items())
    items = sum(a["items"] - before.get(pid, {}).get("items", 0) for pid, a in after.items())
    largest = max((a["largest"] for a in after.values()), default=0)
    alone = sum(a["retried_alone"] - before.get(pid, {}).get("retried_alone", 0) for pid, a in after.items())
    mean = items / groups if groups else 0.0
    return (f"{items} messages stored in {groups} group commits (mean {mean:.1f} a group, largest {largest} "
            f"since the server started; {alone} stored again alone after a group failed)")


def database_cpu() -> float | None:
    """CPU seconds used so far by this machine's PostgreSQL processes (/proc), or None when
    they cannot be read (another machine, another OS)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, seen = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name_end = text.rfind(")")
        if text[text.find("(") + 1 : name_end] != "postgres":
            continue
        fields = text[name_end + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime (proc(5) fields 14, 15)
        seen = True
    return total if seen else None


def cpu_summary(run: Run, before: dict, after: dict, clients: float) -> str:
    """"server X ms, database Y ms, clients Z ms of CPU a message" over a run (both cores'
    worth: what 2 cores can afford is 2,000 ms a second)."""
    answered = run.answered
    if not answered:
        return ""
    server = sum(a["cpu"] - before["server"].get(pid, {}).get("cpu", 0.0) for pid, a in after["server"].items())
    parts = [f"server {server * 1000 / answered:.2f} ms"]
    if before["database"] is not None and after["database"] is not None:
        parts.append(f"PostgreSQL {(after['database'] - before['database']) * 1000 / answered:.2f} ms")
    parts.append(f"clients {clients * 1000 / answered:.2f} ms")
    return "CPU a message: " + ", ".join(parts)


def report(app: BenchApp, seed: dict, warm: list[Run], runs: list[Run], scale: list[Result]) -> str:
    base = scale[0]
    lines = [
        "",
        "## Citizens' messages through the API (intake)",
        f"POST {PATH} (one message a request) and POST {BATCH_PATH} (a batch a request) with a client "
        f"system's API token; loopback clients, keep-alive; {app.server_label}; {app.database_label}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}",
        f"seed: {seed['congress']}, {seed['categories']} categories, {seed['units']} units, {seed['districts_count']} "
        f"districts; models {'+'.join(seed['models'])} trained on {seed['history']} demo messages "
        f"({seed['routed']} routed); setting up: {seed['setup_seconds']} s; warm-up (not counted): "
        + "; ".join(f"{w.name} {w.answered}/{w.messages} messages in {w.elapsed:.2f} s" for w in warm),
        "for scale, with the single run's clients: "
        + "; ".join(f"{r.scenario.name} {r.throughput:.0f} req/s (p50 {r.percentile(0.5) * 1000:.1f} ms)" for r in scale)
        + f"; load average at the end: {os.getloadavg()[0]:.2f}",
        "",
        f"{'run':<10} {'clients':>7} {'reqs':>5} {'msgs':>6} {'201 msgs':>8} {'all in':>8} {'msgs/s':>7} {'vs base':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'stored':>7} {'lost':>5} {'dbl':>4} {'case':>6} "
        f"{'track#':>7} {'classified':>10}",
    ]
    for run in runs:
        s = run.stored
        latencies = [p.latency for p in run.ok]
        rows = s.get("rows", 0)
        classified = s.get("classified", 0) / rows if rows else 0.0
        lines.append(
            f"{run.name:<10} {run.clients:>7} {len(run.posts):>5} {run.messages:>6} {run.answered:>8} "
            f"{run.elapsed:>7.2f}s {run.throughput:>7.0f} "
            f"{run.throughput / base.throughput if base.throughput else float('nan'):>7.2f}x "
            f"{percentile(latencies, 0.50) * 1000:>8.1f} {percentile(latencies, 0.95) * 1000:>8.1f} "
            f"{percentile(latencies, 0.99) * 1000:>8.1f} {max(latencies, default=0) * 1000:>8.1f} "
            f"{s.get('stored', 0):>7} {s.get('lost', 0):>5} {s.get('doubled', 0):>4} {s.get('with_case', 0):>6} "
            f"{s.get('with_tracking_number', 0):>7} {classified:>9.1%}"
        )
    lines.append("")
    for run in runs:
        mode = "one message a request" if run.batch == 1 else f"batches of {run.batch}"
        verdict = "MET" if run.throughput >= TARGET and not run.problems() else "NOT MET"
        problems = f"; {len(run.problems())} problems" if run.problems() else ""
        lines.append(f"target ≥ {TARGET:.0f} messages/s with nothing lost, {mode} ({run.name}): {verdict} "
                     f"({run.throughput:.0f} messages/s{problems})")
    for run in runs:
        if run.groups:
            lines.append(f"{run.name}: {run.groups}")
        if run.cpu:
            lines.append(f"{run.name}: {run.cpu}")
    for run in runs:
        s = run.stored
        lines.append(f"{run.name}: answers {run.statuses()}; a unit suggested for {s.get('unit_suggested', 0)} of "
                     f"{s.get('rows', 0)}; tracking numbers answered but not stored: {s.get('answered_not_stored', 0)}")
    lines += [
        "",
        "'reqs': requests; 'msgs': messages sent; '201 msgs': messages answered with a tracking number; 'all in': from "
        "the first request sent to the last answer; 'msgs/s': messages answered per second over that; 'vs base': as a "
        "share of the minimal view's req/s; latencies are per request (a whole batch for 'batch'); 'stored': messages "
        "in the database (by their text), 'lost': sent and not stored, 'dbl': stored more than once; 'case', "
        "'track#': stored with their case and tracking number; 'classified': share stored with a suggested category.",
    ]
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def post_and_check(app: BenchApp, token: str, run: Run) -> None:
    """Send the run's requests, then record on it the time taken, the CPU a message (server,
    database, clients), how single messages were grouped, and what the database stored."""
    before = {"server": group_stats(app), "database": database_cpu()}
    client_cpu = time.process_time()
    run.elapsed = send(app, token, run)
    client_cpu = time.process_time() - client_cpu
    after = {"server": group_stats(app), "database": database_cpu()}
    run.cpu = cpu_summary(run, before, after, client_cpu)
    if run.batch == 1:
        run.groups = group_summary(before["server"], after["server"])
    print(f"  {run.name}: checking the database …", flush=True)
    check_stored(app, run)


def check_stored(app: BenchApp, run: Run) -> None:
    sent = app.tmp / f"sent-{run.name}.json"
    sent.write_text(
        json.dumps(
            {"bodies": [m["body"] for p in run.posts for m in p.payloads],
             "tracking_numbers": [n for p in run.ok for n in p.tracking_numbers]},
            ensure_ascii=False,
        )
    )
    run.stored = helper(app, "inspect", str(sent))


def _chunks(payloads: list[dict], size: int) -> list[Post]:
    return [Post(payloads[i : i + size]) for i in range(0, len(payloads), size)]


def main() -> int:
    modes = [m.strip() for m in os.environ.get("BENCH_INTAKE_MODES", "single,batch").split(",") if m.strip()]
    count = env_int("BENCH_INTAKE_MESSAGES", 5000)
    clients = env_int("BENCH_INTAKE_CLIENTS", 50)
    warmup = env_int("BENCH_INTAKE_WARMUP", 40)
    batch = max(2, env_int("BENCH_INTAKE_BATCH", 100))
    batch_count = env_int("BENCH_INTAKE_BATCH_MESSAGES", count)
    batch_clients = env_int("BENCH_INTAKE_BATCH_CLIENTS", 4)
    print(f"Benchmark: citizens' messages through the API ({', '.join(modes)})", flush=True)
    # A production deployment runs one server process per core (docs/decisions/0003, 0006).
    # 32 threads a process: a request waiting for its group to be committed holds a thread
    # (docs/decisions/0005-intake-group-commit.md); processes x threads stays under
    # PostgreSQL's max_connections (100), each thread keeping its own connection.
    with BenchApp(threads=env_int("BENCH_THREADS", 32), workers=env_int("BENCH_WORKERS", os.cpu_count() or 1)) as app:
        print("  setting up categories, units, trained models and a client token …", flush=True)
        seed = helper(app, "setup")
        seed["districts_count"] = len(seed["districts"])
        single = "single" in modes
        batched = "batch" in modes
        need = (warmup + count if single else 0) + (batch + batch_count if batched else 0)
        payloads = messages(need, seed["districts"])
        warm: list[Run] = []
        runs: list[Run] = []
        if single:
            head, payloads = payloads[: warmup + count], payloads[warmup + count :]
            warm.append(Run("single", [Post([p]) for p in head[:warmup]], clients=min(clients, max(1, warmup))))
            runs.append(Run("single", [Post([p]) for p in head[warmup:]], clients=clients))
        if batched:
            head, payloads = payloads[:batch], payloads[batch:]
            warm.append(Run(f"batch {batch}", _chunks(head, batch), clients=1, batch=batch))
            runs.append(Run(f"batch {batch}", _chunks(payloads[:batch_count], batch), clients=batch_clients,
                            batch=batch))
        for w, run in zip(warm, runs, strict=True):
            if w.posts:
                print(f"  {run.name}: warming up with {w.messages} messages …", flush=True)
                w.elapsed = send(app, seed["token"], w)
            print(f"  {run.name}: posting {run.messages} messages in {len(run.posts)} requests from "
                  f"{run.clients} clients …", flush=True)
            post_and_check(app, seed["token"], run)
        print("  measuring a minimal view, for scale …", flush=True)
        scale = [
            measure(app, Scenario("minimal Django view", "/__bench__/minimal", baseline=True), users=clients,
                    duration=3, max_requests=100_000, warmup=1)
        ]
        report(app, seed, warm, runs, scale)
    problems = [problem for run in runs for problem in run.problems()]
    for problem in problems:
        print(f"PROBLEM: {problem}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
