import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

from core.checks import production_problems  # noqa: E402  (needs the settings loaded)

_problems = production_problems()
if _problems:
    raise ImproperlyConfigured("Datong refuses to start in production mode: " + " ".join(_problems))

from core.serving import tune_collector  # noqa: E402

tune_collector()
