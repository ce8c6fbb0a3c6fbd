"""Who may do what with suggestions (deny by default: core.permissions).

Each predicate answers at the door (`obj=None`: could this role ever do it?) and on the
object (the service checks again against the locked row).

| code                       | object            | allowed                                                  |
|----------------------------|-------------------|----------------------------------------------------------|
| suggestion.view            | Suggestion / Case | staff (not others' drafts); the filer; invited co-signers;|
|                            |                   | clerks of a unit handling it; anyone owed its reply       |
| suggestion.create          | Deputy (filer)    | a deputy in office for themselves; staff for any deputy   |
|                            |                   | in office (a paper suggestion, SUGG-1)                    |
| suggestion.edit / attach / | Suggestion        | the filer; staff for a draft entered by staff             |
| detach / submit            |                   |                                                           |
| cosignature.invite         | Suggestion        | as edit                                                   |
| cosignature.confirm /      | Cosignature       | the invited deputy                                        |
| cosignature.decline        |                   |                                                           |
| suggestion.withdraw        | Suggestion / Case | the filer; staff recording the deputy's written request  |
|                            |                   | (the service requires its note, SUGG-10)                  |
| suggestion.register /      | Suggestion        | staff (SUGG-2, SUGG-10)                                   |
| decline                    |                   |                                                           |
| suggestion.convert         | —                 | staff (BILL-4)                                            |
| suggestion.categories      | —                 | staff                                                     |
| suggestion.report /        | —                 | staff (SUGG-8)                                            |
| publish_report             |                   |                                                           |
| suggestion.assign, approve_extension, reply, rate, rehandle, close, supervise, merge:    |
|                            | casework's defaults (casework/permissions.py)                                |

Administrators act on no suggestion (system work only; see casework/permissions.py).
Imported from ProposalsConfig.ready(); the casework codes are registered with the kind
(proposals/casekind.py).
"""

from __future__ import annotations

from casework import permissions as case_permissions
from core.accounts.roles import Role
from core.permissions import register, role_of, roles

VIEW = "suggestion.view"
CREATE = "suggestion.create"
EDIT = "suggestion.edit"
ATTACH = "suggestion.attach"
DETACH = "suggestion.detach"
SUBMIT = "suggestion.submit"
WITHDRAW = "suggestion.withdraw"
REGISTER = "suggestion.register"
DECLINE = "suggestion.decline"
CONVERT = "suggestion.convert"
CATEGORIES = "suggestion.categories"
REPORT = "suggestion.report"
PUBLISH_REPORT = "suggestion.publish_report"
INVITE = "cosignature.invite"
CONFIRM = "cosignature.confirm"
DECLINE_COSIGN = "cosignature.decline"


def deputy_of(user):
    """The Deputy row of a deputy's account (None for anyone else)."""
    from core.organisation.models import Deputy

    if role_of(user) != Role.DEPUTY:
        return None
    return Deputy.objects.filter(user=user).first()


def is_filer(user, suggestion) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and suggestion.filed_by_id == deputy.pk


def _is_suggestion(obj) -> bool:
    from .models import Suggestion

    return isinstance(obj, Suggestion)


def _entered_by_staff(suggestion) -> bool:
    return getattr(suggestion.entered_by, "role", None) == Role.STAFF


_CASE_VIEW = case_permissions.default_predicates((Role.DEPUTY,))["view"]


def can_view(user, obj=None) -> bool:
    role = role_of(user)
    if role not in (Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK):
        return False
    if obj is None:
        return True
    if not _is_suggestion(obj):
        return _CASE_VIEW(user, obj)
    suggestion = obj
    if role == Role.STAFF:
        return suggestion.status != suggestion.Status.DRAFT or _entered_by_staff(suggestion)
    if role == Role.DEPUTY:
        deputy = deputy_of(user)
        if deputy is None:
            return False
        if suggestion.filed_by_id == deputy.pk:
            return True
        if suggestion.cosignatures.filter(deputy=deputy).exists():
            return True
        return suggestion.case_id is not None and case_permissions.was_recipient(user, suggestion.case)
    # A clerk: the suggestion's case (or the case it was merged into) is assigned to the unit.
    return suggestion.case_id is not None and case_permissions.is_clerk_of_case(user, suggestion.case)


def can_create(user, filer=None) -> bool:
    """SUGG-1: a deputy in office files for themselves; staff enter a paper suggestion."""
    role = role_of(user)
    if role == Role.STAFF:
        return filer is None or filer.in_office
    if role != Role.DEPUTY:
        return False
    deputy = deputy_of(user)
    if deputy is None or not deputy.in_office:
        return False
    return filer is None or filer.pk == deputy.pk


def can_edit(user, suggestion=None) -> bool:
    role = role_of(user)
    if role not in (Role.STAFF, Role.DEPUTY):
        return False
    if suggestion is None:
        return True
    if role == Role.STAFF:
        return _entered_by_staff(suggestion)
    return is_filer(user, suggestion)


def can_withdraw(user, obj=None) -> bool:
    role = role_of(user)
    if role not in (Role.STAFF, Role.DEPUTY):
        return False
    if obj is None or role == Role.STAFF:
        return True
    if _is_suggestion(obj):
        return is_filer(user, obj)
    return case_permissions.is_filer(user, obj)


def can_answer_cosignature(user, cosignature=None) -> bool:
    if role_of(user) != Role.DEPUTY:
        return False
    if cosignature is None:
        return True
    deputy = deputy_of(user)
    return deputy is not None and cosignature.deputy_id == deputy.pk


register(VIEW, can_view)
register(CREATE, can_create)
register(EDIT, can_edit)
register(ATTACH, can_edit)
register(DETACH, can_edit)
register(SUBMIT, can_edit)
register(INVITE, can_edit)
register(CONFIRM, can_answer_cosignature)
register(DECLINE_COSIGN, can_answer_cosignature)
register(REGISTER, roles(Role.STAFF))
register(DECLINE, roles(Role.STAFF))
register(CONVERT, roles(Role.STAFF))
register(CATEGORIES, roles(Role.STAFF))
register(REPORT, roles(Role.STAFF))
register(PUBLISH_REPORT, roles(Role.STAFF))
