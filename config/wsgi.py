import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

from core.checks import production_problems  # noqa: E402  (needs the settings loaded)

_problems = production_problems()
if _problems:
    raise ImproperlyConfigured("Datong refuses to start in production mode: " + " ".join(_problems))

from core.serving import close_connections_of_ended_threads, tune_collector, without_process_environment  # noqa: E402

application = without_process_environment(application)
close_connections_of_ended_threads()
tune_collector()
