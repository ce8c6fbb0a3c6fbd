"""Loading a city's organisation from a directory: `city.yaml` plus optional rosters.

    city.yaml          congress, districts, terms (sessions, standing committee,
                       delegations); see tests/fixtures/second_city/city.yaml
    deputies.xlsx      the current term's deputies   (same format as the import page)
    units.xlsx         handling units                 (same format as the import page)
    stations.xlsx      liaison stations               (same format as the import page)

A domain app may add a section of its own to city.yaml (`register_section`, from its
AppConfig.ready()): the city's suggestion categories, for instance, are proposals' data, loaded
through proposals' service, so core names no domain and a city's lists stay configuration.

Idempotent (rows are found by their natural keys and updated, never duplicated) and all or
nothing (one transaction; any problem raises ValidationFailed naming the file and place).
Everything goes through the same services as the pages, so every change is audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from core.documents import CellError, cell_date
from core.errors import DatongError, ValidationFailed

from . import imports, services
from .models import Congress, District, Session, Term

CITY_FILE = "city.yaml"
ROSTER_FILES = {"deputies": "deputies.xlsx", "units": "units.xlsx", "stations": "stations.xlsx"}
SYSTEM_ACTOR = "load_city"

_TOP_KEYS = {"demo", "congress", "districts", "term", "terms", "rosters"}
_CONGRESS_KEYS = {"name", "region_name", "region_code", "level", "population", "parameters"}
_TERM_KEYS = {"number", "starts_on", "ends_on", "current", "standing_committee", "sessions", "delegations"}

#: Sections of city.yaml loaded by domain apps: key → loader(value, *, congress, by, is_demo),
#: which returns how many rows it created or changed and raises DatongError on bad input.
SectionLoader = Callable[..., int]
_SECTIONS: dict[str, SectionLoader] = {}


def register_section(key: str, loader: SectionLoader) -> None:
    """Let a domain app load the city.yaml section `key` (once; after the organisation and
    rosters, in the same transaction)."""
    if key in _TOP_KEYS or (key in _SECTIONS and _SECTIONS[key] is not loader):
        raise ValueError(f"city.yaml section {key!r} is already taken")
    _SECTIONS[key] = loader


@dataclass
class LoadReport:
    congress: Congress
    districts: int = 0
    terms: int = 0
    sessions: int = 0
    delegations: int = 0
    rosters: dict[str, imports.ImportResult] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [
            _("%(congress)s: %(districts)s districts, %(terms)s terms, %(sessions)s sessions, "
              "%(delegations)s delegations.")
            % {
                "congress": self.congress.name,
                "districts": self.districts,
                "terms": self.terms,
                "sessions": self.sessions,
                "delegations": self.delegations,
            }
        ]
        for kind, result in self.rosters.items():
            lines.append(
                _("%(kind)s: %(rows)s rows, %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
                % {"kind": kind, **result.as_dict()}
            )
        for key, count in self.sections.items():
            lines.append(_("%(section)s: %(count)s new or changed.") % {"section": key, "count": count})
        return lines


def _bad(where: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        _("%(where)s: %(reason)s") % {"where": where, "reason": reason}, code="invalid_city", details={where: reason}
    )


@contextmanager
def _at(where: str) -> Iterator[None]:
    """Name the place in city.yaml (or the roster file) in any error raised inside."""
    try:
        yield
    except DatongError as exc:
        details = {f"{where} {key}".strip(): value for key, value in (exc.details or {}).items()}
        failure = ValidationFailed(
            _("%(where)s: %(reason)s") % {"where": where, "reason": exc.message},
            code=exc.code,
            details=details or {where: str(exc.message)},
        )
        failure.row_errors = getattr(exc, "row_errors", None)
        raise failure from exc


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(where, _("a mapping (key: value) is expected."))
    return value


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(where, _("a list is expected."))
    return value


def _required(data: Mapping[str, Any], key: str, where: str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        raise _bad(f"{where}.{key}", _("this value is required."))
    return value


def _unknown(data: Mapping[str, Any], known: set[str], where: str) -> None:
    extra = sorted(set(data) - known)
    if extra:
        raise _bad(where, _("unknown key(s): %(keys)s.") % {"keys": ", ".join(extra)})


def _date(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> datetime.date | None:
    value = data.get(key)
    if value is None and not required:
        return None
    try:
        parsed = cell_date(value)
    except CellError as exc:
        raise _bad(f"{where}.{key}", exc.reason) from None
    if parsed is None and required:
        raise _bad(f"{where}.{key}", _("this value is required."))
    return parsed


def _int(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(where, _("a whole number is expected.")) from None


def _text(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return default if value is None else str(value).strip()


def read_city(directory: Path) -> dict[str, Any]:
    path = Path(directory) / CITY_FILE
    if not path.is_file():
        raise _bad(str(path), _("the file does not exist."))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _bad(CITY_FILE, _("not valid YAML (%(error)s).") % {"error": str(exc).splitlines()[0]}) from None
    data = _mapping(data, CITY_FILE)
    _unknown(data, _TOP_KEYS | set(_SECTIONS), CITY_FILE)
    return dict(data)


def _load_districts(data, congress: Congress, by, is_demo: bool) -> dict[str, District]:
    districts = {}
    for index, item in enumerate(_list(data.get("districts"), "districts")):
        where = f"districts[{index}]"
        item = _mapping(item, where)
        name = str(_required(item, "name", where)).strip()
        with _at(where):
            districts[name] = services.upsert_district(
                by=by, congress=congress, name=name, code=_text(item, "code"),
                kind=_text(item, "kind", District.Kind.DISTRICT), is_demo=is_demo,
            )
    return districts


def _load_term(item, index: int, congress: Congress, districts: dict[str, District], by, is_demo: bool,
               report: LoadReport, current: bool) -> Term:
    where = f"terms[{index}]"
    item = _mapping(item, where)
    _unknown(item, _TERM_KEYS, where)
    with _at(where):
        term = services.upsert_term(
            by=by, congress=congress, number=_int(_required(item, "number", where), f"{where}.number"),
            starts_on=_date(item, "starts_on", where), ends_on=_date(item, "ends_on", where, required=False),
            is_current=current, is_demo=is_demo,
        )
    report.terms += 1
    committee = item.get("standing_committee")
    if committee is not None:
        committee = _mapping(committee, f"{where}.standing_committee")
        with _at(f"{where}.standing_committee"):
            services.save_standing_committee(
                by=by, term=term, name=str(_required(committee, "name", f"{where}.standing_committee")),
                size=_int(committee.get("size"), f"{where}.standing_committee.size"), is_demo=is_demo,
            )
    for s_index, session in enumerate(_list(item.get("sessions"), f"{where}.sessions")):
        s_where = f"{where}.sessions[{s_index}]"
        session = _mapping(session, s_where)
        with _at(s_where):
            services.upsert_session(
                by=by, term=term, number=_int(_required(session, "number", s_where), f"{s_where}.number"),
                starts_on=_date(session, "starts_on", s_where), ends_on=_date(session, "ends_on", s_where),
                kind=_text(session, "kind", Session.Kind.REGULAR),
                parameters=dict(_mapping(session.get("parameters") or {}, f"{s_where}.parameters")),
                is_demo=is_demo,
            )
        report.sessions += 1
    for d_index, delegation in enumerate(_list(item.get("delegations"), f"{where}.delegations")):
        d_where = f"{where}.delegations[{d_index}]"
        delegation = _mapping(delegation, d_where)
        district_name = _text(delegation, "district")
        if district_name and district_name not in districts:
            raise _bad(f"{d_where}.district", _("district «%(name)s» does not exist.") % {"name": district_name})
        with _at(d_where):
            services.upsert_delegation(
                by=by, term=term, name=str(_required(delegation, "name", d_where)).strip(),
                district=districts.get(district_name), is_demo=is_demo,
            )
        report.delegations += 1
    return term


def _open_roster(path: Path) -> File:
    return File(path.open("rb"), name=path.name)


@transaction.atomic
def load_city(directory, *, by=SYSTEM_ACTOR, demo: bool = False) -> LoadReport:
    """Load (or update) a city from `directory`; returns what was loaded.

    `demo` (or `demo: true` in city.yaml) marks every row loaded as demo data. `by` is a
    user (checked for organisation.edit/import) or a system label. Raises ValidationFailed
    naming the file and place of the first problem in city.yaml, or every bad row of a
    roster; nothing is written then.
    """
    directory = Path(directory)
    data = read_city(directory)
    is_demo = bool(demo or data.get("demo"))
    info = _mapping(data.get("congress"), "congress")
    _unknown(info, _CONGRESS_KEYS, "congress")
    population = info.get("population")
    with _at("congress"):
        congress = services.upsert_congress(
            by=by,
            name=str(_required(info, "name", "congress")).strip(),
            region_name=str(_required(info, "region_name", "congress")).strip(),
            region_code=_text(info, "region_code"),
            level=_text(info, "level", Congress.Level.CITY),
            population=_int(population, "congress.population"),
            parameters=dict(_mapping(info.get("parameters") or {}, "congress.parameters")),
            is_demo=is_demo,
        )
    report = LoadReport(congress=congress)
    districts = _load_districts(data, congress, by, is_demo)
    report.districts = len(districts)

    terms = _list(data.get("terms"), "terms")
    if data.get("term") is not None:
        terms = [*terms, {**_mapping(data["term"], "term"), "current": True}]
    if not terms:
        raise _bad("terms", _("at least one term is required."))
    currents = [i for i, t in enumerate(terms) if isinstance(t, Mapping) and t.get("current")]
    current_index = currents[-1] if currents else len(terms) - 1
    current = None
    for index, item in enumerate(terms):
        term = _load_term(item, index, congress, districts, by, is_demo, report, index == current_index)
        if index == current_index:
            current = term

    rosters = {**ROSTER_FILES, **_mapping(data.get("rosters") or {}, "rosters")}
    unknown_rosters = sorted(set(rosters) - set(ROSTER_FILES))
    if unknown_rosters:
        raise _bad("rosters", _("unknown key(s): %(keys)s.") % {"keys": ", ".join(unknown_rosters)})
    # Units and deputies first: stations refer to deputies.
    for kind in ("units", "deputies", "stations"):
        path = directory / str(rosters[kind])
        if not path.is_file():
            continue
        with _open_roster(path) as file, _at(path.name):
            report.rosters[kind] = imports.import_roster(
                kind, file, congress=congress, term=current, by=by, is_demo=is_demo
            )
    for key, section_loader in _SECTIONS.items():
        if data.get(key) is not None:
            with _at(key):
                report.sections[key] = section_loader(data[key], congress=congress, by=by, is_demo=is_demo)
    return report
