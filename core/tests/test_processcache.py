"""Values a process reuses for a few seconds (core.processcache): kept for their seconds,
dropped at once by `forget`, never kept when read while they were being forgotten."""

from core import processcache
from core.processcache import ProcessCache


def _clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(processcache.time, "monotonic", lambda: now[0])
    return now


def test_a_value_is_read_once_within_its_seconds_and_again_after(monkeypatch):
    now = _clock(monkeypatch)
    cache, reads = ProcessCache(seconds=5), []

    def load():
        reads.append(now[0])
        return len(reads)

    assert cache.get("k", load) == 1
    now[0] += 4.9
    assert cache.get("k", load) == 1
    assert cache.get("other", load) == 2  # each key its own value
    now[0] += 0.2
    assert cache.get("k", load) == 3
    assert len(reads) == 3


def test_forget_drops_every_value_at_once(monkeypatch):
    _clock(monkeypatch)
    cache, values = ProcessCache(seconds=60), iter(["old", "new"])
    assert cache.get("k", lambda: next(values)) == "old"
    cache.forget(sender=object())  # as a signal receiver
    assert cache.get("k", lambda: next(values)) == "new"


def test_a_value_read_while_it_was_forgotten_is_answered_but_not_kept(monkeypatch):
    _clock(monkeypatch)
    cache, values = ProcessCache(seconds=60), iter(["read before the change", "after"])

    def load_while_changed():
        value = next(values)
        cache.forget()  # the row changed (and was forgotten) while this read was under way
        return value

    assert cache.get("k", load_while_changed) == "read before the change"
    assert cache.get("k", lambda: next(values)) == "after"


def test_values_refused_by_keep_or_with_no_seconds_are_read_every_time(monkeypatch):
    _clock(monkeypatch)
    reads = []
    cache = ProcessCache(seconds=60)
    for _ in range(2):
        assert cache.get("unknown", lambda: reads.append(1), keep=lambda value: value is not None) is None
    off = ProcessCache(seconds=0)
    for _ in range(2):
        off.get("k", lambda: reads.append(1))
    assert len(reads) == 4


def test_a_full_cache_starts_again_rather_than_growing(monkeypatch):
    _clock(monkeypatch)
    cache, reads = ProcessCache(seconds=60, limit=3), []
    for key in "abcd":
        cache.get(key, lambda: reads.append(1))
    cache.get("d", lambda: reads.append(1))  # the newest is kept
    assert len(reads) == 4
    cache.get("a", lambda: reads.append(1))  # the three before it were dropped
    assert len(reads) == 5
