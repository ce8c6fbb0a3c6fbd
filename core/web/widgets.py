"""Form widgets shared by the apps' forms."""

from __future__ import annotations

from django import forms


class Checklist(forms.CheckboxSelectMultiple):
    """A long list of checkboxes (a city's ~100 handling units, its deputies) in a box that
    scrolls, so the rest of the form stays in reach. datong.js adds a field that narrows the
    list as one types and a count of the boxes ticked; without script the box still scrolls
    and every box still posts. A ticked box hidden by the filter stays ticked."""

    template_name = "web/widgets/checklist.html"
