"""Suggestion categories are a city's configuration (city.yaml `suggestion_categories`,
loaded by `load_city` through proposals' service), never code: the demo city brings its own
list, a second city its own, a city without the list has none, and a bad list loads nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import ValidationFailed
from core.organisation.loader import load_city
from core.organisation.models import Congress, Deputy
from proposals.models import SuggestionCategory

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
SECOND_CITY = BASE / "tests" / "fixtures" / "second_city"


def second_city(tmp_path: Path, section: str = "") -> Path:
    target = tmp_path / "city"
    shutil.copytree(SECOND_CITY, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if section:
        with (target / "city.yaml").open("a", encoding="utf-8") as handle:
            handle.write("\n" + section)
    return target


def test_the_loaded_demo_city_has_suggestion_categories_on_the_deputys_form(tmp_path, make_user):
    call_command("make_demo_city", "--out", str(tmp_path), "--load")
    congress = Congress.objects.get()
    names = list(SuggestionCategory.objects.filter(congress=congress, is_active=True).values_list("name", flat=True))
    assert len(names) >= 8
    assert {"城乡建设", "教育科技", "医疗卫生", "社会保障", "生态环境", "交通运输", "农业农村"} <= set(names)
    deputy = Deputy.objects.filter(in_office=True, term__is_current=True).order_by("pk").first()
    deputy.user = make_user(Role.DEPUTY, language="zh-hans")
    deputy.save(update_fields=["user"])
    client = Client()
    client.force_login(deputy.user)
    form = client.get(reverse("proposals:suggestion-create")).context["form"]
    assert [label for _value, label in form.fields["category"].choices][1:] == names


def test_a_second_city_loads_its_own_categories_and_a_reload_changes_nothing(tmp_path):
    directory = second_city(tmp_path, "suggestion_categories:\n"
                                      "  - {code: water, name: 水利}\n"
                                      "  - {code: villages, name: 乡村振兴}\n")
    report = load_city(directory)
    assert report.sections == {"suggestion_categories": 2}
    assert list(SuggestionCategory.objects.values_list("code", "name", "position")) == [
        ("water", "水利", 1), ("villages", "乡村振兴", 2)]
    entries = AuditEntry.objects.filter(action="suggestion.categories").count()
    assert entries == 2
    assert load_city(directory).sections == {"suggestion_categories": 0}
    assert AuditEntry.objects.filter(action="suggestion.categories").count() == entries


def test_a_city_without_the_list_has_no_categories(tmp_path):
    load_city(second_city(tmp_path))
    assert not SuggestionCategory.objects.exists()


@pytest.mark.parametrize("section", [
    "suggestion_categories:\n  - {code: Water Works, name: 水利}\n",
    "suggestion_categories:\n  - {code: water}\n",
    "suggestion_categories:\n  - {code: water, name: 水利}\n  - {code: water, name: 水务}\n",
    "suggestion_categories: 水利\n",
])
def test_a_bad_category_list_is_named_and_nothing_is_loaded(tmp_path, section):
    with pytest.raises(ValidationFailed) as refused:
        load_city(second_city(tmp_path, section))
    assert "suggestion_categories" in str(refused.value.message)
    assert not Congress.objects.exists() and not SuggestionCategory.objects.exists()
