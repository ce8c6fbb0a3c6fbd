"""Training the congress's text models from its confirmed history (SEC-10: they only suggest)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules as case_rules
from casework.desk_selectors import ALL, assignment_rows
from core.audit.services import record
from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.jobs import progress
from core.permissions import require

from .. import classify, permissions, rules
from ..casekind import NAME as KIND
from ..models import Message, TextModel

log = logging.getLogger(__name__)

PURPOSES = (TextModel.Purpose.CATEGORY, TextModel.Purpose.UNIT)


@dataclass(frozen=True)
class _Reader:
    """Reads the routings for training through casework's selectors, as staff would (the
    training task and the command run without a signed-in user)."""

    role: str = "staff"
    is_authenticated: bool = True
    is_active: bool = True
    pk: None = None
    handling_unit_id: None = None


@dataclass(frozen=True)
class History:
    """Training rows: texts, their labels, and the newest message id among them."""

    texts: list[str]
    labels: list[str]
    last_message_id: int


def _newest(rows) -> list[tuple]:
    """The newest `VOICES_TRAIN_MAX_MESSAGES` rows, oldest first: a city's whole history (millions
    of messages) would not fit in the worker's memory, and recent routings say most about how
    the city routes today."""
    found = list(rows.order_by("-pk")[: max(1, settings.VOICES_TRAIN_MAX_MESSAGES)])
    found.reverse()
    return found


def category_history(congress) -> History:
    """Texts and category codes of messages whose category staff confirmed by routing them."""
    rows = _newest(
        Message.objects.filter(congress=congress, status=Message.Status.ACCEPTED, routed_by__isnull=False,
                               category__isnull=False)
        .values_list("pk", "subject", "body", "category__code")
    )
    return History([classify.text_of(s, b) for _p, s, b, _c in rows], [c for _p, _s, _b, c in rows],
                   rows[-1][0] if rows else 0)


def unit_history(congress) -> History:
    """Texts and the lead unit (first round) of messages staff routed."""
    rows = _newest(
        Message.objects.filter(congress=congress, routed_by__isnull=False, case__isnull=False)
        .values_list("pk", "subject", "body", "case_id")
    )
    lead: dict[int, int] = {}
    case_ids = [case_id for *_rest, case_id in rows]
    for start in range(0, len(case_ids), _CHUNK):
        lead.update(
            assignment_rows(_Reader(), kind=KIND, state=ALL)
            .filter(role=case_rules.LEAD, round=1, case_id__in=case_ids[start : start + _CHUNK])
            .order_by().values_list("case_id", "unit_id")
        )
    rows = [row for row in rows if row[3] in lead]
    return History([classify.text_of(s, b) for _p, s, b, _c in rows], [str(lead[c]) for _p, _s, _b, c in rows],
                   rows[-1][0] if rows else 0)


#: Case ids per query when reading the lead units (SQLite's limit on a query's parameters).
_CHUNK = 500

_HISTORY = {TextModel.Purpose.CATEGORY: category_history, TextModel.Purpose.UNIT: unit_history}


def _check_purposes(purposes) -> None:
    unknown = [p for p in purposes if p not in _HISTORY]
    if unknown:
        raise ValidationFailed(details={"purposes": _("These models are not trained from history: %(names)s.")
                                        % {"names": ", ".join(unknown)}})


def training_label() -> str:
    """The name of a training's progress bar (the service starts it, the task restarts it)."""
    return _("Training of the message models")


def train(*, by, congress, purposes=PURPOSES, on_purpose=None) -> list[TextModel]:
    """Train a new version per purpose and put it in use unless it measures worse than the
    version in use (`rules.new_version_in_use`; no permission check: the service, the
    task and the command check theirs). Purposes without enough history are skipped; raises
    ValidationFailed when none could be trained. `on_purpose(purpose)` is called after each
    purpose (the task's progress bar)."""
    _check_purposes(purposes)
    made, skipped = [], {}
    with classify.fitter(apart=settings.VOICES_TRAIN_IN_CHILD) as fit:
        for purpose in purposes:
            model = _train_one(by, congress, purpose, fit)
            if model is None:
                skipped[purpose] = _("Not enough confirmed messages: at least two categories with two messages each.")
            else:
                made.append(model)
            if on_purpose:
                on_purpose(purpose)
    if not made:
        raise ValidationFailed(details={str(k): str(v) for k, v in skipped.items()})
    classify.forget_models()
    return made


def _train_one(by, congress, purpose: str, fit) -> TextModel | None:
    """Fit, store and activate a new version of one purpose's model (None: too little history)."""
    history = _HISTORY[purpose](congress)
    keep, enough = classify.trainable(history.labels)
    if not enough:
        return None
    texts, labels = [history.texts[i] for i in keep], [history.labels[i] for i in keep]
    blob, metrics, info = fit(texts, labels)
    info["last_message_id"] = history.last_message_id
    actor = by if getattr(by, "pk", None) else None
    with transaction.atomic():
        last = TextModel.objects.select_for_update().filter(congress=congress, purpose=purpose)
        version = (last.aggregate(v=Max("version"))["v"] or 0) + 1
        active = last.filter(is_active=True).first()
        in_use = active is None or rules.new_version_in_use(
            metrics.get("macro_f1"), (active.metrics or {}).get("macro_f1"), worse_by=settings.VOICES_MODEL_WORSE_BY)
        if in_use and active is not None:
            last.filter(is_active=True).update(is_active=False)
        model = TextModel.objects.create(
            congress=congress, purpose=purpose, version=version, is_active=in_use, trained_at=timezone.now(),
            trained_by=actor, n_train=len(texts), metrics=metrics, info=info, blob=blob,
        )
        record(actor=actor, action="voices.train", target=model, data={
            "purpose": purpose, "version": version, "n_train": len(texts),
            "accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"], "in_use": in_use,
            "kept_version": None if in_use else active.version,
        })
    return model


def train_models(*, by, congress, purposes=PURPOSES) -> list[TextModel]:
    """Train the category and unit models from the congress's confirmed history, with
    cross-validated metrics stored, and activate the new versions (voices.train)."""
    require(by, permissions.TRAIN)
    return train(by=by, congress=congress, purposes=tuple(purposes))


# --- training in the background, and going back to an earlier version ---------------------------

#: A training whose bar has not moved for this long is taken for a worker that died.
STALE_TRAINING = timedelta(hours=2)


def training_key(congress) -> str:
    """The progress key of a congress's training: one at a time, and every staff member sees it."""
    return f"voices-train-{congress.pk}"


def training_running(congress) -> bool:
    record = progress.get(training_key(congress))
    return bool(record and record.status == record.Status.RUNNING
                and record.updated_at >= timezone.now() - STALE_TRAINING)


def start_training(*, by, congress, purposes=PURPOSES, reason: str = "") -> str:
    """Queue a training of the congress's models for the worker (voices.train); returns the
    key of its progress bar. Refused while one is running (both would train the same rows)."""
    if by is not None:
        require(by, permissions.TRAIN)
    _check_purposes(purposes)
    if training_running(congress):
        raise InvalidTransition(_("A training of the message models is already running."))
    from ..tasks import train_voices_models

    key = training_key(congress)
    # No owner: every member of staff sees the bar of the congress's one training.
    # A training moves once per model: quiet for long, not dead (the stall rule, core.jobs.rules).
    progress.start(key, total=len(purposes), label=training_label(), message=reason, stalled_after=STALE_TRAINING)
    user_id = by.pk if getattr(by, "pk", None) else None
    transaction.on_commit(lambda: train_voices_models.enqueue(
        congress_id=congress.pk, user_id=user_id, purposes=list(purposes), progress_key=key,
    ))
    return key


@transaction.atomic
def activate_model(*, by, congress, model_id: int) -> TextModel:
    """Make an earlier (or the newest) version of a model the one that suggests: a newer version
    that routes worse is undone without retraining (SEC-10: it only ever suggests)."""
    require(by, permissions.TRAIN)
    model = TextModel.objects.filter(congress=congress, pk=model_id).defer("blob").first()
    if model is None:
        raise NotFound()
    rows = TextModel.objects.select_for_update().filter(congress=congress, purpose=model.purpose)
    before = rows.filter(is_active=True).values_list("version", flat=True).first()
    if before == model.version:
        return model
    rows.filter(is_active=True).update(is_active=False)
    TextModel.objects.filter(pk=model.pk).update(is_active=True)
    model.is_active = True
    record(actor=by, action="voices.activate_model", target=model, data={
        "purpose": model.purpose, "version": model.version, "previous_version": before,
    })
    transaction.on_commit(classify.forget_models)
    return model


def retrain_due() -> list[str]:
    """Periodic (nightly): queue a training for each congress with `VOICES_RETRAIN_AFTER` new
    routings since its active models, so routing learns from what staff confirm without anyone
    pressing a button. Returns the progress keys queued."""
    from core.organisation.models import Congress

    from ..model_selectors import new_since_active

    after = settings.VOICES_RETRAIN_AFTER
    if after <= 0:
        return []
    queued = []
    for congress in Congress.objects.order_by("pk"):
        new = new_since_active(congress)
        if new >= after and not training_running(congress):
            with transaction.atomic():
                queued.append(start_training(
                    by=None, congress=congress,
                    reason=_("%(count)s messages routed since the last training.") % {"count": new},
                ))
    return queued
