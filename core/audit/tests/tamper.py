"""Test-only helpers that do what an attacker with database access would do."""

from __future__ import annotations

import importlib
from contextlib import contextmanager

from django.db import connection

_migration = importlib.import_module("core.audit.migrations.0005_append_only_trigger")
TRIGGER = _migration.TRIGGER


@contextmanager
def trigger_off():
    """Switch the append-only trigger off (as the table owner could), and back on after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")
            else:
                for statement in _migration.STATEMENTS["sqlite"][0]:
                    cursor.execute(statement)


def raw(sql: str, params=()) -> None:
    """Run SQL against the audit table with the trigger off."""
    with trigger_off(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def trigger_exists() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = 'audit_auditentry'::regclass",
                [TRIGGER],
            )
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER])
        return cursor.fetchone() is not None
