"""Reads of the organisation for pages, the API and exports, scoped to the user asking.

List selectors return querysets (callers paginate); a user without `organisation.view`
gets an empty one. Filters are keyword arguments; `sort` takes a key of the list's SORTS.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.permissions import has_perm
from core.processcache import ProcessCache

from . import rules
from .models import (
    Congress,
    Delegation,
    Deputy,
    District,
    HandlingUnit,
    LiaisonStation,
    Session,
    Term,
)
from .permissions import VIEW


def current_congress() -> Congress | None:
    """The congress this installation serves: the one with a current term, else the first
    configured, else None (a fresh installation before `load_city`)."""
    congress = Congress.objects.filter(terms__is_current=True).order_by("pk").first()
    return congress or Congress.objects.order_by("pk").first()


#: How long a process reuses the current congress in `current_congress_cached` (a congress or
#: term saved or deleted in this process is seen at once: organisation.apps connects
#: `forget_current_congress`; another process sees it within this many seconds).
CURRENT_SECONDS = 5.0
_CURRENT = ProcessCache(seconds=CURRENT_SECONDS)


def current_congress_cached() -> Congress | None:
    """`current_congress`, read at most once per CURRENT_SECONDS per process: for the paths
    every citizen's request takes (a message received), where the read was a tenth of the work."""
    return _CURRENT.get("current", current_congress)


def forget_current_congress(**_signal) -> None:
    """Drop the cached current congress (signal receiver for congresses and terms; tests)."""
    _CURRENT.forget()


def current_term(congress: Congress | None) -> Term | None:
    """The congress's current term, else its latest one."""
    if congress is None:
        return None
    terms = Term.objects.filter(congress=congress)
    return terms.filter(is_current=True).first() or terms.order_by("-number").first()


def parameters_for(congress: Congress, session: Session | None = None) -> dict:
    """The effective parameters (rules.md §11): defaults, the congress's, the session's."""
    return rules.effective_parameters(congress, session)


def deputies_in_office_count(term: Term) -> int:
    """Deputies of the term currently in office (the `in_office` basis of SESS-4)."""
    return Deputy.objects.filter(term=term, in_office=True).count()


def all_deputies_count(term: Term, session: Session | None = None) -> int:
    """"All deputies" (全体代表) for majorities and quorums (SESS-4), on the basis the
    congress configured: deputies in office (default) or every deputy elected in the term."""
    basis = rules.effective_parameters(term.congress, session)["all_deputies_basis"]
    deputies = Deputy.objects.filter(term=term)
    if basis == "in_office":
        deputies = deputies.filter(in_office=True)
    return deputies.count()


def _visible(user, queryset: QuerySet) -> QuerySet:
    return queryset if has_perm(user, VIEW) else queryset.none()


def _search(queryset: QuerySet, q: str, *fields: str) -> QuerySet:
    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": q})
    return queryset.filter(condition)


def _sorted(queryset: QuerySet, sort: str, sorts: dict[str, tuple[str, ...]], default: str) -> QuerySet:
    key = sort.lstrip("-") if sort else default
    order = sorts.get(key, sorts[default])
    if sort and sort.startswith("-"):
        order = tuple(f"-{field}" if not field.startswith("-") else field[1:] for field in order)
    return queryset.order_by(*order)


# --- lists -------------------------------------------------------------------------------

DEPUTY_SORTS = {
    "code": ("code",),
    "name": ("name", "code"),
    "delegation": ("delegation__name", "code"),
    "district": ("district__name", "code"),
}


def deputy_list(
    *,
    user,
    term: Term | None,
    q: str = "",
    delegation: int | None = None,
    district: int | None = None,
    in_office: bool | None = None,
    gender: str = "",
    sort: str = "code",
) -> QuerySet[Deputy]:
    deputies = Deputy.objects.select_related("delegation", "district", "term").filter(term=term)
    deputies = _search(deputies, q, "name", "code", "occupation")
    if delegation:
        deputies = deputies.filter(delegation_id=delegation)
    if district:
        deputies = deputies.filter(district_id=district)
    if in_office is not None:
        deputies = deputies.filter(in_office=in_office)
    if gender:
        deputies = deputies.filter(gender=gender)
    return _visible(user, _sorted(deputies, sort, DEPUTY_SORTS, "code"))


UNIT_SORTS = {"code": ("code",), "name": ("name",), "kind": ("kind", "code")}


def unit_list(
    *,
    user,
    congress: Congress | None,
    q: str = "",
    kind: str = "",
    district: int | None = None,
    parent: int | None = None,
    is_active: bool | None = None,
    sort: str = "code",
) -> QuerySet[HandlingUnit]:
    units = HandlingUnit.objects.select_related("parent", "district").filter(congress=congress)
    units = _search(units, q, "name", "short_name", "code")
    if kind:
        units = units.filter(kind=kind)
    if district:
        units = units.filter(district_id=district)
    if parent:
        units = units.filter(parent_id=parent)
    if is_active is not None:
        units = units.filter(is_active=is_active)
    return _visible(user, _sorted(units, sort, UNIT_SORTS, "code"))


@dataclass(frozen=True)
class TreeNode:
    unit: HandlingUnit
    depth: int


def unit_tree(*, user, congress: Congress | None, include_inactive: bool = False) -> list[TreeNode]:
    """Every unit in tree order (each parent followed by its sub-units, by code) with its
    depth; a unit whose parent is hidden (inactive) is shown at the top level."""
    units = list(unit_list(user=user, congress=congress, is_active=None if include_inactive else True))
    present = {u.pk for u in units}
    children: dict[int | None, list[HandlingUnit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in present else None
        children.setdefault(parent, []).append(unit)
    nodes: list[TreeNode] = []
    stack = [(u, 0) for u in reversed(children.get(None, []))]
    seen: set[int] = set()
    while stack:
        unit, depth = stack.pop()
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        nodes.append(TreeNode(unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
    return nodes


def unit_ancestors(unit: HandlingUnit) -> list[HandlingUnit]:
    """The unit's parents, nearest first (bounded, in case of a damaged chain)."""
    chain, current, seen = [], unit.parent, {unit.pk}
    while current is not None and current.pk not in seen and len(chain) < 100:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def unit_descendant_ids(unit: HandlingUnit) -> set[int]:
    """The ids of every sub-unit below `unit`, at any depth (not the unit itself)."""
    found: set[int] = set()
    frontier = {unit.pk}
    while frontier:
        frontier = set(HandlingUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def delegation_list(*, user, term: Term | None, q: str = "", sort: str = "name") -> QuerySet[Delegation]:
    delegations = (
        Delegation.objects.select_related("district")
        .filter(term=term)
        .annotate(
            deputy_count=Count("deputies", distinct=True),
            in_office_count=Count("deputies", filter=Q(deputies__in_office=True), distinct=True),
        )
    )
    delegations = _search(delegations, q, "name")
    return _visible(user, _sorted(delegations, sort, {"name": ("name",), "size": ("-deputy_count", "name")}, "name"))


def district_list(*, user, congress: Congress | None, q: str = "", kind: str = "") -> QuerySet[District]:
    districts = District.objects.filter(congress=congress).annotate(
        deputy_count=Count("deputy", filter=Q(deputy__in_office=True), distinct=True),
        unit_count=Count("handlingunit", distinct=True),
        station_count=Count("liaisonstation", distinct=True),
    )
    districts = _search(districts, q, "name", "code")
    if kind:
        districts = districts.filter(kind=kind)
    return _visible(user, districts.order_by("code", "name"))


def term_list(*, user, congress: Congress | None) -> QuerySet[Term]:
    terms = (
        Term.objects.filter(congress=congress)
        .select_related("standing_committee")
        .prefetch_related("sessions")
        .annotate(deputy_count=Count("deputies", filter=Q(deputies__in_office=True), distinct=True))
        .order_by("-number")
    )
    return _visible(user, terms)


def session_list(*, user, congress: Congress | None, term: int | None = None) -> QuerySet[Session]:
    sessions = Session.objects.select_related("term").filter(term__congress=congress)
    if term:
        sessions = sessions.filter(term_id=term)
    return _visible(user, sessions.order_by("-term__number", "-number"))


def station_list(
    *,
    user,
    congress: Congress | None,
    q: str = "",
    district: int | None = None,
    is_active: bool | None = None,
    sort: str = "name",
) -> QuerySet[LiaisonStation]:
    stations = (
        LiaisonStation.objects.select_related("district")
        .filter(congress=congress)
        .annotate(deputy_count=Count("deputies", distinct=True))
    )
    stations = _search(stations, q, "name", "address")
    if district:
        stations = stations.filter(district_id=district)
    if is_active is not None:
        stations = stations.filter(is_active=is_active)
    sorts = {"name": ("name",), "district": ("district__name", "name")}
    return _visible(user, _sorted(stations, sort, sorts, "name"))


def deputy_detail(*, user, deputy_id: int) -> Deputy | None:
    return _visible(user, Deputy.objects.select_related("delegation", "district", "term__congress")).filter(
        pk=deputy_id
    ).first()
