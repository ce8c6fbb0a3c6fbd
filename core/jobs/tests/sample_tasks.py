"""Tasks used by the tests (module level, as the backends require). Counts live in CALLS."""

from core.jobs import GiveUp, retrying_task

CALLS: dict[str, int] = {}
#: Keys whose task should succeed from now on (a fix deployed before "retry now").
FIXED: set[str] = set()


def _count(key: str) -> int:
    CALLS[key] = CALLS.get(key, 0) + 1
    return CALLS[key]


@retrying_task
def flaky(key: str, failures: int = 2) -> str:
    """Fails `failures` times, then succeeds."""
    if _count(key) <= failures:
        raise RuntimeError(f"flaky failure number {CALLS[key]}")
    return "done"


@retrying_task
def always_fails(key: str) -> None:
    _count(key)
    if key in FIXED:
        return None
    raise RuntimeError("the mail server refused the message")


@retrying_task
def gives_up(key: str) -> None:
    _count(key)
    raise GiveUp("the suggestion was withdrawn")


@retrying_task(max_attempts=5, takes_context=True)
def with_context(context, key: str) -> int:
    _count(key)
    return context.attempt


@retrying_task
def tick() -> None:
    """A periodic task with no arguments."""
    _count("tick")
