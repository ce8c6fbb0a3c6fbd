from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotingConfig(AppConfig):
    name = "balloting"
    label = "balloting"
    verbose_name = _("Secret voting")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the round.* and ballot.* codes)
