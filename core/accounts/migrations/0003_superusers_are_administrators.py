"""Data: before the admin is limited to administrators, make existing superusers administrators
(they already had every right) and take the admin flag from everyone else."""

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_superuser=True).exclude(role="administrator").update(
        role="administrator", handling_unit=None
    )
    User.objects.filter(is_staff=True, is_superuser=False).exclude(role="administrator").update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
