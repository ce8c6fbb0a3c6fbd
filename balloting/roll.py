"""Who counts and who is in the room: the questions balloting asks of the session.

Balloting sits below the domains (design.md) and may not import `plenary`, yet a round
needs the session's answer to three questions: how many are "all deputies" (SESS-4), which
deputies have checked in, and whether the session has its quorum (SESS-1). The plenary
app answers them by registering a `Roll` at start-up (`PlenaryConfig.ready`); elections and
other domains get the same answers through balloting without importing plenary.

Without a registered roll, "all deputies" comes from the organisation (deputies in office,
or elected, per `all_deputies_basis`), nobody is present and there is no quorum: rounds
cannot open. That is the safe failure.
"""

from __future__ import annotations

from typing import Protocol


class Roll(Protocol):
    def all_deputies(self, session) -> tuple[int, str]:
        """The number of "all deputies" (SESS-4) now, and the basis it was counted on."""

    def present_deputy_ids(self, session) -> set[int]:
        """Deputies checked in today and entitled to vote (in office, on the roster)."""

    def quorum_met(self, session) -> bool:
        """SESS-1: at least two-thirds of all deputies are present."""

    def voter(self, session_id: int, user) -> tuple[int | None, bool]:
        """The user's deputy (its id, None if the user is no deputy) and whether that deputy
        may vote now in the session: on the roster, in office and checked in. A user with
        several deputy records (terms) answers with the one that may vote, if any."""


class OrganisationRoll:
    """The fallback: numbers from the organisation, nobody checked in."""

    def all_deputies(self, session) -> tuple[int, str]:
        from core.organisation.rules import effective_parameters
        from core.organisation.selectors import all_deputies_count

        basis = effective_parameters(session.term.congress, session)["all_deputies_basis"]
        return all_deputies_count(session.term, session), basis

    def present_deputy_ids(self, session) -> set[int]:
        return set()

    def quorum_met(self, session) -> bool:
        return False

    def voter(self, session_id: int, user) -> tuple[int | None, bool]:
        from core.organisation.models import Deputy

        return Deputy.objects.filter(user=user).order_by("pk").values_list("pk", flat=True).first(), False


_registered: Roll | None = None


def register(roll: Roll) -> None:
    """Install the session roll (called once, by the plenary app)."""
    global _registered
    _registered = roll


def current() -> Roll:
    return _registered if _registered is not None else OrganisationRoll()
