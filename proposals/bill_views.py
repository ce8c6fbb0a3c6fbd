"""Pages for bills (BILL-1..6) and interpellations (RES-2), mounted at /proposals/bills/.

Each view declares its permission, parses its form, calls one service or selector and
renders. Every action has a page of its own (GET shows it, POST does it), so a refusal is
shown on that page with the status of the refusal (422 bad input, 409 wrong state or too
late) and nothing is written; permission refusals stay 403 and objects the user may not
see 404.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.accounts.roles import Role
from core.errors import DatongError, NotAllowed, NotFound, ValidationFailed
from core.permissions import has_perm, require, requires, role_of
from core.web.selectors import current_congress

from . import bill_forms as forms
from . import bill_permissions as perms
from . import bill_rules as rules
from . import bill_selectors as selectors
from . import bill_services as services
from .permissions import deputy_of

PAGE_SIZE = 25
ACTION_TEMPLATE = "proposals/bills/action.html"


# --- small helpers ---------------------------------------------------------------------------------


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _is_staff(request: HttpRequest) -> bool:
    return role_of(request.user) == Role.STAFF


def _put_errors(form, exc: DatongError) -> None:
    """A service's refusal on the form: bad input on its fields (or on the form), any other
    refusal (wrong state, too late) as its message."""
    if not isinstance(exc, ValidationFailed) or not exc.details:
        form.add_error(None, str(exc.message))
        return
    for field, reason in exc.details.items():
        name = str(field).split(".")[0]
        form.add_error(name if name in form.fields else None, str(reason))


def _run(request: HttpRequest, form, action: Callable[[dict], Any], *, success: str,
         done: Callable[[Any], str] | str, context: dict[str, Any], template: str = ACTION_TEMPLATE) -> HttpResponse:
    """GET: the page; POST: the service, then the redirect, or the page again with the refusal."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = action(form.cleaned_data)
            except (NotAllowed, NotFound):
                raise
            except DatongError as exc:
                _put_errors(form, exc)
                status = exc.status if exc.status in (409, 422) else 422
            else:
                messages.success(request, success)
                return redirect(done(result) if callable(done) else done)
        else:
            status = 422
    return render(request, template, {"form": form, **context}, status=status)


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#results"
    return render(request, template, context)


def _bill_url(bill) -> str:
    return reverse("bills:bill-detail", args=[bill.pk])


def _interpellation_url(item) -> str:
    return reverse("bills:interpellation-detail", args=[item.pk])


def _bill(request: HttpRequest, bill_id: int, code: str):
    """The bill, if the user may see it (else 404) and may do `code` on it (else 403)."""
    bill = selectors.bill_for(request.user, bill_id)
    require(request.user, code, bill)
    return bill


def _interpellation(request: HttpRequest, interpellation_id: int, code: str):
    item = selectors.interpellation_for(request.user, interpellation_id)
    require(request.user, code, item)
    return item


class _Empty(django_forms.Form):
    """A confirmation with nothing to fill in."""


# --- bills: list, page, drafting ---------------------------------------------------------------------


@requires(perms.VIEW)
def bill_list(request: HttpRequest) -> HttpResponse:
    """The bills the user may see: every bill for staff; a deputy's term's bills."""
    form = forms.BillFilterForm(request.GET)
    page = _page(request, selectors.bills_for(request.user, **form.filters()))
    query = request.GET.copy()
    query.pop("page", None)
    return _list(request, "proposals/bills/bill_list.html", {
        "filter_form": form, "page": page, "query": query.urlencode(),
        "can_create": has_perm(request.user, perms.CREATE),
    })


@requires(perms.VIEW)
def bill_detail(request: HttpRequest, bill_id: int) -> HttpResponse:
    user = request.user
    bill = selectors.bill_for(user, bill_id)
    return render(request, "proposals/bills/bill_detail.html", {
        "bill": bill,
        "signatures": selectors.bill_signatures(user, bill),
        "count": selectors.bill_signature_count(bill) if bill.is_deputies_bill else None,
        "deadline": selectors.bill_deadline(bill.session),
        "actions": selectors.bill_actions(user, bill),
        "is_staff": role_of(user) == Role.STAFF,
        "audit_query": f"target_type=proposals.bill&target_id={bill.pk}",
    })


@requires(perms.CREATE)
def bill_create(request: HttpRequest) -> HttpResponse:
    staff = _is_staff(request)
    form = forms.BillForm(_posted(request), sessions=selectors.sessions_for_filing(request.user),
                          deputies=selectors.lead_deputy_choices(request.user), staff=staff)

    def action(data):
        return services.create_bill(
            by=request.user, session=data["session"], subject=data["subject"], grounds=data["grounds"],
            proposal=data["proposal"], filer_kind=data.get("filer_kind") or rules.DEPUTIES,
            lead_deputy=data.get("lead_deputy"),
        )

    return _run(request, form, action, success=_("The bill was saved."), done=_bill_url,
                template="proposals/bills/bill_form.html",
                context={"title": _("New bill"), "back": reverse("bills:bill-list"), "staff": staff})


@requires(perms.EDIT)
def bill_edit(request: HttpRequest, bill_id: int) -> HttpResponse:
    bill = _bill(request, bill_id, perms.EDIT)
    form = forms.BillForm(_posted(request), editing=True, initial={
        "subject": bill.subject, "grounds": bill.grounds, "proposal": bill.proposal})

    def action(data):
        return services.update_bill(by=request.user, bill=bill, subject=data["subject"], grounds=data["grounds"],
                                    proposal=data["proposal"])

    return _run(request, form, action, success=_("The draft was saved."), done=_bill_url(bill),
                template="proposals/bills/bill_form.html",
                context={"title": _("Edit the draft bill"), "back": _bill_url(bill), "bill": bill})


def _sign_page(request, item, *, code_service, deputies, title, intro, button, success, back, staff_texts=None):
    """A deputy's own signature, or (staff, `staff_texts`: title, intro, button) a deputy's
    paper signature recorded by staff, who sign nothing themselves."""
    staff = _is_staff(request)
    form = forms.SignForm(_posted(request), deputies=deputies) if staff else _Empty(_posted(request))
    if staff and staff_texts is not None:
        title, intro, button = staff_texts

    def action(data):
        return code_service(by=request.user, deputy=data.get("deputy"))

    return _run(request, form, action, success=success, done=back,
                context={"title": title, "intro": intro, "button": button, "back": back, "item": item})


@requires(perms.SIGN)
def bill_sign(request: HttpRequest, bill_id: int) -> HttpResponse:
    """BILL-1(b): a deputy signs (staff enter a paper signature)."""
    bill = _bill(request, bill_id, perms.SIGN)
    return _sign_page(
        request, bill, code_service=lambda **kw: services.sign_bill(bill=bill, **kw),
        deputies=selectors.deputies_to_sign(bill), title=_("Sign the bill"),
        intro=_("Your signature joins this deputies' bill."), button=_("Sign"),
        success=_("The signature was recorded."), back=_bill_url(bill),
        staff_texts=(_("Enter a paper signature"),
                     _("Record the signature of a deputy who signed this deputies' bill on paper."),
                     _("Record the signature")),
    )


@requires(perms.UNSIGN)
def bill_unsign(request: HttpRequest, bill_id: int) -> HttpResponse:
    bill = _bill(request, bill_id, perms.UNSIGN)
    return _sign_page(
        request, bill, code_service=lambda **kw: services.unsign_bill(bill=bill, **kw),
        deputies=selectors.signers_to_remove(bill), title=_("Take back a signature"),
        intro=_("The signature is removed before the bill is filed."), button=_("Take back the signature"),
        success=_("The signature was taken back."), back=_bill_url(bill),
    )


def _confirm(request, *, service, title, intro, button, success, back, note_field: bool = True, danger=False):
    form = forms.NoteForm(_posted(request)) if note_field else _Empty(_posted(request))
    return _run(request, form, service, success=success, done=back,
                context={"title": title, "intro": intro, "button": button, "back": back, "danger": danger})


@requires(perms.FILE)
def bill_file(request: HttpRequest, bill_id: int) -> HttpResponse:
    """BILL-1/BILL-6: file the draft with the congress."""
    bill = _bill(request, bill_id, perms.FILE)
    count = selectors.bill_signature_count(bill)
    return _confirm(
        request, service=lambda data: services.file_bill(by=request.user, bill=bill),
        title=_("File the bill"),
        intro=_("%(count)s signatures of deputies in office; at least %(needed)s are needed. Once filed, "
                "the text and the signatures are fixed.") % {"count": count.count, "needed": count.needed},
        button=_("File the bill"), success=_("The bill was filed."), back=_bill_url(bill), note_field=False,
    )


@requires(perms.ABANDON)
def bill_abandon(request: HttpRequest, bill_id: int) -> HttpResponse:
    bill = _bill(request, bill_id, perms.ABANDON)
    return _confirm(
        request, service=lambda data: services.abandon_bill(by=request.user, bill=bill, note=data["note"]),
        title=_("Drop the draft bill"), intro=_("The draft will not be filed; the signers are told."),
        button=_("Drop the draft"), success=_("The draft was dropped."), back=_bill_url(bill), danger=True,
    )


# --- bills: the presidium's decisions ------------------------------------------------------------------


@requires(perms.REFER)
def bill_refer(request: HttpRequest, bill_id: int) -> HttpResponse:
    """BILL-2/3: refer to a special committee."""
    bill = _bill(request, bill_id, perms.REFER)
    form = forms.ReferForm(_posted(request))
    return _run(
        request, form,
        lambda data: services.refer_bill(by=request.user, bill=bill, committee=data["committee"], note=data["note"]),
        success=_("The referral was recorded."), done=_bill_url(bill),
        context={"title": _("Refer to a special committee"), "button": _("Record the referral"),
                 "back": _bill_url(bill), "item": bill},
    )


@requires(perms.ADVISE)
def bill_advise(request: HttpRequest, bill_id: int) -> HttpResponse:
    bill = _bill(request, bill_id, perms.ADVISE)
    form = forms.AdviceForm(_posted(request))
    return _run(
        request, form,
        lambda data: services.record_bill_advice(by=request.user, bill=bill, advice=data["advice"],
                                                 report=data["report"]),
        success=_("The committee's advice was recorded."), done=_bill_url(bill),
        context={"title": _("The special committee's advice"), "button": _("Record the advice"),
                 "back": _bill_url(bill), "item": bill},
    )


@requires(perms.DECIDE)
def bill_decide(request: HttpRequest, bill_id: int) -> HttpResponse:
    """BILL-2/3/4: the presidium's decision, entered by staff."""
    bill = _bill(request, bill_id, perms.DECIDE)
    form = forms.DecisionForm(_posted(request), bill=bill)
    intro = None
    if bill.is_deputies_bill:
        intro = _("A deputies' bill not placed on the agenda is handled between sessions as this congress has "
                  "set (BILL-4).")
    return _run(
        request, form,
        lambda data: services.decide_bill(by=request.user, bill=bill, decision=data["decision"], note=data["note"]),
        success=_("The presidium's decision was recorded."), done=_bill_url(bill),
        context={"title": _("The presidium's decision"), "intro": intro, "button": _("Record the decision"),
                 "back": _bill_url(bill), "item": bill},
    )


@requires(perms.REQUEST_WITHDRAWAL)
def bill_request_withdrawal(request: HttpRequest, bill_id: int) -> HttpResponse:
    """BILL-5: the filers ask to withdraw the bill before the vote."""
    bill = _bill(request, bill_id, perms.REQUEST_WITHDRAWAL)
    form = forms.WithdrawalRequestForm(_posted(request))
    return _run(
        request, form,
        lambda data: services.request_bill_withdrawal(by=request.user, bill=bill, reason=data["reason"]),
        success=_("The request was recorded: the presidium decides."), done=_bill_url(bill),
        context={"title": _("Ask to withdraw the bill"),
                 "intro": _("A bill on the agenda may be withdrawn before the vote with the presidium's consent."),
                 "button": _("Ask to withdraw"), "back": _bill_url(bill), "item": bill},
    )


@requires(perms.WITHDRAW)
def bill_withdraw(request: HttpRequest, bill_id: int) -> HttpResponse:
    """BILL-5: the presidium's consent, or not."""
    bill = _bill(request, bill_id, perms.WITHDRAW)
    form = forms.WithdrawalDecisionForm(_posted(request))
    return _run(
        request, form,
        lambda data: services.decide_bill_withdrawal(by=request.user, bill=bill, consent=data["consent"],
                                                     note=data["note"]),
        success=_("The presidium's decision was recorded."), done=_bill_url(bill),
        context={"title": _("The presidium's decision on the withdrawal"), "button": _("Record the decision"),
                 "back": _bill_url(bill), "item": bill},
    )


@requires(perms.RECORD_RESULT)
def bill_result(request: HttpRequest, bill_id: int) -> HttpResponse:
    bill = _bill(request, bill_id, perms.RECORD_RESULT)
    form = forms.ResultForm(_posted(request))
    return _run(
        request, form,
        lambda data: services.record_bill_result(
            by=request.user, bill=bill, adopted=data["adopted"], for_votes=data["for_votes"],
            against_votes=data["against_votes"], abstain_votes=data["abstain_votes"], note=data["note"]),
        success=_("The result of the vote was recorded."), done=_bill_url(bill),
        context={"title": _("The plenary's vote"), "button": _("Record the result"), "back": _bill_url(bill),
                 "item": bill},
    )


# --- interpellations --------------------------------------------------------------------------------


@requires(perms.I_VIEW)
def interpellation_list(request: HttpRequest) -> HttpResponse:
    form = forms.InterpellationFilterForm(request.GET)
    page = _page(request, selectors.interpellations_for(request.user, **form.filters()))
    query = request.GET.copy()
    query.pop("page", None)
    return _list(request, "proposals/bills/interpellation_list.html", {
        "filter_form": form, "page": page, "query": query.urlencode(),
        "can_create": has_perm(request.user, perms.I_CREATE),
    })


@requires(perms.I_VIEW)
def interpellation_detail(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    user = request.user
    item = selectors.interpellation_for(user, interpellation_id)
    return render(request, "proposals/bills/interpellation_detail.html", {
        "item": item,
        "signatures": selectors.interpellation_signatures(user, item),
        "count": selectors.interpellation_signature_count(item),
        "rounds": selectors.rounds_of(user, item),
        "assignment": selectors.pending_assignment(item),
        "actions": selectors.interpellation_actions(user, item),
        "is_staff": role_of(user) == Role.STAFF,
        "audit_query": f"target_type=proposals.interpellation&target_id={item.pk}",
    })


def _targets(request):
    congress = None
    deputy = deputy_of(request.user)
    if deputy is not None:
        congress = deputy.term.congress
    return selectors.target_choices(congress or current_congress())


@requires(perms.I_CREATE)
def interpellation_create(request: HttpRequest) -> HttpResponse:
    staff = _is_staff(request)
    form = forms.InterpellationForm(
        _posted(request), sessions=selectors.sessions_for_filing(request.user),
        deputies=selectors.lead_deputy_choices(request.user), targets=_targets(request), staff=staff,
    )

    def action(data):
        return services.create_interpellation(
            by=request.user, session=data["session"], target=data["target"], question=data["question"],
            content=data["content"], lead_deputy=data.get("lead_deputy"),
        )

    return _run(request, form, action, success=_("The interpellation was saved."), done=_interpellation_url,
                template="proposals/bills/interpellation_form.html",
                context={"title": _("New interpellation"), "back": reverse("bills:interpellation-list")})


@requires(perms.I_EDIT)
def interpellation_edit(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_EDIT)
    form = forms.InterpellationForm(_posted(request), targets=_targets(request), editing=True, initial={
        "target": item.target_id, "question": item.question, "content": item.content})

    def action(data):
        return services.update_interpellation(by=request.user, interpellation=item, target=data["target"],
                                              question=data["question"], content=data["content"])

    return _run(request, form, action, success=_("The draft was saved."), done=_interpellation_url(item),
                template="proposals/bills/interpellation_form.html",
                context={"title": _("Edit the draft interpellation"), "back": _interpellation_url(item)})


@requires(perms.I_SIGN)
def interpellation_sign(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_SIGN)
    return _sign_page(
        request, item, code_service=lambda **kw: services.sign_interpellation(interpellation=item, **kw),
        deputies=selectors.deputies_to_sign(item), title=_("Sign the interpellation"),
        intro=_("Your signature joins this interpellation."), button=_("Sign"),
        success=_("The signature was recorded."), back=_interpellation_url(item),
        staff_texts=(_("Enter a paper signature"),
                     _("Record the signature of a deputy who signed this interpellation on paper."),
                     _("Record the signature")),
    )


@requires(perms.I_UNSIGN)
def interpellation_unsign(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_UNSIGN)
    return _sign_page(
        request, item, code_service=lambda **kw: services.unsign_interpellation(interpellation=item, **kw),
        deputies=selectors.signers_to_remove(item), title=_("Take back a signature"),
        intro=_("The signature is removed before the interpellation is filed."),
        button=_("Take back the signature"), success=_("The signature was taken back."),
        back=_interpellation_url(item),
    )


@requires(perms.I_FILE)
def interpellation_file(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_FILE)
    count = selectors.interpellation_signature_count(item)
    return _confirm(
        request, service=lambda data: services.file_interpellation(by=request.user, interpellation=item),
        title=_("File the interpellation"),
        intro=_("%(count)s signatures of deputies in office; at least %(needed)s are needed.")
        % {"count": count.count, "needed": count.needed},
        button=_("File the interpellation"), success=_("The interpellation was filed."),
        back=_interpellation_url(item), note_field=False,
    )


@requires(perms.I_ABANDON)
def interpellation_abandon(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_ABANDON)
    return _confirm(
        request,
        service=lambda data: services.abandon_interpellation(by=request.user, interpellation=item, note=data["note"]),
        title=_("Drop the draft interpellation"), intro=_("The draft will not be filed; the signers are told."),
        button=_("Drop the draft"), success=_("The draft was dropped."), back=_interpellation_url(item), danger=True,
    )


@requires(perms.I_DECIDE)
def interpellation_decide(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    """RES-2: the presidium decides the form of the reply (again for a further reply)."""
    item = _interpellation(request, interpellation_id, perms.I_DECIDE)
    form = forms.ReplyFormDecisionForm(_posted(request))
    return _run(
        request, form,
        lambda data: services.decide_interpellation_reply(
            by=request.user, interpellation=item, form=data["form"], due_on=data["due_on"], meeting=data["meeting"],
            note=data["note"]),
        success=_("The presidium's decision was recorded."), done=_interpellation_url(item),
        context={"title": _("The form of the reply"),
                 "intro": _("An oral reply is given by the head of the organ in person; a written reply is signed "
                            "by the head and circulated (RES-2)."),
                 "button": _("Record the decision"), "back": _interpellation_url(item), "item": item},
    )


@requires(perms.I_RECORD_REPLY)
def interpellation_oral_reply(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_RECORD_REPLY)
    form = forms.OralReplyForm(_posted(request))
    return _run(
        request, form,
        lambda data: services.record_oral_reply(
            by=request.user, interpellation=item, answered_by=data["answered_by"], given_at=data["given_at"],
            place=data["place"], summary=data["summary"]),
        success=_("The oral reply was recorded."), done=_interpellation_url(item),
        context={"title": _("Record the oral reply"), "button": _("Record the reply"),
                 "back": _interpellation_url(item), "item": item},
    )


@requires(perms.I_REPLY)
def interpellation_reply(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    """RES-2: the organ's clerk submits the written reply signed by its head."""
    item = selectors.interpellation_for(request.user, interpellation_id)
    assignment = selectors.pending_assignment(item)
    if assignment is not None:
        require(request.user, perms.I_REPLY, assignment)  # the clerk of the organ interpellated
    form = forms.WrittenReplyForm(_posted(request), request.FILES if request.method == "POST" else None)
    return _run(
        request, form,
        lambda data: services.reply_to_interpellation(
            by=request.user, interpellation=item, body=data["body"], letter=data["letter"],
            signed_by=data["signed_by"]),
        success=_("The reply was sent."), done=_interpellation_url(item),
        context={"title": _("Reply in writing"), "button": _("Send the reply"), "back": _interpellation_url(item),
                 "item": item, "assignment": assignment,
                 "due_on": selectors.reply_due(selectors.current_round(item))},
    )


@requires(perms.I_RATE)
def interpellation_rate(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_RATE)
    staff = _is_staff(request)
    from core.organisation.models import Deputy

    signers = Deputy.objects.filter(pk__in=item.signatures.values("deputy_id")).order_by("code", "pk")
    form = forms.RatingForm(_posted(request), scale=selectors.satisfaction_scale(item), signers=signers, staff=staff)
    return _run(
        request, form,
        lambda data: services.rate_interpellation_reply(
            by=request.user, interpellation=item, satisfaction=data["satisfaction"], comment=data["comment"],
            deputy=data.get("deputy")),
        success=_("The rating was recorded."), done=_interpellation_url(item),
        context={"title": _("Rate the reply"), "button": _("Record the rating"), "back": _interpellation_url(item),
                 "item": item},
    )


@requires(perms.I_DEMAND)
def interpellation_demand(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    """RES-2: half or more of the signers dissatisfied: demand a further reply."""
    item = _interpellation(request, interpellation_id, perms.I_DEMAND)
    return _confirm(
        request,
        service=lambda data: services.demand_further_reply(by=request.user, interpellation=item, note=data["note"]),
        title=_("Demand a further reply"),
        intro=_("When half or more of the deputies who filed it are dissatisfied, they may demand that the organ "
                "reply again."),
        button=_("Demand a further reply"), success=_("The demand was recorded."), back=_interpellation_url(item),
    )


@requires(perms.I_CLOSE)
def interpellation_close(request: HttpRequest, interpellation_id: int) -> HttpResponse:
    item = _interpellation(request, interpellation_id, perms.I_CLOSE)
    return _confirm(
        request,
        service=lambda data: services.close_interpellation(by=request.user, interpellation=item, note=data["note"]),
        title=_("Close the interpellation"), intro=_("No further reply follows; the signers and the organ are told."),
        button=_("Close"), success=_("The interpellation was closed."), back=_interpellation_url(item),
    )


@requires(perms.I_VIEW)
def interpellation_letter(request: HttpRequest, round_id: int) -> FileResponse:
    """The written reply's signed letter, as a download."""
    round_ = selectors.round_for_letter(request.user, round_id)
    letter = round_.reply.letter
    if not letter:
        raise Http404()
    name = round_.reply.letter_name or letter.name.rsplit("/", 1)[-1]
    try:
        handle = letter.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
