"""The copies the desks read: each assignment's `kind`, `is_open` and `is_key_supervised`
(from its case) and the units' running counts (`UnitTally`), kept in the same transaction
as the change that moves them.

Every service that changes a case's status or supervision, or an assignment's status,
writes inside `keeping_copies(case ids)`: it notes the assignments' counted values before,
and afterwards sets each assignment's copies from its case (`rules.assignment_open`) and
adds the difference to the tallies with F() expressions (tally rows updated in (kind, unit)
order, so two transactions never wait on each other in a circle). Wrapping one change twice
would count it twice: `_act` wraps every service's `apply`; `rate_reply` and `merge_cases`
wrap what they write outside it.

Changes that move neither: an approved extension and a recomputed due date change the due
date of a pending assignment only (on time is counted for replies), the overdue flag and
reminders touch no copied value.

A long transaction that changes many cases (an import) wraps them in `deferred_tallies()`:
the tallies' differences are summed and added once at its end.

`drift()` lists any copy that disagrees with what it is copied from (tests, and a check an
operator may run).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Count, F, Q

from core.savepoints import HeldItems, held_to_the_end

from .. import rules
from ..models import Assignment, Case, UnitTally

#: (assignments not withdrawn, open, replied, replied on time): what UnitTally counts.
Counted = tuple[int, int, int, int]
ZERO: Counted = (0, 0, 0, 0)
TALLY_FIELDS = ("assignments", "open", "replied", "replied_on_time")


def counted(status: str, is_open: bool, replied_on, due_on) -> Counted:
    """What one assignment adds to its unit's tally."""
    done = status == rules.DONE
    return (
        int(status != rules.CANCELLED),
        int(bool(is_open)),
        int(done),
        int(done and replied_on is not None and rules.on_time(replied_on, due_on)),
    )


def _before(case_ids: list[int]) -> dict[int, tuple[str, int, Counted]]:
    rows = Assignment.objects.filter(case_id__in=case_ids).values_list(
        "pk", "kind", "unit_id", "status", "is_open", "replied_on", "due_on"
    )
    return {pk: (kind, unit, counted(status, is_open, replied_on, due_on))
            for pk, kind, unit, status, is_open, replied_on, due_on in rows}


def _settle(case_ids: list[int], before: dict[int, tuple[str, int, Counted]]) -> None:
    cases = {
        pk: (kind, status, supervised)
        for pk, kind, status, supervised in Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "kind", "status", "is_key_supervised"
        )
    }
    rows = Assignment.objects.filter(case_id__in=case_ids).values_list(
        "pk", "case_id", "unit_id", "status", "kind", "is_open", "is_key_supervised", "replied_on", "due_on"
    )
    rewrite: dict[tuple[str, bool, bool], list[int]] = defaultdict(list)
    deltas: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for pk, case_id, unit, status, kind, is_open, supervised, replied_on, due_on in rows:
        case_kind, case_status, case_supervised = cases[case_id]
        want = (case_kind, rules.assignment_open(status, case_status), case_supervised)
        if (kind, is_open, supervised) != want:
            rewrite[want].append(pk)
        old_kind, old_unit, old = before.get(pk, (case_kind, unit, ZERO))
        for i, value in enumerate(old):
            deltas[(old_kind, old_unit)][i] -= value
        for i, value in enumerate(counted(status, want[1], replied_on, due_on)):
            deltas[(case_kind, unit)][i] += value
    for (kind, is_open, supervised), pks in rewrite.items():
        Assignment.objects.filter(pk__in=pks).update(kind=kind, is_open=is_open, is_key_supervised=supervised)
    _add(deltas)


def _add(deltas: dict[tuple[str, int], list[int]]) -> None:
    waiting = _deferred.get()
    if waiting is not None:
        waiting.add({key: list(delta) for key, delta in deltas.items()})
        return
    for (kind, unit), delta in sorted(deltas.items()):
        if not any(delta):
            continue
        change = {name: F(name) + value for name, value in zip(TALLY_FIELDS, delta, strict=True) if value}
        if not UnitTally.objects.filter(kind=kind, unit_id=unit).update(**change):
            UnitTally.objects.bulk_create([UnitTally(kind=kind, unit_id=unit)], ignore_conflicts=True)
            UnitTally.objects.filter(kind=kind, unit_id=unit).update(**change)


@contextmanager
def keeping_copies(case_ids: Iterable[int]) -> Iterator[None]:
    """Around a write to these cases or their assignments (inside its transaction): bring
    the assignments' copies and the units' tallies up to date afterwards."""
    ids = sorted({int(pk) for pk in case_ids if pk is not None})
    before = _before(ids)
    yield
    _settle(ids, before)


_deferred: ContextVar[HeldItems[dict[tuple[str, int], list[int]]] | None] = ContextVar(
    "tallies_deferred", default=None
)


@contextmanager
def deferred_tallies() -> Iterator[None]:
    """Inside a transaction: add this block's changes to the units' tallies once, at its end
    (in (kind, unit) order), instead of at each change.

    A tally row stays locked from its first update to the commit. A long transaction that
    changes many cases (an import that records thousands of past outcomes) would keep every
    unit it touched from being assigned or replying for as long as it runs, and could meet a
    routing that locks two units in the other order. The assignments' own copies are still
    written at each change. A change inside a savepoint rolled back since is not counted
    (core.savepoints). Nested blocks are one block."""
    with held_to_the_end(_deferred, _add_held, what="deferred_tallies()"):
        yield


def _add_held(held: list[dict[tuple[str, int], list[int]]]) -> None:
    total: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for deltas in held:
        for key, delta in deltas.items():
            for i, value in enumerate(delta):
                total[key][i] += value
    _add(total)


# --- checking -----------------------------------------------------------------------------------


def drift() -> list[str]:
    """Every copy that disagrees with its source ([] when all agree): assignments whose
    kind, is_open or is_key_supervised differ from their case's, tallies that differ from
    counting the assignments."""
    problems = []
    for row in Assignment.objects.select_related("case").order_by("pk"):
        want = (row.case.kind, rules.assignment_open(row.status, row.case.status), row.case.is_key_supervised)
        have = (row.kind, row.is_open, row.is_key_supervised)
        if have != want:
            problems.append(f"assignment {row.pk}: {have} != {want}")
    counts = {
        (r["kind"], r["unit_id"]): tuple(r[name] for name in TALLY_FIELDS)
        for r in Assignment.objects.exclude(status=rules.CANCELLED)
        .values("kind", "unit_id")
        .annotate(
            assignments=Count("pk"),
            open=Count("pk", filter=Q(is_open=True)),
            replied=Count("pk", filter=Q(status=rules.DONE)),
            replied_on_time=Count("pk", filter=Q(status=rules.DONE, replied_on__lte=F("due_on"))),
        )
    }
    tallies = {
        (t.kind, t.unit_id): tuple(getattr(t, name) for name in TALLY_FIELDS) for t in UnitTally.objects.all()
    }
    for key in sorted(set(counts) | set(tallies), key=str):
        if counts.get(key, ZERO) != tallies.get(key, ZERO):
            problems.append(f"tally {key}: {tallies.get(key, ZERO)} != counted {counts.get(key, ZERO)}")
    return problems
