"""The inbox API (/api/notifications): each user reads and marks only their own."""

from datetime import datetime

from ninja import Schema
from ninja.pagination import paginate

from core.apikit import DatongRouter, Page, acting_user

from . import selectors, services
from .permissions import INBOX

router = DatongRouter()


class NotificationOut(Schema):
    id: int
    action: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    # In the caller's language of today (core.notify.texts), as the inbox page shows them.
    @staticmethod
    def resolve_title(obj) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.shown_body


class UnreadOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked: int


@router.get("", permission=INBOX, response=list[NotificationOut])
@paginate(Page)
def notification_list(request, unread: bool = False):
    """The caller's notifications, unread first; `?unread=true` for unread only."""
    return selectors.inbox(user=acting_user(request), unread_only=unread)


@router.get("/unread-count", permission=INBOX, response=UnreadOut)
def unread_count(request):
    return {"unread": selectors.unread_count(acting_user(request))}


@router.post("/read-all", permission=INBOX, response=ReadAllOut)
def notification_read_all(request):
    return {"marked": services.mark_all_read(by=acting_user(request))}


@router.post("/{notification_id}/read", permission=INBOX, response=NotificationOut)
def notification_read(request, notification_id: int):
    """Mark one of the caller's notifications read (404 for anyone else's)."""
    return services.mark_read(by=acting_user(request), notification_id=notification_id)
