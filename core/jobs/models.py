"""Background work's own records: failed attempts, progress of long jobs, periodic runs.

django-tasks keeps the task results (django_tasks_db's DBTaskResult, or RQ's jobs); these
models add what it lacks: a retry history an administrator can act on, a progress bar a
page can poll, and the last run of each periodic job.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskFailure(models.Model):
    """One failed attempt of a task wrapped by `core.jobs.retrying_task`.

    All attempts of one logical job share a `chain`. Only the newest row of a chain
    (`is_latest`) says what happens next: retrying (a new attempt is scheduled), failed
    (attempts used up: an administrator may retry it), or resolved (a later attempt
    succeeded; every row of the chain is then resolved). Earlier rows read "retried".
    """

    class State(models.TextChoices):
        RETRYING = "retrying", _("Retrying")
        #: An earlier attempt: a later one exists (see the job's latest row).
        RETRIED = "retried", _("Retried")
        FAILED = "failed", _("Failed")
        RESOLVED = "resolved", _("Resolved")

    chain = models.UUIDField(_("job"), db_index=True)
    task_path = models.CharField(_("task"), max_length=300)
    queue_name = models.CharField(_("queue"), max_length=64, default="default")
    backend_name = models.CharField(_("backend"), max_length=64, default="default")
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    attempt = models.PositiveIntegerField(_("attempt"))
    max_attempts = models.PositiveIntegerField(_("attempts allowed"))
    exception_class = models.CharField(_("exception"), max_length=300, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    #: The backend's id of the run that failed (a DBTaskResult id, an RQ job id).
    result_id = models.CharField(_("task result"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("failed at"), default=timezone.now, db_index=True)
    is_latest = models.BooleanField(_("latest attempt"), default=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    #: Carried by the scheduled retry; a run whose token no longer matches was superseded.
    retry_token = models.CharField(max_length=32, blank=True)
    retry_result_id = models.CharField(_("retry task result"), max_length=64, blank=True)
    gave_up = models.BooleanField(_("gave up"), default=False)
    resolved = models.BooleanField(_("resolved"), default=False, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retried by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retried_at = models.DateTimeField(_("retried by hand at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task failure")
        verbose_name_plural = _("task failures")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_latest", "resolved"], name="jobs_failure_open_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.attempt}"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]

    @property
    def task_label(self) -> str:
        """What the task page calls the task, in the reader's language (core.jobs.labels)."""
        from .labels import has_label, label_for

        return label_for(self.task_path) if has_label(self.task_path) else self.task_name

    @property
    def state(self) -> str:
        if self.resolved:
            return self.State.RESOLVED
        if self.gave_up:
            return self.State.FAILED
        if not self.is_latest:
            return self.State.RETRIED
        return self.State.RETRYING

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class ProgressRecord(models.Model):
    """How far a long job (an import, an export) has got; pages poll it with htmx.

    Written through `core.jobs.progress` only, but for the mark of a stalled job
    (`core.jobs.services.mark_stalled_jobs`, the stall rule in `core.jobs.rules`).
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")
        #: Running, but silent for longer than its limit: its worker was taken for dead
        #: (the stall rule). Any later word of the job sets it running again.
        STALLED = "stalled", _("Stopped unexpectedly")

    key = models.CharField(_("key"), max_length=200, unique=True)
    label = models.CharField(_("what"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: 0 while the size is not known yet.
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    message = models.CharField(_("message"), max_length=500, blank=True)
    #: Where the result can be opened once finished (an export's download link).
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    #: How long the job may stay silent before it counts as stalled (the stall rule); empty:
    #: settings.DATONG_JOB_STALLED_AFTER. A job whose steps are long declares more.
    stalled_after = models.DurationField(_("stalled after"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress record")
        verbose_name_plural = _("progress records")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.key

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None while the total is unknown."""
        if not self.total:
            return 100 if self.status == self.Status.SUCCEEDED else None
        return min(100, (self.done * 100) // self.total)


class PeriodicRun(models.Model):
    """The last run of one periodic job (`core.jobs.periodic`), by name."""

    class Status(models.TextChoices):
        NEVER = "never", _("Never run")
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        ENQUEUED = "enqueued", _("Handed to the task worker")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_status = models.CharField(
        _("last status"), max_length=20, choices=Status.choices, default=Status.NEVER
    )
    last_error = models.TextField(_("last error"), blank=True)
    #: While set and in the future, another runner holds this job.
    lease_until = models.DateTimeField(null=True, blank=True)
    run_count = models.PositiveIntegerField(_("runs"), default=0)
    failure_count = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
