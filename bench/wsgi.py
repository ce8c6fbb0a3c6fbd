"""WSGI entry points for benchmarks: the project under bench settings, and a bare WSGI app."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from core.serving import close_connections_of_ended_threads, tune_collector, without_process_environment  # noqa: E402  (as config.wsgi does)

application = without_process_environment(application)
close_connections_of_ended_threads()
tune_collector()


def bare(environ, start_response):
    """No Django at all: what the WSGI server alone manages on this machine."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
