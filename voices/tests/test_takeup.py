"""A deputy takes a citizen's message up as a suggestion (issue 5, item 6): a draft of the
deputy's own, the citizen's personal information scrubbed (SEC-6); once per message; never
a report (MSG-7); the citizen still owed the unit's reply and told on the tracking page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from core.notify.models import Notification
from proposals.models import Suggestion
from voices import services
from voices.tests.factories import receive

BODY = "我叫张伟，电话13912345678，家住幸福路18号3号楼2单元501室。小区门口的路灯坏了两个月，晚上老人出行很不安全。"


@pytest.fixture
def place(congress):
    from core.organisation.tests.factories import DelegationFactory, DistrictFactory, TermFactory

    term = TermFactory(congress=congress, is_current=True)
    east, west = DistrictFactory(congress=congress, name="东区"), DistrictFactory(congress=congress, name="西区")
    return {"term": term, "east": east, "west": west,
            "east_delegation": DelegationFactory(term=term, district=east),
            "west_delegation": DelegationFactory(term=term, district=west)}


@pytest.fixture
def deputy_of(place, make_user):
    from core.organisation.tests.factories import DeputyFactory

    def make(district="east", **kwargs):
        user = make_user(Role.DEPUTY)
        DeputyFactory(delegation=place[f"{district}_delegation"], user=user, **kwargs)
        return user

    return make


@pytest.fixture
def message(congress, citizen, place):
    return receive(citizen, congress, subject="小区路灯坏了", body=BODY, district=place["east"])


def test_a_deputy_of_the_district_starts_a_draft_without_the_citizens_personal_data(message, deputy_of):
    deputy = deputy_of()
    draft = services.take_up_as_suggestion(by=deputy, message=message)
    suggestion = Suggestion.objects.get(pk=draft.id)
    assert suggestion.status == Suggestion.Status.DRAFT and suggestion.filed_by.user == deputy
    assert suggestion.subject == "小区路灯坏了"
    assert "路灯坏了两个月" in suggestion.content
    for personal in ("张伟", "13912345678", "501室"):
        assert personal not in suggestion.content
    message.refresh_from_db()
    assert message.taken_up_as_suggestion == suggestion.pk
    entry = AuditEntry.objects.get(action="voices.take_up")
    assert entry.after == {"taken_up_as_suggestion": suggestion.pk}
    notice = Notification.objects.get(action="voices.take_up")
    assert notice.recipient == message.submitter and message.tracking_number in notice.title
    assert deputy.username not in notice.title and str(suggestion.filed_by) not in notice.title


def test_a_message_is_taken_up_once(message, deputy_of):
    services.take_up_as_suggestion(by=deputy_of(), message=message)
    with pytest.raises(InvalidTransition):
        services.take_up_as_suggestion(by=deputy_of(), message=message)
    assert Suggestion.objects.count() == 1


def test_msg_7_a_report_is_never_taken_up(congress, citizen, place, units, deputy_of):
    report = receive(citizen, congress, nature="report", accused_unit=units[0], district=place["east"],
                     body="举报某局工作人员吃拿卡要，请严肃查处，相关线索已整理成材料。")
    with pytest.raises(ValidationFailed) as caught:
        services.take_up_as_suggestion(by=deputy_of(), message=report)
    assert "MSG-7" in caught.value.details["nature"]
    assert not Suggestion.objects.exists()


def test_a_message_not_accepted_is_not_taken_up(message, staff, deputy_of):
    services.not_accept(by=staff, message=message, reason="litigation_or_arbitration", note="请向法院起诉。")
    with pytest.raises(InvalidTransition):
        services.take_up_as_suggestion(by=deputy_of(), message=message)


def test_only_a_deputy_who_may_read_the_message_takes_it_up(message, deputy_of, staff, citizen, units, clerk_of):
    with pytest.raises(NotAllowed):
        services.take_up_as_suggestion(by=deputy_of("west"), message=message)
    for who in (staff, citizen, clerk_of(units[0])):
        with pytest.raises(NotAllowed):
            services.take_up_as_suggestion(by=who, message=message)
    assert not Suggestion.objects.exists()


def test_a_deputy_no_longer_in_office_cannot(message, deputy_of):
    former = deputy_of(in_office=False)
    with pytest.raises(NotAllowed):
        services.take_up_as_suggestion(by=former, message=message)
    page = client_of(former).get(reverse("voices:message-detail", args=[message.pk])).content.decode()
    assert "Take it up as a suggestion" not in page
    message.refresh_from_db()
    assert message.taken_up_as_suggestion is None


# --- the page, the tracking page and the API ---------------------------------------------------


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_deputy_takes_it_up_from_the_message_page_and_edits_the_draft(message, deputy_of, staff):
    deputy = client_of(deputy_of())
    page = deputy.get(reverse("voices:message-detail", args=[message.pk])).content.decode()
    assert "Take it up as a suggestion" in page
    response = deputy.post(reverse("voices:message-take-up", args=[message.pk]))
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("proposals:suggestion-edit",
                                                                          args=[suggestion.pk])
    page = deputy.get(reverse("voices:message-detail", args=[message.pk])).content.decode()
    assert "Take it up as a suggestion" not in page
    assert "A deputy has taken up this matter, to raise it as a deputy" in page and suggestion.subject in page
    staff_page = client_of(staff).get(reverse("voices:message-detail", args=[message.pk])).content.decode()
    assert "Take it up as a suggestion" not in staff_page
    tracked = Client().get(reverse("voices:track"), {"tracking_number": message.tracking_number}).content.decode()
    assert "A deputy has taken up this matter, to raise it as a deputy" in tracked


def test_a_second_take_up_from_the_page_says_why_it_is_refused(message, deputy_of):
    deputy = client_of(deputy_of())
    deputy.post(reverse("voices:message-take-up", args=[message.pk]))
    response = deputy.post(reverse("voices:message-take-up", args=[message.pk]))
    assert response.status_code == 409
    assert "already taken this message up" in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "citizen", "clerk", "other_deputy", "anonymous"])
def test_everyone_else_is_refused_the_take_up(message, deputy_of, staff, citizen, units, clerk_of, who):
    user = {"staff": staff, "citizen": citizen, "clerk": clerk_of(units[0]), "anonymous": None,
            "other_deputy": deputy_of("west")}[who]
    response = client_of(user).post(reverse("voices:message-take-up", args=[message.pk]))
    assert response.status_code in (302, 403, 404) and not response.get("Location", "").startswith("/proposals/")
    assert not Suggestion.objects.exists()


def test_the_api_takes_it_up_once(message, deputy_of, citizen):
    deputy = client_of(deputy_of())
    url = f"/api/voices/messages/{message.pk}/take-up"
    response = deputy.post(url, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["suggestion_id"] == Suggestion.objects.get().pk
    assert deputy.post(url, content_type="application/json").status_code == 409
    assert client_of(citizen).post(url, content_type="application/json").status_code == 403
    tracked = Client().get(f"/api/voices/track/{message.tracking_number}").json()
    assert tracked["taken_up_by_deputy"] is True


def test_a_message_out_of_the_deputys_reach_is_not_found(message, deputy_of):
    from voices import selectors

    with pytest.raises(NotFound):
        selectors.message_for(deputy_of("west"), message.pk)
