"""The task page (/tasks/) and the progress bar: check permission, call one selector or
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import InvalidTransition, NotAllowed, NotFound
from core.permissions import requires

from . import selectors, services
from .permissions import PROGRESS, RETRY, VIEW

#: Each tab of the task page: its name, the heading of the list it shows, and what the list
#: says when it is empty.
STATE_TEXTS = {
    "open": (gettext_lazy("Needing attention"), gettext_lazy("Tasks needing attention"), gettext_lazy("No task needs attention.")),
    "failed": (gettext_lazy("Failed"), gettext_lazy("Failed tasks"), gettext_lazy("No failed tasks.")),
    "retrying": (gettext_lazy("Retrying"), gettext_lazy("Tasks being retried"), gettext_lazy("No task is being retried.")),
    "resolved": (gettext_lazy("Resolved"), gettext_lazy("Resolved tasks"), gettext_lazy("No resolved tasks.")),
    "all": (gettext_lazy("Every attempt"), gettext_lazy("Every recorded attempt"), gettext_lazy("No task has failed.")),
}


@requires(VIEW)
@require_GET
def index(request):
    """Open (failed and retrying) tasks, or those of one state; the periodic jobs."""
    state = request.GET.get("state", "open")
    if state not in selectors.STATES:
        state = "open"
    failures = selectors.failures_for(request.user, state=state)
    page = Paginator(failures, 50).get_page(request.GET.get("page"))
    counts = selectors.state_counts(request.user)
    tabs = [
        {"code": code, "label": STATE_TEXTS[code][0], "count": counts.get(code, 0), "current": code == state}
        for code in selectors.STATES
    ]
    _tab, heading, empty = STATE_TEXTS[state]
    return render(
        request,
        "jobs/index.html",
        {
            "state": state,
            "tabs": tabs,
            "heading": heading,
            "empty": empty,
            "page": page,
            "periodic_jobs": selectors.periodic_runs_for(request.user),
        },
    )


@requires(VIEW)
@require_GET
def failure_detail(request, pk: int):
    failure = selectors.failure_for(request.user, failure_id=pk)
    if failure is None:
        raise Http404
    return render(
        request, "jobs/failure_detail.html", {"failure": failure, "attempts": selectors.chain_of(failure)}
    )


@requires(RETRY)
@require_POST
def failure_retry(request, pk: int):
    try:
        services.retry_failure(failure_id=pk, by=request.user)
    except NotFound as exc:
        raise Http404 from exc
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The task will run again in a moment."))
    return redirect("jobs:index")


@requires(PROGRESS)
@require_GET
def progress(request, key: str):
    """The progress bar: a partial for htmx polling, a self-refreshing page otherwise. A job
    silent for longer than its limit is marked stopped unexpectedly as it is polled
    (the stall rule): the bar says so and stops polling."""
    record = selectors.progress_for(request.user, key=key) and services.check_stalled(key=key)
    if record is None:
        raise Http404
    template = "jobs/progress.html#progress-bar" if request.htmx else "jobs/progress.html"
    return render(request, template, {"record": record})
