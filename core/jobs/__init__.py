"""Background work: retries for django-tasks, progress records, periodic jobs (core.jobs).

`retrying_task` and `GiveUp` are importable from here; see `core/jobs/retry.py`.
"""

from .retry import GiveUp, retrying_task

__all__ = ["GiveUp", "retrying_task"]
