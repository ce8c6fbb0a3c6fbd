"""`shell`: what every page's frame needs, computed only when a template asks for it."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import cached_property
from django.utils.translation import get_language, get_language_info

from . import navigation, selectors


class Shell:
    """The frame around a page: congress name, menus, unread count, languages."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def congress(self):
        return selectors.current_congress()

    @cached_property
    def congress_name(self) -> str:
        # Never hard-wired: the configured Congress row, or nothing on a fresh installation.
        return self.congress.name if self.congress else ""

    @cached_property
    def nav(self):
        return navigation.visible(self.request, navigation.MAIN)

    @cached_property
    def user_menu(self):
        return navigation.visible(self.request, navigation.USER)

    @cached_property
    def visitor_menu(self):
        return navigation.visible(self.request, navigation.VISITOR)

    @cached_property
    def unread(self) -> int | None:
        return selectors.unread_count(self.request.user)

    @cached_property
    def role_label(self) -> str:
        user = self.request.user
        return user.get_role_display() if user.is_authenticated else ""

    @cached_property
    def languages(self) -> list[dict]:
        current = get_language()
        return [
            {"code": code, "name": get_language_info(code)["name_local"], "current": code == current}
            for code, _name in settings.LANGUAGES
        ]

    @cached_property
    def here(self) -> str:
        """Where the language switch and log-out send the user back to."""
        return self.request.get_full_path()


def shell(request):
    return {"shell": Shell(request)}
