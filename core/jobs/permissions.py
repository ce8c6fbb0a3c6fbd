"""Who may see and act on background work (deny by default: core.permissions).

Imported once from JobsConfig.ready().
"""

from core.accounts.roles import Role
from core.permissions import register, role_of, roles

#: The task page (/tasks/): failed and retrying tasks, periodic jobs. Tracebacks and task
#: arguments are operator detail, so only the administrator sees them.
VIEW = "jobs.view"
#: "Retry now" on a failed or retrying task.
RETRY = "jobs.retry"
#: A progress bar: its owner, the administrator, and for owner-less jobs staff too.
PROGRESS = "jobs.progress"


def may_see_progress(user, record=None) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if record is None:  # at the door: any signed-in account; the record decides below
        return True
    if role == Role.ADMINISTRATOR:
        return True
    if record.owner_id is None:
        return role == Role.STAFF
    return record.owner_id == user.pk


register(VIEW, roles(Role.ADMINISTRATOR))
register(RETRY, roles(Role.ADMINISTRATOR))
register(PROGRESS, may_see_progress)
