"""Background work of citizens' messages: training the text models (SEC-10: they only suggest).

Thin: the task re-loads the congress and the user by id and calls the training service.
Retrying is safe: a retry trains and activates a newer version, never half a model (each
purpose is written in one transaction).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.jobs import GiveUp, retrying_task


@retrying_task
def train_voices_models(*, congress_id: int, user_id: int | None = None, purposes: list[str] | None = None,
                        progress_key: str = "") -> list[int]:
    """Train the category and unit models of a congress; returns the new TextModel ids."""
    from core.accounts.models import User
    from core.errors import NotAllowed
    from core.jobs import progress
    from core.organisation.models import Congress
    from core.permissions import has_perm

    from . import permissions
    from .services.training import PURPOSES

    def failed(text: str) -> GiveUp:
        if progress_key:
            progress.fail(progress_key, message=text)
        return GiveUp(text)

    congress = Congress.objects.filter(pk=congress_id).first()
    if congress is None:
        raise failed(f"congress {congress_id} is gone")
    by = None
    if user_id is not None:
        by = User.objects.filter(pk=user_id, is_active=True).first()
        if by is None or not has_perm(by, permissions.TRAIN):
            raise failed(str(NotAllowed.default_message))
    wanted = tuple(purposes or PURPOSES)
    # The bar's texts are stored as written: in the language of whoever pressed "Train" (the
    # worker has no request, so it would otherwise write them in the site's default).
    with translation.override(getattr(by, "language", "") or settings.LANGUAGE_CODE):
        return _train(congress, by, wanted, progress_key)


def _train(congress, by, wanted: tuple[str, ...], progress_key: str) -> list[int]:
    from core.errors import ValidationFailed
    from core.jobs import progress

    from .classify import TrainingProcessDied
    from .models import TextModel
    from .services.training import STALE_TRAINING, train, training_label

    def failed(text: str) -> GiveUp:
        if progress_key:
            progress.fail(progress_key, message=text)
        return GiveUp(text)

    if progress_key:
        record = progress.get(progress_key)
        if record is None or record.status != record.Status.RUNNING:  # queued by hand or by a retry
            progress.start(progress_key, total=len(wanted), label=training_label(), stalled_after=STALE_TRAINING)
        progress.update(progress_key, done=0, total=len(wanted))

    def one_done(purpose: str) -> None:
        if progress_key:
            progress.advance(progress_key, message=_("Trained: %(purpose)s")
                             % {"purpose": TextModel.Purpose(purpose).label})

    try:
        made = train(by=by, congress=congress, purposes=wanted, on_purpose=one_done)
    except ValidationFailed as exc:
        # Not enough history: the bar says why; not a failure of the job (a retry would find
        # no more), so nothing for the administrator's failed-task list.
        if progress_key:
            progress.fail(progress_key, message=" ".join(str(v) for v in exc.details.values()) or str(exc))
        return []
    except TrainingProcessDied as exc:
        # Killed for memory, most often: a retry on the same history would die the same way.
        raise failed(_("The training process ended without a result. If the machine ran short of memory, "
                       "lower VOICES_TRAIN_MAX_MESSAGES.")) from exc
    except Exception as exc:
        if progress_key:
            progress.fail(progress_key, message=str(exc))
        raise
    if progress_key:
        from django.urls import reverse

        message = ngettext("%(count)s model trained", "%(count)s models trained", len(made)) % {"count": len(made)}
        kept = [m for m in made if not m.is_active]
        if kept:
            kept_text = _("not put in use, as it measures worse than the version in use: %(models)s") % {
                "models": pgettext("list separator", ", ").join(f"{TextModel.Purpose(m.purpose).label} v{m.version}" for m in kept)}
            message = _("%(done)s; %(more)s") % {"done": message, "more": kept_text}
        progress.finish(progress_key, result_url=reverse("voices:model-list"), message=message)
    return [m.pk for m in made]


@retrying_task
def mark_likely_duplicates(*, congress_id: int, message_ids: list[int]) -> int:
    """Issue 5, item 4: mark each message just received that looks like an open message
    (voices.duplicates, the same look-up as the message page) with the best such message,
    so the staff list can show it. Runs after the intake's commit, in the worker: the
    look-up is milliseconds a message, too slow for 50 rows of a list page and not wanted
    on the intake's path. Returns how many were marked. Retrying is safe (it only sets the
    mark again); a message already routed, merged or not accepted is left alone."""
    from . import duplicates
    from .models import Message

    marked = 0
    received = Message.objects.filter(pk__in=message_ids, congress_id=congress_id,
                                      status=Message.Status.RECEIVED).only("pk", "congress_id", "subject", "body")
    for message in received.iterator(chunk_size=500):
        hits = duplicates.similar(message, limit=1)
        if hits:
            marked += Message.objects.filter(pk=message.pk).update(likely_duplicate_of_id=hits[0][0])
    return marked
