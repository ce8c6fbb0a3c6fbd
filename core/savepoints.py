"""Work held back to the end of a transaction that still follows its savepoints.

`core.audit.services.deferred()` and `casework.services.deferred_tallies()` collect what a long
transaction writes to rows everyone shares (the audit chain's head, the units' tallies) and
write it once, at the end. An item collected inside a savepoint that is then rolled back (a
service refused, its caller caught the refusal and went on) must be dropped with it, as the
row it would have written would have been.

Django already tracks this for `transaction.on_commit` callbacks: rolling back a savepoint
discards the callbacks registered inside it. Each held item registers a no-op callback as its
marker; the items whose marker is still registered are the ones whose savepoints stand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

from django.db import connection, transaction

T = TypeVar("T")


class _Marker:
    """A callback that does nothing: it only has to be there, or not, at the end."""

    __slots__ = ()

    def __call__(self) -> None:
        return None


class HeldItems(Generic[T]):
    """Items held until the end of the current transaction (inside an atomic block)."""

    def __init__(self) -> None:
        self._items: list[tuple[_Marker, T]] = []

    def add(self, item: T) -> None:
        marker = _Marker()
        transaction.on_commit(marker)
        self._items.append((marker, item))

    def standing(self) -> list[T]:
        """The items, in the order added, but those added inside a savepoint rolled back since."""
        registered = {id(entry[1]) for entry in connection.run_on_commit}
        return [item for marker, item in self._items if id(marker) in registered]


@contextmanager
def held_to_the_end(holder: ContextVar[HeldItems | None], flush: Callable[[list], None], *, what: str) -> Iterator[None]:
    """Inside a transaction: while the block runs, `holder` holds the items its writers add
    (they check `holder.get()`); at its end `flush` gets those standing, in order. Nested
    blocks are one block; a block that raises flushes nothing (its transaction goes)."""
    if not connection.in_atomic_block:
        raise RuntimeError(f"{what} needs a transaction: what it holds belongs to its changes")
    if holder.get() is not None:
        yield
        return
    items: HeldItems = HeldItems()
    token = holder.set(items)
    try:
        yield
    finally:
        holder.reset(token)
    flush(items.standing())
