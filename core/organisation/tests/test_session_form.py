"""The session form says what is wrong in words staff read, never a constraint's name: an end
before the start, a number the term already has (the term's own messages too)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.accounts.roles import Role
from core.errors import ValidationFailed
from core.organisation import services
from core.organisation.models import Session, Term
from core.organisation.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(users):
    client = Client()
    client.force_login(users[Role.STAFF])
    return client


def session_data(**changes):
    data = {"number": 7, "kind": "regular", "starts_on": "2026-01-19", "ends_on": "2026-01-22"}
    data.update(changes)
    return data


def test_an_end_before_the_start_is_refused_in_words(city, desk):
    url = reverse("organisation:session-create", args=[city["term"].pk])
    page = desk.post(url, session_data(ends_on="2026-01-18")).content.decode()
    assert "The end date cannot be before the start date." in page
    assert "organisation_session_ends_after_start" not in page
    assert not Session.objects.exists()


def test_a_number_the_term_already_has_is_refused_on_the_number(city, desk):
    factories.SessionFactory(term=city["term"], number=7)
    url = reverse("organisation:session-create", args=[city["term"].pk])
    response = desk.post(url, session_data())
    assert response.context["form"].errors["number"] == ["The term already has session 7."]
    assert Session.objects.count() == 1


def test_changing_a_session_to_a_number_taken_is_refused(city, users):
    factories.SessionFactory(term=city["term"], number=6)
    seventh = factories.SessionFactory(term=city["term"], number=7)
    with pytest.raises(ValidationFailed) as refused:
        services.update_session(session_id=seventh.pk, by=users[Role.STAFF], number=6)
    assert refused.value.details == {"number": "The term already has session 6."}
    assert services.update_session(session_id=seventh.pk, by=users[Role.STAFF], number=7, kind="regular")


def test_the_constraints_carry_readable_messages(city):
    """Whatever path reaches them (the admin, an import), the constraints read naturally."""
    factories.SessionFactory(term=city["term"], number=7)
    again = Session(term=city["term"], number=7, starts_on=datetime.date(2026, 1, 22),
                    ends_on=datetime.date(2026, 1, 19))
    with pytest.raises(ValidationError) as refused:
        again.full_clean()
    messages = refused.value.message_dict["__all__"]
    assert "The term already has a session with this number." in messages
    assert "The end date cannot be before the start date." in messages
    term = Term(congress=city["congress"], number=9, starts_on=datetime.date(2022, 1, 1),
                ends_on=datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError) as refused:
        term.full_clean()
    assert set(refused.value.message_dict["__all__"]) == {
        "The congress already has a term with this number.", "A term must end after it starts.",
    }


def test_the_term_field_has_a_translated_name():
    """届次, not the English field name, wherever Django names the field."""
    with translation.override("zh-hans"):
        assert str(Session._meta.get_field("term").verbose_name) == "届次"
