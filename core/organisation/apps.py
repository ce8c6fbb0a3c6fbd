from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "core.organisation"
    label = "organisation"
    verbose_name = _("Organisation of the city")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the organisation.* codes)
