from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlenaryConfig(AppConfig):
    name = "plenary"
    label = "plenary"
    verbose_name = _("Plenary sessions")

    def ready(self) -> None:
        from balloting import roll
        from core.web.navigation import NavEntry, register

        from . import permissions  # noqa: F401  (registers the plenary codes)
        from .roll import SessionRoll

        # The session answers balloting's questions: all deputies, who is present, quorum.
        roll.register(SessionRoll())
        # The session desk (staff): the menu shows it only to those its page lets in.
        register(NavEntry("plenary", _("Plenary sessions"), "plenary:session-list", order=40))
