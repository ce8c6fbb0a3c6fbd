"""The inbox page: the user's own notifications, unread first."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFound
from core.permissions import requires

from . import selectors, services
from .permissions import INBOX

PAGE_SIZE = 25


@requires(INBOX)
def inbox(request):
    unread_only = request.GET.get("show") == "unread"
    rows = selectors.inbox(user=request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user)},
    )


@requires(INBOX)
@require_POST
def notification_read(request, notification_id: int):
    notification = _mark_read(request, notification_id)
    unread_only = request.GET.get("show") == "unread"
    if request.htmx:
        return render(
            request,
            "notify/_marked_read.html",
            {
                "notification": notification,
                "unread": selectors.unread_count(request.user),
                "unread_only": unread_only,
            },
        )
    return redirect(reverse("notify:inbox") + ("?show=unread" if unread_only else ""))


@requires(INBOX)
@require_POST
def notification_open(request, notification_id: int):
    """Mark read, then follow the notification's link (only links within this site)."""
    notification = _mark_read(request, notification_id)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notify:inbox")


@requires(INBOX)
@require_POST
def read_all(request):
    count = services.mark_all_read(by=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notify:inbox")


def _mark_read(request, notification_id: int):
    try:
        return services.mark_read(by=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404 from exc
