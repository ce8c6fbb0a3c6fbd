"""What a serving process does once the application is loaded (config.wsgi, bench.wsgi)."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured

#: The collector's thresholds for serving processes (DATONG_GC_THRESHOLD, "a,b,c"; "default"
#: keeps Python's 700,10,10).
GC_THRESHOLD = "20000,50,100"


def tune_collector() -> tuple[int, ...] | None:
    """Make garbage collection rarer in a serving process.

    Why: a request allocates thousands of short-lived objects, so with Python's default
    threshold (700) a collection runs every few requests, and each older-generation pass walks
    everything the process holds (URL patterns, model metadata, trained text models). Freezing
    what exists after start-up takes it out of every later pass, and a higher first threshold
    makes passes rarer; reference cycles are still collected. Measured with
    bench/bench_voices_intake.py: ~10 % less CPU per message received. Returns the thresholds
    set, or None when left at Python's defaults.
    """
    value = os.environ.get("DATONG_GC_THRESHOLD", GC_THRESHOLD).strip()
    if not value or value == "default":
        return None
    try:
        thresholds = tuple(int(part) for part in value.split(","))
        if not 1 <= len(thresholds) <= 3 or min(thresholds) < 0:
            raise ValueError(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"DATONG_GC_THRESHOLD must be one to three whole numbers such as {GC_THRESHOLD!r}, or 'default'; "
            f"it is {value!r}."
        ) from None
    gc.freeze()
    gc.set_threshold(*thresholds)
    return thresholds


#: The CGI variables of a request (PEP 3333); with the HTTP_ headers and the wsgi. keys, the
#: whole of what a WSGI environ is meant to hold.
REQUEST_VARIABLES = frozenset({
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
    "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "GATEWAY_INTERFACE", "REMOTE_ADDR",
    "REMOTE_HOST", "REMOTE_PORT", "REMOTE_USER", "AUTH_TYPE", "RAW_URI", "REQUEST_URI", "HTTPS",
})


def without_process_environment(application: Callable) -> Callable:
    """`application` with the serving process's environment variables taken out of each
    request's WSGI environ.

    Why: granian (docs/decisions/0006-granian.md), like the CGI servers and wsgiref (runserver)
    before it, copies the whole process environment into every request, so Django's
    `request.META` would hold DATABASE_URL with its password, REDIS_URL and the rest, and with
    them every error report that lists META (Django hides only names with KEY, TOKEN, PASS,
    SECRET and the like). What a request says about itself (its CGI variables, HTTP_ headers
    and wsgi. keys) stays.
    """
    process = frozenset(
        name for name in os.environ
        if name not in REQUEST_VARIABLES and not name.startswith(("HTTP_", "wsgi."))
    )

    def serve(environ: dict, start_response: Callable) -> Iterable[bytes]:
        for name in process:
            environ.pop(name, None)
        return application(environ, start_response)

    return serve


# --- database connections of ended threads ----------------------------------------------------

#: Each database connection opened in this process, by the id of its Django wrapper: the
#: native id of the thread that opened it, and the wrapper.
_OPENED: dict[int, tuple[int, object]] = {}
_OPENED_LOCK = threading.Lock()


def _thread_alive(native_id: int) -> bool:
    # Linux lists a process's live threads under /proc/self/task; elsewhere nothing is closed.
    task = "/proc/self/task"
    return not os.path.isdir(task) or os.path.exists(f"{task}/{native_id}")


def _close_ended() -> None:
    """Close the connections whose thread has ended."""
    for key, (native_id, wrapper) in list(_OPENED.items()):
        if _thread_alive(native_id):
            continue
        del _OPENED[key]
        raw = getattr(wrapper, "connection", None)
        if raw is not None:
            # Its thread is gone, so nothing else can be using it; Django's own close() would
            # refuse, being called from another thread.
            try:
                raw.close()
            finally:
                wrapper.connection = None


def _remember(sender, connection, **_kwargs) -> None:
    with _OPENED_LOCK:
        _OPENED[id(connection)] = (threading.get_native_id(), connection)
        _close_ended()


def close_connections_of_ended_threads() -> None:
    """From now on, whenever this process opens a database connection, close the ones whose
    thread has ended.

    Why: Django keeps one connection per thread, in that thread's own storage. granian
    (docs/decisions/0006-granian.md) ends a worker thread idle for 30 s and starts new ones when
    requests come, but the connections of the ended threads stay open (their storage is never
    freed): after a few bursts of requests PostgreSQL's `max_connections` would be used up
    (measured: 32, 63, 94 connections after three bursts of 40 at once). Each new connection
    is the moment a thread was started, so closing the orphans then keeps the total at the
    threads alive.
    """
    from django.db.backends.signals import connection_created

    connection_created.connect(_remember, dispatch_uid="core.serving.close_connections_of_ended_threads")


def stop_closing_connections_of_ended_threads() -> None:
    """Undo `close_connections_of_ended_threads` (tests)."""
    from django.db.backends.signals import connection_created

    connection_created.disconnect(dispatch_uid="core.serving.close_connections_of_ended_threads")
    with _OPENED_LOCK:
        _OPENED.clear()
