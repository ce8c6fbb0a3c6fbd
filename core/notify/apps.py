from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "core.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        from . import permissions  # noqa: F401
