"""Importing the rosters (deputies, handling units, liaison stations) from xlsx.

All or nothing: the upload is checked (size, real type) before anything is read, every row
is validated and every problem collected with its row number; if there is any, nothing is
written and ValidationFailed carries them all (`details` {row: reasons}, and `row_errors`).
Otherwise the rows are written in one transaction through the services (so each change is
audited), a row identical to what is stored is left alone, and a summary entry
`roster.import` is audited. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.audit.services import record
from core.documents import (
    CellError,
    Column,
    RowErrors,
    cell_bool,
    cell_date,
    cell_list,
    cell_text,
    read_rows,
    validate_upload,
)
from core.errors import DatongError, ValidationFailed

from . import rosters, services
from .models import Congress, Delegation, Deputy, District, HandlingUnit, LiaisonStation, Term
from .permissions import IMPORT


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Row:
    """One data row being validated: typed getters that record problems instead of raising."""

    def __init__(self, number: int, record: dict[str, Any], columns: Sequence[Column], errors: RowErrors):
        self.number = number
        self.record = record
        self.headers = {c.key: c.header for c in columns}
        self.errors = errors
        self.ok = True

    def has(self, key: str) -> bool:
        return key in self.record

    def error(self, key: str, reason: str) -> None:
        self.ok = False
        self.errors.add(self.number, self.headers.get(key, ""), reason)

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        try:
            value = cell_text(self.record.get(key), max_length=max_length)
        except CellError as exc:
            self.error(key, exc.reason)
            return ""
        if required and not value:
            self.error(key, _("this column may not be empty."))
        return value

    def boolean(self, key: str) -> bool | None:
        try:
            return cell_bool(self.record.get(key))
        except CellError as exc:
            self.error(key, exc.reason)
            return None

    def date(self, key: str) -> datetime.date | None:
        try:
            return cell_date(self.record.get(key))
        except CellError as exc:
            self.error(key, exc.reason)
            return None


def _read(file, kind: str, by) -> list[tuple[int, dict[str, Any]]]:
    services._authorise(by, IMPORT)
    validate_upload(file, allowed=("xlsx",))  # before anything is read or written
    return list(read_rows(file, rosters.COLUMNS[kind]))


def _district_lookup(congress: Congress) -> dict[str, District]:
    lookup = {}
    for district in District.objects.filter(congress=congress):
        lookup[district.name] = district
        if district.code:
            lookup.setdefault(district.code, district)
    return lookup


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    current = services._value(obj, name)
    if isinstance(value, models.Model):
        value = value.pk
    return current != value


def _changes(obj: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if _differs(obj, name, value)}


def _duplicate(row: _Row, key: str, value: str, seen: dict[str, int]) -> None:
    if not value:
        return
    if value in seen:
        row.error(key, _("«%(value)s» is also in row %(row)s.") % {"value": value, "row": seen[value]})
    else:
        seen[value] = row.number


class _Writer:
    """Runs service calls for the rows, turning a refusal into that row's error."""

    def __init__(self, columns: Sequence[Column], errors: RowErrors, result: ImportResult):
        self.headers = {c.key: c.header for c in columns}
        self.errors = errors
        self.result = result

    def call(self, number: int, function, **kwargs):
        try:
            return function(**kwargs)
        except DatongError as exc:
            details = getattr(exc, "details", None) or {}
            if details:
                for field, reason in details.items():
                    self.errors.add(number, self.headers.get(field.split(".")[0], ""), reason)
            else:
                self.errors.add(number, "", str(exc.message))
            return None


def _finish(errors: RowErrors, result: ImportResult, *, by, target, file) -> ImportResult:
    errors.raise_if_any()  # inside the transaction: raising rolls every row back
    record(
        actor=by,
        action="roster.import",
        target=target,
        data={**result.as_dict(), "file": getattr(file, "name", "")},
    )
    return result


# --- deputies ----------------------------------------------------------------------------


def import_deputies(file, *, term: Term, by, is_demo: bool = False) -> ImportResult:
    """Create or update the term's deputies from a roster, keyed by 代表证号.

    Columns absent from the sheet leave those fields alone; 在任 否 with 离任日期 records a
    departure (SESS-4 basis), 在任 是 undoes one. Raises ValidationFailed listing every bad
    row (a delegation that does not exist, a number used twice, …) and writes nothing then.
    """
    rows = _read(file, rosters.DEPUTIES, by)
    columns = rosters.DEPUTY_COLUMNS
    delegations = {d.name: d for d in Delegation.objects.filter(term=term).select_related("district")}
    districts = _district_lookup(term.congress)
    errors = RowErrors()
    plans = []
    seen: dict[str, int] = {}
    for number, record_ in rows:
        row = _Row(number, record_, columns, errors)
        code = row.text("code", required=True, max_length=20)
        _duplicate(row, "code", code, seen)
        fields: dict[str, Any] = {"name": row.text("name", required=True, max_length=50)}
        if row.has("gender"):
            text = row.text("gender")
            gender = rosters.GENDER_WORDS.get(text.casefold()) if text else ""
            if gender is None:
                row.error("gender", _("«%(value)s» is not a gender (write 男 or 女).") % {"value": text})
            else:
                fields["gender"] = gender
        delegation_name = row.text("delegation", required=True)
        if delegation_name:
            delegation = delegations.get(delegation_name)
            if delegation is None:
                row.error("delegation", _("delegation «%(name)s» does not exist.") % {"name": delegation_name})
            else:
                fields["delegation"] = delegation
        if row.has("district"):
            text = row.text("district")
            if text:
                district = districts.get(text)
                if district is None:
                    row.error("district", _("district «%(name)s» does not exist.") % {"name": text})
                else:
                    fields["district"] = district
            elif "delegation" in fields:
                fields["district"] = fields["delegation"].district
        if row.has("occupation"):
            fields["occupation"] = row.text("occupation", max_length=200)
        in_office = row.boolean("in_office") if row.has("in_office") else None
        left_on = row.date("left_office_on") if row.has("left_office_on") else None
        if left_on is not None and in_office is None:
            in_office = False
        if in_office is False and left_on is None and row.ok:
            row.error("left_office_on", _("give the date the deputy left office."))
        if in_office is True and left_on is not None:
            row.error("left_office_on", _("a deputy in office has no departure date."))
        if left_on is not None and left_on < term.starts_on:
            row.error(
                "left_office_on",
                _("the date is before the term began (%(date)s).") % {"date": term.starts_on.isoformat()},
            )
        if row.ok:
            plans.append((number, code, fields, in_office, left_on))
    errors.raise_if_any()

    result = ImportResult(rosters.DEPUTIES, rows=len(plans))
    writer = _Writer(columns, errors, result)
    existing = {d.code: d for d in Deputy.objects.filter(term=term)}
    with transaction.atomic():
        for number, code, fields, in_office, left_on in plans:
            deputy = existing.get(code)
            if deputy is None:
                created = writer.call(
                    number, services.create_deputy, by=by, term=term, code=code, is_demo=is_demo,
                    in_office=in_office is not False, left_office_on=left_on, **fields,
                )
                result.created += created is not None
                continue
            changes = _changes(deputy, fields)
            if is_demo and not deputy.is_demo:
                changes["is_demo"] = True
            if not deputy.in_office and in_office is False and left_on != deputy.left_office_on:
                changes["left_office_on"] = left_on
            wrote = bool(changes)
            if changes:
                writer.call(number, services.update_deputy, deputy_id=deputy.pk, by=by, **changes)
            if deputy.in_office and in_office is False:
                writer.call(number, services.leave_office, deputy_id=deputy.pk, by=by, on=left_on,
                            reason=_("roster import"))
                wrote = True
            elif not deputy.in_office and in_office is True:
                writer.call(number, services.return_to_office, deputy_id=deputy.pk, by=by,
                            reason=_("roster import"))
                wrote = True
            if wrote:
                result.updated += 1
            else:
                result.unchanged += 1
        return _finish(errors, result, by=by, target=term, file=file)


# --- handling units ----------------------------------------------------------------------


def _ancestry_loop(code: str, parents: dict[str, str | None]) -> list[str] | None:
    """The chain from `code` back to itself, if following parents returns to it."""
    chain, current, seen = [code], parents.get(code), {code}
    while current is not None:
        chain.append(current)
        if current == code:
            return chain
        if current in seen:
            return None  # a loop further up, reported on its own rows
        seen.add(current)
        current = parents.get(current)
    return None


def _parents_first(codes: list[str], parents: dict[str, str | None]) -> list[str]:
    """The file's codes ordered so a parent in the file comes before its sub-units."""
    wanted, ordered, done = set(codes), [], set()
    for code in codes:
        path, current = [], code
        while current in wanted and current not in done and current not in path:
            path.append(current)
            current = parents.get(current)
        for item in reversed(path):
            done.add(item)
            ordered.append(item)
    return ordered


def import_units(file, *, congress: Congress, by, is_demo: bool = False) -> ImportResult:
    """Create or update handling units from a roster, keyed by 单位编码.

    A parent (上级单位编码) may be in the same file (in any order) or already configured.
    Refused rows: a parent that does not exist, a hierarchy that would loop (a unit its own
    ancestor), an active unit under an inactive one, a name or code used twice.
    """
    rows = _read(file, rosters.UNITS, by)
    columns = rosters.UNIT_COLUMNS
    districts = _district_lookup(congress)
    stored = {u.code: u for u in HandlingUnit.objects.filter(congress=congress)}
    code_of = {u.pk: u.code for u in stored.values()}
    parents: dict[str, str | None] = {u.code: code_of.get(u.parent_id) for u in stored.values()}
    active: dict[str, bool] = {u.code: u.is_active for u in stored.values()}
    owner_of_name = {u.name: u.code for u in stored.values()}
    errors = RowErrors()
    plans: dict[str, tuple[int, dict[str, Any], bool | None]] = {}
    row_of: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, record_ in rows:
        row = _Row(number, record_, columns, errors)
        code = row.text("code", required=True, max_length=30)
        _duplicate(row, "code", code, seen_codes)
        name = row.text("name", required=True, max_length=200)
        _duplicate(row, "name", name, seen_names)
        fields: dict[str, Any] = {"name": name}
        if row.has("short_name"):
            fields["short_name"] = row.text("short_name", max_length=50)
        if row.has("kind"):
            text = row.text("kind")
            kind = rosters.unit_kind(text) if text else HandlingUnit.Kind.GOVERNMENT
            if kind is None:
                row.error("kind", _("«%(value)s» is not a kind of unit.") % {"value": text})
            else:
                fields["kind"] = kind
        if row.has("district"):
            text = row.text("district")
            district = districts.get(text) if text else None
            if text and district is None:
                row.error("district", _("district «%(name)s» does not exist.") % {"name": text})
            fields["district"] = district
        if row.has("email"):
            email = row.text("email", max_length=254)
            if email:
                try:
                    validate_email(email)
                except DjangoValidationError:
                    row.error("email", _("«%(value)s» is not an e-mail address.") % {"value": email})
            fields["email"] = email
        is_active = row.boolean("is_active") if row.has("is_active") else None
        if row.has("parent"):
            parent_code = row.text("parent") or None
            if parent_code is not None and parent_code == code:
                row.error("parent", _("a unit cannot be its own parent."))
            fields["parent"] = parent_code
        if not code or code in plans:
            continue
        row_of[code] = number
        if name and owner_of_name.get(name, code) != code:
            row.error("name", _("unit %(code)s already has this name.") % {"code": owner_of_name[name]})
        plans[code] = (number, fields, is_active)
        if "parent" in fields:
            parents[code] = fields["parent"]
        else:
            parents.setdefault(code, None)
        if is_active is not None:
            active[code] = is_active
        else:
            active.setdefault(code, True)

    # The hierarchy as it would be after the import: every parent exists, no loops, and no
    # active unit under an inactive one.
    headers = {c.key: c.header for c in columns}
    for code, (number, fields, _is_active) in plans.items():
        parent_code = fields.get("parent")
        if parent_code and parent_code not in parents:
            errors.add(number, headers["parent"], _("parent unit «%(code)s» does not exist.") % {"code": parent_code})
            continue
        loop = _ancestry_loop(code, parents)
        if loop:
            errors.add(
                number,
                headers["parent"],
                _("the unit would become its own ancestor (%(chain)s).") % {"chain": " → ".join(loop)},
            )
    for code, parent_code in parents.items():
        if parent_code and active.get(code) and active.get(parent_code) is False:
            number = row_of.get(code) or row_of.get(parent_code)
            if number:
                errors.add(
                    number,
                    headers["is_active"],
                    _("unit %(code)s is active but its parent %(parent)s is not.")
                    % {"code": code, "parent": parent_code},
                )
    errors.raise_if_any()

    result = ImportResult(rosters.UNITS, rows=len(plans))
    writer = _Writer(columns, errors, result)
    order = _parents_first(list(plans), parents)
    with transaction.atomic():
        units = dict(stored)
        to_deactivate = []
        for code in order:
            number, fields, is_active = plans[code]
            fields = dict(fields)
            if "parent" in fields:
                fields["parent"] = units.get(fields["parent"]) if fields["parent"] else None
            unit = units.get(code)
            if unit is None:
                unit = writer.call(
                    number, services.create_unit, by=by, congress=congress, code=code, is_demo=is_demo,
                    is_active=is_active is not False, **fields,
                )
                if unit is not None:
                    units[code] = unit
                    result.created += 1
                continue
            wrote = False
            if is_active is True and not unit.is_active:
                wrote = writer.call(number, services.reactivate_unit, unit_id=unit.pk, by=by) is not None
            changes = _changes(unit, fields)
            if is_demo and not unit.is_demo:
                changes["is_demo"] = True
            if changes:
                updated = writer.call(number, services.update_unit, unit_id=unit.pk, by=by, **changes)
                if updated is not None:
                    units[code] = updated
                    wrote = True
            if is_active is False and unit.is_active:
                to_deactivate.append((number, unit))
                wrote = True
            result.updated += wrote
            result.unchanged += not wrote
        for number, unit in reversed(to_deactivate):  # sub-units before their parents
            writer.call(number, services.deactivate_unit, unit_id=unit.pk, by=by, reason=_("roster import"))
        return _finish(errors, result, by=by, target=congress, file=file)


# --- liaison stations ---------------------------------------------------------------------


def import_stations(file, *, congress: Congress, term: Term | None, by, is_demo: bool = False) -> ImportResult:
    """Create or update liaison stations from a roster, keyed by 联络站名称; 进站代表证号
    lists the deputies (of `term`) stationed there and replaces the previous list."""
    rows = _read(file, rosters.STATIONS, by)
    columns = rosters.STATION_COLUMNS
    districts = _district_lookup(congress)
    deputies = {d.code: d for d in Deputy.objects.filter(term=term).select_related("term")} if term else {}
    errors = RowErrors()
    plans = []
    seen: dict[str, int] = {}
    for number, record_ in rows:
        row = _Row(number, record_, columns, errors)
        name = row.text("name", required=True, max_length=200)
        _duplicate(row, "name", name, seen)
        fields: dict[str, Any] = {}
        if row.has("district"):
            text = row.text("district")
            district = districts.get(text) if text else None
            if text and district is None:
                row.error("district", _("district «%(name)s» does not exist.") % {"name": text})
            fields["district"] = district
        if row.has("address"):
            fields["address"] = row.text("address", max_length=300)
        members = None
        if row.has("deputies"):
            members = []
            for code in cell_list(row.record.get("deputies")):
                if code in deputies:
                    members.append(deputies[code])
                else:
                    row.error("deputies", _("deputy number %(code)s does not exist.") % {"code": code})
        is_active = row.boolean("is_active") if row.has("is_active") else None
        if row.ok:
            plans.append((number, name, fields, members, is_active))
    errors.raise_if_any()

    result = ImportResult(rosters.STATIONS, rows=len(plans))
    writer = _Writer(columns, errors, result)
    stored = {s.name: s for s in LiaisonStation.objects.filter(congress=congress).prefetch_related("deputies")}
    with transaction.atomic():
        for number, name, fields, members, is_active in plans:
            station = stored.get(name)
            if station is None:
                created = writer.call(
                    number, services.create_station, by=by, congress=congress, name=name,
                    deputies=members or (), is_demo=is_demo, **fields,
                )
                if created is not None:
                    result.created += 1
                    if is_active is False:
                        writer.call(number, services.set_station_active, station_id=created.pk, by=by, active=False)
                continue
            changes = _changes(station, fields)
            if is_demo and not station.is_demo:
                changes["is_demo"] = True
            same_members = members is None or {d.pk for d in members} == {d.pk for d in station.deputies.all()}
            wrote = bool(changes) or not same_members
            if wrote:
                writer.call(
                    number, services.update_station, station_id=station.pk, by=by,
                    deputies=None if same_members else members, **changes,
                )
            if is_active is not None and is_active != station.is_active:
                writer.call(number, services.set_station_active, station_id=station.pk, by=by, active=is_active)
                wrote = True
            result.updated += wrote
            result.unchanged += not wrote
        return _finish(errors, result, by=by, target=congress, file=file)


def import_roster(kind: str, file, *, congress: Congress, term: Term | None, by, is_demo: bool = False):
    """Dispatch to the import of `kind` (deputies, units, stations)."""
    if kind == rosters.DEPUTIES:
        if term is None:
            raise ValidationFailed(_("There is no current term to import deputies into."))
        return import_deputies(file, term=term, by=by, is_demo=is_demo)
    if kind == rosters.UNITS:
        return import_units(file, congress=congress, by=by, is_demo=is_demo)
    return import_stations(file, congress=congress, term=term, by=by, is_demo=is_demo)
