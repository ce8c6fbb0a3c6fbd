"""Who may do what with citizens' messages (deny by default: core.permissions).

| code                 | object   | allowed                                                              |
|----------------------|----------|----------------------------------------------------------------------|
| voices.submit        | —        | everyone, signed in or not                                           |
| voices.track         | —        | everyone (public tracking look-up, no personal data)                 |
| voices.enter_call    | —        | staff (phone calls and liaison-station voices entered for citizens)  |
| voices.triage        | Message  | staff: route, not accept, merge (SEC-10: a person routes)            |
| voices.callback      | Message  | staff (MSG-4)                                                        |
| voices.view          | Message  | staff; deputies: their district's and those they gathered; unit      |
|                      |          | clerks: messages assigned to their unit, never a report on their     |
|                      |          | unit (MSG-7); citizens: their own                                    |
| voices.personal_data | Message  | staff only (SEC-8; every view logged)                                |
| voices.import        | —        | staff                                                                |
| voices.train         | —        | staff, administrator: the text models (page, API), train, switch     |
| voices.statistics    | —        | staff, deputies                                                      |
| voices.district      | —        | deputies: the list of their district's messages and those they       |
|                      |          | gathered                                                             |
| voices.take_up       | Message  | deputies, a message they may read (their district's, or gathered by  |
|                      |          | them), while in office: started as a draft suggestion of their own   |
| voices.open311       | —        | everyone (Open311 allows anonymous reports)                          |
| message.<verb>       | Case     | casework's defaults; `message.view` follows voices.view              |

Imported from VoicesConfig.ready().
"""

from __future__ import annotations

from casework import permissions as case_permissions
from core.accounts.roles import Role
from core.permissions import register, role_of, roles

SUBMIT = "voices.submit"
TRACK = "voices.track"
ENTER_CALL = "voices.enter_call"
TRIAGE = "voices.triage"
CALLBACK = "voices.callback"
VIEW = "voices.view"
PERSONAL_DATA = "voices.personal_data"
IMPORT = "voices.import"
TRAIN = "voices.train"
STATISTICS = "voices.statistics"
OPEN311 = "voices.open311"
TAKE_UP = "voices.take_up"
DISTRICT = "voices.district"


def deputy_of(user):
    """The Deputy row of a deputy's account (None for anyone else)."""
    from core.organisation.models import Deputy

    if role_of(user) != Role.DEPUTY:
        return None
    return Deputy.objects.filter(user=user).select_related("district").first()


def _message_of(obj):
    """The message behind a Message or its Case (None at the door)."""
    from casework.models import Case

    from .models import Message

    if obj is None or isinstance(obj, Message):
        return obj
    if isinstance(obj, Case):
        return Message.objects.filter(case_id=obj.pk).first() or Message.objects.filter(
            case__merged_into_id=obj.pk).first()
    return None


def _everyone(user, obj=None) -> bool:
    return True


def can_view(user, obj=None) -> bool:
    role = role_of(user)
    if role not in (Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN):
        return False
    if obj is None:
        return True
    message = _message_of(obj)
    if message is None:
        return False
    if role == Role.STAFF:
        return True
    if role == Role.CITIZEN:
        return message.submitter_id == user.pk or case_permissions.was_recipient(user, message.case)
    if role == Role.DEPUTY:
        deputy = deputy_of(user)
        if deputy is None:
            return False
        if message.gathered_by_deputy_id == deputy.pk:
            return True
        return deputy.district_id is not None and message.district_id == deputy.district_id
    # A unit clerk: only what was assigned to the unit, never a report accusing it (MSG-7).
    if message.accused_unit_id is not None and message.accused_unit_id == user.handling_unit_id:
        return False
    return case_permissions.is_clerk_of_case(user, message.case)


def can_take_up(user, obj=None) -> bool:
    """A deputy in office takes up a message they may read (issue 5, item 6; SUGG-1: only a
    deputy in office files a suggestion); nobody else does."""
    deputy = deputy_of(user)
    return deputy is not None and deputy.in_office and can_view(user, obj)


def can_view_case(user, obj=None) -> bool:
    """`message.view` on a case: as voices.view on its message."""
    if obj is None:
        return can_view(user, None)
    return can_view(user, obj)


register(SUBMIT, _everyone)
register(TRACK, _everyone)
register(OPEN311, _everyone)
register(ENTER_CALL, roles(Role.STAFF))
register(TRIAGE, roles(Role.STAFF))
register(CALLBACK, roles(Role.STAFF))
register(VIEW, can_view)
register(PERSONAL_DATA, roles(Role.STAFF))
register(IMPORT, roles(Role.STAFF))
register(TRAIN, roles(Role.STAFF, Role.ADMINISTRATOR))
register(STATISTICS, roles(Role.STAFF, Role.DEPUTY))
register(TAKE_UP, can_take_up)
register(DISTRICT, roles(Role.DEPUTY))
