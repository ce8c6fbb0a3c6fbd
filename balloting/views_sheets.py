"""The steps every page that counts paper sheets shares (ELEC-11, ELEC-12, SEC-2): entering
a sheet (double entry), the sheets read differently side by side, settling one, and where a
refused count leads (to the discrepancies while sheets are still to settle). The
motion's and project's pages (views_paper) and an election's (elections.views.counting)
call these with their own round, form class and addresses, then render their own page,
which extends the shared template (balloting/paper_entry.html, paper_discrepancies.html,
paper_resolve.html).

The caller has checked the permission and found the round the user counts. Counts are
never shown before the count: the entry form shows one's own reading only, and a sheet's
two readings appear side by side only once both are in and they differ. Every change goes
through one balloting service, which checks the permission again, writes the audit entry
and keeps the state machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DatongError, InvalidTransition, NotAllowed
from core.web.refusals import attempt, error_messages

from . import forms, selectors, services
from .models import Round

#: The status of a page whose form was refused.
INVALID = 422


@dataclass
class Step:
    """What a step's page did: where to go once it is done (`done`), or what to show, with
    the status (422 when the form was refused)."""

    context: dict = field(default_factory=dict)
    status: int = 200
    done: HttpResponse | None = None


def _sheet_form(request: HttpRequest, form_class, round_: Round, options, initial: Callable[[], dict]):
    """The step's form over the round's lines: bound to what was posted, or showing
    `initial()` (read only then)."""
    lines = {"options": options, "write_in_lines": forms.write_in_lines(round_)}
    if request.method == "POST":
        return form_class(request.POST, **lines)
    return form_class(initial=initial(), **lines)


def _entry_initial(request: HttpRequest, form_class, options, mine) -> dict:
    """The sheet the scrutineer asked for (?sheet=), else the one after their last, with
    their own reading of it if they entered it already."""
    requested = request.GET.get("sheet", "")
    if requested.isdigit() and int(requested) > 0:
        number = int(requested)
    else:
        last = mine.order_by("-sheet_number").values_list("sheet_number", flat=True).first()
        number = (last or 0) + 1
    initial = {"sheet_number": number}
    own = mine.filter(sheet_number=number).first()
    if own is not None:
        initial.update(form_class.initial_for(options, own.marks, own.write_ins))
    return initial


def enter_sheet(
    request: HttpRequest, round_: Round, form_class: type[forms.SheetForm], *, entry_url: str
) -> Step:
    """A scrutineer enters one numbered sheet at a time: a mark per line (blank by default)
    and any names written in; then on to the next number. Entering a sheet again corrects
    one's own reading until it is resolved; the other scrutineer's reading is never shown.
    Context: `form` and `my_sheets` (the numbers of the sheets one entered)."""
    options = selectors.ballot_options(round_)
    mine = selectors.my_entries(request.user, round_)
    form = _sheet_form(
        request, form_class, round_, options, lambda: _entry_initial(request, form_class, options, mine)
    )

    def enter():
        services.enter_paper_ballot(
            by=request.user,
            round=round_,
            sheet_number=form.cleaned_data["sheet_number"],
            marks=form.marks(),
            write_ins=form.write_ins(),
        )

    if form.is_bound and form.is_valid() and attempt(form, enter):
        number = form.cleaned_data["sheet_number"]
        messages.success(request, _("Sheet %(number)s entered.") % {"number": number})
        return Step(done=redirect(f"{entry_url}?sheet={number + 1}"))
    my_sheets = list(mine.order_by("sheet_number").values_list("sheet_number", flat=True))
    return Step({"form": form, "my_sheets": my_sheets}, INVALID if form.is_bound else 200)


def readings(options, state) -> list[dict]:
    """The lines of a sheet's two readings side by side, marking where they differ."""
    labels = dict(forms.SHEET_MARKS)
    first, second = state.readings
    rows = [
        {
            "label": option.label,
            "first": labels.get(first["marks"].get(option.key, forms.BLANK), first["marks"].get(option.key)),
            "second": labels.get(
                second["marks"].get(option.key, forms.BLANK), second["marks"].get(option.key)
            ),
            "differs": option.key in state.differences,
        }
        for option in options
    ]
    if first["write_ins"] or second["write_ins"]:
        rows.append(
            {
                "label": _("Written in"),
                "first": "、".join(first["write_ins"]) or "–",
                "second": "、".join(second["write_ins"]) or "–",
                "differs": "write_ins" in state.differences,
            }
        )
    return rows


def sheets_overview(user, round_: Round, resolve: tuple[str, int] | None) -> dict:
    """Every sheet entered so far: agreed, entered once only, or read differently (both
    readings side by side) and resolved or not; the count waits for all of them.
    `resolve`: the URL name and first argument of the page that settles a sheet (the sheet
    number is the second), None when no sheet may be settled now.
    Context: `differing`, `once`, `agreed`, `open_count`."""
    options = selectors.ballot_options(round_)
    states = selectors.sheet_states(user, round_)
    return {
        "differing": [
            {
                "state": s,
                "rows": readings(options, s),
                "resolve_url": reverse(resolve[0], args=[resolve[1], s.sheet_number]) if resolve else None,
            }
            for s in states
            if s.state in ("discrepant", "resolved")
        ],
        "once": [s.sheet_number for s in states if s.state == "once"],
        "agreed": sum(1 for s in states if s.state == "agreed"),
        "open_count": sum(1 for s in states if s.state in ("once", "discrepant")),
    }


def _resolution(form: forms.ResolveForm) -> dict:
    """The resolution a valid ResolveForm asks for: one of the two readings (by its slot),
    or the reading agreed with the sheet in hand; with the note."""
    use = form.cleaned_data["use"]
    if use == form.AGREED:
        return {"note": form.cleaned_data["note"], "marks": form.marks(), "write_ins": form.write_ins()}
    return {"note": form.cleaned_data["note"], "use_entry": int(use)}


def resolve_sheet(
    request: HttpRequest,
    round_: Round,
    sheet_number: int,
    form_class: type[forms.ResolveForm],
    *,
    done_url: str,
) -> Step:
    """Settle a sheet read differently: the first or second reading, or the reading agreed
    with the sheet in hand; 404 for a sheet with nothing to settle. Context: `state`, `rows`
    (the two readings) and `form`."""
    options = selectors.ballot_options(round_)
    state = next(
        (
            s
            for s in selectors.sheet_states(request.user, round_)
            if s.sheet_number == sheet_number and s.state in ("discrepant", "resolved")
        ),
        None,
    )
    if state is None:
        raise Http404(_("This sheet has no discrepancy to resolve."))
    first = state.readings[0]
    form = _sheet_form(
        request,
        form_class,
        round_,
        options,
        lambda: form_class.initial_for(options, first["marks"], first["write_ins"]),
    )

    def resolve():
        services.resolve_discrepancy(
            by=request.user, round=round_, sheet_number=sheet_number, **_resolution(form)
        )

    if form.is_bound and form.is_valid() and attempt(form, resolve):
        messages.success(request, _("Sheet %(number)s is resolved.") % {"number": sheet_number})
        return Step(done=redirect(done_url))
    return Step(
        {"state": state, "rows": readings(options, state), "form": form}, INVALID if form.is_bound else 200
    )


def count_refused(
    request: HttpRequest,
    count: Callable[[], object],
    *,
    discrepancies_url: str,
    back_url: str,
    show: Callable[[HttpRequest, DatongError], None] = error_messages,
) -> HttpResponse | None:
    """Take the count (`count()`, the owning domain's service): None once counted. A refusal
    is shown as error messages (`show`) and leads to the discrepancies when sheets are still
    entered once only or read differently, otherwise back; a refusal of permission is raised."""
    try:
        count()
    except NotAllowed:
        raise
    except DatongError as exc:
        show(request, exc)
        if isinstance(exc, InvalidTransition) and exc.code == "discrepancies":
            return redirect(discrepancies_url)
        return redirect(back_url)
    return None
