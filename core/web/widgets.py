"""Form widgets shared by the apps' forms."""

from __future__ import annotations

from django import forms


class Checklist(forms.CheckboxSelectMultiple):
    """A long list of checkboxes (a city's ~100 handling units, its deputies) in a box that
    scrolls, so the rest of the form stays in reach. datong.js adds a field that narrows the
    list as one types and a count of the boxes ticked; without script the box still scrolls
    and every box still posts. A ticked box hidden by the filter stays ticked."""

    template_name = "web/widgets/checklist.html"


class DateInput(forms.DateInput):
    """<input type=date>. The browser takes only an ISO date (2026-08-30) as its value: the
    locale's format (2026/08/30 in Chinese) shows an empty field, and a filter that was just
    applied seems forgotten. So the value is always written as ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's own name)
        super().__init__(attrs, format=format or "%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """<input type=datetime-local>, its value always ISO to the minute (see DateInput)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs, format=format or "%Y-%m-%dT%H:%M")
