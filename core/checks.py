"""Refuse to serve in production mode without the production settings.

Run by `manage.py check --deploy` and by config/wsgi.py at start-up, so a server never
comes up in production mode with a missing secret key, open host list or a disabled CSP.
Commands such as `manage.py deadline` keep working without them.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks


def production_problems() -> list[str]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    problems = []
    if not settings.SECRET_KEY or len(settings.SECRET_KEY) < 40:
        problems.append("SECRET_KEY must be set to a long random value (at least 40 characters).")
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the site's host names.")
    if settings.DEBUG:
        problems.append("DEBUG must be off in production mode.")
    if not settings.SESSION_COOKIE_SECURE or not settings.CSRF_COOKIE_SECURE:
        problems.append("Session and CSRF cookies must be secure (HTTPS).")
    if not getattr(settings, "SECURE_HSTS_SECONDS", 0):
        problems.append("HSTS must be on (DATONG_HSTS_SECONDS).")
    if not _installed("csp.middleware.CSPMiddleware"):
        problems.append("The Content Security Policy middleware must be installed.")
    return problems


def _installed(middleware: str) -> bool:
    """Whether MIDDLEWARE holds `middleware` or a subclass of it (core.web.middleware's)."""
    from django.utils.module_loading import import_string

    wanted = import_string(middleware)
    for path in settings.MIDDLEWARE:
        try:
            found = import_string(path)
        except ImportError:
            continue
        if isinstance(found, type) and issubclass(found, wanted):
            return True
    return False


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs=None, **kwargs):
    return [checks.Error(problem, id="datong.E001") for problem in production_problems()]
