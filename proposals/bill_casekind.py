"""The "interpellation" kind of case: a written reply to an interpellation (RES-2).

When the presidium decides on a written reply, the interpellation opens a case of this
kind, assigned to the organ interpellated; the organ's clerk submits the reply letter
signed by its head through casework (due dates, reminders, overdue flags as for any case).
The due date is the reply date the presidium set (RES-2: "按照主席团的决定"), kept as the
calendar days to it (`casework.rules.SET_DATE`): a day the presidium named is no period
counted under TIME-3, so it never moves to the next working day. The interpellation's page,
the organ's reply form and casework's reminders and overdue flags all read that one day.

The signers' ratings and the RES-2 count stay with the interpellation; staff record the
signers' outcome on the case (`further_reply`: casework sends it back to the organ, as a
re-handling round; `no_further_reply`: it closes). Merging, withdrawing, re-handling and
closing the case by hand are refused (bill_permissions.CASE_OVERRIDES).

Registered once from ProposalsConfig.ready().
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casework import kinds
from casework.rules import SET_DATE, Period
from core.accounts.roles import Role

from . import bill_permissions
from . import bill_rules as rules

NAME = "interpellation"


def _latest_round(case):
    from .bill_models import InterpellationRound

    return InterpellationRound.objects.filter(case=case).order_by("-number").first()


def reply_period(params, case=None) -> Period:
    """RES-2: the reply date the presidium set for the round, as the days to it (SET_DATE)."""
    found = _latest_round(case) if case is not None else None
    return Period(SET_DATE, int(found.due_days) if found is not None else 0, "RES-2")


def case_url(case) -> str:
    found = _latest_round(case)
    if found is None:
        return ""
    try:
        return reverse("bills:interpellation-detail", args=[found.interpellation_id])
    except NoReverseMatch:
        return ""


INTERPELLATION = kinds.register(
    kinds.CaseKind(
        name=NAME,
        prefix=bill_permissions.I_PREFIX,
        label=_("interpellation"),
        reply_period=reply_period,
        rehandle_period=reply_period,
        extension_needs_approval=lambda params: True,
        reply_classes=lambda params: [rules.WRITTEN_REPLY_CLASS],
        satisfaction_scale=lambda params: list(rules.CASE_OUTCOMES),
        # The signers' own ratings (with their comments) stay with the interpellation; staff
        # only record the outcome on the case (`further_reply` re-handles it).
        dissatisfied_needs_comment=False,
        url=case_url,
        permissions=bill_permissions.CASE_OVERRIDES,
        recipient_roles=(Role.DEPUTY,),
    )
)
