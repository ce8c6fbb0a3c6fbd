"""Who may do what with bills and interpellations (deny by default: core.permissions).

The presidium decides; staff (the congress office) enter its decisions. Deputies draft,
sign and file deputies' bills and interpellations; staff enter paper ones and paper
signatures. Each predicate answers at the door (`obj=None`: could this role ever do it?)
and on the object (the service asks again with the locked row).

| code                                | object                 | allowed                                       |
|-------------------------------------|------------------------|-----------------------------------------------|
| bill.view                           | Bill                   | staff; deputies of the session's term          |
| bill.create                         | Deputy / filer kind    | a deputy in office leading their own bill;     |
|                                     |                        | staff: an organ's bill, or a paper draft       |
| bill.edit / bill.abandon            | Bill                   | the lead deputy; staff for a draft they entered|
| bill.sign / bill.unsign             | Bill                   | a deputy of the term in office (themselves);   |
|                                     |                        | staff (paper signatures)                       |
| bill.file                           | Bill                   | the lead deputy; staff (a paper filing)        |
| bill.refer / advise / decide        | Bill                   | staff (the presidium's decisions, BILL-2/3/4)  |
| bill.request_withdrawal             | Bill                   | the lead deputy; staff (a written request)     |
| bill.withdraw / bill.record_result    | Bill                   | staff (the presidium's consent, BILL-5; vote)  |
| interpellation.view                 | Interpellation / Case  | staff; deputies of the term; clerks of the     |
|                                     |                        | organ interpellated, once filed                |
| interpellation.create/edit/abandon/ | as for bills           | as for bills (RES-2)                           |
| sign/unsign/file                    |                        |                                               |
| interpellation.decide               | Interpellation         | staff (the presidium decides the form, RES-2)  |
| interpellation.record_reply         | Interpellation         | staff (an oral reply given at a meeting)       |
| interpellation.reply                | Assignment             | the organ's clerk (casework's default)         |
| interpellation.rate                 | Interpellation / Reply | a signer (themselves); staff (paper); on the   |
|                                     |                        | written reply's case: staff only               |
| interpellation.demand               | Interpellation         | a signer; staff (a written demand)             |
| interpellation.close                | Interpellation         | staff; never casework's close of the case      |

Administrators act on no bill or interpellation (system work only).
"""

from __future__ import annotations

from casework import permissions as case_permissions
from core.accounts.roles import Role
from core.permissions import register, role_of, roles

from . import bill_rules as rules
from .permissions import deputy_of

# --- action codes --------------------------------------------------------------------------------

VIEW = "bill.view"
CREATE = "bill.create"
EDIT = "bill.edit"
SIGN = "bill.sign"
UNSIGN = "bill.unsign"
FILE = "bill.file"
ABANDON = "bill.abandon"
REFER = "bill.refer"
ADVISE = "bill.advise"
DECIDE = "bill.decide"
REQUEST_WITHDRAWAL = "bill.request_withdrawal"
WITHDRAW = "bill.withdraw"
RECORD_RESULT = "bill.record_result"

I_PREFIX = "interpellation"
I_VIEW = "interpellation.view"
I_CREATE = "interpellation.create"
I_EDIT = "interpellation.edit"
I_SIGN = "interpellation.sign"
I_UNSIGN = "interpellation.unsign"
I_FILE = "interpellation.file"
I_ABANDON = "interpellation.abandon"
I_DECIDE = "interpellation.decide"
I_RECORD_REPLY = "interpellation.record_reply"
I_REPLY = "interpellation.reply"  # registered by casework for the kind (the clerk replies)
I_RATE = "interpellation.rate"
I_DEMAND = "interpellation.demand"
I_CLOSE = "interpellation.close"


# --- building blocks -------------------------------------------------------------------------------


def _is_domain(obj) -> bool:
    from .bill_models import Bill, Interpellation, InterpellationRound

    return isinstance(obj, Bill | Interpellation | InterpellationRound)


def _item(obj):
    """The bill or interpellation behind an object (a reply round gives its interpellation)."""
    from .bill_models import InterpellationRound

    return obj.interpellation if isinstance(obj, InterpellationRound) else obj


def _in_term(deputy, item) -> bool:
    return deputy is not None and deputy.term_id == item.session.term_id


def is_lead(user, item) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and item.lead_deputy_id == deputy.pk


def is_signer(user, item) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and item.signatures.filter(deputy=deputy).exists()


def _entered_by_staff(item) -> bool:
    return getattr(item.entered_by, "role", None) == Role.STAFF


# --- bills -------------------------------------------------------------------------------------------


def can_view(user, obj=None) -> bool:
    """Bills are congress documents: staff, and every deputy of the session's term."""
    role = role_of(user)
    if role == Role.STAFF:
        return True
    if role != Role.DEPUTY:
        return False
    return obj is None or _in_term(deputy_of(user), _item(obj))


def can_create(user, obj=None) -> bool:
    """`obj`: the lead Deputy of a deputies' bill, or the filer kind of an organ's bill."""
    role = role_of(user)
    if isinstance(obj, str):
        return role == Role.STAFF and rules.is_organ_filer(obj)
    if role == Role.STAFF:
        return obj is None or obj.in_office
    if role != Role.DEPUTY:
        return False
    deputy = deputy_of(user)
    if deputy is None or not deputy.in_office:
        return False
    return obj is None or obj.pk == deputy.pk


def can_edit(user, obj=None) -> bool:
    """A draft: its lead deputy, or staff for a paper draft they entered."""
    role = role_of(user)
    if role not in (Role.STAFF, Role.DEPUTY):
        return False
    if obj is None:
        return True
    item = _item(obj)
    if role == Role.STAFF:
        return _entered_by_staff(item)
    return is_lead(user, item)


def can_sign(user, obj=None) -> bool:
    """A deputy in office signs for themselves; staff enter paper signatures."""
    role = role_of(user)
    if role == Role.STAFF:
        return True
    if role != Role.DEPUTY:
        return False
    deputy = deputy_of(user)
    if deputy is None or not deputy.in_office:
        return False
    return obj is None or _in_term(deputy, _item(obj))


def can_file(user, obj=None) -> bool:
    role = role_of(user)
    if role == Role.STAFF:
        return True
    if role != Role.DEPUTY:
        return False
    return obj is None or is_lead(user, _item(obj))


def can_request_withdrawal(user, obj=None) -> bool:
    """BILL-5: the filers ask (the lead deputy for a deputies' bill); staff enter a written
    request, and the request of an organ."""
    role = role_of(user)
    if role == Role.STAFF:
        return True
    if role != Role.DEPUTY:
        return False
    return obj is None or is_lead(user, obj)


# --- interpellations ---------------------------------------------------------------------------------

_CASE_VIEW = case_permissions.default_predicates((Role.DEPUTY,))["view"]


def can_view_interpellation(user, obj=None) -> bool:
    """Staff; deputies of the term; the clerks of the organ interpellated once it is filed.
    On the written reply's case (casework objects): casework's rule for the kind."""
    role = role_of(user)
    if role not in (Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK):
        return False
    if obj is None:
        return True
    if not _is_domain(obj):
        return _CASE_VIEW(user, obj)
    item = _item(obj)
    if role == Role.STAFF:
        return True
    if role == Role.DEPUTY:
        return _in_term(deputy_of(user), item)
    return (
        item.status not in (rules.I_DRAFT, rules.I_ABANDONED)
        and user.handling_unit_id is not None
        and item.target_id == user.handling_unit_id
    )


def can_rate_interpellation(user, obj=None) -> bool:
    """A signer rates the reply for themselves; staff enter a paper rating. The case of a
    written reply is "rated" only by staff recording the signers' outcome (RES-2 counts the
    signers, never one filer)."""
    role = role_of(user)
    if obj is not None and not _is_domain(obj):
        return role == Role.STAFF
    if role == Role.STAFF:
        return True
    if role != Role.DEPUTY:
        return False
    return obj is None or is_signer(user, _item(obj))


def can_demand(user, obj=None) -> bool:
    """RES-2: the deputies who filed it may demand a further reply (a signer, or staff
    entering their written demand)."""
    role = role_of(user)
    if role == Role.STAFF:
        return True
    if role != Role.DEPUTY:
        return False
    return obj is None or is_signer(user, _item(obj))


def can_close_interpellation(user, obj=None) -> bool:
    """Staff close the interpellation; its case closes only through it."""
    if obj is not None and not _is_domain(obj):
        return False
    return role_of(user) == Role.STAFF


#: Casework verbs the interpellation kind never uses: its case is merged, withdrawn,
#: re-handled or closed only through the interpellation's own services.
nobody = roles()

#: Predicates the "interpellation" case kind uses instead of casework's defaults.
CASE_OVERRIDES = {
    "view": can_view_interpellation,
    "rate": can_rate_interpellation,
    "close": can_close_interpellation,
    "rehandle": nobody,
    "merge": nobody,
    "withdraw": nobody,
}


_staff = roles(Role.STAFF)

register(VIEW, can_view)
register(CREATE, can_create)
register(EDIT, can_edit)
register(ABANDON, can_edit)
register(SIGN, can_sign)
register(UNSIGN, can_sign)
register(FILE, can_file)
register(REFER, _staff)
register(ADVISE, _staff)
register(DECIDE, _staff)
register(REQUEST_WITHDRAWAL, can_request_withdrawal)
register(WITHDRAW, _staff)
register(RECORD_RESULT, _staff)

register(I_CREATE, can_create)
register(I_EDIT, can_edit)
register(I_ABANDON, can_edit)
register(I_SIGN, can_sign)
register(I_UNSIGN, can_sign)
register(I_FILE, can_file)
register(I_DECIDE, _staff)
register(I_RECORD_REPLY, _staff)
register(I_DEMAND, can_demand)
# interpellation.view, .rate, .close (and casework's verbs) are registered with the case
# kind (proposals/bill_casekind.py), with CASE_OVERRIDES.
