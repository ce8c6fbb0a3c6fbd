"""The "message" kind of case (MSG-3..7): its periods, scales and permissions.

A citizen's message opens a case of this kind on receipt (voices.services.receive_message);
routing assigns it with the regime's deadline (12345: working days by nature, MSG-3;
信访: calendar days, MSG-6; a deputy's voice: a configurable period). Casework then owns the
reply, the call-back rating (MSG-4), re-handling and merging. Registered once from
VoicesConfig.ready(); `message.view` follows voices.view (SEC-8, MSG-7).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casework import kinds
from core.accounts.roles import Role

from . import permissions, rules

NAME = "message"


def _message(case):
    if case is None:
        return None
    from .models import Message

    return Message.objects.filter(case_id=case.pk).only("regime", "nature", "is_urgent").first()


def _facts(case) -> dict:
    message = _message(case)
    if message is None:
        return {"regime": rules.HOTLINE, "nature": rules.HELP, "is_urgent": False}
    return {"regime": message.regime, "nature": message.nature, "is_urgent": message.is_urgent}


def reply_period(params, case=None):
    return rules.reply_period(params, **_facts(case))


def extended_period(params, case=None):
    return rules.extended_period(params, **_facts(case))


def assisting_period(params, case=None):
    return rules.assisting_period(params, **_facts(case))


def rehandle_period(params, case=None):
    return rules.rehandle_period(params, **_facts(case))


def case_reference(case) -> str:
    """The message's tracking number: how the citizen's notices name it (never its subject,
    which may be another citizen's words after a merge)."""
    if case is None:
        return ""
    from .models import Message

    return Message.objects.filter(case_id=case.pk).values_list("tracking_number", flat=True).first() or ""


def case_url(case) -> str:
    message = _message(case)
    if message is None:
        return ""
    try:
        return reverse("voices:message-detail", args=[message.pk])
    except NoReverseMatch:
        return ""


MESSAGE = kinds.register(
    kinds.CaseKind(
        name=NAME,
        prefix="message",
        label=_("citizen message"),
        reply_period=reply_period,
        extended_period=extended_period,
        rehandle_period=rehandle_period,
        # 协办: a lead unit with assisting units, as 12345 centres route matters of several units.
        assisting_period=assisting_period,
        extension_needs_approval=lambda params: True,
        reply_classes=lambda params: list(params.get("reply_classes") or ["A", "B", "C", "D"]),
        satisfaction_scale=lambda params: list(rules.SATISFACTION_SCALE),
        url=case_url,
        reference=case_reference,
        permissions={"view": permissions.can_view_case},
        recipient_roles=(Role.CITIZEN, Role.DEPUTY),
        # MSG-3: a work order is answered in writing by the unit; no signed letter needed.
        reply_needs_letter=False,
        # A 12345 centre's past work orders come with their outcome (voices.importing).
        past_outcomes=True,
        # MSG-4: the citizen does not rate the reply; staff call back and record it.
        replies_complete_title=_(
            "The reply to “%(title)s” is in: staff will call you back to ask whether you are satisfied with it"),
    )
)
