"""zh-hans users never see English: the zh_Hans catalogue covers every marked string.

The test extracts the messages of the whole project into a temporary copy of the committed
catalogue (Django's makemessages, which merges) and fails on any entry left untranslated or
fuzzy, naming them.
"""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def parse_po(text: str) -> list[dict]:
    """A small reader for the entries of a .po file written with --no-wrap."""
    entries, current, key = [], None, None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if current is not None:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"flags": "", "msgid": "", "msgstr": []}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            key = "plural"
        elif line.startswith("msgid "):
            key = "msgid"
            current["msgid"] = line[6:].strip().strip('"')
        elif line.startswith("msgstr"):
            key = "msgstr"
            current["msgstr"].append(line.split(" ", 1)[1].strip().strip('"'))
        elif line.startswith('"') and key == "msgid":
            current["msgid"] += line.strip('"')
        elif line.startswith('"') and key == "msgstr":
            current["msgstr"][-1] += line.strip('"')
    return entries


def missing_translations(text: str) -> list[str]:
    problems = []
    for entry in parse_po(text):
        if entry["msgid"] == "" and not entry["flags"]:
            continue  # the header
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']}")
        elif not entry["msgstr"] or any(not s for s in entry["msgstr"]):
            problems.append(f"untranslated: {entry['msgid']}")
    return problems


def test_committed_catalogue_is_complete():
    assert missing_translations(CATALOGUE.read_text(encoding="utf-8")) == []


def copy_sources(destination: Path) -> None:
    """Copy the project's Python files and templates (what makemessages reads)."""
    skip = {".venv", "var", "bench", "node_modules", "tests", "scripts", "locale", ".git"}
    for pattern in ("*.py", "*.html", "*.txt"):
        for path in ROOT.rglob(pattern):
            relative = path.relative_to(ROOT)
            if set(relative.parts) & skip:
                continue
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, destination / relative)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools missing (apt-get install gettext)")
def test_every_marked_string_is_translated(tmp_path, settings, monkeypatch):
    """Extract in a copy of the sources, so the committed catalogue is never touched."""
    source = tmp_path / "src"
    copy_sources(source)
    target = source / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        no_location=True,
        no_wrap=True,
        no_obsolete=True,
        verbosity=0,
    )
    problems = missing_translations((target / "django.po").read_text(encoding="utf-8"))
    assert problems == [], "\n".join(problems[:50])
