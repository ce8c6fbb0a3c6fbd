"""Group commit (core.groupcommit): callers that arrive while a group is being stored are stored
together next, each gets its own answer, and one bad item fails only its own caller.

Plain threads and events, no database: the voices tests run it against PostgreSQL."""

from __future__ import annotations

import threading

from core.groupcommit import GroupCommit

TIMEOUT = 30


class Store:
    """A store that records each group it is given; the first group can be held open until
    released, so that later callers queue up behind it."""

    def __init__(self, hold_first: bool = False, refuse=()) -> None:
        self.groups: list[list] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()
        self.refuse = set(refuse)
        self.lock = threading.Lock()

    def __call__(self, items: list) -> list:
        with self.lock:
            self.groups.append(list(items))
        self.entered.set()
        assert self.release.wait(TIMEOUT)
        if any(item in self.refuse for item in items):
            raise ValueError(f"refused: {sorted(set(items) & self.refuse)}")
        return [f"stored {item}" for item in items]


def start(commit: GroupCommit, store: Store, items, key="k") -> tuple[list[threading.Thread], dict]:
    outcomes: dict = {}

    def caller(item):
        try:
            outcomes[item] = commit.submit(key, item, store)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the tests check
            outcomes[item] = exc

    threads = [threading.Thread(target=caller, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return threads, outcomes


def join(threads) -> None:
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)


def waiting_behind(commit: GroupCommit, count: int, key="k", callers: int | None = None) -> None:
    """Wait until `count` callers are queued in the open group of `key` (and `callers` in all)."""
    done = threading.Event()
    for _ in range(TIMEOUT * 100):
        with commit._lock:
            state = commit._keys.get(key)
            if (state is not None and state.open is not None and len(state.open.waiting) == count
                    and callers in (None, state.callers)):
                return
        done.wait(0.01)
    raise AssertionError(f"{count} callers never queued")


def test_a_caller_alone_is_stored_at_once_alone():
    commit, store = GroupCommit(), Store()
    assert commit.submit("k", 1, store) == "stored 1"
    assert store.groups == [[1]]
    assert commit._keys == {}  # nothing kept once everyone has left


def test_callers_arriving_during_a_commit_are_stored_together_next_each_with_its_own_answer():
    commit, store = GroupCommit(), Store(hold_first=True)
    first, first_outcome = start(commit, store, [0])
    assert store.entered.wait(TIMEOUT)  # the first group is being stored …
    later, outcomes = start(commit, store, list(range(1, 6)))
    waiting_behind(commit, 5)  # … while five more queue up behind it
    store.release.set()
    join(first + later)
    assert len(store.groups) == 2 and store.groups[0] == [0] and sorted(store.groups[1]) == [1, 2, 3, 4, 5]
    assert first_outcome == {0: "stored 0"}
    assert outcomes == {n: f"stored {n}" for n in range(1, 6)}
    assert commit.stats.groups == 2 and commit.stats.largest == 5 and commit.stats.items == 6


def test_a_group_never_exceeds_its_limit():
    commit, store = GroupCommit(limit=2), Store(hold_first=True)
    first, _ = start(commit, store, [0])
    assert store.entered.wait(TIMEOUT)
    later, outcomes = start(commit, store, [1, 2, 3, 4])
    # Two full groups of two queue up (their second leader waits for the first).
    # A second group of two (its leader waits for the first) and a third of two, still open.
    waiting_behind(commit, 2, callers=5)
    store.release.set()
    join(first + later)
    assert all(len(group) <= 2 for group in store.groups)
    assert sorted(item for group in store.groups for item in group) == [0, 1, 2, 3, 4]
    assert outcomes == {n: f"stored {n}" for n in range(1, 5)}


def test_one_bad_item_fails_only_its_own_caller():
    commit, store = GroupCommit(), Store(hold_first=True, refuse={3})
    first, _ = start(commit, store, [0])
    assert store.entered.wait(TIMEOUT)
    later, outcomes = start(commit, store, [1, 2, 3, 4])
    waiting_behind(commit, 4)
    store.release.set()
    join(first + later)
    assert isinstance(outcomes[3], ValueError) and "refused: [3]" in str(outcomes[3])
    assert {n: outcomes[n] for n in (1, 2, 4)} == {1: "stored 1", 2: "stored 2", 4: "stored 4"}
    assert commit.stats.retried_alone == 4  # the failed group, each item again alone


def test_keys_are_stored_apart():
    commit, held, free = GroupCommit(), Store(hold_first=True), Store()
    first, _ = start(commit, held, ["a0"], key="a")
    assert held.entered.wait(TIMEOUT)
    other, outcomes = start(commit, free, ["b0"], key="b")
    join(other)  # not held behind key "a": stored while "a" is still being stored
    assert outcomes == {"b0": "stored b0"} and free.groups == [["b0"]]
    held.release.set()
    join(first)
    assert held.groups == [["a0"]]


def test_an_interrupted_leader_leaves_no_caller_without_an_answer():
    class Interrupted(BaseException):
        pass

    commit, held = GroupCommit(), Store(hold_first=True)
    first, first_outcome = start(commit, held, [0])
    assert held.entered.wait(TIMEOUT)
    release = threading.Event()

    def interrupted(items):
        assert release.wait(TIMEOUT)
        raise Interrupted()

    interrupted_callers: dict = {}

    def caller(item):
        try:
            interrupted_callers[item] = commit.submit("k", item, interrupted)
        except BaseException as exc:  # noqa: BLE001 - the outcome is what the test checks
            interrupted_callers[item] = exc

    later = [threading.Thread(target=caller, args=(n,)) for n in (1, 2, 3)]
    for thread in later:
        thread.start()
    waiting_behind(commit, 3)  # three callers queued; their leader will be interrupted
    held.release.set()
    release.set()
    join(first + later)
    assert first_outcome == {0: "stored 0"}
    assert sorted(interrupted_callers) == [1, 2, 3]
    assert all(isinstance(outcome, Interrupted) for outcome in interrupted_callers.values())
    assert commit._keys == {}
