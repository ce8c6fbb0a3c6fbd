"""/api/organisation: the organisation of the city (lists, unit and deputy edits, imports).

Lists are paginated (`?page=&page_size=`) and filtered by query parameters; they read the
congress this installation serves and, for deputies and delegations, its current term
(or `?term=<id>`). Imports take a multipart `file` and answer 422 with every bad row in
`details` ({row number: reasons}); nothing is imported then.
"""

from __future__ import annotations

import datetime

from ninja import Field, File, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core.apikit import DatongRouter, ErrorOut, Page, acting_user
from core.errors import NotFound, ValidationFailed

from . import imports, rosters, selectors, services
from .models import Congress, Delegation, Deputy, District, HandlingUnit, Session, Term
from .permissions import EDIT, IMPORT, VIEW

router = DatongRouter()


# --- schemas ---------------------------------------------------------------------------------


class DistrictOut(Schema):
    id: int
    name: str
    code: str
    kind: str


class TermOut(Schema):
    id: int
    number: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    is_current: bool


class SessionOut(Schema):
    id: int
    term_id: int
    term_number: int = Field(..., alias="term.number")
    number: int
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date


class DelegationOut(Schema):
    id: int
    name: str
    district_id: int | None
    deputy_count: int
    in_office_count: int


class DeputyOut(Schema):
    id: int
    term_id: int
    code: str
    name: str
    gender: str
    delegation_id: int
    delegation: str = Field(..., alias="delegation.name")
    district_id: int | None
    occupation: str
    in_office: bool
    left_office_on: datetime.date | None
    is_demo: bool


class DeputyIn(Schema):
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=50)
    gender: str = Field("", pattern="^[MF]?$")
    delegation_id: int
    district_id: int | None = None
    occupation: str = Field("", max_length=200)


class DeputyPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=50)
    gender: str | None = Field(None, pattern="^[MF]?$")
    delegation_id: int | None = None
    district_id: int | None = None
    occupation: str | None = Field(None, max_length=200)


class LeaveIn(Schema):
    left_office_on: datetime.date
    reason: str = Field("", max_length=200)


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    district_id: int | None
    email: str
    is_active: bool
    is_demo: bool


class UnitTreeOut(UnitOut):
    depth: int


class UnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=30)
    name: str = Field(..., min_length=1, max_length=200)
    short_name: str = Field("", max_length=50)
    kind: str = HandlingUnit.Kind.GOVERNMENT
    parent_id: int | None = None
    district_id: int | None = None
    email: str = Field("", max_length=254)


class UnitPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=30)
    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=50)
    kind: str | None = None
    parent_id: int | None = None
    district_id: int | None = None
    email: str | None = Field(None, max_length=254)


class StationOut(Schema):
    id: int
    name: str
    district_id: int | None
    address: str
    is_active: bool
    deputy_count: int


class ImportOut(Schema):
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int


# --- helpers ---------------------------------------------------------------------------------


def _congress() -> Congress:
    congress = selectors.current_congress()
    if congress is None:
        raise NotFound()
    return congress


def _term(term_id: int | None) -> Term | None:
    congress = _congress()
    if term_id is None:
        return selectors.current_term(congress)
    term = Term.objects.filter(congress=congress, pk=term_id).first()
    if term is None:
        raise NotFound()
    return term


def _resolve(model, pk: int | None, field: str, **scope):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **scope).first()
    if obj is None:
        raise ValidationFailed(details={field: str(NotFound.default_message)})
    return obj


def _deputy_fields(payload: Schema, term: Term, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    fields = {k: v for k, v in data.items() if k not in {"delegation_id", "district_id"}}
    if partial:
        fields = {k: v for k, v in fields.items() if v is not None}
    if "delegation_id" in data and data["delegation_id"] is not None:
        fields["delegation"] = _resolve(Delegation, data["delegation_id"], "delegation_id", term=term)
    if "district_id" in data:
        fields["district"] = _resolve(District, data["district_id"], "district_id", congress=term.congress)
    return fields


def _unit_fields(payload: Schema, congress: Congress, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    fields = {k: v for k, v in data.items() if k not in {"parent_id", "district_id"}}
    if partial:
        fields = {k: v for k, v in fields.items() if v is not None}
    if "parent_id" in data:
        fields["parent"] = _resolve(HandlingUnit, data["parent_id"], "parent_id", congress=congress)
    if "district_id" in data:
        fields["district"] = _resolve(District, data["district_id"], "district_id", congress=congress)
    return fields


def _owned(model, pk: int, **scope):
    obj = model.objects.filter(pk=pk, **scope).first()
    if obj is None:
        raise NotFound()
    return obj


# --- lists -----------------------------------------------------------------------------------


@router.get("/districts", permission=VIEW, response=list[DistrictOut])
@paginate(Page)
def list_districts(request, q: str = "", kind: str = ""):
    """The districts (and counties, townships) of the area."""
    return selectors.district_list(user=acting_user(request), congress=selectors.current_congress(), q=q, kind=kind)


@router.get("/terms", permission=VIEW, response=list[TermOut])
@paginate(Page)
def list_terms(request):
    """The congress's terms, latest first."""
    return selectors.term_list(user=acting_user(request), congress=selectors.current_congress())


@router.get("/sessions", permission=VIEW, response=list[SessionOut])
@paginate(Page)
def list_sessions(request, term: int | None = None):
    """Plenary sessions, latest first; `term` filters by term id."""
    return selectors.session_list(user=acting_user(request), congress=selectors.current_congress(), term=term)


@router.get("/delegations", permission=VIEW, response=list[DelegationOut])
@paginate(Page)
def list_delegations(request, term: int | None = None, q: str = ""):
    """Delegations of the current term (or `term`), with their deputy counts."""
    congress = selectors.current_congress()
    chosen = _term(term) if congress else None
    return selectors.delegation_list(user=acting_user(request), term=chosen, q=q)


@router.get("/deputies", permission=VIEW, response=list[DeputyOut])
@paginate(Page)
def list_deputies(
    request,
    term: int | None = None,
    q: str = "",
    delegation: int | None = None,
    district: int | None = None,
    in_office: bool | None = None,
    gender: str = "",
    sort: str = "code",
):
    """Deputies of the current term (or `term`); `in_office=true` gives the SESS-4 basis."""
    congress = selectors.current_congress()
    chosen = _term(term) if congress else None
    return selectors.deputy_list(
        user=acting_user(request), term=chosen, q=q, delegation=delegation, district=district,
        in_office=in_office, gender=gender, sort=sort,
    )


@router.get("/units", permission=VIEW, response=list[UnitOut])
@paginate(Page)
def list_units(
    request,
    q: str = "",
    kind: str = "",
    district: int | None = None,
    parent: int | None = None,
    active: bool | None = None,
    sort: str = "code",
):
    """Handling units; `parent` gives one unit's sub-units, `active=false` the inactive."""
    return selectors.unit_list(
        user=acting_user(request), congress=selectors.current_congress(), q=q, kind=kind, district=district,
        parent=parent, is_active=active, sort=sort,
    )


@router.get("/units/tree", permission=VIEW, response=list[UnitTreeOut])
def unit_tree(request, include_inactive: bool = False):
    """Every unit in tree order (parents before their sub-units), each with its depth."""
    nodes = selectors.unit_tree(
        user=acting_user(request), congress=selectors.current_congress(), include_inactive=include_inactive
    )
    return [{**UnitOut.model_validate(n.unit).model_dump(), "depth": n.depth} for n in nodes]


@router.get("/stations", permission=VIEW, response=list[StationOut])
@paginate(Page)
def list_stations(request, q: str = "", district: int | None = None, active: bool | None = None):
    """Deputy liaison stations."""
    return selectors.station_list(
        user=acting_user(request), congress=selectors.current_congress(), q=q, district=district, is_active=active
    )


@router.get("/parameters", permission=VIEW, response=dict)
def parameters(request, session: int | None = None):
    """The effective parameters of rules.md §11: national defaults, the congress's values,
    and (with `session`) that session's own."""
    congress = _congress()
    chosen = _owned(Session, session, term__congress=congress) if session else None
    return selectors.parameters_for(congress, chosen)


# --- changes ---------------------------------------------------------------------------------


@router.post("/deputies", permission=EDIT, response={201: DeputyOut, 404: ErrorOut, 422: ErrorOut})
def create_deputy(request, payload: DeputyIn):
    """A new deputy of the current term."""
    term = _term(None)
    if term is None:
        raise NotFound()
    fields = _deputy_fields(payload, term, partial=False)
    if fields.get("delegation") is None:
        raise ValidationFailed(details={"delegation_id": str(NotFound.default_message)})
    deputy = services.create_deputy(by=acting_user(request), term=term, **fields)
    return Status(201, deputy)


@router.patch("/deputies/{deputy_id}", permission=EDIT, response={200: DeputyOut, 404: ErrorOut, 422: ErrorOut})
def update_deputy(request, deputy_id: int, payload: DeputyPatch):
    """Change a deputy (only the fields sent)."""
    deputy = _owned(Deputy, deputy_id, term__congress=_congress())
    fields = _deputy_fields(payload, deputy.term, partial=True)
    return services.update_deputy(deputy_id=deputy.pk, by=acting_user(request), **fields)


@router.post(
    "/deputies/{deputy_id}/leave", permission=EDIT, response={200: DeputyOut, 404: ErrorOut, 409: ErrorOut}
)
def leave_office(request, deputy_id: int, payload: LeaveIn):
    """Record that a deputy left office (SESS-4: no longer among all deputies)."""
    deputy = _owned(Deputy, deputy_id, term__congress=_congress())
    return services.leave_office(
        deputy_id=deputy.pk, by=acting_user(request), on=payload.left_office_on, reason=payload.reason
    )


@router.post("/units", permission=EDIT, response={201: UnitOut, 404: ErrorOut, 422: ErrorOut})
def create_unit(request, payload: UnitIn):
    """A new handling unit."""
    congress = _congress()
    unit = services.create_unit(by=acting_user(request), congress=congress, **_unit_fields(
        payload, congress, partial=False))
    return Status(201, unit)


@router.patch("/units/{unit_id}", permission=EDIT, response={200: UnitOut, 404: ErrorOut, 422: ErrorOut})
def update_unit(request, unit_id: int, payload: UnitPatch):
    """Change a unit (only the fields sent); a parent that would make the unit its own
    ancestor is refused (422)."""
    congress = _congress()
    unit = _owned(HandlingUnit, unit_id, congress=congress)
    return services.update_unit(unit_id=unit.pk, by=acting_user(request), **_unit_fields(
        payload, congress, partial=True))


# --- imports ---------------------------------------------------------------------------------


def _import(request, kind: str, file: UploadedFile):
    congress = _congress()
    term = selectors.current_term(congress)
    return imports.import_roster(kind, file, congress=congress, term=term, by=acting_user(request)).as_dict()


_IMPORT_RESPONSES = {200: ImportOut, 404: ErrorOut, 422: ErrorOut}


@router.post("/deputies/import", permission=IMPORT, response=_IMPORT_RESPONSES)
def import_deputies(request, file: File[UploadedFile]):
    """Import the deputies roster (xlsx, the template's columns) into the current term."""
    return _import(request, rosters.DEPUTIES, file)


@router.post("/units/import", permission=IMPORT, response=_IMPORT_RESPONSES)
def import_units(request, file: File[UploadedFile]):
    """Import the handling-units roster (xlsx)."""
    return _import(request, rosters.UNITS, file)


@router.post("/stations/import", permission=IMPORT, response=_IMPORT_RESPONSES)
def import_stations(request, file: File[UploadedFile]):
    """Import the liaison-stations roster (xlsx)."""
    return _import(request, rosters.STATIONS, file)
