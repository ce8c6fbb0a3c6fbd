"""The inbox page and API: every signed-in user has one and sees only their own."""

import pytest
from django.urls import reverse

from core.accounts.roles import Role
from core.notify import services
from core.notify.models import Notification

pytestmark = pytest.mark.django_db


def note(user, title, url=""):
    return services.notify(recipients=[user], action="x.y", title=title, url=url, email=False)[0]


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_an_inbox_with_only_its_own_notifications(client_for, users, role):
    note(users[role], f"for {role}")
    other = Role.STAFF if role != Role.STAFF else Role.DEPUTY
    note(users[other], "not yours")
    page = client_for(role).get(reverse("notify:inbox")).content.decode()
    assert f"for {role}" in page and "not yours" not in page


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for(None).get(reverse("notify:inbox"))
    assert response.status_code == 302


def test_marking_read_from_the_page(client_for, users):
    row = note(users["deputy"], "read me")
    client = client_for(Role.DEPUTY)
    response = client.post(reverse("notify:notification-read", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.read_at is not None


def test_marking_read_with_htmx_returns_the_item(client_for, users):
    row = note(users["deputy"], "read me")
    response = client_for(Role.DEPUTY).post(
        reverse("notify:notification-read", args=[row.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert f'id="notification-{row.pk}"' in body and "<html" not in body


def test_someone_elses_notification_is_not_found(client_for, users):
    row = note(users["staff"], "private")
    assert client_for(Role.DEPUTY).post(reverse("notify:notification-read", args=[row.pk])).status_code == 404


def test_opening_follows_the_link_and_marks_read(client_for, users):
    row = note(users["deputy"], "go", url="/organisation/")
    response = client_for(Role.DEPUTY).post(reverse("notify:notification-open", args=[row.pk]))
    assert response["Location"] == "/organisation/"
    row.refresh_from_db()
    assert row.is_read


def test_opening_never_leaves_the_site(client_for, users):
    row = note(users["deputy"], "phish", url="https://evil.example.com/")
    response = client_for(Role.DEPUTY).post(reverse("notify:notification-open", args=[row.pk]))
    assert response["Location"] == reverse("notify:inbox")


def test_reading_never_happens_on_get(client_for, users):
    row = note(users["deputy"], "stay unread")
    assert client_for(Role.DEPUTY).get(reverse("notify:notification-read", args=[row.pk])).status_code == 405


def test_mark_all_read_from_the_page(client_for, users):
    note(users["deputy"], "a")
    note(users["deputy"], "b")
    client_for(Role.DEPUTY).post(reverse("notify:read-all"))
    assert not Notification.objects.filter(recipient=users["deputy"], read_at__isnull=True).exists()


def test_the_api_lists_only_ones_own(client_for, users):
    note(users["deputy"], "mine")
    note(users["staff"], "not mine")
    body = client_for(Role.DEPUTY).get("/api/notifications").json()
    assert [item["title"] for item in body["items"]] == ["mine"]
    assert body["items"][0]["is_read"] is False


def test_the_api_marks_read(client_for, users):
    row = note(users["deputy"], "mine")
    client = client_for(Role.DEPUTY)
    assert client.post(f"/api/notifications/{row.pk}/read").json()["is_read"] is True
    assert client.get("/api/notifications/unread-count").json() == {"unread": 0}


def test_the_api_hides_someone_elses_notification(client_for, users):
    row = note(users["staff"], "private")
    assert client_for(Role.DEPUTY).post(f"/api/notifications/{row.pk}/read").status_code == 404


def test_the_api_refuses_anonymous_callers(client_for):
    assert client_for(None).get("/api/notifications").status_code == 401
