"""The daily `jobs.prune` job forgets what nobody needs, and keeps what is still open."""

from datetime import timedelta

from django.utils import timezone

from core.jobs import progress
from core.jobs.models import ProgressRecord, TaskFailure
from core.jobs.services import prune_finished

from . import sample_tasks


def test_prune_forgets_old_resolved_jobs_and_finished_progress_only(db_tasks):
    sample_tasks.flaky.enqueue("old", failures=1)
    sample_tasks.always_fails.enqueue("open")
    db_tasks()
    progress.start("old-export")
    progress.finish("old-export")
    progress.start("running-import")
    later = timezone.now() + timedelta(days=365)

    counts = prune_finished(now=later)

    assert counts["failures"] == 1
    assert not TaskFailure.objects.filter(resolved=True).exists()
    assert TaskFailure.objects.filter(task_path__endswith="always_fails").count() == 3
    assert list(ProgressRecord.objects.values_list("key", flat=True)) == ["running-import"]
    assert counts["results"] >= 1


def test_prune_keeps_recent_records(db_tasks):
    sample_tasks.flaky.enqueue("recent", failures=1)
    db_tasks()
    progress.start("export")
    progress.finish("export")

    assert prune_finished() == {"failures": 0, "progress": 0, "results": 0}
