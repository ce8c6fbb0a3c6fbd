from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoicesConfig(AppConfig):
    """Citizens' messages (民情民意): intake, routing, answers through casework, hot topics."""

    name = "voices"
    label = "voices"
    verbose_name = _("Citizens' voices")

    def ready(self) -> None:
        from . import casekind, permissions  # noqa: F401 - registers the kind and the action codes
        from .navigation import register_navigation

        register_navigation()
