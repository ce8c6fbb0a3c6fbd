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


def test_a_request_does_not_carry_the_serving_process_environment(monkeypatch):
    # granian (and wsgiref) copy the process environment into every request's environ: a
    # database password in DATABASE_URL would reach request.META and every error report.
    from core.serving import without_process_environment

    monkeypatch.setenv("DATABASE_URL", "postgres://datong:s3cret@db/datong")
    monkeypatch.setenv("SERVER_NAME", "from-the-process")
    seen = {}

    def inner(environ, start_response):
        seen.update(environ)
        return [b"ok"]

    app = without_process_environment(inner)
    environ = {**os.environ, "REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "datong.example.org",
               "HTTP_HOST": "datong.example.org", "REMOTE_ADDR": "10.0.0.9", "wsgi.url_scheme": "https"}
    assert app(environ, lambda *a: None) == [b"ok"]
    assert "DATABASE_URL" not in seen and "PATH" not in seen and "HOME" not in seen
    assert seen["SERVER_NAME"] == "datong.example.org"  # the request's own, never dropped
    assert (seen["HTTP_HOST"], seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == (
        "datong.example.org", "10.0.0.9", "https")


def test_the_production_entry_point_leaves_the_process_environment_out():
    # config.wsgi, loaded in a process of its own, serves through the wrapper above.
    script = "import config.wsgi as w; print(w.application.__qualname__)"
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "DATONG_DEBUG": "1"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "without_process_environment.<locals>.serve"
