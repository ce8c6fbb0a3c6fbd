"""Benchmark: citizens' messages at 10,000,000 (issue 5): the staff list, a filtered count and
the three "what people worry about most" aggregates, at p95, beside their raw SQL.

1. A throwaway PostgreSQL database beside DATABASE_URL's (bench.harness.BenchApp: migrate,
   seed, then dropped at the end); without DATABASE_URL the local server is tried. No
   PostgreSQL: a loud note, exit 0.
2. The messages grow in steps (BENCH_VOICES_SIZES, default 1M, 3M, 10M), each step written
   by PostgreSQL itself (`INSERT … SELECT … FROM generate_series`, no rows shipped through
   the client) with the secondary indexes dropped during the load and rebuilt after it,
   then VACUUM ANALYZE: every message with its casework case (kind "message"), received
   over the last two years, 20 categories (skewed: a few get most), 12 districts, a fifth
   of the cases open, three in five with a caller's phone key (from a pool of 3,000,000
   callers, so repeat callers grow with the size). Before a step, its time is projected from the previous step's rate;
   a step that would take the generation past BENCH_VOICES_BUDGET seconds (default 900)
   is not made, and the report says so (the curve then stops at the last size made).
   The daily counts (`voices.MessageDailyCount`) are then filled by one INSERT … SELECT …
   GROUP BY over the messages (what `manage.py voices_rebuild_counts` computes).
3. At each size, as staff, the real selectors against their own captured SQL through a bare
   cursor, same process, same run (BENCH_VOICES_RUNS runs, default 100; a query far over
   target stops after MIN_RUNS once BUDGET_SECONDS are spent):
   - the staff list (`voices.selectors.message_page`: limit + 1 rows, no COUNT): first
     page, the next page by its keyset cursor, one category + one district + 90 days, and
     a case-status filter (the only filter that joins the case);
   - counts (`voices.selectors.count_messages`): one category, one district, the last 90
     days from the daily counts; a status filter, counted up to the cap;
   - a deputy's list (their district or gathered by them), first page;
   - by category, by district, by week over the last 90 days and the rising categories
     (`voices.statistics`, from the daily counts), and for a deputy, by category over the
     same period (the district-scoped path).
   - the counts page's overview (`voices.statistics.overview`: the four above in two reads);
   - a caller's messages by their phone key (`voices.selectors.messages_from_phone_keys`,
     what staff's SEC-8 look-up reads; the audit entry it writes is not timed).
4. Over HTTP (one keep-alive client, sequential, as one staff member sees it): the staff
   list page, its next page by cursor, the list filtered by one category + one district,
   the API list (token) and the statistics page, at each size, the same number of runs.
5. EXPLAIN (ANALYZE, BUFFERS) of each statement over target, for the report.

    flock /tmp/cpu.lock .venv/bin/python -m bench.bench_voices_lists
    # a quick check of the benchmark itself, one small size:
    BENCH_VOICES_SIZES=200000 BENCH_VOICES_RUNS=30 flock /tmp/cpu.lock .venv/bin/python -m bench.bench_voices_lists

Figures, not pass/fail: the exit status is non-zero only if the benchmark could not run.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import HOST, BenchApp, env_int, ms, percentiles, run_helper, timed, use_postgres  # noqa: E402

TARGET_MS = 100.0
MIN_RUNS = 10
BUDGET_SECONDS = 30.0
WARMUP = 3
DEFAULT_SIZES = "1000000,3000000,10000000"
CATEGORIES = 20
DISTRICTS = 12
#: The share of messages with a phone (its keyed hash), from a pool of callers: at 10,000,000
#: messages, ~2 messages a caller on average (a 64-character hex key, as lookup_key's).
WITH_PHONE = 0.6
CALLERS = 3_000_000
TABLES = ("casework_case", "voices_message")






# --- the helper process (bench.settings, the throwaway database) -------------------------------


def _setup() -> None:
    import django

    django.setup()


def fixtures():
    """The congress (the seeded demo city's, else one of our own), its 20 categories and 12
    districts, one stand-in submitter, one staff member and one deputy of a district."""
    from core.accounts.models import User
    from core.accounts.roles import Role
    from core.organisation import selectors as organisation
    from core.organisation.models import Congress, Delegation, Deputy, District, Term
    from voices.models import MessageCategory

    congress = organisation.current_congress()
    if congress is None:
        congress = Congress.objects.create(name="基准留言市人民代表大会", region_name="基准留言市",
                                           level=Congress.Level.CITY)
    for n in range(MessageCategory.objects.filter(congress=congress).count(), CATEGORIES):
        MessageCategory.objects.get_or_create(congress=congress, code=f"bench-{n:02d}",
                                              defaults={"name": f"基准类别{n:02d}", "position": 100 + n})
    for n in range(District.objects.filter(congress=congress).count(), DISTRICTS):
        District.objects.get_or_create(congress=congress, name=f"基准{n:02d}区", defaults={"code": f"8888{n:02d}"})
    categories = list(MessageCategory.objects.filter(congress=congress).order_by("pk").values_list("pk", flat=True))
    districts = list(District.objects.filter(congress=congress).order_by("pk").values_list("pk", flat=True))
    submitter, _c = User.objects.get_or_create(username="bench-voices-citizen",
                                               defaults={"role": Role.CITIZEN, "is_active": False})
    staff, _c = User.objects.get_or_create(username="bench-staff", defaults={"role": Role.STAFF})
    deputy_user, _c = User.objects.get_or_create(username="bench-voices-deputy", defaults={"role": Role.DEPUTY})
    if not Deputy.objects.filter(user=deputy_user).exists():
        term = organisation.current_term(congress) or Term.objects.create(
            congress=congress, number=99, starts_on="2022-01-01", ends_on="2027-01-01", is_current=True)
        delegation, _c = Delegation.objects.get_or_create(term=term, name="基准代表团",
                                                          defaults={"district_id": districts[0]})
        Deputy.objects.create(term=term, code="BENCH-D1", name="基准代表", delegation=delegation,
                              district_id=districts[0], user=deputy_user)
    return congress, categories[:CATEGORIES], districts[:DISTRICTS], submitter, staff, deputy_user


def _drop_indexes(cursor) -> list[str]:
    """Drop the tables' secondary indexes (not those behind a constraint); their definitions."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = ANY(%s) AND NOT EXISTS (
               SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [list(TABLES)],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def generate(out: str, total: int) -> None:
    """Grow the messages (and their cases) to `total`; write what was done as JSON."""
    from django.db import connection

    started = time.perf_counter()
    congress, categories, districts, submitter, _staff, _deputy = fixtures()
    timings: dict[str, float] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM voices_message")
        have = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM casework_case")
        case_base = cursor.fetchone()[0] - have
        cursor.execute("SELECT coalesce(max(id), 0) FROM voices_message")
        message_base = cursor.fetchone()[0] - have
        if total > have:
            cursor.execute("DROP TABLE IF EXISTS bench_cat, bench_dist")
            cursor.execute("CREATE TEMP TABLE bench_cat (idx int PRIMARY KEY, id bigint)")
            cursor.executemany("INSERT INTO bench_cat VALUES (%s, %s)", list(enumerate(categories)))
            cursor.execute("CREATE TEMP TABLE bench_dist (idx int PRIMARY KEY, id bigint)")
            cursor.executemany("INSERT INTO bench_dist VALUES (%s, %s)", list(enumerate(districts)))
            step = time.perf_counter()
            definitions = _drop_indexes(cursor)
            timings["drop indexes"] = time.perf_counter() - step
            steps = [
                ("random numbers", f"""
                    CREATE TEMP TABLE bench_g AS
                    SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                        random() AS r5, floor(random() * {CALLERS})::int AS caller
                    FROM generate_series({have + 1}, {total}) AS i"""),
                ("cases", f"""
                    INSERT INTO casework_case (id, congress_id, kind, title, status, handling_mode, round,
                        is_key_supervised, supervision_note, registered_at, assigned_at, replied_at, closed_at,
                        ended_at, updated_at, merged_into_id, supervised_by_id, supervised_at)
                    SELECT {case_base} + g.i, {congress.pk}, 'message', '留言' || g.i,
                        CASE WHEN g.r3 < 0.2 THEN 'assigned' WHEN g.r3 < 0.22 THEN 'replied' ELSE 'closed' END,
                        'lead_assisting', 1, false, '',
                        now() - make_interval(secs => g.r1 * 730 * 86400), NULL,
                        CASE WHEN g.r3 >= 0.2 THEN now() END, CASE WHEN g.r3 >= 0.22 THEN now() END,
                        NULL, now(), NULL, NULL, NULL
                    FROM bench_g g"""),
                ("messages", f"""
                    INSERT INTO voices_message (id, congress_id, case_id, tracking_number, regime, channel, nature,
                        status, subject, body, category_id, district_id, is_urgent, location, latitude, longitude,
                        submitter_id, is_anonymous, is_confidential, notice_version, age_band, guardian_consent,
                        consent_to_publish_name, is_sensitive, name_encrypted, phone_encrypted, phone_index,
                        id_number_encrypted, accused_unit_id, not_accepted_reason, not_accepted_note,
                        suggested_category_id, suggested_unit_id, suggested_urgent, suggestion_reasons,
                        routed_by_id, received_at, entered_by_id, gathered_by_deputy_id, station_id, external_id,
                        open311_service_code, taken_up_as_suggestion)
                    SELECT {message_base} + g.i, {congress.pk}, {case_base} + g.i, 'B' || lpad(g.i::text, 12, '0'),
                        'hotline', 'web', 'help', CASE WHEN g.r3 < 0.05 THEN 'received' ELSE 'accepted' END,
                        c.idx || '号类别的诉求第' || g.i || '号',
                        '基准留言市某小区的居民反映情况，希望有关部门尽快处理。编号' || g.i,
                        CASE WHEN g.r4 < 0.03 THEN NULL ELSE c.id END, d.id, false, '', NULL, NULL,
                        {submitter.pk}, true, false, '', '', false, false, false, '', '',
                        CASE WHEN g.r5 < {WITH_PHONE} THEN md5('c' || g.caller) || md5('p' || g.caller) ELSE '' END,
                        '', NULL, '', '',
                        NULL, NULL, false, '{{}}'::jsonb, NULL,
                        now() - make_interval(secs => g.r1 * 730 * 86400), NULL, NULL, NULL, '', '', NULL
                    FROM bench_g g
                    JOIN bench_cat c ON c.idx = floor(power(g.r2, 1.8) * {len(categories)})::int
                    JOIN bench_dist d ON d.idx = floor(g.r4 * {len(districts)})::int"""),
                ("drop random numbers", "DROP TABLE bench_g"),
            ]
            for label, sql in steps:
                step = time.perf_counter()
                print(f"      {label} …", flush=True)
                cursor.execute(sql)
                timings[label] = time.perf_counter() - step
            step = time.perf_counter()
            print("      rebuilding the indexes …", flush=True)
            for definition in definitions:
                cursor.execute(definition)
            timings["rebuild indexes"] = time.perf_counter() - step
            for table in TABLES:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            step = time.perf_counter()
            print("      daily counts (INSERT … SELECT … GROUP BY) …", flush=True)
            cursor.execute("DELETE FROM voices_messagedailycount")
            cursor.execute("""
                INSERT INTO voices_messagedailycount (congress_id, day, category_id, district_id, count)
                SELECT congress_id, (received_at AT TIME ZONE 'Asia/Shanghai')::date, category_id, district_id,
                    count(*)
                FROM voices_message GROUP BY 1, 2, 3, 4""")
            timings["daily counts"] = time.perf_counter() - step
            step = time.perf_counter()
            for table in (*TABLES, "voices_messagedailycount"):
                cursor.execute(f"VACUUM ANALYZE {table}")
            timings["VACUUM ANALYZE"] = time.perf_counter() - step
        cursor.execute("SELECT count(*) FROM voices_message")
        count = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('voices_message'))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM voices_messagedailycount")
        buckets = cursor.fetchone()[0]
    result = {
        "messages": count, "added": count - have, "size": size, "buckets": buckets,
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    Path(out).write_text(json.dumps(result))






def _time(function, runs: int) -> list[float]:
    return timed(function, runs, warmup=WARMUP, min_runs=MIN_RUNS, budget_seconds=BUDGET_SECONDS)


def _scenarios():
    import datetime

    from django.utils import timezone

    from voices import selectors
    from voices import statistics as worry

    _congress, categories, districts, _submitter, staff, deputy = fixtures()
    period = worry.period_of()
    since = timezone.localdate() - datetime.timedelta(days=89)
    narrow = {"category": categories[3], "district": districts[2], "since": since}
    second = selectors.message_page(staff, limit=50).cursor
    caller = a_repeat_caller()
    return [
        ("staff list, first page of 50 (message_page)", lambda: selectors.message_page(staff, limit=50)),
        ("staff list, next page (keyset cursor)", lambda: selectors.message_page(staff, limit=50, after=second)),
        ("staff list, 1 category + 1 district + 90 days, page 1",
         lambda: selectors.message_page(staff, limit=50, **narrow)),
        ("staff list, case status 'assigned', page 1",
         lambda: selectors.message_page(staff, limit=50, status="assigned")),
        # The list's "Replied" state: the call-backs due (2 % of the messages in this seed).
        ("staff list, state 'replied' (2 %), page 1",
         lambda: selectors.message_page(staff, limit=50, status=["replied"])),
        ("filtered count, 1 cat. + 1 district + 90 days (daily counts)",
         lambda: selectors.count_messages(staff, **narrow)),
        ("count, status 'received' (capped at 1,000)", lambda: selectors.count_messages(staff, status="received")),
        ("deputy's list, first page of 50", lambda: selectors.message_page(deputy, limit=50)),
        ("by category, 90 days (staff)", lambda: worry.by_category(staff, period)),
        ("by district, 90 days (staff)", lambda: worry.by_district(staff, period)),
        ("by week, 90 days (staff)", lambda: worry.by_week(staff, period)),
        ("by category, 90 days (deputy: one district)", lambda: worry.by_category(deputy, period)),
        ("rising categories, 90 days vs 90 before (staff)", lambda: worry.rising_categories(staff, period)),
        ("the counts page's overview: all four above (staff)", lambda: worry.overview(staff, period)),
        ("a caller's messages by phone key (SEC-8 look-up)", lambda: selectors.messages_from_phone_keys(staff, [caller])),
    ]


def a_repeat_caller() -> str:
    """The phone key of the newest message whose caller wrote more than once (the look-up the
    staff's "a caller's messages" runs; the audit entry it also writes is not timed here)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""SELECT m.phone_index FROM voices_message m
                          WHERE m.phone_index <> '' AND EXISTS (
                              SELECT 1 FROM voices_message o WHERE o.congress_id = m.congress_id
                                  AND o.phone_index = m.phone_index AND o.id <> m.id)
                          ORDER BY m.id DESC LIMIT 1""")
        row = cursor.fetchone()
    return row[0] if row else ""


def targets(out: str) -> None:
    """The HTTP targets at this size, as (label, path, auth): the pages and the API operation
    behind the staff list (their filter values and next-page cursor are the data's)."""
    from urllib.parse import urlencode

    from voices import selectors

    _congress, categories, districts, _submitter, staff, _deputy = fixtures()
    second = selectors.message_page(staff, limit=25).cursor or ""
    found = [
        ("page /voices/all/ (staff list, first page)", "/voices/all/", "session"),
        ("page /voices/all/?cursor=… (next page)", "/voices/all/?" + urlencode({"cursor": second}), "session"),
        ("page /voices/all/ 1 category + 1 district",
         "/voices/all/?" + urlencode({"category": categories[3], "district": districts[2]}), "session"),
        ("API /api/voices/messages?limit=50", "/api/voices/messages?limit=50", "token"),
        ("page /voices/statistics/ (what people worry about)", "/voices/statistics/", "session"),
    ]
    Path(out).write_text(json.dumps(found, ensure_ascii=False))


def measure_http(app: BenchApp, found: list, runs: int) -> list[dict]:
    """Each target, one keep-alive client, sequential: latency as one staff member sees it
    (5 warm-up requests; a target far over target stops after MIN_RUNS once BUDGET_SECONDS
    are spent)."""
    results = []
    for label, path, auth in found:
        status, _body = app.get(path, auth=auth)
        if status != 200:
            results.append({"name": label, "note": f"not measured: GET {path} answered {status}"})
            continue
        print(f"      {label} …", flush=True)
        conn = http.client.HTTPConnection(HOST, app.servers["app"].port, timeout=120)
        headers = app.headers(auth)
        times, errors, spent = [], 0, 0.0
        try:
            for index in range(runs + 5):
                if len(times) >= MIN_RUNS and spent > BUDGET_SECONDS:
                    break
                started = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if index < 5:
                    continue  # warm-up
                spent += elapsed
                if response.status == 200:
                    times.append(elapsed)
                else:
                    errors += 1
        finally:
            conn.close()
        results.append({"name": label, "http": percentiles(times), "errors": errors})
    return results


def measure(out: str, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for name, function in _scenarios():
        print(f"      {name} …", flush=True)
        with CaptureQueriesContext(connection) as captured:
            function()
        statements = [q["sql"] for q in captured.captured_queries]

        def raw(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        selector = percentiles(_time(function, runs))
        bare = percentiles(_time(raw, runs))
        plans = []
        if selector["p95"] > TARGET_MS:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
        results.append({"name": name, "selector": selector, "raw_sql": bare, "statements": statements,
                        "plans": plans})
    Path(out).write_text(json.dumps(results, ensure_ascii=False))


# --- the orchestrator ----------------------------------------------------------------------------






def report(app: BenchApp, sizes: list[dict], runs: int, skipped: list[int], budget: int) -> None:
    print("\n## Citizens' messages at scale: the staff list and \"what people worry about most\"")
    print(f"{app.database_label}; {os.cpu_count()} CPUs; up to {runs} runs each after {WARMUP} warm-up (at least "
          f"{MIN_RUNS}, {BUDGET_SECONDS:g} s at most per query and side); target p95 ≤ {TARGET_MS:g} ms")
    print()
    print(f"{'messages':>11} {'added':>11} {'generated in':>13} {'table + indexes':>16} {'daily counts':>13}")
    for size in sizes:
        data = size["data"]
        print(f"{data['messages']:>11,} {data['added']:>11,} {data['total_seconds']:>11.0f} s {data['size']:>16} "
              f"{data.get('buckets', 0):>13,}")
    for total in skipped:
        print(f"{total:>11,}  not generated: projected past the {budget} s generation budget")
    print()
    print(f"{'query':<62} {'messages':>11} {'':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'vs raw':>7}")
    over = []
    for size in sizes:
        count = size["data"]["messages"]
        for row in size["measured"]:
            selector, raw = row["selector"], row["raw_sql"]
            ratio = selector["p95"] / raw["p95"] if raw.get("p95") else float("nan")
            verdict = "ok" if selector["p95"] <= TARGET_MS else "OVER"
            print(f"{row['name']:<62} {count:>11,} {'selector':>9} {ms(selector, 'p50')} {ms(selector, 'p95')} "
                  f"{ms(selector, 'p99')} {ratio:6.2f}x  {verdict} ({selector['runs']} runs)")
            print(f"{'':<62} {'':>11} {'raw SQL':>9} {ms(raw, 'p50')} {ms(raw, 'p95')} {ms(raw, 'p99')}")
            if row["plans"]:
                over.append((count, row))
        print()
        if size.get("http"):
            print(f"{'over HTTP (one keep-alive client)':<62} {count:>11,} {'':>9} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'p99 ms':>8}")
            for row in size["http"]:
                if "note" in row:
                    print(f"{row['name']:<62} {'':>11} {row['note']}")
                    continue
                figures = row["http"]
                verdict = "ok" if figures.get("p95", 1e9) <= TARGET_MS else "OVER"
                errors = f"  errors {row['errors']}" if row["errors"] else ""
                print(f"{row['name']:<62} {'':>11} {'':>9} {ms(figures, 'p50')} {ms(figures, 'p95')} "
                      f"{ms(figures, 'p99')}  {verdict} ({figures.get('runs', 0)} runs){errors}")
            print()
    print("'vs raw': the selector's p95 over the p95 of its own SQL through a bare cursor, same run.")
    if over and os.environ.get("BENCH_SHOW_PLANS", "1") == "1":
        print("\n### Plans of the queries over target, largest size (EXPLAIN ANALYZE, BUFFERS)")
        largest = max(count for count, _row in over)
        for count, row in over:
            if count != largest:
                continue
            for sql, plan in zip(row["statements"], row["plans"], strict=False):
                print(f"\n-- {row['name']} at {count:,}\n{sql}\n{plan}")


def main() -> int:
    print("Benchmark: citizens' messages at 10,000,000 (staff list, worry-most aggregates)", flush=True)
    if not use_postgres():
        return 0
    totals = [int(s) for s in os.environ.get("BENCH_VOICES_SIZES", DEFAULT_SIZES).split(",") if s.strip()]
    runs = env_int("BENCH_VOICES_RUNS", 100)
    budget = env_int("BENCH_VOICES_BUDGET", 900)
    sizes, skipped = [], []
    spent, rate, have = 0.0, None, 0
    with BenchApp() as app:
        for total in totals:
            if rate is not None and spent + rate * (total - have) > budget:
                skipped.append(total)
                print(f"  {total:,}: projected {spent + rate * (total - have):.0f} s of generation in all, over "
                      f"the {budget} s budget: not generated", flush=True)
                continue
            print(f"  growing to {total:,} messages …", flush=True)
            data = run_helper(app, "bench.bench_voices_lists", "generate", str(total))
            spent += data["total_seconds"]
            if data["added"]:
                rate = data["total_seconds"] / data["added"]
            have = data["messages"]
            print(f"  measuring at {have:,} …", flush=True)
            measured = run_helper(app, "bench.bench_voices_lists", "measure", str(runs))
            print(f"  over HTTP at {have:,} …", flush=True)
            http = measure_http(app, run_helper(app, "bench.bench_voices_lists", "targets"), runs)
            sizes.append({"data": data, "measured": measured, "http": http})
        report(app, sizes, runs, skipped, budget)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        _setup()
        command, out = sys.argv[1], sys.argv[2]
        if command == "generate":
            generate(out, int(sys.argv[3]))
        elif command == "targets":
            targets(out)
        elif command == "measure":
            measure(out, int(sys.argv[3]) if len(sys.argv) > 3 else 100)
        else:
            raise SystemExit(f"unknown command {command!r}")
    else:
        sys.exit(main())
