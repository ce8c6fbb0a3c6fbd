"""What a background job is called on the task page: a translated label for each periodic
job (by its registered name) and each task (by its dotted path), the technical name kept
small beside it for administrators.

An app names its own jobs with `periodic.register(..., label=_("…"))` or `describe(name,
_("…"))`; the jobs and tasks below are named here, where the task page is, so that each has a
label whichever app registers it. A job without a label is shown by its technical name.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, Promise | str] = {
    # Periodic jobs (core.jobs.periodic), by registered name.
    "jobs.prune": _("Clear out old task records"),
    "jobs.mark_stalled": _("Mark jobs that stopped unexpectedly"),
    "casework.send_reminders": _("Remind units of replies coming due"),
    "casework.flag_overdue": _("Flag overdue replies and tell staff"),
    "voices.rebuild_counts": _("Recount the daily figures of messages"),
    "voices.retrain": _("Retrain the text models when enough has been routed"),
    "voices.flag_overdue_acceptances": _("Flag letters past the deadline to decide on acceptance"),
    # Tasks, by dotted path (TaskFailure.task_path).
    "core.notify.tasks.deliver_notification": _("Send a notification by e-mail or SMS"),
    "proposals.tasks.import_suggestions": _("Import suggestions"),
    "voices.import_tasks.import_work_orders": _("Import work orders"),
    "voices.statistics_tasks.compute_hot_topics": _("Work out what people worry about"),
    "voices.tasks.train_voices_models": _("Train the text models"),
    "voices.tasks.mark_likely_duplicates": _("Find messages that are likely duplicates"),
}


def describe(name: str, label: Promise | str) -> None:
    """Give the job or task `name` (a periodic job's name, a task's dotted path) a label."""
    _LABELS[name] = label


def label_for(name: str) -> str:
    """The job's label in the active language, or its technical name when it has none."""
    label = _LABELS.get(name)
    return str(label) if label is not None else name


def has_label(name: str) -> bool:
    return name in _LABELS
