"""The calendar page and the deadline calculator, as staff and other roles see them."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.accounts.roles import Role
from core.workcalendar import services
from core.workcalendar.models import CalendarYear, Holiday

from .conftest import xlsx_upload

pytestmark = pytest.mark.django_db

D = date.fromisoformat
CALENDAR = "/calendar/"


def test_urls_are_where_the_shell_expects_them():
    assert reverse("workcalendar:calendar") == CALENDAR
    assert reverse("workcalendar:deadline") == "/calendar/deadline/"


def test_staff_see_holidays_by_year_with_forms(client_for, users):
    services.holiday_add(by=users[Role.STAFF], date=D("2026-04-20"), kind="holiday", name="本地假日")
    page = client_for(Role.STAFF).get(CALENDAR, {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026-04-20" in html and "本地假日" in html
    assert "2026-10-01" in html  # chinese-calendar's National Day, read-only
    assert reverse("workcalendar:holiday_add") in html
    assert reverse("workcalendar:import") in html


def test_time_4_staff_are_warned_about_a_provisional_year(client_for):
    page = client_for(Role.STAFF).get(CALENDAR, {"year": 2027})
    html = page.content.decode()
    assert "The official holiday schedule for 2027 has not been entered" in html
    assert reverse("workcalendar:year_complete", args=[2027]) in html


def test_time_4_warning_goes_once_the_schedule_is_entered(client_for):
    staff = client_for(Role.STAFF)
    response = staff.post(reverse("workcalendar:year_complete", args=[2027]), {"complete": "1"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).is_complete is True
    html = staff.get(CALENDAR, {"year": 2027}).content.decode()
    assert "The official holiday schedule for 2027 has not been entered" not in html


def test_deputy_sees_the_calendar_without_forms(client_for):
    page = client_for(Role.DEPUTY).get(CALENDAR, {"year": 2026})
    assert page.status_code == 200
    assert reverse("workcalendar:holiday_add") not in page.content.decode()


def test_staff_add_edit_and_remove_without_javascript(client_for):
    staff = client_for(Role.STAFF)
    added = staff.post(
        reverse("workcalendar:holiday_add"),
        {"date": "2027-01-02", "kind": "workday", "name": "调休", "note": ""},
    )
    assert added.status_code == 302 and added.url.endswith("?year=2027")
    row = Holiday.objects.get()
    assert (row.date, row.kind) == (D("2027-01-02"), "workday")

    form = staff.get(reverse("workcalendar:holiday_edit", args=[row.pk]))
    assert form.status_code == 200 and "调休" in form.content.decode()
    edited = staff.post(
        reverse("workcalendar:holiday_edit", args=[row.pk]),
        {"date": "2027-01-04", "kind": "holiday", "name": "元旦", "note": ""},
    )
    assert edited.status_code == 302
    row.refresh_from_db()
    assert (row.date, row.kind) == (D("2027-01-04"), "holiday")

    removed = staff.post(reverse("workcalendar:holiday_delete", args=[row.pk]))
    assert removed.status_code == 302
    assert not Holiday.objects.exists()


def test_bad_holiday_form_is_shown_again_with_reasons(client_for):
    staff = client_for(Role.STAFF)
    services_page = staff.post(reverse("workcalendar:holiday_add"), {"date": "2027-02-30", "kind": "holiday"})
    assert services_page.status_code == 422
    assert not Holiday.objects.exists()
    staff.post(
        reverse("workcalendar:holiday_add"), {"date": "2027-01-02", "kind": "holiday", "name": "测试假日"}
    )
    duplicate = staff.post(reverse("workcalendar:holiday_add"), {"date": "2027-01-02", "kind": "workday"})
    assert duplicate.status_code == 422
    assert "already in the table" in duplicate.content.decode()


def test_import_page_reports_row_numbers(client_for):
    staff = client_for(Role.STAFF)
    upload = xlsx_upload([("2027-01-01", "holiday", "元旦"), ("2027-01-32", "holiday", "x")])
    response = staff.post(reverse("workcalendar:import"), {"file": upload, "year": "2027"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "row 3" in html
    assert not Holiday.objects.exists()

    good = staff.post(
        reverse("workcalendar:import"), {"file": xlsx_upload([("2027-01-01", "holiday", "元旦")])}
    )
    assert good.status_code == 302
    assert Holiday.objects.count() == 1


def test_import_page_refuses_a_non_workbook(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("holidays.xlsx", b"not a workbook")
    response = client_for(Role.STAFF).post(reverse("workcalendar:import"), {"file": fake})
    assert response.status_code == 422
    assert "not an Excel workbook" in response.content.decode()


EDIT_PAGES = [
    ("post", "workcalendar:holiday_add", [], {"date": "2027-01-02", "kind": "holiday", "name": "测试假日"}),
    ("post", "workcalendar:import", [], {}),
    ("post", "workcalendar:year_complete", [2027], {"complete": "1"}),
]


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
@pytest.mark.parametrize(("method", "name", "args", "data"), EDIT_PAGES)
def test_calendar_edit_pages_refused_for_other_roles(client_for, role, method, name, args, data):
    response = getattr(client_for(role), method)(reverse(name, args=args), data)
    assert response.status_code == 403
    assert not Holiday.objects.exists() and not CalendarYear.objects.exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC, None])
def test_edit_and_delete_of_a_row_refused_for_other_roles(client_for, users, role):
    row = services.holiday_add(by=users[Role.STAFF], date=D("2027-01-02"), kind="holiday", name="测试假日")
    client = client_for(role)
    assert client.get(reverse("workcalendar:holiday_edit", args=[row.pk])).status_code in (302, 403)
    assert client.post(reverse("workcalendar:holiday_delete", args=[row.pk])).status_code in (302, 403)
    assert Holiday.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(("method", "name", "args", "data"), EDIT_PAGES)
def test_anonymous_is_sent_to_sign_in(client_for, method, name, args, data):
    response = getattr(client_for(None), method)(reverse(name, args=args), data)
    assert response.status_code == 302
    assert "login" in response.url
    assert not Holiday.objects.exists() and not CalendarYear.objects.exists()
    assert client_for(None).get(CALENDAR).status_code == 302


def test_deadline_calculator(client_for):
    page = client_for(Role.DEPUTY).get(
        reverse("workcalendar:deadline"), {"from": "2026-07-01", "months": "3"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'datetime="2026-10-08"' in html
    assert "provisional" not in html.split('id="deadline-result"')[1]


def test_deadline_calculator_marks_provisional_dates(client_for):
    page = client_for(Role.UNIT_CLERK).get(
        reverse("workcalendar:deadline"), {"from": "2026-12-30", "working_days": "5"}
    )
    html = page.content.decode()
    assert 'datetime="2027-01-07"' in html
    assert "provisional" in html.split('id="deadline-result"')[1]


def test_deadline_calculator_explains_bad_input(client_for):
    page = client_for(Role.STAFF).get(
        reverse("workcalendar:deadline"), {"from": "2026-07-01", "months": "3", "days": "4"}
    )
    assert page.status_code == 422
    assert "Give only one of months, days or working days." in page.content.decode()


def test_deadline_calculator_empty_form(client_for):
    page = client_for(Role.STAFF).get(reverse("workcalendar:deadline"))
    assert page.status_code == 200


def test_deadline_calculator_htmx_partial(client_for):
    page = client_for(Role.STAFF).get(
        reverse("workcalendar:deadline"), {"from": "2026-03-02", "days": "60"}, HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="deadline-result"')
    assert 'datetime="2026-05-06"' in html
