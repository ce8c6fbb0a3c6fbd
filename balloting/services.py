"""Every change to a secret vote: one function each, through core.workflow (docs/actions).

A round goes draft → open → closed → counted (or void). Paper rounds record the ballots
issued (ELEC-11), then each sheet is entered by two scrutineers and every discrepancy is
resolved before the count. Electronic rounds admit the deputies checked in (balloting.roll)
and take one vote from each, never linked to them (SEC-1).

The law that decides who is elected or what is adopted stays in the domains (elections,
plenary): they call `count_round` and apply their own rules to its counts.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping, Sequence

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import permissions, rawrows
from core.audit.services import record
from core.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from core.organisation.models import Deputy
from core.organisation.rules import effective_parameters
from core.workflow import perform

from . import permissions as codes
from . import roll, rules
from .models import Ballot, Eligibility, Option, PaperEntry, Round, RoundScrutineer, SheetResolution
from .selectors import ballot_keys, paper_readings

#: Write-in names are people's names (Deputy.name is at most 50 characters).
MAX_WRITE_IN = 50
_VOTE_MARKS = frozenset({rules.FOR, rules.AGAINST, rules.ABSTAIN})
_BALLOT_BOX = "ballot box"  # the audit actor of a cast ballot (SEC-1 (d): never the voter)


# --- shared machinery ----------------------------------------------------------------------


def _failed(details: Mapping[str, object]) -> ValidationFailed:
    details = {key: str(value) for key, value in details.items()}
    return ValidationFailed(next(iter(details.values())), details=details)


def _require_status(round_: Round, *allowed: str) -> None:
    if round_.status not in allowed:
        raise InvalidTransition(
            _("This is not possible while the round is “%(state)s”.") % {"state": round_.get_status_display()},
            details={"state": round_.status, "allowed_from": list(allowed)},
        )


def _require_method(round_: Round, method: str) -> None:
    if round_.method != method:
        raise InvalidTransition(
            _("This round is voted by %(method)s.") % {"method": round_.get_method_display()},
            details={"method": round_.method},
        )


def _option_keys(round_: Round) -> list[str]:
    """The keys of the ballot's lines, in ballot order (selectors.ballot_keys: read once per
    process and round, the lines being fixed when the round is created)."""
    return ballot_keys(round_)


def _clean_write_ins(round_: Round, write_ins: Iterable[str]) -> list[str]:
    names = []
    for raw in write_ins:
        name = str(raw).strip()
        if not name or name in names:
            continue
        if len(name) > MAX_WRITE_IN:
            raise _failed({"write_ins": _("A written-in name is too long.")})
        names.append(name)
    if names and round_.write_ins == Round.WriteIns.NONE:
        raise _failed({"write_ins": _("This ballot takes no write-ins.")})
    return names


def _clean_marks(round_: Round, marks: Mapping[str, str], *, allowed: frozenset[str]) -> dict[str, str]:
    keys = set(_option_keys(round_))
    cleaned = {}
    for key, mark in (marks or {}).items():
        if key not in keys:
            raise _failed({"marks": _("A mark is for something not on this ballot.")})
        if mark not in allowed:
            raise _failed({"marks": _("A mark must be for, against or abstain.")})
        cleaned[key] = mark
    return cleaned


def _deputy_names(round_: Round) -> frozenset[str]:
    """ELEC-10: the names a deputies-only write-in may take (deputies of the term in office)."""
    return frozenset(
        Deputy.objects.filter(term_id=round_.session.term_id, in_office=True).values_list("name", flat=True)
    )


def _stored_shuffled(round_: Round, readings: Iterable[tuple[dict, list]]) -> int:
    """SEC-1 (b): (re)write a round's ballots in random order with fresh random keys."""
    rows = list(readings)
    random.SystemRandom().shuffle(rows)
    Ballot.objects.bulk_create([Ballot(round=round_, marks=marks, write_ins=names) for marks, names in rows])
    return len(rows)


def _reshuffled(round_: Round) -> int:
    """SEC-1 (b): rewrite every ballot of the round in one transaction, shuffled, with fresh
    random keys: afterwards no ballot row carries the transaction, the position or the key
    it was cast with. Returns how many there are."""
    stored = list(Ballot.objects.filter(round=round_).values_list("marks", "write_ins"))
    Ballot.objects.filter(round=round_).delete()
    return _stored_shuffled(round_, stored)


def _record_ballots_cast(round_: Round, count: int) -> None:
    """SEC-1 (d): one audit entry per electronic round when voting ends, "`count` ballots
    were cast in round R": the ballot box as actor, the round as target, no time of any
    single ballot, nobody's name (docs/decisions/0003-voting-throughput.md)."""
    record(actor=_BALLOT_BOX, action=codes.CAST, target=round_, data={"round_id": round_.pk, "count": count})


# --- preparing a round ---------------------------------------------------------------------


def create_round(
    *,
    by,
    session,
    kind: str,
    title: str,
    options: Sequence[tuple[str, str]],
    seats: int = 1,
    method: str = Round.Method.PAPER,
    write_ins: str = Round.WriteIns.NONE,
    ambiguous_mark_policy: str | None = None,
) -> Round:
    """Prepare a round with its ballot lines (`options`: (key, label) pairs, in ballot order).

    The unclear-mark policy defaults to the session's (ELEC-12). Raises ValidationFailed for
    an empty ballot, repeated keys or a seat count below one.
    """
    if seats < 1:
        raise _failed({"seats": _("At least one person or choice must be voted for.")})
    if not options:
        raise _failed({"options": _("A ballot needs at least one line.")})
    keys = [str(key) for key, _label in options]
    if len(set(keys)) != len(keys) or any(not key or key.startswith("w:") for key in keys):
        raise _failed({"options": _("Each ballot line needs its own key.")})
    if ambiguous_mark_policy is None:
        ambiguous_mark_policy = effective_parameters(session.term.congress, session)["ambiguous_mark_policy"]
    if ambiguous_mark_policy not in rules.AMBIGUOUS_MARK_POLICIES:
        raise _failed({"ambiguous_mark_policy": _("Unknown policy for unclear marks.")})

    def apply(_unused):
        round_ = Round(
            session=session,
            kind=kind,
            title=title,
            method=method,
            seats=seats,
            write_ins=write_ins,
            ambiguous_mark_policy=ambiguous_mark_policy,
        )
        round_.full_clean()
        round_.save()
        Option.objects.bulk_create(
            [
                Option(round=round_, key=str(key), label=str(label)[:200], position=position)
                for position, (key, label) in enumerate(options, start=1)
            ]
        )
        return round_

    return perform(
        by=by,
        action="round.create",
        permission_obj=session,
        apply=apply,
        after=lambda r: {"kind": r.kind, "title": r.title, "method": r.method, "seats": r.seats},
    )


def appoint_round_scrutineer(*, by, round: Round, user, name: str = "") -> RoundScrutineer:
    """Appoint a scrutineer of the round (SEC-2), before it is counted. Elections check the
    close-relative rule before calling this."""

    def apply(current: Round):
        _require_status(current, Round.Status.DRAFT, Round.Status.OPEN, Round.Status.CLOSED)
        scrutineer, _created = RoundScrutineer.objects.get_or_create(
            round=current, user=user, defaults={"name": name or user.display_name[:100]}
        )
        return scrutineer

    return perform(
        by=by, action=codes.APPOINT, obj=round, apply=apply, data={"round_id": round.pk, "user_id": user.pk}
    )


# --- opening and closing -------------------------------------------------------------------


def open_round(*, by, round: Round) -> Round:
    """Open the vote: record "all deputies" and the threshold as they stand now (SESS-4) and,
    for electronic voting, admit every deputy checked in. Refused without a quorum (SESS-1)."""
    session_roll = roll.current()

    def apply(current: Round):
        _require_status(current, Round.Status.DRAFT)
        if not session_roll.quorum_met(current.session):
            raise InvalidTransition(
                _("Fewer than two-thirds of all deputies are present: the session cannot vote (SESS-1)."),
                code="no_quorum",
            )
        all_deputies, basis = session_roll.all_deputies(current.session)
        current.all_deputies = all_deputies
        current.all_deputies_basis = basis
        current.threshold = rules.majority_of_all(all_deputies)
        current.status = Round.Status.OPEN
        current.opened_at = timezone.now()
        current.save(update_fields=["all_deputies", "all_deputies_basis", "threshold", "status", "opened_at"])
        if current.method == Round.Method.ELECTRONIC:
            present = sorted(session_roll.present_deputy_ids(current.session))
            Eligibility.objects.bulk_create(
                [Eligibility(round=current, deputy_id=pk) for pk in present], ignore_conflicts=True
            )
        return current

    return perform(
        by=by,
        action=codes.OPEN,
        obj=round,
        apply=apply,
        after=lambda r: {"status": r.status, "all_deputies": r.all_deputies, "threshold": r.threshold},
    )


def admit_to_open_rounds(*, session, deputy) -> int:
    """Admit a deputy who has just checked in to the session's open electronic rounds.

    Called inside the check-in's own transaction (it is audited there); returns how many
    rounds the deputy was admitted to.
    """
    rounds = list(
        Round.objects.filter(session=session, status=Round.Status.OPEN, method=Round.Method.ELECTRONIC)
    )
    created = Eligibility.objects.bulk_create(
        [Eligibility(round=r, deputy=deputy) for r in rounds], ignore_conflicts=True
    )
    return len(created)


def issue_ballots(*, by, round: Round, count: int) -> Round:
    """ELEC-11: record how many paper ballots were issued (发出选票), at most one for each
    deputy checked in (the session roll).

    The figure decides the round's validity (returned ≤ issued), so it may not move once
    the ballots have come back: it may be recorded and corrected while the vote is prepared
    or open; after the close it may only be recorded if it was not, and only before the
    first returned sheet is entered. Raises InvalidTransition (code "issued_fixed")
    otherwise, ValidationFailed for a figure that is not a whole number or exceeds the
    deputies checked in.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise _failed({"count": _("The number of ballots issued must be a whole number, zero or more.")})
    session_roll = roll.current()

    def apply(current: Round):
        _require_method(current, Round.Method.PAPER)
        if not rules.issued_may_be_recorded(
            status=current.status,
            ballots_issued=current.ballots_issued,
            sheets_entered=PaperEntry.objects.filter(round=current).count(),
        ):
            raise InvalidTransition(
                _("The ballots issued were fixed when the vote closed and can no longer be changed (ELEC-11)."),
                code="issued_fixed",
                details={"state": current.status},
            )
        present = len(session_roll.present_deputy_ids(current.session))
        if not rules.issued_within_present(count, present):
            raise _failed(
                {
                    "count": ngettext(
                        "At most %(present)s ballot can be issued: %(present)s deputy is checked in (ELEC-11).",
                        "At most %(present)s ballots can be issued: %(present)s deputies are checked in (ELEC-11).",
                        present,
                    )
                    % {"present": present}
                }
            )
        current.ballots_issued = count
        current.save(update_fields=["ballots_issued"])
        return current

    return perform(
        by=by, action=codes.ISSUE, obj=round, apply=apply, data={"round_id": round.pk, "issued": count}
    )


def close_round(*, by, round: Round) -> Round:
    """Close the vote. For electronic voting the ballots issued are the deputies admitted,
    the round's ballots are rewritten in random order (SEC-1 (b)), and the audit log gets
    one entry "N ballots were cast in round R" (SEC-1 (d); docs/decisions/0003).

    The exclusive lock on the round (core.workflow) waits for the votes in progress, which
    hold a share lock (`cast_vote`): every ballot committed before the close is in the
    count and in the entry, and no vote is taken after it."""

    def apply(current: Round):
        _require_status(current, Round.Status.OPEN)
        if current.method == Round.Method.ELECTRONIC:
            current.ballots_issued = current.eligibilities.count()
            _record_ballots_cast(current, _reshuffled(current))
        current.status = Round.Status.CLOSED
        current.closed_at = timezone.now()
        current.save(update_fields=["ballots_issued", "status", "closed_at"])
        return current

    return perform(
        by=by, action=codes.CLOSE, obj=round, apply=apply, after=lambda r: {"status": r.status}
    )


def close_and_count_round(*, by, round: Round) -> Round:
    """Close the vote and, for an electronic vote on a motion or a project, count it at once
    in the same transaction, so the room sees the result as soon as the vote ends (RES-1).

    Paper rounds wait for the double entry, and election rounds for the election's own count
    (elections.services.count_election_round, signed by its scrutineers, SEC-2): those are
    only closed here. Raises what `close_round` and `count_round` raise (nothing is written).
    """
    with transaction.atomic():
        closed = close_round(by=by, round=round)
        if closed.method == Round.Method.ELECTRONIC and closed.kind != Round.Kind.ELECTION:
            count_round(by=by, round=closed)
    round.refresh_from_db()
    return round


def void_round(*, by, round: Round, reason: str) -> Round:
    """Declare a round void before it is counted (e.g. the voting system failed); the owning
    domain holds the vote again."""
    if not reason.strip():
        raise _failed({"reason": _("Give the reason.")})

    def apply(current: Round):
        _require_status(current, Round.Status.DRAFT, Round.Status.OPEN, Round.Status.CLOSED)
        if current.status == Round.Status.OPEN and current.method == Round.Method.ELECTRONIC:
            # Voided while voting: the ballots cast so far are rewritten and recorded as a
            # close would (SEC-1 (b), (d)).
            _record_ballots_cast(current, _reshuffled(current))
        current.status = Round.Status.VOID
        current.round_valid = False
        current.closed_at = current.closed_at or timezone.now()
        current.save(update_fields=["status", "round_valid", "closed_at"])
        return current

    return perform(by=by, action=codes.VOID, obj=round, apply=apply, data={"reason": reason[:300]})


# --- voting in the room --------------------------------------------------------------------


def cast_vote(*, by, round: Round, marks: Mapping[str, str], write_ins: Iterable[str] = ()) -> None:
    """Cast the signed-in deputy's vote in an open electronic round.

    In one transaction: the deputy's eligibility is marked as voted and an anonymous ballot
    is stored among ballots rewritten with it (`_store_vote`, SEC-1 (b)); no key, column or
    stored order links the two (SEC-1). Nothing is returned: there is no receipt.
    Raises, with nothing written, in this order: InvalidTransition when the round is not an
    open electronic round; NotAllowed for a user who is not a deputy admitted to the round
    (not checked in, not in office); InvalidTransition (code "already_voted") when the
    deputy has already voted; ValidationFailed for a ballot the round does not accept
    (ELEC-10, ELEC-12).

    Throughput (docs/decisions/0003-voting-throughput.md): everything that needs no lock is
    read and checked first (the deputy, the session roll, the ballot's lines, the ballot
    itself); then one short write: the round row is only *share*-locked, so the votes of a
    round run side by side while a close (exclusive lock) waits for them and turns every
    later vote away; "has voted" is set by a conditional UPDATE, so of two simultaneous
    submissions by one deputy exactly one finds it unset. No audit entry per ballot:
    `close_round` records how many were cast (SEC-1 (d)).
    """
    permissions.require(by, codes.CAST, round)
    deputy_id, may_vote = roll.current().voter(round.session_id, by)
    if deputy_id is None:
        raise NotAllowed(_("Only a deputy can vote."))
    invalid: ValidationFailed | None = None
    cleaned: dict[str, str] = {}
    names: list[str] = []
    try:
        cleaned, names = _checked_ballot(round, marks, write_ins)
    except ValidationFailed as exc:
        invalid = exc
    if may_vote and invalid is None and _store_vote(round.pk, deputy_id, cleaned, names):
        return
    raise _refusal(round.pk, deputy_id, may_vote=may_vote, invalid=invalid)


def _checked_ballot(round_: Round, marks: Mapping[str, str], write_ins: Iterable[str]) -> tuple[dict, list]:
    """The ballot as stored, or ValidationFailed (ELEC-10, ELEC-12). A round's lines, seats
    and write-in rule are fixed when it is created, so this needs no lock."""
    cleaned = _clean_marks(round_, marks, allowed=_VOTE_MARKS)
    names = _clean_write_ins(round_, write_ins)
    if round_.write_ins == Round.WriteIns.DEPUTIES and names:
        eligible = _deputy_names(round_)
        if any(n not in eligible for n in names):
            raise _failed({"write_ins": _("Only a deputy of this congress may be written in (ELEC-10).")})
    if rules.chosen_count(cleaned, names) > round_.seats:
        raise _failed(
            {"marks": _("At most %(seats)s may be chosen on this ballot (ELEC-12).") % {"seats": round_.seats}}
        )
    return cleaned, names


#: SEC-1 (b): how many ballots already in the box each vote rewrites beside its own, so
#: that the vote's transaction (PostgreSQL xmin), the rows' physical order and their keys
#: are shared by up to MIX + 1 ballots rather than pointing at one.
MIX = 7


def _store_vote(round_id: int, deputy_id: int, marks: dict, names: list) -> bool:
    """Mark the deputy as having voted and store the ballot, in one transaction, if the
    round is an open electronic round and the deputy is admitted and has not voted yet.
    Returns whether the vote was stored; when it was not, nothing was written.

    The mark and the ballot are written together or not at all: that is what makes a vote
    count once and never be lost once acknowledged. So both carry the same transaction, and
    the ballot goes into the box with up to `MIX` ballots already there (those whose random
    keys follow a random key, wrapping round), deleted and written again with fresh random
    keys, all in random order (SEC-1 (b)): the vote's transaction id, the rows' physical
    order and the keys say only "one of these", and later votes move this ballot on in
    turn. The close rewrites them all once more. What this does not hide: someone who
    watches the tables while the round is open, or reads dead row versions or the WAL,
    can compare the contents before and after one vote; only several voters' ballots
    written in one transaction (group commit) would hide that.

    PostgreSQL does it in one statement (its own transaction, or the caller's): the round
    row is share-locked (a concurrent close, FOR UPDATE, waits for it; a vote after the
    close reads the closed status), the eligibility row is marked only if it is unmarked
    (a second submission waits for the first and then finds it marked), and only then are
    ballots moved (rows another vote is moving are skipped, never waited for) and the new
    ballot inserted. Other databases run the same steps in a transaction; SQLite takes its
    write lock first (BEGIN IMMEDIATE), so they run one at a time.
    """
    ballot = Ballot(round_id=round_id, marks=marks, write_ins=names)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        fields = {f.name: f for f in Ballot._meta.concrete_fields}
        ballots = quote(Ballot._meta.db_table)
        pivot = fields["id"].get_db_prep_value(uuid.uuid4(), connection)  # where the ballots to move begin
        # Table names come from the models, every value is a parameter.
        sql = (
            "WITH open_round AS ("  # noqa: S608
            f" SELECT id FROM {quote(Round._meta.db_table)}"
            " WHERE id = %s AND status = %s AND method = %s FOR SHARE"
            "), marked AS ("
            f" UPDATE {quote(Eligibility._meta.db_table)} SET has_voted = true"
            " WHERE round_id IN (SELECT id FROM open_round) AND deputy_id = %s AND NOT has_voted"
            " RETURNING round_id"
            # The ballots to move: those whose keys follow a random key, wrapping round
            # (index balloting_ballot_round_key); rows another vote is moving are skipped.
            "), above AS ("
            f" SELECT id FROM {ballots} WHERE round_id = (SELECT round_id FROM marked) AND id >= %s"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
            "), below AS ("
            f" SELECT id FROM {ballots} WHERE round_id = (SELECT round_id FROM marked) AND id < %s"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
            "), moved AS ("
            f" DELETE FROM {ballots} WHERE id IN ("
            "  SELECT id FROM (SELECT id FROM above UNION ALL SELECT id FROM below) AS picked LIMIT %s"
            " ) RETURNING round_id, marks, write_ins"
            ")"
            f" INSERT INTO {ballots} (id, round_id, marks, write_ins)"
            " SELECT gen_random_uuid(), box.round_id, box.marks, box.write_ins FROM ("
            "  SELECT round_id, %s::jsonb AS marks, %s::jsonb AS write_ins FROM marked"
            "  UNION ALL SELECT round_id, marks, write_ins FROM moved"
            " ) AS box ORDER BY random()"
        )
        params = [
            round_id,
            Round.Status.OPEN.value,
            Round.Method.ELECTRONIC.value,
            deputy_id,
            pivot,
            MIX,
            pivot,
            MIX,
            MIX,
            fields["marks"].get_db_prep_value(ballot.marks, connection),
            fields["write_ins"].get_db_prep_value(ballot.write_ins, connection),
        ]
        _rows, count = rawrows.execute(sql, params)
        return count >= 1
    with transaction.atomic():
        status, method = _round_state(round_id)
        if (status, method) != (Round.Status.OPEN, Round.Method.ELECTRONIC):
            return False
        marked = Eligibility.objects.filter(round_id=round_id, deputy_id=deputy_id, has_voted=False).update(
            has_voted=True
        )
        if marked != 1:
            return False
        # The same steps as one statement each (SQLite ≥ 3.35: DELETE … RETURNING); the
        # moved ballots' stored JSON is written back as it was read.
        quote = connection.ops.quote_name
        fields = {f.name: f for f in Ballot._meta.concrete_fields}
        table = quote(Ballot._meta.db_table)
        pivot = fields["id"].get_db_prep_value(uuid.uuid4(), connection)
        move = (
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE round_id = %s AND id {{}} %s"  # noqa: S608
            " ORDER BY id LIMIT %s) RETURNING marks, write_ins"
        )
        with connection.cursor() as cursor:
            cursor.execute(move.format(">="), [round_id, pivot, MIX])
            box = [tuple(row) for row in cursor.fetchall()]
            if len(box) < MIX:
                cursor.execute(move.format("<"), [round_id, pivot, MIX - len(box)])
                box += [tuple(row) for row in cursor.fetchall()]
            box.append(
                (
                    fields["marks"].get_db_prep_value(ballot.marks, connection),
                    fields["write_ins"].get_db_prep_value(ballot.write_ins, connection),
                )
            )
            random.SystemRandom().shuffle(box)
            rows = [(fields["id"].get_db_prep_value(uuid.uuid4(), connection), round_id, m, n) for m, n in box]
            cursor.execute(
                f"INSERT INTO {table} (id, round_id, marks, write_ins) VALUES "  # noqa: S608
                + ", ".join(["(%s, %s, %s, %s)"] * len(rows)),
                [value for row in rows for value in row],
            )
        return True


def _round_state(round_id: int) -> tuple[str, str]:
    table = connection.ops.quote_name(Round._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, method FROM {table} WHERE id = %s", [round_id])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def _refusal(round_id: int, deputy_id: int, *, may_vote: bool, invalid: ValidationFailed | None) -> Exception:
    """Why a vote was not stored (nothing was written): the first reason in the order
    `cast_vote` documents. Read after the attempt, without locks: if the round closed
    meanwhile, that is the reason given."""
    status, method = _round_state(round_id)
    state = Round(status=status, method=method)  # for the messages only
    try:
        _require_method(state, Round.Method.ELECTRONIC)
        _require_status(state, Round.Status.OPEN)
    except InvalidTransition as exc:
        return exc
    voted = Eligibility.objects.filter(round_id=round_id, deputy_id=deputy_id).values_list("has_voted", flat=True)
    has_voted = voted.first()
    if not may_vote or has_voted is None:
        return NotAllowed(_("You are not admitted to this vote: check in first (deputies in office only)."))
    if has_voted:
        return InvalidTransition(_("You have already voted in this round."), code="already_voted")
    if invalid is not None:
        return invalid
    # Open, admitted, not voted, a valid ballot, yet not stored: a close or a second
    # submission was committing at that very moment. Nothing was written; try again.
    return InvalidTransition(_("Your vote was not recorded: please vote again."), code="retry")


# --- paper ballots: double entry -----------------------------------------------------------


def enter_paper_ballot(
    *, by, round: Round, sheet_number: int, marks: Mapping[str, str], write_ins: Iterable[str] = ()
) -> PaperEntry:
    """Record one scrutineer's reading of one paper sheet (double entry).

    Each sheet is entered by two different scrutineers; entering the same sheet again
    replaces one's own reading until the sheet is resolved. Marks may be "unclear" (ELEC-12,
    the round's policy applies at the count). Raises InvalidTransition when the round is
    not closed, its ballots issued are not recorded (ELEC-11), or the sheet already has two
    readings by others or is resolved.
    """
    if isinstance(sheet_number, bool) or not isinstance(sheet_number, int) or sheet_number < 1:
        raise _failed({"sheet_number": _("Sheet numbers start at 1.")})

    def apply(current: Round):
        _require_method(current, Round.Method.PAPER)
        _require_status(current, Round.Status.CLOSED)
        if current.ballots_issued == 0:
            # ELEC-11: the ballots issued are fixed before the returned ones are read.
            raise InvalidTransition(
                _("Record the ballots issued before the returned sheets are entered (ELEC-11)."),
                code="issued_missing",
            )
        cleaned = _clean_marks(current, marks, allowed=rules.MARKS)
        names = _clean_write_ins(current, write_ins)
        if SheetResolution.objects.filter(round=current, sheet_number=sheet_number).exists():
            raise InvalidTransition(_("This sheet has been resolved and can no longer be changed."))
        entries = {e.slot: e for e in PaperEntry.objects.filter(round=current, sheet_number=sheet_number)}
        own = next((e for e in entries.values() if e.entered_by_id == by.pk), None)
        if own is not None:
            own.marks, own.write_ins = cleaned, names
            own.save(update_fields=["marks", "write_ins", "entered_at"])
            return own
        if len(entries) >= 2:
            raise InvalidTransition(_("This sheet has already been entered twice."))
        slot = 2 if 1 in entries else 1
        return PaperEntry.objects.create(
            round=current, sheet_number=sheet_number, slot=slot, entered_by=by, marks=cleaned, write_ins=names
        )

    return perform(by=by, action=codes.ENTER, obj=round, apply=apply, data={"round_id": round.pk})


def resolve_discrepancy(
    *,
    by,
    round: Round,
    sheet_number: int,
    marks: Mapping[str, str] | None = None,
    write_ins: Iterable[str] = (),
    use_entry: int | None = None,
    note: str = "",
) -> SheetResolution:
    """Settle a sheet whose two readings differ: take one entry (`use_entry` 1 or 2) or the
    reading agreed on with the sheet in hand (`marks`, `write_ins`). Only sheets that
    differ are resolved; the count refuses to start while any is unresolved."""

    def apply(current: Round):
        _require_method(current, Round.Method.PAPER)
        _require_status(current, Round.Status.CLOSED)
        entries = {e.slot: e for e in PaperEntry.objects.filter(round=current, sheet_number=sheet_number)}
        if len(entries) < 2:
            raise InvalidTransition(_("This sheet has not been entered twice yet."))
        keys = _option_keys(current)
        first = rules.normalise_reading(entries[1].marks, entries[1].write_ins, keys=keys)
        second = rules.normalise_reading(entries[2].marks, entries[2].write_ins, keys=keys)
        if not rules.reading_differences(first, second):
            raise InvalidTransition(_("The two readings of this sheet agree: there is nothing to resolve."))
        if use_entry is not None:
            if use_entry not in entries:
                raise _failed({"use_entry": _("Choose the first or the second reading.")})
            chosen_marks, chosen_names = entries[use_entry].marks, entries[use_entry].write_ins
        else:
            if marks is None:
                raise _failed({"marks": _("Enter the agreed reading or choose one of the two.")})
            chosen_marks = _clean_marks(current, marks, allowed=rules.MARKS)
            chosen_names = _clean_write_ins(current, write_ins)
        resolution, _created = SheetResolution.objects.update_or_create(
            round=current,
            sheet_number=sheet_number,
            defaults={"marks": chosen_marks, "write_ins": chosen_names, "note": note[:300], "resolved_by": by},
        )
        return resolution

    return perform(by=by, action=codes.RESOLVE, obj=round, apply=apply, data={"round_id": round.pk})


# --- counting and signing ------------------------------------------------------------------


def count_round(*, by, round: Round) -> rules.RoundCount:
    """Count a closed round with balloting.rules.count_round (ELEC-11, ELEC-12) and store the
    counts per line, the write-ins, the ballots returned/valid/void and the round's
    validity. A round with more ballots returned than issued is void (ELEC-11).

    Paper rounds count only when every sheet has two readings that agree or are resolved
    (raises InvalidTransition listing the sheets otherwise) and the ballots issued are
    recorded. The agreed readings are stored as anonymous ballots in random order.
    """
    result: dict[str, rules.RoundCount] = {}

    def apply(current: Round):
        _require_status(current, Round.Status.CLOSED)
        if current.method == Round.Method.PAPER:
            if current.ballots_issued == 0:
                raise _failed({"ballots_issued": _("Record the number of ballots issued before counting (ELEC-11).")})
            readings, problems = paper_readings(current)
            if problems:
                raise InvalidTransition(
                    _("Every sheet must be entered twice and every discrepancy resolved before the count."),
                    code="discrepancies",
                    details=problems,
                )
            Ballot.objects.filter(round=current).delete()
            _stored_shuffled(current, ((dict(r.marks), list(r.write_ins)) for r in readings))
        options = list(current.options.filter(is_write_in=False).order_by("position", "pk"))
        keys = [o.key for o in options]
        by_label = {o.label: o.key for o in options}
        eligible = _deputy_names(current) if current.write_ins == Round.WriteIns.DEPUTIES else None
        ballots, dropped = [], 0
        for marks, names in Ballot.objects.filter(round=current).values_list("marks", "write_ins"):
            # A listed candidate written in by name is a vote for that candidate.
            ballot = rules.Ballot(marks=marks, write_ins=tuple(by_label.get(n, n) for n in names))
            ballot, left_out = rules.drop_ineligible_write_ins(
                ballot,
                eligible=None if eligible is None else eligible | set(keys),
                allowed=current.write_ins != Round.WriteIns.NONE,
            )
            dropped += left_out
            ballots.append(ballot)
        count = rules.count_round(
            ballots,
            candidates=keys,
            seats=current.seats,
            ballots_issued=current.ballots_issued,
            ambiguous_mark_policy=current.ambiguous_mark_policy,
        )
        by_key = {o.key: o for o in options}
        position = len(options)
        for c in count.counts:
            if c.is_write_in:
                position += 1
                Option.objects.create(
                    round=current,
                    key=f"w:{c.name}"[:64],
                    label=c.name[:200],
                    position=position,
                    is_write_in=True,
                    for_votes=c.for_votes,
                    against_votes=0,
                    abstain_votes=0,
                )
                continue
            option = by_key[c.name]
            option.for_votes, option.against_votes, option.abstain_votes = c.for_votes, c.against, c.abstain
            option.save(update_fields=["for_votes", "against_votes", "abstain_votes"])
        current.ballots_returned = count.ballots_returned
        current.ballots_valid = count.ballots_valid
        current.ballots_void = count.ballots_void
        current.write_ins_dropped = dropped
        current.round_valid = count.round_valid
        current.status = Round.Status.COUNTED if count.round_valid else Round.Status.VOID
        current.counted_at = timezone.now()
        current.save(
            update_fields=[
                "ballots_returned",
                "ballots_valid",
                "ballots_void",
                "write_ins_dropped",
                "round_valid",
                "status",
                "counted_at",
            ]
        )
        result["count"] = count
        return current

    perform(
        by=by,
        action=codes.COUNT,
        obj=round,
        apply=apply,
        after=lambda r: {
            "status": r.status,
            "issued": r.ballots_issued,
            "returned": r.ballots_returned,
            "valid": r.ballots_valid,
            "void": r.ballots_void,
        },
    )
    round.refresh_from_db()
    return result["count"]


def sign_off(*, by, round: Round) -> RoundScrutineer:
    """A scrutineer signs the counted result (SEC-2: they checked voters against ballots)."""

    def apply(current: Round):
        if current.counted_at is None:
            raise InvalidTransition(_("The round has not been counted yet."))
        scrutineer = RoundScrutineer.objects.select_for_update().get(round=current, user=by)
        if scrutineer.signed_at is None:
            scrutineer.signed_at = timezone.now()
            scrutineer.save(update_fields=["signed_at"])
        return scrutineer

    return perform(by=by, action=codes.SIGN_OFF, obj=round, apply=apply, data={"round_id": round.pk})


def for_votes(round_: Round) -> dict[str, int]:
    """FOR votes per option key (write-ins under "w:<name>") of a counted round, for the
    domains' own rules. Raises InvalidTransition before the count (counts stay hidden)."""
    if round_.counted_at is None:
        raise InvalidTransition(_("The round has not been counted yet."))
    return {o.key: o.for_votes or 0 for o in round_.options.all()}


def is_signed_off(round_: Round) -> bool:
    """SEC-2: every appointed scrutineer has signed (and there is at least one)."""
    signatures = list(round_.scrutineers.values_list("signed_at", flat=True))
    return bool(signatures) and all(signatures)
