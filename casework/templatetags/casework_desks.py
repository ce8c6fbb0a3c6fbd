"""`{% load casework_desks %}{% unit_due_panel %}`: the unit's "what is due" panel for the
clerk's home page (overdue first, then due soon), from casework's desk selectors, scoped to
the signed-in user."""

from django import template

from casework import desk_selectors
from casework.desk_permissions import ASSIGNMENTS
from core.permissions import has_perm

register = template.Library()


@register.inclusion_tag("casework/_unit_due_panel.html", takes_context=True)
def unit_due_panel(context):
    user = context["request"].user
    if not has_perm(user, ASSIGNMENTS):
        return {"allowed": False}
    return {"allowed": True, "overview": desk_selectors.unit_overview(user),
            "days": desk_selectors.rules.DEFAULT_REMIND_BEFORE_DAYS}
