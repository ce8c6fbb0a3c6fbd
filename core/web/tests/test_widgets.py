"""Shared form widgets: date fields keep what the user chose, in every language."""

import datetime

import pytest
from django import forms
from django.utils import translation

from core.web.widgets import DateInput, DateTimeInput


class _Period(forms.Form):
    since = forms.DateField(widget=DateInput())
    at = forms.DateTimeField(widget=DateTimeInput())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_field_shows_the_chosen_date_in_every_language(language):
    # Chinese formats dates 2026/08/30, which <input type=date> rejects: the field looked empty.
    with translation.override(language):
        html = str(_Period(initial={"since": datetime.date(2026, 8, 30),
                                    "at": datetime.datetime(2026, 8, 30, 9, 5)}))
    assert 'type="date"' in html and 'value="2026-08-30"' in html
    assert 'type="datetime-local"' in html and 'value="2026-08-30T09:05"' in html


def test_what_the_browser_sends_back_is_read_in_chinese():
    with translation.override("zh-hans"):
        form = _Period(data={"since": "2026-08-30", "at": "2026-08-30T09:05"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["since"] == datetime.date(2026, 8, 30)
