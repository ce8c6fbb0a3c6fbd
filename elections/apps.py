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

        # The public home lists the newest announced results (ELEC-13), with a link to them all.
        from core.web.published import PublishedKind
        from core.web.published import register as register_published

        from .reads import latest_announced_results

        register_published(
            PublishedKind(
                "election-results",
                _("Election result announcements"),
                latest_announced_results,
                list_url_name="elections:results",
                order=10,
            )
        )
