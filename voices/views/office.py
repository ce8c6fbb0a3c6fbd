"""The congress office's pages: a phone call entered while on the line, the triage list
(filter, sort, pages, xlsx) and a message's page with its actions: confirm the suggested
routing (SEC-10, MSG-7), do not accept (MSG-5), merge duplicates, record the call-back
(MSG-4) and show the personal data (SEC-8, logged)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import rules as case_rules
from core.documents import write_xlsx, xlsx_response
from core.organisation.rules import effective_parameters
from core.permissions import has_perm, requires

from .. import forms, selectors, services
from ..models import Channel, Message
from ..scrub import mask_numbers
from . import common
from . import permissions_used as codes

# --- phone entry -------------------------------------------------------------------------------


@requires(codes.ENTER_CALL)
def phone_entry(request: HttpRequest) -> HttpResponse:
    """The same fields as the citizen's form, entered by staff on the phone (channel phone)."""
    congress = common.congress()
    form = forms.PhoneEntryForm(common.posted(request), congress=congress)
    ok, message = common.attempt(request, form, lambda data: services.receive_message(
        by=request.user, congress=congress, channel=Channel.PHONE, **form.service_kwargs(),
    ))
    if ok:
        return common.done(
            request,
            _("The call was entered. Tell the caller the tracking number %(number)s.")
            % {"number": common.display_number(message.tracking_number)},
            common.detail_url(message),
        )
    return render(request, "voices/phone_entry.html", {
        "form": form, "notice_version": forms.NOTICE_VERSION,
    }, status=common.status_for(request, form))


@requires(codes.PERSONAL_DATA)
def caller_messages(request: HttpRequest) -> HttpResponse:
    """SEC-8: the messages sent from one phone number, through the service that logs the
    search. A POST form, so the number never sits in a URL, the browser's history or a log."""
    form = forms.CallerSearchForm(common.posted(request))
    ok, found = common.attempt(request, form, lambda data: services.find_caller_messages(
        by=request.user, phone=data["phone"], purpose=data["purpose"],
    ))
    return render(request, "voices/caller_messages.html", {
        "form": form, "searched": ok, "found": found or [], "limit": selectors.CALLER_MAX,
    }, status=common.status_for(request, form))


@requires(codes.PERSONAL_DATA)
@require_POST
def message_caller(request: HttpRequest, message_id: int) -> HttpResponse:
    """SEC-8: the other messages from the phone number of the message being read, found
    without showing the number; logged like any phone search. Without a purpose, the
    message's page again with the form's error."""
    message = selectors.message_for(request.user, message_id)
    form = forms.CallerPurposeForm(request.POST)
    ok, found = common.attempt(request, form, lambda data: services.find_caller_messages(
        by=request.user, message=message, purpose=data["purpose"],
    ))
    if not ok:
        return _page(request, message, status=common.INVALID, caller_form=form)
    return render(request, "voices/caller_messages.html", {
        "form": forms.CallerSearchForm(), "searched": True, "found": found, "limit": selectors.CALLER_MAX,
        "from_message": message,
    })


# --- the triage list ---------------------------------------------------------------------------


#: The most rows one xlsx export holds (the list's order; the page says so).
EXPORT_MAX = 100_000
#: Rows read from the database at a time while the export is written.
EXPORT_CHUNK = 2_000


def _filter_form(request: HttpRequest) -> forms.MessageFilterForm:
    return forms.MessageFilterForm(request.GET, congress=common.congress())


@requires(codes.TRIAGE)
def message_list(request: HttpRequest) -> HttpResponse:
    """Every message, newest first by default; filter by status, category, district, regime
    and lateness, search, sort; "Next" pages by cursor and a count that never counts
    millions (selectors.message_page, count_messages); the same rows as xlsx."""
    form = _filter_form(request)
    return common.render_list(request, "voices/message_list.html", {
        "filter_form": form, "query": common.query_without_page(request), "export_note": export_cap_text(),
        "can_enter_call": has_perm(request.user, codes.ENTER_CALL),
        "can_find_caller": has_perm(request.user, codes.PERSONAL_DATA),
        # Issue 5, item 4: a message not yet triaged that looks like an open one says so.
        "show_duplicates": True,
        **common.message_list_context(request, request.user, **form.filters()),
    })


def export_headers() -> list[str]:
    return [
        _("Tracking number"), _("Received"), _("Channel"), _("Regime"), _("Kind"), _("Subject"), _("Category"),
        _("District"), _("Status"), _("Urgent"), _("Suggested category"), _("Suggested unit"),
        _("Anonymous"), _("Identity confidential"),
    ]


def export_rows(rows):
    """The list's rows as shown: never a name or a phone (SEC-8), not even one typed into the
    subject (masked as the list masks it: SEC-7, SEC-8)."""
    yes, no = _("Yes"), _("No")
    for m in rows:
        yield [
            m.tracking_number,
            timezone.localtime(m.received_at).replace(tzinfo=None),
            m.get_channel_display(),
            m.get_regime_display(),
            m.get_nature_display(),
            mask_numbers(m.subject),
            m.category.name if m.category_id else "",
            m.district.name if m.district_id else "",
            m.get_status_display(),
            yes if m.is_urgent else no,
            m.suggested_category.name if m.suggested_category_id else "",
            m.suggested_unit.name if m.suggested_unit_id else "",
            yes if m.is_anonymous else no,
            yes if m.is_confidential else no,
        ]


@requires(codes.TRIAGE)
def message_export(request: HttpRequest) -> HttpResponse:
    """The same filtered rows as the list, every page, as xlsx: read in chunks, at most
    EXPORT_MAX rows (a note sheet says so when the list holds more)."""
    rows = selectors.messages_for(request.user, **_filter_form(request).filters()).select_related(
        "suggested_category", "suggested_unit")
    more = []

    def limited():
        for index, message in enumerate(rows[:EXPORT_MAX + 1].iterator(chunk_size=EXPORT_CHUNK)):
            if index == EXPORT_MAX:
                more.append(True)
                return
            yield message

    def notes():
        # Read after the rows are written: a note only when the cap cut the list.
        if more:
            yield _("Note"), [_("Note")], [[export_cap_text()]]

    content = write_xlsx(export_headers(), export_rows(limited()), title=_("Messages"), extra_sheets=notes())
    return xlsx_response(content, _("messages") + ".xlsx")


def export_cap_text() -> str:
    return _("An export holds at most %(max)s messages; narrow the filters to export the rest.") % {
        "max": number_format(EXPORT_MAX, force_grouping=True)}


# --- a message's page --------------------------------------------------------------------------


def _route_initial(message: Message) -> dict:
    category = message.category or message.suggested_category
    unit = message.suggested_unit or (category.unit if category is not None else None)
    return {"category": category, "unit": unit, "is_urgent": message.is_urgent or message.suggested_urgent}


def _grounds(message: Message) -> list[str]:
    return list(effective_parameters(message.congress).get("msg_nonacceptance_grounds") or [])


def _duplicates(message: Message) -> list[tuple[Message, float]]:
    if message.status != Message.Status.RECEIVED or message.case.merged_into_id:
        return []
    return selectors.likely_duplicates(message)


def _context(request: HttpRequest, message: Message, **forms_given) -> dict:
    user = request.user
    received = message.status == Message.Status.RECEIVED and not message.case.merged_into_id
    can_triage = has_perm(user, codes.TRIAGE, message)
    duplicates = _duplicates(message) if can_triage else []
    replied = message.case.status in (case_rules.REPLIED, case_rules.CLOSED) and message.status == Message.Status.ACCEPTED
    congress = message.congress
    selectors.with_states(user, [message])  # the handling state, as the lists show it
    context = {
        "message": message,
        "contact": common.masked_contact(user, message),
        "withheld": common.identity_withheld(user, message),
        "revealed": forms_given.get("revealed"),
        # SEC-7, SEC-8: the numbers typed into the subject and text, masked until a logged reveal.
        "message_text": common.message_text(user, message, revealed=forms_given.get("revealed") is not None),
        "suggestions": common.suggestions_of(message) if can_triage else [],
        "can_triage": can_triage and received,
        # The 12345 platform's work order number (imported or sent by its API): staff's
        # reference to that system, not the sender's nor the units' to see.
        "work_order_number": message.external_id if can_triage else "",
        "can_reveal": has_perm(user, codes.PERSONAL_DATA, message),
        "can_find_caller": bool(message.phone_index) and has_perm(user, codes.PERSONAL_DATA, message),
        "can_callback": has_perm(user, codes.CALLBACK, message) and replied,
        "duplicates": duplicates,
        "assignments": list(message.case.assignments.select_related("unit").order_by("round", "pk")),
        "replies": selectors.replies_for(user, message),
        "callbacks": list(message.callbacks.all()),
        "can_take_up": selectors.may_take_up(user, message),
        "taken_up_suggestion": selectors.taken_up_suggestion(user, message),
        "not_accepted_label": common.label_of(forms.NONACCEPTANCE_LABELS.items(), message.not_accepted_reason),
    }
    if context["can_triage"]:
        context["route_form"] = forms_given.get("route_form") or forms.RouteForm(
            initial=_route_initial(message), congress=congress)
        context["not_accept_form"] = forms_given.get("not_accept_form") or forms.NotAcceptForm(
            grounds=_grounds(message))
        if duplicates:
            context["merge_form"] = forms_given.get("merge_form") or forms.MergeForm(
                candidates=[m for m, _score in duplicates])
    if context["can_callback"]:
        context["callback_form"] = forms_given.get("callback_form") or forms.CallBackForm()
    if context["can_reveal"]:
        context["reveal_form"] = forms_given.get("reveal_form") or forms.RevealForm()
    if context["can_find_caller"]:
        context["caller_form"] = forms_given.get("caller_form") or forms.CallerPurposeForm()
    for assignment in context["assignments"]:
        assignment.can_reply = (
            case_rules.assignment_open(assignment.status, message.case.status)
            and has_perm(user, codes.REPLY, assignment)
        )
        assignment.to_lead = assignment.role == case_rules.ASSISTING
    return context


def _page(request: HttpRequest, message: Message, status: int = 200, **forms_given) -> HttpResponse:
    return render(request, "voices/message_detail.html", _context(request, message, **forms_given), status=status)


@requires(codes.VIEW)
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    """A message as the user may see it: contact data masked (or withheld from units and
    deputies when confidential, anonymous or an accusation), the models' suggestions with
    their reasons for staff, and the actions the user may take."""
    message = selectors.message_for(request.user, message_id)
    return _page(request, message)


def _act(request: HttpRequest, message_id: int, form_class, form_key: str, action, success, form_kwargs=None):
    message = selectors.message_for(request.user, message_id)
    form = form_class(request.POST, **(form_kwargs(message) if form_kwargs else {}))
    ok, _result = common.attempt(request, form, lambda data: action(message, data))
    if ok:
        return common.done(request, success, common.detail_url(message))
    return _page(request, message, status=common.INVALID, **{form_key: form})


@requires(codes.TRIAGE)
@require_POST
def message_route(request: HttpRequest, message_id: int) -> HttpResponse:
    """SEC-10: the person confirms or corrects the suggested routing; MSG-7: never to the
    unit the report is about (the service refuses it and says why)."""
    return _act(
        request, message_id, forms.RouteForm, "route_form",
        lambda message, data: services.route_message(
            by=request.user, message=message, category=data["category"], unit=data["unit"],
            assisting_units=list(data["assisting_units"]), is_urgent=data["is_urgent"], note=data["note"],
        ),
        _("The message was accepted and sent to the handling unit."),
        form_kwargs=lambda message: {"congress": message.congress},
    )


@requires(codes.TRIAGE)
@require_POST
def message_not_accept(request: HttpRequest, message_id: int) -> HttpResponse:
    """MSG-5: not accepted, with the ground and directions for the citizen."""
    return _act(
        request, message_id, forms.NotAcceptForm, "not_accept_form",
        lambda message, data: services.not_accept(
            by=request.user, message=message, reason=data["reason"], note=data["note"],
        ),
        _("The message was not accepted; the citizen can read why."),
        form_kwargs=lambda message: {"grounds": _grounds(message)},
    )


@requires(codes.TRIAGE)
@require_POST
def message_merge(request: HttpRequest, message_id: int) -> HttpResponse:
    """Merge the chosen likely duplicates into this message; every sender is still owed
    the reply."""
    return _act(
        request, message_id, forms.MergeForm, "merge_form",
        lambda message, data: services.merge_messages(
            by=request.user, target=message, sources=list(data["sources"]), note=data["note"],
        ),
        _("The messages were merged into this one."),
        form_kwargs=lambda message: {"candidates": [m for m, _score in _duplicates(message)]},
    )


@requires(codes.CALLBACK)
@require_POST
def message_callback(request: HttpRequest, message_id: int) -> HttpResponse:
    """MSG-4: the satisfaction call-back; dissatisfied sends it back to the unit."""
    return _act(
        request, message_id, forms.CallBackForm, "callback_form",
        lambda message, data: services.record_callback(
            by=request.user, message=message, outcome=data["outcome"], comment=data["comment"],
        ),
        _("The call-back was recorded."),
    )


@requires(codes.PERSONAL_DATA)
@require_POST
def message_reveal(request: HttpRequest, message_id: int) -> HttpResponse:
    """SEC-8: the personal data in clear, through the service that logs the view (and writes
    it to the audit log), with the message's subject and text unmasked. Shown on this
    response only (htmx swaps the contact panel, and the subject and text out of band), never
    kept in the page's URL."""
    message = selectors.message_for(request.user, message_id)
    form = forms.RevealForm(request.POST)
    purpose = form.cleaned_data["purpose"] if form.is_valid() else ""
    revealed = services.reveal_personal_data(by=request.user, message=message, purpose=purpose)
    context = _context(request, message, revealed=revealed)
    template = "voices/message_detail.html"
    if not getattr(request, "htmx", False):
        return render(request, template, context)
    parts = [render_to_string(f"{template}#contact", context, request)]
    parts += [render_to_string(f"{template}#{name}", {**context, "oob": True}, request)
              for name in ("message-subject", "message-text")]
    return HttpResponse("\n".join(parts))
