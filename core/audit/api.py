"""The audit log's API (mount at /api/audit): read the entries, check the chain."""

from datetime import date, datetime

from ninja import Query, Schema
from ninja.pagination import paginate

from core.apikit import DatongRouter, Page, acting_user
from core.errors import NotFound

from . import selectors
from .permissions import VERIFY, VIEW
from .verify import verify_chain

router = DatongRouter()


class AuditEntryOut(Schema):
    id: int
    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    before: dict | list | None
    after: dict | list | None
    data: dict
    prev_hash: str
    hash: str


class AuditFilterIn(Schema):
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None


class ChainReportOut(Schema):
    ok: bool
    checked: int
    head_hash: str
    problem: str
    entry_id: int | None
    seq: int | None
    message: str


@router.get("/entries", permission=VIEW, response=list[AuditEntryOut])
@paginate(Page)
def entry_list(request, filters: Query[AuditFilterIn]):
    """Entries newest first; `action` matches the start of the code, dates are local and included."""
    return selectors.audit_entries(user=acting_user(request), **filters.dict())


@router.get("/entries/{entry_id}", permission=VIEW, response=AuditEntryOut)
def entry_detail(request, entry_id: int):
    entry = selectors.audit_entry(user=acting_user(request), entry_id=entry_id)
    if entry is None:
        raise NotFound()
    return entry


@router.get("/verify", permission=VERIFY, response=ChainReportOut)
def chain_verify(request):
    """Check the whole chain (read-only): the first entry edited, inserted or deleted, if any."""
    return verify_chain().as_dict()
