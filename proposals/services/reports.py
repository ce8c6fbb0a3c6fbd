"""Configured categories and the handling report (SUGG-8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.organisation.models import Session, Term
from core.permissions import require
from core.workflow import perform, transition

from .. import permissions, selectors
from ..models import HandlingReport, SuggestionCategory
from .base import _UNSET, _now, _sync

# --- categories ----------------------------------------------------------------------------------


def create_category(*, by, congress, code: str, name: str, position: int = 0) -> SuggestionCategory:
    """Add a suggestion category (configured data, never code)."""

    def apply(_none):
        errors = {}
        if not (code or "").strip():
            errors["code"] = _("Enter a code.")
        if not (name or "").strip():
            errors["name"] = _("Enter a name.")
        if SuggestionCategory.objects.filter(congress=congress, code=(code or "").strip()).exists():
            errors["code"] = _("This code is already used.")
        if SuggestionCategory.objects.filter(congress=congress, name=(name or "").strip()).exists():
            errors["name"] = _("This name is already used.")
        if errors:
            raise ValidationFailed(details=errors)
        return SuggestionCategory.objects.create(
            congress=congress, code=code.strip(), name=name.strip(), position=position
        )

    return perform(by=by, action=permissions.CATEGORIES, apply=apply,
                   after=lambda c: {"code": c.code, "name": c.name, "position": c.position})


def update_category(*, by, category: SuggestionCategory, name=_UNSET, position=_UNSET, is_active=_UNSET):
    """Rename, reorder or (de)activate a category; suggestions keep theirs."""
    changes: dict[str, Any] = {}
    if name is not _UNSET:
        if not (name or "").strip():
            raise ValidationFailed(details={"name": _("Enter a name.")})
        changes["name"] = name.strip()
    if position is not _UNSET:
        changes["position"] = int(position)
    if is_active is not _UNSET:
        changes["is_active"] = bool(is_active)
    return transition(by=by, action=permissions.CATEGORIES, obj=category, changes=changes)


# --- SUGG-8: the handling report ---------------------------------------------------------------


def prepare_handling_report(
    *,
    by,
    term: Term,
    session: Session | None = None,
    for_session: Session | None = None,
    since: date | None = None,
    until: date | None = None,
    title: str = "",
    now=None,
) -> HandlingReport:
    """SUGG-8: freeze the figures of the handling of suggestions (per unit, reply classes,
    satisfaction, scrubbed subjects; no personal data, SEC-6) for the next session."""
    now = _now(now)

    def apply(_none):
        data = selectors.handling_report_data(term=term, session=session, since=since, until=until, now=now)
        return HandlingReport.objects.create(
            congress_id=term.congress_id, term=term, session=session, for_session=for_session,
            title=(title or "").strip()[:200] or _("Handling of deputies' suggestions"),
            since=since, until=until, data=data, prepared_by=by, prepared_at=now,
        )

    return perform(by=by, action=permissions.REPORT, apply=apply,
                   after=lambda r: {"title": r.title, "suggestions": r.data.get("totals", {}).get("suggestions")})


def publish_handling_report(*, by, report: HandlingReport, now=None) -> HandlingReport:
    """SUGG-8: make the report public (it holds no personal data, SEC-6)."""
    now = _now(now)
    with transaction.atomic():
        locked = HandlingReport.objects.select_for_update().filter(pk=report.pk).first()
        if locked is None:
            raise NotFound()
        require(by, permissions.PUBLISH_REPORT, locked)
        if locked.published_at is not None:
            raise InvalidTransition(_("This report is already published."))
        return _sync(report, transition(by=by, action=permissions.PUBLISH_REPORT, obj=locked, changes={"published_at": now}))
