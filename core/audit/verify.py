"""Checking the chain: find the first entry that was edited, inserted or deleted.

Walks the entries in chain order (`seq`) and, for each one:
1. its position follows the one before (a gap: entries were **deleted**; a repeat or a step
   back: an entry was **inserted**);
2. it carries the hash of the entry before it; when it does not, either the entry before
   was **inserted** (this one links past it to the one before that) or rewritten with a
   fresh hash (**edited**);
3. its own fields still give its stored hash (otherwise **edited**);
4. it is not beyond the chain head that `record()` keeps (otherwise **inserted**: written
   around `record()`).
After the walk, a chain shorter than its head means entries were **deleted** from the end.

Ids are not used to find gaps: PostgreSQL spends an id on every rolled-back insert.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import GENESIS_HASH, HEAD_PK, AuditChainHead, AuditEntry

EDITED = "edited"
INSERTED = "inserted"
DELETED = "deleted"
HEAD_MISSING = "head_missing"


@dataclass(frozen=True)
class ChainReport:
    """The result of one verification. `entry_id`/`seq` name the first bad entry (or, for a
    deletion, the entry found where the missing one should have been, if any)."""

    ok: bool
    checked: int
    head_hash: str = GENESIS_HASH
    problem: str = ""
    entry_id: int | None = None
    seq: int | None = None
    message: str = ""

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head_hash": self.head_hash,
            "problem": self.problem,
            "entry_id": self.entry_id,
            "seq": self.seq,
            "message": str(self.message),
        }


def _failed(
    checked: int, problem: str, entry: AuditEntry | None, message, *, seq: int | None = None
) -> ChainReport:
    return ChainReport(
        ok=False,
        checked=checked,
        problem=problem,
        entry_id=entry.pk if entry is not None else None,
        seq=seq if seq is not None else (entry.seq if entry is not None else None),
        message=message,
    )


def verify_chain() -> ChainReport:
    """Check every entry; return the first problem found, or ok with the number checked."""
    prev: AuditEntry | None = None
    checked = 0
    entries = AuditEntry.objects.order_by("seq", "id").iterator(chunk_size=2000)
    for entry in entries:
        expected_seq = prev.seq + 1 if prev else 1
        expected_prev_hash = prev.hash if prev else GENESIS_HASH
        if entry.seq > expected_seq:
            if entry.seq == expected_seq + 1:
                message = _("The entry at position %(first)s is missing: deleted before entry #%(id)s.")
            else:
                message = _(
                    "Entries at positions %(first)s to %(last)s are missing: deleted before entry #%(id)s."
                )
            return _failed(
                checked,
                DELETED,
                entry,
                message % {"first": expected_seq, "last": entry.seq - 1, "id": entry.pk},
                seq=expected_seq,
            )
        if entry.seq < expected_seq:
            return _failed(
                checked,
                INSERTED,
                entry,
                _("Entry #%(id)s repeats position %(seq)s: it was inserted.")
                % {"id": entry.pk, "seq": entry.seq},
            )
        if entry.prev_hash != expected_prev_hash:
            if prev is not None and entry.prev_hash == prev.prev_hash:
                return _failed(
                    checked - 1,
                    INSERTED,
                    prev,
                    _("Entry #%(id)s was inserted: the next entry links past it.") % {"id": prev.pk},
                )
            if entry.compute_hash() != entry.hash:
                return _failed(
                    checked,
                    EDITED,
                    entry,
                    _("Entry #%(id)s was edited: its contents no longer match its hash.") % {"id": entry.pk},
                )
            if prev is not None:
                return _failed(
                    checked - 1,
                    EDITED,
                    prev,
                    _(
                        "Entry #%(id)s was edited and given a new hash: the next entry still links to the old one."
                    )
                    % {"id": prev.pk},
                )
            return _failed(
                checked,
                INSERTED,
                entry,
                _("Entry #%(id)s is first in the chain but does not start it: it was inserted.")
                % {"id": entry.pk},
            )
        if entry.compute_hash() != entry.hash:
            return _failed(
                checked,
                EDITED,
                entry,
                _("Entry #%(id)s was edited: its contents no longer match its hash.") % {"id": entry.pk},
            )
        prev = entry
        checked += 1

    # The head is read after the walk, so entries appended meanwhile are within it.
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    head_seq = head.seq if head else 0
    last_seq = prev.seq if prev else 0
    if head is None and prev is not None:
        return _failed(
            checked,
            HEAD_MISSING,
            None,
            _("The chain head is missing: entries at the end may have been deleted."),
            seq=last_seq,
        )
    if last_seq > head_seq:
        first_extra = AuditEntry.objects.filter(seq__gt=head_seq).order_by("seq").first()
        return _failed(
            head_seq,
            INSERTED,
            first_extra,
            _("Entry #%(id)s lies beyond the chain head: it was inserted around the audit service.")
            % {"id": first_extra.pk},
        )
    if last_seq < head_seq and not AuditEntry.objects.filter(seq__gt=last_seq).exists():
        return _failed(
            checked,
            DELETED,
            None,
            _(
                "The chain head records %(head)s entries but only %(found)s remain: entries were deleted from the end."
            )
            % {"head": head_seq, "found": last_seq},
            seq=last_seq + 1,
        )
    if prev is not None and last_seq == head_seq and prev.hash != head.hash:
        return _failed(
            checked - 1,
            EDITED,
            prev,
            _("Entry #%(id)s was edited and given a new hash: the chain head still holds the old one.")
            % {"id": prev.pk},
        )
    return ChainReport(ok=True, checked=checked, head_hash=prev.hash if prev else GENESIS_HASH)
