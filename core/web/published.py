"""A port for what has been published: the public home lists it, the domains publish it.

The shared layer never imports a domain (design.md), yet the public home must show what each
domain has made public: announced election results, counted votes on motions, published
handling reports. So each app registers, from its AppConfig.ready(), one `PublishedKind`: a
label, a function returning its newest published items, and the name of its public list
page if it has one:

    from core.web.published import PublishedKind, register
    register(PublishedKind("vote-results", _("Results of votes"), latest_vote_results,
                           list_url_name="balloting:public-results", order=20))

The function is a plain selector of the app, `latest(congress=, limit=)`: it returns at most
`limit` items of that congress, newest first, each already public (it decides what "public"
means for its kind, and never returns anything before it is published), in one query.

A kind whose list page does not resolve, or is not a public page, is shown without its
"see all" link: a visitor is never sent to a page that would refuse them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from core.permissions import PUBLIC, declared_permission

#: How many items of each kind the public home shows.
PER_KIND = 5


@dataclass(frozen=True)
class PublishedItem:
    """One published thing as anyone may see it: its title, when it was published, its public
    page, and optionally a short line under the title (session, stage) and the format of a
    file the link downloads (e.g. "docx"; empty for a page)."""

    title: str
    published_at: datetime.datetime
    url: str
    detail: str = ""
    file_format: str = ""


@dataclass(frozen=True)
class PublishedKind:
    """A kind of published thing, registered by the app that publishes it."""

    key: str
    label: str
    #: `latest(congress=, limit=)` -> list[PublishedItem], newest first.
    latest: Callable[..., list[PublishedItem]]
    #: The kind's public list page ("see all"); empty when there is none.
    list_url_name: str = ""
    order: int = 100


@dataclass(frozen=True)
class PublishedGroup:
    """A kind with its newest items, as the public home shows it."""

    key: str
    label: str
    items: tuple[PublishedItem, ...]
    all_url: str


_KINDS: dict[str, PublishedKind] = {}


def register(kind: PublishedKind) -> None:
    """Add a kind (or replace the one with the same key)."""
    _KINDS[kind.key] = kind


def kinds() -> list[PublishedKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def _public_url(url_name: str) -> str:
    """The URL of a public page named `url_name`; "" when it does not exist or is not public."""
    if not url_name:
        return ""
    try:
        url = reverse(url_name)
        match = resolve(url)
    except (NoReverseMatch, Resolver404):
        return ""
    return url if declared_permission(match.func) == PUBLIC else ""


def latest(congress, *, limit: int = PER_KIND) -> list[PublishedGroup]:
    """The kinds that have published something in `congress`, each with its newest `limit`
    items, in the kinds' order; [] before any congress is configured. One query per kind."""
    if congress is None:
        return []
    groups = []
    for kind in kinds():
        items = tuple(kind.latest(congress=congress, limit=limit)[:limit])
        if items:
            groups.append(PublishedGroup(kind.key, str(kind.label), items, _public_url(kind.list_url_name)))
    return groups
