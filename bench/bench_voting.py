"""Benchmark 2: voting in the room at the scale of a national session (issue 4).

3,000 deputies (in office, on the roster, checked in, each with an account and an API
token) vote on a resolution over loopback HTTP, each once, `POST /api/voting/rounds/{id}/vote`
with their own token. Two phases, each on a fresh motion:

- "10 s window": each deputy's vote is due at a random moment within 10 seconds (about
  300 votes a second), sent by BENCH_VOTE_CLIENTS (150) client threads;
- "burst": all 3,000 at once, as fast as the clients and the server go.

After each phase the database is checked: ballots stored = successful answers (201) =
deputies marked as having voted, and the FOR/AGAINST/ABSTAIN split of the stored ballots
equals what the clients sent (zero lost, zero doubled); a sample of deputies then tries to
vote again and must get 409. Then staff close the vote (which counts it) while a poller
reads the projector's result endpoint every 300 ms as the page does: the figure is the time
from sending the close to the first poll showing the counts. Last, the tally of 3,000
paper ballots (double entry, two readings per sheet): the pure count, the reconciliation
and the whole service path, for a motion and for a 13-name, 11-seat election.

Figures, not pass/fail; the exit status is non-zero if a vote was lost or doubled or a
request failed. Environment: BENCH_DEPUTIES (3000), BENCH_VOTE_CLIENTS (150),
BENCH_VOTE_WINDOW (10 s), BENCH_THREADS (threads per server process, 8), BENCH_WORKERS
(server processes on the one port, default: one per CPU), BENCH_SERVER (granian, or
waitress to compare), DATABASE_URL (PostgreSQL, else SQLite).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import HOST, ROOT, BenchApp, Result, Scenario, env_float, env_int, measure  # noqa: E402

#: What the simulated deputies choose, by their number: 60 % for, 30 % against, 10 % abstain.
CHOICES = ["for"] * 6 + ["against"] * 3 + ["abstain"]
POLL_SECONDS = 0.3  # the projector page's poll interval (static/js/datong.js)
RETRY_SAMPLE = 100


def helper(app: BenchApp, *args: str) -> dict:
    """Run bench.voting_seed in its own process against the benchmark database."""
    command = [sys.executable, "-m", "bench.voting_seed", *args]
    if args[0] == "inspect":
        completed = subprocess.run(
            command, cwd=ROOT, env=app._env(), check=True, capture_output=True, text=True
        )
        return json.loads(completed.stdout.strip().splitlines()[-1])
    with tempfile.NamedTemporaryFile(suffix=".json", dir=app.tmp, delete=False) as handle:
        out = handle.name
    subprocess.run([*command[:4], out, *command[4:]], cwd=ROOT, env=app._env(), check=True)
    return json.loads(Path(out).read_text())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=1000, method="inclusive")
    return cuts[min(len(cuts) - 1, max(0, int(q * 1000) - 1))]


@dataclass
class Vote:
    index: int
    token: str
    choice: str
    due: float  # seconds after the start
    status: int = 0
    latency: float = 0.0
    done: float = 0.0  # seconds after the start


@dataclass
class Phase:
    name: str
    round_id: int
    votes: list[Vote]
    elapsed: float = 0.0
    stored: dict = field(default_factory=dict)
    retry_statuses: dict = field(default_factory=dict)
    close_ms: float = 0.0
    to_result_ms: float = float("nan")
    polls: int = 0
    page_ms: float = float("nan")
    page_shows_counts: bool = False
    counted: dict = field(default_factory=dict)

    @property
    def ok(self) -> list[Vote]:
        return [v for v in self.votes if v.status == 201]

    def statuses(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for v in self.votes:
            found[v.status] = found.get(v.status, 0) + 1
        return dict(sorted(found.items()))

    def sent_split(self) -> dict[str, int]:
        split: dict[str, int] = {}
        for v in self.ok:
            split[v.choice] = split.get(v.choice, 0) + 1
        return split

    def problems(self) -> list[str]:
        found = []
        ok = len(self.ok)
        if ok != len(self.votes):
            found.append(f"{len(self.votes) - ok} votes not accepted: {self.statuses()}")
        if self.stored.get("ballots") != ok:
            found.append(f"ballots stored {self.stored.get('ballots')} != accepted {ok}")
        if self.stored.get("has_voted") != ok:
            found.append(f"deputies marked as voted {self.stored.get('has_voted')} != accepted {ok}")
        if self.stored.get("marks") != self.sent_split():
            found.append(f"stored split {self.stored.get('marks')} != sent {self.sent_split()}")
        sent = self.sent_split()
        expected = {
            "for": sent.get("for", 0),
            "against": sent.get("against", 0),
            "abstain": sent.get("abstain", 0),
        }
        if self.counted != expected:
            found.append(f"counted {self.counted} != sent {expected}")
        if self.retry_statuses and set(self.retry_statuses) != {409}:
            found.append(f"second attempts answered {self.retry_statuses}, expected only 409")
        if not self.page_shows_counts:
            found.append("the projector page did not show the counts")
        return found


def _post(conn: http.client.HTTPConnection, path: str, token: str, body: dict) -> int:
    conn.request(
        "POST",
        path,
        body=json.dumps(body).encode(),
        headers={
            "Host": HOST,
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    response = conn.getresponse()
    response.read()
    return response.status


def _get_json(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[int, dict]:
    conn.request(
        "GET", path, headers={"Host": HOST, "Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    response = conn.getresponse()
    body = response.read()
    return response.status, (json.loads(body) if response.status == 200 else {})


def cast_votes(app: BenchApp, round_id: int, votes: list[Vote], clients: int) -> float:
    """Send every vote at (or after) its due time from `clients` keep-alive client threads."""
    port = app.servers["app"].port
    path = f"/api/voting/rounds/{round_id}/vote"
    pending = sorted(votes, key=lambda v: v.due)
    lock = threading.Lock()
    position = [0]
    start = time.perf_counter() + 0.5  # every thread is up before the first vote is due

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                if position[0] >= len(pending):
                    break
                vote = pending[position[0]]
                position[0] += 1
            wait = start + vote.due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            try:
                vote.status = _post(conn, path, vote.token, {"choice": vote.choice})
            except (OSError, http.client.HTTPException):
                vote.status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
            finished = time.perf_counter()
            vote.latency = finished - sent
            vote.done = finished - start
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return max(v.done for v in votes)


def retry_sample(app: BenchApp, round_id: int, phase: Phase) -> dict[int, int]:
    """A second attempt by a sample of deputies who voted: each must be refused (409)."""
    sample = random.Random(7).sample(phase.ok, min(RETRY_SAMPLE, len(phase.ok)))
    conn = http.client.HTTPConnection(HOST, app.servers["app"].port, timeout=60)
    statuses: dict[int, int] = {}
    try:
        for vote in sample:
            flipped = "against" if vote.choice == "for" else "for"
            status = _post(conn, f"/api/voting/rounds/{round_id}/vote", vote.token, {"choice": flipped})
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        conn.close()
    return statuses


def close_and_watch(app: BenchApp, round_id: int, staff_token: str, phase: Phase) -> None:
    """Close the vote and measure when the projector's poll first shows the counts."""
    port = app.servers["app"].port
    result_path = f"/api/voting/rounds/{round_id}/result"
    seen = threading.Event()
    closing = [0.0]
    outcome: dict = {}

    def poll() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        deadline = time.perf_counter() + 60
        try:
            while time.perf_counter() < deadline:
                status, body = _get_json(conn, result_path, staff_token)
                received = time.perf_counter()
                outcome["polls"] = outcome.get("polls", 0) + 1
                if status == 200 and body.get("counted"):
                    if closing[0]:
                        outcome["to_result"] = received - closing[0]
                    outcome["body"] = body
                    seen.set()
                    return
                if status == 200 and body.get("result") is not None:
                    outcome["leak"] = True  # counts while open: must never happen
                time.sleep(POLL_SECONDS)
        finally:
            conn.close()

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    time.sleep(1.0)  # the projector is polling before the close, as in the room
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        closing[0] = time.perf_counter()
        status = _post(conn, f"/api/voting/rounds/{round_id}/close", staff_token, {})
        phase.close_ms = (time.perf_counter() - closing[0]) * 1000
    finally:
        conn.close()
    if status != 200:
        print(f"  close answered {status}", flush=True)
    seen.wait(timeout=60)
    poller.join(timeout=5)
    phase.polls = outcome.get("polls", 0)
    if "to_result" in outcome:
        phase.to_result_ms = outcome["to_result"] * 1000
    if outcome.get("leak"):
        phase.page_shows_counts = False
        print("  COUNTS SHOWN WHILE OPEN", flush=True)
    line = (outcome.get("body") or {}).get("result", {}).get("options", [{}])[0]
    phase.counted = {
        "for": line.get("for_votes"),
        "against": line.get("against"),
        "abstain": line.get("abstain"),
    }
    started = time.perf_counter()
    status, page = app.get(f"/voting/rounds/{round_id}/projector/", auth="session")
    phase.page_ms = (time.perf_counter() - started) * 1000
    phase.page_shows_counts = status == 200 and b"result-figures" in page and not outcome.get("leak")


def run_phase(app: BenchApp, seed: dict, name: str, window: float, clients: int) -> Phase:
    motion = helper(app, "motion")
    round_id = motion["round_id"]
    generator = random.Random(name)
    votes = [
        Vote(
            index=i,
            token=token,
            choice=CHOICES[i % len(CHOICES)],
            due=generator.uniform(0, window) if window else 0.0,
        )
        for i, token in enumerate(seed["tokens"])
    ]
    print(f"  {name}: {len(votes)} deputies vote on round {round_id} ({clients} clients) …", flush=True)
    phase = Phase(name=name, round_id=round_id, votes=votes)
    phase.elapsed = cast_votes(app, round_id, votes, clients)
    phase.stored = helper(app, "inspect", str(round_id))
    phase.retry_statuses = retry_sample(app, round_id, phase)
    close_and_watch(app, round_id, seed["staff_token"], phase)
    return phase


def reads(app: BenchApp, clients: int, round_id: int) -> list[Result]:
    """What a request costs on this machine in this run, for scale: the minimal Django view
    (no query) through the same middleware and server, and the projector's poll of a counted
    round (a few reads) signed in as the page is, and with a token (whose use is recorded,
    a write per request), with the same clients."""
    scenarios = [
        Scenario("minimal Django view", "/__bench__/minimal", baseline=True),
        Scenario("projector poll (session)", f"/api/voting/rounds/{round_id}/result", auth="session"),
        Scenario("projector poll (token)", f"/api/voting/rounds/{round_id}/result", auth="token"),
    ]
    return [measure(app, s, users=clients, duration=3, max_requests=100_000, warmup=1) for s in scenarios]


def report(
    app: BenchApp, phases: list[Phase], paper: dict, seed: dict, clients: int, scale: list[Result]
) -> str:
    base = scale[0]
    lines = [
        "",
        "## Voting in the room",
        f"{seed['deputies']} deputies, one API token each; {clients} loopback client threads, keep-alive; "
        f"{app.server_label}; {app.database_label}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}",
        f"(setting up the deputies, accounts, tokens, roster and check-ins in bulk: {seed['setup_seconds']} s)",
        "for scale, with the same clients: "
        + "; ".join(
            f"{r.scenario.name} {r.throughput:.0f} req/s (p50 {r.percentile(0.5) * 1000:.1f} ms)"
            for r in scale
        )
        + f"; load average at the end: {os.getloadavg()[0]:.2f}",
        "",
        f"{'phase':<14} {'votes':>6} {'201':>6} {'all in':>8} {'votes/s':>8} {'vs base':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'stored':>7} {'voted':>7} {'lost':>5} {'dbl':>4} {'retry':>9}",
    ]
    for p in phases:
        latencies = [v.latency for v in p.ok]
        lost = max(0, len(p.votes) - p.stored.get("ballots", 0))
        doubled = max(0, p.stored.get("ballots", 0) - len(p.ok))
        retry = ",".join(f"{status}x{count}" for status, count in p.retry_statuses.items())
        lines.append(
            f"{p.name:<14} {len(p.votes):>6} {len(p.ok):>6} {p.elapsed:>7.2f}s {len(p.ok) / p.elapsed:>8.0f} "
            f"{len(p.ok) / p.elapsed / base.throughput if base.throughput else float('nan'):>7.2f}x "
            f"{percentile(latencies, 0.50) * 1000:>8.1f} {percentile(latencies, 0.95) * 1000:>8.1f} "
            f"{percentile(latencies, 0.99) * 1000:>8.1f} {max(latencies, default=0) * 1000:>8.1f} "
            f"{p.stored.get('ballots', 0):>7} {p.stored.get('has_voted', 0):>7} {lost:>5} {doubled:>4} {retry:>9}"
        )
    lines += [
        "",
        "'all in': from the first vote due to the last answer; 'vs base': votes/s as a share of the minimal "
        "view's req/s; 'stored' = ballots in the database, 'voted' = deputies marked as having voted; "
        "'retry': answers to a second attempt by a sample.",
        "",
        f"{'close → result':<14} {'close ms':>9} {'to counts ms':>13} {'polls':>6} {'page ms':>8}  counted (for/against/abstain)",
    ]
    for p in phases:
        counted = "/".join(str(p.counted.get(k)) for k in ("for", "against", "abstain"))
        lines.append(
            f"{p.name:<14} {p.close_ms:>9.0f} {p.to_result_ms:>13.0f} {p.polls:>6} {p.page_ms:>8.0f}  {counted}"
            f"{'' if p.page_shows_counts else '  (page did NOT show the counts)'}"
        )
    lines += [
        "",
        "'close ms': the close request (closes, shuffles and counts the ballots); 'to counts ms': from sending "
        f"the close to the first projector poll (every {POLL_SECONDS * 1000:.0f} ms, as the page) showing the counts.",
        "",
        f"{'paper tally':<14} {'sheets':>7} {'lines':>6} {'entries':>8} {'pure count ms':>14} {'reconcile ms':>13} "
        f"{'service ms':>11}  valid/void",
    ]
    for name, f in paper.items():
        lines.append(
            f"{name:<14} {f['sheets']:>7} {f['lines']:>6} {f['entries']:>8} {f['pure_count_ms']:>14.1f} "
            f"{f['double_entry_reconcile_ms']:>13.1f} {f['service_count_ms']:>11.1f}  "
            f"{f['ballots_valid']}/{f['ballots_void']}"
        )
    lines += [
        "",
        "'pure count': balloting.rules.count_round over the ballots in memory (best of 5); 'reconcile': reading "
        "both entries of every sheet and checking they agree (selectors.paper_readings, best of 3); 'service': "
        "services.count_round, the whole path (reconcile, store the anonymous ballots shuffled, count, store the counts, audit).",
    ]
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def main() -> int:
    deputies = env_int("BENCH_DEPUTIES", 3000)
    clients = env_int("BENCH_VOTE_CLIENTS", 150)
    window = env_float("BENCH_VOTE_WINDOW", 10)
    print(f"Benchmark: {deputies} deputies vote in the room", flush=True)
    # A production deployment runs one server process per core (docs/decisions/0003, 0006).
    with BenchApp(workers=env_int("BENCH_WORKERS", os.cpu_count() or 1)) as app:
        print("  setting up the session …", flush=True)
        seed = helper(app, "setup", str(deputies))
        # The server is started fresh: its processes import, fill their caches and open their
        # database connections on their first requests. In the room the system has been up
        # since the morning (and a trial vote usually comes first); 2 s of staff reads of the
        # voting API stand in for that. No deputy's token is used, so every vote still
        # carries its token's first use (a write).
        print("  warming the server up (2 s of staff reads) …", flush=True)
        measure(
            app,
            Scenario("warm-up", "/api/voting/rounds", auth="token"),
            users=clients,
            duration=2,
            max_requests=100_000,
            warmup=0,
        )
        phases = [
            run_phase(app, seed, f"{window:g} s window", window, clients),
            run_phase(app, seed, "burst", 0.0, clients),
        ]
        print("  measuring a minimal view and the projector's poll, for scale …", flush=True)
        scale = reads(app, clients, phases[-1].round_id)
        print("  timing the paper tally …", flush=True)
        paper = helper(app, "paper", str(deputies))
        report(app, phases, paper, seed, clients, scale)
    failed = False
    for phase in phases:
        for problem in phase.problems():
            print(f"PROBLEM ({phase.name}): {problem}", flush=True)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
