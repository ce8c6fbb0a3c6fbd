"""`manage.py make_demo_city [--out DIR] [--seed N] [--load]`: write the demo city's rosters.

The demo city lives in the project's `demo/` package (its city.yaml and its generator), the
only place where a real city's name may appear; this command only runs that generator, and
with `--load` loads the result as demo data (`load_city --demo`).
"""

import importlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.errors import ValidationFailed
from core.organisation.loader import load_city


class Command(BaseCommand):
    help = "Generate the demo city's deputies/units/stations rosters (seeded, deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--generator", default="demo.generate", help="module with generate(out_dir, seed=)")
        parser.add_argument("--out", default=None, help="output directory (default: the generator's own)")
        parser.add_argument("--seed", type=int, default=None, help="random seed (default: the generator's)")
        parser.add_argument("--load", action="store_true", help="then load the city as demo data")

    def handle(self, *args, generator, out, seed, load, **options):
        module = importlib.import_module(generator)
        out_dir = Path(out) if out else Path(module.DEFAULT_OUT)
        if not out_dir.is_absolute():
            out_dir = Path(settings.BASE_DIR) / out_dir
        kwargs = {} if seed is None else {"seed": seed}
        written = module.generate(out_dir, **kwargs)
        for path in written:
            self.stdout.write(f"wrote {path}")
        if load:
            try:
                report = load_city(out_dir, demo=True)
            except ValidationFailed as exc:
                for key, value in exc.details.items():
                    self.stderr.write(f"{key}: {value}")
                raise CommandError(f"{exc.message} (nothing was loaded)") from None
            for line in report.lines():
                self.stdout.write(line)
