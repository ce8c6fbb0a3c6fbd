"""voices.classify and training (SEC-10: the models only suggest; a person routes)."""

import pytest
from django.core.management import call_command

from casework.models import Assignment
from core.errors import NotAllowed, ValidationFailed
from voices import classify, selectors, services
from voices.models import Message, TextModel
from voices.tests.factories import MessageCategoryFactory, receive

pytestmark = pytest.mark.django_db

LIGHTS = ["小区路灯坏了晚上很黑", "楼下路灯不亮好几天", "路灯损坏请维修", "街道路灯夜里不亮"]
BUSES = ["公交车班次太少等很久", "希望增开公交线路", "公交车早高峰太挤", "公交站台没有遮雨棚"]


@pytest.fixture
def history(congress, citizen, staff, units):
    """Eight confirmed routings: street lights → units[0], buses → units[1]."""
    lights = MessageCategoryFactory(congress=congress, code="lights", name="路灯", unit=units[0])
    buses = MessageCategoryFactory(congress=congress, code="buses", name="公交", unit=units[1])
    for texts, category, unit in ((LIGHTS, lights, units[0]), (BUSES, buses, units[1])):
        for text in texts:
            message = receive(citizen, congress, subject=text[:6], body=text)
            services.route_message(by=staff, message=message, category=category, unit=unit)
    return lights, buses


def test_train_from_confirmed_history_with_cross_validated_metrics(history, staff, congress, units):
    made = services.train_models(by=staff, congress=congress)
    assert {m.purpose for m in made} == {"category", "unit"}
    for model in made:
        assert model.is_active and model.version == 1 and model.n_train == 8 and model.trained_by == staff
        assert {"accuracy", "macro_f1", "per_class", "folds"} <= set(model.metrics)
        assert 0.0 <= model.metrics["accuracy"] <= 1.0
    unit_model = next(m for m in made if m.purpose == "unit")
    assert set(unit_model.metrics["per_class"]) == {str(units[0].pk), str(units[1].pk)}


def test_new_version_replaces_the_active_one(history, staff, congress):
    services.train_models(by=staff, congress=congress, purposes=["category"])
    services.train_models(by=staff, congress=congress, purposes=["category"])
    rows = TextModel.objects.filter(congress=congress, purpose="category").order_by("version")
    assert [(m.version, m.is_active) for m in rows] == [(1, False), (2, True)]


def test_sec_10_suggestions_with_reasons_recorded_never_acted_on(history, staff, congress, citizen, units):
    lights, _buses = history
    made = services.train_models(by=staff, congress=congress)
    message = receive(citizen, congress, subject="路灯", body="我家门口的路灯坏了，晚上很黑", classify=True)
    assert message.suggested_category == lights
    assert message.suggested_unit == units[0]
    assert message.suggestion_reasons["category"]["label"] == "lights"
    assert set(message.suggested_with.all()) == set(made)
    # The words that weighed most are there for the person who opens the message, and kept.
    shown = selectors.suggestion_reasons(Message.objects.get(pk=message.pk))
    assert shown["category"]["reasons"]
    assert Message.objects.get(pk=message.pk).suggestion_reasons["category"]["reasons"] == shown["category"]["reasons"]
    # SEC-10: nothing is routed or closed by the models.
    assert message.status == Message.Status.RECEIVED and message.category is None
    assert not Assignment.objects.filter(case=message.case).exists()


def test_unit_from_the_category_map_unless_the_unit_model_is_confident(history, staff, congress, citizen, units):
    lights, _buses = history
    services.train_models(by=staff, congress=congress, purposes=["category"])
    message = receive(citizen, congress, subject="路灯", body="路灯不亮", classify=True)
    assert message.suggested_unit == units[0]  # MessageCategory.unit
    lights.unit = units[2]
    lights.save()
    services.train_models(by=staff, congress=congress, purposes=["unit"])
    found = classify.suggest(congress=congress, subject="路灯", body="小区路灯坏了晚上很黑")
    expected = units[0].pk if found.reasons["unit"]["confidence"] >= 0.6 else units[2].pk
    assert found.unit_id == expected


def test_urgency_is_suggested_with_reasons(congress, citizen):
    message = receive(citizen, congress, subject="燃气", body="楼道里燃气泄漏味道很大，非常危险", classify=True)
    assert message.suggested_urgent and not message.is_urgent
    assert message.suggestion_reasons["urgency"]["reasons"]


def test_training_refusals(history, congress, citizen):
    with pytest.raises(NotAllowed):
        services.train_models(by=citizen, congress=congress)


def test_training_needs_history(congress, staff):
    with pytest.raises(ValidationFailed):
        services.train_models(by=staff, congress=congress)
    assert not TextModel.objects.exists()


def test_administrator_may_train(history, users, congress):
    assert len(services.train_models(by=users["administrator"], congress=congress)) == 2


def test_task_and_command_train(history, congress, staff, capsys):
    from voices.tasks import train_voices_models

    result = train_voices_models.enqueue(congress_id=congress.pk, user_id=staff.pk)
    assert len(result.return_value) == 2
    call_command("voices_train", "--congress", congress.region_code)
    assert "v2" in capsys.readouterr().out
    assert TextModel.objects.filter(is_active=True).count() == 2


def test_demo_messages_and_models(congress, units):
    from core.organisation.tests.factories import DistrictFactory, HandlingUnitFactory
    from voices.demo import CATEGORIES, write_demo_messages

    DistrictFactory(congress=congress)
    for _code, _name, unit_name, _texts in CATEGORIES:
        HandlingUnitFactory(congress=congress, name=unit_name)
    result = write_demo_messages(congress, count=48)
    assert result["created"] == 48 and result["routed"] > 20
    assert {m.purpose for m in result["models"]} == {"category", "unit"}
    again = write_demo_messages(congress, count=48, train=False)
    assert again["created"] == 0
