"""Read-only admin views: changes go through the calendar page or API (services), so each
is audited and triggers the recomputation of deadlines (TIME-6)."""

from django.contrib import admin

from .models import CalendarYear, Holiday


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name", "note", "updated_at")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name", "note")


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "is_complete", "note", "updated_at")
