"""Running test jobs in real threads, each with its own database connection (the concurrency
tests of balloting and voices: they need PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

TIMEOUT = 60


def run_in_threads(jobs: list[Callable[[], object]], *, together: bool = True) -> list[object]:
    """Run each job in its own thread; return what each returned or raised, in job order.

    `together`: all are released at the same moment (a barrier); otherwise each starts as soon
    as its thread does. Each thread closes its database connection when its job ends."""
    barrier = threading.Barrier(len(jobs)) if together else None
    outcomes: list[object] = [None] * len(jobs)

    def worker(index: int, job) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=TIMEOUT / 2)
            outcomes[index] = job()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a job did not finish"
    return outcomes


def other_finishes_while_held(holder: Callable[[], object], other: Callable[[], object], *,
                              inside: threading.Event, release: threading.Event,
                              patience: float = 15) -> tuple[bool, dict[str, object]]:
    """Run `holder` in a thread until it sets `inside` (keeping its transaction open until
    `release` is set), then `other` in a second thread. Returns whether `other` finished
    within `patience` seconds, and what each returned or raised ({"holder": …, "other": …}).
    `release` is always set before returning, so the holder ends either way."""
    outcomes: dict[str, object] = {}

    def run(name: str, job) -> None:
        try:
            outcomes[name] = job()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[name] = exc
        finally:
            connection.close()

    holding = threading.Thread(target=run, args=("holder", holder))
    going_on = threading.Thread(target=run, args=("other", other))
    holding.start()
    try:
        assert inside.wait(TIMEOUT / 2), "the holder never got to its point"
        going_on.start()
        going_on.join(patience)
        finished = not going_on.is_alive()
    finally:
        release.set()
        holding.join(TIMEOUT)
    if going_on.ident is not None:
        going_on.join(TIMEOUT)
    return finished, outcomes
