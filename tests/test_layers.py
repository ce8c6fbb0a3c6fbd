"""design.md: imports point down only. A domain app never imports a sibling domain app (what
two domains share moves down, e.g. core.takeup between voices and proposals), and the
shared layers (casework, balloting, core) import no domain app. Tests may cross."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("plenary", "elections", "proposals", "voices")
SHARED = ("casework", "balloting", "core")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


@pytest.mark.parametrize("app", DOMAINS + SHARED)
def test_imports_point_down_only(app):
    forbidden = set(DOMAINS) - {app}
    crossing = {str(path.relative_to(ROOT)): sorted(_imports(path) & forbidden)
                for path in _sources(app) if _imports(path) & forbidden}
    assert crossing == {}
