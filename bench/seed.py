"""Seed a throwaway benchmark database: users, a session, a token, a few rows to list.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.seed OUT.json

Writes {"session": <staff session key>, "token": <administrator API token>, "seeded": {...}}.
The demo city is loaded when its commands exist; the inbox gets rows to page through.
"""

import json
import sys

import django


def main(out: str) -> None:
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from core.accounts.models import ApiToken, User
    from core.accounts.roles import Role

    seeded: dict = {}
    from django.core.management import call_command, get_commands

    if {"make_demo_city", "load_city"} <= set(get_commands()):
        import os

        city = os.path.join(os.path.dirname(out), "demo_city")
        call_command("make_demo_city", out=city, verbosity=0)
        call_command("load_city", city, verbosity=0)
        seeded["demo_city"] = True
    staff, _ = User.objects.get_or_create(username="bench-staff", defaults={"role": Role.STAFF})
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMINISTRATOR})
    seeded["users"] = User.objects.count()

    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()

    token = ApiToken.new_key()
    ApiToken.objects.create(user=staff, name="bench", key_hash=ApiToken.hash_key(token), prefix=token[:8])

    try:
        from core.notify.services import notify
    except ImportError:
        seeded["notifications"] = 0
    else:
        for number in range(60):
            notify(
                recipients=[staff],
                action="bench.seed",
                title="Benchmark notice %(number)s",
                params={"number": number},
                email=False,
                sms=False,
            )
        seeded["notifications"] = 60

    with open(out, "w") as handle:
        json.dump({"session": session.session_key, "token": token, "seeded": seeded}, handle)


if __name__ == "__main__":
    main(sys.argv[1])
