"""The audit pages and API: staff read, administrators also verify; nobody else gets in."""

import pytest
from django.urls import reverse

from core.accounts.roles import Role
from core.audit.services import record

from .tamper import raw

pytestmark = pytest.mark.django_db

OUTSIDERS = [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC]


@pytest.fixture
def entries(users):
    made = [record(actor=users["staff"], action="unit.rename", data={"n": n}) for n in range(3)]
    made.append(record(actor=users["administrator"], action="calendar.holiday_add"))
    return made


@pytest.mark.parametrize(
    "role,status",
    [(Role.STAFF, 200), (Role.ADMINISTRATOR, 200)] + [(role, 403) for role in OUTSIDERS],
)
def test_who_may_open_the_audit_log(client_for, entries, role, status):
    response = client_for(role).get(reverse("audit:index"))
    assert response.status_code == status
    if status == 200:
        assert "unit.rename" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client_for, entries):
    response = client_for(None).get(reverse("audit:index"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.STAFF, *OUTSIDERS])
def test_only_administrators_may_verify_the_chain(client_for, entries, role):
    assert client_for(role).get(reverse("audit:verify")).status_code == 403
    assert client_for(role).post(reverse("audit:verify")).status_code == 403


def test_staff_see_no_verify_button(client_for, entries):
    page = client_for(Role.STAFF).get(reverse("audit:index")).content.decode()
    assert reverse("audit:verify") not in page


def test_an_administrator_verifies_an_intact_chain(client_for, entries):
    client = client_for(Role.ADMINISTRATOR)
    assert reverse("audit:verify") in client.get(reverse("audit:index")).content.decode()
    page = client.post(reverse("audit:verify")).content.decode()
    assert "The chain is intact: 4 entries verified." in page
    assert entries[-1].hash in page


def test_an_administrator_sees_which_entry_was_edited(client_for, entries):
    raw("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["nobody", entries[1].pk])
    response = client_for(Role.ADMINISTRATOR).post(reverse("audit:verify"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "The chain is broken." in page
    assert reverse("audit:entry-detail", args=[entries[1].pk]) in page
    assert "<html" not in page  # htmx gets the result fragment only


def rows(page: str, action: str) -> int:
    return page.count(f"<td><code>{action}</code></td>")


def test_filters_narrow_the_list(client_for, entries, users):
    client = client_for(Role.STAFF)
    page = client.get(reverse("audit:index"), {"action": "calendar."}).content.decode()
    assert (rows(page, "calendar.holiday_add"), rows(page, "unit.rename")) == (1, 0)
    page = client.get(reverse("audit:index"), {"actor": str(users["administrator"].pk)}).content.decode()
    assert (rows(page, "calendar.holiday_add"), rows(page, "unit.rename")) == (1, 0)
    page = client.get(reverse("audit:index"), {"actor": "the-staff"}).content.decode()
    assert (rows(page, "calendar.holiday_add"), rows(page, "unit.rename")) == (0, 3)


def test_a_bad_date_range_is_explained(client_for, entries):
    page = client_for(Role.STAFF).get(
        reverse("audit:index"), {"date_from": "2026-02-02", "date_to": "2026-02-01"}
    )
    assert "The end date is before the start date." in page.content.decode()


def test_the_list_is_paginated_newest_first(client_for, users):
    for n in range(55):
        record(actor=users["staff"], action=f"unit.step_{n:02d}")
    client = client_for(Role.STAFF)
    first = client.get(reverse("audit:index")).content.decode()
    assert rows(first, "unit.step_54") == 1 and rows(first, "unit.step_04") == 0
    second = client.get(reverse("audit:index"), {"page": 2}).content.decode()
    assert rows(second, "unit.step_04") == 1


def test_an_entry_shows_its_fingerprints(client_for, entries):
    page = client_for(Role.STAFF).get(reverse("audit:entry-detail", args=[entries[1].pk])).content.decode()
    assert entries[1].hash in page and entries[1].prev_hash in page


@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_api_refuses_outsiders(client_for, audit_api, entries, role):
    client = client_for(role)
    assert client.get(f"{audit_api}/entries").status_code == 403
    assert client.get(f"{audit_api}/entries/{entries[0].pk}").status_code == 403
    assert client.get(f"{audit_api}/verify").status_code == 403


def test_the_api_refuses_anonymous_callers(client_for, audit_api, entries):
    assert client_for(None).get(f"{audit_api}/entries").status_code == 401
    assert client_for(None).get(f"{audit_api}/verify").status_code == 401


def test_staff_read_entries_through_the_api(client_for, audit_api, entries):
    client = client_for(Role.STAFF)
    body = client.get(f"{audit_api}/entries", {"action": "unit."}).json()
    assert body["count"] == 3
    assert [item["seq"] for item in body["items"]] == [3, 2, 1]
    one = client.get(f"{audit_api}/entries/{entries[0].pk}").json()
    assert one["hash"] == entries[0].hash
    assert client.get(f"{audit_api}/verify").status_code == 403


def test_an_administrator_verifies_through_the_api(client_for, audit_api, entries):
    client = client_for(Role.ADMINISTRATOR)
    assert client.get(f"{audit_api}/verify").json() | {"message": ""} == {
        "ok": True,
        "checked": 4,
        "head_hash": entries[-1].hash,
        "problem": "",
        "entry_id": None,
        "seq": None,
        "message": "",
    }
    raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    report = client.get(f"{audit_api}/verify").json()
    assert (report["ok"], report["problem"], report["entry_id"]) == (False, "deleted", entries[2].pk)


def test_an_unknown_entry_is_not_found(client_for, audit_api, entries):
    assert client_for(Role.STAFF).get(f"{audit_api}/entries/999999").status_code == 404
