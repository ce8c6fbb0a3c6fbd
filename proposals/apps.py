from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _load_city_categories(value, *, congress, by, is_demo: bool) -> int:
    """city.yaml `suggestion_categories` (a list of {code, name}) → proposals' service."""
    from .services import load_categories

    return load_categories(by=by, congress=congress, items=value)


class ProposalsConfig(AppConfig):
    name = "proposals"
    label = "proposals"
    verbose_name = _("Bills and suggestions")

    def ready(self) -> None:
        from . import casekind, permissions  # noqa: F401 - registers the kind and the action codes

        self._register_navigation()
        self._ready_bills()
        self._ready_takeup()
        self._ready_city_section()
        self._ready_published()

    @staticmethod
    def _ready_published() -> None:
        """The public home lists the newest published handling reports (SUGG-8), with a link
        to them all (core.web.published)."""
        from core.web.published import PublishedKind, register

        from .selectors import latest_published_reports

        register(
            PublishedKind(
                "handling-reports",
                _("Reports on the handling of suggestions"),
                latest_published_reports,
                list_url_name="proposal_documents:published-report-list",
                order=30,
            )
        )

    @staticmethod
    def _ready_city_section() -> None:
        """A city's suggestion categories are part of its configuration: the
        `suggestion_categories` section of its city.yaml (core.organisation.loader), never
        code."""
        from core.organisation.loader import register_section

        register_section("suggestion_categories", _load_city_categories)

    @staticmethod
    def _ready_takeup() -> None:
        """A deputy starts a suggestion from a citizen's message (core.takeup: voices does not
        import this app)."""
        from core import takeup

        from .takeup import describe, start

        takeup.register(start=start, describe=describe)

    @staticmethod
    def _ready_bills() -> None:
        """Bills and interpellations (BILL-*, RES-2): their action codes, the interpellation
        case kind, and their pages in the menu."""
        from core.web.navigation import NavEntry, register

        from . import bill_casekind, bill_permissions  # noqa: F401 - registers the codes and the kind

        register(NavEntry("bills", _("Bills"), "bills:bill-list", order=32))
        register(NavEntry("interpellations", _("Interpellations"), "bills:interpellation-list", order=33))

    @staticmethod
    def _register_navigation() -> None:
        from core.web.navigation import NavEntry, register

        from . import desk_permissions  # noqa: F401 - the desks' codes, which the entries follow

        register(NavEntry("suggestions-desk", _("Suggestions desk"), "proposals:staff-desk", order=30))
        register(NavEntry("my-suggestions", _("My suggestions"), "proposals:deputy-desk", order=30))
        register(NavEntry("suggestions", _("Suggestions"), "proposals:suggestion-list", order=31))
