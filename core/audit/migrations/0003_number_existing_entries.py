"""Number the entries written before the chain had positions, re-chain them, set the head.

The hash now covers the position, so each existing entry is re-hashed once, in id order. This
runs before the append-only trigger exists (0005) and before the system holds real records.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

GENESIS_HASH = "0" * 64


def _hash(entry) -> str:
    # The same canonical form as AuditEntry.canonical() (models are not imported here).
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "before": entry.before,
        "after": entry.after,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    text = json.dumps(
        payload, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def number_entries(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    prev_hash, seq, last_id = GENESIS_HASH, 0, None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=1000):
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev_hash
        entry.hash = _hash(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(seq=seq, prev_hash=prev_hash, hash=entry.hash)
        prev_hash, last_id = entry.hash, entry.pk
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"seq": seq, "hash": prev_hash, "entry_id": last_id}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_position_and_head"),
    ]

    operations = [
        migrations.RunPython(number_entries, migrations.RunPython.noop),
    ]
