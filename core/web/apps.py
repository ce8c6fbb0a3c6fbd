from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "core.web"
    label = "web"
    verbose_name = _("Pages' shell")

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the production-settings check)

        from . import navigation, permissions  # noqa: F401  (registers codes and default entries)
