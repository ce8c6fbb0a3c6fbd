"""Reads for the shell and the home pages, scoped to the user asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from core.notify.selectors import unread_count as notify_unread_count
from core.organisation.models import Congress, Delegation, Deputy, HandlingUnit, Term

# The one definition of "the congress this installation serves" lives in organisation.
from core.organisation.selectors import current_congress, current_term  # noqa: F401  (re-exported)
from core.permissions import require

from .permissions import STAFF_DASHBOARD


def unread_count(user) -> int | None:
    """The user's unread notifications; None when signed out."""
    if not user.is_authenticated:
        return None
    return notify_unread_count(user)


@dataclass(frozen=True)
class StaffFigures:
    congress: Congress | None
    term: Term | None
    deputies_in_office: int
    handling_units: int
    unread: int | None


def staff_figures(user) -> StaffFigures:
    """The staff desk's counts. Raises NotAllowed for anyone without the staff desk."""
    require(user, STAFF_DASHBOARD)
    congress = current_congress()
    term = current_term(congress)
    deputies = Deputy.objects.filter(term=term, in_office=True).count() if term else 0
    units = HandlingUnit.objects.filter(congress=congress, is_active=True).count() if congress else 0
    return StaffFigures(congress, term, deputies, units, unread_count(user))


def deputies_per_delegation(user) -> list[tuple[str, int]]:
    """Deputies in office per delegation of the current term (SESS-4: `in_office` is the basis
    of "all deputies"), in the order of the districts' division codes, so the order is the
    administrative one on every database. Raises NotAllowed without the staff desk."""
    require(user, STAFF_DASHBOARD)
    term = current_term(current_congress())
    if term is None:
        return []
    rows = (
        Delegation.objects.filter(term=term)
        .annotate(deputies_in_office=Count("deputies", filter=Q(deputies__in_office=True)))
        .order_by("district__code", "name", "pk")
        .values_list("name", "deputies_in_office")
    )
    return list(rows)


def deputy_record(user) -> Deputy | None:
    """The deputy record linked to this account, if any."""
    if not user.is_authenticated:
        return None
    return Deputy.objects.select_related("term__congress", "delegation", "district").filter(user=user).first()


def clerk_unit(user) -> HandlingUnit | None:
    """The handling unit a clerk answers for (None for everyone else)."""
    if not user.is_authenticated or user.handling_unit_id is None:
        return None
    return HandlingUnit.objects.select_related("parent", "district").filter(pk=user.handling_unit_id).first()
