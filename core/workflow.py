"""The one state-change function that every domain uses (docs/actions/README.md).

`transition()` does, in one transaction: re-load and lock the object → check the permission
→ check the current state is one the action starts from → write the changed fields →
record the audit entry (before/after of those fields) → put notifications in the inboxes
(e-mail and SMS leave only after commit). If any step raises, nothing of it remains.

`perform()` is the same frame for a change that is not a move between states (creating a
row, a change spread over several rows): the caller's `apply` callback does the writing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core import permissions
from core.audit.services import record
from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.notify.services import notify as send_notifications

M = TypeVar("M", bound=models.Model)


def transition(
    *,
    by,
    action: str,
    obj: M,
    to: Any = None,
    allowed_from: Iterable[Any] | None = None,
    field: str = "status",
    changes: dict[str, Any] | None = None,
    permission_obj: Any = None,
    notify: Iterable = (),
    title="",
    body="",
    url: str = "",
    params: dict | None = None,
    data: dict | None = None,
    email: bool = True,
) -> M:
    """Move `obj` to state `to` (and/or write `changes`) as `by`, audited and notified.

    - `action` is the action code: it names the permission (`permissions.require(by, action,
      permission_obj or obj)`) and the audit entry.
    - `allowed_from`: the states (values of `field`) the action may start from; None allows any.
    - `to`: the new value of `field`; None leaves it alone (then `changes` is the whole write).
    - `changes`: other fields to write in the same step (`{"registered_at": now}`).
    - `notify`: users whose inbox gets `title`/`body`/`url` (lazy strings are rendered in each
      recipient's language, `params` filled in); e-mail unless `email=False`.
    - `data`: extra details for the audit entry (never ballot contents: SEC-1).

    Returns the re-loaded object with the new values (the instance passed in gets them too).
    Raises NotFound (404) if the object is gone, NotAllowed (403), InvalidTransition (409) naming the current state, or
    ValidationFailed (422) when a new value breaks a field's rules; nothing is written then.
    """
    model = type(obj)
    updates = dict(changes or {})
    if to is not None:
        updates[field] = to
    names = [_model_field(model, name).name for name in updates]
    with transaction.atomic():
        current = _locked(obj)
        permissions.require(by, action, permission_obj if permission_obj is not None else current)
        if allowed_from is not None:
            allowed = list(allowed_from)
            state = getattr(current, field)
            if state not in allowed:
                raise InvalidTransition(
                    _("This is not possible while the %(object)s is “%(state)s”.")
                    % {"object": model._meta.verbose_name, "state": _display(model, field, state)},
                    details={
                        "state": str(state),
                        "allowed_from": [str(value) for value in allowed],
                    },
                )
        before = _snapshot(current, names) if names else None
        for name, value in updates.items():
            setattr(current, _model_field(model, name).name, value)
        _validate(current, names)
        if names:
            current.save(update_fields=names)
        after = _snapshot(current, names) if names else None
        record(actor=by, action=action, target=current, before=before, after=after, data=data)
        recipients = list(notify)
        if recipients:
            send_notifications(
                recipients=recipients,
                action=action,
                title=title,
                body=body,
                url=url,
                params=params,
                email=email,
            )
    for name in names:
        setattr(obj, name, getattr(current, name))
    return current


def perform(
    *,
    by,
    action: str,
    apply: Callable[[Any], Any] | None = None,
    obj: models.Model | None = None,
    permission_obj: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    data: dict | None = None,
    notify: Iterable = (),
    title="",
    body="",
    url: str = "",
    params: dict | None = None,
    email: bool = True,
    locked: bool = False,
) -> Any:
    """Do `apply` as `by` under the same rules as `transition()`: lock, permission, write,
    audit, notify, in one transaction.

    `obj` (optional) is re-loaded and locked and passed to `apply` (`locked=True`: the caller
    has just read it FOR UPDATE in its own transaction, which goes on: it is used as it is);
    the permission is checked against `permission_obj`, else `obj`. `apply(obj)` does the writing and returns what
    `perform` returns; the audit entry's target is `obj`, else what `apply` returned when it
    is a model instance (a created row). `after` may be a callable taking that result.
    Raises NotAllowed (nothing done) or whatever `apply` raises (everything rolled back).
    """
    with transaction.atomic():
        current = None
        if obj is not None:
            current = obj if locked else _locked(obj)
        permissions.require(by, action, permission_obj if permission_obj is not None else current)
        result = apply(current) if apply is not None else None
        target = current if current is not None else (result if isinstance(result, models.Model) else None)
        after_value = after(result) if callable(after) else after
        record(actor=by, action=action, target=target, before=before, after=after_value, data=data)
        recipients = list(notify)
        if recipients:
            send_notifications(
                recipients=recipients,
                action=action,
                title=title,
                body=body,
                url=url,
                params=params,
                email=email,
            )
    return result


def _locked(obj: models.Model) -> models.Model:
    """The object re-read under a row lock (NotFound if it is gone)."""
    try:
        return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    except ObjectDoesNotExist as exc:
        raise NotFound() from exc


def _model_field(model: type[models.Model], name: str) -> models.Field:
    """The concrete field for a name or attname (`unit` or `unit_id`)."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        found = next((f for f in model._meta.concrete_fields if f.attname == name), None)
        if found is None:
            raise
    if not found.concrete or found.many_to_many:
        raise ValueError(f"{model._meta.label}.{name} cannot be written by transition()")
    return found


def _snapshot(instance: models.Model, names: list[str]) -> dict[str, Any]:
    """Field values as stored (a foreign key as its id)."""
    return {name: _model_field(type(instance), name).value_from_object(instance) for name in names}


def _display(model: type[models.Model], field: str, value: Any) -> str:
    choices = dict(_model_field(model, field).flatchoices)
    return str(choices.get(value, value))


def _validate(instance: models.Model, names: list[str]) -> None:
    """Check the written fields (choices, lengths, constraints on them) before saving."""
    if not names:
        return
    others = [f.name for f in instance._meta.concrete_fields if f.name not in names]
    try:
        instance.full_clean(exclude=others, validate_unique=True, validate_constraints=True)
    except DjangoValidationError as exc:
        details = {key: " ".join(str(m) for m in msgs) for key, msgs in exc.message_dict.items()}
        raise ValidationFailed(details=details) from exc
