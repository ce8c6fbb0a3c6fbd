"""The "suggestion" kind of case (SUGG-3..7): its periods, lists and permissions.

Registered once from ProposalsConfig.ready(); casework then registers the action codes
`suggestion.assign`, `suggestion.reply`, ... with its default predicates, except `view`
and `withdraw`, which suggestions decide (proposals/permissions.py).
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casework import kinds
from core.accounts.roles import Role

from . import permissions, rules

NAME = "suggestion"


def case_url(case) -> str:
    """The suggestion's page (empty until the pages exist: `proposals:suggestion-detail`)."""
    suggestion = getattr(case, "suggestion", None)
    if suggestion is None:
        return ""
    try:
        return reverse("proposals:suggestion-detail", args=[suggestion.pk])
    except NoReverseMatch:
        return ""


def case_reference(case) -> str:
    """The suggestion's number ("2026-0001"), "" before it has one."""
    suggestion = getattr(case, "suggestion", None)
    return (suggestion.number or "") if suggestion is not None else ""


SUGGESTION = kinds.register(
    kinds.CaseKind(
        name=NAME,
        prefix="suggestion",
        label=_("suggestion"),
        reply_period=rules.reply_period,
        extended_period=rules.extended_period,
        assisting_period=rules.assisting_period,
        rehandle_period=rules.rehandle_period,
        extension_needs_approval=rules.extension_needs_approval,
        reply_classes=lambda params: list(params.get("reply_classes") or ["A", "B", "C", "D"]),
        satisfaction_scale=lambda params: list(
            params.get("satisfaction_scale") or ["satisfied", "basically_satisfied", "dissatisfied"]
        ),
        url=case_url,
        reference=case_reference,
        permissions={"view": permissions.can_view, "withdraw": permissions.can_withdraw},
        recipient_roles=(Role.DEPUTY,),
    )
)
