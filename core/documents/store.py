"""Where an import keeps its uploaded sheet and its result between the request and the task.

    STORE = ImportStore("proposals/imports", ImportResult)
    STORE.save_sheet(upload_id, content); STORE.save_result(result); STORE.load_result(upload_id)

The sheet holds personal data (deputies' or callers' names and phone numbers), so it is kept
only until it is imported (`forget_sheet`), and results older than `days` are deleted with
it by `forget_old` (SEC-5). Upload ids are hex strings made here; anything else is NotFound,
so a crafted id can never reach outside the directory.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from core.errors import NotFound
from core.permissions import has_perm


@dataclass
class ImportResult:
    """What an import did, or why it did nothing (`problems`, one line per problem). Each kind
    of import adds its own counts in a subclass."""

    upload: str
    state: str = "queued"  # queued, running, done, failed
    file: str = ""
    owner: int | None = None
    rows: int = 0
    created: int = 0
    problems: list[str] = field(default_factory=list)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def new_upload_id() -> str:
    return uuid.uuid4().hex


class ImportStore:
    """Files of one kind of import under `directory` of the default storage; `result_type`
    is an `ImportResult` (sub)class."""

    def __init__(self, directory: str, result_type: type) -> None:
        self.directory = directory
        self.result_type = result_type

    def path(self, upload_id: str, suffix: str) -> str:
        if not upload_id.isalnum():
            raise NotFound()
        return f"{self.directory}/{upload_id}.{suffix}"

    @staticmethod
    def _save(name: str, content: bytes) -> None:
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(content))

    def save_sheet(self, upload_id: str, content: bytes) -> None:
        self._save(self.path(upload_id, "xlsx"), content)

    def save_result(self, result: Any) -> None:
        self._save(self.path(result.upload, "json"), json.dumps(result.as_dict(), ensure_ascii=False).encode())

    def load_result(self, upload_id: str) -> Any | None:
        name = self.path(upload_id, "json")
        if not default_storage.exists(name):
            return None
        with default_storage.open(name) as handle:
            data = json.loads(handle.read())
        known = {f.name for f in fields(self.result_type)}
        return self.result_type(**{k: v for k, v in data.items() if k in known})

    def result_for(self, user, upload_id: str, permission: str) -> Any:
        """The result of an import the user started; NotFound for anyone else's (or none),
        and for a user who no longer holds the import's `permission`."""
        if not has_perm(user, permission) or not upload_id.isalnum():
            raise NotFound()
        result = self.load_result(upload_id)
        if result is None or result.owner != user.pk:
            raise NotFound()
        return result

    # --- how an import ends: its result stored, its progress bar closed, its sheet gone (SEC-5)

    def fail(self, result: Any, *, key: str, message: str, problems: list[str]) -> Any:
        """Record a refused import. Its counts are what was imported before the refusal:
        none when the rows were refused before any was written (an import in batches may
        stop after some, and says so in `message`)."""
        from core.jobs import progress

        result.state, result.message, result.problems = "failed", message, problems
        self.save_result(result)
        progress.fail(key, message=message)
        self.forget_sheet(result.upload)
        return result

    def finish(self, result: Any, *, key: str, result_url: str = "") -> Any:
        """Record a finished import (`result` holds its counts and message)."""
        from core.jobs import progress

        result.state = "done"
        self.save_result(result)
        progress.finish(key, message=result.message, result_url=result_url)
        self.forget_sheet(result.upload)
        return result

    def abandon(self, upload_id: str, *, key: str, message: str) -> None:
        """Record an upload that can never be imported (its owner is gone) as failed."""
        result = self.load_result(upload_id)
        if result is None or result.finished:
            return
        self.fail(result, key=key, message=message, problems=[message])

    def forget_sheet(self, upload_id: str) -> None:
        name = self.path(upload_id, "xlsx")
        if default_storage.exists(name):
            default_storage.delete(name)

    def forget_old(self, *, days: int) -> int:
        """Delete stored sheets and results older than `days` (SEC-5); returns how many."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        try:
            names = default_storage.listdir(self.directory)[1]
        except (FileNotFoundError, NotImplementedError):
            return 0
        removed = 0
        for name in names:
            path = f"{self.directory}/{name}"
            try:
                old = default_storage.get_modified_time(path) < cutoff
            except (FileNotFoundError, NotImplementedError):
                continue
            if old:
                default_storage.delete(path)
                removed += 1
        return removed
