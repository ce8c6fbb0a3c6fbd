"""The task page (/tasks/): administrators see failed tasks and retry them; nobody else."""

import pytest
from django.urls import reverse

from core.accounts.roles import Role
from core.jobs.models import TaskFailure

from . import sample_tasks

OTHER_ROLES = [role for role in Role.values if role != Role.ADMINISTRATOR]


@pytest.fixture
def failed_for_good(db_tasks):
    sample_tasks.always_fails.enqueue("mail-page")
    db_tasks()
    return TaskFailure.objects.get(is_latest=True)


def test_administrator_sees_a_task_that_failed_for_good(failed_for_good, client_for):
    response = client_for(Role.ADMINISTRATOR).get(reverse("jobs:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "always_fails" in page
    assert "the mail server refused the message" in page
    assert "3 / 3" in page
    assert reverse("jobs:failure-retry", args=[failed_for_good.pk]) in page


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_the_task_page(failed_for_good, client_for, role):
    response = client_for(role).get(reverse("jobs:index"))

    assert response.status_code == 403
    assert "always_fails" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(failed_for_good, client_for):
    response = client_for(None).get(reverse("jobs:index"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_resolved_tasks_leave_the_default_list_but_show_under_resolved(db_tasks, client_for):
    sample_tasks.flaky.enqueue("report-page", failures=1)
    db_tasks()
    admin = client_for(Role.ADMINISTRATOR)

    assert "flaky" not in admin.get(reverse("jobs:index")).content.decode()
    assert "flaky" in admin.get(reverse("jobs:index") + "?state=resolved").content.decode()


def test_detail_page_shows_every_attempt_with_its_traceback(failed_for_good, client_for):
    response = client_for(Role.ADMINISTRATOR).get(reverse("jobs:failure-detail", args=[failed_for_good.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Traceback") == 3
    assert "core.jobs.tests.sample_tasks.always_fails" in page


def test_retry_now_button_runs_the_task_again(failed_for_good, client_for, db_tasks, django_capture_on_commit_callbacks):
    sample_tasks.FIXED.add("mail-page")
    admin = client_for(Role.ADMINISTRATOR)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("jobs:failure-retry", args=[failed_for_good.pk]), follow=True)
    db_tasks()

    assert response.status_code == 200
    assert "The task will run again in a moment." in response.content.decode()
    failed_for_good.refresh_from_db()
    assert failed_for_good.resolved


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_retry_now_is_refused_to_other_roles(failed_for_good, client_for, role):
    response = client_for(role).post(reverse("jobs:failure-retry", args=[failed_for_good.pk]))

    assert response.status_code == 403
    failed_for_good.refresh_from_db()
    assert failed_for_good.gave_up and failed_for_good.retried_at is None


def test_retry_now_on_a_resolved_task_says_why_not(db_tasks, client_for):
    sample_tasks.flaky.enqueue("report-page-2", failures=1)
    db_tasks()
    failure = TaskFailure.objects.get()

    response = client_for(Role.ADMINISTRATOR).post(reverse("jobs:failure-retry", args=[failure.pk]), follow=True)

    assert "This task has already succeeded." in response.content.decode()


def test_task_results_are_in_the_admin_for_administrators(failed_for_good, users, client):
    admin = users[Role.ADMINISTRATOR]
    admin.is_staff = admin.is_superuser = True  # as core.accounts makes administrators
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)

    response = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))

    assert response.status_code == 200
    assert "always_fails" in response.content.decode()
