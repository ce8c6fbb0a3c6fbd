"""Configured categories and the handling report (SUGG-8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit.services import record
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


def _category_items(items) -> list[tuple[str, str]]:
    """(code, name) of each listed category; ValidationFailed naming the place of a bad one."""
    if not isinstance(items, list):
        raise ValidationFailed(details={"": _("a list of categories (code and name) is expected.")})
    rows, codes, names = [], set(), set()
    for index, item in enumerate(items):
        where = f"[{index}]"
        if not isinstance(item, dict):
            raise ValidationFailed(details={where: _("a category needs a code and a name.")})
        code, name = str(item.get("code") or "").strip(), str(item.get("name") or "").strip()
        if not code or slugify(code) != code or len(code) > 40:
            raise ValidationFailed(details={f"{where}.code": _(
                "a code of at most 40 lower-case letters, digits, hyphens or underscores is required.")})
        if not name or len(name) > 100:
            raise ValidationFailed(details={f"{where}.name": _("a name of at most 100 characters is required.")})
        if code in codes or name in names:
            raise ValidationFailed(details={where: _("a code or name is listed twice.")})
        codes.add(code)
        names.add(name)
        rows.append((code, name))
    return rows


@transaction.atomic
def load_categories(*, by, congress, items) -> int:
    """The congress's suggestion categories from its configuration (city.yaml
    `suggestion_categories`: a list of {code, name}, in the order shown): each is found by its
    code and created, or renamed and reordered; categories not listed are left alone (staff
    may have added them). Idempotent. `by` is a user with suggestion.categories, or a system
    actor (a command run on the server, as for the rest of city.yaml). Each change is audited.
    Returns how many categories were created or changed; raises ValidationFailed, nothing
    written, on a bad list or a name another category uses."""
    if not isinstance(by, str):
        require(by, permissions.CATEGORIES)
    rows = _category_items(items)
    changed = 0
    for position, (code, name) in enumerate(rows, start=1):
        found = SuggestionCategory.objects.select_for_update().filter(congress=congress, code=code).first()
        if SuggestionCategory.objects.filter(congress=congress, name=name).exclude(code=code).exists():
            raise ValidationFailed(details={f"[{position - 1}].name": _("This name is already used.")})
        if found is None:
            category = SuggestionCategory.objects.create(congress=congress, code=code, name=name, position=position)
            record(actor=by, action=permissions.CATEGORIES, target=category,
                   after={"code": code, "name": name, "position": position})
            changed += 1
            continue
        before = {"name": found.name, "position": found.position, "is_active": found.is_active}
        after = {"name": name, "position": position, "is_active": True}
        if before == after:
            continue
        for key, value in after.items():
            setattr(found, key, value)
        found.save(update_fields=list(after))
        record(actor=by, action=permissions.CATEGORIES, target=found, before=before, after=after)
        changed += 1
    return changed


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
