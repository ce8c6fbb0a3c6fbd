"""Panels of the suggestion desks for the role homes, scoped to the signed-in user:

- `{% deputy_suggestion_panels %}`: replies to rate, invitations, drafts, my suggestions;
- `{% staff_suggestion_panels %}`: the register and assign queues and what is late.
"""

from django import template

from core.permissions import has_perm

from .. import desk_selectors, permissions
from ..desk_permissions import DEPUTY_DESK, STAFF_DESK

register = template.Library()


@register.inclusion_tag("proposals/_deputy_home.html", takes_context=True)
def deputy_suggestion_panels(context):
    user = context["request"].user
    if not has_perm(user, DEPUTY_DESK):
        return {"allowed": False}
    overview = desk_selectors.deputy_overview(user)
    for suggestion in overview.recent:
        suggestion.status_key = desk_selectors.status_of(suggestion)
        suggestion.status_text = desk_selectors.status_label(suggestion)
        suggestion.deadline = desk_selectors.next_deadline(suggestion)
    return {"allowed": True, "overview": overview, "can_create": has_perm(user, permissions.CREATE)}


@register.inclusion_tag("proposals/_staff_home.html", takes_context=True)
def staff_suggestion_panels(context):
    user = context["request"].user
    if not has_perm(user, STAFF_DESK):
        return {"allowed": False}
    return {"allowed": True, "overview": desk_selectors.staff_overview(user)}
