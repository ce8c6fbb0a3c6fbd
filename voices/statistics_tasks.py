"""Background work of the statistics page: the hot topics of a long period
(voices/statistics.py `compute_topics`). Thin, takes plain values, safe to run twice (the
result is keyed by scope, period and the newest message, and only cached)."""

from __future__ import annotations

import datetime

from core.jobs import retrying_task


@retrying_task
def compute_hot_topics(*, congress_id: int, district_id: int | None, since: str, until: str, key: str) -> int:
    """Compute and cache the hot topics; returns how many topics were found."""
    from . import statistics

    scope = statistics.Scope(congress_id, district_id)
    period = statistics.Period(datetime.date.fromisoformat(since), datetime.date.fromisoformat(until))
    try:
        return len(statistics.compute_topics(scope, period, key).topics)
    finally:
        statistics.results_cache().delete(key + "-running")


def enqueue(scope, period, key: str) -> None:
    """What `statistics.topics_for(enqueue=…)` calls for a long period."""
    compute_hot_topics.enqueue(
        congress_id=scope.congress_id, district_id=scope.district_id, since=period.since.isoformat(),
        until=period.until.isoformat(), key=key,
    )
