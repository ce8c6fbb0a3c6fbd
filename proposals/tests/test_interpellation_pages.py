"""Interpellation pages and /api/bills/interpellations: the permission matrix, and RES-2 as
a user meets it (9 signers refused with 422; the organ's clerk replies in writing; 6 of 12
dissatisfied may demand a further reply, 5 may not: 409)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from proposals import bill_services as services
from proposals.bill_models import Interpellation

from .conftest import at, pdf
from .test_bill_fixtures import (
    DURING,
    chamber_fixture,  # noqa: F401 - the `chamber` fixture
    draft_interpellation,
    filed_interpellation,
    lead_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_second_factor")]

ROLES = ("staff", "lead", "signer", "other_deputy", "clerk", "other_clerk", "citizen", "administrator",
         "anonymous")
API = "/api/bills/interpellations"


@pytest.fixture
def _no_second_factor():
    with override_settings(SECOND_FACTOR_REQUIRED_ROLES=[]):
        yield


def _now():
    return timezone.now()


@pytest.fixture
def world(chamber):
    """In the session running today: a draft (signed by 3), an interpellation of the
    transport bureau filed by 12 and waiting for its written reply, one replied orally."""
    live = chamber["live"]
    draft = draft_interpellation(chamber, signers=3, session=live, now=_now())
    written = draft_interpellation(chamber, signers=12, session=live, now=_now())
    services.file_interpellation(by=lead_of(chamber).user, interpellation=written)
    services.decide_interpellation_reply(by=chamber["staff"], interpellation=written, form="written",
                                         due_on=timezone.localdate() + datetime.timedelta(days=7))
    oral = draft_interpellation(chamber, signers=12, session=live, now=_now())
    services.file_interpellation(by=lead_of(chamber).user, interpellation=oral)
    services.decide_interpellation_reply(by=chamber["staff"], interpellation=oral, form="oral_presidium",
                                         due_on=timezone.localdate(), meeting="主席团第二次会议")
    services.record_oral_reply(by=chamber["staff"], interpellation=oral, answered_by="局长")
    users = {
        "staff": chamber["staff"],
        "lead": lead_of(chamber).user,
        "signer": chamber["deputies"][1].user,
        "other_deputy": chamber["deputies"][13].user,
        "clerk": chamber["clerks"]["government"],
        "other_clerk": chamber["clerks"]["court"],
        "citizen": chamber["citizen"],
        "administrator": chamber["administrator"],
        "anonymous": AnonymousUser(),
    }
    return {"draft": draft, "written": written, "oral": oral, "users": users, **chamber}


def client_as(world, role) -> Client:
    client = Client()
    user = world["users"][role]
    if user.is_authenticated:
        client.force_login(user)
    return client


DEPUTIES = {"lead", "signer", "other_deputy"}
READERS = {"staff", *DEPUTIES}

PAGES = [
    ("bills:interpellation-list", None, READERS | {"clerk", "other_clerk"}),
    ("bills:interpellation-create", None, READERS),
    ("bills:interpellation-detail", "draft", READERS),
    ("bills:interpellation-detail", "written", READERS | {"clerk"}),
    ("bills:interpellation-edit", "draft", {"lead"}),
    ("bills:interpellation-sign", "draft", READERS),
    ("bills:interpellation-unsign", "draft", READERS),
    ("bills:interpellation-file", "draft", {"staff", "lead"}),
    ("bills:interpellation-abandon", "draft", {"lead"}),
    ("bills:interpellation-decide", "written", {"staff"}),
    ("bills:interpellation-oral-reply", "written", {"staff"}),
    ("bills:interpellation-reply", "written", {"clerk"}),
    ("bills:interpellation-rate", "oral", {"staff", "lead", "signer"}),
    ("bills:interpellation-demand", "oral", {"staff", "lead", "signer"}),
    ("bills:interpellation-close", "oral", {"staff"}),
]


@pytest.mark.parametrize(("name", "obj", "allowed"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_page_permission_matrix(world, name, obj, allowed):
    url = reverse(name, args=[world[obj].pk] if obj else [])
    problems = []
    for role in ROLES:
        status = client_as(world, role).get(url).status_code
        if role == "anonymous":
            ok = status == 302
        else:
            ok = status == 200 if role in allowed else status in (403, 404)
        if not ok:
            problems.append(f"{role}: {status}")
    assert not problems, f"{url}: " + ", ".join(problems)


def test_res_2_nine_signers_refused_on_the_page(world):
    item = draft_interpellation(world, signers=9, session=world["live"], now=_now())
    response = client_as(world, "lead").post(reverse("bills:interpellation-file", args=[item.pk]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "needs the signatures of at least 10 deputies; it has 9." in page
    assert "RES-2" not in page  # rule IDs are for staff and code, not for deputies


def test_res_2_a_deputy_drafts_one_and_the_district_is_not_offered(world):
    client = client_as(world, "other_deputy")
    form = client.get(reverse("bills:interpellation-create")).content.decode()
    assert "测试市交通局" in form and "测试区人民政府" not in form
    response = client.post(reverse("bills:interpellation-create"), {
        "session": world["live"].pk, "target": world["court"].pk, "question": "关于执行难的质询",
        "content": "执行案件积压，请说明。"})
    item = Interpellation.objects.get(question="关于执行难的质询")
    assert response.status_code == 302 and item.lead_deputy == world["deputies"][13]
    response = client.post(reverse("bills:interpellation-create"), {"session": world["live"].pk,
                                                                     "target": world["district"].pk, "question": "x"})
    assert response.status_code == 422


def test_res_2_the_organs_clerk_replies_in_writing_on_the_page(world):
    item = world["written"]
    page = client_as(world, "clerk").get(reverse("bills:interpellation-detail", args=[item.pk])).content.decode()
    assert "Reply in writing" in page
    response = client_as(world, "clerk").post(reverse("bills:interpellation-reply", args=[item.pk]), {
        "body": "现书面答复如下。", "signed_by": "局长 李某", "letter": pdf()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "replied"
    round_ = item.rounds.get()
    page = client_as(world, "lead").get(reverse("bills:interpellation-detail", args=[item.pk])).content.decode()
    assert "Download the signed reply letter" in page and "局长 李某" in page and "Rate the reply" in page
    letter = client_as(world, "signer").get(reverse("bills:interpellation-letter", args=[round_.pk]))
    assert letter.status_code == 200 and letter["Content-Disposition"].startswith("attachment")
    assert client_as(world, "other_clerk").get(
        reverse("bills:interpellation-letter", args=[round_.pk])).status_code == 404


def test_res_2_a_reply_without_the_letter_is_refused_with_422(world):
    response = client_as(world, "clerk").post(reverse("bills:interpellation-reply", args=[world["written"].pk]),
                                              {"body": "答复", "signed_by": "局长"})
    assert response.status_code == 422


def test_res_2_rating_on_the_page_then_five_of_twelve_cannot_demand(world):
    item = world["oral"]
    for deputy in world["deputies"][:5]:
        client = Client()
        client.force_login(deputy.user)
        response = client.post(reverse("bills:interpellation-rate", args=[item.pk]), {"satisfaction": "dissatisfied"})
        assert response.status_code == 302
    response = client_as(world, "lead").post(reverse("bills:interpellation-demand", args=[item.pk]))
    assert response.status_code == 409
    assert "half or more of the 12 deputies" in response.content.decode()


def test_res_2_six_of_twelve_demand_a_further_reply_through_the_api(world):
    item = world["oral"]
    for deputy in world["deputies"][:6]:
        client = Client()
        client.force_login(deputy.user)
        rated = client.post(f"{API}/{item.pk}/ratings", {"satisfaction": "dissatisfied"},
                            content_type="application/json")
        assert rated.status_code == 200
    detail = rated.json()
    assert detail["rounds"][0]["dissatisfied"] == 6 and detail["rounds"][0]["further_reply_possible"] is True
    demanded = client_as(world, "signer").post(f"{API}/{item.pk}/further-reply", "{}",
                                               content_type="application/json")
    assert demanded.status_code == 200 and demanded.json()["status"] == "further_demanded"
    decided = client_as(world, "staff").post(f"{API}/{item.pk}/decision", {
        "form": "written", "due_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()},
        content_type="application/json")
    assert decided.status_code == 200 and decided.json()["round"] == 2


def test_api_written_reply_is_multipart(world):
    item = world["written"]
    clerk = client_as(world, "clerk")
    response = clerk.post(f"{API}/{item.pk}/reply", {"body": "答复", "signed_by": "局长", "letter": pdf()})
    assert response.status_code == 200 and response.json()["rounds"][0]["has_letter"] is True
    other = client_as(world, "other_clerk").post(f"{API}/{item.pk}/reply", {"body": "x", "signed_by": "y",
                                                                            "letter": pdf()})
    assert other.status_code == 404  # the court's clerk does not see the transport bureau's interpellation


#: (method, path, object, roles allowed at the door).
OPERATIONS = [
    ("get", "", None, READERS | {"clerk", "other_clerk"}),
    ("post", "", None, READERS),
    ("get", "/{id}", "written", READERS | {"clerk"}),
    ("patch", "/{id}", "draft", READERS),
    ("post", "/{id}/sign", "draft", READERS),
    ("post", "/{id}/unsign", "draft", READERS),
    ("post", "/{id}/file", "draft", READERS),
    ("post", "/{id}/abandon", "draft", READERS),
    ("post", "/{id}/decision", "written", {"staff"}),
    ("post", "/{id}/oral-reply", "written", {"staff"}),
    ("post", "/{id}/reply", "written", {"clerk", "other_clerk"}),
    ("post", "/{id}/ratings", "oral", READERS),
    ("post", "/{id}/further-reply", "oral", READERS),
    ("post", "/{id}/close", "oral", {"staff"}),
]


@pytest.mark.parametrize(("method", "path", "obj", "allowed"), OPERATIONS, ids=[f"{o[0]} {o[1]}" for o in OPERATIONS])
def test_api_permission_matrix(world, method, path, obj, allowed):
    url = API + path.replace("{id}", str(world[obj].pk) if obj else "")
    problems = []
    for role in ROLES:
        if role in allowed and method != "get":
            continue  # allowed callers change data: tested case by case
        response = client_as(world, role).generic(method.upper(), url, data="{}", content_type="application/json")
        expected = {401} if role == "anonymous" else ({200} if role in allowed else {403})
        if role not in allowed and obj and method == "get" and role != "anonymous":
            expected = {403, 404}  # past the door, an object the caller may not see is not found
        if response.status_code not in expected:
            problems.append(f"{role}: {response.status_code}")
    assert not problems, f"{method} {url}: " + ", ".join(problems)


def test_api_object_refusals(world):
    """Past the door, the interpellation decides: a non-signer cannot rate or demand."""
    outsider = client_as(world, "other_deputy")
    item = world["oral"]
    assert outsider.post(f"{API}/{item.pk}/ratings", {"satisfaction": "satisfied"},
                         content_type="application/json").status_code == 403
    assert outsider.post(f"{API}/{item.pk}/further-reply", "{}", content_type="application/json").status_code == 403
    assert client_as(world, "other_clerk").get(f"{API}/{world['written'].pk}").status_code == 404


def test_api_list_scoped_to_the_clerks_organ(world):
    assert client_as(world, "clerk").get(API).json()["count"] == 2
    assert client_as(world, "other_clerk").get(API).json()["count"] == 0
    assert client_as(world, "staff").get(API).json()["count"] == 3


def test_the_detail_page_shows_the_count_of_dissatisfied(world):
    item = world["oral"]
    services.rate_interpellation_reply(by=world["deputies"][0].user, interpellation=item, satisfaction="dissatisfied")
    page = client_as(world, "signer").get(reverse("bills:interpellation-detail", args=[item.pk])).content.decode()
    assert "1 of the 12 deputies who filed it rated the reply; 1 dissatisfied." in page
    assert "Rate the reply" in page


def test_res_2_the_page_and_the_reply_form_show_the_day_the_presidium_set(chamber):
    """RES-2: the organ replies as the presidium decided. A reply set for Sunday 2026-01-25
    is due that Sunday on the interpellation's page, on the organ's reply form and for
    casework (reminders, overdue): a day the presidium named does not move (TIME-3 moves
    the end of a period, not a date set by decision)."""
    from casework.models import Assignment

    item = filed_interpellation(chamber, signers=12)
    services.decide_interpellation_reply(by=chamber["staff"], interpellation=item, form="written",
                                         due_on=datetime.date(2026, 1, 25), now=at(DURING))
    assignment = Assignment.objects.get(case=item.rounds.get().case)
    assert (assignment.due_on, assignment.due_provisional) == (datetime.date(2026, 1, 25), False)
    staff, clerk = Client(), Client()
    staff.force_login(chamber["staff"])
    clerk.force_login(chamber["clerks"]["government"])
    detail = staff.get(reverse("bills:interpellation-detail", args=[item.pk])).content.decode()
    form = clerk.get(reverse("bills:interpellation-reply", args=[item.pk])).content.decode()
    for page in (detail, form):
        assert "2026-01-25" in page and "2026-01-26" not in page


def test_res_2_staff_record_a_deputys_paper_signature_and_the_page_says_so(world):
    url = reverse("bills:interpellation-sign", args=[world["draft"].pk])
    staff_page = client_as(world, "staff").get(url).content.decode()
    assert "Record the signature of a deputy who signed this interpellation on paper." in staff_page
    assert "Your signature joins" not in staff_page
    assert "Your signature joins this interpellation." in client_as(world, "other_deputy").get(url).content.decode()
