"""SEC-8: phone and ID numbers are encrypted at rest and masked for those who may not see them."""

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from voices import crypto


def test_round_trip_and_ciphertext_hides_the_number():
    token = crypto.encrypt("13812345678")
    assert "13812345678" not in token
    assert crypto.decrypt(token) == "13812345678"
    # Fernet is randomised: the same number twice gives two ciphertexts (no equality leak).
    assert crypto.encrypt("13812345678") != token


def test_empty_stays_empty():
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""
    assert crypto.lookup_key("") == ""


def test_a_value_written_under_another_key_is_refused_not_misread():
    token = crypto.encrypt("140202199001011234")
    other = override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789")
    with other, pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token)


def test_configured_key_must_be_32_bytes():
    with override_settings(FIELD_ENCRYPTION_KEY="c2hvcnQ="), pytest.raises(ValueError):
        crypto.encrypt("1")


def test_lookup_key_matches_the_same_phone_written_differently():
    assert crypto.lookup_key("+86 138-1234-5678") == crypto.lookup_key("13812345678")
    assert crypto.lookup_key("0086 13812345678") == crypto.lookup_key("138 1234 5678")
    assert crypto.lookup_key("13812345679") != crypto.lookup_key("13812345678")
    assert "13812345678" not in crypto.lookup_key("13812345678")


def test_masks_show_only_what_staff_need_to_recognise():
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_id_number("14020219900101123X") == "140202********123X"
    assert crypto.mask_name("张三丰") == "张**"
    assert crypto.mask_name("") == ""


@given(st.text(min_size=1, max_size=40))
def test_any_text_survives_encryption(value):
    assert crypto.decrypt(crypto.encrypt(value)) == value


def test_a_local_number_without_area_code_is_masked_too():
    """SEC-8: 5021234 showed whole (3 + 4 shown of 7 digits)."""
    assert crypto.mask_phone("5021234") == "50***34"
    assert crypto.mask_phone("85021234") == "85****34"
    assert crypto.mask_phone("0352-5021234") == "035****1234"
