"""Progress of long imports and exports: the helper, the polling bar, who may see it."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from core.accounts.roles import Role
from core.jobs import progress
from core.jobs.models import ProgressRecord


def test_helper_counts_progress_and_finishes(db, users):
    key = progress.new_key("deputies-import")
    progress.start(key, total=200, label="Importing deputies", owner=users[Role.STAFF])
    progress.advance(key, by=50)
    progress.advance(key, by=25, message="row 75")

    record = progress.get(key)
    assert (record.done, record.total, record.percent, record.message) == (75, 200, 37, "row 75")
    assert record.is_running

    progress.finish(key, message="200 deputies imported", result_url="/organisation/")
    record.refresh_from_db()
    assert record.status == ProgressRecord.Status.SUCCEEDED
    assert (record.done, record.percent, record.result_url) == (200, 100, "/organisation/")


def test_unknown_total_has_no_percentage_until_finished(db):
    progress.start("export-1")
    progress.advance("export-1", by=10)
    assert progress.get("export-1").percent is None
    progress.finish("export-1")
    assert progress.get("export-1").percent == 100


def test_starting_again_resets_the_record(db):
    progress.start("import-2", total=3)
    progress.advance("import-2", by=3)
    progress.fail("import-2", message="row 3: unknown district")
    progress.start("import-2", total=5)

    record = progress.get("import-2")
    assert (record.done, record.total, record.status, record.message) == (0, 5, "running", "")


def test_track_finishes_on_success_and_fails_on_error(db):
    with progress.track("import-3", total=2) as bar:
        bar.advance()
        bar.advance()
    assert progress.get("import-3").status == ProgressRecord.Status.SUCCEEDED

    with pytest.raises(ValueError), progress.track("import-4", total=2) as bar:
        bar.advance()
        raise ValueError("row 2: no such handling unit")
    record = progress.get("import-4")
    assert record.status == ProgressRecord.Status.FAILED
    assert record.message == "row 2: no such handling unit" and record.done == 1


def test_running_bar_polls_itself_and_stops_when_finished(db, users, client_for):
    progress.start("import-5", total=10, label="Importing messages", owner=users[Role.STAFF])
    progress.advance("import-5", by=4)
    staff = client_for(Role.STAFF)
    url = progress.poll_url("import-5")

    running = staff.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in running and 'value="40"' in running
    assert "<html" not in running  # a partial for htmx

    progress.finish("import-5", result_url="/inbox/")
    done = staff.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and 'href="/inbox/"' in done


def test_bar_without_htmx_is_a_page(db, users, client_for):
    progress.start("import-6", total=10, label="Importing messages", owner=users[Role.STAFF])

    page = client_for(Role.STAFF).get(progress.poll_url("import-6")).content.decode()

    assert "<html" in page and 'http-equiv="refresh"' in page


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.STAFF, 200), (Role.ADMINISTRATOR, 200), (Role.DEPUTY, 404), (Role.CITIZEN, 404), (Role.UNIT_CLERK, 404)],
)
def test_bar_is_shown_to_its_owner_and_the_administrator(db, users, client_for, role, status):
    progress.start("import-7", total=1, owner=users[Role.STAFF])

    assert client_for(role).get(progress.poll_url("import-7")).status_code == status


def test_bar_of_an_ownerless_job_is_shown_to_staff(db, users, client_for):
    progress.start("nightly-export", total=1)

    assert client_for(Role.STAFF).get(progress.poll_url("nightly-export")).status_code == 200
    assert client_for(Role.DEPUTY).get(progress.poll_url("nightly-export")).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(db):
    from django.test import Client

    progress.start("import-8", total=1)
    response = Client().get(progress.poll_url("import-8"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_template_tag_renders_the_bar_for_the_owner_only(db, users):
    progress.start("import-9", total=4, label="Importing deputies", owner=users[Role.STAFF])
    template = Template("{% load jobs %}{% progress_bar key %}")

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "key": "import-9"}))

    assert "Importing deputies" in render(users[Role.STAFF])
    assert render(users[Role.CITIZEN]).strip() == ""
