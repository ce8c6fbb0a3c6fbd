"""Production mode refuses to start without the production settings (secure by default)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env_extra: dict, code: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.base", **env_extra}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_production_mode_is_the_default_and_secure():
    done = run_settings(
        {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "rd.example.org"},
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_SSL_REDIRECT, s.LANGUAGE_CODE, s.TIME_ZONE)",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True", "True", "True", "zh-hans", "Asia/Shanghai"]


def test_server_refuses_to_start_in_production_without_a_secret_key():
    done = run_settings({"ALLOWED_HOSTS": "rd.example.org"}, "import config.wsgi")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_server_starts_in_production_with_the_settings():
    done = run_settings({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "rd.example.org"}, "import config.wsgi")
    assert done.returncode == 0, done.stderr


def test_demo_mode_has_a_demo_key_and_no_https_redirect():
    done = run_settings(
        {"DATONG_DEBUG": "1"},
        "import django; django.setup(); from django.conf import settings as s;"
        "print(bool(s.SECRET_KEY), getattr(s, 'SECURE_SSL_REDIRECT', False))",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]


def test_the_demo_runs_as_a_city_would_see_it_with_debug_off():
    # `make demo` (DATONG_DEMO=1): demo key, local hosts, no HTTPS, mail on the console; but
    # DEBUG is off, so a missing page is the site's 404, not Django's list of URL patterns.
    done = run_settings(
        {"DATONG_DEMO": "1"},
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.DEMO, s.PRODUCTION, bool(s.SECRET_KEY), getattr(s, 'SECURE_SSL_REDIRECT', False),"
        " '127.0.0.1' in s.ALLOWED_HOSTS, 'console' in s.EMAIL_BACKEND)",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "False", "True", "False", "True", "True"]


def test_production_mode_refuses_to_start_without_a_content_security_policy_middleware():
    # Django's settings are the production ones; only the middleware list differs.
    code = (
        "import django; django.setup(); from django.conf import settings as s; from core import checks;"
        "print(checks.production_problems());"
        "s.MIDDLEWARE = [m for m in s.MIDDLEWARE if 'CSPMiddleware' not in m];"
        "print(checks.production_problems())"
    )
    done = run_settings({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "rd.example.org"}, code)
    assert done.returncode == 0, done.stderr
    installed, removed = done.stdout.strip().splitlines()
    assert installed == "[]"  # our subclass of django-csp's middleware counts
    assert "Content Security Policy" in removed
