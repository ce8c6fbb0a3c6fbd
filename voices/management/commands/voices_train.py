"""`manage.py voices_train [--congress CODE] [--purpose category|unit]`: train the message models.

Trains each congress's category and unit models from its confirmed history (SEC-10: they
only suggest), stores the cross-validated figures and activates the new versions. CODE is
the congress's region code, its name or its id; without it every congress is trained.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core.errors import ValidationFailed
from core.organisation.models import Congress


class Command(BaseCommand):
    help = "Train the citizens' message models (category, unit) from confirmed history."

    def add_arguments(self, parser):
        parser.add_argument("--congress", default=None, help="region code, name or id of the congress")
        parser.add_argument("--purpose", action="append", choices=["category", "unit"], default=None)

    def handle(self, *args, congress, purpose, **options):
        from voices.services.training import PURPOSES, train

        congresses = Congress.objects.order_by("pk")
        if congress:
            match = Q(region_code=congress) | Q(name=congress)
            if congress.isdigit():
                match |= Q(pk=int(congress))
            congresses = congresses.filter(match)
            if not congresses.exists():
                raise CommandError(f"no congress {congress!r}")
        failed = False
        for each in congresses:
            try:
                made = train(by=None, congress=each, purposes=tuple(purpose or PURPOSES))
            except ValidationFailed as exc:
                failed = True
                for key, value in exc.details.items():
                    self.stderr.write(f"{each.name}: {key}: {value}")
                continue
            for model in made:
                self.stdout.write(
                    f"{each.name}: {model.purpose} v{model.version} n={model.n_train} "
                    f"accuracy={model.metrics['accuracy']} macro_f1={model.metrics['macro_f1']}"
                    + ("" if model.is_active else " (not put in use: it measures worse than the version in use)")
                )
        if failed and congress:
            raise CommandError("nothing could be trained")
