"""The table of the "shared" cache when it is a database cache (no REDIS_URL: settings.CACHES).

`createcachetable` makes the table of every database cache configured and skips those that
exist, so running it here is safe on every database and under every setting; without Redis it
is what lets the worker's results (hot topics) reach the web server."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_failures_progress_periodic")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
