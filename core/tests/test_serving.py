"""A serving process makes garbage collection rarer once loaded (core.serving), unless told not
to; run in a child process, so that the test run's own collector is left alone."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = "import gc; from core.serving import tune_collector; print(tune_collector(), gc.get_threshold())"


def run(threshold: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATONG_GC_THRESHOLD"}
    if threshold is not None:
        env["DATONG_GC_THRESHOLD"] = threshold
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0 or threshold == "x", done.stderr
    return done.stdout.strip() or done.stderr


def test_serving_processes_collect_garbage_less_often_by_default():
    assert run(None) == "(20000, 50, 100) (20000, 50, 100)"


def test_the_thresholds_can_be_set_or_left_at_pythons_defaults():
    assert run("5000,20,20") == "(5000, 20, 20) (5000, 20, 20)"
    assert run("default") == "None (700, 10, 10)"


def test_a_bad_threshold_stops_the_process_with_a_clear_error():
    error = run("x")
    assert "ImproperlyConfigured" in error and "DATONG_GC_THRESHOLD must be one to three whole numbers" in error
