"""Database side of the casework benchmark (bench/bench_casework.py), run in its own process
under bench.settings against the benchmark's throwaway PostgreSQL database:

    python -m bench.casework_data generate OUT.json [CASES] [UNITS]  # 1,000,000 cases, 100 units
    python -m bench.casework_data measure OUT.json [RUNS]            # selectors vs their raw SQL

Generating is not what is measured, so the rows are written by PostgreSQL itself
(`INSERT … SELECT … FROM generate_series`) into the casework tables as the migrations made
them: every case a suggestion of one congress, a realistic mix of states (about a quarter
being handled, most closed), one lead unit per assigned case (units skewed: a few big
departments get most), a fifth with an assisting unit, due dates three months after
assignment (SUGG-3), and a few per cent of all cases overdue (TIME-6). Each assignment
gets the copies the services keep (`kind`, `is_open`, `is_key_supervised`, see
casework/services/derived.py) as it is inserted, and the units' running counts
(`casework_unittally`) are counted from the assignments, as the data migration does. Then
VACUUM ANALYZE (what autovacuum does to a table that has settled: statistics and the
visibility map that lets the partial indexes answer counts without the table).

Measuring calls the real selectors as staff (`casework.selectors`, and the desk's
`casework.desk_selectors.assignment_rows` where it exists), captures the SQL each one
runs (`CaptureQueriesContext`: the statements exactly as sent) and times that same SQL
through a bare cursor, in the same process and run: the gap is Django's own cost. Each
statement's EXPLAIN (ANALYZE, BUFFERS) is kept for the report.
"""

from __future__ import annotations

import json
import sys
import time

import django

from bench.harness import percentiles, timed

CONGRESS = "基准办理市人民代表大会"
DEFAULT_CASES = 1_000_000
DEFAULT_UNITS = 100
DEFAULT_RUNS = 200
WARMUP = 5
#: A query far over target is not run 200 times: at least MIN_RUNS, then until the budget
#: (seconds per query and side) is spent. The report shows the runs made.
MIN_RUNS = 20
BUDGET_SECONDS = 90.0


def _setup() -> None:
    django.setup()


def _staff():
    from core.accounts.models import User
    from core.accounts.roles import Role

    staff, _created = User.objects.get_or_create(username="bench-staff", defaults={"role": Role.STAFF})
    return staff


# --- generating ---------------------------------------------------------------------------------

# Case states by the case's first random number (r1): registered 3 %, assigned 25 %,
# replied 7 %, re-handling 1 %, closed 62 %, merged 1 %, withdrawn 1 %.
_STATUS = """CASE
    WHEN g.r1 < 0.03 THEN 'registered'
    WHEN g.r1 < 0.28 THEN 'assigned'
    WHEN g.r1 < 0.35 THEN 'replied'
    WHEN g.r1 < 0.36 THEN 'rehandling'
    WHEN g.r1 < 0.98 THEN 'closed'
    WHEN g.r1 < 0.99 AND g.id > 1 THEN 'merged'
    WHEN g.r1 < 0.99 THEN 'closed'
    ELSE 'withdrawn' END"""

# Days before today the case was assigned: the open ones mostly within the last 89 days
# (reply not yet due), 15 % of them long ago (overdue); the others any time in three years.
_ASSIGNED_DAYS = """CASE
    WHEN c.status IN ('assigned', 'rehandling') AND g.r3 < 0.15 THEN (92 + floor(g.r4 * 300))::int
    WHEN c.status IN ('assigned', 'rehandling') THEN floor(g.r4 * 89)::int
    ELSE (100 + floor(g.r4 * 1000))::int END"""


def _sql_steps(cases: int) -> list[tuple[str, str]]:
    return [
        ("random numbers per case", f"""
            CREATE TEMP TABLE bench_g AS
            SELECT i AS id, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
            FROM generate_series(1, {int(cases)}) AS i"""),
        ("cases", f"""
            INSERT INTO casework_case (id, congress_id, kind, title, status, handling_mode, round,
                is_key_supervised, supervision_note, registered_at, assigned_at, replied_at, closed_at,
                ended_at, updated_at, merged_into_id, supervised_by_id, supervised_at)
            SELECT g.id, (SELECT id FROM bench_congress), 'suggestion',
                '关于改善测试市公共服务的建议第' || g.id || '号',
                s.status,
                CASE WHEN s.status IN ('registered', 'merged') THEN '' ELSE 'lead_assisting' END,
                CASE WHEN s.status = 'rehandling' THEN 2 ELSE 1 END,
                (s.status IN ('assigned', 'replied', 'rehandling') AND g.r5 < 0.02),
                '', now() - make_interval(days => floor(g.r4 * 1095)::int), NULL,
                CASE WHEN s.status IN ('replied', 'rehandling', 'closed') THEN now() - make_interval(days => 30)
                     END,
                CASE WHEN s.status = 'closed' THEN now() - make_interval(days => 20) END,
                CASE WHEN s.status IN ('merged', 'withdrawn') THEN now() - make_interval(days => 50) END,
                now(),
                CASE WHEN s.status = 'merged' THEN g.id - 1 END, NULL, NULL
            FROM bench_g g, LATERAL (SELECT {_STATUS} AS status) s"""),
        ("lead assignments", f"""
            INSERT INTO casework_assignment (case_id, unit_id, role, round, status, assigned_at, due_from,
                due_unit, due_count, due_rule, due_on, due_provisional, extension_note, replied_at, replied_on,
                kind, is_open, is_key_supervised)
            SELECT c.id, u.id, 'lead', c.round,
                CASE WHEN c.status IN ('assigned', 'rehandling') THEN 'pending'
                     WHEN c.status = 'withdrawn' THEN 'withdrawn' ELSE 'replied' END,
                (current_date - d.days)::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '10 hours',
                current_date - d.days, 'months', 3, 'SUGG-3',
                (current_date - d.days + interval '3 months')::date, false, '',
                CASE WHEN c.status IN ('replied', 'closed') THEN
                    (current_date - d.days)::timestamp AT TIME ZONE 'Asia/Shanghai'
                    + make_interval(days => CASE WHEN g.r5 < 0.9 THEN 60 ELSE 100 END) END,
                CASE WHEN c.status IN ('replied', 'closed') THEN
                    current_date - d.days + CASE WHEN g.r5 < 0.9 THEN 60 ELSE 100 END END,
                c.kind, c.status IN ('assigned', 'rehandling'), c.is_key_supervised
            FROM casework_case c
            JOIN bench_g g ON g.id = c.id
            JOIN bench_units u ON u.idx = floor(power(g.r2, 1.6) * (SELECT count(*) FROM bench_units))::int
            CROSS JOIN LATERAL (SELECT {_ASSIGNED_DAYS} AS days) d
            WHERE c.status NOT IN ('registered', 'merged')"""),
        ("assisting assignments", """
            INSERT INTO casework_assignment (case_id, unit_id, role, round, status, assigned_at, due_from,
                due_unit, due_count, due_rule, due_on, due_provisional, extension_note, replied_at, replied_on,
                kind, is_open, is_key_supervised)
            SELECT a.case_id, u.id, 'assisting', a.round,
                CASE WHEN a.status = 'pending' AND a.due_from + 30 >= current_date THEN 'pending'
                     WHEN a.status = 'withdrawn' THEN 'withdrawn' ELSE 'replied' END,
                a.assigned_at, a.due_from, 'days', 30, 'SUGG-5', a.due_from + 30, false, '',
                CASE WHEN a.status = 'withdrawn' OR (a.status = 'pending' AND a.due_from + 30 >= current_date)
                     THEN NULL ELSE a.assigned_at + interval '20 days' END,
                CASE WHEN a.status = 'withdrawn' OR (a.status = 'pending' AND a.due_from + 30 >= current_date)
                     THEN NULL ELSE a.due_from + 20 END,
                a.kind, a.is_open AND a.due_from + 30 >= current_date, a.is_key_supervised
            FROM casework_assignment a
            JOIN bench_g g ON g.id = a.case_id
            JOIN bench_units u ON u.idx = (floor(power(g.r2, 1.6) * (SELECT count(*) FROM bench_units))::int
                                           + 1 + floor(g.r3 * 7)::int) % (SELECT count(*) FROM bench_units)
            WHERE a.role = 'lead' AND g.r4 < 0.2"""),
        ("assignment dates on cases", """
            UPDATE casework_case c SET assigned_at = a.assigned_at, registered_at = a.assigned_at - interval '3 days'
            FROM casework_assignment a WHERE a.case_id = c.id AND a.role = 'lead'"""),
        ("units' running counts", """
            INSERT INTO casework_unittally (kind, unit_id, assignments, open, replied, replied_on_time)
            SELECT kind, unit_id, count(*), count(*) FILTER (WHERE is_open),
                count(*) FILTER (WHERE status = 'replied'),
                count(*) FILTER (WHERE status = 'replied' AND replied_on <= due_on)
            FROM casework_assignment WHERE status <> 'withdrawn' GROUP BY kind, unit_id"""),
        ("identity sequences", """
            SELECT setval(pg_get_serial_sequence('casework_case', 'id'), (SELECT max(id) FROM casework_case))"""),
        ("VACUUM ANALYZE cases", "VACUUM ANALYZE casework_case"),
        ("VACUUM ANALYZE assignments", "VACUUM ANALYZE casework_assignment"),
        ("VACUUM ANALYZE tallies", "VACUUM ANALYZE casework_unittally"),
        ("ANALYZE units", "ANALYZE organisation_handlingunit"),
    ]


def generate(out: str, cases: int, units: int) -> None:
    from django.db import connection, transaction

    from core.organisation.models import Congress, HandlingUnit

    timings = {}
    started = time.perf_counter()
    with transaction.atomic():
        congress, _created = Congress.objects.get_or_create(
            name=CONGRESS, defaults={"region_name": "基准办理市", "level": Congress.Level.CITY}
        )
        existing = HandlingUnit.objects.filter(congress=congress).count()
        HandlingUnit.objects.bulk_create(
            HandlingUnit(congress=congress, code=f"B{n:03d}", name=f"基准办理市第{n}局", short_name=f"基{n}")
            for n in range(existing, units)
        )
        ids = list(HandlingUnit.objects.filter(congress=congress).order_by("code").values_list("pk", flat=True))
    timings["units"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_congress AS SELECT %s::bigint AS id", [congress.pk])
        cursor.execute("CREATE TEMP TABLE bench_units (idx int PRIMARY KEY, id bigint)")
        cursor.executemany("INSERT INTO bench_units VALUES (%s, %s)", list(enumerate(ids)))
        for label, sql in _sql_steps(cases):
            step = time.perf_counter()
            print(f"    {label} …", flush=True)
            cursor.execute(sql)
            timings[label] = time.perf_counter() - step
        cursor.execute("SELECT count(*) FROM casework_case")
        case_count = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM casework_assignment")
        assignment_count = cursor.fetchone()[0]
        cursor.execute("""SELECT count(DISTINCT a.case_id) FROM casework_assignment a
                          JOIN casework_case c ON c.id = a.case_id
                          WHERE a.status = 'pending' AND c.status IN ('assigned', 'rehandling')
                            AND a.due_on < current_date""")
        overdue_cases = cursor.fetchone()[0]
        cursor.execute("SELECT status, count(*) FROM casework_case GROUP BY status ORDER BY status")
        states = dict(cursor.fetchall())
    result = {
        "cases": case_count,
        "assignments": assignment_count,
        "units": len(ids),
        "overdue_cases": overdue_cases,
        "states": states,
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    with open(out, "w") as handle:
        json.dump(result, handle)


# --- measuring ----------------------------------------------------------------------------------




def _scenarios(staff) -> list[tuple[str, object]]:
    """(name, callable returning evaluated rows) for each read a staff page makes."""
    from casework import selectors

    scenarios = [
        ("what is late: overdue_assignments, first 50",
         lambda: list(selectors.overdue_assignments(staff, kind="suggestion")[:50])),
        ("what is late: overdue_assignments, count",
         lambda: selectors.overdue_assignments(staff, kind="suggestion").count()),
        ("what is late, by unit: late_by_unit",
         lambda: selectors.late_by_unit(staff, kind="suggestion")),
        ("per-unit counts: unit_counts",
         lambda: selectors.unit_counts(staff, kind="suggestion")),
    ]
    try:
        from casework import desk_selectors
    except ImportError:
        return scenarios
    if hasattr(desk_selectors, "assignment_rows"):
        def page():
            rows = desk_selectors.assignment_rows(staff, overdue=True)
            return rows.count(), list(rows[:25])

        scenarios.insert(2, ("what is late: desk list (overdue=yes), count + page of 25", page))
    return scenarios




def _time(function, runs: int) -> list[float]:
    return timed(function, runs, warmup=WARMUP, min_runs=MIN_RUNS, budget_seconds=BUDGET_SECONDS)


def measure(out: str, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = _staff()
    results = []
    for name, function in _scenarios(staff):
        print(f"    {name} …", flush=True)
        with CaptureQueriesContext(connection) as captured:
            function()
        statements = [q["sql"] for q in captured.captured_queries]

        def raw(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        orm = _time(function, runs)
        bare = _time(raw, runs)
        plans = []
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        results.append({
            "name": name,
            "selector": percentiles(orm, with_max=True),
            "raw_sql": percentiles(bare, with_max=True),
            "statements": statements,
            "plans": plans,
        })
    with open(out, "w") as handle:
        json.dump(results, handle, ensure_ascii=False)


def main(argv: list[str]) -> None:
    _setup()
    command, out = argv[0], argv[1]
    if command == "generate":
        cases = int(argv[2]) if len(argv) > 2 else DEFAULT_CASES
        units = int(argv[3]) if len(argv) > 3 else DEFAULT_UNITS
        generate(out, cases, units)
    elif command == "measure":
        measure(out, int(argv[2]) if len(argv) > 2 else DEFAULT_RUNS)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
