"""Reads of suggestions for desks, the API, exports and the SUGG-8 report, scoped to the user.

- staff: every suggestion except other people's drafts (a draft entered by staff is shared
  by the office, which types in paper suggestions);
- a deputy: what they filed, what they are invited to co-sign, and what is merged with a
  suggestion of theirs;
- a unit clerk: suggestions whose case (or the case it was merged into) is assigned to
  their unit;
- anyone else: nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules as case_rules
from casework import selectors as case_selectors
from casework.models import Assignment, Case, Recipient
from core.accounts.roles import Role
from core.errors import NotFound
from core.organisation.rules import effective_parameters
from core.permissions import has_perm, role_of
from core.web.published import PublishedItem
from core.workcalendar import rules as time_rules

from . import permissions, rules
from .models import Cosignature, HandlingReport, Suggestion, SuggestionCategory


def suggestion_url(suggestion: Suggestion) -> str:
    """The suggestion's page (`proposals:suggestion-detail`), "" until the pages exist."""
    try:
        return reverse("proposals:suggestion-detail", args=[suggestion.pk])
    except NoReverseMatch:
        return ""


def _scope(user, queryset: QuerySet) -> QuerySet:
    role = role_of(user)
    if not has_perm(user, permissions.VIEW):
        return queryset.none()
    if role == Role.STAFF:
        return queryset.filter(~Q(status=Suggestion.Status.DRAFT) | Q(entered_by__role=Role.STAFF))
    if role == Role.DEPUTY:
        deputy = permissions.deputy_of(user)
        if deputy is None:
            return queryset.none()
        mine = Q(user=user) | Q(deputy__user=user)
        return queryset.filter(
            Q(filed_by=deputy)
            | Exists(Cosignature.objects.filter(suggestion=OuterRef("pk"), deputy=deputy))
            | Exists(Recipient.objects.filter(mine, case=OuterRef("case_id")))
        )
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        unit = user.handling_unit_id
        return queryset.filter(
            Exists(Assignment.objects.filter(case=OuterRef("case_id"), unit_id=unit))
            | Exists(Assignment.objects.filter(case=OuterRef("case__merged_into_id"), unit_id=unit))
        )
    return queryset.none()


def suggestions_for(
    user,
    *,
    status: str | list[str] | None = None,
    case_status: str | list[str] | None = None,
    category: int | None = None,
    term: int | None = None,
    session: int | None = None,
    key_supervised: bool | None = None,
    unit: int | None = None,
    q: str = "",
) -> QuerySet:
    """The suggestions `user` may see, newest first. `status` filters the suggestion's own
    state, `case_status` the state of its handling (assigned, replied, closed, ...)."""
    queryset = _scope(
        user, Suggestion.objects.select_related("filed_by", "category", "case", "session", "term")
    )
    if status:
        queryset = queryset.filter(status__in=[status] if isinstance(status, str) else status)
    if case_status:
        queryset = queryset.filter(case__status__in=[case_status] if isinstance(case_status, str) else case_status)
    if category:
        queryset = queryset.filter(category_id=category)
    if term:
        queryset = queryset.filter(term_id=term)
    if session:
        queryset = queryset.filter(session_id=session)
    if key_supervised is not None:
        queryset = queryset.filter(case__is_key_supervised=key_supervised)
    if unit:
        queryset = queryset.filter(Exists(Assignment.objects.filter(case=OuterRef("case_id"), unit_id=unit)))
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(subject__icontains=q) | Q(number__icontains=q))
    return queryset.order_by("-created_at", "-pk")


def suggestion_for(user, suggestion_id: int) -> Suggestion:
    """One suggestion `user` may see; NotFound otherwise."""
    suggestion = (
        Suggestion.objects.select_related("filed_by", "entered_by", "category", "case__merged_into", "session")
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None or not has_perm(user, permissions.VIEW, suggestion):
        raise NotFound()
    return suggestion


def handling_case(suggestion: Suggestion) -> Case | None:
    """The case carrying the suggestion's handling: its own, or the one it was merged into."""
    if suggestion.case_id is None:
        return None
    case = suggestion.case
    return case.merged_into if case.merged_into_id else case


def display_status(suggestion: Suggestion) -> str:
    """One status for lists: the suggestion's own before registration, then its handling's."""
    if suggestion.status != Suggestion.Status.REGISTERED or suggestion.case_id is None:
        return suggestion.status
    return suggestion.case.status


def drafts_for(user) -> QuerySet:
    deputy = permissions.deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(filed_by=deputy, status=Suggestion.Status.DRAFT).order_by("-updated_at")


def invitations_for(user) -> QuerySet:
    """Co-signatures the deputy has yet to answer, on suggestions still open to it."""
    deputy = permissions.deputy_of(user)
    if deputy is None:
        return Cosignature.objects.none()
    return (
        Cosignature.objects.filter(
            deputy=deputy,
            status=Cosignature.Status.INVITED,
            suggestion__status__in=[Suggestion.Status.DRAFT, Suggestion.Status.SUBMITTED],
        )
        .select_related("suggestion__filed_by")
        .order_by("invited_at")
    )


def cosignatures_of(user, suggestion: Suggestion) -> list[Cosignature]:
    if not has_perm(user, permissions.VIEW, suggestion):
        return []
    return list(suggestion.cosignatures.select_related("deputy").order_by("invited_at", "pk"))


def attachments_of(user, suggestion: Suggestion) -> list:
    if not has_perm(user, permissions.VIEW, suggestion):
        return []
    return list(suggestion.attachments.order_by("uploaded_at", "pk"))


def to_register(user) -> QuerySet:
    """Staff desk: submitted suggestions waiting to be registered or declined, oldest first."""
    if role_of(user) != Role.STAFF:
        return Suggestion.objects.none()
    return (
        Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED)
        .select_related("filed_by", "category")
        .order_by("submitted_at", "pk")
    )


def to_assign(user) -> QuerySet:
    """Staff desk: registered suggestions whose case waits for assignment, oldest first
    (`assign_by(suggestion)` gives each one's SUGG-2 last day)."""
    if role_of(user) != Role.STAFF:
        return Suggestion.objects.none()
    return (
        Suggestion.objects.filter(status=Suggestion.Status.REGISTERED, case__status=case_rules.REGISTERED)
        .select_related("filed_by", "category", "case")
        .order_by("registered_at", "pk")
    )


def assign_by(suggestion: Suggestion, *, calendar=None):
    """SUGG-2: the last day to assign a suggestion received between sessions (a
    `Deadline(date, provisional)`), or None (filed during a session, or not yet received)."""
    from casework.rules import due_date
    from core.workcalendar import selectors as workcalendar

    if suggestion.session_id is not None or suggestion.submitted_at is None:
        return None
    period = rules.assign_period(effective_parameters(suggestion.congress))
    return due_date(time_rules.local_date(suggestion.submitted_at), period,
                    calendar or workcalendar.current_calendar())


def categories(congress, *, active_only: bool = True) -> QuerySet:
    queryset = SuggestionCategory.objects.filter(congress=congress)
    return queryset.filter(is_active=True) if active_only else queryset


def exclusion_choices(congress) -> list[tuple[str, Any]]:
    """SUGG-10: the congress's reasons for not registering, with labels."""
    return [(code, rules.exclusion_label(code)) for code in effective_parameters(congress)["sugg_exclusions"]]


def reply_class_choices(congress) -> list[tuple[str, Any]]:
    """SUGG-6: the congress's reply classes, with labels."""
    return [(c, rules.REPLY_CLASS_LABELS.get(c, c)) for c in effective_parameters(congress)["reply_classes"]]


def satisfaction_choices(congress) -> list[tuple[str, Any]]:
    """SUGG-7: the congress's satisfaction scale, with labels."""
    return [(s, rules.SATISFACTION_LABELS.get(s, s)) for s in effective_parameters(congress)["satisfaction_scale"]]


# --- SUGG-8: the handling report ----------------------------------------------------------------


def _report_suggestions(*, term, session=None, since: date | None = None, until: date | None = None) -> QuerySet:
    queryset = Suggestion.objects.filter(term=term).exclude(status=Suggestion.Status.DRAFT)
    if session is not None:
        queryset = queryset.filter(session=session)
    if since is not None:
        queryset = queryset.filter(submitted_at__gte=_start(since))
    if until is not None:
        queryset = queryset.filter(submitted_at__lt=_start(until + timedelta(days=1)))
    return queryset


def _start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=time_rules.LEGAL_ZONE)


def _names(suggestions: QuerySet) -> set[str]:
    """Names to strip from published text (SEC-6): every filer and co-signer of the term."""
    from core.organisation.models import Deputy

    names = set(Deputy.objects.filter(suggestions__in=suggestions).values_list("name", flat=True))
    names |= set(Deputy.objects.filter(cosignatures__suggestion__in=suggestions).values_list("name", flat=True))
    return names


def _classes_in_unit_order(classes: dict[int, str], units: dict[int, str]) -> str:
    """The classes of a case's standing replies, in the order its units are listed (units
    replying separately: one class each, "A、B")."""
    ordered = [u for u in units if u in classes] + [u for u in classes if u not in units]
    return "、".join(classes[u] for u in ordered if classes[u])


def handling_report_data(
    *, term, session=None, since: date | None = None, until: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """SUGG-8: the figures of the handling of suggestions, with no personal data (SEC-6).

    Counts by state, category, handling unit (assignments, replies on time, overdue, reply
    classes, satisfaction) and a list of registered items with their number, scrubbed
    subject, category, lead unit(s), state and reply class. No deputy's name, phone, ID
    number, no content and no rating of an individual item. Unscoped: callers check
    `suggestion.report` (the service does).

    Reply classes and ratings are those of the replies that stand
    (`casework.selectors.latest_replies`: each unit's latest reply to the filer, whichever
    round it came from), alike in the classes section, the units' figures and the items: a
    suggestion sent back for re-handling keeps its first reply's class until the new reply
    is in.
    """
    now = now or timezone.now()
    suggestions = _report_suggestions(term=term, session=session, since=since, until=until)
    by_status = Counter(suggestions.values_list("status", flat=True))
    registered = suggestions.filter(status__in=[Suggestion.Status.REGISTERED, Suggestion.Status.WITHDRAWN],
                                    case__isnull=False)
    cases = Case.objects.filter(pk__in=registered.values("case_id"))
    by_case_status = Counter(cases.values_list("status", flat=True))
    by_category = Counter(
        registered.values_list("category__name", flat=True)
    )
    names = _names(suggestions)
    units = case_selectors.unit_statistics(cases, now=now)
    # SUGG-8: the classes of the replies that stand (each replying unit's latest, whichever
    # round), the same replies the classes section and the units' figures count.
    standing: dict[int, dict[int, str]] = {}
    for r in case_selectors.latest_replies(cases).order_by("case_id", "round", "submitted_at", "pk"):
        standing.setdefault(r.case_id, {})[r.unit_id] = r.reply_class
    lead_units: dict[int, dict[int, str]] = {}
    for a in (
        Assignment.objects.filter(case__in=cases, round=1, role__in=case_rules.REPLYING_ROLES)
        .select_related("unit").order_by("case_id", "pk")
    ):
        lead_units.setdefault(a.case_id, {})[a.unit_id] = a.unit.name
    items = []
    for s in registered.select_related("category", "case").order_by("year", "serial"):
        items.append({
            "number": s.number,
            "subject": rules.scrub(s.subject, names=names),
            "category": s.category.name if s.category_id else "",
            "units": list(lead_units.get(s.case_id, {}).values()),
            "status": s.case.status if s.status == Suggestion.Status.REGISTERED else s.status,
            "reply_class": _classes_in_unit_order(standing.get(s.case_id, {}), lead_units.get(s.case_id, {})),
            "key_supervised": s.case.is_key_supervised,
        })
    satisfaction = Counter()
    classes = Counter()
    for u in units:
        satisfaction.update(u.satisfaction)
        classes.update(u.reply_classes)
    return {
        "term": term.number,
        "session": session.number if session is not None else None,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "prepared_on": time_rules.local_date(now).isoformat(),
        "totals": {
            "suggestions": sum(by_status.values()),
            "registered": len(items),
            "declined": by_status.get(Suggestion.Status.DECLINED, 0),
            "withdrawn": by_status.get(Suggestion.Status.WITHDRAWN, 0),
            "during_session": suggestions.filter(session__isnull=False).count(),
            "between_sessions": suggestions.filter(session__isnull=True).count(),
            "key_supervised": cases.filter(is_key_supervised=True).count(),
            "merged": by_case_status.get(case_rules.MERGED, 0),
        },
        "by_handling_status": dict(by_case_status),
        "by_category": {k or "": v for k, v in by_category.items()},
        "reply_classes": dict(classes),
        "satisfaction": dict(satisfaction),
        "units": [
            {
                "unit": u.unit_name,
                "lead": u.lead,
                "assisting": u.assisting,
                "separate": u.separate,
                "replied": u.replied,
                "replied_on_time": u.replied_on_time,
                "overdue": u.overdue,
                "reply_classes": dict(u.reply_classes),
                "satisfaction": dict(u.satisfaction),
            }
            for u in units
        ],
        "items": items,
    }


def reports_for(user) -> QuerySet:
    """Staff: every prepared report. Others: none (published ones: `published_reports`)."""
    if not has_perm(user, permissions.REPORT):
        return HandlingReport.objects.none()
    return HandlingReport.objects.select_related("term", "session", "for_session")


def published_reports() -> QuerySet:
    """SUGG-8: reports made public (for the portal; they hold no personal data)."""
    return HandlingReport.objects.filter(published_at__isnull=False).select_related("term", "for_session")


def published_reports_of(congress) -> QuerySet:
    """SUGG-8: the reports `congress` has made public, newest publication first (the public
    list and the public home); none before any congress is configured."""
    if congress is None:
        return HandlingReport.objects.none()
    return (
        published_reports()
        .filter(congress=congress)
        .select_related("for_session__term__congress")
        .order_by("-published_at", "-pk")
    )


def published_report_detail(report: HandlingReport) -> str:
    """The line under a published report's title: the session it is reported to, if fixed."""
    if report.for_session is None:
        return ""
    return _("Reported to %(session)s") % {"session": report.for_session}


def latest_published_reports(*, congress, limit: int) -> list[PublishedItem]:
    """The newest published handling reports (SUGG-8) for the public home
    (core.web.published), each linking to its public copy (docx). One query."""
    return [
        PublishedItem(
            title=report.title,
            published_at=report.published_at,
            url=reverse("proposal_documents:report-published", args=[report.pk]),
            detail=published_report_detail(report),
            file_format="docx",
        )
        for report in published_reports_of(congress)[:limit]
    ]
