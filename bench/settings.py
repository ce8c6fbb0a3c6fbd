"""Settings for benchmarks: the project's, plus one minimal view to compare against.

Demo mode (DATONG_DEBUG=1: no HTTPS redirect, demo secret key) but DEBUG off, so that
queries are not recorded and figures are close to production's.
"""

import os

os.environ.setdefault("DATONG_DEBUG", "1")

from config.settings.base import *  # noqa: E402,F403

DEBUG = os.environ.get("BENCH_DJANGO_DEBUG", "") == "1"
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
