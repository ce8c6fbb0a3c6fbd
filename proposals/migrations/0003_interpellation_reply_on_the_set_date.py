"""RES-2: a written reply to an interpellation is due on the day the presidium set. Cases
assigned before were counted as a period of calendar days and moved past a rest day under
TIME-3 (a reply set for Sunday 2026-11-29 was due Monday 2026-11-30 on the organ's form);
the organ's replies still owed are put back on the day set, counted as days to it
(`casework.rules.SET_DATE`). Replied assignments keep their date: the units' on-time
counts were kept from it."""

from datetime import timedelta

from django.db import migrations

# As in casework.rules and proposals.bill_casekind at the time of writing (no app imports).
KIND = "interpellation"
PENDING = "pending"
DAYS = "days"
SET_DATE = "set_date"
RULE = "RES-2"


def to_the_set_date(apps, schema_editor):
    Assignment = apps.get_model("casework", "Assignment")
    rows = Assignment.objects.filter(kind=KIND, status=PENDING, due_unit=DAYS, due_rule=RULE).order_by("pk")
    for row in rows.iterator(chunk_size=500):
        row.due_unit = SET_DATE
        row.due_on = row.due_from + timedelta(days=row.due_count)
        row.due_provisional = False
        row.save(update_fields=["due_unit", "due_on", "due_provisional"])


class Migration(migrations.Migration):

    dependencies = [
        ("casework", "0004_assignment_due_unit_set_date"),
        ("proposals", "0002_bills_and_interpellations"),
    ]

    operations = [
        migrations.RunPython(to_the_set_date, migrations.RunPython.noop),
    ]
