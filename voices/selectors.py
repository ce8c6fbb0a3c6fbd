"""Reads of citizens' messages, scoped to the user asking (SEC-8: least privilege).

- staff: every message of the congress (one congress per installation);
- a unit clerk: messages whose case is assigned to their unit (casework scope), never a
  report accusing their unit (MSG-7);
- a deputy: their district's messages and those they gathered;
- a citizen: their own;
- anyone else: nothing. `track()` is the public look-up by tracking number (no personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import rules as case_rules
from casework import selectors as case_selectors
from core import takeup
from core.accounts.roles import Role
from core.errors import NotFound
from core.organisation.rules import effective_parameters
from core.organisation.selectors import current_congress
from core.permissions import has_perm, role_of
from core.workcalendar import rules as time_rules
from core.workcalendar import selectors as work_calendar
from core.workcalendar.rules import LEGAL_ZONE

from . import crypto, duplicates, permissions, rules
from .casekind import NAME as KIND
from .models import Channel, Message, MessageDailyCount
from .scrub import scrub

ORDERS = {
    "-received_at": ("-received_at", "-pk"),
    "received_at": ("received_at", "pk"),
    "tracking_number": ("tracking_number",),
    "-tracking_number": ("-tracking_number",),
    "subject": ("subject", "pk"),
}


def _scoped(user) -> QuerySet:
    """The messages of the installation's congress that `user` may see (every role reads
    within the current congress: the lists' index leads with it)."""
    role = role_of(user)
    queryset = Message.objects.all()
    congress = current_congress()
    if congress is None:
        return queryset.none()
    queryset = queryset.filter(congress_id=congress.pk)
    if role == Role.STAFF:
        return queryset
    if role == Role.UNIT_CLERK and user.handling_unit_id:
        cases = case_selectors.scope_cases(user).filter(kind=KIND).values("pk")
        return queryset.filter(Q(case__in=cases) | Q(case__merged_into__in=cases)).exclude(
            accused_unit_id=user.handling_unit_id)
    if role == Role.DEPUTY:
        deputy = permissions.deputy_of(user)
        if deputy is None:
            return queryset.none()
        mine = Q(gathered_by_deputy=deputy)
        if deputy.district_id:
            mine |= Q(district_id=deputy.district_id)
        return queryset.filter(mine)
    if role == Role.CITIZEN:
        return queryset.filter(submitter=user)
    return queryset.none()


def _start(day) -> datetime:
    if isinstance(day, datetime):
        return day
    return datetime.combine(day, time.min, tzinfo=LEGAL_ZONE)


def _pk(value):
    return getattr(value, "pk", value)


def messages_for(user, *, status=None, category=None, district=None, regime=None, q=None, since=None, until=None,
                 overdue=None, order="-received_at") -> QuerySet:
    """The messages `user` may see, with filters, in the current congress.

    `status`: a message status (received, accepted, not_accepted) or a case status
    (assigned, replied, rehandling, closed, merged); `since`/`until`: dates (Asia/Shanghai,
    `until` inclusive) or datetimes; `overdue`: an owed reply past its due date, or a letter to
    the congress past its deadline to decide whether it is accepted (TIME-6, MSG-6(a)); `q`:
    words in the subject or text, or a tracking number, or (staff) a work order number.

    Ordered newest first by default (`-received_at, -id`, read off the index
    voices_msg_newest). The message's category and district come along; its case is joined
    only by a case-status filter (what the list shows is on the message). For a page, take
    `message_page()` (no COUNT over millions); for a count, `count_messages()`.
    """
    if not has_perm(user, permissions.VIEW):
        return Message.objects.none()
    queryset = _scoped(user).select_related("category", "district")
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        mine = [s for s in statuses if s in Message.Status.values]
        cases = [s for s in statuses if s in case_rules.STATES and s not in mine]
        if cases:
            queryset = queryset.filter(Q(status__in=mine) | Q(case__status__in=cases))
        else:
            queryset = queryset.filter(status__in=mine)
    if category:
        queryset = queryset.filter(category=_pk(category))
    if district:
        queryset = queryset.filter(district=_pk(district))
    if regime:
        queryset = queryset.filter(regime=regime)
    if since:
        queryset = queryset.filter(received_at__gte=_start(since))
    if until:
        if isinstance(until, date) and not isinstance(until, datetime):
            queryset = queryset.filter(received_at__lt=_start(until + timedelta(days=1)))
        else:
            queryset = queryset.filter(received_at__lte=until)
    if overdue is not None:
        late = _overdue_ids(user)
        queryset = queryset.filter(pk__in=late) if overdue else queryset.exclude(pk__in=late)
    q = (q or "").strip()
    if q:
        number = rules.normalise_tracking_number(q)
        orders = None if number else _work_orders(user, queryset, q)
        if number:
            queryset = queryset.filter(tracking_number=number)
        elif orders is not None:
            queryset = orders
        else:
            queryset = queryset.filter(Q(subject__icontains=q) | Q(body__icontains=q))
    return queryset.order_by(*ORDERS.get(order, ORDERS["-received_at"]))


def _overdue_ids(user) -> QuerySet:
    """The ids of the overdue messages (TIME-6): an owed reply past its due date (casework),
    or a letter to the congress still awaiting the decision to accept it after its
    acceptance deadline (MSG-6(a)). One UNION of two index reads (the pending assignments
    past their date; the petitions awaiting acceptance received up to a day worked out once),
    so the list joins a few ids, never works out a due date per row."""
    from casework.models import Assignment

    if role_of(user) == Role.STAFF:
        # Staff see every case: the pending assignments past their date, read off the index
        # on (status, due_on) with the case's kind copied on the row, never the cases table.
        late_cases = Assignment.objects.filter(kind=KIND, status=case_rules.PENDING,
                                               due_on__lt=time_rules.local_date(timezone.now())).values("case_id")
    else:
        late_cases = case_selectors.cases_for(user, kind=KIND, overdue=True).order_by().values("pk")
    replies_late = Message.objects.filter(case__in=late_cases).order_by().values("pk")
    congress = current_congress()
    if congress is None:
        return replies_late
    return replies_late.union(awaiting_acceptance_overdue(congress).order_by().values("pk"))


def awaiting_acceptance_overdue(congress, *, now: datetime | None = None) -> QuerySet:
    """MSG-6(a), TIME-6: the congress's letters and visits (信访) still awaiting the decision
    to accept them after their acceptance deadline (`xf_ack_days` calendar days from
    receipt, rolled past rest days), oldest first. Not scoped to a user: the staff list
    (`messages_for(overdue=True)`) narrows it, and the periodic job flags them. Read through
    the partial index voices_msg_awaiting_acceptance by the receipt time alone
    (`rules.acceptance_overdue_through`)."""
    today = time_rules.local_date(now or timezone.now())
    through = rules.acceptance_overdue_through(today, effective_parameters(congress),
                                               work_calendar.current_calendar())
    return (
        Message.objects.filter(congress_id=congress.pk, regime=rules.PETITION, status=Message.Status.RECEIVED,
                               received_at__lt=_start(through + timedelta(days=1)))
        # A message merged into another awaits that one's decision (rules.awaits_acceptance).
        .filter(case__merged_into__isnull=True)
        .order_by("received_at", "pk")
    )


@dataclass(frozen=True)
class Acceptance:
    """MSG-6(a): by when a letter to the congress must be decided (accepted or not) and its
    author told; `overdue` from 00:00 the day after (TIME-6)."""

    deadline: time_rules.Deadline
    overdue: bool

    @property
    def due_on(self) -> date:
        return self.deadline.date


def acceptance_of(message: Message, *, params=None, calendar=None, now: datetime | None = None,
                  merged: bool | None = None) -> Acceptance | None:
    """The acceptance deadline of `message` while it awaits the decision to accept it
    (`rules.awaits_acceptance`: a petition received, not merged), else None."""
    if merged is None:
        merged = message.case.merged_into_id is not None
    if not rules.awaits_acceptance(regime=message.regime, status=message.status, merged=merged):
        return None
    params = effective_parameters(message.congress) if params is None else params
    deadline = rules.acceptance_deadline(time_rules.local_date(message.received_at), params,
                                         calendar or work_calendar.current_calendar())
    return Acceptance(deadline, time_rules.is_overdue(deadline.date, now or timezone.now()))


#: The longest work order number a message keeps (Message.external_id).
WORK_ORDER_MAX = 64


def _work_orders(user, queryset: QuerySet, q: str) -> QuerySet | None:
    """Staff's search for a 12345 work order number (工单编号, `Message.external_id`, imported
    or sent by the platform's API): the messages carrying exactly that number, or None when
    none does (the words are then looked for in the texts). An equality read through the
    unique index voices_msg_external_once (congress, channel, external_id; non-empty), one
    probe per channel, never a scan of the texts; the list then reads those few rows by their
    keys, not by walking the newest-first index until they turn up. Staff only: the number
    is theirs to see."""
    if len(q) > WORK_ORDER_MAX or not has_perm(user, permissions.TRIAGE):
        return None
    # At most one message per channel carries a number (the uniqueness that keeps imports idempotent).
    found = queryset.filter(channel__in=Channel.values, external_id=q).exclude(external_id="")
    ids = list(found.order_by().values_list("pk", flat=True)[:len(Channel.values)])
    return queryset.filter(pk__in=ids) if ids else None


# --- pages and counts without COUNT(*) over millions -------------------------------------------

#: A count above this is shown as "more than …" unless the daily counts answer it exactly.
COUNT_CAP = 1000
#: The orders a page can continue from its last row (keyset); others go by offset.
KEYSET_ORDERS = ("-received_at", "received_at")


@dataclass
class MessagePage:
    """One page of a list: its rows, whether more follow, and where the next page starts
    (`cursor` for `message_page(after=…)`; None on the last page)."""

    rows: list[Message]
    has_next: bool
    cursor: str | None
    has_previous: bool


def _cursor_of(message: Message) -> str:
    return f"{message.received_at.isoformat()}~{message.pk}"


def _parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        moment, pk = cursor.rsplit("~", 1)
        return datetime.fromisoformat(moment), int(pk)
    except (ValueError, AttributeError):
        return None


def message_page(user, *, after: str | None = None, offset: int = 0, limit: int = 50, order="-received_at",
                 **filters) -> MessagePage:
    """A page of `messages_for(user, order=order, **filters)`: `limit` rows after the cursor
    `after` (the previous page's `cursor`; newest-first and oldest-first lists) or, for the
    other orders, after `offset` rows. Reads limit + 1 rows to know whether a next page
    exists: no COUNT(*). A malformed cursor starts from the top."""
    limit = max(1, min(int(limit), 500))
    queryset = messages_for(user, order=order, **filters)
    order = order if order in ORDERS else "-received_at"
    position = _parse_cursor(after) if after else None
    if order in KEYSET_ORDERS and position is not None:
        moment, pk = position
        if order == "-received_at":
            # received_at <= t bounds the index range; the OR only sorts out the ties.
            queryset = queryset.filter(received_at__lte=moment).filter(Q(received_at__lt=moment) | Q(pk__lt=pk))
        else:
            queryset = queryset.filter(received_at__gte=moment).filter(Q(received_at__gt=moment) | Q(pk__gt=pk))
        start = 0
    else:
        start = 0 if order in KEYSET_ORDERS else max(0, int(offset))
    rows = list(queryset[start:start + limit + 1])
    has_next = len(rows) > limit
    rows = rows[:limit]
    with_states(user, rows)
    cursor = None
    if has_next:
        cursor = _cursor_of(rows[-1]) if order in KEYSET_ORDERS else str(start + limit)
    return MessagePage(rows=rows, has_next=has_next, cursor=cursor, has_previous=bool(position) or start > 0)


@dataclass(frozen=True)
class MessageCount:
    """How many messages a list holds: exact, or at least `value` (`exact` False: "more than")."""

    value: int
    exact: bool


def _is_day(value) -> bool:
    return value is None or (isinstance(value, date) and not isinstance(value, datetime))


def _from_daily_counts(user, *, category=None, district=None, since=None, until=None, **rest) -> MessageCount | None:
    """The count from the daily counts, when the filters are ones they hold (staff; category,
    district, whole days); None otherwise."""
    if role_of(user) != Role.STAFF or any(v not in (None, "") for v in rest.values()):
        return None
    if not (_is_day(since) and _is_day(until)):
        return None
    congress = current_congress()
    if congress is None:
        return MessageCount(0, True)
    buckets = MessageDailyCount.objects.filter(congress_id=congress.pk)
    if category:
        buckets = buckets.filter(category_id=_pk(category))
    if district:
        buckets = buckets.filter(district_id=_pk(district))
    if since:
        buckets = buckets.filter(day__gte=since)
    if until:
        buckets = buckets.filter(day__lte=until)
    return MessageCount(buckets.aggregate(n=Sum("count"))["n"] or 0, True)


def count_messages(user, *, cap: int = COUNT_CAP, **filters) -> MessageCount:
    """How many messages `messages_for(user, **filters)` holds, without counting millions:
    exact from the daily counts for staff filtering by category, district and whole days;
    otherwise counted up to `cap` (beyond it: at least `cap`, `exact` False)."""
    filters.pop("order", None)
    if has_perm(user, permissions.VIEW):
        rolled = _from_daily_counts(user, **filters)
        if rolled is not None:
            return rolled
    n = messages_for(user, **filters).order_by()[: cap + 1].count()
    return MessageCount(min(n, cap), n <= cap)


def message_for(user, pk) -> Message:
    """One message `user` may see; NotFound otherwise (never says whether it exists)."""
    found = _scoped(user).select_related("category", "district", "case", "accused_unit").filter(pk=pk).first()
    if found is None or not has_perm(user, permissions.VIEW, found):
        raise NotFound()
    return found


#: The most messages one caller look-up lists (newest first).
CALLER_MAX = 100


def taken_up_suggestion(user, message: Message):
    """The suggestion a deputy started from `message` (core.takeup.Draft: id, subject, url),
    when `user` may read it (the deputy, staff); None otherwise, or when nobody took it up."""
    return takeup.describe(user, message.taken_up_as_suggestion)


def may_take_up(user, message: Message) -> bool:
    """Whether the message page offers `user` to take it up as a suggestion."""
    return has_perm(user, permissions.TAKE_UP, message) and rules.take_up_refusal(
        nature=message.nature, not_accepted=message.status == Message.Status.NOT_ACCEPTED,
        taken_up=bool(message.taken_up_as_suggestion)) is None


def replies_for(user, message: Message) -> list:
    """The replies on a message's page, oldest first. An assisting unit's view (SUGG-5's
    machinery: it goes to the lead unit, not to the citizen) is shown to staff and to the
    units' clerks only, marked `to_lead`; the citizen and deputies see the replies owed to
    the sender, the same as the tracking page."""
    replies = message.case.replies.select_related("unit").order_by("submitted_at", "pk")
    if role_of(user) not in (Role.STAFF, Role.UNIT_CLERK):
        replies = replies.filter(role__in=case_rules.REPLYING_ROLES)
    rows = list(replies)
    for reply in rows:
        reply.to_lead = reply.role == case_rules.ASSISTING
    return rows


def messages_from_phone_keys(user, keys: list[str], *, limit: int = CALLER_MAX) -> list[Message]:
    """The messages sent from one phone, by its keyed hashes (`crypto.lookup_keys`: one per
    configured key while keys rotate), newest first, of those `user` may see; nothing for a
    user without the right to personal data (SEC-8). Read through the partial index
    voices_msg_phone. Called by the service that logs the search
    (`services.find_caller_messages`)."""
    keys = [key for key in keys if key]
    if not keys or not has_perm(user, permissions.PERSONAL_DATA):
        return []
    queryset = _scoped(user).select_related("category", "district").filter(phone_index__in=keys)
    return list(queryset.order_by("-received_at", "-pk")[:max(1, int(limit))])


def personal_data_for(user, message: Message) -> dict[str, str]:
    """SEC-8: the citizen's data as `user` may see it in a page (masked or hidden; never in
    full: the full values come only from services.reveal_personal_data, which logs it)."""
    viewer = rules.Viewer(role=role_of(user), unit_id=getattr(user, "handling_unit_id", None),
                          is_submitter=getattr(user, "pk", None) == message.submitter_id and role_of(user) is not None)
    levels = rules.mask_for(viewer, nature=message.nature, is_anonymous=message.is_anonymous,
                            is_confidential=message.is_confidential, accused_unit_id=message.accused_unit_id)
    out = {}
    for field in rules.PERSONAL_FIELDS:
        level = levels[field]
        value = "" if level == rules.HIDDEN else crypto.decrypt(getattr(message, f"{field}_encrypted"))
        out[field] = rules.apply_mask(field, value, level)
    return out


# --- the public tracking look-up ---------------------------------------------------------------

PUBLIC_STATES = {
    "received": _("Received"),
    "not_accepted": _("Not accepted"),
    "handling": _("Being handled"),
    "replied": _("Replied"),
    "closed": _("Closed"),
}


#: MSG-5: labels of the grounds in `msg_nonacceptance_grounds` (a configured ground without
#: a label here is shown by its code). Staff choose from them; the citizen is told the one chosen.
NONACCEPTANCE_LABELS = {
    "litigation_or_arbitration": _("Belongs to litigation or arbitration"),
    "discipline_inspection": _("Belongs to discipline inspection"),
    "administrative_review": _("Belongs to administrative reconsideration"),
    "information_disclosure": _("Belongs to an information-disclosure request"),
    "already_in_petition": _("Already in the letters-and-visits procedure"),
    "secrets_or_privacy": _("Involves state secrets, trade secrets or privacy"),
    "lawfully_concluded": _("Already lawfully concluded"),
    "no_content": _("No real content"),
}


def nonacceptance_label(reason: str) -> str:
    """MSG-5: the ground a message was not accepted on, as people read it."""
    return str(NONACCEPTANCE_LABELS.get(reason, reason)) if reason else ""


def _scrub(text: str) -> str:
    """SEC-6: text fit for anyone holding the tracking number."""
    return scrub(text).text


def _public_state(message: Message, case) -> str:
    return public_state(message.status, case.status)


#: The statuses (`messages_for(status=…)`) behind each state a list shows (PUBLIC_STATES), so
#: staff filter by what they see on the rows: "replied" is the call-backs waiting (MSG-4).
STATE_STATUSES = {
    "received": (Message.Status.RECEIVED,),
    "handling": (case_rules.ASSIGNED, case_rules.REHANDLING),
    "replied": (case_rules.REPLIED,),
    "closed": (case_rules.CLOSED,),
    "not_accepted": (Message.Status.NOT_ACCEPTED,),
}


def public_state(message_status: str, case_status: str) -> str:
    """Where a message stands, as the citizen is told (PUBLIC_STATES), from its own status
    and its case's (the surviving case's, once merged)."""
    if message_status == Message.Status.NOT_ACCEPTED:
        return "not_accepted"
    if case_status == case_rules.CLOSED:
        return "closed"
    if case_status == case_rules.REPLIED:
        return "replied"
    if case_status in (case_rules.ASSIGNED, case_rules.REHANDLING):
        return "handling"
    return "received"


@dataclass(frozen=True)
class UnitPart:
    """A unit's own part in a message, for its clerk's list: its role, whether its answer is
    in, and by when it is due."""

    role: str
    replied: bool
    due_on: date
    overdue: bool

    @property
    def to_lead(self) -> bool:
        """An assisting unit's part: a view for the lead unit, not the reply."""
        return self.role == case_rules.ASSISTING


def with_states(user, rows: list[Message]) -> list[Message]:
    """Marks each listed message with `state` and `state_label` (handling, replied, closed…:
    its case's, where the message's own status says only "accepted"), `duplicate_hint` (the
    open message it looks like, while it waits for triage; issue 5, item 4) and, for a unit's
    clerk, `unit_part`: the unit's assignment in the case's current round (or None); and
    `acceptance` (MSG-6(a)): a letter to the congress awaiting the decision to accept it gets
    its acceptance deadline (`Acceptance`), any other row None. Reads by primary key for the
    page's rows, not a join over the table."""
    from casework.models import Assignment, Case

    if not rows:
        return rows
    cases = {pk: (status, merged, current_round) for pk, status, merged, current_round in
             Case.objects.filter(pk__in={m.case_id for m in rows}).values_list("pk", "status", "merged_into", "round")}
    merged_into = {merged for _status, merged, _round in cases.values() if merged and merged not in cases}
    if merged_into:
        cases.update({pk: (status, None, current_round) for pk, status, current_round in
                      Case.objects.filter(pk__in=merged_into).values_list("pk", "status", "round")})
    acceptance = _acceptances(rows, {pk: merged for pk, (_status, merged, _round) in cases.items()})
    unit_id = getattr(user, "handling_unit_id", None) if role_of(user) == Role.UNIT_CLERK else None
    parts: dict[tuple[int, int], UnitPart] = {}
    if unit_id:
        now = timezone.now()
        assignments = Assignment.objects.filter(case_id__in=list(cases), unit_id=unit_id).exclude(
            status=case_rules.CANCELLED).values_list("case_id", "round", "role", "status", "due_on")
        for case_id, round_number, role, status, due_on in assignments:
            replied = status == case_rules.DONE
            parts[(case_id, round_number)] = UnitPart(role, replied, due_on,
                                                      case_rules.is_overdue(due_on, now, replied=replied))
    for message in rows:
        handled = cases.get(message.case_id, ("", None, 1))[1] or message.case_id  # the surviving case
        case_status, _merged, current_round = cases.get(handled, ("", None, 1))
        state = public_state(message.status, case_status)
        message.state, message.state_label = state, PUBLIC_STATES[state]
        message.duplicate_hint = message.likely_duplicate_of_id if state == "received" else None
        message.unit_part = parts.get((handled, current_round)) if unit_id else None
        message.acceptance = acceptance.get(message.pk)
    return rows


def _acceptances(rows: list[Message], merged_into: dict[int, int | None]) -> dict[int, Acceptance]:
    """MSG-6(a): the acceptance deadline of each row awaiting the decision to accept it (the
    congresses' parameters read once, the calendar from its cache)."""
    awaiting = [m for m in rows if rules.awaits_acceptance(regime=m.regime, status=m.status,
                                                          merged=merged_into.get(m.case_id) is not None)]
    if not awaiting:
        return {}
    from core.organisation.models import Congress

    congresses = Congress.objects.in_bulk({m.congress_id for m in awaiting})
    params = {pk: effective_parameters(congress) for pk, congress in congresses.items()}
    calendar, now = work_calendar.current_calendar(), timezone.now()
    return {m.pk: acceptance_of(m, params=params[m.congress_id], calendar=calendar, now=now, merged=False)
            for m in awaiting if m.congress_id in params}


def track(tracking_number) -> dict | None:
    """What anyone holding the tracking number may see: the state, the dates and the replies'
    text scrubbed of personal data (SEC-6). No name, phone, ID, text of the message or unit
    contact. None when the number is malformed or unknown."""
    number = rules.normalise_tracking_number(tracking_number)
    if number is None:
        return None
    message = (Message.objects.select_related("case__merged_into", "category", "congress")
               .filter(tracking_number=number).first())
    if message is None:
        return None
    case = message.case.merged_into or message.case
    state = _public_state(message, case)
    acceptance = acceptance_of(message, merged=message.case.merged_into_id is not None)
    replies = [
        {"replied_at": r.submitted_at, "text": _scrub(r.body)}
        for r in case.replies.filter(role__in=case_rules.REPLYING_ROLES).order_by("submitted_at", "pk")
    ] if state in ("replied", "closed", "handling") else []
    return {
        "tracking_number": number,
        "display_number": rules.display_tracking_number(number),
        "state": state,
        "state_label": str(PUBLIC_STATES[state]),
        "regime": message.regime,
        "category": message.category.name if message.category_id else "",
        "received_at": message.received_at,
        "accepted_at": case.assigned_at,
        "replied_at": case.replied_at,
        "closed_at": case.closed_at,
        # MSG-5: the citizen is told the reasons: the ground, and the directions given.
        "not_accepted_ground": nonacceptance_label(message.not_accepted_reason) if state == "not_accepted" else "",
        "not_accepted_note": _scrub(message.not_accepted_note) if state == "not_accepted" else "",
        # MSG-6(a): a letter to the congress is decided (accepted or not) by this day.
        "acceptance_due": acceptance.deadline if acceptance else None,
        "taken_up_by_deputy": bool(message.taken_up_as_suggestion),
        # Merged with other messages about the same matter: the one reply answers them all.
        "merged": message.case.merged_into_id is not None,
        # Handled again after a dissatisfied call-back (MSG-4): the earlier reply stays listed.
        "handled_again": case.round > 1,
        "replies": replies,
    }


def likely_duplicates(message: Message, limit: int = 5) -> list[tuple[Message, float]]:
    """Open messages that look like copies of `message`, best first, with their scores (a
    suggestion for staff: merging is their decision)."""
    hits = duplicates.similar(message, limit=limit)
    found = {
        m.pk: m for m in Message.objects.filter(pk__in=[pk for pk, _s in hits], congress_id=message.congress_id,
                                                case__status__in=list(case_rules.OPEN_STATES))
        .exclude(status=Message.Status.NOT_ACCEPTED)
    }
    return [(found[pk], score) for pk, score in hits if pk in found][:limit]


def unit_basis(message: Message, unit_reasons: dict) -> str:
    """SEC-10: why the unit suggested came from the suggested category's usual unit (and, when
    the unit model argued for another one, which): said instead of that model's words and
    confidence, which were for a different unit."""
    from core.organisation.models import HandlingUnit

    category = message.suggested_category.name if message.suggested_category_id else ""
    basis = str(_("The usual handling unit of the suggested category %(category)s.")) % {"category": category}
    label = str(unit_reasons.get("label") or "")
    leaned = (HandlingUnit.objects.filter(pk=int(label), congress_id=message.congress_id)
              .values_list("name", flat=True).first() if label.isdigit() else None)
    if leaned:
        basis += " " + str(_("The unit model leaned to %(unit)s, not surely enough to change it.")) % {"unit": leaned}
    return basis


def suggestion_reasons(message: Message) -> dict:
    """SEC-10: the models' suggestions for `message` with the words that weighed most. Intake
    stores labels and confidences only; the words are worked out (with the models recorded on
    the message) the first time a person opens it, and kept on the row for the next."""
    from . import classify

    stored = message.suggestion_reasons or {}
    if not classify.needs_reasons(stored):
        return stored
    return classify.explain_message(message)
