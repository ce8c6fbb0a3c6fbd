"""Every change to the organisation of a city: one function per change, each audited.

Order inside each: lock → permission → state and law checks → write → audit, in one
transaction. `by` is the acting user; a plain string (e.g. "load_city") is a system actor
for commands run on the server, and is not permission-checked (the shell is trusted).
Bad input raises core.errors.ValidationFailed with `details` {field: reason}; a change the
object's state does not allow raises InvalidTransition. Nothing is written in either case.

`upsert_*` functions find an existing row by its natural key (a deputy's number in its term,
a unit's code, a station's name…) and update it, or create it: they make imports and
`load_city` idempotent, and go through the same create/update functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.audit.services import record
from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.permissions import require

from . import rules
from .models import (
    Congress,
    Delegation,
    Deputy,
    District,
    HandlingUnit,
    LiaisonStation,
    Session,
    StandingCommittee,
    Term,
)
from .permissions import EDIT

# --- shared machinery ----------------------------------------------------------------------


def _authorise(by, code: str = EDIT) -> None:
    if isinstance(by, str):
        return  # a system actor: a management command run by whoever runs the server
    require(by, code)


def _failed(details: Mapping[str, Any]) -> ValidationFailed:
    details = {key: str(value) for key, value in details.items()}
    return ValidationFailed(next(iter(details.values())), details=details)


def _from_django(exc: DjangoValidationError) -> ValidationFailed:
    if hasattr(exc, "error_dict"):
        details = {
            ("__all__" if field == NON_FIELD_ERRORS else field): " ".join(str(m) for m in messages)
            for field, messages in exc.message_dict.items()
        }
    else:
        details = {"__all__": " ".join(str(m) for m in exc.messages)}
    return _failed(details)


def _full_clean(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except DjangoValidationError as exc:
        raise _from_django(exc) from exc


def _value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return None
    return getattr(obj, field.attname)


def _snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: _value(obj, name) for name in names}


def _locked(model: type[models.Model], pk: int) -> Any:
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound() from None


def _check_allowed(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")


def _fields(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if not f.primary_key]


def _create(obj: models.Model, *, by, action: str) -> Any:
    _full_clean(obj)
    obj.save()
    record(actor=by, action=action, target=obj, after=_snapshot(obj, _fields(obj)))
    return obj


def _update(obj: models.Model, changes: Mapping[str, Any], *, by, action: str, check=None) -> bool:
    """Apply `changes`, run `check` (which may raise or normalise), validate, save the
    fields that changed and audit them. False if nothing changed: then nothing is written,
    so re-running an import adds no audit entries."""
    names = _fields(obj)
    before = _snapshot(obj, names)
    for name, value in changes.items():
        setattr(obj, name, value)
    if check is not None:
        check(obj)
    after = _snapshot(obj, names)
    changed = [name for name in names if before[name] != after[name]]
    if not changed:
        return False
    _full_clean(obj)
    obj.save(update_fields=changed)
    record(
        actor=by,
        action=action,
        target=obj,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return True


# --- congress and its parameters (rules.md §11) ------------------------------------------

CONGRESS_FIELDS = frozenset({"name", "region_name", "region_code", "level", "population", "parameters", "is_demo"})


def _context(level: str, population: int | None) -> rules.Context:
    return rules.Context(level=level, population=population)


def _clean_parameters(parameters: Mapping[str, Any] | None, context: rules.Context, scope: str) -> dict:
    cleaned, errors = rules.validate_parameters(parameters or {}, context=context, scope=scope)
    if errors:
        raise _failed({f"parameters.{key}": message for key, message in errors.items()})
    return cleaned


def _check_congress(congress: Congress) -> None:
    congress.parameters = _clean_parameters(
        congress.parameters, _context(congress.level, congress.population), rules.CONGRESS
    )
    if congress.pk:
        # ELEC-2: a new level or population must not leave a standing committee out of bounds.
        for committee in StandingCommittee.objects.filter(term__congress=congress, size__isnull=False):
            try:
                rules.validate_sc_size(committee.size, level=congress.level, population=congress.population)
            except rules.ParameterError as exc:
                raise _failed({"population": exc.message}) from None


@transaction.atomic
def create_congress(
    *,
    by,
    name: str,
    region_name: str,
    level: str = Congress.Level.CITY,
    region_code: str = "",
    population: int | None = None,
    parameters: Mapping[str, Any] | None = None,
    is_demo: bool = False,
) -> Congress:
    """Configure a congress; its parameters are checked against the law (rules.md §11)."""
    _authorise(by)
    congress = Congress(
        name=name,
        region_name=region_name,
        region_code=region_code,
        level=level,
        population=population,
        parameters=dict(parameters or {}),
        is_demo=is_demo,
    )
    _check_congress(congress)
    return _create(congress, by=by, action="congress.create")


@transaction.atomic
def update_congress(*, congress_id: int, by, **changes) -> Congress:
    """Change a congress; stored parameters are re-checked against a new level or population."""
    _check_allowed(changes, CONGRESS_FIELDS)
    congress = _locked(Congress, congress_id)
    _authorise(by)
    _update(congress, changes, by=by, action="congress.update", check=_check_congress)
    return congress


@transaction.atomic
def set_parameter(*, congress_id: int, key: str, value: Any, by) -> Congress:
    """Store one parameter for the congress (None: back to the national default).

    Raises ValidationFailed with the rule's limit when the law does not allow the value.
    """
    congress = _locked(Congress, congress_id)
    _authorise(by)
    context = _context(congress.level, congress.population)
    try:
        normalised = rules.validate_parameter(key, value, context=context)
    except rules.ParameterError as exc:
        raise _failed({key: exc.message}) from None
    parameters = dict(congress.parameters or {})
    before = {key: parameters.get(key)}
    if normalised is None:
        parameters.pop(key, None)
    else:
        parameters[key] = normalised
    _, errors = rules.validate_parameters(parameters, context=context)
    if errors:
        raise _failed(errors)
    if before[key] == parameters.get(key):
        return congress
    congress.parameters = parameters
    congress.save(update_fields=["parameters"])
    record(actor=by, action="congress.parameter_set", target=congress, before=before, after={key: normalised})
    return congress


# --- districts ---------------------------------------------------------------------------

DISTRICT_FIELDS = frozenset({"name", "code", "kind", "is_demo"})


@transaction.atomic
def create_district(*, by, congress: Congress, name: str, code: str = "", kind: str = District.Kind.DISTRICT,
                    is_demo: bool = False) -> District:
    _authorise(by)
    district = District(congress=congress, name=name, code=code, kind=kind, is_demo=is_demo)
    return _create(district, by=by, action="district.create")


@transaction.atomic
def update_district(*, district_id: int, by, **changes) -> District:
    _check_allowed(changes, DISTRICT_FIELDS)
    district = _locked(District, district_id)
    _authorise(by)
    _update(district, changes, by=by, action="district.update")
    return district


@transaction.atomic
def delete_district(*, district_id: int, by) -> None:
    """Remove a district nobody refers to (a delegation, deputy, unit or station)."""
    district = _locked(District, district_id)
    _authorise(by)
    in_use = (
        Delegation.objects.filter(district=district).exists()
        or Deputy.objects.filter(district=district).exists()
        or HandlingUnit.objects.filter(district=district).exists()
        or LiaisonStation.objects.filter(district=district).exists()
    )
    if in_use:
        raise InvalidTransition(_("This district is still referred to and cannot be removed."))
    record(actor=by, action="district.delete", target=district, before=_snapshot(district, DISTRICT_FIELDS))
    district.delete()


# --- terms, sessions, standing committee -------------------------------------------------

TERM_FIELDS = frozenset({"number", "starts_on", "ends_on", "is_current", "is_demo"})
SESSION_FIELDS = frozenset({"number", "kind", "starts_on", "ends_on", "parameters", "is_demo"})


def _make_only_current(term: Term, by) -> None:
    """Only one term of a congress is current: the others stop being so (audited)."""
    for other in Term.objects.select_for_update().filter(congress_id=term.congress_id, is_current=True).exclude(
        pk=term.pk
    ):
        _update(other, {"is_current": False}, by=by, action="term.update")


@transaction.atomic
def create_term(*, by, congress: Congress, number: int, starts_on: datetime.date,
                ends_on: datetime.date | None = None, is_current: bool = False, is_demo: bool = False) -> Term:
    _authorise(by)
    term = Term(congress=congress, number=number, starts_on=starts_on, ends_on=ends_on, is_current=False,
                is_demo=is_demo)
    _create(term, by=by, action="term.create")
    if is_current:
        _make_only_current(term, by)
        _update(term, {"is_current": True}, by=by, action="term.update")
    return term


@transaction.atomic
def update_term(*, term_id: int, by, **changes) -> Term:
    _check_allowed(changes, TERM_FIELDS)
    term = _locked(Term, term_id)
    _authorise(by)
    if changes.get("is_current"):
        _make_only_current(term, by)
    _update(term, changes, by=by, action="term.update")
    return term


def _check_session(session: Session) -> None:
    congress = session.term.congress
    session.parameters = _clean_parameters(
        session.parameters, _context(congress.level, congress.population), rules.SESSION
    )
    term = session.term
    if session.starts_on and (
        session.starts_on < term.starts_on or (term.ends_on and session.starts_on > term.ends_on)
    ):
        raise _failed({"starts_on": _("A session must take place within its term.")})
    # Checked here, not only by the unique constraint: the form has no term field (so the
    # constraint is not checked there), and the message names the number on its field.
    others = Session.objects.filter(term_id=session.term_id, number=session.number).exclude(pk=session.pk)
    if session.number is not None and others.exists():
        raise _failed({"number": _("The term already has session %(number)s.") % {"number": session.number}})


@transaction.atomic
def create_session(*, by, term: Term, number: int, starts_on: datetime.date, ends_on: datetime.date,
                   kind: str = Session.Kind.REGULAR, parameters: Mapping[str, Any] | None = None,
                   is_demo: bool = False) -> Session:
    """A plenary session of a term; its own rules (parameters) stay within the law."""
    _authorise(by)
    session = Session(term=term, number=number, starts_on=starts_on, ends_on=ends_on, kind=kind,
                      parameters=dict(parameters or {}), is_demo=is_demo)
    _check_session(session)
    return _create(session, by=by, action="session.create")


@transaction.atomic
def update_session(*, session_id: int, by, **changes) -> Session:
    _check_allowed(changes, SESSION_FIELDS)
    session = _locked(Session, session_id)
    _authorise(by)
    _update(session, changes, by=by, action="session.update", check=_check_session)
    return session


def _check_committee(committee: StandingCommittee) -> None:
    congress = committee.term.congress
    try:
        rules.validate_sc_size(committee.size, level=congress.level, population=congress.population)
    except rules.ParameterError as exc:
        raise _failed({"size": exc.message}) from None


@transaction.atomic
def save_standing_committee(*, by, term: Term, name: str, size: int | None = None,
                            is_demo: bool = False) -> StandingCommittee:
    """Create or change a term's standing committee; its size is checked (ELEC-2)."""
    _authorise(by)
    committee = StandingCommittee.objects.select_for_update().filter(term=term).first()
    if committee is None:
        committee = StandingCommittee(term=term, name=name, size=size, is_demo=is_demo)
        _check_committee(committee)
        return _create(committee, by=by, action="standing_committee.create")
    _update(committee, {"name": name, "size": size, "is_demo": is_demo}, by=by,
            action="standing_committee.update", check=_check_committee)
    return committee


# --- delegations -------------------------------------------------------------------------

DELEGATION_FIELDS = frozenset({"name", "district", "is_demo"})


def _check_delegation(delegation: Delegation) -> None:
    if delegation.district_id and delegation.district.congress_id != delegation.term.congress_id:
        raise _failed({"district": _("The district belongs to another congress.")})


@transaction.atomic
def create_delegation(*, by, term: Term, name: str, district: District | None = None,
                      is_demo: bool = False) -> Delegation:
    _authorise(by)
    delegation = Delegation(term=term, name=name, district=district, is_demo=is_demo)
    _check_delegation(delegation)
    return _create(delegation, by=by, action="delegation.create")


@transaction.atomic
def update_delegation(*, delegation_id: int, by, **changes) -> Delegation:
    _check_allowed(changes, DELEGATION_FIELDS)
    delegation = _locked(Delegation, delegation_id)
    _authorise(by)
    _update(delegation, changes, by=by, action="delegation.update", check=_check_delegation)
    return delegation


@transaction.atomic
def delete_delegation(*, delegation_id: int, by) -> None:
    """Remove a delegation without deputies."""
    delegation = _locked(Delegation, delegation_id)
    _authorise(by)
    if delegation.deputies.exists():
        raise InvalidTransition(_("This delegation still has deputies and cannot be removed."))
    record(actor=by, action="delegation.delete", target=delegation,
           before=_snapshot(delegation, DELEGATION_FIELDS))
    delegation.delete()


# --- deputies ----------------------------------------------------------------------------

DEPUTY_FIELDS = frozenset(
    {"code", "name", "gender", "delegation", "district", "occupation", "user", "in_office", "left_office_on",
     "is_demo"}
)


def _check_deputy(deputy: Deputy) -> None:
    errors = {}
    if deputy.delegation_id and deputy.delegation.term_id != deputy.term_id:
        errors["delegation"] = _("The delegation belongs to another term.")
    if deputy.district_id and deputy.district.congress_id != deputy.term.congress_id:
        errors["district"] = _("The district belongs to another congress.")
    if deputy.in_office:
        deputy.left_office_on = None
    elif deputy.left_office_on is None:
        errors["left_office_on"] = _("Give the date the deputy left office.")
    elif deputy.left_office_on < deputy.term.starts_on:
        errors["left_office_on"] = _("A deputy cannot leave office before the term began.")
    if errors:
        raise _failed(errors)


@transaction.atomic
def create_deputy(*, by, term: Term, code: str, name: str, delegation: Delegation, gender: str = "",
                  district: District | None = None, occupation: str = "", in_office: bool = True,
                  left_office_on: datetime.date | None = None, user=None, is_demo: bool = False) -> Deputy:
    """A deputy of a term; the district defaults to the delegation's."""
    _authorise(by)
    deputy = Deputy(term=term, code=code, name=name, delegation=delegation, gender=gender,
                    district=district or delegation.district, occupation=occupation, in_office=in_office,
                    left_office_on=left_office_on, user=user, is_demo=is_demo)
    _check_deputy(deputy)
    return _create(deputy, by=by, action="deputy.create")


@transaction.atomic
def update_deputy(*, deputy_id: int, by, **changes) -> Deputy:
    _check_allowed(changes, DEPUTY_FIELDS)
    deputy = _locked(Deputy, deputy_id)
    _authorise(by)
    _update(deputy, changes, by=by, action="deputy.update", check=_check_deputy)
    return deputy


@transaction.atomic
def leave_office(*, deputy_id: int, by, on: datetime.date, reason: str = "") -> Deputy:
    """Record that a deputy left office on a date (resignation, death, termination); they no
    longer count among "all deputies" (SESS-4, basis `in_office`)."""
    deputy = _locked(Deputy, deputy_id)
    _authorise(by)
    if not deputy.in_office:
        raise InvalidTransition(_("This deputy has already left office."))
    if on is None:
        raise _failed({"left_office_on": _("Give the date the deputy left office.")})
    deputy.in_office = False
    deputy.left_office_on = on
    _check_deputy(deputy)
    _full_clean(deputy)
    deputy.save(update_fields=["in_office", "left_office_on"])
    record(actor=by, action="deputy.leave_office", target=deputy, before={"in_office": True},
           after={"in_office": False, "left_office_on": on}, data={"reason": reason})
    return deputy


@transaction.atomic
def return_to_office(*, deputy_id: int, by, reason: str = "") -> Deputy:
    """Undo a departure recorded by mistake."""
    deputy = _locked(Deputy, deputy_id)
    _authorise(by)
    if deputy.in_office:
        raise InvalidTransition(_("This deputy is in office."))
    before = {"in_office": False, "left_office_on": deputy.left_office_on}
    deputy.in_office = True
    deputy.left_office_on = None
    deputy.save(update_fields=["in_office", "left_office_on"])
    record(actor=by, action="deputy.return_to_office", target=deputy, before=before,
           after={"in_office": True, "left_office_on": None}, data={"reason": reason})
    return deputy


# --- handling units ------------------------------------------------------------------------

UNIT_FIELDS = frozenset({"code", "name", "short_name", "kind", "parent", "district", "email", "is_active", "is_demo"})
_MAX_DEPTH = 100


def check_unit_parent(unit: HandlingUnit, parent: HandlingUnit | None) -> None:
    """Refuse a parent that would make `unit` its own ancestor (a cycle), belongs to another
    congress, or is inactive while `unit` is active. Raises ValidationFailed {"parent": …}."""
    if parent is None:
        return
    if parent.congress_id != unit.congress_id:
        raise _failed({"parent": _("The parent unit belongs to another congress.")})
    if unit.is_active and not parent.is_active:
        raise _failed({"parent": _("An active unit cannot be placed under an inactive one.")})
    if unit.pk is None:
        return
    ancestor_id, steps = parent.pk, 0
    while ancestor_id is not None and steps <= _MAX_DEPTH:
        if ancestor_id == unit.pk:
            raise _failed({"parent": _("A unit cannot be placed under itself or one of its own sub-units.")})
        ancestor_id = HandlingUnit.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
        steps += 1


def _check_unit(unit: HandlingUnit) -> None:
    check_unit_parent(unit, unit.parent)
    if unit.district_id and unit.district.congress_id != unit.congress_id:
        raise _failed({"district": _("The district belongs to another congress.")})


@transaction.atomic
def create_unit(*, by, congress: Congress, code: str, name: str, short_name: str = "",
                kind: str = HandlingUnit.Kind.GOVERNMENT, parent: HandlingUnit | None = None,
                district: District | None = None, email: str = "", is_active: bool = True,
                is_demo: bool = False) -> HandlingUnit:
    _authorise(by)
    unit = HandlingUnit(congress=congress, code=code, name=name, short_name=short_name, kind=kind, parent=parent,
                        district=district, email=email, is_active=is_active, is_demo=is_demo)
    _check_unit(unit)
    return _create(unit, by=by, action="unit.create")


@transaction.atomic
def update_unit(*, unit_id: int, by, **changes) -> HandlingUnit:
    """Change a unit; a new parent may not make the unit its own ancestor."""
    _check_allowed(changes, UNIT_FIELDS - {"is_active"})
    unit = _locked(HandlingUnit, unit_id)
    _authorise(by)
    _update(unit, changes, by=by, action="unit.update", check=_check_unit)
    return unit


@transaction.atomic
def deactivate_unit(*, unit_id: int, by, reason: str = "") -> HandlingUnit:
    """A unit stops receiving work (merged, abolished); its history stays. Its active
    sub-units must be moved or deactivated first."""
    unit = _locked(HandlingUnit, unit_id)
    _authorise(by)
    if not unit.is_active:
        raise InvalidTransition(_("This unit is already inactive."))
    if unit.children.filter(is_active=True).exists():
        raise InvalidTransition(_("Move or deactivate this unit's active sub-units first."))
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    record(actor=by, action="unit.deactivate", target=unit, before={"is_active": True},
           after={"is_active": False}, data={"reason": reason})
    return unit


@transaction.atomic
def reactivate_unit(*, unit_id: int, by) -> HandlingUnit:
    unit = _locked(HandlingUnit, unit_id)
    _authorise(by)
    if unit.is_active:
        raise InvalidTransition(_("This unit is already active."))
    if unit.parent_id and not unit.parent.is_active:
        raise InvalidTransition(_("Reactivate the parent unit first."))
    unit.is_active = True
    unit.save(update_fields=["is_active"])
    record(actor=by, action="unit.reactivate", target=unit, before={"is_active": False}, after={"is_active": True})
    return unit


def _set_unit_active(unit: HandlingUnit, active: bool, by) -> None:
    if active and not unit.is_active:
        reactivate_unit(unit_id=unit.pk, by=by)
    elif not active and unit.is_active:
        deactivate_unit(unit_id=unit.pk, by=by)


# --- liaison stations ---------------------------------------------------------------------

STATION_FIELDS = frozenset({"name", "district", "address", "is_demo"})


def _check_station(station: LiaisonStation) -> None:
    if station.district_id and station.district.congress_id != station.congress_id:
        raise _failed({"district": _("The district belongs to another congress.")})


def _set_station_deputies(station: LiaisonStation, deputies: Iterable[Deputy], by) -> None:
    wanted = {d.pk: d for d in deputies}
    if any(d.term.congress_id != station.congress_id for d in wanted.values()):
        raise _failed({"deputies": _("A deputy belongs to another congress.")})
    current = set(station.deputies.values_list("pk", flat=True))
    if current == set(wanted):
        return
    station.deputies.set(list(wanted.values()))
    record(actor=by, action="station.deputies_set", target=station, before={"deputies": sorted(current)},
           after={"deputies": sorted(wanted)})


@transaction.atomic
def create_station(*, by, congress: Congress, name: str, district: District | None = None, address: str = "",
                   deputies: Iterable[Deputy] = (), is_demo: bool = False) -> LiaisonStation:
    _authorise(by)
    station = LiaisonStation(congress=congress, name=name, district=district, address=address, is_demo=is_demo)
    _check_station(station)
    _create(station, by=by, action="station.create")
    _set_station_deputies(station, deputies, by)
    return station


@transaction.atomic
def update_station(*, station_id: int, by, deputies: Iterable[Deputy] | None = None, **changes) -> LiaisonStation:
    """Change a station; `deputies` (when given) replaces the deputies stationed there."""
    _check_allowed(changes, STATION_FIELDS)
    station = _locked(LiaisonStation, station_id)
    _authorise(by)
    _update(station, changes, by=by, action="station.update", check=_check_station)
    if deputies is not None:
        _set_station_deputies(station, deputies, by)
    return station


@transaction.atomic
def set_station_active(*, station_id: int, by, active: bool) -> LiaisonStation:
    """Close (or reopen) a liaison station."""
    station = _locked(LiaisonStation, station_id)
    _authorise(by)
    if station.is_active == active:
        raise InvalidTransition(
            _("This station is already open.") if active else _("This station is already closed.")
        )
    station.is_active = active
    station.save(update_fields=["is_active"])
    record(actor=by, action="station.reactivate" if active else "station.deactivate", target=station,
           before={"is_active": not active}, after={"is_active": active})
    return station


# --- upserts: find by natural key, then update or create -----------------------------------


def upsert_congress(*, by, name: str, **fields) -> Congress:
    congress = Congress.objects.filter(name=name).first()
    if congress is None:
        return create_congress(by=by, name=name, **fields)
    return update_congress(congress_id=congress.pk, by=by, **fields)


def upsert_district(*, by, congress: Congress, name: str, **fields) -> District:
    district = District.objects.filter(congress=congress, name=name).first()
    if district is None:
        return create_district(by=by, congress=congress, name=name, **fields)
    return update_district(district_id=district.pk, by=by, **fields)


def upsert_term(*, by, congress: Congress, number: int, **fields) -> Term:
    term = Term.objects.filter(congress=congress, number=number).first()
    if term is None:
        return create_term(by=by, congress=congress, number=number, **fields)
    return update_term(term_id=term.pk, by=by, **fields)


def upsert_session(*, by, term: Term, number: int, **fields) -> Session:
    session = Session.objects.filter(term=term, number=number).first()
    if session is None:
        return create_session(by=by, term=term, number=number, **fields)
    return update_session(session_id=session.pk, by=by, **fields)


def upsert_delegation(*, by, term: Term, name: str, **fields) -> Delegation:
    delegation = Delegation.objects.filter(term=term, name=name).first()
    if delegation is None:
        return create_delegation(by=by, term=term, name=name, **fields)
    return update_delegation(delegation_id=delegation.pk, by=by, **fields)


def upsert_deputy(*, by, term: Term, code: str, **fields) -> tuple[Deputy, bool]:
    """(deputy, created): the deputy with this number in the term, updated or created."""
    deputy = Deputy.objects.filter(term=term, code=code).first()
    if deputy is None:
        return create_deputy(by=by, term=term, code=code, **fields), True
    return update_deputy(deputy_id=deputy.pk, by=by, **fields), False


def upsert_unit(*, by, congress: Congress, code: str, is_active: bool | None = None,
                **fields) -> tuple[HandlingUnit, bool]:
    """(unit, created): the unit with this code, updated or created; `is_active` goes
    through deactivate/reactivate so their checks apply."""
    unit = HandlingUnit.objects.filter(congress=congress, code=code).first()
    if unit is None:
        active = True if is_active is None else is_active
        return create_unit(by=by, congress=congress, code=code, is_active=active, **fields), True
    if is_active is True:
        _set_unit_active(unit, True, by)
    unit = update_unit(unit_id=unit.pk, by=by, **fields)
    if is_active is False:
        _set_unit_active(unit, False, by)
    return unit, False


def upsert_station(*, by, congress: Congress, name: str, deputies: Iterable[Deputy] | None = None,
                   is_active: bool | None = None, **fields) -> tuple[LiaisonStation, bool]:
    station = LiaisonStation.objects.filter(congress=congress, name=name).first()
    if station is None:
        station = create_station(by=by, congress=congress, name=name, deputies=deputies or (), **fields)
        created = True
    else:
        station = update_station(station_id=station.pk, by=by, deputies=deputies, **fields)
        created = False
    if is_active is not None and station.is_active != is_active:
        station = set_station_active(station_id=station.pk, by=by, active=is_active)
    return station, created
