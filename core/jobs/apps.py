from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "core.jobs"
    label = "jobs"
    verbose_name = _("Background tasks")

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the jobs.* codes
