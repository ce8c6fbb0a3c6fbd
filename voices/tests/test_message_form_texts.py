"""The message forms as their users meet them: the staff's phone entry offers only the
regimes a call can be (never a deputy's voice, which names its deputy or station), both
forms' length limits are the intake rules' own and say the limit, the phone entry speaks to
staff about the caller, a person's name reads 姓名, and a citizen refused (MSG-5) is told the
ground as well as the directions."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.accounts.roles import Role
from voices import rules
from voices.forms import MessageForm, PhoneEntryForm
from voices.models import Message

from . import test_pages as pages
from .test_pages import form_data, text

city, people, as_, make_message = pages.city, pages.people, pages.as_, pages.make_message

pytestmark = pytest.mark.django_db


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def maxlength(page: str, name: str) -> int:
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
    return int(re.search(r'maxlength="(\d+)"', tag).group(1))


# --- the phone entry's regimes -------------------------------------------------------------------


def test_the_phone_entry_offers_no_deputys_voice(city, as_):
    page = text(as_(Role.STAFF).get(reverse("voices:phone-entry")))
    assert options(page, "regime") == ["hotline", "petition"]


def test_a_call_entered_as_a_deputys_voice_is_refused_as_a_choice_not_for_a_missing_deputy(city, as_):
    response = as_(Role.STAFF).post(reverse("voices:phone-entry"), form_data(regime="deputy_voice"))
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert "Name the deputy or liaison station" not in text(response)
    assert not Message.objects.exists()


def test_a_call_to_the_congress_is_entered_as_a_petition(city, as_):
    as_(Role.STAFF).post(reverse("voices:phone-entry"), form_data(regime="petition"))
    assert Message.objects.get().regime == "petition"


# --- length limits: one source, and the error says the limit -------------------------------------


@pytest.mark.parametrize("url", ["voices:message-create", "voices:phone-entry"])
def test_the_forms_maxlength_are_the_intake_rules_limits(city, as_, url):
    page = text(as_(Role.STAFF).get(reverse(url)))
    assert maxlength(page, "name") == rules.NAME_MAX
    assert maxlength(page, "body") == rules.BODY_MAX
    assert maxlength(page, "subject") == rules.SUBJECT_MAX
    assert maxlength(page, "location") == rules.LOCATION_MAX
    assert maxlength(page, "phone") == rules.PHONE_MAX


@pytest.mark.parametrize("url", ["voices:message-create", "voices:phone-entry"])
def test_a_name_over_the_limit_is_refused_saying_the_limit(city, as_, url):
    response = as_(Role.STAFF).post(reverse(url), form_data(name="王" * (rules.NAME_MAX + 1)))
    assert response.status_code == 422
    assert f"At most {rules.NAME_MAX} characters (this has {rules.NAME_MAX + 1})." in text(response)
    assert "This is too long." not in text(response)
    assert not Message.objects.exists()


@pytest.mark.parametrize("url", ["voices:message-create", "voices:phone-entry"])
def test_a_body_as_long_as_the_rule_allows_is_received_on_both_forms(city, as_, url):
    """rules.BODY_MAX (10,000) on every channel: the forms no longer stop at 5,000."""
    as_(Role.STAFF).post(reverse(url), form_data(body="路" * rules.BODY_MAX))
    assert len(Message.objects.get().body) == rules.BODY_MAX


def test_the_intake_rules_length_refusal_says_the_limit_too():
    """A field without its own limit still gets the rule's, said with its limit."""
    form = MessageForm(form_data(name="王" * (rules.NAME_MAX + 1)))
    form.fields["name"].max_length = None
    form.fields["name"].validators = []
    assert not form.is_valid()
    assert form.errors["name"] == [f"At most {rules.NAME_MAX} characters (this has {rules.NAME_MAX + 1})."]


# --- who the texts speak to --------------------------------------------------------------------------


YOU = [
    "Your message",
    "About you",
    "Only to reach you about this message.",
    "Only for a report of wrongdoing. Your report is never sent to the unit it is about.",
    "Only the congress office can see who you are; the unit handling it cannot.",
    "Needed if you are under 14 and give your name or phone.",
    "Say what happened, where and when, and what you ask for.",
]


def test_the_phone_entry_speaks_about_the_caller(city, as_):
    page = text(as_(Role.STAFF).get(reverse("voices:phone-entry")))
    for about_the_caller in ("The caller&#x27;s message", "About the caller",
                             "Only to reach the caller about this message.",
                             "Only the congress office can see who the caller is; the unit handling it cannot."):
        assert about_the_caller in page
    for to_the_citizen in YOU:
        assert to_the_citizen.replace("'", "&#x27;") not in page, to_the_citizen


def test_the_citizens_form_still_speaks_to_the_citizen(city, as_):
    page = text(as_(None).get(reverse("voices:message-create")))
    for to_the_citizen in YOU:
        assert to_the_citizen in page, to_the_citizen
    assert "the caller" not in page


def test_the_phone_forms_texts_never_say_you():
    form = PhoneEntryForm()
    texts = [str(form.message_legend), str(form.person_legend)]
    texts += [str(field.help_text) for field in form.fields.values()]
    assert not [t for t in texts if re.search(r"\b[Yy]ou(r)?\b", t)]


# --- a person's name ------------------------------------------------------------------------------


def test_the_senders_name_reads_as_a_persons_name_in_chinese(make_message, people, as_):
    people[Role.STAFF].language = "zh-hans"
    people[Role.STAFF].save(update_fields=["language"])
    message = make_message()
    page = text(as_(Role.STAFF).get(reverse("voices:message-detail", args=[message.pk])))
    assert "<dt>姓名</dt>" in page and "<dt>名称</dt>" not in page


# --- MSG-5: the citizen is told the ground ------------------------------------------------------


def test_msg_5_the_tracking_page_tells_the_ground_and_the_directions(make_message, as_):
    message = make_message()
    as_(Role.STAFF).post(reverse("voices:message-not-accept", args=[message.pk]),
                         {"reason": "litigation_or_arbitration", "note": "请向测试市人民法院起诉。"})
    page = text(as_(None).get(reverse("voices:track"), {"tracking_number": message.tracking_number}))
    assert "Belongs to litigation or arbitration" in page
    assert "请向测试市人民法院起诉。" in page


def test_msg_5_the_ground_is_translated_for_the_citizen(make_message, as_):
    message = make_message()
    as_(Role.STAFF).post(reverse("voices:message-not-accept", args=[message.pk]),
                         {"reason": "litigation_or_arbitration", "note": "请向测试市人民法院起诉。"})
    page = text(as_(None).get(reverse("voices:track"), {"tracking_number": message.tracking_number},
                              HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "属于诉讼或仲裁事项" in page
