from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    label = "elections"
    verbose_name = _("Elections")

    def ready(self) -> None:
        from core.web.navigation import NavEntry, register

        from . import permissions  # noqa: F401  (registers the elections codes)

        # The election desk (staff), the counting pages (staff and appointed scrutineers)
        # and the announced results (everyone).
        register(NavEntry("elections", _("Elections"), "elections:election-list", order=41))
        register(NavEntry("counting", _("Ballot counting"), "elections:counting", order=42))
        register(NavEntry("election-results", _("Election results"), "elections:results", order=45))
