"""Words with two meanings get their own catalogue entries: the state "Filed" of a bill or an
interpellation (已提出) is not the label "Filed" of when a suggestion was filed (提出时段), and
"Register" on the staff desk registers a suggestion (立案), not an account (注册)."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None,
                                reason="gettext tools missing (apt-get install gettext)")


def extracted(tmp_path, settings, monkeypatch, *relatives: str) -> set[tuple[str, str]]:
    """(context, msgid) pairs makemessages (the project's command) extracts from the files."""
    source = tmp_path / "src"
    for relative in relatives:
        (source / Path(relative).parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, source / relative)
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["zh_Hans"], no_location=True, no_wrap=True, verbosity=0)
    text = (source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    pairs, context = set(), ""
    for line in text.splitlines():
        if line.startswith('msgctxt "'):
            context = line[len('msgctxt "'):-1]
        elif line.startswith('msgid "'):
            pairs.add((context, line[len('msgid "'):-1]))
            context = ""
    return pairs


def test_the_filed_state_of_bills_and_interpellations_has_its_own_entry(tmp_path, settings, monkeypatch):
    pairs = extracted(tmp_path, settings, monkeypatch, "proposals/bill_models.py",
                      "proposals/templates/proposals/_summary.html")
    assert ("status", "Filed") in pairs
    assert ("", "Filed") in pairs  # the suggestion's filing period keeps its own


def test_registering_a_suggestion_has_its_own_entry(tmp_path, settings, monkeypatch):
    pairs = extracted(tmp_path, settings, monkeypatch, "proposals/views/handling.py",
                      "proposals/templates/proposals/staff_desk.html",
                      "proposals/templates/proposals/register_queue.html",
                      "proposals/templates/proposals/suggestion_detail.html")
    assert ("register a suggestion", "Register") in pairs
    assert ("", "Register") not in pairs
