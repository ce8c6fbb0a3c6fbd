"""A pytest plugin for CI: with CI_STRICT=1, a skipped test fails the run, loudly.

    CI_STRICT=1 CI_ALLOW_SKIP_MARKERS=postgres python -m pytest -p scripts.pytest_strict

A skip is allowed only when the test carries one of the markers in CI_ALLOW_SKIP_MARKERS
(comma-separated; the SQLite run allows `postgres`, the PostgreSQL run allows nothing), or
its node id starts with a line of scripts/allowed_skips.txt (`node-id-prefix  # why`).
Every other skip is listed with its reason and the exit status becomes 1. Without
CI_STRICT the plugin only prints the skips it would have refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ALLOW_FILE = Path(__file__).resolve().parent / "allowed_skips.txt"


def _allowed_prefixes() -> list[str]:
    if not ALLOW_FILE.exists():
        return []
    prefixes = []
    for line in ALLOW_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            prefixes.append(line)
    return prefixes


class StrictSkips:
    def __init__(self, strict: bool, markers: set[str], prefixes: list[str]) -> None:
        self.strict = strict
        self.markers = markers
        self.prefixes = prefixes
        self.refused: list[tuple[str, str]] = []
        self.allowed: list[tuple[str, str]] = []

    def _reason(self, report) -> str:
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            return str(longrepr[2])
        return str(longrepr)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report) -> None:
        if not report.skipped or hasattr(report, "wasxfail"):
            return
        entry = (report.nodeid, self._reason(report))
        marked = any(marker in report.keywords for marker in self.markers)
        listed = any(report.nodeid.startswith(prefix) for prefix in self.prefixes)
        (self.allowed if marked or listed else self.refused).append(entry)

    @pytest.hookimpl
    def pytest_collectreport(self, report) -> None:
        """A whole module skipped at collection (`pytest.skip(allow_module_level=True)`,
        `importorskip`): its markers are not known here, so it is allowed only when listed,
        or when its reason names an allowed marker (e.g. "needs PostgreSQL")."""
        if not report.skipped:
            return
        reason = self._reason(report)
        entry = (report.nodeid, reason)
        named = any(marker.lower() in reason.lower() for marker in self.markers)
        listed = any(report.nodeid.startswith(prefix) for prefix in self.prefixes)
        (self.allowed if named or listed else self.refused).append(entry)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus) -> None:
        if self.strict and self.refused and session.exitstatus in (0, pytest.ExitCode.OK):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.allowed:
            terminalreporter.section(f"allowed skips ({len(self.allowed)})", sep="-")
            for nodeid, reason in self.allowed:
                terminalreporter.line(f"ALLOWED SKIP {nodeid}: {reason}")
        if not self.refused:
            return
        title = "SKIPPED TESTS FAIL THIS RUN (CI_STRICT=1)" if self.strict else "skipped tests (not allowed in CI)"
        terminalreporter.section(f"{title}: {len(self.refused)}", sep="!", red=True, bold=True)
        for nodeid, reason in self.refused:
            terminalreporter.line(f"SKIPPED {nodeid}: {reason}", red=True)
        if self.strict:
            terminalreporter.line(
                "Fix the cause (a service down, a package missing), or allow the skip in "
                "scripts/allowed_skips.txt with a reason.",
                red=True,
                bold=True,
            )


def pytest_configure(config) -> None:
    strict = os.environ.get("CI_STRICT", "") not in ("", "0", "false", "no")
    markers = {m.strip() for m in os.environ.get("CI_ALLOW_SKIP_MARKERS", "").split(",") if m.strip()}
    config.pluginmanager.register(StrictSkips(strict, markers, _allowed_prefixes()), "datong-strict-skips")
