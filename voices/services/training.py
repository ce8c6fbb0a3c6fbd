"""Training the congress's text models from its confirmed history (SEC-10: they only suggest)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules as case_rules
from casework.desk_selectors import ALL, assignment_rows
from core.audit.services import record
from core.errors import ValidationFailed
from core.permissions import require

from .. import classify, permissions
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


def category_history(congress) -> tuple[list[str], list[str]]:
    """Texts and category codes of messages whose category staff confirmed by routing them."""
    rows = (
        Message.objects.filter(congress=congress, status=Message.Status.ACCEPTED, routed_by__isnull=False,
                               category__isnull=False)
        .order_by("pk").values_list("subject", "body", "category__code")
    )
    return [classify.text_of(s, b) for s, b, _c in rows], [c for _s, _b, c in rows]


def unit_history(congress) -> tuple[list[str], list[str]]:
    """Texts and the lead unit (first round) of messages staff routed."""
    lead = dict(
        assignment_rows(_Reader(), kind=KIND, state=ALL)
        .filter(role=case_rules.LEAD, round=1, case__congress=congress)
        .order_by().values_list("case_id", "unit_id")
    )
    rows = (
        Message.objects.filter(congress=congress, routed_by__isnull=False, case_id__in=list(lead))
        .order_by("pk").values_list("subject", "body", "case_id")
    )
    return [classify.text_of(s, b) for s, b, _c in rows], [str(lead[c]) for _s, _b, c in rows]


_HISTORY = {TextModel.Purpose.CATEGORY: category_history, TextModel.Purpose.UNIT: unit_history}


def train(*, by, congress, purposes=PURPOSES) -> list[TextModel]:
    """Train and activate a new version per purpose (no permission check: the service, the
    task and the command check theirs). Purposes without enough history are skipped; raises
    ValidationFailed when none could be trained."""
    unknown = [p for p in purposes if p not in _HISTORY]
    if unknown:
        raise ValidationFailed(details={"purposes": _("These models are not trained from history: %(names)s.")
                                        % {"names": ", ".join(unknown)}})
    made, skipped = [], {}
    for purpose in purposes:
        texts, labels = _HISTORY[purpose](congress)
        keep, enough = classify.trainable(labels)
        if not enough:
            skipped[purpose] = _("Not enough confirmed messages: at least two categories with two messages each.")
            continue
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
        blob, metrics, info = classify.fit(texts, labels)
        with transaction.atomic():
            last = TextModel.objects.select_for_update().filter(congress=congress, purpose=purpose)
            version = (last.aggregate(v=Max("version"))["v"] or 0) + 1
            last.filter(is_active=True).update(is_active=False)
            model = TextModel.objects.create(
                congress=congress, purpose=purpose, version=version, is_active=True, trained_at=timezone.now(),
                trained_by=by if getattr(by, "pk", None) else None, n_train=len(texts), metrics=metrics,
                info=info, blob=blob,
            )
            record(actor=by if getattr(by, "pk", None) else None, action="voices.train", target=model, data={
                "purpose": purpose, "version": version, "n_train": len(texts),
                "accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"],
            })
        made.append(model)
    if not made:
        raise ValidationFailed(details={str(k): str(v) for k, v in skipped.items()})
    classify.forget_models()
    return made


def train_models(*, by, congress, purposes=PURPOSES) -> list[TextModel]:
    """Train the category and unit models from the congress's confirmed history, with
    cross-validated metrics stored, and activate the new versions (voices.train)."""
    require(by, permissions.TRAIN)
    return train(by=by, congress=congress, purposes=tuple(purposes))
