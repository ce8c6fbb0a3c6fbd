"""The task page's tabs show what they say (a heading and a list per state, the current tab
marked, a count on each), and jobs are called by a label in the reader's language with the
technical name small beside it."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from core.accounts.roles import Role
from core.jobs import labels
from core.jobs.models import TaskFailure

pytestmark = pytest.mark.django_db

INDEX = "/tasks/"


def _failure(task_path: str, *, gave_up=False, resolved=False, is_latest=True, attempt=1, chain=None):
    return TaskFailure.objects.create(
        chain=chain or uuid.uuid4(),
        task_path=task_path,
        attempt=attempt,
        max_attempts=3,
        error="boom",
        gave_up=gave_up,
        resolved=resolved,
        is_latest=is_latest,
    )


@pytest.fixture
def failures():
    """One failed for good, one retrying (after an earlier attempt), one resolved."""
    chain = uuid.uuid4()
    earlier = _failure("app.tasks.second_try", is_latest=False, chain=chain)
    return {
        "failed": _failure("app.tasks.for_good", gave_up=True),
        "retrying": _failure("app.tasks.second_try", attempt=2, chain=chain),
        "retried": earlier,
        "resolved": _failure("app.tasks.came_right", resolved=True),
    }


def _page(client_for, state=None):
    url = INDEX if state is None else f"{INDEX}?state={state}"
    response = client_for(Role.ADMINISTRATOR).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _listed(html: str) -> set[str]:
    return set(re.findall(r'<small class="job-id">app\.tasks\.(\w+)</small>', html))


def _current_tab(html: str) -> str:
    [tab] = re.findall(r'<a href="\?state=(\w+)" aria-current="page">', html)
    return tab


def _heading(html: str) -> str:
    return re.search(r'<h2 id="failures-heading">(.*?)</h2>', html).group(1)


@pytest.mark.parametrize(
    ("state", "heading", "listed"),
    [
        (None, "Tasks needing attention", {"for_good", "second_try"}),
        ("failed", "Failed tasks", {"for_good"}),
        ("retrying", "Tasks being retried", {"second_try"}),
        ("resolved", "Resolved tasks", {"came_right"}),
        ("all", "Every recorded attempt", {"for_good", "second_try", "came_right"}),
    ],
)
def test_each_tab_has_its_own_heading_list_and_mark(client_for, failures, state, heading, listed):
    html = _page(client_for, state)
    assert _heading(html) == heading
    assert _listed(html) == listed
    assert _current_tab(html) == (state or "open")


def test_every_attempt_lists_earlier_attempts_too(client_for, failures):
    html = _page(client_for, "all")
    assert reverse("jobs:failure-detail", args=[failures["retried"].pk]) in html
    assert reverse("jobs:failure-detail", args=[failures["retried"].pk]) not in _page(client_for, "retrying")


def test_the_tabs_carry_their_counts(client_for, failures):
    html = _page(client_for)
    counts = dict(re.findall(r'href="\?state=(\w+)"[^>]*>[^<]*<span class="count">\((\d+)\)</span>', html))
    assert counts == {"open": "2", "failed": "1", "retrying": "1", "resolved": "1", "all": "4"}


def test_an_empty_tab_says_what_it_is_empty_of(client_for):
    assert "No task is being retried." in _page(client_for, "retrying")
    assert "No resolved tasks." in _page(client_for, "resolved")
    assert "No task needs attention." in _page(client_for)


def test_an_unknown_state_falls_back_to_the_open_tab(client_for, failures):
    html = _page(client_for, "nonsense")
    assert _current_tab(html) == "open"
    assert _heading(html) == "Tasks needing attention"


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_the_tabs_are_refused_to_other_roles(client_for, failures, role):
    response = client_for(role).get(f"{INDEX}?state=all")
    assert response.status_code == 403
    assert "for_good" not in response.content.decode()


# --- labels -------------------------------------------------------------------------------------


def test_periodic_jobs_are_shown_by_label_with_the_name_small_beside_it(client_for):
    html = _page(client_for)
    assert re.search(
        r'<td>Flag overdue replies and tell staff<small class="job-id">casework\.flag_overdue</small></td>',
        html,
    )
    assert re.search(r'<td>Clear out old task records<small class="job-id">jobs\.prune</small></td>', html)


def test_every_registered_periodic_job_has_a_label():
    from core.jobs import periodic

    assert [job.name for job in periodic.registered_jobs() if not labels.has_label(job.name)] == []


def test_a_task_is_shown_by_its_label(client_for):
    failure = _failure("core.notify.tasks.deliver_notification", gave_up=True)
    html = _page(client_for)
    assert re.search(
        r">Send a notification by e-mail or SMS</a><small class=\"job-id\">core\.notify\.tasks\.deliver_notification<",
        html,
    )
    detail = (
        client_for(Role.ADMINISTRATOR).get(reverse("jobs:failure-detail", args=[failure.pk])).content.decode()
    )
    assert "<h1>Send a notification by e-mail or SMS</h1>" in detail


def test_labels_follow_the_readers_language():
    with translation.override("zh-hans"):
        shown = labels.label_for("casework.flag_overdue")
        expected = translation.gettext("Flag overdue replies and tell staff")
    assert shown == expected


def test_a_label_given_at_registration_is_used(client_for):
    from datetime import timedelta

    from core.jobs import periodic

    periodic.registered_jobs()
    periodic.register(
        "test.labelled", "core.jobs.services.prune_finished", every=timedelta(days=1), label="Tidy up"
    )
    try:
        html = _page(client_for)
        assert '<td>Tidy up<small class="job-id">test.labelled</small></td>' in html
    finally:
        periodic.unregister("test.labelled")
        labels._LABELS.pop("test.labelled", None)
