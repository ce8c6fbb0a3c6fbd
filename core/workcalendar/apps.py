from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    name = "core.workcalendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers calendar.view / calendar.edit
