"""The API's one error format for input it cannot read (core.apikit, config.api): each field
named as the caller sent it, each reason in the caller's language, never pydantic's or ninja's
English; the shape {"code", "message", "details"} for every app's API."""

from __future__ import annotations

import pytest

from core.accounts.roles import Role
from core.apikit import WHOLE_INPUT, validation_details, validation_message

API = "/api/calendar"


@pytest.mark.parametrize(
    ("error", "text"),
    [
        ({"type": "missing"}, "This field is required."),
        ({"type": "string_too_long", "ctx": {"max_length": 200}}, "This is too long: at most 200 characters."),
        ({"type": "string_too_short", "ctx": {"min_length": 1}}, "This field is required."),
        ({"type": "string_too_short", "ctx": {"min_length": 6}}, "This is too short: at least 6 characters."),
        ({"type": "too_long", "ctx": {"max_length": 500}}, "At most 500 items."),
        ({"type": "too_short", "ctx": {"min_length": 1}}, "At least 1 item."),
        ({"type": "less_than_equal", "ctx": {"le": 200}}, "This must be at most 200."),
        ({"type": "greater_than_equal", "ctx": {"ge": 1}}, "This must be at least 1."),
        ({"type": "int_parsing"}, "Enter a whole number."),
        ({"type": "decimal_parsing"}, "Enter a number."),
        ({"type": "decimal_type"}, "Enter a number."),
        ({"type": "bool_parsing"}, "Enter true or false."),
        ({"type": "datetime_from_date_parsing"}, "Enter a date and time (ISO 8601, like 2026-11-25T09:12:00+08:00)."),
        ({"type": "date_parsing"}, "Enter a date (ISO 8601, like 2026-11-25)."),
        ({"type": "string_type"}, "Enter text."),
        ({"type": "list_type"}, "Enter a list."),
        ({"type": "model_attributes_type"}, "Enter an object."),
        ({"type": "uuid_parsing"}, "This value is not of the expected type."),
        ({"type": "literal_error", "ctx": {"expected": "'hotline', 'petition' or 'deputy_voice'"}},
         "Choose one of: hotline, petition, deputy_voice."),
        ({"type": "value_error", "msg": "Value error, 不对", "ctx": {"error": "Unknown version."}}, "Unknown version."),
        ({"type": "value_error", "msg": "Value error, Our own words."}, "Our own words."),
        ({"type": "url_scheme"}, "Enter a valid value."),
    ],
)
def test_each_kind_of_error_reads_as_a_sentence_of_ours(error, text):
    assert validation_message(error) == text


def test_a_field_is_keyed_as_sent_and_keeps_its_first_reason():
    details = validation_details([
        {"type": "missing", "loc": ("body", "payload", "subject"), "field": "subject"},
        {"type": "string_type", "loc": ("body", "payload", "subject"), "field": "subject"},
        {"type": "missing", "loc": ("query", "year")},
        {"type": "missing", "loc": ("body", "payload"), "field": WHOLE_INPUT},
    ])
    assert details == {"subject": "This field is required.", "year": "This field is required.",
                       WHOLE_INPUT: "This field is required."}


def test_a_query_parameter_is_named_alone(client_for):
    response = client_for(Role.STAFF).get(f"{API}/holidays", {"page_size": 500, "year": "soon"})
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": "The input is not valid.",
                               "details": {"page_size": "This must be at most 200.", "year": "Enter a whole number."}}


def test_a_body_field_is_named_without_where_ninja_read_it(client_for):
    response = client_for(Role.STAFF).post(f"{API}/holidays", {"date": "2027-01-01"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"] == {"kind": "This field is required."}


def test_a_missing_body_is_named_as_the_whole_input(client_for):
    response = client_for(Role.STAFF).post(f"{API}/holidays", "", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"] == {WHOLE_INPUT: "This field is required."}


def test_the_reasons_are_in_the_callers_language(client_for, users):
    users[Role.STAFF].language = "zh-hans"
    users[Role.STAFF].save(update_fields=["language"])
    response = client_for(Role.STAFF).post(f"{API}/holidays", {"date": "2027-01-01"}, content_type="application/json")
    assert response.json() == {"code": "invalid", "message": "输入的内容无效。", "details": {"kind": "此项为必填。"}}


def test_a_body_that_is_not_json_is_a_400_in_the_error_format(client_for):
    response = client_for(Role.STAFF).post(f"{API}/holidays", "{date:", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "error", "message": "The request body is not valid JSON.", "details": {}}
