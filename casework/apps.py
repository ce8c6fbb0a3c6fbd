from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    label = "casework"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from core.workcalendar.services import on_calendar_changed

        from . import permissions  # noqa: F401 - the predicates kinds register with
        from .services import on_calendar_changed as recompute

        # TIME-6: recalculate due dates whenever the calendar table changes.
        on_calendar_changed(recompute)
        self._register_navigation()

    @staticmethod
    def _register_navigation() -> None:
        from core.web.navigation import NavEntry, register

        from . import desk_permissions  # noqa: F401 - the desks' codes, which the entries follow

        register(NavEntry("casework-due", _("What is due"), "casework:assignment-list", order=32))
