"""The shared import store: results survive between request and task; sheets do not linger (SEC-5)."""

import datetime
import os
from dataclasses import asdict, dataclass, field

import pytest
from django.core.files.storage import default_storage

from core.documents.store import ImportStore, new_upload_id
from core.errors import NotFound


@dataclass
class Result:
    upload: str
    state: str = "waiting"
    problems: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@pytest.fixture
def store(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return ImportStore("test/imports", Result)


def test_a_result_comes_back_as_it_was_saved(store):
    upload = new_upload_id()
    store.save_result(Result(upload, "failed", ["row 3: no subject"]))
    store.save_result(Result(upload, "done"))  # saved again: replaced, not duplicated
    assert store.load_result(upload) == Result(upload, "done", [])
    assert store.load_result(new_upload_id()) is None


def test_a_crafted_upload_id_never_reaches_outside_the_directory(store):
    with pytest.raises(NotFound):
        store.load_result("../../settings")


def test_the_sheet_is_forgotten_once_imported(store):
    upload = new_upload_id()
    store.save_sheet(upload, b"PK sheet")
    assert default_storage.exists(store.path(upload, "xlsx"))
    store.forget_sheet(upload)
    assert not default_storage.exists(store.path(upload, "xlsx"))
    store.forget_sheet(upload)  # twice is harmless


def test_only_old_files_are_deleted(store, tmp_path):
    old, new = new_upload_id(), new_upload_id()
    store.save_sheet(old, b"old")
    store.save_result(Result(new))
    forty_days_ago = (datetime.datetime.now() - datetime.timedelta(days=40)).timestamp()
    os.utime(tmp_path / store.path(old, "xlsx"), (forty_days_ago, forty_days_ago))
    assert store.forget_old(days=30) == 1
    assert not default_storage.exists(store.path(old, "xlsx"))
    assert store.load_result(new) == Result(new)
    assert store.forget_old(days=30) == 0


@pytest.mark.django_db
def test_only_whoever_started_an_import_sees_its_result(store, make_user):
    from core.accounts.roles import Role
    from core.documents.store import ImportResult

    results = ImportStore("test/results", ImportResult)
    results.directory = store.directory  # the same temporary storage
    staff, other, deputy = make_user(Role.STAFF), make_user(Role.STAFF), make_user(Role.DEPUTY)
    upload = new_upload_id()
    results.save_result(ImportResult(upload, state="done", owner=staff.pk, rows=3, created=3))
    seen = results.result_for(staff, upload, "organisation.view")
    assert (seen.state, seen.created, seen.finished) == ("done", 3, True)
    for user, upload_id, permission in [
        (other, upload, "organisation.view"),  # someone else's import
        (deputy, upload, "nobody.may"),  # a user without the import's permission
        (staff, new_upload_id(), "organisation.view"),  # no such import
        (staff, "../etc", "organisation.view"),  # a crafted id
    ]:
        with pytest.raises(NotFound):
            results.result_for(user, upload_id, permission)


@pytest.mark.django_db
def test_an_import_ends_with_its_result_stored_its_bar_closed_and_its_sheet_gone(store, make_user):
    """SEC-5: whether it finished, was refused or can never run, the uploaded sheet (personal
    data) is deleted and the person who started it sees why."""
    from core.accounts.roles import Role
    from core.documents.store import ImportResult
    from core.jobs import progress
    from core.jobs.models import ProgressRecord

    results = ImportStore(store.directory, ImportResult)
    owner = make_user(Role.STAFF)
    ends = {}
    for name in ("finished", "refused", "abandoned", "already done"):
        upload = new_upload_id()
        results.save_sheet(upload, b"sheet")
        results.save_result(ImportResult(upload, state="running", owner=owner.pk, rows=2))
        progress.start(name, total=4, owner=owner)
        ends[name] = upload
    done = results.load_result(ends["finished"])
    done.created, done.message = 2, "2 imported"
    results.finish(done, key="finished", result_url="/done/")
    results.fail(results.load_result(ends["refused"]), key="refused", message="no", problems=["row 2: no subject"])
    results.abandon(ends["abandoned"], key="abandoned", message="owner gone")
    finished = results.load_result(ends["already done"])
    finished.state = "done"
    results.save_result(finished)
    results.abandon(ends["already done"], key="already done", message="owner gone")  # a finished one stays

    expected = {
        "finished": ("done", "2 imported", [], ProgressRecord.Status.SUCCEEDED),
        "refused": ("failed", "no", ["row 2: no subject"], ProgressRecord.Status.FAILED),
        "abandoned": ("failed", "owner gone", ["owner gone"], ProgressRecord.Status.FAILED),
    }
    for name, (state, message, problems, bar) in expected.items():
        result = results.load_result(ends[name])
        assert (result.state, result.message, result.problems) == (state, message, problems), name
        assert progress.get(name).status == bar, name
        assert not default_storage.exists(results.path(ends[name], "xlsx")), name
    assert results.load_result(ends["already done"]).state == "done"
    assert progress.get("already done").status == ProgressRecord.Status.RUNNING
    assert progress.get("finished").result_url == "/done/"
