"""Batch intake (POST /api/voices/messages/batch, voices.services.receive_batch) and the
single path's cheaper intake: a client system sends many messages at once, all or nothing;
each still gets its case, tracking number, suggestions with the models recorded, audit entry
and place in the daily counts; the words that weighed most come when a person opens it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from casework.models import Case, Recipient
from core.accounts.models import ApiToken
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.audit.verify import verify_chain
from core.errors import NotAllowed, ValidationFailed
from core.notify.models import Notification
from voices import classify, selectors, services
from voices.forms import NOTICE_VERSION
from voices.models import Channel, Message
from voices.services import counts
from voices.services import intake as intake_module
from voices.tests.factories import MessageCategoryFactory, receive

from . import test_pages as pages

city, people = pages.city, pages.people

pytestmark = pytest.mark.django_db

BATCH = "/api/voices/messages/batch"
LIGHTS = ["小区路灯坏了晚上很黑", "楼下路灯不亮好几天", "路灯损坏请维修", "街道路灯夜里不亮"]
BUSES = ["公交车班次太少等很久", "希望增开公交线路", "公交车早高峰太挤", "公交站台没有遮雨棚"]


def item(n: int, **kwargs) -> dict:
    data = {"subject": f"路灯不亮{n}", "body": f"幸福小区{n}号楼前的路灯坏了两周，晚上很黑。",
            "notice_version": NOTICE_VERSION, "name": "王先生", "phone": "13812345678"}
    data.update(kwargs)
    return data


@pytest.fixture
def client_system(make_user):
    """A 12345 platform's account (role "public": a system, not a person) and its API token."""
    user = make_user(Role.PUBLIC, username="platform-12345")
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="12345", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    return user, key


def send(key: str | None, messages: list[dict]):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client().post(BATCH, {"messages": messages}, content_type="application/json", **headers)


@pytest.fixture
def trained(city, people):
    """Category and unit models trained on eight routed messages (lights → roads, buses → housing)."""
    congress, staff, citizen = city["congress"], people[Role.STAFF], people[Role.CITIZEN]
    lights = city["lights"]
    buses = MessageCategoryFactory(congress=congress, code="buses", name="公交", unit=city["housing"])
    for texts, category, unit in ((LIGHTS, lights, city["roads"]), (BUSES, buses, city["housing"])):
        for text in texts:
            message = receive(citizen, congress, subject=text[:6], body=text)
            services.route_message(by=staff, message=message, category=category, unit=unit)
    models = services.train_models(by=staff, congress=congress)
    return {"lights": lights, "buses": buses, "models": models}


# --- the batch through the API -------------------------------------------------------------------


def test_a_client_system_sends_a_batch_and_each_message_gets_its_case_and_number(city, people, client_system):
    user, key = client_system
    answer = send(key, [item(1), item(2, district_id=city["district"].pk), item(3, is_anonymous=True, name="",
                                                                                 phone="")])
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["received"] == 3 and body["already_received"] == 0
    numbers = [row["tracking_number"] for row in body["items"]]
    assert len(set(numbers)) == 3 and all(row["created"] for row in body["items"])
    stored = {m.tracking_number: m for m in Message.objects.filter(tracking_number__in=numbers)}
    assert set(stored) == set(numbers)
    for n, number in enumerate(numbers, start=1):
        message = stored[number]
        assert message.subject == f"路灯不亮{n}" and message.channel == Channel.API
        assert message.status == Message.Status.RECEIVED and message.case.kind == "message"
        # The client system is owed the reply (as for one message sent with its token).
        assert message.submitter == user
        assert Recipient.objects.get(case=message.case).user == user
    assert stored[numbers[1]].district == city["district"]
    assert len({m.case_id for m in stored.values()}) == 3


def test_a_batch_writes_one_audit_entry_per_message_and_the_chain_holds(city, people, client_system):
    _user, key = client_system
    before = AuditEntry.objects.count()
    answer = send(key, [item(n) for n in range(4)])
    assert answer.status_code == 201
    entries = AuditEntry.objects.filter(action="voices.receive").order_by("seq")
    assert AuditEntry.objects.count() == before + 4
    assert {e.data["tracking_number"] for e in entries} == {r["tracking_number"] for r in answer.json()["items"]}
    assert verify_chain().ok


def test_a_batch_keeps_the_daily_counts_exact(city, client_system):
    _user, key = client_system
    answer = send(key, [item(n, district_id=city["district"].pk if n % 2 else None) for n in range(5)])
    assert answer.status_code == 201
    assert counts.drift(city["congress"]) == []


def test_staff_are_told_once_per_batch(city, people, client_system):
    _user, key = client_system
    staff = people[Role.STAFF]
    answer = send(key, [item(n) for n in range(3)])
    assert answer.status_code == 201
    told = Notification.objects.filter(recipient=staff, action="voices.receive")
    assert told.count() == 1
    first, last = answer.json()["items"][0]["tracking_number"], answer.json()["items"][-1]["tracking_number"]
    assert first in told.get().title and last in told.get().title


def test_one_invalid_message_stores_nothing_and_names_its_row(city, client_system):
    _user, key = client_system
    answer = send(key, [item(1), item(2, age_band="under_14"), item(3, district_id=999_999)])
    assert answer.status_code == 422
    details = answer.json()["details"]
    assert set(details) == {"row 2", "row 3"}
    assert "guardian_consent" in details["row 2"] and "district" in details["row 3"]
    assert not Message.objects.exists() and not Case.objects.exists()


def test_more_than_the_limit_is_refused(city, client_system):
    _user, key = client_system
    answer = send(key, [item(n) for n in range(services.BATCH_MAX + 1)])
    assert answer.status_code == 422
    assert not Message.objects.exists()


def test_a_batch_sent_again_stores_nothing_twice(city, client_system):
    """The external number makes a batch idempotent (a platform retrying after a lost answer)."""
    _user, key = client_system
    batch = [item(1, external_id="WO-1"), item(2, external_id="WO-2"), item(3, external_id="WO-1")]
    first = send(key, batch)
    assert first.status_code == 201
    rows = first.json()["items"]
    # The same work order twice in one batch is one message.
    assert rows[0]["tracking_number"] == rows[2]["tracking_number"]
    assert [r["created"] for r in rows] == [True, True, False]
    assert first.json()["received"] == 2
    again = send(key, batch)
    assert again.status_code == 201
    assert [r["tracking_number"] for r in again.json()["items"]] == [r["tracking_number"] for r in rows]
    assert again.json()["received"] == 0 and again.json()["already_received"] == 3
    assert Message.objects.count() == 2


def test_a_work_order_keeps_the_time_the_platform_received_it(city, client_system):
    _user, key = client_system
    when = timezone.now() - datetime.timedelta(days=2)
    answer = send(key, [item(1, received_at=when.isoformat())])
    assert answer.status_code == 201
    assert Message.objects.get().received_at == when
    future = timezone.now() + datetime.timedelta(days=1)
    refused = send(key, [item(2, received_at=future.isoformat())])
    assert refused.status_code == 422 and "received_at" in refused.json()["details"]["row 1"]


def test_callers_without_credentials_are_refused(city, client_system):
    """Deny by default: one request stores up to 500 messages, so never anonymously (401)."""
    assert send(None, [item(1)]).status_code == 401
    assert send("not-a-token", [item(1)]).status_code == 401
    assert not Message.objects.exists()


def test_the_batch_is_in_the_openapi_schema_with_its_permission():
    from config.api import api

    operation = api.get_openapi_schema()["paths"][BATCH]["post"]
    assert operation["x-permission"] == "voices.submit"
    assert "all or nothing" in operation["description"]


# --- the service ---------------------------------------------------------------------------------


def test_staff_enter_a_batch_of_calls_each_owed_through_a_stand_in_account(city, people):
    staff = people[Role.STAFF]
    made = services.receive_batch(by=staff, congress=city["congress"], channel=Channel.PHONE,
                                  items=[item(1, regime="hotline"), item(2, regime="petition")])
    assert [m.regime for m in made] == ["hotline", "petition"]
    for message in made:
        assert message.submitter.username == f"contact-{message.tracking_number}"
        assert not message.submitter.is_active and not message.submitter.has_usable_password()
        assert message.entered_by == staff
        assert message.phone_index and "13812345678" not in message.phone_encrypted  # SEC-8


def test_a_citizen_may_not_enter_phone_calls_in_a_batch(city, people):
    with pytest.raises(NotAllowed):
        services.receive_batch(by=people[Role.CITIZEN], congress=city["congress"], channel=Channel.PHONE,
                               items=[item(1)])
    assert not Message.objects.exists()


def test_an_unknown_field_is_named_by_row(city, people):
    with pytest.raises(ValidationFailed) as refused:
        services.receive_batch(by=people[Role.STAFF], congress=city["congress"], channel=Channel.PHONE,
                               items=[item(1, regime="hotline"), {**item(2), "colour": "blue", "_row": 7},
                                         {"subject": "x", "body": "y", "_row": 8}])
    assert set(refused.value.details) == {"row 7", "row 8"}
    assert "colour" in refused.value.details["row 7"] and "regime" in refused.value.details["row 8"]


# --- suggestions: the same whether one by one or in a batch; reasons when opened ---------------------


def test_a_batch_is_classified_as_one_message_is_with_the_models_recorded(city, people, trained, client_system):
    _user, key = client_system
    texts = ["我家门口的路灯坏了，晚上很黑", "公交车太少了，早上等很久"]
    answer = send(key, [item(n, subject=text[:6], body=text) for n, text in enumerate(texts)])
    assert answer.status_code == 201
    for row, text in zip(answer.json()["items"], texts, strict=True):
        message = Message.objects.get(tracking_number=row["tracking_number"])
        one = classify.suggest(congress=city["congress"], subject=text[:6], body=text)
        assert (message.suggested_category_id, message.suggested_unit_id) == (one.category_id, one.unit_id)
        assert message.suggestion_reasons["category"]["confidence"] == one.reasons["category"]["confidence"]
        assert set(message.suggested_with.all()) == set(trained["models"])
        assert message.status == Message.Status.RECEIVED and message.category is None  # SEC-10
    lights = Message.objects.get(tracking_number=answer.json()["items"][0]["tracking_number"])
    assert lights.suggested_category == trained["lights"]


def test_sec_10_the_words_that_weighed_most_are_those_of_the_models_used(city, people, trained):
    text = "我家门口的路灯坏了，晚上很黑"
    message = receive(people[Role.CITIZEN], city["congress"], subject="路灯", body=text, classify=True)
    assert "reasons" not in message.suggestion_reasons["category"]  # not worked out at intake
    explained = classify.suggest(congress=city["congress"], subject="路灯", body=message.body, explain=True)
    shown = selectors.suggestion_reasons(Message.objects.get(pk=message.pk))
    assert shown["category"]["reasons"] == explained.reasons["category"]["reasons"]
    assert shown["category"]["reasons"]
    # A newer model does not change the words given for the suggestion the old one made.
    services.train_models(by=people[Role.STAFF], congress=city["congress"], purposes=["category"])
    again = Message.objects.get(pk=message.pk)
    again.suggestion_reasons = {**again.suggestion_reasons, "category": {
        k: v for k, v in again.suggestion_reasons["category"].items() if k != "reasons"}}
    assert selectors.suggestion_reasons(again)["category"]["reasons"] == explained.reasons["category"]["reasons"]


def test_staff_opening_the_message_see_the_reasons(city, people, trained):
    message = receive(people[Role.CITIZEN], city["congress"], subject="路灯", body="路灯坏了晚上很黑", classify=True)
    client = Client()
    client.force_login(people[Role.STAFF])
    answer = client.get(f"/api/voices/messages/{message.pk}")
    assert answer.status_code == 200
    category = next(s for s in answer.json()["suggestions"] if s["key"] == "category")
    assert category["reasons"]
    assert Message.objects.get(pk=message.pk).suggestion_reasons["category"]["reasons"]  # kept for the next


def test_a_category_mapped_to_another_unit_is_seen_at_once(city, people, trained):
    """The per-process snapshot of categories is dropped when a category changes."""
    before = classify.suggest(congress=city["congress"], subject="路灯", body="小区路灯坏了晚上很黑")
    lights = trained["lights"]
    lights.is_active = False
    lights.save()
    after = classify.suggest(congress=city["congress"], subject="路灯", body="小区路灯坏了晚上很黑")
    assert before.category_id == lights.pk and after.category_id is None


def test_a_tracking_number_drawn_twice_is_drawn_again(city, people, monkeypatch):
    first = receive(people[Role.CITIZEN], city["congress"])
    drawn = iter([first.tracking_number])
    original = intake_module.tracking_number_candidate

    def candidate(day):
        return next(drawn, None) or original(day)

    monkeypatch.setattr(intake_module, "tracking_number_candidate", candidate)
    second = receive(people[Role.CITIZEN], city["congress"], body="另一条留言，内容不同。")
    assert second.tracking_number != first.tracking_number
    assert Message.objects.count() == 2
