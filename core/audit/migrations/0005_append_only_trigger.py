"""The database refuses to change audit entries, whoever asks (the third guard after the model
and the queryset).

PostgreSQL: UPDATE and DELETE are refused row by row. TRUNCATE is left to the table owner
(`manage.py flush` and the test runner use it); emptying the entries alone still shows, as
the chain head remembers how long the chain was.
SQLite: UPDATE is refused. DELETE is not, because SQLite's `flush` deletes rows one table at
a time; the model, the queryset and the chain guard deletions there. SQLite drops a table's
triggers when a migration rebuilds the table: a later migration that alters AuditEntry must
re-create this trigger (core/audit/tests/test_append_only.py fails if it is missing).
"""

from django.db import migrations

TRIGGER = "audit_entry_append_only"

STATEMENTS = {
    "postgresql": (
        [
            f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP;
            END
            $$""",
            f"""CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON audit_auditentry
            FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()""",
        ],
        [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditentry",
            f"DROP FUNCTION IF EXISTS {TRIGGER}()",
        ],
    ),
    "sqlite": (
        [
            f"""CREATE TRIGGER IF NOT EXISTS {TRIGGER} BEFORE UPDATE ON audit_auditentry
            BEGIN
                SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused');
            END""",
        ],
        [f"DROP TRIGGER IF EXISTS {TRIGGER}"],
    ),
}


def _run(schema_editor, index: int) -> None:
    up_down = STATEMENTS.get(schema_editor.connection.vendor)
    if up_down is None:
        return  # another database: the model and queryset guards still hold
    for statement in up_down[index]:
        schema_editor.execute(statement, params=None)


def create_trigger(apps, schema_editor):
    _run(schema_editor, 0)


def drop_trigger(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_entry_position_required"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
