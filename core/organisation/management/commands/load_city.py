"""`manage.py load_city <dir> [--demo]`: load or update a city's organisation."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ValidationFailed
from core.organisation.loader import load_city


class Command(BaseCommand):
    help = "Load (or update) a city from <dir>/city.yaml and its rosters (deputies/units/stations.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="directory holding city.yaml and optional rosters")
        parser.add_argument("--demo", action="store_true", help="mark everything loaded as demo data")

    def handle(self, *args, directory, demo, **options):
        try:
            report = load_city(directory, demo=demo)
        except ValidationFailed as exc:
            row_errors = getattr(exc, "row_errors", None)
            lines = row_errors.messages() if row_errors else [f"{k}: {v}" for k, v in exc.details.items()]
            for line in lines:
                self.stderr.write(line)
            raise CommandError(f"{exc.message} (nothing was loaded)") from None
        for line in report.lines():
            self.stdout.write(line)
