"""casework's labels reach the translation catalogue, so zh-hans users never see them in
English: makemessages reads the gettext names it is told (`_`, `gettext_lazy`, `_L`, ...),
and a string marked with another alias is silently left out of the catalogue."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from casework import rules

ROOT = Path(__file__).resolve().parents[2]


def extracted_msgids(tmp_path, settings, monkeypatch, relative: str) -> set[str]:
    """The msgids makemessages (the project's command) extracts from one source file."""
    source = tmp_path / "src"
    (source / Path(relative).parent).mkdir(parents=True)
    shutil.copy(ROOT / relative, source / relative)
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["zh_Hans"], no_location=True, no_wrap=True, verbosity=0)
    catalogue = source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    if not catalogue.exists():  # nothing extracted at all
        return set()
    text = catalogue.read_text(encoding="utf-8")
    return {line[len('msgid "'):-1] for line in text.splitlines() if line.startswith('msgid "')}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools missing (apt-get install gettext)")
def test_sugg_6_reply_classes_and_sugg_5_arrangements_are_extracted(tmp_path, settings, monkeypatch):
    """SUGG-6: the labels of the reply classes (A: solved or essentially solved, ...) and the
    SUGG-5 arrangements are in the catalogue, so the reply forms, the rating page and the
    timeline show them in the user's language."""
    msgids = extracted_msgids(tmp_path, settings, monkeypatch, "casework/rules.py")
    with translation.override("en"):
        labels = [str(label) for label in [*rules.REPLY_CLASS_LABELS.values(), *rules.ARRANGEMENT_LABELS.values()]]
    assert [label for label in labels if label not in msgids] == []
