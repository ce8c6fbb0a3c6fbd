"""MSG-6(a): letters to the congress (信访) still awaiting the decision to accept them after
their acceptance deadline are flagged once, and staff, who take that decision, are told.

The periodic job `voices.flag_overdue_acceptances` (voices.periodic) runs it, as casework's
`flag_overdue` does for late replies (TIME-6: overdue from 00:00 Asia/Shanghai the day after
the due date). Acts as the system (audit actor None); idempotent and safe to run twice or at
once: each message is claimed by one conditional UPDATE.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.audit.services import record
from core.notify.services import notify
from core.organisation.models import Congress
from core.organisation.rules import effective_parameters
from core.workcalendar import rules as time_rules
from core.workcalendar import selectors as work_calendar

from .. import rules, selectors
from ..models import Message
from .intake import _staff

_L = gettext_lazy

ACTION = "voices.acceptance_overdue"


def flag_overdue_acceptances(*, now: datetime | None = None) -> int:
    """Flag each letter to the congress whose decision to accept it is overdue (MSG-6(a)),
    once: the flag's time on the message and an audit entry with its due date; then tell the
    active staff in one notification per congress, linking the list of overdue letters.
    Returns how many were flagged."""
    now = now or timezone.now()
    calendar = work_calendar.current_calendar()
    total = 0
    for congress in Congress.objects.order_by("pk"):
        params = effective_parameters(congress)
        candidates = selectors.awaiting_acceptance_overdue(congress, now=now).filter(
            acceptance_overdue_flagged_at__isnull=True)
        flagged = 0
        for message in candidates.iterator(chunk_size=500):
            due_on = rules.acceptance_due(time_rules.local_date(message.received_at), params, calendar)
            with transaction.atomic():
                claimed = Message.objects.filter(
                    pk=message.pk, status=Message.Status.RECEIVED, acceptance_overdue_flagged_at__isnull=True,
                ).update(acceptance_overdue_flagged_at=now)
                if not claimed:  # another runner flagged it, or staff decided meanwhile
                    continue
                record(actor=None, action=ACTION, target=message, data={"due_on": due_on, "rule": "MSG-6"})
            flagged += 1
        if flagged:
            with transaction.atomic():
                notify(
                    recipients=_staff(), action=ACTION,
                    title=_L("Letters to the congress past the deadline to decide whether they are accepted: "
                             "%(count)s"),
                    body=_L("The writers must be told in writing whether their letters are accepted (MSG-6)."),
                    url=reverse("voices:message-list") + "?regime=petition&overdue=yes",
                    params={"count": flagged},
                )
        total += flagged
    return total
