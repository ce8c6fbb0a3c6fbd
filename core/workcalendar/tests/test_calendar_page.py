"""The calendar page as staff meet it: readable rows on a phone, a second step before a
removal or before marking a year's schedule entered, holiday names in the reader's language
and in plain words, and no holiday without its name."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.accounts.roles import Role
from core.workcalendar import services
from core.workcalendar.models import CalendarYear, Holiday

from .conftest import xlsx_upload

pytestmark = pytest.mark.django_db

D = date.fromisoformat
CALENDAR = "/calendar/"


class _Cells(HTMLParser):
    """Collects, for each <table class="… table-cards …">, its header names and each body
    cell's data-label; and the submit buttons found inside a <details> of each form."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._in_table = self._in_th = False
        self.forms: list[dict] = []
        self._details = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "table-cards" in (attrs.get("class") or ""):
            self.tables.append({"headers": [], "labels": []})
            self._in_table = True
        elif self._in_table and tag == "th":
            self._in_th = True
            self.tables[-1]["headers"].append("")
        elif self._in_table and tag == "td":
            self.tables[-1]["labels"].append(attrs.get("data-label"))
        elif tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "buttons": []})
        elif tag == "details":
            self._details += 1
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append({"in_details": self._details > 0})

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "th":
            self._in_th = False
        elif tag == "details":
            self._details -= 1

    def handle_data(self, data):
        if self._in_th:
            self.tables[-1]["headers"][-1] += data.strip()


def _parsed(response) -> _Cells:
    parser = _Cells()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def staff(users):
    return users[Role.STAFF]


@pytest.fixture
def staff_client(client_for):
    return client_for(Role.STAFF)


def test_each_cell_of_the_staff_table_carries_its_column_name_for_the_phone_layout(staff, staff_client):
    """On a 390 px phone each row is shown as a card, every value under its column's name
    (the table's columns were crushed to a character or two per line)."""
    services.holiday_add(by=staff, date=D("2027-02-08"), kind="holiday", name="春节", note="通知")
    page = _parsed(staff_client.get(CALENDAR, {"year": 2027}))
    table = page.tables[0]
    assert table["labels"] == table["headers"] == ["Date", "Weekday", "Kind", "Name", "Note", "Actions"]
    css = (Path(settings.BASE_DIR) / "static" / "css" / "datong.css").read_text()
    assert re.search(r"@media \(max-width: 47\.99em\) \{\s*\.table-cards", css)
    assert ".table-cards td::before { content: attr(data-label)" in css


def test_the_published_schedule_rows_carry_their_column_names_too(staff_client):
    page = _parsed(staff_client.get(CALENDAR, {"year": 2026}))
    library = page.tables[-1]
    assert set(library["labels"]) == {"Date", "Weekday", "Kind", "Name"}


def test_remove_asks_for_confirmation_on_its_own_page_first(staff, staff_client):
    row = services.holiday_add(by=staff, date=D("2027-02-08"), kind="holiday", name="春节")
    calendar_page = staff_client.get(CALENDAR, {"year": 2027})
    delete_url = reverse("workcalendar:holiday_delete", args=[row.pk])
    # The calendar page links to the confirmation; no form on it removes the row at once.
    assert f'href="{delete_url}"' in calendar_page.content.decode()
    assert all(form["action"] != delete_url for form in _parsed(calendar_page).forms)

    confirm = staff_client.get(delete_url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "2027-02-08" in html and "春节" in html
    assert "Remove this entry" in html
    assert Holiday.objects.filter(pk=row.pk).exists()

    done = staff_client.post(delete_url)
    assert done.status_code == 302 and done.url.endswith("?year=2027")
    assert not Holiday.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
def test_the_confirmation_page_is_refused_to_other_roles(staff, client_for, role):
    row = services.holiday_add(by=staff, date=D("2027-02-08"), kind="holiday", name="春节")
    assert client_for(role).get(reverse("workcalendar:holiday_delete", args=[row.pk])).status_code == 403


def test_marking_the_schedule_entered_takes_a_second_deliberate_step(staff_client):
    """The button that marks the year's schedule entered sits inside a fold that must be
    opened first; the form still posts without JavaScript."""
    page = _parsed(staff_client.get(CALENDAR, {"year": 2027}))
    action = reverse("workcalendar:year_complete", args=[2027])
    form = next(f for f in page.forms if f["action"] == action)
    assert form["buttons"] and all(button["in_details"] for button in form["buttons"])
    assert not CalendarYear.objects.exists()

    staff_client.post(action, {"complete": "1"})
    again = _parsed(staff_client.get(CALENDAR, {"year": 2027}))
    form = next(f for f in again.forms if f["action"] == action)
    assert form["buttons"] and all(button["in_details"] for button in form["buttons"])


def test_published_holiday_names_are_in_english_for_an_english_reader(staff_client):
    html = staff_client.get(CALENDAR, {"year": 2026}).content.decode()
    assert "New Year&#x27;s Day" in html or "New Year's Day" in html
    assert "元旦" not in html and "国庆节" not in html


def test_published_holiday_names_are_in_chinese_for_a_chinese_reader(staff, staff_client):
    staff.language = "zh-hans"
    staff.save(update_fields=["language"])
    html = staff_client.get(CALENDAR, {"year": 2026}).content.decode()
    with translation.override("zh-hans"):
        national_day = translation.pgettext("holiday", "National Day")
    assert national_day in html
    assert " / National Day" not in html and " / New Year" not in html


def test_the_page_names_the_source_in_plain_words(staff_client):
    html = staff_client.get(CALENDAR, {"year": 2026}).content.decode()
    assert "chinese-calendar" not in html
    assert "General Office of the State Council" in html


def test_a_holiday_without_a_name_is_refused_with_the_reason_at_the_field(staff_client):
    response = staff_client.post(
        reverse("workcalendar:holiday_add"), {"date": "2027-02-08", "kind": "holiday", "name": " "}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Give the name of the holiday." in html
    assert re.search(r'<ul class="errorlist"[^>]*>\s*<li>Give the name of the holiday\.</li>', html)
    assert not Holiday.objects.exists()


def test_editing_a_holiday_may_not_blank_its_name(staff, staff_client):
    row = services.holiday_add(by=staff, date=D("2027-02-08"), kind="holiday", name="春节")
    response = staff_client.post(
        reverse("workcalendar:holiday_edit", args=[row.pk]),
        {"date": "2027-02-08", "kind": "holiday", "name": ""},
    )
    assert response.status_code == 422
    assert "Give the name of the holiday." in response.content.decode()
    row.refresh_from_db()
    assert row.name == "春节"


def test_a_make_up_working_day_may_go_without_a_name_and_shows_a_dash(staff_client):
    added = staff_client.post(
        reverse("workcalendar:holiday_add"), {"date": "2027-02-20", "kind": "workday", "name": ""}
    )
    assert added.status_code == 302
    html = staff_client.get(CALENDAR, {"year": 2027}).content.decode()
    assert re.search(r'data-label="Name">—</td>', html)


def test_time_4_the_service_and_the_api_refuse_a_nameless_holiday(staff, client_for):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        services.holiday_add(by=staff, date=D("2027-02-08"), kind="holiday", name="")
    assert "name" in refused.value.details
    api = client_for(Role.STAFF).post(
        "/api/calendar/holidays", {"date": "2027-02-08", "kind": "holiday"}, content_type="application/json"
    )
    assert api.status_code == 422
    assert not Holiday.objects.exists()


def test_time_4_an_import_row_naming_no_holiday_is_reported(staff_client):
    upload = xlsx_upload([("2027-02-08", "holiday", ""), ("2027-02-20", "workday", "")])
    response = staff_client.post(reverse("workcalendar:import"), {"file": upload, "year": "2027"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "row 2" in html and "a holiday needs its name" in html
    assert "row 3" not in html
    assert not Holiday.objects.exists()
