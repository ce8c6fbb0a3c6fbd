"""The message pages (issue 5 items 1, 3, 4, 6, 7): the citizen's form and tracking, "my
messages", the phone entry, the triage list and a message's page with its actions, and the
handling unit's pages; each for the roles that may use it and refused to every other."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework.models import Assignment
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from voices import services
from voices.forms import NOTICE_VERSION
from voices.models import Message, MessageCategory, PersonalDataView
from voices.rules import display_tracking_number

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MASKED_PHONE = "138****5678"
NAME = "王小明"
SUBJECT = "测试路路灯坏了"
BODY = "测试路三号门前的路灯坏了一个月，晚上很黑，请尽快修理。"
LETTER = b"%PDF-1.4\n% signed\n%%EOF\n"


# --- the city and its people ---------------------------------------------------------------------


@pytest.fixture
def city(db):
    from core.organisation.tests.factories import (
        CongressFactory,
        DistrictFactory,
        HandlingUnitFactory,
        TermFactory,
    )

    congress = CongressFactory()
    TermFactory(congress=congress, is_current=True)
    roads = HandlingUnitFactory(congress=congress, name="测试市交通运输局")
    housing = HandlingUnitFactory(congress=congress, name="测试市住房和城乡建设局")
    return {
        "congress": congress,
        "district": DistrictFactory(congress=congress, name="测试东区"),
        "other_district": DistrictFactory(congress=congress, name="测试西区"),
        "roads": roads,
        "housing": housing,
        "lights": MessageCategory.objects.create(congress=congress, code="lights", name="路灯照明", unit=roads),
        "homes": MessageCategory.objects.create(congress=congress, code="homes", name="住房", unit=housing),
    }


@pytest.fixture
def people(city, make_user):
    from core.organisation.tests.factories import DelegationFactory, DeputyFactory, TermFactory

    term = TermFactory(congress=city["congress"])
    deputy = make_user(Role.DEPUTY)
    DeputyFactory(delegation=DelegationFactory(term=term, district=city["district"]), user=deputy)
    return {
        Role.STAFF: make_user(Role.STAFF),
        Role.DEPUTY: deputy,
        Role.UNIT_CLERK: make_user(Role.UNIT_CLERK, handling_unit=city["roads"]),
        "other_clerk": make_user(Role.UNIT_CLERK, handling_unit=city["housing"]),
        Role.CITIZEN: make_user(Role.CITIZEN),
        "other_citizen": make_user(Role.CITIZEN),
        Role.PUBLIC: make_user(Role.PUBLIC),
        Role.ADMINISTRATOR: make_user(Role.ADMINISTRATOR),
    }


@pytest.fixture
def as_(people):
    """`as_(who)`: a client signed in as one of `people` (None: anonymous)."""

    def make(who):
        client = Client()
        if who is not None:
            client.force_login(people[who])
        return client

    return make


@pytest.fixture
def make_message(city, people):
    """A message received through the service (a phone call entered by staff by default)."""

    def make(**kwargs):
        values = {
            "by": people[Role.STAFF], "congress": city["congress"], "channel": "phone", "regime": "hotline",
            "subject": SUBJECT, "body": BODY, "district": city["district"], "name": NAME, "phone": PHONE,
            "notice_version": NOTICE_VERSION, "classify": False, "quiet": True,
        }
        values.update(kwargs)
        return services.receive_message(**values)

    return make


def route(message, people, city, unit="roads"):
    return services.route_message(by=people[Role.STAFF], message=message, category=city["lights"], unit=city[unit])


def shown(message) -> str:
    """The tracking number as every page writes it (M261127-KME417-Y)."""
    return display_tracking_number(message.tracking_number)


def form_data(**kwargs) -> dict:
    data = {"regime": "hotline", "nature": "help", "subject": SUBJECT, "body": BODY, "age_band": "adult",
            "name": NAME, "phone": PHONE}
    data.update(kwargs)
    return data


def text(response) -> str:
    return response.content.decode()


# --- the citizen's form (SEC-4..7, SEC-15) -------------------------------------------------------


def test_the_form_shows_the_privacy_notice_and_its_version(city, as_):
    """SEC-4: the notice is on the form."""
    response = as_(None).get(reverse("voices:message-create"))
    assert response.status_code == 200
    assert "How your personal information is used" in text(response)
    assert NOTICE_VERSION in text(response)


def test_a_visitor_sends_a_message_and_gets_a_tracking_number(city, as_):
    client = as_(None)
    response = client.post(reverse("voices:message-create"), form_data(district=city["district"].pk), follow=True)
    message = Message.objects.get()
    assert response.redirect_chain[-1][0] == reverse("voices:message-sent")
    assert display_tracking_number(message.tracking_number) in text(response)
    assert message.channel == "web"
    assert message.notice_version == NOTICE_VERSION  # SEC-4: what the sender was told


def test_confidentiality_and_consent_to_be_named_are_recorded_separately(city, as_):
    """SEC-15 and SEC-6: two boxes, two answers."""
    as_(None).post(reverse("voices:message-create"), form_data(is_confidential="on"))
    message = Message.objects.get()
    assert message.is_confidential is True
    assert message.consent_to_publish_name is False


def test_the_confirmation_needs_the_sending_session(city, as_):
    response = as_(None).get(reverse("voices:message-sent"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("voices:message-create")


def test_form_errors_are_shown_and_nothing_is_received(city, as_):
    response = as_(None).post(reverse("voices:message-create"), form_data(subject="", body=""))
    assert response.status_code == 422
    assert "This field is required." in text(response)
    assert not Message.objects.exists()


def test_an_under_14_giving_a_name_needs_a_guardians_consent(city, as_):
    """SEC-7: refused with the reason shown, nothing received."""
    response = as_(None).post(reverse("voices:message-create"), form_data(age_band="under_14"))
    assert response.status_code == 422
    assert "guardian" in text(response)
    assert not Message.objects.exists()


def test_an_under_14_with_a_guardians_consent_is_received(city, as_):
    """SEC-7."""
    response = as_(None).post(reverse("voices:message-create"),
                              form_data(age_band="under_14", guardian_consent="on"))
    assert response.status_code == 302
    assert Message.objects.get().guardian_consent is True


def test_a_signed_in_citizen_is_the_submitter(city, people, as_):
    as_(Role.CITIZEN).post(reverse("voices:message-create"), form_data())
    assert Message.objects.get().submitter == people[Role.CITIZEN]


# --- tracking ------------------------------------------------------------------------------------


def test_tracking_shows_the_status_but_no_personal_data(make_message, as_):
    message = make_message()
    response = as_(None).get(reverse("voices:track"), {"tracking_number": message.tracking_number.lower()})
    assert response.status_code == 200
    page = text(response)
    assert display_tracking_number(message.tracking_number) in page
    assert "Received" in page
    for personal in (NAME, PHONE, MASKED_PHONE, "王*"):
        assert personal not in page


def test_tracking_shows_the_routing(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    response = as_(None).get(reverse("voices:track"), {"tracking_number": message.tracking_number})
    assert "Being handled" in text(response)
    assert "Accepted and routed" in text(response)  # with its date


def test_an_unknown_tracking_number_says_so(city, as_):
    response = as_(None).get(reverse("voices:track"), {"tracking_number": "NO-SUCH-NUMBER"})
    assert response.status_code == 404
    assert "No message has this tracking number" in text(response)


# --- my messages (SEC-13) ------------------------------------------------------------------------


def test_my_messages_lists_only_my_own(make_message, people, as_):
    mine = make_message(submitter=people[Role.CITIZEN], subject="我的留言")
    make_message(submitter=people["other_citizen"], subject="别人的留言")
    response = as_(Role.CITIZEN).get(reverse("voices:my-messages"))
    assert response.status_code == 200
    assert shown(mine) in text(response)
    assert "别人的留言" not in text(response)


def test_my_data_export_holds_my_contact_data_in_full(make_message, people, as_):
    """SEC-13: access and copy one's own data, as JSON and xlsx."""
    make_message(submitter=people[Role.CITIZEN])
    make_message(submitter=people["other_citizen"], phone="13999999999")
    client = as_(Role.CITIZEN)
    data = json.loads(client.get(reverse("voices:my-export-json")).content)
    assert [m["phone"] for m in data["messages"]] == [PHONE]
    response = client.get(reverse("voices:my-export-xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert PHONE in values and NAME in values
    assert "13999999999" not in values


def test_my_messages_needs_an_account(city, as_):
    response = as_(None).get(reverse("voices:my-messages"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.headers["Location"]


# --- the phone entry -----------------------------------------------------------------------------


def test_staff_enter_a_phone_call(city, people, as_):
    response = as_(Role.STAFF).post(reverse("voices:phone-entry"), form_data(), follow=True)
    message = Message.objects.get()
    assert message.channel == "phone"
    assert message.entered_by == people[Role.STAFF]
    assert display_tracking_number(message.tracking_number) in text(response)


@pytest.mark.parametrize("who", [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK, Role.PUBLIC, Role.ADMINISTRATOR])
def test_only_staff_enter_phone_calls(city, as_, who):
    client = as_(who)
    assert client.get(reverse("voices:phone-entry")).status_code == 403
    assert client.post(reverse("voices:phone-entry"), form_data()).status_code == 403
    assert not Message.objects.exists()


# --- the triage list ------------------------------------------------------------------------------


def test_staff_filter_the_messages(make_message, city, people, as_):
    routed = make_message(subject="已分办的留言")
    route(routed, people, city)
    waiting = make_message(subject="待分办的留言")
    response = as_(Role.STAFF).get(reverse("voices:message-list"), {"status": "received"})
    assert response.status_code == 200
    assert shown(waiting) in text(response)
    assert shown(routed) not in text(response)


def test_staff_filter_by_the_state_the_rows_show(make_message, city, people, as_):
    """Being handled, replied (the call-backs due, MSG-4), closed: what the rows say, where the
    message's own status says "accepted" for all three."""
    handling = make_message(subject="办理中的留言")
    route(handling, people, city)
    replied = make_message(subject="已答复的留言")
    route(replied, people, city)
    assignment = Assignment.objects.get(case=replied.case)
    as_(Role.UNIT_CLERK).post(reverse("voices:message-reply", args=[assignment.pk]), {
        "reply_class": "A", "body": "已修复。", "signed_by": "王局长",
        "letter": SimpleUploadedFile("reply.pdf", LETTER, content_type="application/pdf"),
    })
    waiting = make_message(subject="待分办的留言")
    staff = as_(Role.STAFF)
    for state, expected in (("handling", handling), ("replied", replied), ("received", waiting)):
        page = text(staff.get(reverse("voices:message-list"), {"status": state}))
        listed = [m for m in (handling, replied, waiting) if shown(m) in page]
        assert listed == [expected], state
    assert "Being handled" in text(staff.get(reverse("voices:message-list")))  # offered as a choice


def test_staff_filter_by_district_and_regime(make_message, city, as_):
    east = make_message(subject="东区的留言")
    make_message(subject="西区的留言", district=city["other_district"])
    make_message(subject="东区的信访", regime="petition")
    response = as_(Role.STAFF).get(reverse("voices:message-list"),
                                   {"district": city["district"].pk, "regime": "hotline"})
    assert shown(east) in text(response)
    assert "西区的留言" not in text(response) and "东区的信访" not in text(response)


def test_staff_search_the_messages(make_message, as_):
    make_message(subject="噪音扰民")
    make_message(subject="路面塌陷")
    response = as_(Role.STAFF).get(reverse("voices:message-list"), {"q": "噪音"})
    assert "噪音扰民" in text(response)
    assert "路面塌陷" not in text(response)


def test_the_list_exports_its_rows_without_contact_data(make_message, as_):
    message = make_message()
    response = as_(Role.STAFF).get(reverse("voices:message-export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert message.tracking_number in values
    assert PHONE not in values and NAME not in values


def test_the_list_answers_htmx_with_its_results_only(make_message, as_):
    make_message()
    response = as_(Role.STAFF).get(reverse("voices:message-list"), HTTP_HX_REQUEST="true")
    assert text(response).lstrip().startswith('<div id="results">')


# Pages by cursor and counts without COUNT(*) (issue 5: lists fast at 10,000,000 messages).


@pytest.fixture
def small_pages(monkeypatch):
    """Two rows a page, so a few messages make several pages."""
    from voices.views import common

    monkeypatch.setattr(common, "PAGE_SIZE", 2)


def cursor_link(page: str) -> str:
    """The "Next" link's query string (the pager keeps the filters and adds the cursor)."""
    found = re.search(r'<a href="\?([^"]*)" rel="next"', page)
    assert found, "no Next link"
    return found.group(1).replace("&amp;", "&")


def test_next_page_by_cursor_shows_the_following_messages(make_message, small_pages, as_):
    made = [make_message(subject=f"第{n}条留言") for n in range(5)]
    newest_first = [shown(m) for m in reversed(made)]
    client = as_(Role.STAFF)
    first = text(client.get(reverse("voices:message-list")))
    assert all(n in first for n in newest_first[:2]) and not any(n in first for n in newest_first[2:])
    assert 'rel="first"' not in first  # already the first page
    second = text(client.get(reverse("voices:message-list") + "?" + cursor_link(first)))
    assert all(n in second for n in newest_first[2:4]) and not any(n in second for n in newest_first[:2] + newest_first[4:])
    assert 'rel="first"' in second and "First page" in second
    third = text(client.get(reverse("voices:message-list") + "?" + cursor_link(second)))
    assert newest_first[4] in third and 'rel="next"' not in third


def test_the_next_link_keeps_the_filters(make_message, city, small_pages, as_):
    for n in range(3):
        make_message(subject=f"东区{n}")
    make_message(subject="西区的留言", district=city["other_district"])
    client = as_(Role.STAFF)
    first = text(client.get(reverse("voices:message-list"), {"district": city["district"].pk}))
    link = cursor_link(first)
    assert f"district={city['district'].pk}" in link and "cursor=" in link
    second = text(client.get(reverse("voices:message-list") + "?" + link))
    assert "东区0" in second and "西区的留言" not in second


def test_the_list_says_how_many_messages_it_holds(make_message, small_pages, as_):
    for _n in range(3):
        make_message()
    client = as_(Role.STAFF)
    assert "3 messages" in text(client.get(reverse("voices:message-list")))
    assert "1 message<" in text(client.get(reverse("voices:message-list"), {"q": Message.objects.first().tracking_number}))
    assert "3 messages" in text(client.get(reverse("voices:message-list"), {"status": "received"}))


def test_a_count_past_the_cap_says_more_than(make_message, small_pages, monkeypatch, as_):
    """Past the cap the list is not counted further: "more than N messages"."""
    from voices import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _n in range(5):
        make_message()
    page = text(as_(Role.STAFF).get(reverse("voices:message-list"), {"status": "received"}))
    assert "more than 3 messages" in page


def test_the_export_holds_every_filtered_row_not_only_the_page(make_message, city, small_pages, as_):
    east = [make_message(subject=f"东区{n}").tracking_number for n in range(5)]
    make_message(subject="西区的留言", district=city["other_district"])
    response = as_(Role.STAFF).get(reverse("voices:message-export"), {"district": city["district"].pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == sorted(east)


def test_the_export_stops_at_its_cap_and_says_so(make_message, monkeypatch, as_):
    from voices.views import office

    monkeypatch.setattr(office, "EXPORT_MAX", 2)
    for _n in range(3):
        make_message()
    client = as_(Role.STAFF)
    assert "at most 2 messages" in text(client.get(reverse("voices:message-list")))
    workbook = load_workbook(io.BytesIO(client.get(reverse("voices:message-export")).content))
    assert len(list(workbook.worksheets[0].iter_rows(min_row=2))) == 2
    notes = [cell for row in workbook.worksheets[1].iter_rows(values_only=True) for cell in row]
    assert any("at most 2 messages" in str(note) for note in notes)


@pytest.mark.parametrize("who", [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK, Role.PUBLIC, Role.ADMINISTRATOR])
@pytest.mark.parametrize("name", ["voices:message-list", "voices:message-export"])
def test_only_staff_see_the_triage_list(city, as_, who, name):
    assert as_(who).get(reverse(name)).status_code == 403


# --- a message's page: masked, revealed (SEC-8) ----------------------------------------------------


def test_staff_see_the_contact_data_masked(make_message, as_):
    message = make_message()
    page = text(as_(Role.STAFF).get(reverse("voices:message-detail", args=[message.pk])))
    assert MASKED_PHONE in page
    assert PHONE not in page
    assert "Show personal data" in page


def test_revealing_shows_the_data_in_full_and_is_logged(make_message, people, as_):
    """SEC-8: the reveal goes through the service, which logs the view."""
    message = make_message()
    response = as_(Role.STAFF).post(reverse("voices:message-reveal", args=[message.pk]), {"purpose": "回访"})
    assert response.status_code == 200
    assert PHONE in text(response) and NAME in text(response)
    view = PersonalDataView.objects.get()
    assert (view.message, view.viewer) == (message, people[Role.STAFF])


def test_revealing_with_htmx_swaps_the_contact_panel_only(make_message, as_):
    message = make_message()
    response = as_(Role.STAFF).post(reverse("voices:message-reveal", args=[message.pk]), HTTP_HX_REQUEST="true")
    assert text(response).lstrip().startswith('<section class="panel" id="contact"')
    assert PHONE in text(response)


@pytest.mark.parametrize("who", [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK, Role.PUBLIC, Role.ADMINISTRATOR])
def test_only_staff_reveal_personal_data(make_message, people, city, as_, who):
    message = make_message(submitter=people[Role.CITIZEN])
    route(message, people, city)
    assert as_(who).post(reverse("voices:message-reveal", args=[message.pk])).status_code == 403
    assert not PersonalDataView.objects.exists()


def test_staff_find_a_callers_messages_by_phone_and_the_search_is_logged(make_message, people, as_):
    """SEC-8: the number is posted (never in the URL); the list shows the caller's messages."""
    mine = make_message(subject="我家门口路灯不亮")
    make_message(subject="别人的事", phone="13912345678")
    client = as_(Role.STAFF)
    assert reverse("voices:caller-messages") in text(client.get(reverse("voices:message-list")))
    assert client.get(reverse("voices:caller-messages")).status_code == 200
    response = client.post(reverse("voices:caller-messages"), {"phone": "+86 138 1234 5678", "purpose": "来电"})
    page = text(response)
    assert response.status_code == 200
    assert shown(mine) in page and "我家门口路灯不亮" in page and "别人的事" not in page
    assert "1 message from this number" in page
    assert AuditEntry.objects.filter(action="voices.phone_search", actor_id=people[Role.STAFF].pk).count() == 1


def test_staff_reading_a_message_find_the_other_messages_from_its_number(make_message, people, as_):
    earlier = make_message(subject="上次来电反映的事")
    reading = make_message(subject="这次来电")
    no_phone = make_message(phone="", subject="没有电话")
    client = as_(Role.STAFF)
    page = text(client.get(reverse("voices:message-detail", args=[reading.pk])))
    assert reverse("voices:message-caller", args=[reading.pk]) in page
    absent = text(client.get(reverse("voices:message-detail", args=[no_phone.pk])))
    assert reverse("voices:message-caller", args=[no_phone.pk]) not in absent
    refused = client.post(reverse("voices:message-caller", args=[reading.pk]), {"purpose": ""})
    assert refused.status_code == 422 and "This field is required." in text(refused)
    response = client.post(reverse("voices:message-caller", args=[reading.pk]), {"purpose": "重复来电"})
    assert response.status_code == 200
    assert "上次来电反映的事" in text(response) and shown(earlier) in text(response)
    assert PHONE not in text(response) and "没有电话" not in text(response)
    assert AuditEntry.objects.filter(action="voices.phone_search", target_id=str(reading.pk)).count() == 1


def test_a_caller_search_with_no_phone_number_says_so(as_):
    response = as_(Role.STAFF).post(reverse("voices:caller-messages"), {"phone": "电话", "purpose": "来电"})
    assert response.status_code == 422
    assert "This is not a phone number:" in text(response)
    assert not AuditEntry.objects.filter(action="voices.phone_search").exists()


@pytest.mark.parametrize("who", [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK, Role.PUBLIC, Role.ADMINISTRATOR])
def test_only_staff_search_messages_by_phone(make_message, as_, who):
    make_message()
    client = as_(who)
    assert client.get(reverse("voices:caller-messages")).status_code == 403
    assert client.post(reverse("voices:caller-messages"), {"phone": PHONE, "purpose": "来电"}).status_code == 403
    message = Message.objects.get()
    assert client.post(reverse("voices:message-caller", args=[message.pk]), {"purpose": "来电"}).status_code == 403
    assert not AuditEntry.objects.filter(action="voices.phone_search").exists()


def test_the_handling_unit_sees_the_contact_masked(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    page = text(as_(Role.UNIT_CLERK).get(reverse("voices:message-detail", args=[message.pk])))
    assert MASKED_PHONE in page and PHONE not in page
    assert "Show personal data" not in page


def test_a_confidential_senders_identity_is_withheld_from_the_unit(make_message, people, city, as_):
    """SEC-15: the unit handling it never sees who wrote."""
    message = make_message(is_confidential=True)
    route(message, people, city)
    page = text(as_(Role.UNIT_CLERK).get(reverse("voices:message-detail", args=[message.pk])))
    assert "identity is withheld" in page
    assert MASKED_PHONE not in page and "王*" not in page


def test_a_deputy_sees_their_districts_message_with_the_name_masked_and_no_phone(make_message, city, as_):
    """SEC-8: least privilege for deputies."""
    message = make_message()
    page = text(as_(Role.DEPUTY).get(reverse("voices:message-detail", args=[message.pk])))
    assert "王**" in page
    assert MASKED_PHONE not in page and PHONE not in page
    other = make_message(district=city["other_district"])
    assert as_(Role.DEPUTY).get(reverse("voices:message-detail", args=[other.pk])).status_code == 404


def test_a_unit_cannot_open_a_message_not_assigned_to_it(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    assert as_("other_clerk").get(reverse("voices:message-detail", args=[message.pk])).status_code == 404


def test_a_citizen_sees_their_own_message_and_no_one_elses(make_message, people, as_):
    message = make_message(submitter=people[Role.CITIZEN])
    assert as_(Role.CITIZEN).get(reverse("voices:message-detail", args=[message.pk])).status_code == 200
    assert as_("other_citizen").get(reverse("voices:message-detail", args=[message.pk])).status_code == 404


# --- routing (SEC-10, MSG-7) -----------------------------------------------------------------------


def test_staff_see_the_suggestions_with_their_reasons(make_message, city, as_):
    """SEC-10: the suggestion and the words that weighed most are shown to the person deciding."""
    message = make_message()
    Message.objects.filter(pk=message.pk).update(
        suggested_category=city["lights"], suggested_unit=city["roads"],
        suggestion_reasons={"category": {"label": "lights", "confidence": 0.87, "reasons": [["路灯", 1.5], ["修理", 0.4]]}},
    )
    page = text(as_(Role.STAFF).get(reverse("voices:message-detail", args=[message.pk])))
    assert "路灯照明" in page and "测试市交通运输局" in page
    assert "路灯" in page and "0.87" in page


def test_staff_confirm_the_routing(make_message, city, as_):
    message = make_message()
    response = as_(Role.STAFF).post(reverse("voices:message-route", args=[message.pk]),
                                    {"category": city["lights"].pk, "unit": city["roads"].pk}, follow=True)
    message.refresh_from_db()
    assert message.status == Message.Status.ACCEPTED
    assert Assignment.objects.get(case=message.case).unit == city["roads"]
    assert "accepted and sent to the handling unit" in text(response)


def test_a_report_is_never_routed_to_the_unit_it_accuses(make_message, city, as_):
    """MSG-7: refused with the reason on the page; nothing assigned."""
    message = make_message(nature="report", accused_unit=city["roads"])
    response = as_(Role.STAFF).post(reverse("voices:message-route", args=[message.pk]),
                                    {"category": city["lights"].pk, "unit": city["roads"].pk})
    assert response.status_code == 422
    assert "message-error" in text(response) or "errorlist" in text(response)
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED
    assert not Assignment.objects.filter(case=message.case).exists()


@pytest.mark.parametrize("who", [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK, Role.PUBLIC, Role.ADMINISTRATOR])
def test_only_staff_route(make_message, city, as_, who):
    message = make_message()
    response = as_(who).post(reverse("voices:message-route", args=[message.pk]),
                             {"category": city["lights"].pk, "unit": city["roads"].pk})
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED


# --- not accepting (MSG-5), merging ------------------------------------------------------------------


def test_staff_do_not_accept_with_a_ground_and_directions(make_message, as_):
    """MSG-5: the citizen reads why when looking it up."""
    message = make_message()
    as_(Role.STAFF).post(reverse("voices:message-not-accept", args=[message.pk]),
                         {"reason": "litigation_or_arbitration", "note": "请向测试市人民法院起诉。"})
    message.refresh_from_db()
    assert message.status == Message.Status.NOT_ACCEPTED
    assert message.not_accepted_reason == "litigation_or_arbitration"


def test_not_accepting_without_directions_is_refused_on_the_form(make_message, as_):
    message = make_message()
    response = as_(Role.STAFF).post(reverse("voices:message-not-accept", args=[message.pk]),
                                    {"reason": "litigation_or_arbitration", "note": ""})
    assert response.status_code == 422
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED


def test_staff_merge_a_likely_duplicate(make_message, as_):
    target = make_message()
    duplicate = make_message(name="李四", phone="13900001111")
    page = text(as_(Role.STAFF).get(reverse("voices:message-detail", args=[target.pk])))
    assert shown(duplicate) in page  # offered as a likely duplicate
    nothing = as_(Role.STAFF).post(reverse("voices:message-merge", args=[target.pk]), {})
    assert nothing.status_code == 422 and "Tick the messages that say the same as this one." in text(nothing)
    as_(Role.STAFF).post(reverse("voices:message-merge", args=[target.pk]), {"sources": [duplicate.pk]})
    duplicate.refresh_from_db()
    assert duplicate.case.merged_into_id == target.case_id


def test_the_staff_list_marks_a_new_message_that_copies_an_open_one(make_message, people, city, as_,
                                                                  django_capture_on_commit_callbacks):
    """Issue 5, item 4: after intake the worker (immediate in tests) finds that the copy looks
    like the open message, and the triage list says so, linking to it; an unrelated message
    is not marked, nor is the copy once it is routed."""
    original = make_message()
    with django_capture_on_commit_callbacks(execute=True):
        copy = make_message(name="李四", phone="13900001111")
        other = make_message(subject="公园厕所太少", body="人民公园里只有一个厕所，周末排队很长，希望增建。")
    copy.refresh_from_db()
    other.refresh_from_db()
    assert copy.likely_duplicate_of_id == original.pk and other.likely_duplicate_of_id is None

    page = text(as_(Role.STAFF).get(reverse("voices:message-list")))
    row = page[page.index(shown(copy)):].split("</li>")[0]
    assert "Likely duplicate" in row and reverse("voices:message-detail", args=[original.pk]) in row
    assert "Likely duplicate" not in page[page.index("公园厕所太少"):].split("</li>")[0]

    route(copy, people, city)
    page = text(as_(Role.STAFF).get(reverse("voices:message-list")))
    assert "Likely duplicate" not in page[page.index(shown(copy)):].split("</li>")[0]


def test_a_full_queue_does_not_lose_the_message(make_message, monkeypatch, django_capture_on_commit_callbacks):
    """The duplicate hint is queued after the commit; if the queue refuses it, the message is
    stored all the same and the caller gets its tracking number."""
    from voices.services import intake

    def refuse(congress_id, message_ids):
        raise ConnectionError("the queue is down")

    monkeypatch.setattr(intake, "_mark_duplicates_later", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        message = make_message()
    assert Message.objects.filter(pk=message.pk, likely_duplicate_of__isnull=True).exists()


# --- the unit's reply and the call-back (MSG-4) ------------------------------------------------------


def test_the_unit_replies_and_staff_record_the_call_back(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    clerk = as_(Role.UNIT_CLERK)
    assert shown(message) in text(clerk.get(reverse("voices:assigned-list")))
    assignment = Assignment.objects.get(case=message.case)
    response = clerk.post(reverse("voices:message-reply", args=[assignment.pk]), {
        "reply_class": "A", "body": "路灯已于本周修复。", "signed_by": "王局长",
        "letter": SimpleUploadedFile("reply.pdf", LETTER, content_type="application/pdf"),
    })
    assert response.status_code == 302, text(response)
    tracked = text(as_(None).get(reverse("voices:track"), {"tracking_number": message.tracking_number}))
    assert "Replied" in tracked  # the reply's text is shown scrubbed (voices.scrub, SEC-6)

    staff = as_(Role.STAFF)
    page = text(staff.get(reverse("voices:message-detail", args=[message.pk])))
    assert "Record the call-back" in page
    assert 'class="case-status case-status-replied">Replied<' in page  # as the lists say, not "accepted"
    # Dissatisfied without saying why: the form comes back asking for it, nothing recorded (MSG-4).
    refused = staff.post(reverse("voices:message-callback", args=[message.pk]), {"outcome": "dissatisfied"})
    assert refused.status_code == 422 and "Write down what the citizen is dissatisfied with" in text(refused)
    assert not message.callbacks.exists()
    staff.post(reverse("voices:message-callback", args=[message.pk]), {"outcome": "satisfied", "comment": "满意"})
    assert message.callbacks.get().outcome == "satisfied"


def test_staff_route_with_an_assisting_unit_whose_view_goes_to_the_lead_unit(make_message, people, city, as_):
    """协办 from the routing form: the assisting unit's clerk sends a view (no class, no
    signature); staff and the units see it marked as a view, the citizen sees only the lead
    unit's reply."""
    message = make_message(submitter=people[Role.CITIZEN])
    staff = as_(Role.STAFF)
    page = text(staff.get(reverse("voices:message-detail", args=[message.pk])))
    assert 'class="checklist" data-checklist' in page  # a scrolling list with a filter
    response = staff.post(reverse("voices:message-route", args=[message.pk]), {
        "category": city["lights"].pk, "unit": city["roads"].pk, "assisting_units": [city["housing"].pk],
    })
    assert response.status_code == 302, text(response)
    view = Assignment.objects.get(case=message.case, unit=city["housing"])
    assert view.role == "assisting"

    helper = as_("other_clerk")
    detail = text(helper.get(reverse("voices:message-detail", args=[message.pk])))
    assert "Send your view to the lead unit" in detail
    form = text(helper.get(reverse("voices:message-reply", args=[view.pk])))
    assert 'name="reply_class"' not in form and 'name="signed_by"' not in form
    assert "Your unit assists in this matter" in form
    response = helper.post(reverse("voices:message-reply", args=[view.pk]), {"body": "建议同步检修线路。"})
    assert response.status_code == 302, text(response)

    label = "View of 测试市住房和城乡建设局 for the lead unit"
    assert label in text(staff.get(reverse("voices:message-detail", args=[message.pk])))
    assert label in text(as_(Role.UNIT_CLERK).get(reverse("voices:message-detail", args=[message.pk])))
    mine = text(as_(Role.CITIZEN).get(reverse("voices:message-detail", args=[message.pk])))
    assert "建议同步检修线路" not in mine
    tracked = text(as_(None).get(reverse("voices:track"), {"tracking_number": message.tracking_number}))
    assert "建议同步检修线路" not in tracked
    api = as_(Role.CITIZEN).get(f"/api/voices/messages/{message.pk}")
    assert api.status_code == 200 and api.json()["replies"] == []
    assert [r["role"] for r in as_(Role.STAFF).get(f"/api/voices/messages/{message.pk}").json()["replies"]] == [
        "assisting"]


def test_a_clerk_of_another_unit_cannot_reply(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    assignment = Assignment.objects.get(case=message.case)
    response = as_("other_clerk").get(reverse("voices:message-reply", args=[assignment.pk]))
    assert response.status_code in (403, 404)


def test_the_units_pages_show_only_its_assigned_messages(make_message, people, city, small_pages, as_):
    ours = [make_message(subject=f"交通{n}") for n in range(3)]
    for message in ours:
        route(message, people, city)
    theirs = make_message(subject="住房的留言")
    route(theirs, people, city, unit="housing")
    make_message(subject="未分办的留言")
    client = as_(Role.UNIT_CLERK)
    first = text(client.get(reverse("voices:assigned-list")))
    second = text(client.get(reverse("voices:assigned-list") + "?" + cursor_link(first)))
    listed = [m for m in ours if shown(m) in first + second]
    assert len(listed) == 3 and "3 messages" in first
    assert "住房的留言" not in first + second and "未分办的留言" not in first + second


def test_the_units_list_says_where_each_message_stands_and_when_the_unit_must_answer(
        make_message, people, city, as_):
    """The clerk sees, per message, the handling state (the case's: being handled, replied)
    and the unit's own part: its answer due by a date, late, or sent."""
    late, answered = make_message(subject="迟了的留言"), make_message(subject="已答复的留言")
    for message in (late, answered):
        route(message, people, city)
    today = timezone.localdate()
    Assignment.objects.filter(case=late.case).update(due_from=today - timedelta(days=10), due_on=today - timedelta(days=3))
    due = Assignment.objects.get(case=answered.case).due_on
    clerk = as_(Role.UNIT_CLERK)
    clerk.post(reverse("voices:message-reply", args=[Assignment.objects.get(case=answered.case).pk]), {
        "reply_class": "A", "body": "已处理。", "signed_by": "王局长",
        "letter": SimpleUploadedFile("reply.pdf", LETTER, content_type="application/pdf"),
    })
    page = text(clerk.get(reverse("voices:assigned-list")))
    rows = {subject: page[page.index(subject):].split("</li>")[0] for subject in ("迟了的留言", "已答复的留言")}
    late_due = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert "Being handled" in rows["迟了的留言"] and f"Our reply due {late_due}" in rows["迟了的留言"]
    assert "Overdue" in rows["迟了的留言"]
    assert "Replied" in rows["已答复的留言"] and "Our reply: sent" in rows["已答复的留言"]
    assert "Overdue" not in rows["已答复的留言"] and due.isoformat() not in rows["已答复的留言"]
    staff = text(as_(Role.STAFF).get(reverse("voices:message-list")))
    assert "Being handled" in staff and "Our reply" not in staff


def test_my_messages_go_page_by_page(make_message, people, small_pages, as_):
    mine = [make_message(submitter=people[Role.CITIZEN], subject=f"我的{n}") for n in range(3)]
    client = as_(Role.CITIZEN)
    first = text(client.get(reverse("voices:my-messages")))
    assert "3 messages" in first
    second = text(client.get(reverse("voices:my-messages") + "?" + cursor_link(first)))
    assert shown(mine[0]) in second and shown(mine[0]) not in first


@pytest.mark.parametrize("who", [Role.CITIZEN, Role.DEPUTY, Role.STAFF, Role.PUBLIC, Role.ADMINISTRATOR])
def test_only_unit_clerks_have_messages_to_answer(city, as_, who):
    assert as_(who).get(reverse("voices:assigned-list")).status_code == 403


def test_a_deputy_lists_the_messages_of_their_district_with_where_each_stands(make_message, people, city, as_):
    ours = make_message(subject="东区的留言")
    make_message(subject="西区的留言", district=city["other_district"])
    route(ours, people, city)
    page = text(as_(Role.DEPUTY).get(reverse("voices:district-list")))
    assert "东区的留言" in page and "西区的留言" not in page
    assert "Being handled" in page and "1 message" in page
    assert NAME not in page and PHONE not in page  # contact data is never on a list


@pytest.mark.parametrize("who", [None, Role.CITIZEN, Role.STAFF, Role.UNIT_CLERK, Role.PUBLIC, Role.ADMINISTRATOR])
def test_the_district_list_is_refused_to_everyone_but_deputies(city, as_, who):
    response = as_(who).get(reverse("voices:district-list"))
    assert response.status_code == (302 if who is None else 403)


# --- the menu ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "shown", "hidden"), [
    (None, ["Write to us", "Track a message"], ["Messages", "Enter a call", "My messages"]),
    (Role.CITIZEN, ["Write to us", "My messages"], ["Enter a call", "Messages sent to our unit",
                                                    "My district's messages"]),
    (Role.STAFF, ["Messages", "Enter a call"], ["Messages sent to our unit", "My district's messages"]),
    (Role.UNIT_CLERK, ["Messages sent to our unit"], ["Enter a call", "My district's messages"]),
    (Role.DEPUTY, ["My district's messages", "What people worry about"], ["Enter a call", "Messages"]),
])
def test_the_menu_offers_the_pages_each_role_may_open(city, as_, who, shown, hidden):
    from voices.navigation import register_navigation

    register_navigation()  # VoicesConfig.ready() calls it
    page = text(as_(who).get(reverse("voices:track")))
    def offered(label):
        return re.search(r">\s*" + re.escape(html.escape(label)) + r"\s*<", page) is not None

    assert all(offered(label) for label in shown)
    assert not any(offered(label) for label in hidden)


def test_a_unit_suggested_from_the_category_says_so_not_the_unit_models_words(make_message, city, as_):
    """SEC-10: the person deciding sees why each suggestion was made. A unit that came from the
    suggested category's usual unit is not explained by the words of a unit model that argued
    for another unit."""
    message = make_message()
    Message.objects.filter(pk=message.pk).update(
        suggested_category=city["lights"], suggested_unit=city["roads"],
        suggestion_reasons={
            "category": {"label": "lights", "confidence": 0.9, "reasons": [["路灯", 1.2]]},
            "unit": {"label": str(city["housing"].pk), "confidence": 0.41, "reasons": [["小区", 0.7]],
                     "overridden_by_category": True},
        },
    )
    page = text(as_(Role.STAFF).get(reverse("voices:message-detail", args=[message.pk])))
    assert "The usual handling unit of the suggested category 路灯照明." in page
    assert "The unit model leaned to 测试市住房和城乡建设局" in page
    assert "0.41" not in page and ">小区<" not in page


def test_the_reply_form_says_what_each_class_means(make_message, people, city, as_):
    """SUGG-6: the unit picks a class knowing what it means, not from bare letters."""
    message = make_message()
    route(message, people, city)
    assignment = Assignment.objects.get(case=message.case)
    page = text(as_(Role.UNIT_CLERK).get(reverse("voices:message-reply", args=[assignment.pk])))
    assert "A: solved or essentially solved" in page and "D: kept for reference or explained" in page


def reply_data(**changes) -> dict:
    data = {"reply_class": "A", "body": "路灯已于本周修复。", "signed_by": "王局长",
            "letter": SimpleUploadedFile("reply.pdf", LETTER, content_type="application/pdf")}
    data.update(changes)
    return data


def test_once_the_unit_has_replied_its_reply_page_says_so_and_offers_no_form(make_message, people, city, as_):
    """No reply typed in vain: the page shows the reply sent and a way back, and a form sent
    from a page left open is refused once, with nothing written."""
    message = make_message()
    route(message, people, city)
    assignment = Assignment.objects.get(case=message.case)
    clerk = as_(Role.UNIT_CLERK)
    url = reverse("voices:message-reply", args=[assignment.pk])
    assert clerk.post(url, reply_data()).status_code == 302

    page = clerk.get(url)
    assert page.status_code == 200
    assert "Your unit has replied." in text(page) and "路灯已于本周修复。" in text(page)
    assert 'name="body"' not in text(page) and ">Send<" not in text(page)
    assert reverse("voices:message-detail", args=[message.pk]) in text(page)
    detail = text(clerk.get(reverse("voices:message-detail", args=[message.pk])))
    assert url not in detail  # no "Write the reply" once replied

    again = clerk.post(url, reply_data(body="又写了一遍。"))
    assert again.status_code == 409
    assert text(again).count("Your unit has replied.") == 1 and "又写了一遍" not in text(again)
    assert message.case.replies.count() == 1


def test_a_refusal_by_the_reply_service_is_said_once(make_message, people, city, as_, monkeypatch):
    from core.errors import InvalidTransition
    from voices.views import unit

    message = make_message()
    route(message, people, city)
    assignment = Assignment.objects.get(case=message.case)

    def refuse(**kwargs):
        raise InvalidTransition("This unit has already replied.")

    monkeypatch.setattr(unit.casework, "submit_reply", refuse)
    response = as_(Role.UNIT_CLERK).post(reverse("voices:message-reply", args=[assignment.pk]), reply_data())
    assert response.status_code == 422
    assert text(response).count("This unit has already replied.") == 1


def test_a_reply_letter_of_the_wrong_type_is_refused_on_its_field_once(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    assignment = Assignment.objects.get(case=message.case)
    response = as_(Role.UNIT_CLERK).post(reverse("voices:message-reply", args=[assignment.pk]), reply_data(
        letter=SimpleUploadedFile("reply.txt", b"signed", content_type="text/plain")))
    assert response.status_code == 422
    page = text(response)
    reason = "Only files of these types are accepted: pdf, docx, jpg, png."
    assert page.count(reason) == 1
    field_errors = re.search(r'<ul class="errorlist" id="id_letter_error">(.*?)</ul>', page, re.S)
    assert field_errors is not None and reason in field_errors.group(1)
    assert 'role="alert"' not in page.split('<form method="post" class="panel stacked-form"')[1]
    assert not message.case.replies.exists()


def test_staff_find_an_imported_work_order_by_its_number_and_see_it_on_the_message(make_message, people, city, as_):
    """12345 work order numbers (Message.external_id) stay findable: the staff list's search
    matches the exact number, and the message's page shows it to staff (only: it is the
    office's reference to the 12345 system)."""
    order = make_message(channel="import", external_id="WALK-001", subject="小区门口积水", submitter=people[Role.CITIZEN])
    make_message(subject="另一条留言")
    staff = as_(Role.STAFF)
    found = text(staff.get(reverse("voices:message-list"), {"q": "WALK-001"}))
    assert shown(order) in found and "另一条留言" not in found and "1 message" in found
    assert "小区门口积水" in text(staff.get(reverse("voices:message-list"), {"q": "积水"}))  # words still searched

    page = text(staff.get(reverse("voices:message-detail", args=[order.pk])))
    assert re.search(r"<dt>Work order number</dt><dd[^>]*>WALK-001</dd>", page)
    route(order, people, city)
    for who in (Role.CITIZEN, Role.UNIT_CLERK):
        assert "WALK-001" not in text(as_(who).get(reverse("voices:message-detail", args=[order.pk])))
