"""The text models' page (voices.train: staff, administrator): the versions of the category
and unit models with their cross-validated figures, a training started in the background
with its progress bar, and going back to an earlier version (SEC-10: they only suggest)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import InvalidTransition, ValidationFailed
from core.permissions import requires

from .. import model_selectors, services
from ..permissions import TRAIN
from . import common


@requires(TRAIN)
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    overview = model_selectors.models_overview(request.user, common.congress())
    return render(request, "voices/models.html", {"overview": overview})


@requires(TRAIN)
@require_POST
def model_train(request: HttpRequest) -> HttpResponse:
    """Queue a training; the page then shows its bar. One at a time: a second press says so."""
    try:
        services.start_training(by=request.user, congress=common.congress())
    except (InvalidTransition, ValidationFailed) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The training was started. It runs in the background: this page shows how far "
                                    "it has come."))
    return redirect("voices:model-list")


@requires(TRAIN)
@require_POST
def model_activate(request: HttpRequest, model_id: int) -> HttpResponse:
    model = services.activate_model(by=request.user, congress=common.congress(), model_id=model_id)
    messages.success(request, _("Version %(version)s of the %(purpose)s model now makes the suggestions.")
                     % {"version": model.version, "purpose": model.get_purpose_display()})
    return redirect("voices:model-list")
