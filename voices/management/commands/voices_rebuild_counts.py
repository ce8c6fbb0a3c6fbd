"""Recount the daily counts of messages exactly from the messages (after bulk back-dated loads).

    manage.py voices_rebuild_counts                  # every congress, every day
    manage.py voices_rebuild_counts --since 2025-01-01
    manage.py voices_rebuild_counts --check          # only list the buckets that disagree
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Rebuild the daily counts of messages (voices.MessageDailyCount) from the messages."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Only the days from this date (YYYY-MM-DD) on.")
        parser.add_argument("--congress", type=int, help="Only this congress (its id).")
        parser.add_argument("--check", action="store_true", help="Change nothing: list the buckets that disagree.")

    def handle(self, *args, since=None, congress=None, check=False, **options):
        from voices.services import counts

        if check:
            problems = counts.drift(congress)
            for line in problems:
                self.stdout.write(line)
            if problems:
                raise CommandError(f"{len(problems)} daily counts disagree with the messages.")
            self.stdout.write("The daily counts agree with the messages.")
            return
        day = None
        if since:
            try:
                day = datetime.date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError(f"--since: {exc}") from exc
        verbose = options.get("verbosity", 1) > 1
        written = counts.rebuild_counts(
            congress=congress, since=day, progress=(lambda text: self.stdout.write(f"  {text}")) if verbose else None
        )
        self.stdout.write(f"{written} daily counts written.")
