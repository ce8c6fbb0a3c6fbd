"""What a message's pages show of the personal data a citizen typed (SEC-7, SEC-8, SEC-10):
every reveal is on the audit page; the ID and phone numbers in the subject and text are masked
for staff, units and deputies until a logged reveal, on the message's page, on every list and
in the export; the citizen reads their own text as written; the suggestions say which model
version made them."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import NotAllowed
from voices import services
from voices.forms import NOTICE_VERSION
from voices.models import Message, MessageCategory, PersonalDataView, TextModel

pytestmark = pytest.mark.django_db

NAME = "王小明"
PHONE = "13812345678"
ID_NUMBER = "140202199001011234"
TEXT_PHONE = "13512345678"
SUBJECT = "路灯坏了请回电13512345678"
MASKED_SUBJECT = "路灯坏了请回电135****5678"
BODY = "测试路三号门前的路灯坏了。身份证号是140202199001011234，电话13512345678。"
MASKED_BODY = "测试路三号门前的路灯坏了。身份证号是140202********1234，电话135****5678。"


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
    return {
        "congress": congress,
        "district": DistrictFactory(congress=congress, name="测试东区"),
        "roads": roads,
        "lights": MessageCategory.objects.create(congress=congress, code="lights", name="路灯照明", unit=roads),
    }


@pytest.fixture
def people(city, make_user):
    from core.organisation.tests.factories import DelegationFactory, DeputyFactory, TermFactory

    deputy = make_user(Role.DEPUTY)
    DeputyFactory(delegation=DelegationFactory(term=TermFactory(congress=city["congress"]), district=city["district"]),
                  user=deputy)
    return {
        Role.STAFF: make_user(Role.STAFF),
        Role.DEPUTY: deputy,
        Role.UNIT_CLERK: make_user(Role.UNIT_CLERK, handling_unit=city["roads"]),
        Role.CITIZEN: make_user(Role.CITIZEN),
        Role.ADMINISTRATOR: make_user(Role.ADMINISTRATOR),
    }


@pytest.fixture
def as_(people):
    def make(who):
        client = Client()
        client.force_login(people[who])
        return client

    return make


@pytest.fixture
def make_message(city, people):
    """A phone call entered by staff, in the deputy's district, with numbers in its text."""

    def make(**kwargs):
        values = {
            "by": people[Role.STAFF], "congress": city["congress"], "channel": "phone", "regime": "hotline",
            "subject": SUBJECT, "body": BODY, "district": city["district"], "name": NAME, "phone": PHONE,
            "id_number": ID_NUMBER, "notice_version": NOTICE_VERSION, "classify": False, "quiet": True,
        }
        values.update(kwargs)
        return services.receive_message(**values)

    return make


@pytest.fixture
def routed(make_message, people, city):
    message = make_message()
    services.route_message(by=people[Role.STAFF], message=message, category=city["lights"], unit=city["roads"])
    return message


def page(client, name, *args, **kwargs) -> str:
    response = client.get(reverse(name, args=args), kwargs)
    assert response.status_code == 200
    return response.content.decode()


def reveal(client, message, **extra):
    return client.post(reverse("voices:message-reveal", args=[message.pk]), {"purpose": "回访"}, **extra)


def assert_masked(html: str) -> None:
    assert ID_NUMBER not in html and TEXT_PHONE not in html
    assert "140202********1234" in html and "135****5678" in html


# --- SEC-8: every reveal is on the audit page ------------------------------------------------------


@pytest.mark.parametrize("reader", [Role.STAFF, Role.ADMINISTRATOR])
def test_a_reveal_is_listed_on_the_audit_page_with_who_made_it(make_message, people, as_, reader):
    """SEC-8: the access log of personal data is readable by whoever reads the audit log."""
    message = make_message()
    assert reveal(as_(Role.STAFF), message).status_code == 200
    html = page(as_(reader), "audit:index", target_type="voices.message", target_id=str(message.pk))
    assert "voices.reveal" in html
    assert people[Role.STAFF].get_username() in html


def test_the_reveal_entry_says_what_was_revealed_and_holds_none_of_it(make_message, people, as_):
    """SEC-8: the entry names the fields and the purpose; no name, number or ID is in it."""
    message = make_message()
    reveal(as_(Role.STAFF), message)
    entry = AuditEntry.objects.get(action="voices.reveal")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (people[Role.STAFF].pk, "voices.message",
                                                                   str(message.pk))
    assert entry.data == {"fields": ["name", "phone", "id_number"], "text_numbers": True, "purpose": "回访"}
    stored = f"{entry.target_label} {entry.data} {entry.before} {entry.after}"
    for secret in (NAME, PHONE, ID_NUMBER, TEXT_PHONE):
        assert secret not in stored
    assert message.tracking_number in entry.target_label and MASKED_SUBJECT in entry.target_label
    html = page(as_(Role.STAFF), "audit:index", action="voices.reveal")
    for secret in (NAME, PHONE, ID_NUMBER, TEXT_PHONE):
        assert secret not in html


def test_each_reveal_is_one_entry_and_a_refused_one_none(make_message, people):
    """SEC-8: every view is logged, in the same transaction as the view log."""
    message = make_message()
    services.reveal_personal_data(by=people[Role.STAFF], message=message, purpose="回访")
    services.reveal_personal_data(by=people[Role.STAFF], message=message, purpose="核实")
    with pytest.raises(NotAllowed):
        services.reveal_personal_data(by=people[Role.UNIT_CLERK], message=message, purpose="看看")
    assert AuditEntry.objects.filter(action="voices.reveal").count() == 2 == PersonalDataView.objects.count()


def test_a_number_typed_into_the_purpose_stays_out_of_the_audit_log(make_message, people):
    message = make_message()
    services.reveal_personal_data(by=people[Role.STAFF], message=message, purpose=f"回拨{PHONE}")
    assert AuditEntry.objects.get(action="voices.reveal").data["purpose"] == "回拨138****5678"


# --- SEC-7, SEC-8: numbers in the message's own text ---------------------------------------------


@pytest.mark.parametrize("who", [Role.STAFF, Role.UNIT_CLERK, Role.DEPUTY])
def test_the_numbers_in_a_messages_text_are_masked_on_its_page(routed, as_, who):
    """SEC-7, SEC-8: the ID and phone numbers the citizen typed, masked as the sender panel does."""
    html = page(as_(who), "voices:message-detail", routed.pk)
    assert_masked(html)
    assert MASKED_BODY in html and MASKED_SUBJECT in html


def test_after_a_reveal_staff_read_the_text_as_written(make_message, as_):
    """SEC-8: in full once the reveal is logged."""
    message = make_message()
    html = reveal(as_(Role.STAFF), message).content.decode()
    assert BODY in html and SUBJECT in html


def test_a_reveal_with_htmx_also_swaps_in_the_text_as_written(make_message, as_):
    """SEC-8: the contact panel and, out of band, the subject and text in full."""
    message = make_message()
    html = reveal(as_(Role.STAFF), message, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<section class="panel" id="contact"')
    assert f'<h1 id="message-subject" hx-swap-oob="true">{SUBJECT}</h1>' in html
    assert 'id="message-text" hx-swap-oob="true"' in html and BODY in html


def test_the_citizen_reads_their_own_text_as_written(make_message, people, as_):
    """SEC-13: the sender's own message is theirs to read."""
    message = make_message(submitter=people[Role.CITIZEN])
    html = page(as_(Role.CITIZEN), "voices:message-detail", message.pk)
    assert BODY in html and SUBJECT in html


def test_reading_the_page_without_a_reveal_logs_nothing(routed, as_):
    page(as_(Role.STAFF), "voices:message-detail", routed.pk)
    assert not AuditEntry.objects.filter(action="voices.reveal").exists()


@pytest.mark.parametrize(("who", "name"), [
    (Role.STAFF, "voices:message-list"),
    (Role.UNIT_CLERK, "voices:assigned-list"),
    (Role.DEPUTY, "voices:district-list"),
])
def test_the_subject_on_the_lists_is_masked(routed, as_, who, name):
    """SEC-7, SEC-8: the lists of staff, the unit and the deputy."""
    html = page(as_(who), name)
    assert MASKED_SUBJECT in html and TEXT_PHONE not in html


def test_the_subject_on_a_callers_messages_is_masked(make_message, as_):
    make_message()
    response = as_(Role.STAFF).post(reverse("voices:caller-messages"), {"phone": PHONE, "purpose": "来电"})
    html = response.content.decode()
    assert MASKED_SUBJECT in html and TEXT_PHONE not in html


def test_the_subject_in_the_export_is_masked(make_message, as_):
    """SEC-8: the xlsx holds the list's rows as shown."""
    make_message()
    response = as_(Role.STAFF).get(reverse("voices:message-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row]
    assert MASKED_SUBJECT in cells
    assert not any(TEXT_PHONE in c for c in cells)


def test_a_subject_without_numbers_is_shown_unchanged(make_message, as_):
    make_message(subject="测试路路灯坏了", body="晚上很黑。")
    assert "测试路路灯坏了" in page(as_(Role.STAFF), "voices:message-list")


# --- SEC-10: which model version made each suggestion -------------------------------------------


def _model(city, purpose, version):
    return TextModel.objects.create(congress=city["congress"], purpose=purpose, version=version,
                                    trained_at=timezone.now(), blob=b"-")


def test_staff_see_which_model_version_made_each_suggestion(make_message, city, as_):
    """SEC-10: the person deciding sees the version of the model behind a suggestion."""
    message = make_message(subject="路灯坏了", body="晚上很黑。")
    Message.objects.filter(pk=message.pk).update(
        suggested_category=city["lights"], suggested_unit=city["roads"],
        suggestion_reasons={
            "category": {"label": "lights", "confidence": 0.87, "reasons": [["路灯", 1.5]]},
            "unit": {"label": str(city["roads"].pk), "confidence": 0.8, "reasons": [["路灯", 0.9]]},
            "urgency": {"label": "normal", "confidence": 0.9, "reasons": []},
        },
    )
    message.suggested_with.add(_model(city, "category", 3), _model(city, "unit", 2))
    html = page(as_(Role.STAFF), "voices:message-detail", message.pk)
    assert "model v3" in html and "model v2" in html
    assert "word rules" in html  # urgency: the word rules, no model yet


def test_a_unit_taken_from_the_category_names_the_category_model(make_message, city, as_):
    """SEC-10: the unit came from the suggested category, so from the category model."""
    message = make_message(subject="路灯坏了", body="晚上很黑。")
    Message.objects.filter(pk=message.pk).update(
        suggested_category=city["lights"], suggested_unit=city["roads"],
        suggestion_reasons={"category": {"label": "lights", "confidence": 0.87, "reasons": [["路灯", 1.5]]}},
    )
    message.suggested_with.add(_model(city, "category", 4))
    html = page(as_(Role.STAFF), "voices:message-detail", message.pk)
    assert html.count("model v4") == 2


def test_a_message_without_models_names_none(make_message, as_):
    message = make_message(subject="路灯坏了", body="晚上很黑。")
    assert "model v" not in page(as_(Role.STAFF), "voices:message-detail", message.pk)


# --- the unit's reply page and the audit's labels -------------------------------------------------


def test_the_units_reply_page_shows_the_text_with_its_numbers_masked(routed, as_):
    """SEC-8: the clerk writes the reply beside the message; the numbers stay masked there too."""
    assignment = routed.case.assignments.get()
    html = page(as_(Role.UNIT_CLERK), "voices:message-reply", assignment.pk)
    assert_masked(html)
    assert MASKED_SUBJECT in html


def test_no_audit_entry_labels_a_message_with_a_number_its_sender_typed(routed, as_):
    """SEC-8: every entry (receive, route, …) names the message by its number and masked subject."""
    html = page(as_(Role.STAFF), "audit:index", target_type="voices.message", target_id=str(routed.pk))
    assert MASKED_SUBJECT in html
    assert TEXT_PHONE not in html
