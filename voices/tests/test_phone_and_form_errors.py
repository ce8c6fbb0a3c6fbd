"""A caller's phone is one rule on every channel (web form, phone entry, API, xlsx import,
Open311: `voices.rules.phone_valid`), full-width digits count as digits, a valid number is
stored and hashed as it always was (SEC-8 look-ups), and the message form shows every error
the citizen can fix on the first submit (SEC-7's guardian consent among them)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.accounts.roles import Role
from core.organisation.tests.factories import (
    CongressFactory,
    DistrictFactory,
    HandlingUnitFactory,
    TermFactory,
)
from voices import crypto, rules
from voices.models import Message, MessageCategory

from . import test_importing as imports
from . import test_pages as pages
from .test_pages import PHONE, form_data

# The pages' fixtures: the same city and people.
city, people, as_ = pages.city, pages.people, pages.as_

pytestmark = pytest.mark.django_db

#: What the tester typed that was taken for a number, and the short numbers that are no
#: caller's phone.
BAD_PHONES = [
    "abc-1234567",  # letters were dropped: stored as 1234567
    "138OO138000",  # letter O for zero: taken as a 9-digit landline
    "1391234",  # a mobile cut short
    "12345",  # the hotline itself
    "110",
    "95588",  # a bank's service number
    "0352-1234567",  # a local number cannot start with 1
    "138.1234.5678",
    "+1 202 555 0123",  # not a mainland number
    "0352-5021234801",  # an extension run into the number: ambiguous
]
GOOD_PHONES = [
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "+86 13812345678",
    "+86 138-1234-5678",
    "0086 13812345678",
    "8613812345678",
    "0352-5021234",
    "(0352) 5021234",
    "010-62345678",
    "021 6234 5678",
    "0352-5021234-801",
    "0352-5021234转801",  # the extension as it is written in Chinese
    "0352-5021234 分机 801",
    "010-62345678 ext. 8",
    "5021234",
    "62345678",
    "+86 352 5021234",
    "013812345678",  # another area's mobile dialled from a landline
]
#: Spellings of one number that hash as one (SEC-8 look-ups): before 2026-11-27 the first of
#: each group hashed apart from the others.
SAME_NUMBER = [
    ["+86 352 5021234", "0352-5021234", "0086 352 5021234", "+86 0352 5021234", "(0352) 5021234"],
    ["+86 10 6234 5678", "010-62345678", "0086 010 62345678"],
    ["+86 352 5021234-801", "0352-5021234转801", "0352-5021234-801"],
    ["013812345678", "13812345678", "+86 138 1234 5678", "0086 13812345678"],
]
MOBILE_FORMS = ["138 1234 5678", "138-1234-5678", "+86 13812345678"]
FULL_WIDTH_MOBILE = "１３８１２３４５６７８"
API = "/api/voices/messages"


def _old_normalise(value: str) -> str:
    """`crypto.normalise_number` as it was when the stored look-up hashes were written."""
    digits = re.sub(r"[^0-9Xx]", "", value or "").upper()
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits


def _api_payload(**kwargs) -> dict:
    data = {"subject": pages.SUBJECT, "body": pages.BODY, "name": pages.NAME, "phone": PHONE,
            "age_band": "adult", "notice_version": pages.NOTICE_VERSION}
    data.update(kwargs)
    return data


def _post_api(data: dict):
    return Client().post(API, data, content_type="application/json")


# --- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", GOOD_PHONES)
def test_phone_valid_accepts_a_mobile_or_landline_in_its_usual_spellings(phone):
    assert rules.phone_valid(phone) is True


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_phone_valid_refuses_letters_short_numbers_and_truncated_mobiles(phone):
    assert rules.phone_valid(phone) is False


def test_check_intake_refuses_a_phone_with_letters_on_the_phone_field():
    data = {"subject": "路灯", "body": "路灯坏了", "regime": "hotline", "nature": "help", "channel": "web",
            "age_band": "", "phone": "abc-1234567"}
    assert rules.check_intake(data) == {"phone": "phone_invalid"}


@pytest.mark.parametrize("phone", [p for p in GOOD_PHONES if p not in {"+86 352 5021234", "013812345678"}])
def test_a_valid_number_hashes_as_before(phone):
    """SEC-8: the stored look-up hashes still find the caller's earlier messages (a +86
    landline without its 0 is the one spelling whose hash changed: voices_rekey mends it)."""
    assert crypto.normalise_number(phone) == _old_normalise(phone)
    assert crypto.normalise_phone(phone) == _old_normalise(phone)


@pytest.mark.parametrize("spellings", SAME_NUMBER, ids=[group[1] for group in SAME_NUMBER])
def test_the_spellings_of_one_landline_or_mobile_hash_as_one(spellings):
    """SEC-8: a caller who gave +86 352 5021234 once and 0352-5021234 later is one caller."""
    assert all(rules.phone_valid(phone) for phone in spellings)
    assert len({crypto.lookup_key(phone) for phone in spellings}) == 1


def test_a_0_before_a_mobile_is_masked_as_the_mobile():
    """SEC-8: the mask shows the mobile's own first three digits, not the dialled 0."""
    assert crypto.mask_phone("013812345678") == "138****5678"


def test_the_usual_spellings_of_one_mobile_hash_the_same():
    """SEC-8."""
    keys = {crypto.lookup_key(phone) for phone in [PHONE, *MOBILE_FORMS, FULL_WIDTH_MOBILE]}
    assert len(keys) == 1


def test_full_width_digits_are_digits():
    assert rules.phone_valid(FULL_WIDTH_MOBILE) is True
    assert rules.phone_valid("０３５２－５０２１２３４") is True
    assert rules.phone_text(" （０３５２）５０２１２３４ ") == "(0352)5021234"
    assert crypto.normalise_number(FULL_WIDTH_MOBILE) == PHONE
    assert crypto.mask_phone(FULL_WIDTH_MOBILE) == pages.MASKED_PHONE


def test_full_width_letters_are_still_letters():
    assert rules.phone_valid("１３８ＯＯ１３８０００") is False


# --- the web form and the phone entry ----------------------------------------------------------


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_the_web_form_refuses_a_bad_phone_on_the_phone_field(city, as_, phone):
    response = as_(None).post(reverse("voices:message-create"), form_data(phone=phone))
    assert response.status_code == 422
    assert response.context["form"].errors["phone"] == ["This is not a phone number: give a mobile number (11 digits) or a landline with its area code."]
    assert not Message.objects.exists()


@pytest.mark.parametrize("phone", ["abc-1234567", "12345", "1391234"])
def test_the_phone_entry_refuses_a_bad_phone_on_the_phone_field(city, as_, phone):
    response = as_(Role.STAFF).post(reverse("voices:phone-entry"), form_data(phone=phone))
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["phone"]
    assert not Message.objects.exists()


@pytest.mark.parametrize("phone", MOBILE_FORMS)
def test_the_web_form_stores_each_spelling_of_a_mobile_under_the_same_hash(city, as_, phone):
    """SEC-8: the number is stored as typed (encrypted) and found by one look-up key."""
    response = as_(None).post(reverse("voices:message-create"), form_data(phone=phone))
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.phone_index == crypto.lookup_key(PHONE)
    assert crypto.decrypt(message.phone_encrypted) == phone


def test_the_web_form_takes_full_width_digits_and_stores_them_as_ascii(city, as_):
    response = as_(None).post(reverse("voices:message-create"), form_data(phone=FULL_WIDTH_MOBILE))
    assert response.status_code == 302
    message = Message.objects.get()
    assert crypto.decrypt(message.phone_encrypted) == PHONE
    assert message.phone_index == crypto.lookup_key(PHONE)


def test_the_phone_entry_takes_a_landline_with_an_extension(city, as_):
    response = as_(Role.STAFF).post(reverse("voices:phone-entry"), form_data(phone="0352-5021234-801"))
    assert response.status_code == 302
    assert crypto.decrypt(Message.objects.get().phone_encrypted) == "0352-5021234-801"


def test_every_error_the_citizen_can_fix_shows_on_the_first_submit(city, as_):
    """SEC-7: the missing subject, the bad phone and the missing guardian consent together."""
    response = as_(None).post(reverse("voices:message-create"),
                              form_data(subject="", age_band="under_14", phone="12345"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"subject", "phone", "guardian_consent"}
    page = response.content.decode()
    assert "This field is required." in page
    assert "This is not a phone number:" in page
    assert "guardian" in page
    assert not Message.objects.exists()


def test_the_phone_entry_shows_every_error_on_the_first_submit_too(city, as_):
    """SEC-7 and SEC-5 (an anonymous caller gives no name)."""
    response = as_(Role.STAFF).post(reverse("voices:phone-entry"), form_data(
        body="", age_band="under_14", phone="abc-1234567", is_anonymous="on"))
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"body", "phone", "name", "guardian_consent"}


def test_a_field_with_its_own_error_shows_it_alone(city, as_):
    """The intake rules do not repeat "required" under a field the form already refused."""
    response = as_(None).post(reverse("voices:message-create"), form_data(subject=""))
    assert response.context["form"].errors["subject"] == ["This field is required."]


def test_a_call_is_never_entered_as_a_deputys_voice(city, as_):
    """A deputy's voice names its deputy or station, which a call to the office has not: the
    phone entry does not offer that kind (it was offered, then refused for a field not there)."""
    response = as_(Role.STAFF).post(reverse("voices:phone-entry"), form_data(regime="deputy_voice"))
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"regime"}
    assert not Message.objects.exists()


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_the_api_refuses_a_bad_phone_with_422_naming_it(city, phone):
    response = _post_api(_api_payload(phone=phone))
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"phone"}
    assert not Message.objects.exists()


def test_the_api_refuses_the_three_errors_together_naming_each_field(city):
    """SEC-7: the service keeps its own checks."""
    response = _post_api(_api_payload(subject="", age_band="under_14", phone="12345"))
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"subject", "phone", "guardian_consent"}


@pytest.mark.parametrize("phone", [*MOBILE_FORMS, FULL_WIDTH_MOBILE])
def test_the_api_takes_each_spelling_of_a_mobile_under_the_same_hash(city, phone):
    response = _post_api(_api_payload(phone=phone))
    assert response.status_code == 201, response.json()
    assert Message.objects.get().phone_index == crypto.lookup_key(PHONE)


# --- the xlsx import ----------------------------------------------------------------------------


@pytest.fixture
def import_city(db):
    """The import's city (test_importing): its category, district and unit by name."""
    congress = CongressFactory()
    TermFactory(congress=congress, is_current=True)
    MessageCategory.objects.create(congress=congress, code="roads", name="城市道路")
    DistrictFactory(congress=congress, name="测试东区")
    HandlingUnitFactory(congress=congress, name="测试市交通局")
    return {"congress": congress}


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_the_import_refuses_a_bad_phone_by_row_and_column(import_city, client_for, phone):
    response = imports.upload(client_for(Role.STAFF), imports.sheet(imports.row("GD1", 联系电话=phone)))
    assert response.status_code == 422
    assert "Row 2, 联系电话" in response.content.decode()
    assert not Message.objects.exists()


def _phone_row(phone) -> list:
    """One row as the sheet reader hands it over, with `phone` as its 联系电话 cell."""
    return [(2, {"external_id": "GD1", "received_at": "2025-03-02 09:15", "subject": "s", "body": "b",
                 "phone": phone})]


def _refused_phone_rows(phone, congress) -> list[tuple[int, str]]:
    with pytest.raises(imports.importing.ValidationFailed) as caught:
        imports.importing.check_rows(_phone_row(phone), congress=congress)
    return [(e.row, e.column) for e in caught.value.row_errors]


def test_the_import_checks_phones_with_the_rule_of_the_web_form(import_city):
    assert _refused_phone_rows("12345", import_city["congress"]) == [(2, "联系电话")]


def test_the_import_takes_full_width_digits_as_ascii(import_city):
    [planned] = imports.importing.check_rows(_phone_row("１３９ ００００ １１１１"), congress=import_city["congress"])
    assert planned["phone"] == "139 0000 1111"


def test_a_landline_excel_kept_as_a_number_gets_its_0_back(import_city, client_for):
    """A cell typed 0352-5021234 without a dash is the number 3525021234 in Excel: the import
    takes it as 0352-5021234 (and a mobile kept as a number as it is)."""
    response = imports.upload(client_for(Role.STAFF), imports.sheet(
        imports.row("GD1", 联系电话=3525021234), imports.row("GD2", 联系电话=13900001111)))
    assert response.status_code == 200, response.content.decode()
    phones = {m.external_id: crypto.decrypt(m.phone_encrypted) for m in Message.objects.all()}
    assert phones == {"GD1": "03525021234", "GD2": "13900001111"}
    assert Message.objects.get(external_id="GD1").phone_index == crypto.lookup_key("0352-5021234")


@pytest.mark.parametrize("number", [12345, 1391234, 95588])
def test_a_number_cell_is_not_made_a_phone_when_a_0_does_not_make_a_landline(import_city, number):
    assert _refused_phone_rows(number, import_city["congress"]) == [(2, "联系电话")]


def test_a_text_cell_keeps_what_was_typed(import_city):
    """Only a number cell lost a 0: a text cell "3525021234" is refused, not guessed at."""
    assert _refused_phone_rows("3525021234", import_city["congress"]) == [(2, "联系电话")]


# --- Open311 ------------------------------------------------------------------------------------


def test_open311_refuses_a_bad_phone_naming_it(city):
    from . import test_open311

    response = test_open311._post(service_code=city["lights"].code, phone="abc-1234567")
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("phone:")
    assert not Message.objects.exists()


def test_open311_refuses_a_long_phone_instead_of_cutting_it(city):
    from . import test_open311

    response = test_open311._post(service_code=city["lights"].code, phone=PHONE + " " * 40 + "abc")
    assert response.status_code == 400
    assert not Message.objects.exists()
