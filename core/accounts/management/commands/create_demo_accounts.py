"""`manage.py create_demo_accounts`: one demo account per role, for `make demo` only.

Idempotent: a second run resets the demo passwords and changes nothing else. Refuses to run
in production mode (neither DATONG_DEMO nor DATONG_DEBUG set), since the passwords are fixed and printed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts import services
from core.accounts.models import User
from core.accounts.roles import Role


def demo_password(role: str) -> str:
    return f"demo-{role.replace('_', '-')}-2026"


def demo_username(role: str) -> str:
    return f"demo-{role.replace('_', '-')}"


def _current_congress():
    from core.organisation.models import Congress

    return (
        Congress.objects.filter(terms__is_current=True).order_by("pk").first()
        or Congress.objects.order_by("pk").first()
    )


def _demo_unit():
    """The first handling unit of the current congress; a placeholder only if there is none."""
    from core.organisation.models import Congress, HandlingUnit

    congress = _current_congress()
    if congress is None:
        congress, _created = Congress.objects.get_or_create(
            name="示例人民代表大会", defaults={"region_name": "示例", "is_demo": True}
        )
    unit = HandlingUnit.objects.filter(congress=congress, is_active=True).order_by("code", "pk").first()
    if unit is None:
        unit, _created = HandlingUnit.objects.get_or_create(
            congress=congress, code="DEMO-UNIT", defaults={"name": "示例承办单位", "is_demo": True}
        )
    return unit


def _demo_deputy():
    from core.organisation.models import Deputy

    free = Deputy.objects.filter(user__isnull=True, in_office=True)
    return free.filter(term__is_current=True).order_by("pk").first() or free.order_by("pk").first()


class Command(BaseCommand):
    help = "Create (or reset) one demo account per role and print their passwords. Demo mode only."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                _("Demo accounts have fixed passwords: this command runs only in demo mode (DATONG_DEMO=1).")
            )
        rows = []
        with transaction.atomic():
            unit = _demo_unit()
            for role in Role.values:
                username, password = demo_username(role), demo_password(role)
                existing = User.objects.filter(username=username).first()
                if existing is not None:
                    if not existing.is_demo:
                        raise CommandError(
                            _("%(username)s exists and is not a demo account; nothing was changed.")
                            % {"username": username}
                        )
                    services.update_demo_account(user_id=existing.pk, password=password, handling_unit=unit)
                else:
                    deputy = _demo_deputy() if role == Role.DEPUTY else None
                    services.create_account(
                        by=None,
                        username=username,
                        role=role,
                        # A placeholder name (the role's), except for a deputy account linked to a
                        # deputy: that one is shown with the deputy's own name.
                        first_name="" if deputy is not None else str(Role(role).label),
                        password=password,
                        handling_unit=unit if role == Role.UNIT_CLERK else None,
                        deputy=deputy,
                        is_demo=True,
                    )
                rows.append((role, username, password))
        width = max(len(r[1]) for r in rows)
        self.stdout.write(f"{'role':<14} {'username':<{width}} password")
        for role, username, password in rows:
            self.stdout.write(f"{role:<14} {username:<{width}} {password}")
