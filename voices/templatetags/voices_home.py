"""`{% load voices_home %}{% citizen_messages_panel %}`: the citizen's own messages on their home
page (how many, the newest few with where each stands, links to them, to "my messages" and to
the form), from the same selectors as "my messages", scoped to the signed-in user."""

from django import template

from core.permissions import has_perm

from .. import permissions
from ..views import common

register = template.Library()

#: How many of the newest messages the home page lists ("my messages" has them all).
HOME_ROWS = 3


@register.inclusion_tag("voices/_home_messages.html", takes_context=True)
def citizen_messages_panel(context):
    user = context["request"].user
    shown = {"can_submit": has_perm(user, permissions.SUBMIT), "allowed": has_perm(user, permissions.VIEW)}
    if shown["allowed"]:
        page, count = common.page_and_count(user, None, size=HOME_ROWS)
        shown.update(page=page, count_text=common.count_text(count))
    return shown
