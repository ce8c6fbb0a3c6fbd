"""Background work of the work-order import (voices/importing.py).

Thin: the task re-loads the user by id and calls `importing.run_upload`, which is keyed by
the upload id and safe to run twice (a finished upload returns its stored result; rows
already imported are found by their work order number and skipped). The import commits in
batches, so a run that fails half-way leaves the batches it wrote; the retry
(`retrying_task`) writes the rest and reports the whole file's counts. A run whose worker was
killed outright records nothing and is not retried: once its bar is marked stopped
(the stall rule, core.jobs.rules), "Continue the import" on the result page queues this task
again for the same upload (`importing.resume_upload`), with the same effect as a retry.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.jobs import GiveUp, retrying_task


@retrying_task
def import_work_orders(*, upload_id: str, user_id: int, result_url: str = "") -> str:
    """Import the stored upload `upload_id` as the user who uploaded it; returns the state."""
    from core.accounts.models import User

    from . import importing

    if importing.load_result(upload_id) is None:
        raise GiveUp(f"upload {upload_id} is unknown")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        importing.abandon(upload_id, message=_("The account that uploaded the file is no longer active."))
        raise GiveUp(f"user {user_id} is gone or inactive")
    return importing.run_upload(upload_id, by=user, result_url=result_url).state
