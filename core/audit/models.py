"""The audit log: append-only and hash-chained (each entry carries the hash of the one before).

Who, what, which object, before/after, when. Never how anyone voted (SEC-1, see
`core.audit.secrecy`).

Append-only is enforced three times: `save()`/`delete()` on an entry, `update()`/`delete()`
on a queryset, and a database trigger (migration 0005). The chain itself proves the rest:
`core.audit.verify.verify_chain()` finds the first entry that was edited, inserted or deleted.
"""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
#: The primary key of the one AuditChainHead row.
HEAD_PK = 1


class AppendOnlyError(Exception):
    """An audit entry may be written once and never changed or deleted."""


class AuditEntryQuerySet(models.QuerySet):
    """Reads only: bulk writes would bypass the chain, bulk changes would break it."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are never changed")

    def delete(self):
        raise AppendOnlyError("audit entries are never deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit entries are never changed")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError("audit entries are appended one at a time by core.audit.services.record()")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are never changed")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    # A plain id, not a foreign key: deleting an account must not rewrite its history.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("who"), max_length=200)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The entry's position in the chain: 1, 2, 3, ... with no gaps (ids may have gaps: a
    # rolled-back transaction still uses up a sequence value on PostgreSQL).
    seq = models.PositiveBigIntegerField(_("position"), unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are never deleted")

    def canonical(self) -> str:
        """The text the hash covers: every recorded field, in a fixed order and format."""
        payload = {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "before": self.before,
            "after": self.after,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(
            payload, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()


class AuditChainHead(models.Model):
    """The chain's head: position and hash of the last entry `record()` appended (one row).

    New entries chain from the head, not from whatever row happens to be last in the table,
    so deleting entries from the end leaves a gap that `verify_chain()` reports. Copy the head
    hash printed by `manage.py audit_verify` somewhere outside the database (a signed report,
    an e-mail to the data-protection officer) to detect a rewrite of the whole table.
    """

    seq = models.PositiveBigIntegerField(_("position"), default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    entry_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash[:12]}"
