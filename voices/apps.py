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
        self._connect_cache_receivers()

    @staticmethod
    def _connect_cache_receivers() -> None:
        """The per-process snapshot of active models, categories and units (voices.classify)
        and the staff list (voices.services.intake) are dropped when one of them changes in
        this process (other processes re-read them after a few seconds)."""
        from django.db.models.signals import post_delete, post_save

        from core.organisation.models import HandlingUnit

        from .classify import forget_snapshots
        from .models import MessageCategory, TextModel

        for model in (TextModel, MessageCategory, HandlingUnit):
            post_save.connect(forget_snapshots, sender=model, dispatch_uid=f"voices-snapshot-save-{model.__name__}")
            post_delete.connect(forget_snapshots, sender=model, dispatch_uid=f"voices-snapshot-delete-{model.__name__}")
        # The staff told of each new message (voices.services.intake), cached briefly.
        from django.contrib.auth import get_user_model

        from .services.intake import forget_staff

        user_model = get_user_model()
        post_save.connect(forget_staff, sender=user_model, dispatch_uid="voices-staff-save")
        post_delete.connect(forget_staff, sender=user_model, dispatch_uid="voices-staff-delete")
