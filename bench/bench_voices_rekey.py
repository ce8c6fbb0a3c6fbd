"""Benchmark: rotating the field key (SEC-8) over many citizens' messages.

1. A throwaway PostgreSQL database (bench.harness.BenchApp); without PostgreSQL a loud note,
   exit 0.
2. BENCH_REKEY_MESSAGES messages (default 200,000) written as bench_voices_lists writes them,
   three in five with a caller's phone key; each of those then holds a name, a phone and an ID
   number encrypted under the old key (one token per field for all rows: rewriting costs the
   same whatever the value).
3. With the new key set and the old one retired: a caller's messages by phone, the logged
   service (`voices.services.find_caller_messages`, both keys' hashes), p50/p95; then
   `manage.py voices_rekey`'s work (`voices.services.rekey.rekey_personal_data`, 500 messages a
   transaction), timed whole: messages a second; then `--check`'s count of what is left.

    flock /tmp/cpu.lock .venv/bin/python -m bench.bench_voices_rekey
    BENCH_REKEY_MESSAGES=20000 .venv/bin/python -m bench.bench_voices_rekey   # a quick check

Figures, not pass/fail.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import BenchApp, env_int, percentiles, run_helper, timed, use_postgres  # noqa: E402

SEARCH_RUNS = 50


def _setup() -> None:
    import django

    django.setup()


def encrypt(out: str) -> None:
    """Give every message with a phone key a name, phone and ID number under the current key."""
    from django.db import connection

    from voices import crypto

    tokens = [crypto.encrypt(value) for value in ("基准姓名", "13812345678", "11010519491231002X")]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("""UPDATE voices_message SET name_encrypted = %s, phone_encrypted = %s,
                          id_number_encrypted = %s WHERE phone_index <> ''""", tokens)
        updated = cursor.rowcount
    Path(out).write_text(json.dumps({"encrypted": updated, "seconds": time.perf_counter() - started}))


def rotate(out: str) -> None:
    """Under the new key with the old one retired: the search, the rewrite, the check."""
    from django.db import connection

    from bench.bench_voices_lists import a_repeat_caller, fixtures
    from voices import services
    from voices.models import Message
    from voices.services import rekey

    staff = fixtures()[4]
    # A repeat caller where there is one (few at small sizes: the pool is 3,000,000 callers).
    with_phone = Message.objects.exclude(phone_index="").order_by("-pk")
    caller = with_phone.filter(phone_index=a_repeat_caller() or "-").first() or with_phone.first()
    search = percentiles(timed(lambda: services.find_caller_messages(by=staff, message=caller, purpose="基准"),
                               SEARCH_RUNS, warmup=3, min_runs=10, budget_seconds=30))
    started = time.perf_counter()
    result = rekey.rekey_personal_data()
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    left = rekey.pending()
    check_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM voices_message")
        messages = cursor.fetchone()[0]
    Path(out).write_text(json.dumps({
        "messages": messages, "seen": result.seen, "rewritten": result.rewritten,
        "unreadable": len(result.unreadable), "seconds": seconds, "left": left, "check_seconds": check_seconds,
        "search": search,
    }))


def main() -> int:
    print("Benchmark: rotating the field key over citizens' messages (SEC-8)", flush=True)
    if not use_postgres():
        return 0
    from cryptography.fernet import Fernet

    total = env_int("BENCH_REKEY_MESSAGES", 200_000)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    os.environ["DATONG_FIELD_KEY"] = old
    os.environ.pop("DATONG_FIELD_RETIRED_KEYS", None)
    with BenchApp() as app:
        print(f"  writing {total:,} messages …", flush=True)
        data = run_helper(app, "bench.bench_voices_lists", "generate", str(total))
        print("  encrypting their personal data under the old key …", flush=True)
        encrypted = run_helper(app, "bench.bench_voices_rekey", "encrypt")
        os.environ["DATONG_FIELD_KEY"] = new
        os.environ["DATONG_FIELD_RETIRED_KEYS"] = old
        print("  new key, old key retired: searching, rewriting, checking …", flush=True)
        done = run_helper(app, "bench.bench_voices_rekey", "rotate")
        print("\n## Rotating the field key (voices_rekey), PostgreSQL, one process")
        print(f"{app.database_label}; {os.cpu_count()} CPUs")
        print(f"messages: {done['messages']:,} ({data['size']}); with personal data: {encrypted['encrypted']:,}")
        search = done["search"]
        print(f"a caller's messages while rotating (both keys' hashes, audited): p50 {search['p50']:.1f} ms, "
              f"p95 {search['p95']:.1f} ms ({search['runs']} runs)")
        rate = done["rewritten"] / done["seconds"] if done["seconds"] else 0
        print(f"rewrite: {done['rewritten']:,} of {done['seen']:,} messages in {done['seconds']:.1f} s "
              f"({rate:,.0f} messages/s, 3 fields each, 500 a transaction); unreadable {done['unreadable']}")
        print(f"check afterwards: {done['left']:,} left, read in {done['check_seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] in {"encrypt", "rotate"}:
        _setup()
        {"encrypt": encrypt, "rotate": rotate}[sys.argv[1]](sys.argv[2])
        sys.exit(0)
    sys.exit(main())
