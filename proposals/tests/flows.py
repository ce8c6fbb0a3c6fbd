"""Bring a suggestion to a given step through the services, for the page and API tests
(the `city` fixture of conftest.py: deputies 0-3 with accounts, units 0-2 with a clerk each,
staff). Each helper returns the suggestion, re-read."""

from __future__ import annotations

from casework import rules as case_rules
from casework.models import Assignment, Reply
from proposals import services
from proposals.models import Suggestion

from .factories import CONTENT


def reread(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_related("case").get(pk=suggestion.pk)


def draft(city, *, filer: int = 0, subject: str = "关于学校门前增设信号灯的建议", content: str = CONTENT) -> Suggestion:
    return services.create_draft(by=city["deputies"][filer].user, subject=subject, content=content)


def submitted(city, *, cosigners=(), **kwargs) -> Suggestion:
    suggestion = draft(city, **kwargs)
    filer = suggestion.filed_by.user
    for index in cosigners:
        invitation = services.invite_cosigner(by=filer, suggestion=suggestion, deputy=city["deputies"][index])
        services.confirm_cosignature(by=city["deputies"][index].user, cosignature=invitation)
    services.submit_suggestion(by=filer, suggestion=suggestion)
    return reread(suggestion)


def registered(city, **kwargs) -> Suggestion:
    suggestion = submitted(city, **kwargs)
    services.register_suggestion(by=city["staff"], suggestion=suggestion)
    return reread(suggestion)


def assigned(city, *, lead: int = 0, assisting=(), **kwargs) -> Suggestion:
    suggestion = registered(city, **kwargs)
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][lead],
                               assisting=[city["units"][i] for i in assisting])
    return reread(suggestion)


def lead_assignment(suggestion: Suggestion, round_number: int | None = None) -> Assignment:
    case = suggestion.case.merged_into or suggestion.case
    return Assignment.objects.get(case=case, role=case_rules.LEAD, round=round_number or case.round)


def pdf_letter(name: str = "letter.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% signed\n%%EOF\n", content_type="application/pdf")


def replied(city, *, lead: int = 0, **kwargs) -> Suggestion:
    suggestion = assigned(city, lead=lead, **kwargs)
    answer(city, suggestion, unit=lead)
    return reread(suggestion)


def answer(city, suggestion: Suggestion, *, unit: int = 0, reply_class: str = "A") -> Reply:
    return services.reply_to_suggestion(
        by=city["clerks"][unit], assignment=lead_assignment(suggestion), body="经研究，已落实。",
        reply_class=reply_class, letter=pdf_letter(), signed_by="局长",
    )


def rate(city, suggestion: Suggestion, satisfaction: str, *, filer: int = 0, comment: str | None = None):
    """Rate the latest lead reply; a dissatisfied rating says why (SUGG-7) unless `comment` is given."""
    case = suggestion.case.merged_into or suggestion.case
    reply = Reply.objects.filter(case=case, round=case.round, role=case_rules.LEAD).latest("pk")
    if comment is None:
        comment = "答复没有解决问题。" if satisfaction == "dissatisfied" else ""
    services.rate_suggestion_reply(by=city["deputies"][filer].user, reply=reply, satisfaction=satisfaction,
                                   comment=comment)
    return reread(suggestion)
