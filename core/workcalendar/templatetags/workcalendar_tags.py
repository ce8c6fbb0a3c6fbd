"""`{% load workcalendar_tags %}{% deadline_mark deadline %}`: a due date, marked when
provisional (TIME-4: "marks the date provisional wherever it is shown")."""

from django import template

register = template.Library()


@register.inclusion_tag("workcalendar/_deadline.html")
def deadline_mark(deadline):
    return {"deadline": deadline}
