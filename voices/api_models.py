"""/api/voices/models: the text models (voices.train: staff, administrator). Each purpose's
versions with their cross-validated figures, a training queued for the worker (follow it at
/api/tasks/progress/{key}), and going back to an earlier version. Errors as in voices.api."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from core.apikit import DatongRouter, ErrorOut, acting_user

from . import model_selectors, services
from .permissions import TRAIN
from .views import common

router = DatongRouter()


class ClassFiguresOut(Schema):
    label: str
    name: str
    precision: float
    recall: float
    f1: float
    support: int


class ModelVersionOut(Schema):
    id: int
    version: int
    is_active: bool
    trained_at: datetime
    trained_by: str
    n_train: int
    accuracy: float | None
    macro_f1: float | None
    folds: int | None


class PurposeModelsOut(Schema):
    purpose: str
    label: str
    versions: list[ModelVersionOut]
    active: ModelVersionOut | None
    per_class: list[ClassFiguresOut]


class ModelsOut(Schema):
    purposes: list[PurposeModelsOut]
    #: Messages routed since the active category model was trained.
    new_since_active: int
    #: Retrained at night once this many new messages have been routed (0: never by itself).
    retrain_after: int
    training_key: str
    training_status: str | None


class TrainingOut(Schema):
    progress_key: str
    progress_url: str


def _overview(user) -> dict:
    found = model_selectors.models_overview(user, common.congress())
    return {
        "purposes": found.purposes, "new_since_active": found.new_since_active,
        "retrain_after": found.retrain_after, "training_key": found.training_key,
        "training_status": found.training.status if found.training else None,
    }


@router.get("", permission=TRAIN, response={200: ModelsOut, 403: ErrorOut})
def list_models(request):
    """Each purpose's newest versions, the active one's figures per class, weakest first."""
    return _overview(acting_user(request))


@router.post("/train", permission=TRAIN, response={202: TrainingOut, 403: ErrorOut, 409: ErrorOut})
def train(request):
    """Queue a training of the category and unit models; 409 while one is running."""
    key = services.start_training(by=acting_user(request), congress=common.congress())
    return Status(202, {"progress_key": key, "progress_url": f"/api/tasks/progress/{key}"})


@router.post("/{model_id}/activate", permission=TRAIN, response={200: ModelsOut, 403: ErrorOut, 404: ErrorOut})
def activate(request, model_id: int):
    """Make this version the one that suggests (the other versions of its purpose stop)."""
    user = acting_user(request)
    services.activate_model(by=user, congress=common.congress(), model_id=model_id)
    return _overview(user)
