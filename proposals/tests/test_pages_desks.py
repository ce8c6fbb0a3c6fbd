"""Lists and desks: every list is scoped to who asks, filters, sorts, pages and exports the
same rows to xlsx; the deputy's, unit's and staff's homes show their work; and the page
permission matrix for every suggestion page."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core.accounts.roles import Role
from proposals import services
from proposals.models import Suggestion

from . import flows
from .conftest import at
from .factories import SuggestionCategoryFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client, name="proposals:suggestion-list", **query) -> list[int]:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return [s.pk for s in response.context["page"].object_list]


def sheet(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [list(r) for r in rows]


@pytest.fixture
def work(city):
    """Four suggestions: a draft, one submitted, one assigned late (overdue, to unit 0,
    co-signed by deputy 1), one assigned recently to unit 1 and key supervised."""
    draft = flows.draft(city, subject="草稿建议")
    submitted = flows.submitted(city, filer=1, subject="待立案的建议")
    late = flows.registered(city, subject="逾期未答复的建议", cosigners=(1,))
    services.assign_suggestion(by=city["staff"], suggestion=late, lead=city["units"][0], now=at("2026-03-31"))
    recent = flows.assigned(city, filer=2, lead=1, subject="重点督办的建议")
    services.supervise_suggestion(by=city["staff"], suggestion=recent)
    return {"draft": draft, "submitted": submitted, "late": flows.reread(late), "recent": flows.reread(recent)}


# --- scoped lists ------------------------------------------------------------------------------------


def test_each_role_lists_only_the_suggestions_it_may_see(city, work):
    assert set(listed(signed_in(city["deputies"][0].user))) == {work["draft"].pk, work["late"].pk}
    assert set(listed(signed_in(city["deputies"][1].user))) == {work["submitted"].pk, work["late"].pk}  # co-signed
    assert listed(signed_in(city["clerks"][0])) == [work["late"].pk]
    assert listed(signed_in(city["clerks"][2])) == []
    assert set(listed(signed_in(city["staff"]))) == {work["submitted"].pk, work["late"].pk, work["recent"].pk}


@pytest.mark.parametrize(("query", "expected"), [
    ({"status": "submitted"}, ["submitted"]),
    ({"status": "assigned"}, ["recent", "late"]),
    ({"overdue": "yes"}, ["late"]),
    ({"overdue": "no"}, ["recent", "submitted"]),
    ({"key_supervised": "yes"}, ["recent"]),
    ({"q": "逾期"}, ["late"]),
    ({"sort": "due"}, ["late", "recent", "submitted"]),
    ({"sort": "subject"}, ["submitted", "late", "recent"]),
])
def test_staff_filter_and_sort_the_list(city, work, query, expected):
    rows = listed(signed_in(city["staff"]), **query)
    if "sort" in query:
        assert rows == [work[k].pk for k in expected]
    else:
        assert set(rows) == {work[k].pk for k in expected}


def test_filter_by_unit_and_category(city, work):
    category = SuggestionCategoryFactory(congress=city["congress"])
    Suggestion.objects.filter(pk=work["recent"].pk).update(category=category)
    staff = signed_in(city["staff"])
    assert listed(staff, unit=city["units"][0].pk) == [work["late"].pk]
    assert listed(staff, category=category.pk) == [work["recent"].pk]


def test_time_6_the_overdue_suggestion_is_marked(city, work):
    html = signed_in(city["deputies"][0].user).get(reverse("proposals:suggestion-list")).content.decode()
    assert "case-overdue" in html and "Overdue" in html


def test_the_list_pages_by_25(city):
    from .factories import SuggestionFactory

    deputy = city["deputies"][0]
    for n in range(27):
        SuggestionFactory(filed_by=deputy, subject=f"建议{n:02d}", status=Suggestion.Status.SUBMITTED)
    staff = signed_in(city["staff"])
    first = staff.get(reverse("proposals:suggestion-list"))
    assert len(first.context["page"].object_list) == 25
    assert len(listed(staff, page=2)) == 2
    assert "Page 1 of 2" in first.content.decode()


def test_the_export_holds_the_same_filtered_rows(city, work):
    response = signed_in(city["staff"]).get(reverse("proposals:suggestion-export"), {"overdue": "yes"})
    rows = sheet(response)
    assert rows[0][:3] == ["Number", "Subject", "Status"]
    assert [r[1] for r in rows[1:]] == ["逾期未答复的建议"]
    assert rows[1][2] == "Assigned" and rows[1][11] == "Yes"


def test_a_deputy_lists_only_what_they_filed_on_request(city, work):
    cosigner = signed_in(city["deputies"][1].user)
    assert listed(cosigner, mine="on") == [work["submitted"].pk]


def test_a_deputys_export_holds_only_their_rows(city, work):
    rows = sheet(signed_in(city["deputies"][2].user).get(reverse("proposals:suggestion-export")))
    assert [r[1] for r in rows[1:]] == ["重点督办的建议"]


def test_filtering_with_htmx_returns_only_the_results(city, work):
    response = signed_in(city["staff"]).get(reverse("proposals:suggestion-list"), {"status": "submitted"},
                                            headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html and "待立案的建议" in html
    assert "export.xlsx?status=submitted" in html


# --- queues --------------------------------------------------------------------------------------------


def test_register_queue_lists_filters_and_exports(city, work):
    staff = signed_in(city["staff"])
    assert listed(staff, "proposals:register-queue") == [work["submitted"].pk]
    assert listed(staff, "proposals:register-queue", q="没有") == []
    rows = sheet(staff.get(reverse("proposals:register-queue-export")))
    assert [r[0] for r in rows[1:]] == ["待立案的建议"]


def test_sugg_2_assign_queue_shows_the_last_day_to_assign(city):
    suggestion = flows.draft(city, subject="节前的建议")
    services.submit_suggestion(by=city["deputies"][0].user, suggestion=suggestion, now=at("2026-02-12"))
    services.register_suggestion(by=city["staff"], suggestion=suggestion, now=at("2026-02-13"))
    staff = signed_in(city["staff"])
    html = staff.get(reverse("proposals:assign-queue")).content.decode()
    assert '<time datetime="2026-02-26">' in html
    rows = sheet(staff.get(reverse("proposals:assign-queue-export")))
    assert rows[1][1] == "节前的建议" and str(rows[1][6])[:10] == "2026-02-26"


@pytest.mark.parametrize("name", ["register-queue", "register-queue-export", "assign-queue",
                                  "assign-queue-export", "staff-desk"])
@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR])
def test_staff_pages_are_refused_to_other_roles(client_for, name, role):
    assert client_for(role).get(reverse(f"proposals:{name}")).status_code == 403


@pytest.mark.parametrize("role", [Role.STAFF, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR])
def test_the_deputy_desk_is_refused_to_other_roles(client_for, role):
    assert client_for(role).get(reverse("proposals:deputy-desk")).status_code == 403


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR])
def test_the_lists_are_refused_to_roles_without_suggestions(client_for, role):
    assert client_for(role).get(reverse("proposals:suggestion-list")).status_code == 403
    assert client_for(role).get(reverse("proposals:suggestion-export")).status_code == 403


# --- desks and homes ---------------------------------------------------------------------------------


def test_deputy_desk_and_home_show_replies_to_rate_and_my_suggestions(city):
    suggestion = flows.replied(city, subject="等待评价的建议")
    deputy = signed_in(city["deputies"][0].user)
    for url in (reverse("proposals:deputy-desk"), "/"):
        html = deputy.get(url).content.decode()
        assert "Replies to rate" in html and reverse("proposals:reply-rate", args=[
            suggestion.case.replies.get().pk]) in html
        assert "My suggestions" in html and "等待评价的建议" in html


def test_unit_clerk_home_lists_what_is_due_overdue_first(city, work):
    html = signed_in(city["clerks"][0]).get("/").content.decode()
    assert "逾期未答复的建议" in html and "case-overdue" in html
    assert "重点督办的建议" not in html  # another unit's


def test_staff_home_and_desk_show_the_queues_and_charts(city, work):
    staff = signed_in(city["staff"])
    home = staff.get("/").content.decode()
    assert reverse("proposals:register-queue") in home and reverse("proposals:assign-queue") in home
    desk = staff.get(reverse("proposals:staff-desk"))
    overview = desk.context["overview"]
    assert (overview.to_register, overview.overdue, overview.key_supervised) == (1, 1, 1)
    html = desk.content.decode()
    assert 'data-chart-url="/api/casework/charts/late-by-unit?kind=suggestion"' in html
    assert city["units"][0].name in html
