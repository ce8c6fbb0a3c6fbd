"""Chinese pages use Chinese punctuation: full-width colons after form labels, full-width
brackets, and no stray space between a name and the Chinese around it (平城区人民政府的答复,
第2026-0001号). Quantities keep the house space around Arabic numerals (共 3 件)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.test_translations import parse_po

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”]"
#: Placeholders that hold a name written in Chinese (a unit, a person, a committee, a label).
NAMES = r"%\((?:unit|name|deputy|filer|committee|names|label|nominees|office|stage)\)s"


def chinese_texts() -> list[tuple[str, str]]:
    return [
        (entry["msgid"], text)
        for entry in parse_po(CATALOGUE.read_text(encoding="utf-8"))
        if entry["msgid"]
        for text in entry["msgstr"]
    ]


@pytest.mark.django_db
def test_form_labels_end_with_the_full_width_colon_in_chinese(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    html = client.get(reverse("accounts:login")).content.decode()
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", html)
    assert labels and all(label.endswith("：") for label in labels), labels


def test_english_form_labels_keep_the_colon():
    from django import forms

    class NameForm(forms.Form):
        name = forms.CharField(label="Name")

    with translation.override("en"):
        assert "Name:</label>" in str(NameForm())
    with translation.override("zh-hans"):
        assert "Name：</label>" in str(NameForm())


#: Messages whose %(name)s is an API parameter (Latin letters: "service_code 不是数字"), which
#: keeps its space like any Latin word.
LATIN_NAMES = {
    "%(name)s is not a date and time (write it like 2026-01-20T08:00:00+08:00).",
    "%(name)s is not a number.",
    "%(name)s is out of range.",
    "%(name)s may be at most %(limit)s characters.",
}


def test_no_space_between_a_name_and_the_chinese_around_it():
    around = re.compile(rf"{NAMES} (?={CJK})|(?<={CJK}) {NAMES}")
    offenders = [text for msgid, text in chinese_texts() if around.search(text) and msgid not in LATIN_NAMES]
    assert offenders == []


def test_numbers_in_a_reference_are_written_solid():
    """第2026-0001号, as a document's number is cited."""
    assert [text for _, text in chinese_texts() if re.search(r"第 %\(\w+\)s 号", text)] == []


def test_brackets_and_colons_are_full_width_between_chinese_words():
    ascii_marks = re.compile(rf"{CJK} ?[(:]|[)] ?{CJK}|{CJK}\)")
    # The one exception spells out YAML's own syntax ("key: value").
    offenders = [text for _, text in chinese_texts() if ascii_marks.search(text) and "键: 值" not in text]
    assert offenders == []


@pytest.mark.django_db
def test_a_chinese_parenthetical_is_full_width_without_a_space():
    from django.template import Context, Template

    template = Template(
        "{% load i18n %}{% blocktranslate with unit=unit role=role %}{{ unit }} ({{ role }}){% endblocktranslate %}"
    )
    with translation.override("zh-hans"):
        assert (
            template.render(Context({"unit": "测试市教育局", "role": "主办单位"}))
            == "测试市教育局（主办单位）"
        )
    with translation.override("en"):
        assert (
            template.render(Context({"unit": "测试市教育局", "role": "lead unit"}))
            == "测试市教育局 (lead unit)"
        )
