"""Open311 GeoReport v2 at /open311/v2/: every endpoint in JSON and XML, the spec's field names
and error list, and no personal data in what anyone may read (SEC-6)."""

from __future__ import annotations

import datetime
import itertools
import json
from xml.etree import ElementTree as ET  # noqa: S405 - parsing our own test responses only

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from casework.models import Case
from core.accounts.models import ApiToken
from core.accounts.roles import Role
from core.accounts.tests.factories import UserFactory
from core.organisation.tests.factories import CongressFactory, DistrictFactory, TermFactory
from voices.models import Channel, Message, MessageCategory, Regime

BASE = "/open311/v2"
_numbers = itertools.count(1)

REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def make_message(congress, *, category=None, district=None, received_at=None, open_case=True, **fields):
    """A message as the services leave it, written directly (the read side is under test)."""
    received_at = received_at or timezone.now() - datetime.timedelta(days=1)
    number = next(_numbers)
    submitter = UserFactory(username=f"open311-citizen-{number}", role=Role.CITIZEN)
    case = Case.objects.create(
        congress=congress, kind="message", title=fields.get("subject", "路灯不亮"),
        status="assigned" if open_case else "closed", registered_at=received_at,
        replied_at=None if open_case else received_at,
    )
    values = {
        "regime": Regime.HOTLINE, "channel": Channel.WEB, "subject": "路灯不亮",
        "body": "测试路12号门口的路灯坏了一周。", "tracking_number": f"T{number:010d}",
    }
    values.update(fields)
    message = Message.objects.create(
        congress=congress, case=case, category=category, district=district, received_at=received_at,
        submitter=submitter, **values,
    )
    from voices.services import counts

    counts.add(counts.key_of(message))  # the services count every message received (daily counts)
    return message


@pytest.fixture
def city(db):
    congress = CongressFactory()
    TermFactory(congress=congress, is_current=True)
    roads = MessageCategory.objects.create(congress=congress, code="roads", name="城市道路", position=1)
    MessageCategory.objects.create(congress=congress, code="noise", name="噪声扰民", position=2)
    MessageCategory.objects.create(congress=congress, code="old", name="停用类别", is_active=False)
    return {"congress": congress, "roads": roads, "district": DistrictFactory(congress=congress)}


def _xml(response):
    return ET.fromstring(response.content)  # noqa: S314 - our own response


# --- services ----------------------------------------------------------------------------------


def test_service_list_json_lists_the_active_categories_in_the_specs_fields(city):
    response = Client().get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    services = response.json()
    assert [s["service_code"] for s in services] == ["roads", "noise"]
    assert set(services[0]) == SERVICE_FIELDS
    assert services[0]["service_name"] == "城市道路"
    assert services[0]["metadata"] is False
    assert services[0]["type"] == "realtime"


def test_service_list_xml_has_one_service_element_per_category(city):
    response = Client().get(f"{BASE}/services.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = _xml(response)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == ["roads", "noise"]
    assert root.find("service/metadata").text == "false"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_has_no_attributes(city, fmt):
    response = Client().get(f"{BASE}/services/roads.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == {"service_code": "roads", "attributes": []}
    else:
        root = _xml(response)
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "roads"
        assert list(root.find("attributes")) == []


@pytest.mark.parametrize("code", ["unknown", "old"])
def test_unknown_or_inactive_service_is_404_in_the_error_list(city, code):
    response = Client().get(f"{BASE}/services/{code}.json")
    assert response.status_code == 404
    [error] = response.json()
    assert error["code"] == 404
    assert code in error["description"]


def test_errors_in_xml_are_the_specs_errors_element(city):
    response = Client().get(f"{BASE}/services/unknown.xml")
    assert response.status_code == 404
    root = _xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert root.findtext("error/description")


# --- reading requests -------------------------------------------------------------------------


def test_request_list_json_has_the_specs_fields_and_the_case_status(city):
    open_one = make_message(city["congress"], category=city["roads"])
    closed_one = make_message(city["congress"], category=city["roads"], open_case=False)
    response = Client().get(f"{BASE}/requests.json")
    assert response.status_code == 200
    rows = {r["service_request_id"]: r for r in response.json()}
    assert set(rows) == {open_one.tracking_number, closed_one.tracking_number}
    assert set(rows[open_one.tracking_number]) == REQUEST_FIELDS
    assert rows[open_one.tracking_number]["status"] == "open"
    assert rows[closed_one.tracking_number]["status"] == "closed"
    assert rows[open_one.tracking_number]["service_code"] == "roads"
    assert rows[open_one.tracking_number]["service_name"] == "城市道路"


def test_request_list_xml(city):
    message = make_message(city["congress"], category=city["roads"])
    response = Client().get(f"{BASE}/requests.xml")
    root = _xml(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == message.tracking_number
    assert request.findtext("status") == "open"
    assert {child.tag for child in request} == REQUEST_FIELDS


def test_request_list_filters_by_status_code_and_ids(city):
    noise = MessageCategory.objects.get(code="noise")
    roads_open = make_message(city["congress"], category=city["roads"])
    roads_closed = make_message(city["congress"], category=city["roads"], open_case=False)
    noise_open = make_message(city["congress"], category=noise)
    client = Client()

    def ids(query):
        return {r["service_request_id"] for r in client.get(f"{BASE}/requests.json?{query}").json()}

    assert ids("status=open") == {roads_open.tracking_number, noise_open.tracking_number}
    assert ids("status=closed") == {roads_closed.tracking_number}
    assert ids("service_code=noise") == {noise_open.tracking_number}
    assert ids("service_code=roads&status=open") == {roads_open.tracking_number}
    both = f"{roads_closed.tracking_number},{noise_open.tracking_number}"
    # service_request_id overrides every other parameter (the spec).
    assert ids(f"service_request_id={both}&status=open") == {roads_closed.tracking_number, noise_open.tracking_number}


def test_request_list_defaults_to_the_last_90_days_and_accepts_a_window(city):
    recent = make_message(city["congress"], category=city["roads"])
    old = make_message(city["congress"], category=city["roads"],
                       received_at=timezone.now() - datetime.timedelta(days=200))
    client = Client()
    assert [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()] == [recent.tracking_number]
    day = timezone.localtime(old.received_at).date()
    start = (day - datetime.timedelta(days=1)).isoformat()
    end = (day + datetime.timedelta(days=1)).isoformat()
    rows = client.get(f"{BASE}/requests.json?start_date={start}T00:00:00Z&end_date={end}T00:00:00Z").json()
    assert [r["service_request_id"] for r in rows] == [old.tracking_number]


@pytest.mark.parametrize(
    "query",
    ["start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "start_date=yesterday", "status=pending",
     "start_date=2026-03-01&end_date=2026-02-01"],
)
def test_bad_query_is_400_with_a_description(city, query):
    response = Client().get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400
    assert error["description"]


def test_a_request_is_found_by_the_number_as_the_citizen_was_given_it(city):
    import datetime

    from voices.rules import display_tracking_number, make_tracking_number

    message = make_message(city["congress"], category=city["roads"], open_case=False)
    message.tracking_number = make_tracking_number(datetime.date(2026, 11, 27), "KME417")
    message.save(update_fields=["tracking_number"])
    given = display_tracking_number(message.tracking_number)  # M261127-KME417-Y
    [row] = Client().get(f"{BASE}/requests/{given}.json").json()
    assert row["service_request_id"] == message.tracking_number
    listed = Client().get(f"{BASE}/requests.json", {"service_request_id": given.lower()}).json()
    assert [r["service_request_id"] for r in listed] == [message.tracking_number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_detail_is_a_list_of_one(city, fmt):
    message = make_message(city["congress"], category=city["roads"], open_case=False)
    response = Client().get(f"{BASE}/requests/{message.tracking_number}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        [row] = response.json()
        assert row["service_request_id"] == message.tracking_number
        assert row["status"] == "closed"
    else:
        root = _xml(response)
        assert root.findtext("request/service_request_id") == message.tracking_number


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(city, fmt):
    response = Client().get(f"{BASE}/requests/NOPE123.{fmt}")
    assert response.status_code == 404


def test_get_responses_carry_no_personal_data(city):
    """SEC-6: the name, phone and ID number never appear, the text is scrubbed, and the
    coordinates are rounded to about 100 m."""
    message = make_message(
        city["congress"], category=city["roads"],
        body="我是张三，电话13812345678，身份证110101199001011234，家门口路灯坏了。",
        location="测试路12号", latitude="39.904211", longitude="116.407413",
    )
    body = Client().get(f"{BASE}/requests.json").content.decode()
    detail = Client().get(f"{BASE}/requests/{message.tracking_number}.xml").content.decode()
    for text in (body, detail):
        assert "13812345678" not in text
        assert "110101199001011234" not in text
        assert "submitter" not in text and "phone" not in text
    [row] = json.loads(body)
    assert row["lat"] == 39.904
    assert row["long"] == 116.407


def test_confidential_sensitive_and_petition_messages_are_not_in_the_feed(city):
    """SEC-15 and SEC-7: a confidential or sensitive message, and a letter to the congress,
    are not public service requests."""
    make_message(city["congress"], category=city["roads"], is_confidential=True)
    make_message(city["congress"], category=city["roads"], is_sensitive=True)
    hidden = make_message(city["congress"], category=city["roads"], regime=Regime.PETITION)
    assert Client().get(f"{BASE}/requests.json").json() == []
    assert Client().get(f"{BASE}/requests/{hidden.tracking_number}.json").status_code == 404


def test_reports_and_childrens_messages_are_not_in_the_feed(city):
    """MSG-7: an accusation is disclosed to nobody (the accused reads the feed too); SEC-7:
    whatever a child under 14 wrote is sensitive. An ordinary message beside them is shown."""
    report = make_message(city["congress"], category=city["roads"], nature="report",
                          body="举报某单位工作人员吃拿卡要。")
    child = make_message(city["congress"], category=city["roads"], age_band="under_14", guardian_consent=True)
    shown = make_message(city["congress"], category=city["roads"])
    rows = Client().get(f"{BASE}/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [shown.tracking_number]
    for hidden in (report, child):
        assert Client().get(f"{BASE}/requests/{hidden.tracking_number}.xml").status_code == 404


# --- posting requests ---------------------------------------------------------------------------


@pytest.fixture
def receiving(city):
    """The POST side calls voices.services.receive_message (written by another part)."""
    pytest.importorskip("voices.services", reason="voices.services (receive_message) has not landed yet")
    return city


def _post(fmt="json", **fields):
    data = {"service_code": "roads", "description": "测试路口的井盖丢失，非常危险。", "lat": "39.9", "long": "116.4"}
    data.update(fields)
    return Client(enforce_csrf_checks=True).post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items()
                                                                              if v is not None})


def test_post_receives_a_message_on_the_open311_channel_and_returns_its_tracking_number(receiving):
    response = _post(first_name="三", last_name="张", phone="13812345678", email="z@example.org",
                     address_string="测试路口")
    assert response.status_code == 201, response.content
    [row] = response.json()
    message = Message.objects.get(tracking_number=row["service_request_id"])
    assert message.channel == Channel.OPEN311
    assert message.category == receiving["roads"]
    assert message.open311_service_code == "roads"
    assert message.body.startswith("测试路口的井盖丢失")
    assert "13812345678" not in message.phone_encrypted  # SEC-8: encrypted at rest
    assert set(row) == {"service_request_id", "service_notice", "account_id"}


def test_post_in_xml(receiving):
    response = _post("xml", address_string="测试路口", lat=None, long=None)
    assert response.status_code == 201
    root = _xml(response)
    number = root.findtext("request/service_request_id")
    assert Message.objects.filter(tracking_number=number).exists()


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "old"}, "service_code"),
        ({"lat": None, "long": None}, "location"),
        ({"long": None}, "long"),
        ({"lat": "north"}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"description": ""}, "description"),
    ],
)
def test_post_without_what_the_spec_requires_is_400_and_receives_nothing(receiving, fields, word):
    response = _post(**fields)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400
    assert word in error["description"]
    assert not Message.objects.exists()


def test_post_with_a_valid_api_key_is_received_as_the_tokens_user(receiving):
    user = UserFactory(username="open311-client", role=Role.STAFF)
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="city app", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    response = _post(api_key=key, address_string="测试路口")
    assert response.status_code == 201, response.content


def test_post_with_a_bad_api_key_is_403(receiving):
    response = _post(api_key="dt_not-a-token")
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert not Message.objects.exists()


@override_settings(VOICES_OPEN311_ALLOW_ANONYMOUS=False)
def test_anonymous_post_is_403_when_the_city_requires_a_key(receiving):
    response = _post("xml")
    assert response.status_code == 403
    assert _xml(response).findtext("error/code") == "403"


def test_a_first_name_too_long_is_refused_naming_first_name(receiving):
    from voices import rules

    response = _post(first_name="三" * (rules.NAME_MAX + 1), last_name="张", address_string="测试路口")
    assert response.status_code == 400
    [error] = response.json()
    assert error["description"] == f"first_name may be at most {rules.NAME_MAX} characters."
    together = _post(first_name="三" * 30, last_name="张" * 30, address_string="测试路口")
    assert together.status_code == 400
    assert together.json()[0]["description"].startswith("first_name and last_name together")
    assert not Message.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/a.jpg", "photo.jpg",
                                 "https://example.org/" + "a" * 500])
def test_a_media_url_that_is_no_web_address_is_refused(receiving, url):
    response = _post(media_url=url)
    assert response.status_code == 400
    assert "media_url" in response.json()[0]["description"]
    assert not Message.objects.exists()


def test_a_web_media_url_is_kept_with_the_message(receiving):
    response = _post(media_url="https://example.org/well.jpg")
    assert response.status_code == 201
    assert "https://example.org/well.jpg" in Message.objects.get().body


def test_the_subject_made_from_the_description_carries_no_phone_number(receiving):
    """SEC-8: the subject is what staff lists show; Open311 has none, so it is the description's
    first line, its numbers masked before it is cut."""
    _post(description="井盖丢失了，请联系我13812345678或者我的邻居，地址在测试路口往北一百米左右的位置附近啊")
    message = Message.objects.get()
    assert "13812345678" not in message.subject
    assert message.subject.startswith("井盖丢失了，请联系我138****5678")


def _staff_and_unit(city):
    from core.organisation.tests.factories import HandlingUnitFactory

    staff = UserFactory(username="open311-staff", role=Role.STAFF)
    return staff, HandlingUnitFactory(congress=city["congress"], name="测试市市政局")


def test_a_routed_request_names_the_unit_and_the_deadline(receiving):
    """GeoReport v2: agency_responsible and expected_datetime (ISO 8601), once routed."""
    from casework.models import Assignment
    from voices import services

    staff, unit = _staff_and_unit(receiving)
    number = _post().json()[0]["service_request_id"]
    waiting = Client().get(f"{BASE}/requests/{number}.json").json()[0]
    assert (waiting["status"], waiting["status_notes"]) == ("open", "Received")
    assert (waiting["agency_responsible"], waiting["expected_datetime"]) == ("", None)
    message = Message.objects.get()
    services.route_message(by=staff, message=message, category=receiving["roads"], unit=unit)
    [row] = Client().get(f"{BASE}/requests/{number}.json").json()
    due = Assignment.objects.get(case=message.case).due_on
    assert row["agency_responsible"] == "测试市市政局"
    assert row["expected_datetime"] == f"{due.isoformat()}T23:59:59+08:00"
    assert datetime.datetime.fromisoformat(row["expected_datetime"]).date() == due
    assert (row["status"], row["status_notes"]) == ("open", "Being handled")


def test_a_request_not_accepted_says_why(receiving):
    """MSG-5: the ground and the directions reach the caller in status_notes."""
    from voices import services

    staff, _unit = _staff_and_unit(receiving)
    number = _post().json()[0]["service_request_id"]
    services.not_accept(by=staff, message=Message.objects.get(), reason="lawfully_concluded",
                        note="已依法处理完毕，请联系张三13812345678。")
    [row] = Client().get(f"{BASE}/requests/{number}.json").json()
    assert row["status"] == "closed"
    assert row["status_notes"].startswith("Not accepted: Already lawfully concluded. 已依法处理完毕")
    assert "13812345678" not in row["status_notes"]  # SEC-6: scrubbed as on the tracking page
    assert row["agency_responsible"] == ""


def test_a_merged_request_follows_the_request_it_joined(receiving):
    """One reply answers all: a merged request is open while the surviving one is."""
    from voices import services

    staff, unit = _staff_and_unit(receiving)
    first = _post().json()[0]["service_request_id"]
    second = _post(description="测试路口的井盖也丢了。").json()[0]["service_request_id"]
    target, source = (Message.objects.get(tracking_number=n) for n in (first, second))
    services.route_message(by=staff, message=target, category=receiving["roads"], unit=unit)
    services.merge_messages(by=staff, target=target, sources=[source])
    [row] = Client().get(f"{BASE}/requests/{second}.json").json()
    assert (row["status"], row["agency_responsible"]) == ("open", "测试市市政局")
    opened = {r["service_request_id"] for r in Client().get(f"{BASE}/requests.json?status=open").json()}
    assert opened == {first, second}
