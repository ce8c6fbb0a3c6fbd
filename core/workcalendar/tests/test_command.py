"""`python manage.py deadline`: the date on stdout (plus ` provisional` when TIME-4 says so);
bad input exits non-zero with the reason on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("deadline", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sugg_3_months():
    """`deadline --from 2026-07-01 --months 3` prints `2026-10-08` (TIME-3, SUGG-3)."""
    out, err = run("--from", "2026-07-01", "--months", "3")
    assert out == "2026-10-08\n"
    assert err == ""


def test_msg_6_days():
    assert run("--from", "2026-03-02", "--days", "60")[0] == "2026-05-06\n"


def test_draft_4_days_ending_on_a_sunday():
    assert run("--from", "2026-09-25", "--days", "30")[0] == "2026-10-26\n"


def test_time_4_working_days():
    assert run("--from", "2026-02-12", "--working-days", "5")[0] == "2026-02-26\n"


def test_time_4_provisional_result_is_marked():
    out, err = run("--from", "2026-12-15", "--months", "1")
    assert out == "2027-01-15 provisional\n"
    assert "provisional" in err


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--from", "2026-02-30", "--months", "3"], "--from"),
        (["--from", "yesterday", "--days", "3"], "--from"),
        (["--from", "2026-07-01", "--months", "-1"], "--months"),
        (["--from", "2026-07-01", "--days", "three"], "--days"),
        (["--from", "2026-07-01"], "exactly one of --months, --days or --working-days"),
        (["--from", "2026-07-01", "--months", "3", "--days", "5"], "exactly one"),
        (["--months", "3"], "--from"),
    ],
)
def test_bad_input_is_refused_with_a_reason(args, mentions):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert mentions in str(refused.value)


def _subprocess_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_XDIST_WORKER"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["DATONG_VAR_DIR"] = str(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_exit_codes_from_the_shell(tmp_path):
    """Bad input: non-zero exit, the reason on stderr, nothing on stdout. Good input: 0."""
    env = _subprocess_env(tmp_path)
    bad = _manage(env, "deadline", "--from", "2026-07-01", "--months", "-3")
    assert bad.returncode != 0
    assert "--months" in bad.stderr
    assert bad.stdout == ""
    neither = _manage(env, "deadline", "--from", "2026-07-01")
    assert neither.returncode != 0 and neither.stderr.strip()

    migrate = _manage(env, "migrate", "workcalendar", "--no-input", "-v", "0")
    assert migrate.returncode == 0, migrate.stderr
    good = _manage(env, "deadline", "--from", "2026-07-01", "--months", "3")
    assert good.returncode == 0, good.stderr
    assert good.stdout == "2026-10-08\n"
