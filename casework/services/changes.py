"""Key supervision (SUGG-9), merging (SUGG-11) and withdrawal (SUGG-10)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit.services import record
from core.errors import NotFound, ValidationFailed
from core.permissions import require

from .. import rules
from ..models import Assignment, Case, Recipient
from .base import (
    _act,
    _check_state,
    _clerks,
    _filer_groups,
    _lock,
    _now,
    _refusal,
    _snapshot,
    _sync,
    _tell,
    kind_of,
)

_L = gettext_lazy


# --- key supervision (SUGG-9) -------------------------------------------------------------------


def supervise_case(*, by, case: Case, supervised: bool = True, note: str = "", now=None) -> Case:
    """SUGG-9: mark (or unmark) an open case as a key supervised item (重点督办), as the
    chair's council decided. The units handling it are told. No change, no entry."""
    now = _now(now)
    data: dict[str, Any] = {"note": note, "supervised": bool(supervised)}
    with transaction.atomic():
        locked = _lock(case)
        require(by, kind_of(locked).code("supervise"), locked)
        _check_state(locked, "supervise")
        if locked.is_key_supervised == bool(supervised):
            return locked

        def apply(current: Case):
            current.is_key_supervised = bool(supervised)
            current.supervised_by = by
            current.supervised_at = now
            current.supervision_note = (note or "")[:300]
            current.save(update_fields=[
                "is_key_supervised", "supervised_by", "supervised_at", "supervision_note", "updated_at",
            ])
            pending = Assignment.objects.filter(case=current, status=rules.PENDING).values_list("unit_id", flat=True)
            title = (
                _L("“%(title)s” is now a key supervised item")
                if supervised else _L("“%(title)s” is no longer a key supervised item")
            )
            _tell(_clerks(pending), action=kind_of(current).code("supervise"), case=current, title=title,
                  params={"title": current.title})
            return current

        result = _act(by=by, verb="supervise", case=locked, apply=apply, data=data)
    _sync(case, result)
    return result


# --- merging (SUGG-11) --------------------------------------------------------------------------


def merge_cases(*, by, target: Case, sources: Iterable[Case], note: str = "", now=None) -> Case:
    """SUGG-11: merge cases with the same content into `target` (并案).

    Each source becomes `merged`; its pending assignments are withdrawn; every recipient
    row moves to the target keeping the case it was filed as, so each filer is still owed
    a reply; cases merged into a source earlier follow it. A key supervised source keeps the
    target supervised. Target and sources are audited.

    Raises NotAllowed, ValidationFailed (no sources, the target among them, another kind or
    congress), InvalidTransition (target or a source not open for merging).
    """
    now = _now(now)
    source_ids = sorted({c.pk for c in sources})
    if not source_ids:
        raise ValidationFailed(details={"sources": _("Choose the cases to merge.")})
    if target.pk in source_ids:
        raise ValidationFailed(details={"sources": _("A case cannot be merged into itself.")})
    kind = kind_of(target)
    code = kind.code("merge")
    with transaction.atomic():
        # Lock in one order (by id) so two merges never wait on each other.
        locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[target.pk, *source_ids]).order_by("pk")}
        if len(locked) != len(source_ids) + 1:
            raise NotFound()
        the_target = locked[target.pk]
        the_sources = [locked[pk] for pk in source_ids]
        for case in [the_target, *the_sources]:
            require(by, code, case)
        _check_state(the_target, "merge")
        for source in the_sources:
            if source.kind != the_target.kind or source.congress_id != the_target.congress_id:
                raise ValidationFailed(details={"sources": _("Only cases of the same kind can be merged.")})
            if not rules.can("merge_source", source.status):
                raise _refusal(source, "merge_source")
        data: dict[str, Any] = {"note": note, "sources": source_ids}

        def apply(current: Case):
            moved = 0
            withdrawn: list[tuple[Case, list[int]]] = []
            told: list[tuple[Case, list]] = []
            for source in the_sources:
                before = _snapshot(source)
                told.extend(_filer_groups(source))
                pending = Assignment.objects.filter(case=source, status=rules.PENDING)
                withdrawn.append((source, list(pending.values_list("unit_id", flat=True))))
                pending.update(status=rules.CANCELLED)
                moved += Recipient.objects.filter(case=source).update(case=current)
                Case.objects.filter(merged_into=source).update(merged_into=current)
                source.status = rules.MERGED
                source.merged_into = current
                source.ended_at = now
                source.save(update_fields=["status", "merged_into", "ended_at", "updated_at"])
                record(actor=by, action=code, target=source, before=before, after=_snapshot(source),
                       data={"into": current.pk, "note": note})
                if source.is_key_supervised and not current.is_key_supervised:
                    current.is_key_supervised = True
                    current.supervised_by = by
                    current.supervised_at = now
                    current.supervision_note = (source.supervision_note or "")[:300]
                    current.save(update_fields=[
                        "is_key_supervised", "supervised_by", "supervised_at", "supervision_note", "updated_at",
                    ])
            data["recipients_moved"] = moved
            # Each filer of a source is sent to the case they filed (the page they may open)
            # and told of it by its number: never the other case's subject, which someone
            # else wrote (a citizen's message, SEC-6), nor a page they may not open.
            for own, users in told:
                _tell(users, action=code, case=own, **_merged_notice(kind, own))
            # A unit whose part was withdrawn keeps the case it was given (its page is the
            # one it may still open); the case merged into is not its to read.
            for source, unit_ids in withdrawn:
                _tell(_clerks(unit_ids), action=code, case=source,
                      title=_L("“%(title)s” was merged into another case and no longer needs your reply"),
                      params={"title": source.title})
            text = {"title": current.title}
            pending = Assignment.objects.filter(case=current, status=rules.PENDING).values_list("unit_id", flat=True)
            _tell(_clerks(pending), action=code, case=current,
                  title=_L("More filers are now owed the reply to “%(title)s”"), params=text)
            return current

        result = _act(by=by, verb="merge", case=the_target, apply=apply, data=data, also=source_ids)
    _sync(target, result)
    return result


def _merged_notice(kind, own: Case) -> dict[str, Any]:
    """What a filer of `own` is told when it is merged (SUGG-11): named by its number (a
    suggestion's number, a message's tracking number: `CaseKind.reference`), or, for a kind
    without one, by its own title."""
    number = kind.reference(own)
    if number:
        return {"title": _L("Your case No. %(number)s is now handled together with another case of the same "
                            "content. You will still receive a reply."), "params": {"number": number}}
    return {"title": _L("Your case “%(title)s” is now handled together with another case of the same content. "
                        "You will still receive a reply."), "params": {"title": own.title}}


# --- withdrawal (SUGG-10) -----------------------------------------------------------------------


def withdraw_case(*, by, case: Case, note: str = "", now=None) -> Case:
    """The filer withdraws what they filed as `case` (in writing: staff may record it).

    The filing's recipients are marked withdrawn (never deleted). The case that carries the
    handling (the case itself or the one it was merged into) is withdrawn when no filer is
    left, its pending assignments withdrawn and the units told; otherwise it goes on for
    the other filers. Returns the case carrying the handling.
    """
    now = _now(now)
    kind = kind_of(case)
    code = kind.code("withdraw")
    with transaction.atomic():
        own = _lock(case)
        require(by, code, own)
        live = _lock(own.merged_into_id) if own.merged_into_id else own
        if not rules.can("withdraw", live.status):
            raise _refusal(live, "withdraw")
        data: dict[str, Any] = {"note": note, "filed_as": own.pk}

        def apply(current: Case):
            marked = Recipient.objects.filter(case=current, source_case=own, withdrawn_at__isnull=True).update(
                withdrawn_at=now
            )
            left = Recipient.objects.filter(case=current, is_lead=True, withdrawn_at__isnull=True).exists()
            data.update(recipients_withdrawn=marked, case_withdrawn=not left)
            if not left:
                pending = Assignment.objects.filter(case=current, status=rules.PENDING)
                units = list(pending.values_list("unit_id", flat=True))
                pending.update(status=rules.CANCELLED)
                current.status = rules.WITHDRAWN
                current.ended_at = now
                current.save(update_fields=["status", "ended_at", "updated_at"])
                _tell(_clerks(units), action=code, case=current,
                      title=_L("“%(title)s” was withdrawn: no reply is needed"), params={"title": current.title})
            return current

        return _act(by=by, verb="withdraw", case=live, permission_obj=own, apply=apply, data=data, check_state=False)
