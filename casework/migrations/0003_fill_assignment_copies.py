"""Fill the assignments' copies of their case (kind, is_open, is_key_supervised) and the
units' tallies for rows that existed before them (SQLite and PostgreSQL: plain ORM)."""

from django.db import migrations
from django.db.models import Count, F, OuterRef, Q, Subquery

# As in casework.rules at the time of writing (no app imports in a migration).
PENDING = "pending"
DONE = "replied"
CANCELLED = "withdrawn"
HANDLING_STATES = ("assigned", "rehandling")


def fill(apps, schema_editor):
    Assignment = apps.get_model("casework", "Assignment")
    Case = apps.get_model("casework", "Case")
    UnitTally = apps.get_model("casework", "UnitTally")
    of_case = Case.objects.filter(pk=OuterRef("case_id"))
    Assignment.objects.update(
        kind=Subquery(of_case.values("kind")[:1]),
        is_key_supervised=Subquery(of_case.values("is_key_supervised")[:1]),
        is_open=False,
    )
    Assignment.objects.filter(status=PENDING, case__status__in=HANDLING_STATES).update(is_open=True)
    UnitTally.objects.all().delete()
    rows = (
        Assignment.objects.exclude(status=CANCELLED)
        .values("kind", "unit_id")
        .annotate(
            assignments=Count("pk"),
            open=Count("pk", filter=Q(is_open=True)),
            replied=Count("pk", filter=Q(status=DONE)),
            replied_on_time=Count("pk", filter=Q(status=DONE, replied_on__lte=F("due_on"))),
        )
        .order_by("kind", "unit_id")
    )
    UnitTally.objects.bulk_create(
        [
            UnitTally(kind=r["kind"], unit_id=r["unit_id"], assignments=r["assignments"], open=r["open"],
                      replied=r["replied"], replied_on_time=r["replied_on_time"])
            for r in rows
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("casework", "0002_assignment_desk_copies_and_unit_tally"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
