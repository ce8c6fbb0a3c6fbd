"""`{% load voices %}{{ message.tracking_number|tracking }}`: a tracking number written the one
way the citizen was given it (M261127-KME417-Y), on every page that shows it."""

from django import template

from ..rules import display_tracking_number

register = template.Library()


@register.filter
def tracking(number: str) -> str:
    return display_tracking_number(number or "")
