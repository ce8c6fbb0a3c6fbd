"""Audit entries are written once: the model, the queryset and the database refuse changes."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.audit.models import AppendOnlyError, AuditEntry
from core.audit.services import record

from .tamper import trigger_exists

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(users):
    return record(actor=users["staff"], action="unit.rename", after={"name": "新"})


def test_saving_a_changed_entry_is_refused(entry):
    entry.action = "unit.delete"
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_queryset_update_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="unit.delete")
    assert AuditEntry.objects.get(pk=entry.pk).action == "unit.rename"


def test_queryset_delete_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1


def test_bulk_writes_are_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(action="x")])
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])


def test_the_database_refuses_an_update(entry):
    assert trigger_exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["unit.delete", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "unit.rename"


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for flush (migration 0005)"
)
def test_the_database_refuses_a_delete(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
