"""`python manage.py deadline --from 2026-07-01 --months 3` prints `2026-10-08`.

Exactly one of --months, --days, --working-days. A provisional result (TIME-4: a year whose
official schedule is not entered yet) prints the date followed by ` provisional`, and a
warning on stderr. Bad input exits non-zero with the reason on stderr.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from core.workcalendar import selectors
from core.workcalendar.forms import DeadlineForm, errors_of
from core.workcalendar.source import LayeredCalendar

OPTION_NAMES = {"from": "--from", "months": "--months", "days": "--days", "working_days": "--working-days"}


class Command(BaseCommand):
    help = "Compute a statutory deadline over the working-day calendar (rules TIME-1..4)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", metavar="YYYY-MM-DD", help="the day of the event (not counted)"
        )
        parser.add_argument("--months", metavar="N", help="calendar months (TIME-3)")
        parser.add_argument("--days", metavar="N", help="calendar days (TIME-1/2)")
        parser.add_argument("--working-days", dest="working_days", metavar="N", help="working days (TIME-4)")

    def handle(self, *args, **options):
        data = {"from": options.get("start") or ""}
        for unit in ("months", "days", "working_days"):
            value = options.get(unit)
            data[unit] = "" if value is None else str(value)
        form = DeadlineForm(data=data)
        if not form.is_valid():
            problems = []
            for field, message in errors_of(form).items():
                if field == "unit":
                    problems.append(_("Give exactly one of --months, --days or --working-days."))
                else:
                    problems.append(f"{OPTION_NAMES.get(field, field)}: {message}")
            raise CommandError("; ".join(problems))
        cleaned = form.cleaned_data
        try:
            calendar = selectors.current_calendar()
        except DatabaseError:
            # A database without the holiday table (not migrated yet): chinese-calendar alone,
            # and say so, since staff overrides cannot be applied.
            self.stderr.write(
                _("Warning: the holiday table is not set up (run migrate); using the official calendar only.")
            )
            calendar = LayeredCalendar.build((), ())
        deadline = selectors.compute(form.start, cleaned["unit"], cleaned["count"], calendar=calendar)
        if deadline.provisional:
            self.stderr.write(
                _(
                    "Warning: the official holiday schedule of a year this period touches is not "
                    "entered yet; the date is provisional (TIME-4)."
                )
            )
        self.stdout.write(str(deadline))
