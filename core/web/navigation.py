"""The shell's navigation: one registry of entries, each shown only to users it lets in.

An entry names a URL and, optionally, a permission code. Without a code the entry uses the
permission its target view declares (`@requires(...)` / `@public`), so the menu can never
offer a page the page itself would refuse. Entries whose URL name does not resolve (the app
has not written that page yet) are skipped silently.

Apps add their own entries from their AppConfig.ready():

    from core.web.navigation import NavEntry, register
    register(NavEntry("suggestions", _("Suggestions"), "proposals:suggestion-list", order=30))
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from core.permissions import PUBLIC, declared_permission, has_perm

#: The Django admin site guards itself; the menu shows it to whoever accounts allows there.
ADMIN_SITE = "accounts.admin_site"

#: The main menu (pages), the signed-in user's menu, and the links for visitors.
MAIN = "main"
USER = "user"
VISITOR = "visitor"
#: The administrator desk's system links.
SYSTEM = "system"

#: Badges an entry may carry; the shell fills in the number.
UNREAD = "unread"


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    permission: str | None = None
    menu: str = MAIN
    order: int = 100
    badge: str = ""
    #: The link is a POST form (log out): a GET must never change anything.
    post: bool = False


@dataclass(frozen=True)
class NavItem:
    """An entry as one user sees it on one page."""

    key: str
    label: str
    url: str
    current: bool
    badge: str
    post: bool


_ENTRIES: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    """Add an entry (or replace the one with the same key)."""
    _ENTRIES[entry.key] = entry


def entries(menu: str = MAIN) -> list[NavEntry]:
    return sorted((e for e in _ENTRIES.values() if e.menu == menu), key=lambda e: (e.order, e.key))


def _permission_for(entry: NavEntry, url: str) -> str | None:
    if entry.permission:
        return entry.permission
    try:
        match = resolve(url)
    except Resolver404:
        return None
    return declared_permission(match.func)


def _is_current(url: str, path: str) -> bool:
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url)


def visible(request, menu: str = MAIN) -> list[NavItem]:
    """The entries of `menu` this request's user may open, in order."""
    user = request.user
    signed_in = user.is_authenticated
    if menu == VISITOR and signed_in:
        return []
    if menu == USER and not signed_in:
        return []
    items = []
    for entry in entries(menu):
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue  # that app has not written this page yet
        code = _permission_for(entry, url)
        if code is None or not has_perm(user, code):
            continue
        items.append(
            NavItem(
                key=entry.key,
                label=str(entry.label),
                url=url,
                current=_is_current(url, request.path),
                badge=entry.badge,
                post=entry.post,
            )
        )
    return items


# The core apps' pages. URL names that do not exist yet are skipped until the app lands.
for _entry in (
    NavEntry("home", _("Home"), "web:home", order=0),
    NavEntry("organisation", _("Organisation"), "organisation:index", order=10),
    NavEntry("calendar", _("Calendar"), "workcalendar:calendar", order=20),
    NavEntry("accounts", _("Accounts"), "accounts:user-list", order=60),
    NavEntry("inbox", _("Inbox"), "notify:inbox", order=80, badge=UNREAD),
    NavEntry("audit", _("Audit log"), "audit:index", order=90),
    NavEntry("tasks", _("Background tasks"), "jobs:index", order=91),
    NavEntry("admin", _("Administration"), "admin:index", permission=ADMIN_SITE, order=99),
    NavEntry("profile", _("My account"), "accounts:profile", menu=USER, order=10),
    NavEntry("logout", _("Log out"), "accounts:logout", menu=USER, order=99, post=True),
    NavEntry("login", _("Log in"), "accounts:login", menu=VISITOR, order=10),
    NavEntry("register", _("Register"), "accounts:register", menu=VISITOR, order=20),
    NavEntry("audit-verify", _("Verify the audit chain"), "audit:verify", menu=SYSTEM, order=10),
    NavEntry("audit-log", _("Audit log"), "audit:index", menu=SYSTEM, order=11),
    NavEntry("accounts-manage", _("Accounts"), "accounts:user-list", menu=SYSTEM, order=15),
    NavEntry("tasks-list", _("Background tasks"), "jobs:index", menu=SYSTEM, order=20),
    NavEntry(
        "admin-site",
        _("Administration (users, configured data)"),
        "admin:index",
        permission=ADMIN_SITE,
        menu=SYSTEM,
        order=30,
    ),
    # The API's health probe: a ninja view, so its code is given here.
    NavEntry("health", _("Health check (JSON)"), "api:health", permission=PUBLIC, menu=SYSTEM, order=40),
):
    register(_entry)
