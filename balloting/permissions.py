"""Who may run a secret vote (deny by default: core.permissions).

- Staff (presidium staff) and administrators prepare, open and close rounds, record the
  ballots issued, appoint a round's scrutineers and count.
- Deputies cast their own vote in the room (`ballot.cast`); the service checks that the
  voter is the deputy signed in, admitted to the round and not yet voted.
- A round's scrutineers enter paper ballots and sign the result (SEC-2); staff and the
  round's scrutineers resolve a sheet whose two entries differ.
- `round.scrutinise`: the pages where a paper vote is counted: staff and administrators, and
  a round's scrutineers (at the door, without a round: a scrutineer of any round).
- `round.view`: staff, administrators and deputies see rounds, progress (how many have
  voted) and, once counted, the result. Counts are never shown while a round is open.

Imported once from BallotingConfig.ready().
"""

from core.accounts.roles import Role
from core.permissions import any_of, register, roles

VIEW = "round.view"
CREATE = "round.create"
APPOINT = "round.appoint_scrutineer"
OPEN = "round.open"
CLOSE = "round.close"
VOID = "round.void"
COUNT = "round.count"
SIGN_OFF = "round.sign_off"
ISSUE = "ballot.issue"
CAST = "ballot.cast"
ENTER = "ballot.enter"
RESOLVE = "ballot.resolve"
SCRUTINISE = "round.scrutinise"

_staff = roles(Role.STAFF, Role.ADMINISTRATOR)


def is_round_scrutineer(user, round_=None) -> bool:
    """The user is an appointed scrutineer of this round (active account)."""
    if round_ is None or user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return round_.scrutineers.filter(user=user).exists()


def is_any_round_scrutineer(user, round_=None) -> bool:
    """A scrutineer of this round or, at a page's door (no round given), of any round."""
    if round_ is not None:
        return is_round_scrutineer(user, round_)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from .models import RoundScrutineer

    return RoundScrutineer.objects.filter(user=user).exists()


def _is_deputy(user, obj=None) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.DEPUTY
    )


register(VIEW, roles(Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY))
for _code in (CREATE, APPOINT, OPEN, CLOSE, VOID, COUNT, ISSUE):
    register(_code, _staff)
register(CAST, _is_deputy)
register(ENTER, is_round_scrutineer)
register(SIGN_OFF, is_round_scrutineer)
register(RESOLVE, any_of(_staff, is_round_scrutineer))
register(SCRUTINISE, any_of(_staff, is_any_round_scrutineer))
