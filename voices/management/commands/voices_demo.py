"""Write the demo city's invented citizen messages and train its first text models.

    python manage.py voices_demo [--count 300]

Refuses a congress that is not demo data (is_demo), so it can never add invented
messages to a real city. Idempotent: a second run adds nothing (see voices.demo).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.organisation.models import HandlingUnit
from core.organisation.selectors import current_congress
from voices.demo import write_demo_messages


class Command(BaseCommand):
    help = "Write invented citizen messages for the demo city and train its first text models."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=300)

    def handle(self, *args, count: int, **options) -> None:
        congress = current_congress()
        if congress is None:
            raise CommandError("No congress is configured: run load_city first.")
        if not HandlingUnit.objects.filter(congress=congress, is_demo=True).exists():
            raise CommandError(f"{congress} is not the demo city: demo messages are written only there.")
        result = write_demo_messages(congress, count=count)
        models = ", ".join(str(model) for model in result["models"]) or "none"
        self.stdout.write(
            f"demo messages: {result['created']} written, {result['routed']} routed ({result['closed']} of them "
            f"closed long ago); models trained: {models}"
        )
