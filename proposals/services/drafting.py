"""Drafting, attachments and co-signing (SUGG-1)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.documents import validate_upload
from core.errors import NotFound, ValidationFailed
from core.organisation.models import Deputy
from core.permissions import require
from core.workflow import perform, transition

from .. import permissions, rules
from ..models import Cosignature, Suggestion, SuggestionAttachment
from .base import (
    _UNSET,
    ATTACHMENT_TYPES,
    MAX_ATTACHMENTS,
    Status,
    _check_category,
    _content_error,
    _guard,
    _lock,
    _now,
    _refusal,
    _subject_error,
    _sync,
    _url,
    _user_of,
)

_L = gettext_lazy


# --- drafting (SUGG-1) -------------------------------------------------------------------------


def create_draft(
    *, by, subject: str, content: str = "", category=None, filed_by: Deputy | None = None, now=None
) -> Suggestion:
    """Start a suggestion (SUGG-1): a deputy in office for themselves, or staff entering a
    paper suggestion for a named deputy. Raises NotAllowed, ValidationFailed."""
    now = _now(now)
    if filed_by is None:
        filed_by = permissions.deputy_of(by)

    def apply(_none):
        errors = {}
        if filed_by is None:
            errors["filed_by"] = _("Choose the deputy who files the suggestion.")
        elif not rules.may_file(in_office=filed_by.in_office):
            errors["filed_by"] = _("Only a deputy in office may file a suggestion.")
        subject_error = _subject_error(subject)
        if subject_error:
            errors["subject"] = subject_error
        if len((content or "").strip()) > rules.CONTENT_MAX_CHARS:
            errors["content"] = _content_error("x" * (rules.CONTENT_MAX_CHARS + 1))
        if errors:
            raise ValidationFailed(details=errors)
        term = filed_by.term
        return Suggestion.objects.create(
            congress_id=term.congress_id,
            term=term,
            filed_by=filed_by,
            entered_by=by,
            subject=subject.strip(),
            content=(content or "").strip(),
            category=_check_category(category, term.congress_id),
            created_at=now,
        )

    return perform(
        by=by,
        action=permissions.CREATE,
        permission_obj=filed_by,
        apply=apply,
        after=lambda s: {"subject": s.subject, "filed_by": s.filed_by_id, "category": s.category_id},
    )


def update_draft(*, by, suggestion: Suggestion, subject=_UNSET, content=_UNSET, category=_UNSET) -> Suggestion:
    """Change a draft's subject, content or category (only while it is a draft)."""
    with transaction.atomic():
        locked = _guard(by, permissions.EDIT, suggestion, [Status.DRAFT])
        changes: dict[str, Any] = {}
        errors = {}
        if subject is not _UNSET:
            error = _subject_error(subject)
            if error:
                errors["subject"] = error
            changes["subject"] = (subject or "").strip()
        if content is not _UNSET:
            if len((content or "").strip()) > rules.CONTENT_MAX_CHARS:
                errors["content"] = _content_error("x" * (rules.CONTENT_MAX_CHARS + 1))
            changes["content"] = (content or "").strip()
        if category is not _UNSET:
            changes["category"] = _check_category(category, locked.congress_id)
        if errors:
            raise ValidationFailed(details=errors)
        if all(getattr(locked, name) == value for name, value in changes.items()):
            return _sync(suggestion, locked)  # nothing changes: nothing to record
        return _sync(suggestion, transition(
            by=by, action=permissions.EDIT, obj=locked, allowed_from=[Status.DRAFT], changes=changes
        ))


def add_attachment(*, by, suggestion: Suggestion, file, now=None) -> SuggestionAttachment:
    """Attach a file to a draft (type checked by its content, size limited)."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, permissions.ATTACH, suggestion, [Status.DRAFT])
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationFailed(
                details={"file": _("At most %(count)s files may be attached.") % {"count": MAX_ATTACHMENTS}}
            )
        file_type = validate_upload(file, allowed=ATTACHMENT_TYPES)
        data: dict[str, Any] = {"type": file_type, "size": int(getattr(file, "size", 0) or 0)}

        def apply(current):
            attachment = SuggestionAttachment(
                suggestion=current, token=uuid.uuid4().hex, name=str(getattr(file, "name", "") or "")[:200],
                file_type=file_type, size=data["size"], uploaded_by=by, uploaded_at=now,
            )
            attachment.file = file
            attachment.save()
            data["attachment"] = attachment.pk
            return attachment

        return perform(by=by, action=permissions.ATTACH, obj=locked, apply=apply, data=data)


def remove_attachment(*, by, attachment: SuggestionAttachment) -> None:
    """Remove a file from a draft (and from storage once the removal commits)."""
    with transaction.atomic():
        locked = _guard(by, permissions.DETACH, attachment.suggestion, [Status.DRAFT])
        row = SuggestionAttachment.objects.filter(pk=attachment.pk, suggestion=locked).first()
        if row is None:
            raise NotFound()
        storage, name = row.file.storage, row.file.name

        def apply(current):
            row.delete()
            transaction.on_commit(lambda: storage.delete(name) if name else None)

        perform(by=by, action=permissions.DETACH, obj=locked, apply=apply,
                data={"attachment": attachment.pk, "type": row.file_type})


# --- co-signing --------------------------------------------------------------------------------


def invite_cosigner(*, by, suggestion: Suggestion, deputy: Deputy, now=None) -> Cosignature:
    """Invite a deputy of the same term, in office, to co-sign a draft (联名)."""
    now = _now(now)
    with transaction.atomic():
        locked = _guard(by, permissions.INVITE, suggestion, [Status.DRAFT])
        if deputy.pk == locked.filed_by_id:
            raise ValidationFailed(details={"deputy": _("The filer does not co-sign their own suggestion.")})
        if deputy.term_id != locked.term_id or not deputy.in_office:
            raise ValidationFailed(details={"deputy": _("Only a deputy in office of this term may co-sign.")})
        existing = Cosignature.objects.select_for_update().filter(suggestion=locked, deputy=deputy).first()
        if existing is not None and existing.status != Cosignature.Status.DECLINED:
            raise ValidationFailed(details={"deputy": _("This deputy has already been invited.")})

        def apply(current):
            if existing is not None:
                existing.status = Cosignature.Status.INVITED
                existing.invited_at, existing.answered_at = now, None
                existing.save(update_fields=["status", "invited_at", "answered_at"])
                return existing
            return Cosignature.objects.create(suggestion=current, deputy=deputy, invited_at=now)

        return perform(
            by=by, action=permissions.INVITE, obj=locked, apply=apply, data={"deputy": deputy.pk},
            notify=[_user_of(deputy)] if _user_of(deputy) else [],
            title=_L("%(filer)s invites you to co-sign “%(subject)s”"),
            params={"filer": locked.filed_by.name, "subject": locked.subject}, url=_url(locked),
        )


def _answer(*, by, code: str, cosignature: Cosignature, allowed_from, to, now) -> Cosignature:
    with transaction.atomic():
        suggestion = _lock(cosignature.suggestion_id)
        require(by, code, cosignature)
        if suggestion.status not in (Status.DRAFT, Status.SUBMITTED):
            raise _refusal(suggestion, [Status.DRAFT, Status.SUBMITTED])
        title = (
            _L("%(deputy)s co-signs “%(subject)s”") if to == Cosignature.Status.CONFIRMED
            else _L("%(deputy)s does not co-sign “%(subject)s”")
        )
        return _sync(cosignature, transition(
            by=by, action=code, obj=cosignature, allowed_from=allowed_from, to=to, changes={"answered_at": now},
            data={"suggestion": suggestion.pk},
            notify=[u for u in [_user_of(suggestion.filed_by)] if u is not None],
            title=title, params={"deputy": cosignature.deputy.name, "subject": suggestion.subject},
            url=_url(suggestion),
        ))


def confirm_cosignature(*, by, cosignature: Cosignature, now=None) -> Cosignature:
    """The invited deputy confirms the co-signature (before registration)."""
    return _answer(by=by, code=permissions.CONFIRM, cosignature=cosignature,
                   allowed_from=[Cosignature.Status.INVITED], to=Cosignature.Status.CONFIRMED, now=_now(now))


def decline_cosignature(*, by, cosignature: Cosignature, now=None) -> Cosignature:
    """The invited deputy declines, or takes back a confirmation before registration."""
    return _answer(by=by, code=permissions.DECLINE_COSIGN, cosignature=cosignature,
                   allowed_from=[Cosignature.Status.INVITED, Cosignature.Status.CONFIRMED],
                   to=Cosignature.Status.DECLINED, now=_now(now))
