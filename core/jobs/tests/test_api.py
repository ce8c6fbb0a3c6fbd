"""/api/tasks: failed tasks and retry now, for administrators; progress for its owner."""

import pytest

from core.accounts.roles import Role
from core.jobs import progress
from core.jobs.models import TaskFailure

from . import sample_tasks

OTHER_ROLES = [role for role in Role.values if role != Role.ADMINISTRATOR]


@pytest.fixture
def failed_for_good(db_tasks):
    sample_tasks.always_fails.enqueue("mail-api")
    db_tasks()
    return TaskFailure.objects.get(is_latest=True)


def test_failures_list_is_paginated_and_shows_open_tasks(failed_for_good, client_for):
    response = client_for(Role.ADMINISTRATOR).get("/api/tasks/failures?page_size=10")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1 and body["page_size"] == 10
    item = body["items"][0]
    assert item["id"] == failed_for_good.pk
    assert item["state"] == "failed" and item["attempt"] == 3
    assert item["task_path"] == "core.jobs.tests.sample_tasks.always_fails"


def test_failures_list_of_every_attempt(failed_for_good, client_for):
    body = client_for(Role.ADMINISTRATOR).get("/api/tasks/failures?state=all").json()

    assert body["count"] == 3


def test_unknown_state_is_refused_with_the_choices(failed_for_good, client_for):
    response = client_for(Role.ADMINISTRATOR).get("/api/tasks/failures?state=lost")

    assert response.status_code == 422
    assert "state" in response.json()["details"]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_failures_list_is_refused_to_other_roles(failed_for_good, client_for, role):
    response = client_for(role).get("/api/tasks/failures")

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_failure_detail_carries_the_traceback(failed_for_good, client_for):
    body = client_for(Role.ADMINISTRATOR).get(f"/api/tasks/failures/{failed_for_good.pk}").json()

    assert "Traceback" in body["traceback"] and body["args"] == ["mail-api"]


def test_retry_through_the_api(failed_for_good, client_for, db_tasks, django_capture_on_commit_callbacks):
    sample_tasks.FIXED.add("mail-api")
    admin = client_for(Role.ADMINISTRATOR)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/api/tasks/failures/{failed_for_good.pk}/retry")
    db_tasks()

    assert response.status_code == 202
    assert response.json()["state"] == "retrying"
    failed_for_good.refresh_from_db()
    assert failed_for_good.resolved


def test_retry_through_the_api_with_a_token(failed_for_good, users, client, django_capture_on_commit_callbacks):
    from core.accounts.models import ApiToken

    key = ApiToken.new_key()
    ApiToken.objects.create(user=users[Role.ADMINISTRATOR], name="ops", key_hash=ApiToken.hash_key(key), prefix=key[:8])

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/api/tasks/failures/{failed_for_good.pk}/retry", headers={"Authorization": f"Bearer {key}"}
        )

    assert response.status_code == 202


def test_retry_of_a_resolved_task_is_a_conflict(db_tasks, client_for):
    sample_tasks.flaky.enqueue("report-api", failures=1)
    db_tasks()
    failure = TaskFailure.objects.get()

    response = client_for(Role.ADMINISTRATOR).post(f"/api/tasks/failures/{failure.pk}/retry")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_retry_through_the_api_is_refused_to_other_roles(failed_for_good, client_for, role):
    response = client_for(role).post(f"/api/tasks/failures/{failed_for_good.pk}/retry")

    assert response.status_code == 403


def test_progress_is_shown_to_its_owner_only(users, client_for):
    owner = users[Role.STAFF]
    progress.start("import-api", total=4, label="Import", owner=owner)
    progress.advance("import-api", by=3)

    body = client_for(Role.STAFF).get("/api/tasks/progress/import-api").json()
    assert body["done"] == 3 and body["percent"] == 75 and body["status"] == "running"
    assert client_for(Role.CITIZEN).get("/api/tasks/progress/import-api").status_code == 404
    assert client_for(None).get("/api/tasks/progress/import-api").status_code in (401, 403)
