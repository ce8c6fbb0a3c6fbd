"""The benchmark harness: a real server on loopback, N concurrent users, figures and ratios.

    from bench.harness import BenchApp, Scenario, run, report

    with BenchApp() as app:                       # migrate + seed a throwaway database,
        results = run(app, [                      # serve it on a free port
            Scenario("minimal view", "/__bench__/minimal", baseline=True),
            Scenario("home, staff", "/", auth="session"),
        ])
    report("Home page", results)

Each scenario runs `users` client threads (http.client, keep-alive) against the server for
a bounded time and request count, after a short warm-up that is not counted; it reports
p50/p95/p99 latency, throughput and errors, and each scenario's throughput as a share of
the baseline measured in the same run (so the figure survives a slower or busier machine).

The server is granian (BENCH_SERVER=granian, the default, as production runs it;
docs/decisions/0006-granian.md) or waitress (BENCH_SERVER=waitress, to compare), with
BENCH_THREADS threads (default 8) under bench.settings (DATONG_DEBUG=1, DEBUG off), in one
process or, with BENCH_WORKERS=N (or `BenchApp(workers=N)`), in N worker processes on the
same port, as a production deployment on an N-core machine would run it: granian forks its
own workers; waitress has no pre-fork mode, so each waitress worker binds the port with
SO_REUSEPORT and the kernel spreads the connections over them (`python -m bench.harness
serve`, below). Database: a fresh SQLite file in a temporary directory; with
DATABASE_URL=postgres://... a throwaway PostgreSQL database beside the named one (created and
dropped). Environment: BENCH_USERS (100), BENCH_DURATION (seconds per scenario, 10),
BENCH_MAX_REQUESTS (50000), BENCH_WARMUP (2), BENCH_THREADS (8), BENCH_WORKERS (1),
BENCH_SERVER (granian).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


# --- shared by the benchmarks that time selectors in a helper process ----------------------------

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def loud(text: str) -> None:
    """A note nobody can miss in the output (a benchmark that cannot run, and why)."""
    bar = "!" * 78
    print(f"\n{bar}\n!! {text}\n{bar}\n", flush=True)


def postgres_url() -> str | None:
    """DATABASE_URL when it names PostgreSQL, else the local server if it answers."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    if url:
        return None
    try:
        import psycopg

        with psycopg.connect(LOCAL_POSTGRES, connect_timeout=3):
            return LOCAL_POSTGRES
    except Exception:
        return None


def use_postgres() -> bool:
    """Point DATABASE_URL at PostgreSQL for a benchmark that needs it (a throwaway database is
    made beside it); False, with a loud note, when there is none."""
    url = postgres_url()
    if url is None:
        loud("SKIPPED: this benchmark needs PostgreSQL. Set DATABASE_URL=postgres://… "
             "(a throwaway database is created beside it) or start the local server.")
        return False
    os.environ["DATABASE_URL"] = url
    return True


def run_helper(app: BenchApp, module: str, command: str, *args: str):
    """Run `python -m MODULE COMMAND OUT ARGS…` under the app's settings and database; what it
    wrote to OUT (JSON)."""
    with tempfile.NamedTemporaryFile(suffix=".json", dir=app.tmp, delete=False) as handle:
        out = handle.name
    subprocess.run([sys.executable, "-m", module, command, out, *args], cwd=ROOT, env=app._env(), check=True)
    return json.loads(Path(out).read_text())


def percentiles(values: list[float], *, with_max: bool = False) -> dict:
    """Runs, p50, p95 and p99 (and the slowest) of timings in seconds, as milliseconds."""
    if not values:
        return {}
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    figures = {"runs": len(values), "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}
    if with_max:
        figures["max"] = max(values) * 1000
    return figures


def timed(function, runs: int, *, warmup: int, min_runs: int, budget_seconds: float) -> list[float]:
    """Seconds per call of `function` after `warmup` calls: `runs` calls, or fewer once
    `budget_seconds` are spent (never fewer than `min_runs`)."""
    for _ in range(warmup):
        function()
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (len(times) < min_runs or spent < budget_seconds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
        spent += times[-1]
    return times


def ms(figures: dict, key: str) -> str:
    """One figure in milliseconds for a report column (a dash when missing)."""
    return f"{figures[key]:8.1f}" if figures.get(key) is not None else f"{'—':>8}"


@dataclass
class Scenario:
    name: str
    path: str
    #: None (anonymous), "session" (a signed-in staff member) or "token" (Bearer token).
    auth: str | None = None
    baseline: bool = False
    #: "app" (the project) or "bare" (a WSGI app without Django, on a server of its own).
    target: str = "app"


@dataclass
class Result:
    scenario: Scenario
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    note: str = ""
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        cuts = statistics.quantiles(self.latencies, n=1000, method="inclusive")
        return cuts[min(len(cuts) - 1, max(0, int(q * 1000) - 1))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


#: The WSGI servers a benchmark can run the application under (BENCH_SERVER): granian, as
#: production runs it (docs/decisions/0006-granian.md), or waitress, to compare.
SERVERS = ("granian", "waitress")


def server_kind() -> str:
    kind = os.environ.get("BENCH_SERVER", SERVERS[0]).strip() or SERVERS[0]
    if kind not in SERVERS:
        raise SystemExit(f"BENCH_SERVER={kind!r}: one of {', '.join(SERVERS)}")
    return kind


class Server:
    """`app` (module:callable) served on a free loopback port by granian (`workers` processes
    of `threads` threads each, its own pre-fork) or by waitress (one process, or `workers`
    processes sharing the port: SO_REUSEPORT, see `serve_worker`)."""

    def __init__(self, app: str, env: dict, log_path: Path, threads: int, workers: int = 1,
                 kind: str | None = None) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.kind = kind or server_kind()
        self.workers = max(1, workers)
        processes = self.workers
        if self.kind == "granian":
            # One process: granian forks its workers itself. Each runs the application in
            # `threads` threads (--blocking-threads); requests beyond them wait in turn (no
            # --backpressure below the threads: it served some much later, decision 0006).
            command = [
                sys.executable, "-m", "granian", "--interface", "wsgi", "--host", HOST, "--port", str(self.port),
                "--workers", str(self.workers), "--blocking-threads", str(threads),
                "--backlog", "2048", "--no-ws", "--log-level", "warning", app,
            ]
            processes = 1
        elif self.workers == 1:
            command = [
                sys.executable,
                "-m",
                "waitress",
                f"--listen={HOST}:{self.port}",
                f"--threads={threads}",
                "--connection-limit=1000",
                "--backlog=2048",
                "--channel-timeout=30",
                app,
            ]
        else:
            command = [sys.executable, "-m", "bench.harness", "serve", str(self.port), str(threads), app]
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.processes = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
            for _ in range(processes)
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                self.stop()
                raise RuntimeError(f"the server exited; see {log_path}")
            if self._all_ready():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start within 60 s; see {log_path}")

    def _all_ready(self) -> bool:
        if self.kind == "granian" or self.workers == 1:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.settimeout(0.5)
                return probe.connect_ex((HOST, self.port)) == 0
        # Each worker announces itself in the log once it listens (a connection could
        # reach the first worker up and say nothing of the others).
        self.log.flush()
        return self.log_path.read_bytes().count(READY_LINE) >= self.workers

    @property
    def process(self) -> subprocess.Popen:
        return self.processes[0]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log.close()


READY_LINE = b"bench worker listening"


def serve_worker(port: int, threads: int, app: str) -> None:
    """One of several waitress worker processes on `port` (`python -m bench.harness serve
    PORT THREADS module:callable`): the socket is bound with SO_REUSEPORT, so every worker
    binds the same port and the kernel hands each new connection to one of them."""
    import importlib

    import waitress

    module_name, _, attribute = app.partition(":")
    application = getattr(importlib.import_module(module_name), attribute)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((HOST, port))
    print(f"{READY_LINE.decode()} on {HOST}:{port} (pid {os.getpid()})", flush=True)
    waitress.serve(
        application,
        sockets=[listener],
        threads=threads,
        connection_limit=1000,
        backlog=2048,
        channel_timeout=30,
        _quiet=True,
    )


class BenchApp:
    """Migrate and seed a throwaway database, then serve the project (and the bare app)."""

    def __init__(self, threads: int | None = None, workers: int | None = None) -> None:
        self.threads = threads or env_int("BENCH_THREADS", 8)
        self.workers = workers or env_int("BENCH_WORKERS", 1)
        self.tmp = Path(tempfile.mkdtemp(prefix="datong-bench-"))
        self.servers: dict[str, Server] = {}
        self.credentials: dict = {}
        self.pg_admin_url: str | None = None
        self.pg_database: str | None = None
        self.database_label = "SQLite (throwaway file)"

    # --- database ---------------------------------------------------------------------
    def _env(self) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DATONG_TASK_BACKEND"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATONG_DEBUG="1",
            DATONG_VAR_DIR=str(self.tmp),
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        if self.pg_database:
            env["DATABASE_URL"] = _with_database(os.environ["DATABASE_URL"], self.pg_database)
            env["DB_CONN_MAX_AGE"] = "60"
        return env

    def _create_pg_database(self) -> None:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            return
        import psycopg

        self.pg_admin_url = _with_database(url, "postgres")
        self.pg_database = f"datong_bench_{os.getpid()}"
        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_database}"')
            conn.execute(f'CREATE DATABASE "{self.pg_database}"')
        self.database_label = f"PostgreSQL (throwaway database {self.pg_database})"

    def _drop_pg_database(self) -> None:
        if not self.pg_database:
            return
        import psycopg

        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_database}" WITH (FORCE)')

    def _manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self._env(), check=True)

    # --- lifecycle --------------------------------------------------------------------
    def __enter__(self) -> BenchApp:
        try:
            self._create_pg_database()
            self._manage("migrate", "--noinput", "--skip-checks", "-v", "0")
            seed_out = self.tmp / "seed.json"
            subprocess.run(
                [sys.executable, "-m", "bench.seed", str(seed_out)], cwd=ROOT, env=self._env(), check=True
            )
            self.credentials = json.loads(seed_out.read_text())
            self.servers["app"] = Server(
                "bench.wsgi:application", self._env(), self.tmp / "app.log", self.threads, self.workers
            )
            self.servers["bare"] = Server("bench.wsgi:bare", self._env(), self.tmp / "bare.log", self.threads)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers.values():
            server.stop()
        self._drop_pg_database()

    @property
    def server_label(self) -> str:
        kind = self.servers["app"].kind if "app" in self.servers else server_kind()
        if self.workers == 1:
            return f"{kind} {self.threads} threads"
        return f"{kind} {self.workers} processes x {self.threads} threads"

    def headers(self, auth: str | None) -> dict[str, str]:
        headers = {"Host": "127.0.0.1", "Accept": "text/html,application/json", "Accept-Language": "zh-CN"}
        if auth == "session":
            headers["Cookie"] = f"sessionid={self.credentials['session']}"
        elif auth == "token":
            headers["Authorization"] = f"Bearer {self.credentials['token']}"
        return headers

    def get(self, path: str, auth: str | None = None, target: str = "app") -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(HOST, self.servers[target].port, timeout=30)
        try:
            conn.request("GET", path, headers=self.headers(auth))
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _user(app: BenchApp, scenario: Scenario, stop_at: list, count_from: list, limit: int, sink: Result, lock):
    port = app.servers[scenario.target].port
    headers = app.headers(scenario.auth)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    while True:
        started = time.perf_counter()
        if started >= stop_at[0]:
            break
        try:
            conn.request("GET", scenario.path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        finished = time.perf_counter()
        if started >= count_from[0]:
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                latencies.append(finished - started)
            else:
                errors += 1
            if len(latencies) + errors >= limit:
                break
    conn.close()
    with lock:
        sink.latencies.extend(latencies)
        sink.errors += errors
        for status, count in statuses.items():
            sink.statuses[status] = sink.statuses.get(status, 0) + count


def measure(app: BenchApp, scenario: Scenario, *, users: int, duration: float, max_requests: int, warmup: float) -> Result:
    """Run one scenario: `users` keep-alive clients, warm-up, then `duration` seconds."""
    result = Result(scenario)
    status, _body = app.get(scenario.path, scenario.auth, scenario.target)
    if status != 200:
        result.note = f"not measured: GET {scenario.path} answered {status}"
        return result
    lock = threading.Lock()
    now = time.perf_counter()
    count_from = [now + warmup]
    stop_at = [now + warmup + duration]
    per_user = max(1, max_requests // users)
    threads = [
        threading.Thread(target=_user, args=(app, scenario, stop_at, count_from, per_user, result, lock), daemon=True)
        for _ in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + 120)
    result.elapsed = min(time.perf_counter(), stop_at[0]) - count_from[0]
    result.requests = len(result.latencies)
    return result


def run(app: BenchApp, scenarios: list[Scenario], *, users: int | None = None, duration: float | None = None) -> list[Result]:
    users = users or env_int("BENCH_USERS", 100)
    duration = duration or env_float("BENCH_DURATION", 10)
    max_requests = env_int("BENCH_MAX_REQUESTS", 50000)
    warmup = env_float("BENCH_WARMUP", 2)
    results = []
    for scenario in scenarios:
        print(f"  measuring {scenario.name} ({users} users, {duration:g} s) …", flush=True)
        results.append(measure(app, scenario, users=users, duration=duration, max_requests=max_requests, warmup=warmup))
    return results


def report(title: str, results: list[Result], app: BenchApp | None = None) -> str:
    """Print (and return) the table: figures, then each scenario as a share of the baseline."""
    baseline = next((r for r in results if r.scenario.baseline and r.requests), None)
    users = env_int("BENCH_USERS", 100)
    lines = [
        "",
        f"## {title}",
        f"{users} concurrent loopback users, keep-alive; {app.server_label if app else 'waitress'}; "
        f"{app.database_label if app else ''}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}",
        "",
        f"{'scenario':<42} {'req':>7} {'err':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'vs baseline':>12}",
    ]
    for r in results:
        if r.note:
            lines.append(f"{r.scenario.name:<42} {r.note}")
            continue
        ratio = ""
        if baseline is not None:
            ratio = "baseline" if r is baseline else f"{r.throughput / baseline.throughput:.2f}x"
        lines.append(
            f"{r.scenario.name:<42} {r.requests:>7} {r.errors:>5} {r.throughput:>8.1f} "
            f"{r.percentile(0.50) * 1000:>8.1f} {r.percentile(0.95) * 1000:>8.1f} "
            f"{r.percentile(0.99) * 1000:>8.1f} {ratio:>12}"
        )
        if r.errors:
            lines.append(f"{'':<42} statuses: {dict(sorted(r.statuses.items()))}")
    lines.append("")
    lines.append("'vs baseline': throughput as a share of the baseline's, measured in this run.")
    text = "\n".join(lines)
    print(text, flush=True)
    return text


if __name__ == "__main__":
    if sys.argv[1:2] != ["serve"] or len(sys.argv) != 5:
        raise SystemExit("usage: python -m bench.harness serve PORT THREADS module:callable")
    serve_worker(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
