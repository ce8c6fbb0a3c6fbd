"""`{% load voices %}{{ message.tracking_number|tracking }}`: a tracking number written the one
way the citizen was given it (M261127-KME417-Y), on every page that shows it.

`{{ message.subject|masked_numbers }}`: a message's subject on the lists staff, units and
deputies read, with the ID, bank-card and phone numbers a citizen typed into it masked as the
sender panel masks them (SEC-7, SEC-8; in full only on the message's page after a logged
reveal). Not for the citizen's own pages: they read what they wrote."""

from django import template

from ..rules import display_tracking_number
from ..scrub import mask_numbers

register = template.Library()


@register.filter
def tracking(number: str) -> str:
    return display_tracking_number(number or "")


@register.filter
def masked_numbers(text: str) -> str:
    return mask_numbers(text or "")
