from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "core.organisation"
    label = "organisation"
    verbose_name = _("Organisation of the city")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import permissions  # noqa: F401  (registers the organisation.* codes)
        from .models import Congress, Term
        from .selectors import forget_current_congress

        for model in (Congress, Term):
            for signal in (post_save, post_delete):
                signal.connect(forget_current_congress, sender=model, dispatch_uid=f"current-congress-{model.__name__}")
