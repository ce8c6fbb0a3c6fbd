"""Rules of background work, as plain functions (no database, no clock of their own).

No statutory rule (docs rules.md) governs background jobs; the rule here is operational, and
the code and tests that rely on it call it "the stall rule" (it has no rules.md ID).

The stall rule: a job reports its progress (`core.jobs.progress`) as it goes; a
worker killed outright (SIGKILL, the OOM killer, power lost) cannot report that it stopped,
so its record would say "running" for ever. A record still running whose last update is
MORE than its limit ago is taken for a job whose worker died: at exactly the limit it is
not yet. A finished or failed job never stalls. The limit is the job's own when it declared
one (a training moves once per model, so it may be quiet for long), else the site's
(settings.DATONG_JOB_STALLED_AFTER).
"""

from __future__ import annotations

import datetime

#: Used when the setting is missing: a work-order import moves every 50 rows (seconds
#: apart), so a quarter of an hour without a word is far beyond a live job's silence.
DEFAULT_STALLED_AFTER = datetime.timedelta(minutes=15)


def stall_limit(own: datetime.timedelta | None, default: datetime.timedelta) -> datetime.timedelta:
    """The silence a job may keep before it counts as stalled (the stall rule): its own limit when
    it declared one, else the site's."""
    return own if own is not None and own > datetime.timedelta(0) else default


def is_stalled(
    *, running: bool, updated_at: datetime.datetime, now: datetime.datetime, limit: datetime.timedelta
) -> bool:
    """The stall rule: a job still running that has not moved for longer than `limit`."""
    return running and now - updated_at > limit


def as_duration(value) -> datetime.timedelta:
    """A setting's value (a timedelta, or seconds as a number) as a positive timedelta; the
    default for anything else."""
    if isinstance(value, datetime.timedelta):
        duration = value
    else:
        try:
            duration = datetime.timedelta(seconds=float(value))
        except (TypeError, ValueError):
            return DEFAULT_STALLED_AFTER
    return duration if duration > datetime.timedelta(0) else DEFAULT_STALLED_AFTER
