"""A serving process makes garbage collection rarer once loaded (core.serving), unless told not
to; run in a child process, so that the test run's own collector is left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

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
    # It also closes the connections of ended threads (below).
    script = (
        "import config.wsgi as w\n"
        "from django.db.backends.signals import connection_created as signal\n"
        "print(w.application.__qualname__)\n"
        "print([key[0] for key, *_rest in signal.receivers if isinstance(key[0], str)])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "DATONG_DEBUG": "1"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "without_process_environment.<locals>.serve", "['core.serving.close_connections_of_ended_threads']"]


@pytest.mark.django_db(transaction=True)
def test_a_connection_left_open_by_an_ended_thread_is_closed_when_another_thread_connects():
    # granian ends idle worker threads but their connections stay open (measured: 32, 63, 94
    # PostgreSQL connections after three bursts); here the list below keeps the ended
    # thread's connection alive, as granian's leftover thread storage does.
    from django.db import connections

    from core import serving

    opened = []

    def connect():
        wrapper = connections["default"]
        wrapper.ensure_connection()
        opened.append(wrapper)

    serving.close_connections_of_ended_threads()
    try:
        first = threading.Thread(target=connect)
        first.start()
        first.join()
        assert opened[0].connection is not None  # its thread is gone, the connection is not
        second = threading.Thread(target=connect)
        second.start()
        second.join()
        assert opened[0].connection is None  # closed when the next thread connected
        assert opened[1].connection is not None
    finally:
        serving.stop_closing_connections_of_ended_threads()
        for wrapper in opened:
            if wrapper.connection is not None:
                wrapper.connection.close()
                wrapper.connection = None
