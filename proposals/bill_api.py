"""/api/bills: bills (BILL-1..6) and interpellations (RES-2), every action and list of the pages.

Reads are scoped to the caller: staff see everything, a deputy their term's bills and
interpellations, a unit clerk the interpellations of their organ; what the caller may not
see answers 404. Errors are `{"code", "message", "details"}`: 403 not allowed, 404 not
found, 409 not possible in the current state (or too late: BILL-6), 422 invalid input
(`details` names the fields, e.g. `signatures` when fewer than 10 deputies signed).
Lists take `?page=&page_size=` and the filters of the pages.
"""

from __future__ import annotations

import datetime

from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core.apikit import DatongRouter, ErrorOut, Page, acting_user
from core.errors import NotFound
from core.organisation.models import Deputy, Session

from . import bill_permissions as perms
from . import bill_rules as rules
from . import bill_selectors as selectors
from . import bill_services as services
from .bill_models import Bill, Interpellation

router = DatongRouter()

ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- schemas --------------------------------------------------------------------------------------


class SignatureOut(Schema):
    deputy_id: int
    deputy_code: str
    deputy_name: str
    signed_at: datetime.datetime


class BillRowOut(Schema):
    id: int
    session_id: int
    serial: int | None
    filer_kind: str
    lead_deputy_id: int | None
    subject: str
    status: str
    status_label: str
    signature_count: int
    created_at: datetime.datetime
    filed_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else str(obj.get_status_display())


class BillOut(BillRowOut):
    grounds: str
    proposal: str
    signatures_needed: int | None
    signatures: list[SignatureOut]
    referred_to: str
    committee_advice: str
    committee_report: str
    decided_at: datetime.datetime | None
    decision_note: str
    unplaced_handling: str
    suggestion_id: int | None
    withdrawal_requested_at: datetime.datetime | None
    withdrawal_reason: str
    withdrawn_at: datetime.datetime | None
    voted_at: datetime.datetime | None
    for_votes: int | None
    against_votes: int | None
    abstain_votes: int | None
    actions: dict[str, bool]


class BillIn(Schema):
    """BILL-1. `filer_kind` "deputies" (default) starts a draft led by `lead_deputy_id` (a
    deputy: themselves); an organ's kind (staff only) records the bill as filed at once."""

    session_id: int
    subject: str
    grounds: str = ""
    proposal: str = ""
    filer_kind: str = rules.DEPUTIES
    lead_deputy_id: int | None = None


class BillPatch(Schema):
    subject: str | None = None
    grounds: str | None = None
    proposal: str | None = None


class SignIn(Schema):
    """Empty for oneself; staff name the deputy whose paper signature it is."""

    deputy_id: int | None = None


class NoteIn(Schema):
    note: str = ""


class ReferIn(Schema):
    committee: str
    note: str = ""


class AdviceIn(Schema):
    advice: str
    report: str = ""


class DecisionIn(Schema):
    decision: str
    note: str = ""


class WithdrawalRequestIn(Schema):
    reason: str = ""


class WithdrawalDecisionIn(Schema):
    consent: bool
    note: str = ""


class ResultIn(Schema):
    adopted: bool
    for_votes: int | None = None
    against_votes: int | None = None
    abstain_votes: int | None = None
    note: str = ""


class RatingOut(Schema):
    deputy_id: int
    satisfaction: str
    rated_at: datetime.datetime


class RoundOut(Schema):
    id: int
    number: int
    form: str
    meeting: str
    due_on: datetime.date
    case_id: int | None
    replied_at: datetime.datetime | None
    answered_by: str
    place: str
    summary: str
    has_letter: bool
    signers: int
    dissatisfied: int
    further_reply_possible: bool
    demanded_at: datetime.datetime | None
    ratings: list[RatingOut]


class InterpellationRowOut(Schema):
    id: int
    session_id: int
    serial: int | None
    target_id: int
    target_name: str
    lead_deputy_id: int
    question: str
    status: str
    status_label: str
    round: int
    signature_count: int
    created_at: datetime.datetime
    filed_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else str(obj.get_status_display())

    @staticmethod
    def resolve_target_name(obj) -> str:
        return obj["target_name"] if isinstance(obj, dict) else obj.target.name


class InterpellationOut(InterpellationRowOut):
    content: str
    signatures_needed: int
    signatures: list[SignatureOut]
    rounds: list[RoundOut]
    actions: dict[str, bool]


class InterpellationIn(Schema):
    """RES-2: the organ interpellated (`target_id`), the question and its content."""

    session_id: int
    target_id: int
    question: str
    content: str = ""
    lead_deputy_id: int | None = None


class InterpellationPatch(Schema):
    target_id: int | None = None
    question: str | None = None
    content: str | None = None


class ReplyFormIn(Schema):
    """RES-2: `form` oral_presidium | oral_plenary | oral_committee | written; `due_on` the
    meeting day or the written reply's due date; `meeting` for an oral reply."""

    form: str
    due_on: datetime.date
    meeting: str = ""
    note: str = ""


class OralReplyIn(Schema):
    answered_by: str
    given_at: datetime.datetime | None = None
    place: str = ""
    summary: str = ""


class RateIn(Schema):
    """A signer rates for themselves; staff name the deputy (`deputy_id`) of a paper rating."""

    satisfaction: str
    comment: str = ""
    deputy_id: int | None = None


# --- building the answers -------------------------------------------------------------------------


def _signatures(rows) -> list[dict]:
    return [
        {"deputy_id": s.deputy_id, "deputy_code": s.deputy.code, "deputy_name": s.deputy.name,
         "signed_at": s.signed_at}
        for s in rows
    ]


def _bill_row(bill: Bill) -> dict:
    count = getattr(bill, "signature_count", None)
    return {
        "id": bill.pk, "session_id": bill.session_id, "serial": bill.serial, "filer_kind": bill.filer_kind,
        "lead_deputy_id": bill.lead_deputy_id, "subject": bill.subject, "status": bill.status,
        "status_label": str(bill.get_status_display()),
        "signature_count": count if count is not None else bill.signatures.count(),
        "created_at": bill.created_at, "filed_at": bill.filed_at,
    }


def _bill_detail(user, bill_id: int) -> dict:
    bill = selectors.bill_for(user, bill_id)
    count = selectors.bill_signature_count(bill) if bill.is_deputies_bill else None
    return {
        **_bill_row(bill),
        "grounds": bill.grounds, "proposal": bill.proposal,
        "signatures_needed": count.needed if count else None,
        "signatures": _signatures(selectors.bill_signatures(user, bill)),
        "referred_to": bill.referred_to, "committee_advice": bill.committee_advice,
        "committee_report": bill.committee_report, "decided_at": bill.decided_at,
        "decision_note": bill.decision_note, "unplaced_handling": bill.unplaced_handling,
        "suggestion_id": bill.suggestion_id, "withdrawal_requested_at": bill.withdrawal_requested_at,
        "withdrawal_reason": bill.withdrawal_reason, "withdrawn_at": bill.withdrawn_at,
        "voted_at": bill.voted_at, "for_votes": bill.for_votes, "against_votes": bill.against_votes,
        "abstain_votes": bill.abstain_votes, "actions": selectors.bill_actions(user, bill),
    }


def _interpellation_row(item: Interpellation) -> dict:
    count = getattr(item, "signature_count", None)
    return {
        "id": item.pk, "session_id": item.session_id, "serial": item.serial, "target_id": item.target_id,
        "target_name": item.target.name, "lead_deputy_id": item.lead_deputy_id, "question": item.question,
        "status": item.status, "status_label": str(item.get_status_display()), "round": item.round,
        "signature_count": count if count is not None else item.signatures.count(),
        "created_at": item.created_at, "filed_at": item.filed_at,
    }


def _interpellation_detail(user, interpellation_id: int) -> dict:
    item = selectors.interpellation_for(user, interpellation_id)
    rounds = []
    for view in selectors.rounds_of(user, item):
        r = view.round
        rounds.append({
            "id": r.pk, "number": r.number, "form": r.form, "meeting": r.meeting, "due_on": r.due_on,
            "case_id": r.case_id, "replied_at": r.replied_at, "answered_by": r.answered_by, "place": r.place,
            "summary": r.summary, "has_letter": view.letter_available, "signers": view.signers,
            "dissatisfied": view.dissatisfied, "further_reply_possible": view.further_possible,
            "demanded_at": r.demanded_at,
            "ratings": [{"deputy_id": x.deputy_id, "satisfaction": x.satisfaction, "rated_at": x.rated_at}
                        for x in view.ratings],
        })
    return {
        **_interpellation_row(item),
        "content": item.content,
        "signatures_needed": selectors.interpellation_signature_count(item).needed,
        "signatures": _signatures(selectors.interpellation_signatures(user, item)),
        "rounds": rounds,
        "actions": selectors.interpellation_actions(user, item),
    }


def _session(session_id: int) -> Session:
    session = Session.objects.select_related("term__congress").filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


def _deputy(deputy_id: int | None) -> Deputy | None:
    if deputy_id is None:
        return None
    deputy = Deputy.objects.filter(pk=deputy_id).first()
    if deputy is None:
        raise NotFound()
    return deputy


# --- bills ----------------------------------------------------------------------------------------


@router.get("", permission=perms.VIEW, response=list[BillRowOut], url_name="bills-list")
@paginate(Page)
def list_bills(request, session: int | None = None, status: str = "", filer_kind: str = "", q: str = "",
               mine: bool = False):
    """The bills the caller may see, newest first."""
    return selectors.bills_for(acting_user(request), session=session, status=status, filer_kind=filer_kind, q=q,
                               mine=mine)


@router.post("", permission=perms.CREATE, response={201: BillOut, **ERRORS}, url_name="bills-create")
def create_bill(request, payload: BillIn):
    """BILL-1: a deputies' draft (signed by its lead), or an organ's bill filed at once (staff)."""
    user = acting_user(request)
    bill = services.create_bill(
        by=user, session=_session(payload.session_id), subject=payload.subject, grounds=payload.grounds,
        proposal=payload.proposal, filer_kind=payload.filer_kind, lead_deputy=_deputy(payload.lead_deputy_id),
    )
    return Status(201, _bill_detail(user, bill.pk))


@router.get("/{bill_id}", permission=perms.VIEW, response={200: BillOut, **ERRORS}, url_name="bills-detail")
def bill_detail(request, bill_id: int):
    return _bill_detail(acting_user(request), bill_id)


@router.patch("/{bill_id}", permission=perms.EDIT, response={200: BillOut, **ERRORS}, url_name="bills-edit")
def edit_bill(request, bill_id: int, payload: BillPatch):
    """Change a draft's text (fields left out stay as they are)."""
    user = acting_user(request)
    bill = selectors.bill_for(user, bill_id)
    changes = payload.dict(exclude_none=True)
    services.update_bill(by=user, bill=bill, **changes)
    return _bill_detail(user, bill_id)


def _bill_action(request, bill_id: int, call) -> dict:
    user = acting_user(request)
    call(user, selectors.bill_for(user, bill_id))
    return _bill_detail(user, bill_id)


@router.post("/{bill_id}/sign", permission=perms.SIGN, response={200: BillOut, **ERRORS}, url_name="bills-sign")
def sign_bill(request, bill_id: int, payload: SignIn):
    """BILL-1(b): sign a deputies' draft (staff: a paper signature, `deputy_id`)."""
    return _bill_action(request, bill_id, lambda user, bill: services.sign_bill(
        by=user, bill=bill, deputy=_deputy(payload.deputy_id)))


@router.post("/{bill_id}/unsign", permission=perms.UNSIGN, response={200: BillOut, **ERRORS},
             url_name="bills-unsign")
def unsign_bill(request, bill_id: int, payload: SignIn):
    return _bill_action(request, bill_id, lambda user, bill: services.unsign_bill(
        by=user, bill=bill, deputy=_deputy(payload.deputy_id)))


@router.post("/{bill_id}/file", permission=perms.FILE, response={200: BillOut, **ERRORS}, url_name="bills-file")
def file_bill(request, bill_id: int):
    """BILL-1/6: file with at least `bill_min_deputies` signers, during the session and
    before its `bill_deadline` (409 after it)."""
    return _bill_action(request, bill_id, lambda user, bill: services.file_bill(by=user, bill=bill))


@router.post("/{bill_id}/abandon", permission=perms.ABANDON, response={200: BillOut, **ERRORS},
             url_name="bills-abandon")
def abandon_bill(request, bill_id: int, payload: NoteIn):
    return _bill_action(request, bill_id, lambda user, bill: services.abandon_bill(
        by=user, bill=bill, note=payload.note))


@router.post("/{bill_id}/refer", permission=perms.REFER, response={200: BillOut, **ERRORS}, url_name="bills-refer")
def refer_bill(request, bill_id: int, payload: ReferIn):
    """BILL-2/3: the presidium refers the bill to a special committee."""
    return _bill_action(request, bill_id, lambda user, bill: services.refer_bill(
        by=user, bill=bill, committee=payload.committee, note=payload.note))


@router.post("/{bill_id}/advice", permission=perms.ADVISE, response={200: BillOut, **ERRORS},
             url_name="bills-advice")
def advise_bill(request, bill_id: int, payload: AdviceIn):
    """BILL-3: the committee's advice (`place` | `not_place`) and report."""
    return _bill_action(request, bill_id, lambda user, bill: services.record_bill_advice(
        by=user, bill=bill, advice=payload.advice, report=payload.report))


@router.post("/{bill_id}/decision", permission=perms.DECIDE, response={200: BillOut, **ERRORS},
             url_name="bills-decision")
def decide_bill(request, bill_id: int, payload: DecisionIn):
    """BILL-2/3/4: `on_agenda` or (a deputies' bill) `not_on_agenda`; the latter converts
    it to a suggestion or leaves it to the standing committee (`unplaced_bill_handling`)."""
    return _bill_action(request, bill_id, lambda user, bill: services.decide_bill(
        by=user, bill=bill, decision=payload.decision, note=payload.note))


@router.post("/{bill_id}/withdrawal-request", permission=perms.REQUEST_WITHDRAWAL,
             response={200: BillOut, **ERRORS}, url_name="bills-withdrawal-request")
def request_withdrawal(request, bill_id: int, payload: WithdrawalRequestIn):
    """BILL-5: the filers ask to withdraw a bill on the agenda, before the vote."""
    return _bill_action(request, bill_id, lambda user, bill: services.request_bill_withdrawal(
        by=user, bill=bill, reason=payload.reason))


@router.post("/{bill_id}/withdrawal", permission=perms.WITHDRAW, response={200: BillOut, **ERRORS},
             url_name="bills-withdrawal")
def decide_withdrawal(request, bill_id: int, payload: WithdrawalDecisionIn):
    """BILL-5: the presidium's consent (`consent: true` withdraws it) or refusal."""
    return _bill_action(request, bill_id, lambda user, bill: services.decide_bill_withdrawal(
        by=user, bill=bill, consent=payload.consent, note=payload.note))


@router.post("/{bill_id}/result", permission=perms.RECORD_RESULT, response={200: BillOut, **ERRORS},
             url_name="bills-result")
def record_result(request, bill_id: int, payload: ResultIn):
    """The plenary's vote on a bill on the agenda."""
    return _bill_action(request, bill_id, lambda user, bill: services.record_bill_result(
        by=user, bill=bill, adopted=payload.adopted, for_votes=payload.for_votes,
        against_votes=payload.against_votes, abstain_votes=payload.abstain_votes, note=payload.note))


# --- interpellations -------------------------------------------------------------------------------


@router.get("/interpellations", permission=perms.I_VIEW, response=list[InterpellationRowOut],
            url_name="bills-interpellations")
@paginate(Page)
def list_interpellations(request, session: int | None = None, status: str = "", target: int | None = None,
                         q: str = "", mine: bool = False):
    return selectors.interpellations_for(acting_user(request), session=session, status=status, target=target,
                                         q=q, mine=mine)


@router.post("/interpellations", permission=perms.I_CREATE, response={201: InterpellationOut, **ERRORS},
             url_name="bills-interpellation-create")
def create_interpellation(request, payload: InterpellationIn):
    """RES-2: a draft led by a deputy (themselves; staff name `lead_deputy_id`)."""
    user = acting_user(request)
    item = services.create_interpellation(
        by=user, session=_session(payload.session_id), target=payload.target_id, question=payload.question,
        content=payload.content, lead_deputy=_deputy(payload.lead_deputy_id),
    )
    return Status(201, _interpellation_detail(user, item.pk))


@router.get("/interpellations/{interpellation_id}", permission=perms.I_VIEW,
            response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation")
def interpellation_detail(request, interpellation_id: int):
    return _interpellation_detail(acting_user(request), interpellation_id)


@router.patch("/interpellations/{interpellation_id}", permission=perms.I_EDIT,
              response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-edit")
def edit_interpellation(request, interpellation_id: int, payload: InterpellationPatch):
    user = acting_user(request)
    item = selectors.interpellation_for(user, interpellation_id)
    changes = payload.dict(exclude_none=True)
    if "target_id" in changes:
        changes["target"] = changes.pop("target_id")
    services.update_interpellation(by=user, interpellation=item, **changes)
    return _interpellation_detail(user, interpellation_id)


def _interpellation_action(request, interpellation_id: int, call) -> dict:
    user = acting_user(request)
    call(user, selectors.interpellation_for(user, interpellation_id))
    return _interpellation_detail(user, interpellation_id)


@router.post("/interpellations/{interpellation_id}/sign", permission=perms.I_SIGN,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-sign")
def sign_interpellation(request, interpellation_id: int, payload: SignIn):
    return _interpellation_action(request, interpellation_id, lambda user, item: services.sign_interpellation(
        by=user, interpellation=item, deputy=_deputy(payload.deputy_id)))


@router.post("/interpellations/{interpellation_id}/unsign", permission=perms.I_UNSIGN,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-unsign")
def unsign_interpellation(request, interpellation_id: int, payload: SignIn):
    return _interpellation_action(request, interpellation_id, lambda user, item: services.unsign_interpellation(
        by=user, interpellation=item, deputy=_deputy(payload.deputy_id)))


@router.post("/interpellations/{interpellation_id}/file", permission=perms.I_FILE,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-file")
def file_interpellation(request, interpellation_id: int):
    """RES-2: file with at least `interpellation_min_deputies` signers during the session."""
    return _interpellation_action(request, interpellation_id, lambda user, item: services.file_interpellation(
        by=user, interpellation=item))


@router.post("/interpellations/{interpellation_id}/abandon", permission=perms.I_ABANDON,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-abandon")
def abandon_interpellation(request, interpellation_id: int, payload: NoteIn):
    return _interpellation_action(request, interpellation_id, lambda user, item: services.abandon_interpellation(
        by=user, interpellation=item, note=payload.note))


@router.post("/interpellations/{interpellation_id}/decision", permission=perms.I_DECIDE,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-decision")
def decide_reply(request, interpellation_id: int, payload: ReplyFormIn):
    """RES-2: the presidium's decision on the form of the (further) reply."""
    return _interpellation_action(
        request, interpellation_id, lambda user, item: services.decide_interpellation_reply(
            by=user, interpellation=item, form=payload.form, due_on=payload.due_on, meeting=payload.meeting,
            note=payload.note))


@router.post("/interpellations/{interpellation_id}/oral-reply", permission=perms.I_RECORD_REPLY,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-oral-reply")
def oral_reply(request, interpellation_id: int, payload: OralReplyIn):
    """RES-2: record the oral reply given in person by the head of the organ."""
    return _interpellation_action(request, interpellation_id, lambda user, item: services.record_oral_reply(
        by=user, interpellation=item, answered_by=payload.answered_by, given_at=payload.given_at,
        place=payload.place, summary=payload.summary))


@router.post("/interpellations/{interpellation_id}/reply", permission=perms.I_REPLY,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-reply")
def written_reply(request, interpellation_id: int, body: Form[str], signed_by: Form[str] = "",
                  letter: File[UploadedFile] = None):
    """RES-2: the organ's written reply (multipart): `body`, `signed_by` (its head) and the
    signed `letter` (pdf, docx, jpg, png)."""
    return _interpellation_action(request, interpellation_id, lambda user, item: services.reply_to_interpellation(
        by=user, interpellation=item, body=body, letter=letter, signed_by=signed_by))


@router.post("/interpellations/{interpellation_id}/ratings", permission=perms.I_RATE,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-rate")
def rate_reply(request, interpellation_id: int, payload: RateIn):
    """A signer rates the reply (RES-2 counts the dissatisfied)."""
    return _interpellation_action(
        request, interpellation_id, lambda user, item: services.rate_interpellation_reply(
            by=user, interpellation=item, satisfaction=payload.satisfaction, comment=payload.comment,
            deputy=_deputy(payload.deputy_id)))


@router.post("/interpellations/{interpellation_id}/further-reply", permission=perms.I_DEMAND,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-demand")
def demand_further_reply(request, interpellation_id: int, payload: NoteIn):
    """RES-2: demand a further reply (half or more of the signers dissatisfied; 409 otherwise)."""
    return _interpellation_action(request, interpellation_id, lambda user, item: services.demand_further_reply(
        by=user, interpellation=item, note=payload.note))


@router.post("/interpellations/{interpellation_id}/close", permission=perms.I_CLOSE,
             response={200: InterpellationOut, **ERRORS}, url_name="bills-interpellation-close")
def close_interpellation(request, interpellation_id: int, payload: NoteIn):
    return _interpellation_action(request, interpellation_id, lambda user, item: services.close_interpellation(
        by=user, interpellation=item, note=payload.note))
