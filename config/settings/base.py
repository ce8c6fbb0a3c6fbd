"""Datong settings: everything lives here and reads the environment.

Zero set-up defaults (SQLite under var/, the database task worker) for a newcomer;
production differs only through environment variables (see README, "Production").
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DATONG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- mode -----------------------------------------------------------------------------
# Production mode is the default for safety. Demo mode (`make demo`: DATONG_DEMO=1) has a demo
# secret key, local hosts, mail on the console and no HTTPS, but DEBUG stays off there, so the
# demo shows what users of a real city see (the 404 and 500 pages, not Django's debug pages).
# DATONG_DEBUG=1 (the tests, development) is demo mode with DEBUG on.
DEBUG = env_bool("DATONG_DEBUG", False)
DEMO = DEBUG or env_bool("DATONG_DEMO", False)
PRODUCTION = not DEMO

_DEMO_SECRET = "datong-demo-secret-key-not-for-production-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEMO_SECRET if DEMO else "")
# SEC-8: the key that encrypts citizens' phone and ID numbers at rest (voices.crypto). Set it
# apart from SECRET_KEY in production so rotating one never loses the other; without it a key
# is derived from SECRET_KEY (demo and tests).
FIELD_ENCRYPTION_KEY = os.environ.get("DATONG_FIELD_KEY", "")
# Keys being rotated out: still read (and looked up) until `manage.py voices_rekey` has
# rewritten every value under DATONG_FIELD_KEY (voices.crypto).
FIELD_ENCRYPTION_RETIRED_KEYS = env_list("DATONG_FIELD_RETIRED_KEYS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEMO else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- apps -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Its static files: /api/docs serves Swagger UI from here, not from a CDN (no internet).
    "ninja",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # core: what every domain stands on (design.md)
    "core.accounts",
    "core.organisation",
    "core.audit",
    "core.notify",
    "core.workcalendar",
    "core.jobs",
    "core.web",
    # the secret-voting machinery and the domains built on it
    "casework",
    "balloting",
    "plenary",
    "elections",
    "proposals",
    "voices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.accounts.middleware.UserLanguageMiddleware",
    "core.web.middleware.LazyMessageMiddleware",  # Django's, built only when used
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.web.middleware.CSPMiddleware",  # django-csp's; a constant policy on JSON
    "django_htmx.middleware.HtmxMiddleware",
    # Deny by default: a view that declares no permission is refused (core.permissions).
    "core.permissions.DenyByDefaultMiddleware",
    "core.error_pages.DomainErrorMiddleware",
    "core.accounts.middleware.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.web.context_processors.shell",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'datong.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web process share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The hot hand-written statements (core.rawrows) are prepared on the PostgreSQL server once per
# connection; turn it off ("0") behind a pooler that cannot keep a session's prepared
# statements (PgBouncer in transaction mode before 1.21).
DATONG_DB_PREPARE = os.environ.get("DATONG_DB_PREPARE", "1").strip().lower() not in ("0", "false", "no", "off")
REDIS_URL = os.environ.get("REDIS_URL", "")
# "default" may be per process; "shared" holds what one process computes for another (the
# worker's hot topics, read by the web server), so without Redis it is a database table
# (created by the migration core.jobs 0002, and by Django for the test database).
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                   "KEY_PREFIX": "shared"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "datong_shared_cache"},
    }

# --- background work (django-tasks; DATONG_TASK_BACKEND=db|rq|immediate) ----------------
TASK_BACKEND = os.environ.get("DATONG_TASK_BACKEND", "db")
if TASK_BACKEND == "rq":
    # Workers: `manage.py rqworker default --with-scheduler` (the scheduler runs retries
    # deferred with run_after); RQ must build django_tasks_rq's Job, hence JOB_CLASS.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A failed task is tried at most this many times in all, with backoff (core.jobs).
TASK_MAX_ATTEMPTS = int(os.environ.get("DATONG_TASK_MAX_ATTEMPTS", "3"))
# Backoff: the pause after the n-th failure is BASE * 2**(n-1) seconds, at most MAX.
TASK_RETRY_BASE_DELAY = float(os.environ.get("DATONG_TASK_RETRY_BASE_DELAY", "30"))
TASK_RETRY_MAX_DELAY = float(os.environ.get("DATONG_TASK_RETRY_MAX_DELAY", "3600"))
# Seconds a long job (an import, an export) may go without moving its progress bar before it
# is taken for a job whose worker was killed (SIGKILL, the OOM killer, power lost) and shown
# as stopped unexpectedly, with "continue" where its page offers it (core.jobs.rules,
# the stall rule). Default 15 minutes: an import moves every 50 rows, seconds apart. A job whose
# steps are longer declares its own limit (the text-model training: 2 hours).
DATONG_JOB_STALLED_AFTER = float(os.environ.get("DATONG_JOB_STALLED_AFTER", "900"))

# --- accounts and security ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
# Lockout after repeated failures (per account and per client address).
LOGIN_FAILURE_LIMIT = int(os.environ.get("DATONG_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("DATONG_LOGIN_LOCKOUT_SECONDS", "900"))
# Failures from one client address, counted across every account name tried from it, before
# that address is locked out (core.accounts.rules, the address limit). Default 50 in the same
# window: ten accounts' worth, far above what an office behind one NAT address mistypes in a
# quarter of an hour, while a guesser gets at most 50 tries per address and still only 5 per
# account. Never below LOGIN_FAILURE_LIMIT.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DATONG_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
# How many reverse proxies in front of the site append the client's address to
# X-Forwarded-For (core.accounts.rules.client_address). 0: the connection's address
# (REMOTE_ADDR) is the client's and the header, which anyone can write, is ignored. Without it
# behind a proxy, every visitor shares the proxy's address for the sign-in limits. Default: 1 in
# production (granian on 127.0.0.1 behind the HTTPS proxy, README), 0 in demo and development.
LOGIN_TRUSTED_PROXIES = int(os.environ.get("DATONG_TRUSTED_PROXIES", "1" if PRODUCTION else "0"))
# How long a serving process trusts what it read of an API token (seconds; 0: every call).
# A token revoked or an account switched off in another process is refused within this time.
DATONG_API_TOKEN_SECONDS = float(os.environ.get("DATONG_API_TOKEN_SECONDS", "5"))
# Roles that must use a TOTP second factor; required in production mode.
SECOND_FACTOR_REQUIRED_ROLES = env_list(
    "DATONG_2FA_ROLES", "staff,administrator" if PRODUCTION else ""
)
OTP_TOTP_ISSUER = os.environ.get("DATONG_OTP_ISSUER", "Datong")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DATONG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DATONG_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: only our own origin; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Uploads: limited in size; types checked before anything is stored (core.documents).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATONG_UPLOAD_MAX_BYTES = int(os.environ.get("DATONG_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))

# --- i18n (TIME-5: Asia/Shanghai for all legal dates) ----------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One house format for dates and times in both languages (2026-11-27, 2026-11-27 14:16).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# TIME-3 UNSURE: ordinary weekends count as rest days under CC art. 203 (court practice).
DATONG_WEEKEND_IS_REST_DAY = env_bool("DATONG_WEEKEND_IS_REST_DAY", True)

# Citizens' messages: Open311 clients may post without an API token (the spec allows it).
VOICES_OPEN311_ALLOW_ANONYMOUS = env_bool("VOICES_OPEN311_ALLOW_ANONYMOUS", True)
# The text models learn from the newest confirmed messages only (a city's whole history would
# not fit in the worker's memory), and are retrained nightly once this many new messages
# have been routed by staff since the active version (0: never by themselves).
VOICES_TRAIN_MAX_MESSAGES = int(os.environ.get("VOICES_TRAIN_MAX_MESSAGES", "50000"))
VOICES_RETRAIN_AFTER = int(os.environ.get("VOICES_RETRAIN_AFTER", "500"))
# A training fits its models in a child process, which hands the memory back when it ends (a
# 50,000-message training peaks at 3.4 GB; a worker process would keep it); 0 fits in the
# worker's own process.
# A new model version whose cross-validated macro-F1 is more than this below the version in use
# is kept but not put in use (staff may, on the models page).
VOICES_MODEL_WORSE_BY = float(os.environ.get("VOICES_MODEL_WORSE_BY", "0.02"))
VOICES_TRAIN_IN_CHILD = os.environ.get("VOICES_TRAIN_IN_CHILD", "1") not in ("0", "", "false")

# casework's partial indexes carry INCLUDE columns for PostgreSQL's index-only scans
# (bench/bench_casework.py); SQLite, the embedded default, ignores them, which is fine.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- static ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- mail and notifications -----------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEMO else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# Absolute links in notification e-mails (e.g. https://rd.example.org); empty: site paths.
DATONG_SITE_URL = os.environ.get("DATONG_SITE_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "datong@localhost")
# SMS is a pluggable backend, off by default (a contractor under SEC-12).
DATONG_SMS_BACKEND = os.environ.get("DATONG_SMS_BACKEND", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DATONG_LOG_LEVEL", "WARNING")},
}
