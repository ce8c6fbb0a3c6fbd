"""The session's answers to balloting's questions (balloting.roll): all deputies (SESS-4),
who is present today, whether there is a quorum (SESS-1), whether a deputy may vote."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from balloting.roll import OrganisationRoll
from core import rawrows
from core.organisation.models import Deputy

from . import rules
from .models import Attendance, RosterEntry, SessionRoster


def roster_of(session) -> SessionRoster | None:
    return SessionRoster.objects.filter(session=session).first()


def counted_entries(roster: SessionRoster):
    """The roster entries that make up "all deputies" on the roster's basis (SESS-4)."""
    entries = RosterEntry.objects.filter(roster=roster)
    if roster.basis == SessionRoster.Basis.IN_OFFICE:
        entries = entries.filter(in_office=True)
    return entries


def present_ids(session, day=None) -> set[int]:
    """Deputies checked in on `day` (today by default) who are on the roster and in office."""
    day = day or timezone.localdate()
    roster = roster_of(session)
    if roster is None:
        return set()
    return set(
        Attendance.objects.filter(
            session=session,
            day=day,
            deputy__in_office=True,
            deputy_id__in=RosterEntry.objects.filter(roster=roster, in_office=True).values("deputy_id"),
        ).values_list("deputy_id", flat=True)
    )


class SessionRoll:
    def all_deputies(self, session) -> tuple[int, str]:
        roster = roster_of(session)
        if roster is None:
            return OrganisationRoll().all_deputies(session)
        return counted_entries(roster).count(), roster.basis

    def present_deputy_ids(self, session) -> set[int]:
        return present_ids(session)

    def quorum_met(self, session) -> bool:
        if roster_of(session) is None:
            return False
        all_deputies, _basis = self.all_deputies(session)
        return rules.has_quorum(len(self.present_deputy_ids(session)), all_deputies)

    def voter(self, session_id: int, user) -> tuple[int | None, bool]:
        """The user's deputy (a user has at most one) and whether it may vote: on the
        session's roster, in office, and checked in today.

        Every vote in the room asks this, so it is one hand-written query (the ORM spent more
        time building it than the database answering, bench/bench_voting.py); table and
        column names come from the models, every value is a parameter."""
        quote = connection.ops.quote_name
        deputy = quote(Deputy._meta.db_table)
        attendance = quote(Attendance._meta.db_table)
        entry = quote(RosterEntry._meta.db_table)
        roster = quote(SessionRoster._meta.db_table)
        # The deputy is found first (a user has at most one deputy record), then each check
        # is a probe of a unique key with that id as a constant (an init-plan): the planner
        # cannot choose to scan the day's check-ins, whatever its statistics say.
        sql = (
            f"WITH me AS (SELECT id, in_office FROM {deputy} WHERE user_id = %s)"  # noqa: S608
            " SELECT me.id, me.in_office,"
            f" EXISTS (SELECT 1 FROM {attendance} a WHERE a.session_id = %s"
            " AND a.deputy_id = (SELECT id FROM me) AND a.day = %s),"
            f" EXISTS (SELECT 1 FROM {entry} e JOIN {roster} r ON r.id = e.roster_id"
            " WHERE r.session_id = %s AND e.deputy_id = (SELECT id FROM me) AND e.in_office)"
            " FROM me"
        )
        day = connection.ops.adapt_datefield_value(timezone.localdate())
        rows, _count = rawrows.execute(sql, [user.pk, session_id, day, session_id])
        if not rows:
            return None, False
        row = rows[0]
        return row[0], bool(row[1]) and bool(row[2]) and bool(row[3])
