"""/api/voices: submit, track, list, a message, route, not accept, merge, call-back, reveal,
and the caller's own data; each for the roles that may use it and refused to every other,
errors in the house format ({"code", "message", "details"})."""

from __future__ import annotations

import pytest
from django.test import Client

from casework.models import Assignment
from casework.services import submit_reply
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from voices.forms import NOTICE_VERSION
from voices.models import Message, PersonalDataView

from . import test_pages as pages
from .test_pages import BODY, LETTER, MASKED_PHONE, NAME, PHONE, SUBJECT, route

# The pages' fixtures: the same city, people and messages.
city, people, as_, make_message = pages.city, pages.people, pages.as_, pages.make_message

pytestmark = pytest.mark.django_db

API = "/api/voices"
OTHERS = [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK, Role.PUBLIC, Role.ADMINISTRATOR]


def payload(**kwargs) -> dict:
    data = {"subject": SUBJECT, "body": BODY, "name": NAME, "phone": PHONE, "age_band": "adult",
            "notice_version": NOTICE_VERSION}
    data.update(kwargs)
    return data


def post(client: Client, path: str, data: dict | None = None):
    return client.post(API + path, data or {}, content_type="application/json")


# --- submit and track ------------------------------------------------------------------------------


def test_anyone_submits_a_message_and_gets_its_tracking_number(city, as_):
    response = post(as_(None), "/messages", payload(district_id=city["district"].pk))
    assert response.status_code == 201, response.json()
    message = Message.objects.get()
    assert response.json()["tracking_number"] == message.tracking_number
    assert (message.channel, message.notice_version, message.district) == ("api", NOTICE_VERSION, city["district"])


def test_a_signed_in_citizen_submitting_is_the_submitter(city, people, as_):
    post(as_(Role.CITIZEN), "/messages", payload())
    assert Message.objects.get().submitter == people[Role.CITIZEN]


def test_invalid_input_is_a_422_naming_the_field(city, as_):
    response = post(as_(None), "/messages", payload(subject=""))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "subject" in body["details"]
    assert not Message.objects.exists()


def test_an_under_14_without_a_guardians_consent_is_refused(city, as_):
    """SEC-7."""
    response = post(as_(None), "/messages", payload(age_band="under_14"))
    assert response.status_code == 422
    assert "guardian" in " ".join(response.json()["details"].values())
    assert not Message.objects.exists()


def test_a_category_of_another_congress_is_refused(city, as_):
    response = post(as_(None), "/messages", payload(category_id=999_999))
    assert response.status_code == 422
    assert "category_id" in response.json()["details"]


def test_tracking_answers_the_state_and_no_personal_data(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    response = as_(None).get(f"{API}/track/{message.tracking_number}")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "handling"
    assert body["accepted_at"] is not None
    flat = str(body)
    for personal in (NAME, PHONE, MASKED_PHONE, BODY):
        assert personal not in flat


def test_an_unknown_tracking_number_is_a_404(city, as_):
    response = as_(None).get(f"{API}/track/M000000-000000-0")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- lists and one message -------------------------------------------------------------------------


def test_staff_list_and_filter_the_messages(make_message, people, city, as_):
    routed = make_message()
    route(routed, people, city)
    waiting = make_message()
    response = as_(Role.STAFF).get(f"{API}/messages", {"status": "received"})
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["items"]] == [waiting.pk]
    assert body["count"] == 1 and body["count_exact"] is True
    assert body["next_cursor"] is None


def test_the_list_goes_on_by_cursor_with_its_count(make_message, as_):
    made = [make_message() for _n in range(5)]
    client = as_(Role.STAFF)
    seen, cursor, pages = [], "", 0
    while True:
        body = client.get(f"{API}/messages", {"limit": 2, "cursor": cursor}).json()
        pages += 1
        assert body["count"] == 5 and body["count_exact"] is True
        seen += [row["id"] for row in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [m.pk for m in reversed(made)]  # newest first, each once


def test_the_list_by_subject_goes_on_by_cursor(make_message, as_):
    made = [make_message(subject=f"留言{n}") for n in range(3)]
    client = as_(Role.STAFF)
    first = client.get(f"{API}/messages", {"limit": 2, "order": "subject"}).json()
    rest = client.get(f"{API}/messages", {"limit": 2, "order": "subject", "cursor": first["next_cursor"]}).json()
    assert [r["id"] for r in first["items"] + rest["items"]] == [m.pk for m in made]
    assert rest["next_cursor"] is None


def test_a_count_past_the_cap_is_not_exact(make_message, monkeypatch, as_):
    from voices import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for _n in range(4):
        make_message()
    body = as_(Role.STAFF).get(f"{API}/messages", {"limit": 1, "status": "received"}).json()
    assert body["count"] == 2 and body["count_exact"] is False


def test_a_limit_over_200_is_a_422(city, as_):
    assert as_(Role.STAFF).get(f"{API}/messages", {"limit": 201}).status_code == 422


def test_a_citizen_lists_only_their_own(make_message, people, as_):
    mine = make_message(submitter=people[Role.CITIZEN])
    make_message(submitter=people["other_citizen"])
    body = as_(Role.CITIZEN).get(f"{API}/messages").json()
    assert [row["id"] for row in body["items"]] == [mine.pk]


def test_anonymous_callers_cannot_list(city, as_):
    assert as_(None).get(f"{API}/messages").status_code == 401


def test_a_message_shows_the_contact_masked_for_staff(make_message, as_):
    message = make_message()
    body = as_(Role.STAFF).get(f"{API}/messages/{message.pk}").json()
    assert body["contact"]["phone"] == MASKED_PHONE
    assert PHONE not in str(body)


def test_a_confidential_message_withholds_the_identity_from_the_unit(make_message, people, city, as_):
    """SEC-15."""
    message = make_message(is_confidential=True)
    route(message, people, city)
    body = as_(Role.UNIT_CLERK).get(f"{API}/messages/{message.pk}").json()
    assert body["contact"] == {"name": "", "phone": "", "id_number": "", "withheld": True}


def test_a_message_out_of_scope_is_a_404(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    assert as_("other_clerk").get(f"{API}/messages/{message.pk}").status_code == 404
    assert as_(Role.CITIZEN).get(f"{API}/messages/{message.pk}").status_code == 404


def test_my_messages_hold_my_data_in_full(make_message, people, as_):
    """SEC-13."""
    make_message(submitter=people[Role.CITIZEN])
    make_message(submitter=people["other_citizen"], phone="13999999999")
    body = as_(Role.CITIZEN).get(f"{API}/mine").json()
    assert [m["phone"] for m in body] == [PHONE]


# --- staff actions ---------------------------------------------------------------------------------


def test_staff_route_a_message(make_message, city, as_):
    message = make_message()
    response = post(as_(Role.STAFF), f"/messages/{message.pk}/route",
                    {"category_id": city["lights"].pk, "unit_id": city["roads"].pk})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    assert [a["unit_id"] for a in response.json()["assignments"]] == [city["roads"].pk]


def test_routing_a_report_to_the_unit_it_accuses_is_refused(make_message, city, as_):
    """MSG-7."""
    message = make_message(nature="report", accused_unit=city["roads"])
    response = post(as_(Role.STAFF), f"/messages/{message.pk}/route",
                    {"category_id": city["lights"].pk, "unit_id": city["roads"].pk})
    assert response.status_code == 422
    assert "MSG-7" in response.json()["details"]["unit"]


def test_routing_twice_is_a_409(make_message, people, city, as_):
    message = make_message()
    route(message, people, city)
    response = post(as_(Role.STAFF), f"/messages/{message.pk}/route",
                    {"category_id": city["lights"].pk, "unit_id": city["roads"].pk})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_staff_do_not_accept_a_message(make_message, as_):
    """MSG-5."""
    message = make_message()
    response = post(as_(Role.STAFF), f"/messages/{message.pk}/not-accept",
                    {"reason": "lawfully_concluded", "note": "已依法处理完毕。"})
    assert response.status_code == 200
    assert response.json()["status"] == "not_accepted"


def test_staff_merge_messages(make_message, as_):
    target, source = make_message(), make_message(phone="13900001111")
    response = post(as_(Role.STAFF), f"/messages/{target.pk}/merge", {"source_ids": [source.pk]})
    assert response.status_code == 200, response.json()
    source.refresh_from_db()
    assert source.case.merged_into_id == target.case_id


def test_staff_record_a_call_back(make_message, people, city, as_):
    """MSG-4."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    message = make_message()
    route(message, people, city)
    submit_reply(by=people[Role.UNIT_CLERK], assignment=Assignment.objects.get(case=message.case),
                 body="已修复。", reply_class="A", signed_by="王局长",
                 letter=SimpleUploadedFile("reply.pdf", LETTER, content_type="application/pdf"))
    response = post(as_(Role.STAFF), f"/messages/{message.pk}/callbacks", {"outcome": "satisfied"})
    assert response.status_code == 200, response.json()
    assert [c["outcome"] for c in response.json()["callbacks"]] == ["satisfied"]


def test_staff_reveal_personal_data_and_the_view_is_logged(make_message, people, as_):
    """SEC-8."""
    message = make_message()
    response = post(as_(Role.STAFF), f"/messages/{message.pk}/personal-data", {"purpose": "回访"})
    assert response.json() == {"name": NAME, "phone": PHONE, "id_number": "", "subject": SUBJECT, "body": BODY}
    view = PersonalDataView.objects.get()
    assert (view.message, view.viewer, view.purpose) == (message, people[Role.STAFF], "回访")


def test_staff_find_a_callers_messages_by_phone(make_message, people, as_):
    """SEC-8: POST /messages/by-phone, logged."""
    mine = make_message()
    make_message(phone="13912345678")
    response = post(as_(Role.STAFF), "/messages/by-phone", {"phone": "0086 13812345678", "purpose": "来电"})
    assert response.status_code == 200, response.json()
    assert [row["tracking_number"] for row in response.json()["items"]] == [mine.tracking_number]
    assert response.json()["limit"] == 100
    assert AuditEntry.objects.filter(action="voices.phone_search").count() == 1


def test_staff_find_the_other_messages_from_a_messages_number(make_message, as_):
    earlier = make_message()
    reading = make_message(phone="+86 138 1234 5678")
    response = post(as_(Role.STAFF), f"/messages/{reading.pk}/same-phone", {"purpose": "重复来电"})
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["items"]] == [reading.pk, earlier.pk]
    assert PHONE not in str(response.json())
    silent = make_message(phone="")
    assert post(as_(Role.STAFF), f"/messages/{silent.pk}/same-phone", {"purpose": "来电"}).status_code == 422


def test_a_phone_search_without_a_phone_number_is_422(as_):
    response = post(as_(Role.STAFF), "/messages/by-phone", {"phone": "abc"})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"phone", "purpose"}


@pytest.mark.parametrize("who", OTHERS)
def test_only_staff_search_messages_by_phone(make_message, as_, who):
    make_message()
    response = post(as_(who), "/messages/by-phone", {"phone": PHONE, "purpose": "来电"})
    assert response.status_code == 403
    message = Message.objects.get()
    assert post(as_(who), f"/messages/{message.pk}/same-phone", {"purpose": "来电"}).status_code == 403
    assert not AuditEntry.objects.filter(action="voices.phone_search").exists()


@pytest.mark.parametrize("who", OTHERS)
@pytest.mark.parametrize("action", ["route", "not-accept", "merge", "callbacks", "personal-data"])
def test_only_staff_act_on_messages(make_message, people, city, as_, who, action):
    message = make_message(submitter=people[Role.CITIZEN])
    route(message, people, city)
    response = post(as_(who), f"/messages/{message.pk}/{action}", {})
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("action", ["route", "not-accept", "merge", "callbacks", "personal-data"])
def test_anonymous_callers_cannot_act(make_message, as_, action):
    message = make_message()
    assert post(as_(None), f"/messages/{message.pk}/{action}", {}).status_code == 401


def test_the_list_is_in_the_openapi_schema_with_cursor_and_limit():
    from config.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"][f"{API}/messages"]["get"]
    assert {"cursor", "limit"} <= {p["name"] for p in operation["parameters"]}
    assert not {"page", "page_size"} & {p["name"] for p in operation["parameters"]}
    answer = schema["components"]["schemas"]["MessageListOut"]["properties"]
    assert {"items", "next_cursor", "count", "count_exact"} <= set(answer)


def test_every_operation_is_in_the_openapi_schema_with_its_permission():
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    ours = {(method, path): op.get("x-permission") for path, methods in paths.items() if path.startswith(API)
            for method, op in methods.items()}
    assert ours == {
        ("post", f"{API}/messages"): "public",
        ("post", f"{API}/messages/batch"): "voices.submit",
        ("get", f"{API}/messages"): "voices.view",
        ("get", f"{API}/track/{{tracking_number}}"): "public",
        ("get", f"{API}/mine"): "voices.view",
        ("get", f"{API}/messages/{{message_id}}"): "voices.view",
        ("post", f"{API}/messages/{{message_id}}/route"): "voices.triage",
        ("post", f"{API}/messages/{{message_id}}/not-accept"): "voices.triage",
        ("post", f"{API}/messages/{{message_id}}/merge"): "voices.triage",
        ("post", f"{API}/messages/{{message_id}}/callbacks"): "voices.callback",
        ("post", f"{API}/messages/{{message_id}}/personal-data"): "voices.personal_data",
        ("post", f"{API}/messages/by-phone"): "voices.personal_data",
        ("post", f"{API}/messages/{{message_id}}/same-phone"): "voices.personal_data",
        ("post", f"{API}/messages/{{message_id}}/take-up"): "voices.take_up",
        ("get", f"{API}/models"): "voices.train",
        ("post", f"{API}/models/train"): "voices.train",
        ("post", f"{API}/models/{{model_id}}/activate"): "voices.train",
    }


# --- numbers typed into a message's own text (SEC-8) ---------------------------------------------

TEXT_SUBJECT = "路灯坏了请回电13512345678"
TEXT_BODY = "测试路三号门前的路灯坏了。身份证号是140202199001011234，电话13512345678。"
MASKED_SUBJECT = "路灯坏了请回电135****5678"
MASKED_BODY = "测试路三号门前的路灯坏了。身份证号是140202********1234，电话135****5678。"


@pytest.mark.parametrize("who", [Role.STAFF, Role.UNIT_CLERK, Role.DEPUTY])
def test_the_numbers_in_a_messages_text_are_masked_for_staff_units_and_deputies(make_message, people, city, as_,
                                                                                 who):
    """SEC-8: the ID and phone numbers a citizen typed into the subject and text are masked as
    the sender panel masks them, in the message and in the list, until staff reveal them."""
    message = make_message(subject=TEXT_SUBJECT, body=TEXT_BODY)
    route(message, people, city)
    client = as_(who)
    detail = client.get(f"{API}/messages/{message.pk}").json()
    assert (detail["subject"], detail["body"]) == (MASKED_SUBJECT, MASKED_BODY)
    listed = client.get(f"{API}/messages").json()["items"]
    assert [row["subject"] for row in listed] == [MASKED_SUBJECT]
    assert "13512345678" not in str(detail) + str(listed)
    assert "140202199001011234" not in str(detail)


def test_a_phone_search_lists_the_subjects_masked(make_message, as_):
    """SEC-8: the caller's messages found by their number are listed as every list shows them."""
    make_message(subject=TEXT_SUBJECT, body=TEXT_BODY)
    response = post(as_(Role.STAFF), "/messages/by-phone", {"phone": PHONE, "purpose": "来电"})
    assert [row["subject"] for row in response.json()["items"]] == [MASKED_SUBJECT]


def test_the_citizen_reads_their_own_text_as_written(make_message, people, as_):
    """SEC-13: the sender's own words are theirs to read whole."""
    message = make_message(subject=TEXT_SUBJECT, body=TEXT_BODY, submitter=people[Role.CITIZEN])
    client = as_(Role.CITIZEN)
    detail = client.get(f"{API}/messages/{message.pk}").json()
    assert (detail["subject"], detail["body"]) == (TEXT_SUBJECT, TEXT_BODY)
    assert [row["subject"] for row in client.get(f"{API}/messages").json()["items"]] == [TEXT_SUBJECT]


def test_staff_read_the_text_whole_only_through_the_logged_reveal(make_message, people, as_):
    """SEC-8: the reveal answers the subject and text as written, and is logged."""
    message = make_message(subject=TEXT_SUBJECT, body=TEXT_BODY)
    client = as_(Role.STAFF)
    assert client.get(f"{API}/messages/{message.pk}").json()["body"] == MASKED_BODY
    assert not PersonalDataView.objects.exists()
    revealed = post(client, f"/messages/{message.pk}/personal-data", {"purpose": "核实身份"}).json()
    assert (revealed["subject"], revealed["body"]) == (TEXT_SUBJECT, TEXT_BODY)
    assert PersonalDataView.objects.get().viewer == people[Role.STAFF]


# --- what a message may carry ----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["bogus", "", "2020-01"])
def test_an_unknown_privacy_notice_version_is_refused_naming_the_versions_accepted(city, as_, version):
    """SEC-4: a message records only a notice its sender can have been shown."""
    response = post(as_(None), "/messages", payload(notice_version=version))
    assert response.status_code == 422
    assert NOTICE_VERSION in response.json()["details"]["notice_version"]
    assert not Message.objects.exists()


def test_a_batch_with_an_unknown_privacy_notice_version_is_refused(city, people, as_):
    """SEC-4, all or nothing."""
    items = [payload(), payload(notice_version="bogus")]
    response = post(as_(Role.STAFF), "/messages/batch", {"messages": items})
    assert response.status_code == 422
    assert NOTICE_VERSION in response.json()["details"]["messages.1.notice_version"]
    assert not Message.objects.exists()


def test_the_limits_are_the_intake_rules_and_the_error_says_the_limit(city, as_):
    """Every channel takes the same lengths (voices.rules)."""
    from voices import rules

    client = as_(None)
    assert post(client, "/messages", payload(body="路" * 9_000)).status_code == 201
    response = post(client, "/messages", payload(body="路" * (rules.BODY_MAX + 1), name="王" * (rules.NAME_MAX + 1),
                                                 subject="灯" * (rules.SUBJECT_MAX + 1)))
    assert response.status_code == 422
    details = response.json()["details"]
    assert details == {
        "body": f"This is too long: at most {rules.BODY_MAX} characters.",
        "name": f"This is too long: at most {rules.NAME_MAX} characters.",
        "subject": f"This is too long: at most {rules.SUBJECT_MAX} characters.",
    }
    assert Message.objects.count() == 1


def test_errors_name_the_fields_as_sent_in_the_callers_language(city, as_):
    """Keys without ninja's "body.payload."; pydantic's English never reaches a zh-hans caller."""
    response = as_(None).post(f"{API}/messages", {"subject": SUBJECT, "body": BODY, "latitude": "north",
                                                  "longitude": "116.4"},
                              content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert set(body["details"]) == {"notice_version", "latitude"}
    assert body["details"]["notice_version"] == "此项为必填。"
    assert body["message"] == "输入的内容无效。"
    assert "Input should" not in str(body) and "Field required" not in str(body)


def test_a_number_that_is_not_one_says_so(city, as_):
    response = post(as_(None), "/messages", payload(latitude="north", longitude="116.4", category_id="roads"))
    assert response.json()["details"] == {"latitude": "Enter a number.", "category_id": "Enter a whole number."}


def test_a_body_that_is_not_json_is_a_400_saying_so(city, as_):
    response = as_(None).post(f"{API}/messages", "{subject: 1", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "error", "message": "The request body is not valid JSON.", "details": {}}


def test_a_deputys_voice_from_anyone_but_a_deputy_is_refused_on_regime(city, as_):
    """A deputy's or station's voice names who gathered it: the API cannot say it for a visitor."""
    response = post(as_(None), "/messages", payload(regime="deputy_voice"))
    assert response.status_code == 422
    assert response.json()["details"] == {
        "regime": "Only a deputy or a liaison station may send a voice they gathered (deputy_voice)."}
    assert not Message.objects.exists()


def test_a_deputy_sends_the_voice_they_gathered(city, people, as_):
    from core.organisation.models import Deputy

    response = post(as_(Role.DEPUTY), "/messages", payload(regime="deputy_voice", district_id=city["district"].pk))
    assert response.status_code == 201, response.json()
    message = Message.objects.get()
    assert message.regime == "deputy_voice"
    assert message.gathered_by_deputy == Deputy.objects.get(user=people[Role.DEPUTY])


def test_a_batch_cannot_carry_a_deputys_voice(city, as_):
    response = post(as_(Role.STAFF), "/messages/batch", {"messages": [payload(), payload(regime="deputy_voice")]})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"row 2"}
    assert response.json()["details"]["row 2"].startswith("regime: Only a deputy")
    assert not Message.objects.exists()
