"""The audit chain: each entry carries the hash of the one before, and `audit_verify` finds
the first entry that was edited, inserted or deleted."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from core.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from core.audit.services import record
from core.audit.verify import DELETED, EDITED, HEAD_MISSING, INSERTED, verify_chain

from .tamper import raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(users):
    """Four entries by a staff member on one handling unit."""
    staff = users["staff"]
    return [
        record(
            actor=staff,
            action="unit.rename",
            before={"name": f"旧{n}"},
            after={"name": f"新{n}"},
            data={"n": n},
        )
        for n in range(4)
    ]


def run_verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as caught:
        run_verify()
    assert caught.value.returncode == 1
    return str(caught.value)


def test_each_entry_carries_the_hash_of_the_one_before(chain):
    assert chain[0].prev_hash == GENESIS_HASH
    for before, entry in zip(chain, chain[1:], strict=False):
        assert entry.prev_hash == before.hash
        assert entry.seq == before.seq + 1
    stored = AuditEntry.objects.get(pk=chain[2].pk)
    assert stored.compute_hash() == stored.hash


def test_record_stores_who_what_which_object_and_when(users):
    staff = users["staff"]
    entry = record(
        actor=staff,
        action="user.set_language",
        target=staff,
        before={"language": "en"},
        after={"language": "zh-hans"},
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == staff.pk
    assert entry.actor_label.startswith(staff.username)
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(staff.pk))
    assert entry.before == {"language": "en"} and entry.after == {"language": "zh-hans"}
    assert entry.at is not None


def test_verify_reports_ok_on_a_clean_chain(chain):
    output = run_verify()
    assert output.startswith("OK: 4 entries verified")
    assert chain[-1].hash in output


def test_verify_reports_ok_on_an_empty_log(db):
    assert run_verify().startswith("OK: 0 entries verified")


def test_an_edited_entry_is_reported(chain):
    raw("UPDATE audit_auditentry SET after = %s WHERE id = %s", ['{"name": "伪造"}', chain[1].pk])
    message = verify_fails()
    assert f"entry #{chain[1].pk} " in message and "edited" in message
    report = verify_chain()
    assert (report.ok, report.problem, report.entry_id, report.checked) == (False, EDITED, chain[1].pk, 1)


def test_an_edited_entry_with_a_recomputed_hash_is_reported(chain):
    """Rewriting an entry and its hash still breaks the next entry's link to it."""
    forged = AuditEntry.objects.get(pk=chain[1].pk)
    forged.actor_label = "someone else"
    raw(
        "UPDATE audit_auditentry SET actor_label = %s, hash = %s WHERE id = %s",
        [forged.actor_label, forged.compute_hash(), forged.pk],
    )
    report = verify_chain()
    assert (report.problem, report.entry_id) == (EDITED, chain[1].pk)


def test_an_edited_last_entry_with_a_recomputed_hash_is_reported(chain):
    forged = AuditEntry.objects.get(pk=chain[-1].pk)
    forged.action = "unit.something_else"
    raw(
        "UPDATE audit_auditentry SET action = %s, hash = %s WHERE id = %s",
        [forged.action, forged.compute_hash(), forged.pk],
    )
    report = verify_chain()
    assert (report.problem, report.entry_id) == (EDITED, chain[-1].pk)


def test_a_deleted_entry_is_reported(chain):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [chain[1].pk])
    message = verify_fails()
    assert "deleted" in message
    report = verify_chain()
    assert (report.problem, report.seq, report.entry_id) == (DELETED, chain[1].seq, chain[2].pk)


def test_entries_deleted_from_the_end_are_reported(chain):
    raw("DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [chain[2].pk, chain[3].pk])
    report = verify_chain()
    assert (report.problem, report.seq) == (DELETED, chain[2].seq)


def test_a_forged_entry_appended_around_the_service_is_reported(chain):
    """A row inserted by hand, with a correct link and hash, lies beyond the chain head."""
    last = chain[-1]
    forged = AuditEntry(
        seq=last.seq + 1,
        at=last.at,
        actor_label="admin (administrator)",
        action="unit.rename",
        before=None,
        after=None,
        data={},
        prev_hash=last.hash,
    )
    forged.hash = forged.compute_hash()
    forged.save(force_insert=True)
    message = verify_fails()
    assert f"entry #{forged.pk} " in message and "inserted" in message


def test_a_forged_entry_inserted_in_the_middle_is_reported(chain):
    """Make room at position 2 by moving the later entries up, then insert a linked entry."""
    raw("UPDATE audit_auditentry SET seq = seq + 100 WHERE seq >= %s", [chain[1].seq])
    raw("UPDATE audit_auditentry SET seq = seq - 99 WHERE seq >= %s", [chain[1].seq + 100])
    forged = AuditEntry(
        seq=chain[1].seq,
        at=chain[0].at,
        actor_label="admin (administrator)",
        action="unit.rename",
        data={},
        prev_hash=chain[0].hash,
    )
    forged.hash = forged.compute_hash()
    forged.save(force_insert=True)
    report = verify_chain()
    assert (report.problem, report.entry_id) == (INSERTED, forged.pk)


def test_a_rolled_back_entry_leaves_no_false_alarm(users):
    """PostgreSQL spends an id on a rolled-back insert; positions have no such gap."""
    record(actor=users["staff"], action="unit.rename")
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=users["staff"], action="unit.rename")
        raise RuntimeError("the change failed")
    record(actor=users["staff"], action="unit.rename")
    report = verify_chain()
    assert report.ok and report.checked == 2


def test_a_missing_chain_head_is_reported(chain):
    AuditChainHead.objects.all().delete()
    report = verify_chain()
    assert report.problem == HEAD_MISSING


def test_new_entries_chain_from_the_head_so_a_deleted_tail_stays_visible(chain, users):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [chain[-1].pk])
    record(actor=users["staff"], action="unit.rename")
    report = verify_chain()
    assert (report.problem, report.seq) == (DELETED, chain[-1].seq)


# --- deferred(): a long transaction takes the chain's lock only at its end ---------------------


def test_deferred_entries_are_chained_at_the_end_in_order_with_their_own_times(chain, users):
    from core.audit.services import deferred

    with transaction.atomic(), deferred():
        assert record(actor=users["staff"], action="unit.rename", data={"n": "a"}) is None
        assert not AuditEntry.objects.filter(data__n="a").exists()  # nothing written yet
        # The head is not touched until the end: another transaction could append meanwhile.
        assert AuditChainHead.objects.get().seq == 4
        record(actor=users["staff"], action="unit.rename", data={"n": "b"})
    written = list(AuditEntry.objects.order_by("seq"))
    assert [e.data["n"] for e in written] == [0, 1, 2, 3, "a", "b"]
    assert written[4].at < written[5].at  # each at the moment it was recorded
    assert "OK" in run_verify()


def test_deferred_entries_of_a_failed_block_are_not_written(chain, users):
    from core.audit.services import deferred

    with pytest.raises(ValueError), transaction.atomic(), deferred():
        record(actor=users["staff"], action="unit.rename", data={"n": "lost"})
        raise ValueError("the import failed")
    assert AuditEntry.objects.count() == 4
    assert "OK" in run_verify()


@pytest.mark.django_db(transaction=True)
def test_deferred_needs_a_transaction():
    from core.audit.services import deferred

    with pytest.raises(RuntimeError), deferred():
        pass


def test_a_deferred_entry_of_a_savepoint_rolled_back_is_dropped_with_it(chain, users):
    """A refusal caught by the caller rolls its savepoint back: its entry must go too, as the
    row it describes did (core.savepoints)."""
    from core.audit.services import deferred

    with transaction.atomic(), deferred():
        record(actor=users["staff"], action="unit.rename", data={"n": "kept"})
        try:
            with transaction.atomic():
                record(actor=users["staff"], action="unit.rename", data={"n": "undone"})
                raise ValueError("refused")
        except ValueError:
            pass
        with transaction.atomic():  # a savepoint released, not rolled back
            record(actor=users["staff"], action="unit.rename", data={"n": "also kept"})
    assert [e.data["n"] for e in AuditEntry.objects.order_by("seq")][4:] == ["kept", "also kept"]
    assert "OK" in run_verify()
