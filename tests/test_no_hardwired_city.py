"""Nothing is hard-wired to the first city: its names live only in demo data and tests.

A second city must work by configuration alone (core.organisation loads any city from its
own directory; see core/organisation/tests for the invented second city).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITY_NAMES = re.compile(r"大同市|平城区|云冈区|新荣区|云州区|Datong City")
SKIP_PARTS = {".venv", "var", "demo", "tests", "fixtures", "locale", "migrations", "node_modules", "bench"}


def code_files():
    for pattern in ("*.py", "*.html"):
        for path in ROOT.rglob(pattern):
            parts = set(path.relative_to(ROOT).parts)
            if parts & SKIP_PARTS or path.name.startswith("test_"):
                continue
            yield path


def test_city_names_appear_only_in_demo_data():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in code_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CITY_NAMES.search(line)
    ]
    assert offenders == []
