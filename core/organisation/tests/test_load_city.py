"""`load_city`: a city is configuration. An invented second city loads from its own files
with nothing of the demo city present, the demo city generates and loads as demo data, a
re-run changes nothing, and a broken configuration writes nothing."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.audit.models import AuditEntry
from core.errors import ValidationFailed
from core.organisation import rules, selectors
from core.organisation.loader import load_city
from core.organisation.models import (
    Congress,
    Delegation,
    Deputy,
    District,
    HandlingUnit,
    LiaisonStation,
    Session,
    Term,
)

BASE = Path(settings.BASE_DIR)
SECOND_CITY = BASE / "tests" / "fixtures" / "second_city"
DEMO_CITY = BASE / "demo" / "datong"


@pytest.mark.django_db
def test_the_invented_second_city_loads_from_its_own_configuration():
    report = load_city(SECOND_CITY)
    congress = Congress.objects.get()
    assert congress.region_name == "青禾市" and congress.level == Congress.Level.COUNTY
    assert report.districts == 3
    assert set(District.objects.values_list("kind", flat=True)) == {District.Kind.TOWNSHIP}
    term = selectors.current_term(congress)
    assert term.number == 8 and Term.objects.count() == 2
    assert term.standing_committee.size == 21
    assert Delegation.objects.filter(term=term).count() == 3
    assert Session.objects.filter(term=term).count() == 2
    assert Deputy.objects.count() == 6
    assert selectors.deputies_in_office_count(term) == 5
    assert HandlingUnit.objects.get(code="Q0201").parent.parent.code == "Q00"
    assert LiaisonStation.objects.get(name="东湖代表联络站").deputies.count() == 2
    assert not Congress.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_the_second_city_uses_its_own_parameters():
    """ELEC-4: a county congress nominates with 10 deputies; the city's own stricter
    suggestion deadline (SUGG-3) and a session's own voting method apply."""
    load_city(SECOND_CITY)
    congress = Congress.objects.get()
    values = selectors.parameters_for(congress)
    assert values["nomination_min_deputies"] == 10
    assert values["sugg_reply_months"] == 2
    assert values["msg_limits"]["help"] == 5
    fifth = Session.objects.get(number=5)
    assert selectors.parameters_for(congress, fifth)["vote_method"] == "paper"
    assert selectors.parameters_for(congress, Session.objects.get(number=1))["vote_method"] == "electronic"


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load_city(SECOND_CITY)
    counts = [m.objects.count() for m in (Congress, District, Term, Session, Delegation, Deputy, HandlingUnit)]
    entries = AuditEntry.objects.count()
    report = load_city(SECOND_CITY)
    assert [m.objects.count() for m in (Congress, District, Term, Session, Delegation, Deputy, HandlingUnit)] == counts
    assert all(r.created == 0 and r.updated == 0 for r in report.rosters.values())
    assert AuditEntry.objects.count() == entries + 3  # one summary per roster, no changes


def _copy(tmp_path: Path, source: Path = SECOND_CITY) -> Path:
    target = tmp_path / "city"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


@pytest.mark.django_db
def test_a_bad_roster_loads_nothing_at_all(tmp_path):
    from core.documents import write_xlsx
    from core.organisation import rosters

    directory = _copy(tmp_path)
    (directory / "deputies.xlsx").write_bytes(
        write_xlsx([c.header for c in rosters.DEPUTY_COLUMNS], [["Q1", "某", "男", "没有的代表团", "", "", "", ""]])
    )
    with pytest.raises(ValidationFailed) as caught:
        load_city(directory)
    assert "deputies.xlsx" in str(caught.value.message)
    assert "没有的代表团" in " ".join(caught.value.details.values())
    assert not Congress.objects.exists() and not HandlingUnit.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_an_unlawful_parameter_in_city_yaml_loads_nothing(tmp_path):
    """ELEC-4: the city figure (20) is not the county's (10)."""
    directory = _copy(tmp_path)
    text = (directory / "city.yaml").read_text(encoding="utf-8")
    (directory / "city.yaml").write_text(
        text.replace("nomination_min_deputies: 10", "nomination_min_deputies: 20"), encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as caught:
        load_city(directory)
    assert "ELEC-4" in str(caught.value.message)
    assert not Congress.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "where"),
    [(("level: county", "level: county\n  colour: red"), "congress"),
     (("- {name: 东湖代表团, district: 东湖街道}", "- {name: 东湖代表团, district: 北极街道}"), "delegations"),
     (("starts_on: 2021-10-01", "starts_on: someday"), "starts_on"),
     (("委员会, size: 21}", "委员会, size: 99}"), "standing_committee")],
)
def test_mistakes_in_city_yaml_are_named_and_nothing_is_loaded(tmp_path, change, where):
    directory = _copy(tmp_path)
    text = (directory / "city.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    (directory / "city.yaml").write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_city(directory)
    assert where in str(caught.value.message) + " ".join(caught.value.details)
    assert not Congress.objects.exists()


@pytest.mark.django_db
def test_the_load_city_command_reports_and_fails_cleanly(tmp_path, capsys):
    call_command("load_city", str(SECOND_CITY))
    assert "青禾市人民代表大会" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("load_city", str(tmp_path))  # no city.yaml there


@pytest.mark.django_db
def test_the_demo_city_generates_and_loads_as_demo_data(tmp_path):
    call_command("make_demo_city", "--out", str(tmp_path), "--load")
    congress = Congress.objects.get()
    assert congress.is_demo
    term = selectors.current_term(congress)
    assert District.objects.count() == 10
    assert District.objects.filter(kind=District.Kind.DISTRICT).count() == 4
    assert District.objects.filter(kind=District.Kind.COUNTY).count() == 6
    assert Delegation.objects.filter(term=term).count() == 10
    assert 336 <= Deputy.objects.count() <= 344
    assert selectors.deputies_in_office_count(term) == 336
    assert 90 <= HandlingUnit.objects.count() <= 110
    assert LiaisonStation.objects.count() >= 10
    for model in (Congress, District, Term, Session, Delegation, Deputy, HandlingUnit, LiaisonStation):
        assert not model.objects.filter(is_demo=False).exists(), model
    assert selectors.parameters_for(congress)["nomination_min_deputies"] == rules.nomination_min_deputies("city")
    # Units form one hierarchy with the district and county governments in it.
    assert HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DISTRICT).count() == 10
    assert HandlingUnit.objects.filter(kind=HandlingUnit.Kind.STATE_ORGAN).count() == 3


def test_the_demo_generator_is_deterministic(tmp_path):
    from demo import generate

    city = generate._city(DEMO_CITY)
    first = generate.deputies(city, generate.random.Random(7))
    second = generate.deputies(city, generate.random.Random(7))
    assert first == second
    assert len(first) == generate.DEPUTIES_ELECTED == sum(generate.SEATS.values())


# The demo city's names, written as escapes so this file does not contain them.
CITY_NAMES = re.compile("\u5927\u540c\u5e02|\u5e73\u57ce\u533a|\u4e91\u5188\u533a|\u65b0\u8363\u533a|\u4e91\u5dde\u533a")


def test_no_city_name_is_hard_wired_in_this_part():
    """style.md "No hard-wired city data": the demo city's names appear only under demo/."""
    offenders = []
    for folder in (BASE / "core" / "organisation", BASE / "core" / "documents"):
        for path in folder.rglob("*"):
            if path.suffix in {".py", ".html", ".yaml"} and CITY_NAMES.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(BASE)))
    assert offenders == []
