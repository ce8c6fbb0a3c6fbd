"""Every change to a case: one function per event, through `core.workflow.perform`.

Each public service locks the case row, checks the permission `<prefix>.<verb>` of the
case's kind (`suggestion.assign`), checks the state (`rules.TRANSITIONS`) and the rule,
writes, appends the audit entry (target: the case, so its history is one query) and puts
the notifications in the inboxes, all in one transaction (docs/actions/README.md).

Domains call these through thin wrappers of their own (proposals: `assign_suggestion`);
`open_case` is the one helper without a permission check, for a domain service that has
checked its own (registering a suggestion opens its case).

Jobs (`send_reminders`, `flag_overdue`, `recompute_due_dates`) act as the system (audit
actor "system"), are idempotent and safe to run twice or at once.

`now=` exists for back-dated imports of paper records and for tests; pages and the API
never pass it.
"""

from .base import (
    LETTER_TYPES,
    RecipientSpec,
    kind_of,
    live_case,
    open_case,
    open_cases,
    params_for,
    recipient_users,
)
from .changes import merge_cases, supervise_case, withdraw_case
from .derived import deferred_tallies
from .feedback import close_case, rate_reply, rehandle_case
from .handling import approve_extension, assign_case, submit_reply
from .jobs import flag_overdue, on_calendar_changed, recompute_due_dates, send_reminders
from .past import record_past_outcome

__all__ = [
    "LETTER_TYPES",
    "RecipientSpec",
    "approve_extension",
    "assign_case",
    "close_case",
    "deferred_tallies",
    "flag_overdue",
    "kind_of",
    "live_case",
    "merge_cases",
    "on_calendar_changed",
    "open_case",
    "open_cases",
    "params_for",
    "rate_reply",
    "recipient_users",
    "record_past_outcome",
    "recompute_due_dates",
    "rehandle_case",
    "send_reminders",
    "submit_reply",
    "supervise_case",
    "withdraw_case",
]
