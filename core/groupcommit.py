"""Group commit: requests that arrive together are written in one transaction.

Why: a citizen's message costs ~17 statements when stored alone, and most of them take locks
every writer shares (the audit chain, the daily counts' bucket row). When many requests
arrive at once, one thread (the leader) stores everything that has queued up behind it in
one transaction, and every request still answers only after its own row is committed.
Nothing waits for a timer: under light load a request is stored at once, alone; under load,
what arrives while one group commits forms the next group, so groups grow with the load.

How: each key (the callers whose items can share a transaction) has at most one open group
and at most one group committing. The first caller to find no open group opens one and leads
it; it waits for the previous group's commit to finish (meanwhile others join its group),
then closes the group and runs `store(items)` for all of it. `store` returns one result per
item, in order; a result that is an exception (an item refused) is raised to its caller
alone. If `store` itself raises, each item is stored again alone (`store([item])`), so one
bad item fails only its own request. The leader's own database connection does the work; so the
callers must not be inside a transaction of their own (`usable()`), or their rows would be
committed outside it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

log = logging.getLogger(__name__)


def usable() -> bool:
    """Whether the calling thread may hand its write to another thread: it is not inside a
    transaction (whose rollback the group could not follow)."""
    return not connection.in_atomic_block


@dataclass
class _Waiting:
    item: Any
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


@dataclass
class _Group:
    waiting: list[_Waiting] = field(default_factory=list)


@dataclass
class _Key:
    turn: threading.Lock = field(default_factory=threading.Lock)  # one group committing at a time
    open: _Group | None = None
    callers: int = 0  # callers between joining and leaving: the key is dropped at zero


@dataclass
class Stats:
    """What a GroupCommit has done (benchmarks print it; tests read it)."""

    groups: int = 0
    items: int = 0
    largest: int = 0
    retried_alone: int = 0


class GroupCommit:
    """Group commit of items per key; `limit` caps a group's size."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._keys: dict[Hashable, _Key] = {}
        self.stats = Stats()

    def submit(self, key: Hashable, item: Any, store: Callable[[list[Any]], list[Any]]) -> Any:
        """Store `item` with whatever else is queued under `key`; returns its result or
        raises its error. `store` must be the same function for every caller of a key."""
        waiting = _Waiting(item)
        with self._lock:
            state = self._keys.get(key)
            if state is None:
                state = self._keys[key] = _Key()
            state.callers += 1
            group = state.open
            leads = group is None or len(group.waiting) >= self.limit
            if leads:
                group = state.open = _Group()
            group.waiting.append(waiting)
        try:
            if leads:
                self._lead(state, group, store)
            else:
                waiting.done.wait()
        finally:
            with self._lock:
                state.callers -= 1
                if state.callers == 0 and self._keys.get(key) is state:
                    del self._keys[key]
        if waiting.error is not None:
            raise waiting.error
        if isinstance(waiting.result, Exception):
            raise waiting.result
        return waiting.result

    def _lead(self, state: _Key, group: _Group, store) -> None:
        try:
            with state.turn:
                with self._lock:
                    if state.open is group:
                        state.open = None  # closed: later callers open the next group
                    waiting = list(group.waiting)
                self._run(waiting, store)
        except BaseException as exc:  # the leader is interrupted: no follower is left without an answer
            for w in group.waiting:
                if w.result is None and w.error is None:
                    w.error = exc
            raise
        finally:
            for w in group.waiting:
                w.done.set()

    def _run(self, waiting: list[_Waiting], store) -> None:
        with self._lock:
            self.stats.groups += 1
            self.stats.items += len(waiting)
            self.stats.largest = max(self.stats.largest, len(waiting))
        try:
            results = store([w.item for w in waiting])
            if len(results) != len(waiting):
                raise RuntimeError("a group's store must return one result per item")
        except Exception as exc:
            if len(waiting) == 1:
                waiting[0].error = exc
                return
            # One item may be at fault: each is stored alone, and fails alone.
            log.warning("a group of %s failed (%r): storing each alone", len(waiting), exc)
            with self._lock:
                self.stats.retried_alone += len(waiting)
            for w in waiting:
                try:
                    w.result = store([w.item])[0]
                except Exception as alone:
                    w.error = alone
            return
        for w, result in zip(waiting, results, strict=True):
            w.result = result
