"""Run the periodic jobs that are due (core.jobs.periodic).

    manage.py run_periodic --once        # one pass: from cron or a systemd timer, each minute
    manage.py run_periodic               # loop: a pass every --interval seconds (the demo)
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from core.jobs import periodic


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
            self._pass(names)
            return
        self._stop = False

        def stop(signum, frame):
            self._stop = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not self._stop:
            close_old_connections()
            self._pass(names)
            slept = 0.0
            while slept < interval and not self._stop:
                time.sleep(0.5)
                slept += 0.5

    def _pass(self, names) -> None:
        ran = periodic.run_due(names=names)
        for name, status in ran.items():
            self.stdout.write(f"{name}: {status}")
