"""Reads for the text models' page and API (voices.train: staff, administrator): each
purpose's versions with their cross-validated figures, how the active one does per class
(worst first: what staff should watch when they confirm suggestions), how many routings it
has not learnt from yet, and the congress's training in progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.jobs import progress
from core.organisation.models import HandlingUnit
from core.permissions import require

from . import permissions
from .models import Message, MessageCategory, TextModel
from .services import training

#: Versions listed per purpose (older ones stay in the table and the audit trail).
VERSIONS_SHOWN = 20


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


@dataclass(frozen=True)
class ClassFigures:
    label: str
    name: str
    precision: float
    recall: float
    f1: float
    support: int

    @property
    def percents(self) -> tuple:
        return _percent(self.precision), _percent(self.recall), _percent(self.f1)


@dataclass(frozen=True)
class ModelVersion:
    id: int
    version: int
    is_active: bool
    trained_at: object
    trained_by: str
    n_train: int
    accuracy: float | None
    macro_f1: float | None
    folds: int | None

    @property
    def accuracy_percent(self) -> float | None:
        return _percent(self.accuracy)

    @property
    def macro_f1_percent(self) -> float | None:
        return _percent(self.macro_f1)


@dataclass(frozen=True)
class PurposeModels:
    purpose: str
    label: str
    versions: list[ModelVersion]
    active: ModelVersion | None
    per_class: list[ClassFigures] = field(default_factory=list)


@dataclass(frozen=True)
class ModelsOverview:
    purposes: list[PurposeModels]
    new_since_active: int
    retrain_after: int
    training_key: str
    training: object  # the ProgressRecord of the last training, or None


def new_since_active(congress) -> int:
    """Messages routed by staff and received after the newest one the active category model
    learnt from (a range of the primary key: cheap at any size)."""
    active = (TextModel.objects.filter(congress=congress, purpose=TextModel.Purpose.CATEGORY, is_active=True)
              .values_list("info", "trained_at").first())
    last = 0
    if active is not None:
        last = active[0].get("last_message_id")
        if last is None:  # a model trained before the id was recorded: the last message received by then
            last = (Message.objects.filter(congress=congress, received_at__lte=active[1])
                    .order_by("-received_at", "-pk").values_list("pk", flat=True).first() or 0)
    return Message.objects.filter(congress=congress, pk__gt=last, routed_by__isnull=False).count()


def _names(congress, purpose: str) -> dict[str, str]:
    if purpose == TextModel.Purpose.UNIT:
        return {str(pk): name for pk, name in HandlingUnit.objects.filter(congress=congress).values_list("pk", "name")}
    return dict(MessageCategory.objects.filter(congress=congress).values_list("code", "name"))


def _version(model: TextModel) -> ModelVersion:
    by = model.trained_by
    return ModelVersion(
        id=model.pk, version=model.version, is_active=model.is_active, trained_at=model.trained_at,
        trained_by=(by.get_full_name() or by.get_username()) if by else "",
        n_train=model.n_train, accuracy=model.metrics.get("accuracy"), macro_f1=model.metrics.get("macro_f1"),
        folds=model.metrics.get("folds"),
    )


def models_overview(user, congress) -> ModelsOverview:
    """What the models page shows (voices.train)."""
    from django.conf import settings

    require(user, permissions.TRAIN)
    purposes = []
    for purpose in training.PURPOSES:
        rows = list(
            TextModel.objects.filter(congress=congress, purpose=purpose).defer("blob")
            .select_related("trained_by").order_by("-version")[:VERSIONS_SHOWN]
        )
        active_row = next((m for m in rows if m.is_active), None)
        if active_row is None:
            active_row = (TextModel.objects.filter(congress=congress, purpose=purpose, is_active=True)
                          .defer("blob").select_related("trained_by").first())
        per_class = []
        if active_row is not None:
            names = _names(congress, purpose)
            per_class = sorted(
                (ClassFigures(label, names.get(label, label), f["precision"], f["recall"], f["f1"], f["support"])
                 for label, f in (active_row.metrics.get("per_class") or {}).items()),
                key=lambda c: (c.f1, c.name),
            )
        purposes.append(PurposeModels(
            purpose=purpose, label=str(TextModel.Purpose(purpose).label),
            versions=[_version(m) for m in rows], active=_version(active_row) if active_row else None,
            per_class=per_class,
        ))
    key = training.training_key(congress)
    return ModelsOverview(
        purposes=purposes, new_since_active=new_since_active(congress),
        retrain_after=settings.VOICES_RETRAIN_AFTER, training_key=key, training=progress.get(key),
    )
