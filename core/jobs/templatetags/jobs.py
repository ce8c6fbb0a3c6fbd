"""`{% load jobs %}{% progress_bar key %}`: a progress bar that polls itself while running."""

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from ..selectors import progress_for

register = template.Library()


@register.inclusion_tag("jobs/_progress_bar.html", takes_context=True)
def progress_bar(context, key: str):
    request = context.get("request")
    user = getattr(request, "user", None)
    # The request goes along: the bar leaves out a result link to the page it is shown on.
    return {"record": progress_for(user, key=key) if user is not None else None, "request": request}


@register.filter
def duration(value) -> str:
    """A timedelta in words, in the user's language ("1 day", "30 minutes")."""
    if value is None:
        return ""
    now = timezone.now()
    return timesince(now - value, now)
