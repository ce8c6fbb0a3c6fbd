"""Read-only admin views of background work (django_tasks_db registers DBTaskResult itself)."""

from django.contrib import admin

from .models import PeriodicRun, ProgressRecord, TaskFailure


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through core.jobs (retries on the task page), never the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TaskFailure)
class TaskFailureAdmin(ReadOnlyAdmin):
    list_display = ("task_path", "attempt", "max_attempts", "error", "created_at", "is_latest", "gave_up", "resolved")
    list_filter = ("resolved", "gave_up", "is_latest", "queue_name")
    search_fields = ("task_path", "error", "chain")


@admin.register(ProgressRecord)
class ProgressRecordAdmin(ReadOnlyAdmin):
    list_display = ("key", "label", "status", "done", "total", "updated_at")
    list_filter = ("status",)
    search_fields = ("key", "label")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_started_at", "last_status", "run_count", "failure_count")
