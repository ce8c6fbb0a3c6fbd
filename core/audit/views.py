"""The audit pages: the log for staff and administrators, the chain check for administrators."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.permissions import has_perm, requires

from . import selectors
from .forms import AuditFilterForm
from .permissions import VERIFY, VIEW
from .verify import verify_chain

PAGE_SIZE = 50


@requires(VIEW)
def entry_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(user=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "action_codes": selectors.action_codes(user=request.user),
            "can_verify": has_perm(request.user, VERIFY),
        },
    )


@requires(VIEW)
def entry_detail(request, entry_id: int):
    entry = selectors.audit_entry(user=request.user, entry_id=entry_id)
    if entry is None:
        raise Http404
    return render(request, "audit/entry_detail.html", {"entry": entry})


@requires(VERIFY)
@require_http_methods(["GET", "POST"])
def chain_verify(request):
    """GET shows the button; POST checks the whole chain (read-only, but heavy: never on GET)."""
    report = verify_chain() if request.method == "POST" else None
    template = "audit/chain_verify.html"
    if request.htmx and report is not None:
        template += "#verify-result"
    return render(request, template, {"report": report})
