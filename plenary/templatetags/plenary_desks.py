"""Panels of the plenary session for the role homes, scoped to the signed-in user:

- `{% joint_motion_panel %}`: the motions deputies file jointly (ELEC-19 recall, RES-4
  investigation committee) that still collect signatures, and where to start one.
"""

from django import template

from core.permissions import has_perm

from .. import selectors
from ..permissions import MOTION_CREATE, MOTION_VIEW

register = template.Library()


@register.inclusion_tag("plenary/_joint_motion_panel.html", takes_context=True)
def joint_motion_panel(context):
    user = context["request"].user
    if not has_perm(user, MOTION_VIEW):
        return {"allowed": False}
    rows = selectors.joint_motions_collecting(user)
    sessions = selectors.sessions_for_joint_motions(user) if has_perm(user, MOTION_CREATE) else []
    return {"allowed": bool(rows) or bool(sessions), "rows": rows}
