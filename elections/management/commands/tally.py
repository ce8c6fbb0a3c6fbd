"""`manage.py tally FILE.json` (or `-` for stdin): count one election round offline."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from balloting.rules import BallotInputError
from elections.tally import tally


class Command(BaseCommand):
    help = "Count one election round from JSON (docs/tally-format.md) and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the round as JSON, or - to read standard input")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if path == "-":
                data = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from exc
        try:
            result = tally(data)
        except BallotInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
