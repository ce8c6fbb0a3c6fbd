"""Benchmark 1: the home page and an API list under 100 concurrent users (issue 13).

Baseline (the natural limit): a minimal Django view through the same middleware, served by
the same server in the same run. For scale, the same WSGI server without Django.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import BenchApp, Scenario, report, run  # noqa: E402

#: The first of these that answers 200 to the token is the "API list" measured.
API_LISTS = ["/api/organisation/units", "/api/notifications", "/api/health"]


def main() -> int:
    print("Benchmark: home page and API list", flush=True)
    with BenchApp() as app:
        api_path = next((path for path in API_LISTS if app.get(path, auth="token")[0] == 200), API_LISTS[-1])
        scenarios = [
            Scenario("WSGI server alone (no Django)", "/", target="bare"),
            Scenario("minimal Django view (baseline)", "/__bench__/minimal", baseline=True),
            Scenario("home page, anonymous", "/"),
            Scenario("home page, signed-in staff", "/", auth="session"),
            Scenario(f"API list {api_path} (token)", api_path, auth="token"),
        ]
        results = run(app, scenarios)
        report("Home page and API list", results, app)
    failed = [r for r in results if r.note or r.errors]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
