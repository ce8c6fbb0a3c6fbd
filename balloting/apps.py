from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotingConfig(AppConfig):
    name = "balloting"
    label = "balloting"
    verbose_name = _("Secret voting")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the round.* and ballot.* codes)

        self._register_published()

    @staticmethod
    def _register_published() -> None:
        """The public home lists the newest counted votes on motions and projects, with a link
        to them all (core.web.published)."""
        from core.web.published import PublishedKind, register

        from .selectors import latest_vote_results

        register(
            PublishedKind(
                "vote-results",
                _("Results of votes"),
                latest_vote_results,
                list_url_name="balloting:public-results",
                order=20,
            )
        )
