"""Serve the demo: the web server, the task worker and the periodic runner, side by side.

    DATONG_DEMO=1 .venv/bin/python scripts/serve_demo.py   # what `make demo` ends with

Starts `manage.py runserver 127.0.0.1:$PORT` (default 8000), `manage.py db_worker` (the
database task backend; with DATONG_TASK_BACKEND=rq, `manage.py rqworker --with-scheduler`
instead) and `manage.py run_periodic` (a pass every 30 s). Prints the demo accounts from
var/demo_accounts.txt and the address, then waits. Ctrl-C stops all three; so does the web
server ending. The worker and the periodic runner are restarted when they end (after
RESTART_PAUSE seconds), unless one keeps ending right after its start. Loopback only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: The process the demo is: when it ends, everything stops.
ESSENTIAL = "web"
#: Seconds before a background process that ended is started again.
RESTART_PAUSE = 5.0
#: A process that ends within this many seconds of its start this many times in a row is
#: broken, not unlucky: it is left stopped (the web server stays up) and the console says so.
QUICK_END_SECONDS, QUICK_ENDS_ALLOWED = 30.0, 3


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, processes: dict, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not STOP.is_set():
        if any(p.poll() is not None for p in processes.values()):
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((HOST, port)) == 0:
                return True
        time.sleep(0.3)
    return False


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


STOP = threading.Event()


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 - our own commands


def watch(processes: dict[str, subprocess.Popen], commands: dict[str, list[str]], env: dict) -> int:
    """Wait until Ctrl-C or the web server ends; returns the exit status.

    Only the web server's end stops the demo. The worker and the periodic runner are
    restarted instead: each can die of a passing trouble (SQLite's "database is locked"
    while another process held the write lock, a task that ran it out of memory), and a
    demo whose web server vanished with them showed the tester nothing but a dead page.
    One that keeps ending right after it starts is broken: restarting it forever would only
    scroll the traceback away, so it is left stopped and the console says so."""
    started = dict.fromkeys(processes, time.monotonic())
    quick_ends = dict.fromkeys(processes, 0)
    restart_at: dict[str, float] = {}
    while not STOP.wait(0.5):
        now = time.monotonic()
        for name, process in processes.items():
            if name in restart_at:
                if now >= restart_at[name]:
                    del restart_at[name]
                    processes[name] = start(commands[name], env)
                    started[name] = now
                continue
            if process.poll() is None or quick_ends[name] >= QUICK_ENDS_ALLOWED:
                continue
            if name == ESSENTIAL:
                sys.stderr.write(f"The {name} process ended (exit status {process.returncode}): stopping.\n")
                return process.returncode or 1
            quick_ends[name] = quick_ends[name] + 1 if now - started[name] < QUICK_END_SECONDS else 0
            if quick_ends[name] >= QUICK_ENDS_ALLOWED:
                sys.stderr.write(f"The {name} process ended {QUICK_ENDS_ALLOWED} times right after starting "
                                 f"(exit status {process.returncode}): left stopped; the web server goes on. "
                                 "Fix the cause above, then restart the demo.\n")
                continue
            sys.stderr.write(f"The {name} process ended (exit status {process.returncode}): "
                             f"starting it again in {RESTART_PAUSE:.0f} s.\n")
            restart_at[name] = now + RESTART_PAUSE
    return 0


def _request_stop(signum, frame) -> None:
    # A flag, not an exception: a second Ctrl-C (or make's SIGTERM right after it) must not
    # cut the clean-up short.
    STOP.set()


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    if not port_is_free(port):
        sys.stderr.write(f"Port {port} on {HOST} is in use: stop what runs there, or `make demo PORT=8001`.\n")
        return 1
    env = {**os.environ, "DATONG_DEMO": os.environ.get("DATONG_DEMO", "1"), "PYTHONUNBUFFERED": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    if env.get("DATONG_TASK_BACKEND") == "rq":
        worker = [*manage, "rqworker", "default", "--with-scheduler"]
    else:
        worker = [*manage, "db_worker", "--queue-name", "*", "--no-reload", "--interval", "1"]
    commands = {
        "web": [*manage, "runserver", f"{HOST}:{port}"],
        "worker": worker,
        "periodic": [*manage, "run_periodic", "--interval", "30"],
    }
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    processes: dict[str, subprocess.Popen] = {}
    status = 0
    try:
        # Each in its own process group: Ctrl-C reaches this script only, which then stops
        # every group (runserver's autoreloader child included).
        for name, command in commands.items():
            processes[name] = start(command, env)
        if not wait_for_port(port, processes):
            if not STOP.is_set():
                sys.stderr.write("The web server did not start; see the messages above.\n")
                status = 1
            return status
        accounts = ROOT / "var" / "demo_accounts.txt"
        banner = ["", "=" * 72, f"Datong demo: http://{HOST}:{port}/   (Ctrl-C stops the server and the workers)"]
        if accounts.exists():
            banner += ["", "Demo accounts (one per role):", accounts.read_text().rstrip()]
        banner += ["=" * 72, ""]
        print("\n".join(banner), flush=True)
        return watch(processes, commands, env)
    finally:
        print("\nStopping the demo …", flush=True)
        stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())
