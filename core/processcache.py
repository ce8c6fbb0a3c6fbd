"""Values one process reuses for a few seconds: reads every request would otherwise make
(the current congress, the staff told of each message, who an API token belongs to).

    _TOKENS = ProcessCache(seconds=5)
    user_row = _TOKENS.get(key_hash, lambda: read_from_database(key_hash))
    post_save.connect(_TOKENS.forget, sender=ApiToken)     # a change in this process: at once

A change made in this process is seen at once when a signal receiver calls `forget`; a change
made by another process is seen once `seconds` have passed since the value was read. Thread
safe (the WSGI server serves a process's requests from many threads): a value read while `forget`
ran is used by its caller but not kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class ProcessCache:
    """Values by key, each kept `seconds` after it was read; at most `limit` keys (all are
    dropped when full: the caches here hold a handful of keys, or tokens in use)."""

    def __init__(self, seconds: float, limit: int = 10_000) -> None:
        self.seconds = seconds
        self.limit = limit
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], Any], *, keep: Callable[[Any], bool] | None = None) -> Any:
        """The value kept for `key`, else `load()` (kept unless `keep(value)` is false)."""
        now = time.monotonic()
        with self._lock:
            at, value = self._values.get(key, (None, _MISSING))
            generation = self._generation
        if value is not _MISSING and now - at < self.seconds:
            return value
        value = load()
        if self.seconds > 0 and (keep is None or keep(value)):
            with self._lock:
                if self._generation == generation:
                    if len(self._values) >= self.limit:
                        self._values.clear()
                    self._values[key] = (now, value)
        return value

    def forget(self, *_args, **_signal) -> None:
        """Drop every value (a signal receiver; tests)."""
        with self._lock:
            self._values.clear()
            self._generation += 1
