"""Run the periodic jobs that are due (core.jobs.periodic).

    manage.py run_periodic --once        # one pass: from cron or a systemd timer, each minute
    manage.py run_periodic               # loop: a pass every --interval seconds (the demo)

In a loop, a pass that fails (the database locked or gone for a moment) is logged and the
loop carries on at the next tick: one bad minute must not end the runner, or nothing periodic
runs again until someone restarts it. With --once the failure ends the command with an error
status, for cron or systemd to record; the next minute starts afresh anyway.
"""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from core.jobs import periodic

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs that are due; with --once a single pass, else a loop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit (cron, tests).")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between passes in a loop.")
        parser.add_argument("--job", action="append", dest="names", help="Only this job (repeatable).")
        parser.add_argument("--list", action="store_true", help="List the registered jobs and exit.")

    def handle(self, *args, once: bool, interval: float, names, list: bool, **options) -> None:  # noqa: A002
        if list:
            for job in periodic.registered_jobs():
                self.stdout.write(f"{job.name}\tevery {job.every}")
            return
        if once:
            try:
                self._pass(names)
            except Exception as exc:
                log.exception("the periodic pass failed")
                raise CommandError(f"the periodic pass failed: {exc}") from exc
            return
        self._stop = False

        def stop(signum, frame):
            self._stop = True

        previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._loop(names, interval)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _loop(self, names, interval: float) -> None:
        while not self._stop:
            close_old_connections()
            try:
                self._pass(names)
            except Exception:
                # Logged, and the next tick tries again. A job claimed before the failure
                # keeps its lease until it runs out (periodic.DEFAULT_LEASE), then runs again.
                log.exception("the periodic pass failed; trying again in %s s", interval)
                self.stderr.write("The periodic pass failed (see the log); trying again at the next tick.")
            slept = 0.0
            while slept < interval and not self._stop:
                pause = min(0.5, interval - slept)
                time.sleep(pause)
                slept += pause

    def _pass(self, names) -> None:
        ran = periodic.run_due(names=names)
        for name, status in ran.items():
            self.stdout.write(f"{name}: {status}")
