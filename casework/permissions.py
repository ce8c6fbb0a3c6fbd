"""Who may act on a case (deny by default: core.permissions).

Casework has no action codes of its own: each kind of case registers `<prefix>.<verb>`
(`suggestion.assign`, `message.reply`) through `register_case_permissions`, called by
`casework.kinds.register`. The predicates below are the defaults; a kind replaces any of
them with `CaseKind.permissions`.

Every predicate answers twice: at the door (`obj=None`: could this role ever do it? used
by pages and the API before an object is loaded) and on the object (the service checks
again against the locked row). The objects are:

| verb               | object      | allowed                                                        |
|--------------------|-------------|----------------------------------------------------------------|
| view               | Case        | staff; clerks of a unit assigned to it; its recipients         |
| assign             | Case        | staff (SUGG-2)                                                 |
| approve_extension  | Assignment  | staff; the unit's clerk too where no approval is needed (SUGG-4)|
| reply              | Assignment  | clerks of that assignment's unit only                          |
| rate               | Reply       | the filer owed that reply; staff entering a paper form (SUGG-7)|
| rehandle, close    | Case        | staff (SUGG-7)                                                 |
| supervise          | Case        | staff (SUGG-9)                                                 |
| merge              | Case        | staff (SUGG-11)                                                |
| withdraw           | Case        | the filer; staff recording a written withdrawal (SUGG-10)      |
| record_past        | Case        | staff entering a case closed before Datong (services.past)     |

Administrators keep the system (accounts, audit, tasks) and act on no case: the congress
office handles cases, and separating the two duties keeps the audit log meaningful.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.db.models import Q

from core import permissions as core_permissions
from core.accounts.roles import Role
from core.permissions import role_of

VERBS = (
    "view",
    "assign",
    "approve_extension",
    "reply",
    "rate",
    "rehandle",
    "close",
    "supervise",
    "merge",
    "withdraw",
    "record_past",
)

#: Roles that may be owed a reply by default (a kind narrows it: suggestions → deputies).
DEFAULT_RECIPIENT_ROLES = (Role.DEPUTY, Role.CITIZEN)


# --- building blocks --------------------------------------------------------------------------


def is_staff(user, obj=None) -> bool:
    return role_of(user) == Role.STAFF


def _case_of(obj):
    """The case an object belongs to (a Case, Assignment, Reply or Feedback)."""
    from .models import Case

    if obj is None or isinstance(obj, Case):
        return obj
    return getattr(obj, "case", None)


def recipient_rows(user, case, *, active_only: bool = True):
    """The user's Recipient rows on `case` (as themselves or as the deputy they are)."""
    from .models import Recipient

    if role_of(user) is None or case is None:
        return Recipient.objects.none()
    rows = Recipient.objects.filter(case=case).filter(Q(user=user) | Q(deputy__user=user))
    return rows.filter(withdrawn_at__isnull=True) if active_only else rows


def is_recipient(user, case) -> bool:
    return recipient_rows(user, case).exists()


def is_unit_clerk_of(user, unit_id) -> bool:
    """A clerk of exactly that handling unit (a clerk answers for one unit only)."""
    return (
        role_of(user) == Role.UNIT_CLERK
        and unit_id is not None
        and user.handling_unit_id is not None
        and user.handling_unit_id == unit_id
    )


def is_assigned_unit_clerk(user, assignment) -> bool:
    """A clerk of the unit this assignment is for."""
    return assignment is not None and is_unit_clerk_of(user, assignment.unit_id)


def is_clerk_of_case(user, case) -> bool:
    """A clerk whose unit has (or had) an assignment on the case or on the case it was
    merged into."""
    from .models import Assignment

    if role_of(user) != Role.UNIT_CLERK or case is None or user.handling_unit_id is None:
        return False
    cases = [case.pk] + ([case.merged_into_id] if case.merged_into_id else [])
    return Assignment.objects.filter(case_id__in=cases, unit_id=user.handling_unit_id).exists()


def is_filer(user, case) -> bool:
    """The filer of `case` (its lead recipient filed as that case), still active."""
    from .models import Recipient

    if role_of(user) is None or case is None:
        return False
    return (
        Recipient.objects.filter(source_case=case, is_lead=True, withdrawn_at__isnull=True)
        .filter(Q(user=user) | Q(deputy__user=user))
        .exists()
    )


def was_recipient(user, case) -> bool:
    """Owed (or sent) a reply on the case, or filed/co-signed a case merged into it or that
    it was merged into: enough to read it."""
    from .models import Recipient

    if role_of(user) is None or case is None:
        return False
    mine = Q(user=user) | Q(deputy__user=user)
    return Recipient.objects.filter(mine).filter(Q(case=case) | Q(source_case=case)).exists()


# --- default predicates per verb ----------------------------------------------------------------


def _view(recipient_roles):
    door = frozenset({Role.STAFF, Role.UNIT_CLERK, *recipient_roles})

    def predicate(user, obj=None) -> bool:
        role = role_of(user)
        if role not in door:
            return False
        case = _case_of(obj)
        if case is None:
            return obj is None
        if role == Role.STAFF:
            return True
        if role == Role.UNIT_CLERK:
            return is_clerk_of_case(user, case)
        return was_recipient(user, case)

    return predicate


def _approve_extension(user, obj=None) -> bool:
    role = role_of(user)
    if role == Role.STAFF:
        return True
    if role != Role.UNIT_CLERK:
        return False
    if obj is None:
        return True  # at the door; the assignment decides
    if not is_assigned_unit_clerk(user, obj):
        return False
    from core.organisation.rules import effective_parameters

    from . import kinds

    case = obj.case
    return not kinds.get(case.kind).extension_needs_approval(effective_parameters(case.congress))


def _reply(user, obj=None) -> bool:
    if role_of(user) != Role.UNIT_CLERK:
        return False
    return obj is None or is_assigned_unit_clerk(user, obj)


def _rate(recipient_roles):
    door = frozenset({Role.STAFF, *recipient_roles})

    def predicate(user, obj=None) -> bool:
        role = role_of(user)
        if role not in door:
            return False
        if obj is None or role == Role.STAFF:
            return True
        return recipient_rows(user, obj.case).filter(is_lead=True).exists()

    return predicate


def _withdraw(recipient_roles):
    door = frozenset({Role.STAFF, *recipient_roles})

    def predicate(user, obj=None) -> bool:
        role = role_of(user)
        if role not in door:
            return False
        if obj is None or role == Role.STAFF:
            return True
        return is_filer(user, _case_of(obj))

    return predicate


def default_predicates(recipient_roles: Iterable[str] = DEFAULT_RECIPIENT_ROLES) -> dict[str, Callable]:
    roles = tuple(recipient_roles)
    return {
        "view": _view(roles),
        "assign": core_permissions.roles(Role.STAFF),
        "approve_extension": _approve_extension,
        "reply": _reply,
        "rate": _rate(roles),
        "rehandle": core_permissions.roles(Role.STAFF),
        "close": core_permissions.roles(Role.STAFF),
        "supervise": core_permissions.roles(Role.STAFF),
        "merge": core_permissions.roles(Role.STAFF),
        "withdraw": _withdraw(roles),
        "record_past": core_permissions.roles(Role.STAFF),
    }


def register_case_permissions(
    prefix: str,
    *,
    overrides: Mapping[str, Callable] | None = None,
    recipient_roles: Iterable[str] = DEFAULT_RECIPIENT_ROLES,
) -> list[str]:
    """Register `<prefix>.<verb>` for every casework verb; returns the codes."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(VERBS)
    if unknown:
        raise ValueError(f"unknown casework verbs {sorted(unknown)}")
    predicates = default_predicates(recipient_roles) | overrides
    codes = []
    for verb in VERBS:
        code = f"{prefix}.{verb}"
        core_permissions.register(code, predicates[verb])
        codes.append(code)
    return codes
