"""Fixtures for the voices core tests: the invented city, its units, staff and clerks."""

from __future__ import annotations

import pytest

from core.accounts.roles import Role


@pytest.fixture(autouse=True)
def _fresh_caches():
    from voices import classify, duplicates
    from voices.services.intake import forget_staff

    classify.forget_models()
    duplicates.forget()
    forget_staff()
    yield
    classify.forget_models()
    duplicates.forget()
    forget_staff()


@pytest.fixture
def congress(db):
    from core.organisation.tests.factories import CongressFactory

    return CongressFactory()


@pytest.fixture
def units(congress):
    from core.organisation.tests.factories import HandlingUnitFactory

    return [HandlingUnitFactory(congress=congress) for _ in range(3)]


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, username="voices-staff")


@pytest.fixture
def citizen(make_user):
    return make_user(Role.CITIZEN, username="voices-citizen")


@pytest.fixture
def clerk_of(make_user):
    def make(unit):
        return make_user(Role.UNIT_CLERK, username=f"clerk-{unit.pk}", handling_unit=unit)

    return make


@pytest.fixture
def category(congress, units):
    from voices.tests.factories import MessageCategoryFactory

    return MessageCategoryFactory(congress=congress, code="city", name="城乡建设", unit=units[0])


def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("reply.pdf", b"%PDF-1.4\n% a signed letter\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def reply_as():
    """The unit's clerk replies to the message's pending lead assignment (casework service)."""
    from casework import selectors as case_selectors
    from casework import services as casework

    def reply(clerk, message, body="已修复路灯，感谢监督。"):
        case = casework.live_case(type(message.case).objects.get(pk=message.case_id))
        rows = [a for a in case_selectors.assignments_for(clerk, case)
                if a.status == "pending" and a.unit_id == clerk.handling_unit_id and a.round == case.round]
        return casework.submit_reply(by=clerk, assignment=rows[0], body=body, reply_class="A",
                                     letter=pdf(), signed_by="王局长")

    return reply
