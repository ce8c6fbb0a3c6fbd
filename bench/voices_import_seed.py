"""Database side of the import benchmark (bench/bench_voices_import.py), run in its own
process under bench.settings against the benchmark's throwaway database:

    python -m bench.voices_import_seed run OUT.json ROWS

Imports two invented sheets of ROWS work orders each into the demo city (loaded by
bench.seed) through voices.importing, as the background task does (read the xlsx, then
`import_rows` with a progress bar): one whose rows carry no outcome (they open as received)
and one whose rows carry 承办单位, 办结时间 and 办理结果 (imported closed). Writes the seconds
of each phase, the statements per row, and what is stored.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import time
from datetime import timedelta
from unittest import mock

import django

#: BENCH_IMPORT_PROFILE=1: print a profile of each import to stderr.
PROFILE = os.environ.get("BENCH_IMPORT_PROFILE") == "1"
HEADERS = ["工单编号", "受理时间", "来电人", "联系电话", "主题", "内容", "类别", "区县", "承办单位", "办结时间", "办理结果"]


def sheet(prefix: str, rows: int, *, outcome: bool, congress, rng: random.Random) -> bytes:
    from django.utils import timezone

    from core.documents import write_xlsx
    from core.organisation.models import District
    from voices.demo import CATEGORIES, PLACES, RESULTS, ensure_categories

    categories = ensure_categories(congress)
    districts = list(District.objects.filter(congress=congress).values_list("name", flat=True))
    now = timezone.localtime(timezone.now())
    data = []
    for n in range(rows):
        code, _name, _unit, texts = CATEGORIES[n % len(CATEGORIES)]
        subject, body = rng.choice(texts)
        district = rng.choice(districts)
        received = now - timedelta(days=rng.randint(60, 720), minutes=rng.randint(0, 1439))
        category = categories[code]
        closed = received + timedelta(days=rng.randint(1, 20))
        data.append([
            f"{prefix}-{n + 1:06d}", received.strftime("%Y-%m-%d %H:%M"), "", f"139{rng.randint(0, 99999999):08d}",
            subject, body.format(d=district, p=rng.choice(PLACES), n=rng.randint(2, 30)), category.name, district,
            category.unit.name if outcome and category.unit else "",
            closed.strftime("%Y-%m-%d %H:%M") if outcome else "", rng.choice(RESULTS) if outcome else "",
        ])
    return write_xlsx(HEADERS, data)


def run(out: str, rows: int) -> None:
    from django.db import connection

    from casework.models import Case
    from core import rawrows
    from core.accounts.models import User
    from core.jobs import progress
    from core.organisation.selectors import current_congress
    from voices import importing
    from voices.models import Message

    congress = current_congress()
    staff = User.objects.get(username="bench-staff")
    rng = random.Random(20261126)
    figures: dict = {"rows": rows}
    for label, outcome in (("open", False), ("closed", True)):
        content = sheet(label.upper(), rows, outcome=outcome, congress=congress, rng=rng)
        started = time.perf_counter()
        parsed = importing.read(io.BytesIO(content))
        read_seconds = time.perf_counter() - started
        key = f"bench-import-{label}"
        progress.start(key, total=2 * len(parsed), label="bench", owner=staff)
        statements = [0]

        def count(execute, sql, params, many, context, statements=statements):
            statements[0] += 1
            return execute(sql, params, many, context)

        def count_raw(sql, params, statements=statements, execute=rawrows.execute):
            statements[0] += 1  # hand-written statements (core.rawrows) bypass Django's wrappers
            return execute(sql, params)

        with connection.execute_wrapper(count), mock.patch.object(rawrows, "execute", count_raw):
            started = time.perf_counter()
            if PROFILE:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                created, skipped, closed = profiler.runcall(importing.import_rows, parsed, by=staff, key=key)
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
            else:
                created, skipped, closed = importing.import_rows(parsed, by=staff, key=key)
            import_seconds = time.perf_counter() - started
        record = progress.get(key)
        figures[label] = {
            "read_seconds": read_seconds, "import_seconds": import_seconds, "created": created,
            "skipped": skipped, "closed": closed, "statements": statements[0], "bytes": len(content),
            "progress": [record.done, record.total] if record else None,
        }
    figures["stored"] = {
        "messages": Message.objects.count(),
        "closed_cases": Case.objects.filter(kind="message", status="closed").count(),
        "registered_cases": Case.objects.filter(kind="message", status="registered").count(),
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(figures, handle)


if __name__ == "__main__":
    django.setup()
    command, out, *rest = sys.argv[1:]
    if command != "run":
        raise SystemExit(f"unknown command {command!r}")
    run(out, int(rest[0]) if rest else 2000)
