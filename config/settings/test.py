"""Test settings: only what tests need differs from base."""

import os

os.environ.setdefault("DATONG_DEBUG", "1")
os.environ.setdefault("DATONG_TASK_BACKEND", "immediate")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tests read the English msgids; the zh-hans interface is covered by the catalogue test
# (tests/test_translations.py) and the browser tests, which sign in in both languages.
LANGUAGE_CODE = "en"

# Tests fit in their own process (a child costs seconds of imports per training);
# voices/tests/test_training_child.py turns it on.
VOICES_TRAIN_IN_CHILD = False
