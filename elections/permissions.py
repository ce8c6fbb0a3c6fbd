"""Who may run an election (deny by default: core.permissions).

- Staff (the presidium's secretariat) and administrators set up offices and elections,
  record presidium nominations, appoint scrutineers, fix the candidate list, open, count
  and announce rounds, and start tie-breaks and run-offs.
- Deputies start joint nominations, sign them (for themselves only) and submit or withdraw
  the ones they started; staff may record paper signatures on a deputy's behalf. The
  services check these object-level conditions.
- `elections.view`: staff, administrators and deputies.
- `election.view`: the secretariat's election desk (offices, elections, nominations with
  their signatures, the list preview with its warnings, rounds, printable ballots): staff
  and administrators.
- `election.scrutinise`: the counting pages (paper-ballot entry, discrepancies, the result
  and its sign-off, the result report): staff, administrators and appointed scrutineers,
  whatever their role (SEC-2: scrutineers are chosen by the deputies). Without an object
  it asks whether the user scrutinises any election; the pages then ask again with the
  round (`is_scrutineer`), and balloting's own codes (`ballot.enter`, `round.sign_off`)
  decide what the user may do there.

Imported once from ElectionsConfig.ready().
"""

from core.accounts.roles import Role
from core.permissions import any_of, register, roles

VIEW = "elections.view"
OFFICE_CREATE = "office.create"
ELECTION_CREATE = "election.create"
ELECTION_SCHEDULE = "election.schedule"
NOMINATION_CREATE = "nomination.create"
NOMINATION_SIGN = "nomination.sign"
NOMINATION_SUBMIT = "nomination.submit"
NOMINATION_WITHDRAW = "nomination.withdraw"
NOMINATION_DECLARE_RELATIVE = "nomination.declare_relative"
SCRUTINEER_APPOINT = "scrutineer.appoint"
SCRUTINEER_REMOVE = "scrutineer.remove"
LIST_FINALISE = "candidate_list.finalise"
ROUND_OPEN = "election.open_round"
ROUND_COUNT = "election.count"
ANNOUNCE = "election.announce"
TIE_BREAK = "election.start_tie_break"
REPEAT = "election.repeat_round"
SETTLE_LOT = "election.settle_primary_by_lot"
RUNOFF = "election.start_runoff"
DEFER_RUNOFF = "election.defer_runoff"
DESK_VIEW = "election.view"
SCRUTINISE = "election.scrutinise"

_staff = roles(Role.STAFF, Role.ADMINISTRATOR)
_staff_or_deputy = roles(Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY)

register(VIEW, _staff_or_deputy)
for _code in (NOMINATION_CREATE, NOMINATION_SIGN, NOMINATION_SUBMIT, NOMINATION_WITHDRAW,
              NOMINATION_DECLARE_RELATIVE):
    register(_code, _staff_or_deputy)
for _code in (OFFICE_CREATE, ELECTION_CREATE, ELECTION_SCHEDULE, SCRUTINEER_APPOINT, SCRUTINEER_REMOVE,
              LIST_FINALISE, ROUND_OPEN, ROUND_COUNT, ANNOUNCE, TIE_BREAK, REPEAT, SETTLE_LOT, RUNOFF,
              DEFER_RUNOFF):
    register(_code, _staff)


def is_scrutineer(user, obj=None) -> bool:
    """The user is an appointed scrutineer: of the round or election given (an
    ElectionRound, a balloting Round or an Election), or of any election when none is."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from balloting.models import Round, RoundScrutineer

    from .models import Election, ElectionRound, Scrutineer

    if obj is None:
        return (
            Scrutineer.objects.filter(user=user).exists()
            or RoundScrutineer.objects.filter(user=user, round__kind=Round.Kind.ELECTION).exists()
        )
    if isinstance(obj, ElectionRound):
        obj = obj.round
    if isinstance(obj, Round):
        return RoundScrutineer.objects.filter(round=obj, user=user).exists()
    if isinstance(obj, Election):
        return obj.scrutineers.filter(user=user).exists()
    return False


register(DESK_VIEW, _staff)
register(SCRUTINISE, any_of(_staff, is_scrutineer))
