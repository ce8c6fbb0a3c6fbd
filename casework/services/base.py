"""The common frame of casework's services: locking, the permission and state checks
around `core.workflow.perform`, notifications, and opening a case for a domain."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rawrows
from core.accounts.roles import Role
from core.audit.services import record
from core.errors import InvalidTransition, NotFound
from core.notify.services import notify
from core.organisation.models import HandlingUnit
from core.organisation.rules import effective_parameters
from core.permissions import require
from core.workflow import perform

from .. import kinds, rules
from ..models import Assignment, Case, Recipient
from .derived import keeping_copies

#: Types accepted for a signed reply letter (SUGG-6).
LETTER_TYPES = ("pdf", "docx", "jpg", "png")


# --- small helpers ------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def params_for(case: Case) -> dict[str, Any]:
    """The congress's effective parameters (rules.md §11)."""
    return effective_parameters(case.congress)


def kind_of(case: Case) -> kinds.CaseKind:
    return kinds.get(case.kind)


def live_case(case: Case) -> Case:
    """The case that carries the handling: the case itself, or the one it was merged into."""
    return case.merged_into if case.merged_into_id else case


def _lock(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    # FOR UPDATE OF the case alone: PostgreSQL would otherwise lock the joined congress row
    # too, and every new row that refers to the congress (each citizen's message, each case)
    # would wait at its commit, when its foreign keys are checked, for this transaction.
    found = Case.objects.select_for_update(of=("self",)).select_related("congress").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _lock_assignment(assignment: Assignment | int, case: Case) -> Assignment:
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    found = Assignment.objects.select_for_update().filter(pk=pk, case=case).first()
    if found is None:
        raise NotFound()
    return found


def _refusal(case: Case, verb: str) -> InvalidTransition:
    allowed = sorted(rules.allowed_from(verb))
    return InvalidTransition(
        _("This is not possible while the case is “%(state)s”.") % {"state": case.get_status_display()},
        details={"state": case.status, "allowed_from": allowed},
    )


def _check_state(case: Case, verb: str) -> None:
    if not rules.can(verb, case.status):
        raise _refusal(case, verb)


def _snapshot(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "round": case.round,
        "handling_mode": case.handling_mode,
        "is_key_supervised": case.is_key_supervised,
        "merged_into": case.merged_into_id,
    }


def _clerks(unit_ids: Iterable[int]) -> list:
    from core.accounts.models import User

    ids = {u for u in unit_ids if u is not None}
    if not ids:
        return []
    return list(User.objects.filter(role=Role.UNIT_CLERK, handling_unit_id__in=ids, is_active=True).order_by("pk"))


def _staff() -> list:
    from core.accounts.models import User

    return list(User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk"))


def recipient_users(case: Case, *, owed_only: bool = False, leads_only: bool = False) -> list:
    """The users behind the case's active recipients (their own account or their deputy's)."""
    rows = Recipient.objects.filter(case=case, withdrawn_at__isnull=True).select_related("user", "deputy__user")
    if owed_only:
        rows = rows.filter(owed_reply=True)
    if leads_only:
        rows = rows.filter(is_lead=True)
    users, seen = [], set()
    for row in rows:
        user = row.user or (row.deputy.user if row.deputy_id else None)
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    return users


def _filer_groups(case: Case, *, owed_only: bool = False, leads_only: bool = False) -> list[tuple[Case, list]]:
    """The users behind the case's active recipients, grouped by the case each one filed or
    co-signed (`Recipient.source_case`: the case itself, or one merged into it, SUGG-11),
    each user once, those of the case itself first."""
    rows = (
        Recipient.objects.filter(case=case, withdrawn_at__isnull=True)
        .select_related("user", "deputy__user", "source_case")
        .order_by("pk")
    )
    if owed_only:
        rows = rows.filter(owed_reply=True)
    if leads_only:
        rows = rows.filter(is_lead=True)
    rows = sorted(rows, key=lambda r: (r.source_case_id != case.pk, r.pk))
    groups: dict[int, tuple[Case, list]] = {}
    seen: set[int] = set()
    for row in rows:
        user = row.user or (row.deputy.user if row.deputy_id else None)
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        groups.setdefault(row.source_case_id, (row.source_case, []))[1].append(user)
    return list(groups.values())


def _tell_filers(case: Case, *, action: str, title, params: Mapping[str, Any], owed_only: bool = False,
                 leads_only: bool = False, body="") -> None:
    """Tell the case's recipients, each through the case they filed: its page is the link
    (a citizen whose message was merged into another's may open only their own message,
    and a deputy their own suggestion), and its title is the one quoted as `%(title)s`
    (never the subject someone else wrote, SEC-6)."""
    for own, users in _filer_groups(case, owed_only=owed_only, leads_only=leads_only):
        own_params = dict(params)
        if own.pk != case.pk and "title" in own_params:
            own_params["title"] = own.title
        _tell(users, action=action, title=title, params=own_params, case=own, body=body)


def _unit_names(unit_ids: Iterable[int]) -> str:
    names = dict(HandlingUnit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "name"))
    return "、".join(names[u] for u in unit_ids if u in names)


def _tell(users, *, action: str, title, params: Mapping[str, Any], case: Case, body="") -> None:
    users = list(users)
    if users:
        notify(
            recipients=users,
            action=action,
            title=title,
            body=body,
            params=dict(params),
            url=kind_of(case).url(case),
        )


def _act(
    *, by, verb: str, case: Case, apply, permission_obj=None, data: dict | None = None, check_state=True,
    also: Iterable[int] = (),
):
    """Lock → permission → state → `perform` (write, audit, notify) in one transaction.

    `apply(locked_case)` does the writing and may add to `data` (it is read after apply).
    The assignments' copies and the units' tallies of the case (and of the cases `also`
    names, which `apply` changes too) are brought up to date in the same transaction
    (`derived.keeping_copies`). Returns what `apply` returned.
    """
    kind = kind_of(case)
    code = kind.code(verb)
    with transaction.atomic():
        locked = _lock(case)
        require(by, code, permission_obj if permission_obj is not None else locked)
        if check_state:
            _check_state(locked, verb)
        before = _snapshot(locked)
        holder: dict[str, Any] = {}

        def run(current):
            holder["case"] = current
            with keeping_copies([current.pk, *also]):
                return apply(current)

        result = perform(
            by=by,
            action=code,
            obj=locked,
            permission_obj=permission_obj,
            apply=run,
            before=before,
            after=lambda _result: _snapshot(holder["case"]),
            data=data if data is not None else {},
            locked=True,  # read FOR UPDATE above, in this transaction
        )
    _sync(case, holder.get("case"))
    return result


def _sync(original, current) -> None:
    """Give the caller's instance the stored values (as core.workflow.transition does)."""
    if original is not None and current is not None and original is not current and original.pk == current.pk:
        for field in current._meta.concrete_fields:
            setattr(original, field.attname, getattr(current, field.attname))


def _system_record(case: Case, verb: str, data: dict) -> None:
    record(actor=None, action=kind_of(case).code(verb), target=case, data=data)


# --- opening a case (called by a domain service) ------------------------------------------------


@dataclass(frozen=True)
class RecipientSpec:
    """Someone owed a reply (SUGG-11: `owed_reply=False` for a copy)."""

    user: Any = None
    deputy: Any = None
    is_lead: bool = False
    owed_reply: bool = True


def open_case(*, kind: str, congress, title: str, recipients: Iterable[RecipientSpec], now=None) -> Case:
    """Create a registered case with its recipients. Call only from a domain service that
    has checked its own permission, inside its transaction (no audit entry of its own: the
    domain's entry names the case)."""
    kinds.get(kind)  # LookupError for an unregistered kind
    now = _now(now)
    case = Case.objects.create(congress=congress, kind=kind, title=title[:300], registered_at=now)
    seen: dict[tuple, Recipient] = {}
    for spec in recipients:
        if spec.user is None and spec.deputy is None:
            continue
        key = ("d", spec.deputy.pk) if spec.deputy is not None else ("u", spec.user.pk)
        existing = seen.get(key)
        if existing is not None:
            # The same person named twice: keep the stronger claim (filer over co-signer).
            if spec.is_lead and not existing.is_lead:
                existing.is_lead, existing.owed_reply = True, True
                existing.save(update_fields=["is_lead", "owed_reply"])
            continue
        user = spec.user if spec.user is not None else getattr(spec.deputy, "user", None)
        seen[key] = Recipient.objects.create(
            case=case,
            source_case=case,
            user=user,
            deputy=spec.deputy,
            is_lead=spec.is_lead,
            owed_reply=spec.owed_reply or spec.is_lead,
            added_at=now,
        )
    return case


def open_cases(*, kind: str, congress, items: list[tuple[str, Any, datetime | None]]) -> list[Case]:
    """`open_case` for many cases at once, each owed to one lead recipient: `items` are
    (title, the recipient's user, registered at or None for now). Two statements whatever
    the number (a batch intake). Same rules as `open_case`: call only from a domain service
    that has checked its own permission, inside its transaction."""
    kinds.get(kind)
    if not items:
        return []
    now = _now(None)
    # Hand-written inserts (core.rawrows.insert): a group of citizens' messages arriving at
    # once opens its cases here, on every request's path.
    cases = rawrows.insert([
        Case(congress=congress, kind=kind, title=title[:300], registered_at=at or now) for title, _user, at in items
    ])
    rawrows.insert([
        Recipient(case=case, source_case=case, user=user, deputy=None, is_lead=True, owed_reply=True,
                  added_at=at or now)
        for case, (_title, user, at) in zip(cases, items, strict=True)
    ])
    return cases


# --- due dates -------------------------------------------------------------------------------


def _deadline(start, period: rules.Period, params, cal):
    return rules.due_date(start, period, cal, weekend_is_rest_day=bool(params.get("weekend_is_rest_day", True)))


def _new_assignment(
    *, case, unit_id, role, round_number, period, start, now, by, params, cal, **answered
) -> Assignment:
    """A new assignment with its due date. `answered`: the fields of one made already answered
    (a past outcome: status, replied_at, replied_on, is_open), written with it, not after it."""
    deadline = _deadline(start, period, params, cal)
    return Assignment.objects.create(
        case=case,
        unit_id=unit_id,
        role=role,
        round=round_number,
        assigned_at=now,
        assigned_by=by if getattr(by, "pk", None) else None,
        due_from=start,
        due_unit=period.unit,
        due_count=period.count,
        due_rule=period.rule,
        due_on=deadline.date,
        due_provisional=deadline.provisional,
        # Made for a round being handled; `keeping_copies` confirms the copies afterwards.
        kind=case.kind,
        is_key_supervised=case.is_key_supervised,
        **{"is_open": True, **answered},
    )
