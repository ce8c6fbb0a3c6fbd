"""/api/tasks: failed tasks (list, one, retry now) and progress records."""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Schema, Status
from ninja.pagination import paginate

from core.apikit import DatongRouter, ErrorOut, Page, acting_user
from core.errors import NotFound, ValidationFailed

from . import selectors, services
from .permissions import PROGRESS, RETRY, VIEW

router = DatongRouter()


class TaskFailureOut(Schema):
    id: int
    chain: UUID
    task_path: str
    task_name: str
    state: str
    attempt: int
    max_attempts: int
    error: str
    exception_class: str
    created_at: datetime
    next_attempt_at: datetime | None
    resolved_at: datetime | None
    is_latest: bool


class TaskFailureDetailOut(TaskFailureOut):
    args: list
    kwargs: dict
    traceback: str
    queue_name: str
    backend_name: str


class FailureFilter(Schema):
    state: str = "open"


class ProgressOut(Schema):
    key: str
    label: str
    status: str
    total: int
    done: int
    percent: int | None
    message: str
    result_url: str
    updated_at: datetime


@router.get(
    "/failures",
    permission=VIEW,
    response={200: list[TaskFailureOut], 422: ErrorOut},
    summary="Failed tasks: open (default), failed, retrying, resolved or all",
)
@paginate(Page)
def list_failures(request: HttpRequest, filters: Query[FailureFilter]):
    if filters.state not in selectors.STATES:
        raise ValidationFailed(details={"state": ", ".join(selectors.STATES)})
    return selectors.failures_for(acting_user(request), state=filters.state)


@router.get("/failures/{failure_id}", permission=VIEW, response={200: TaskFailureDetailOut, 404: ErrorOut})
def get_failure(request: HttpRequest, failure_id: int):
    failure = selectors.failure_for(acting_user(request), failure_id=failure_id)
    if failure is None:
        raise NotFound()
    return failure


@router.post(
    "/failures/{failure_id}/retry",
    permission=RETRY,
    response={202: TaskFailureOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Retry now: the task runs again as soon as a worker is free",
)
def retry_failure(request: HttpRequest, failure_id: int):
    return Status(202, services.retry_failure(failure_id=failure_id, by=acting_user(request)))


@router.get("/progress/{key}", permission=PROGRESS, response={200: ProgressOut, 404: ErrorOut})
def get_progress(request: HttpRequest, key: str):
    """status "stalled": the job stopped without finishing (its worker died, the stall rule)."""
    record = selectors.progress_for(acting_user(request), key=key) and services.check_stalled(key=key)
    if record is None:
        raise NotFound()
    return record
