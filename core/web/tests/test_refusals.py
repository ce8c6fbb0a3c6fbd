"""A service's refusal as people see it (core.web.refusals): each reason on the field it is
about, the refusal's own message when it gives no reason, never the data a refusal by state
carries (the state's code, the states allowed, the voting method)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.web.refusals import attempt, error_messages, form_errors


class SheetForm(forms.Form):
    sheet_number = forms.IntegerField(required=False)
    note = forms.CharField(required=False)


def bound() -> SheetForm:
    form = SheetForm({"sheet_number": "3", "note": ""})
    assert form.is_valid()
    return form


def request_with_messages():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_each_reason_is_shown_on_its_field_or_on_the_form():
    form = bound()
    form_errors(
        form,
        ValidationFailed(
            "The input is not valid.",
            details={
                "sheet_number": "This sheet has already been entered twice.",
                "marks.c1": "Too many chosen.",
            },
        ),
    )
    assert form.errors["sheet_number"] == ["This sheet has already been entered twice."]
    assert form.non_field_errors() == ["Too many chosen."]


def test_a_refusal_by_state_shows_its_message_not_the_state():
    form = bound()
    form_errors(
        form,
        InvalidTransition(
            "This is not possible while the round is “Open”.",
            details={"state": "open", "allowed_from": ["closed"], "method": "paper"},
        ),
    )
    assert form.non_field_errors() == ["This is not possible while the round is “Open”."]
    assert "sheet_number" not in form.errors


def test_error_messages_give_the_message_then_each_reason_that_says_more():
    request = request_with_messages()
    refusal = InvalidTransition(
        "Every sheet must be entered twice.",
        code="discrepancies",
        details={"sheet 2": "entered only once", "state": "closed"},
    )
    error_messages(request, refusal)
    assert [str(m) for m in get_messages(request)] == [
        "Every sheet must be entered twice.",
        "entered only once",
    ]


def test_error_messages_may_name_the_place_of_each_reason():
    request = request_with_messages()
    refusal = InvalidTransition(
        "Every sheet must be entered twice.",
        details={"sheet 2": "entered only once", "allowed_from": ["closed"]},
    )
    error_messages(request, refusal, name_places=True)
    assert [str(m) for m in get_messages(request)] == [
        "Every sheet must be entered twice.",
        "sheet 2: entered only once",
    ]


def test_attempt_puts_a_refusal_on_the_form_and_lets_a_refusal_of_permission_through():
    form = bound()
    assert attempt(form, lambda: None) is True
    assert not form.errors

    def refuse():
        raise ValidationFailed("No.", details={"note": "Say why."})

    assert attempt(form, refuse) is False
    assert form.errors["note"] == ["Say why."]

    def forbid():
        raise NotAllowed()

    with pytest.raises(NotAllowed):
        attempt(bound(), forbid)
