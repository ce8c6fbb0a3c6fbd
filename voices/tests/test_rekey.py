"""SEC-8: the field key rotates without losing a citizen's data or the look-ups by phone."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.audit.models import AuditEntry
from voices import crypto, services
from voices.models import Message
from voices.tests.factories import receive

OLD, NEW, STRANGER = (Fernet.generate_key().decode() for _ in range(3))
PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def under(key, retired=()):
    return override_settings(FIELD_ENCRYPTION_KEY=key, FIELD_ENCRYPTION_RETIRED_KEYS=list(retired))


def rekey(*args) -> str:
    out = StringIO()
    call_command("voices_rekey", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def written_under_old(congress, staff):
    with under(OLD):
        first = receive(staff, congress, name="赵六", phone=PHONE, id_number=ID_NUMBER)
        second = receive(staff, congress, phone="+86 138 1234 5678")
        receive(staff, congress)  # no personal data: nothing to rewrite
    return first, second


def test_while_keys_rotate_old_values_are_read_and_found_and_new_ones_written_under_the_new_key(
        written_under_old, congress, staff):
    first, second = written_under_old
    with under(NEW, retired=[OLD]):
        assert services.reveal_personal_data(by=staff, message=first, purpose="回访")["phone"] == PHONE
        third = receive(staff, congress, phone=PHONE)
        assert crypto.is_current(third.phone_encrypted) and not crypto.is_current(first.phone_encrypted)
        found = services.find_caller_messages(by=staff, phone=PHONE, purpose="来电")
        assert {m.pk for m in found} == {first.pk, second.pk, third.pk}
        # From the new message, the old ones are found (its number hashed under both keys).
        assert {m.pk for m in services.find_caller_messages(by=staff, message=third, purpose="来电")} == {first.pk, second.pk, third.pk}
    # The old key dropped too early: the old values cannot be read.
    with under(NEW), pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(Message.objects.get(pk=first.pk).phone_encrypted)


def test_voices_rekey_rewrites_every_value_so_the_retired_key_can_go(written_under_old, staff):
    first, second = written_under_old
    with under(NEW, retired=[OLD]):
        with pytest.raises(CommandError, match="2 messages still hold data under a retired key"):
            rekey("--check")
        out = rekey()
        assert "2 of 2 messages with personal data rewritten" in out
        assert "2 / 2" in out  # the progress bar
        assert "0 of 2 messages" in rekey()  # a second run has nothing left to do
        assert "under the current key" in rekey("--check")
    with under(NEW):
        first = Message.objects.get(pk=first.pk)
        assert services.reveal_personal_data(by=staff, message=first, purpose="核实") == {
            "name": "赵六", "phone": PHONE, "id_number": ID_NUMBER}
        assert first.phone_index == crypto.lookup_key(PHONE)
        assert {m.pk for m in services.find_caller_messages(by=staff, phone=PHONE, purpose="来电")} == {first.pk, second.pk}
    entry = AuditEntry.objects.get(action="voices.rekey", data__rewritten=2)
    assert entry.data["unreadable"] == []


def test_voices_rekey_mends_a_phone_hash_made_before_the_phone_form_was_one(congress, staff):
    """SEC-8: +86 352 5021234 hashed as 863525021234 until 2026-11-27, so a search by
    0352-5021234 missed it; voices_rekey rewrites such a hash, and a search then finds it."""
    message = receive(staff, congress, phone="+86 352 5021234")
    old_hash = crypto.lookup_key("863525021234")
    Message.objects.filter(pk=message.pk).update(phone_index=old_hash)
    assert not services.find_caller_messages(by=staff, phone="0352-5021234", purpose="来电")
    with pytest.raises(CommandError, match="1 message still holds data under a retired key or a stale phone"):
        rekey("--check")
    assert "1 of 1 messages with personal data rewritten" in rekey()
    assert Message.objects.get(pk=message.pk).phone_index == crypto.lookup_key("0352-5021234")
    found = services.find_caller_messages(by=staff, phone="0352-5021234", purpose="来电")
    assert [m.pk for m in found] == [message.pk]
    assert "up to date" in rekey("--check")


def test_a_value_no_configured_key_reads_is_reported_and_left_alone(written_under_old, congress, staff):
    with under(STRANGER):
        lost = receive(staff, congress, phone="13900000000")
    with under(NEW, retired=[OLD]), pytest.raises(CommandError, match=f"1 message could not be read.*{lost.pk}"):
        rekey()
    assert Message.objects.get(pk=lost.pk).phone_encrypted == lost.phone_encrypted
    with under(NEW):
        assert crypto.decrypt(Message.objects.get(pk=written_under_old[0].pk).phone_encrypted) == PHONE


def test_a_retired_key_must_be_a_key():
    with under(NEW, retired=["c2hvcnQ="]), pytest.raises(ValueError, match="DATONG_FIELD_RETIRED_KEYS"):
        crypto.decrypt("x")
