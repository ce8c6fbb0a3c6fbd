"""Bill pages and /api/bills: the permission matrix of every page and operation, and the
rules as a user meets them (BILL-1 refusals on the form with 422, BILL-6 with 409, BILL-4
through the presidium's decision page)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from proposals import bill_services as services
from proposals.bill_models import Bill
from proposals.models import Suggestion

from .test_bill_fixtures import (
    audit,
    chamber_fixture,  # noqa: F401 - the `chamber` fixture
    draft_bill,
    lead_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_second_factor")]

ROLES = ("staff", "lead", "signer", "other_deputy", "clerk", "citizen", "administrator", "anonymous")


@pytest.fixture
def _no_second_factor():
    with override_settings(SECOND_FACTOR_REQUIRED_ROLES=[]):
        yield


@pytest.fixture
def world(chamber):
    """A draft (lead: deputy 0, signed by 0-2), a filed bill (10 signers) and a bill on the
    agenda, all in the session running today."""
    live = chamber["live"]
    draft = draft_bill(chamber, signers=3, session=live, now=timezone.now())
    filed = draft_bill(chamber, signers=10, session=live, now=timezone.now())
    services.file_bill(by=lead_of(chamber).user, bill=filed)
    agenda = draft_bill(chamber, signers=10, session=live, now=timezone.now())
    services.file_bill(by=lead_of(chamber).user, bill=agenda)
    services.decide_bill(by=chamber["staff"], bill=agenda, decision="on_agenda")
    services.request_bill_withdrawal(by=lead_of(chamber).user, bill=agenda)
    users = {
        "staff": chamber["staff"],
        "lead": lead_of(chamber).user,
        "signer": chamber["deputies"][1].user,
        "other_deputy": chamber["deputies"][13].user,
        "clerk": chamber["clerks"]["government"],
        "citizen": chamber["citizen"],
        "administrator": chamber["administrator"],
        "anonymous": AnonymousUser(),
    }
    return {"draft": draft, "filed": filed, "agenda": agenda, "users": users, **chamber}


def client_as(world, role) -> Client:
    client = Client()
    user = world["users"][role]
    if user.is_authenticated:
        client.force_login(user)
    return client


READERS = {"staff", "lead", "signer", "other_deputy"}

#: (url name, object, roles whose GET is answered 200); everyone else is refused.
PAGES = [
    ("bills:bill-list", None, READERS),
    ("bills:bill-create", None, READERS),
    ("bills:bill-detail", "draft", READERS),
    ("bills:bill-edit", "draft", {"lead"}),
    ("bills:bill-sign", "draft", READERS),
    ("bills:bill-unsign", "draft", READERS),
    ("bills:bill-file", "draft", {"staff", "lead"}),
    ("bills:bill-abandon", "draft", {"lead"}),
    ("bills:bill-refer", "filed", {"staff"}),
    ("bills:bill-advise", "filed", {"staff"}),
    ("bills:bill-decide", "filed", {"staff"}),
    ("bills:bill-request-withdrawal", "agenda", {"staff", "lead"}),
    ("bills:bill-withdraw", "agenda", {"staff"}),
    ("bills:bill-result", "agenda", {"staff"}),
]


@pytest.mark.parametrize(("name", "obj", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_page_permission_matrix(world, name, obj, allowed):
    url = reverse(name, args=[world[obj].pk] if obj else [])
    problems = []
    for role in ROLES:
        response = client_as(world, role).get(url)
        expected = {302} if role == "anonymous" else ({200} if role in allowed else {403, 404})
        if response.status_code not in expected:
            problems.append(f"{role}: {response.status_code}")
    assert not problems, f"{url}: " + ", ".join(problems)


@pytest.mark.parametrize("name", ["bills:bill-decide", "bills:bill-refer", "bills:bill-file"])
@pytest.mark.parametrize("role", ["clerk", "citizen", "administrator", "other_deputy"])
def test_refused_roles_cannot_act_by_post(world, name, role):
    bill = world["filed"] if name != "bills:bill-file" else world["draft"]
    response = client_as(world, role).post(reverse(name, args=[bill.pk]), {"decision": "on_agenda",
                                                                             "committee": "法制委员会"})
    assert response.status_code in (403, 404)
    bill.refresh_from_db()
    assert bill.status in ("filed", "draft")


def test_the_menu_offers_bills_to_deputies_and_staff_only(world):
    assert "/proposals/bills/" in client_as(world, "lead").get("/").content.decode()
    assert "/proposals/bills/\"" not in client_as(world, "clerk").get("/").content.decode()


# --- the rules as met on the pages ----------------------------------------------------------------------


def test_bill_1_a_deputy_drafts_a_bill_on_the_page(world):
    client = client_as(world, "other_deputy")
    response = client.post(reverse("bills:bill-create"), {
        "session": world["live"].pk, "subject": "关于设立测试市湿地公园的议案", "grounds": "湿地退化。",
        "proposal": "设立湿地公园。"})
    bill = Bill.objects.get(subject="关于设立测试市湿地公园的议案")
    assert response.status_code == 302 and response["Location"] == reverse("bills:bill-detail", args=[bill.pk])
    assert bill.lead_deputy == world["deputies"][13] and bill.status == "draft"


def test_bill_1_a_subject_is_required_and_the_form_says_so(world):
    response = client_as(world, "lead").post(reverse("bills:bill-create"), {"session": world["live"].pk,
                                                                             "subject": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_bill_1_filing_with_three_signers_is_refused_on_the_page(world):
    response = client_as(world, "lead").post(reverse("bills:bill-file", args=[world["draft"].pk]))
    assert response.status_code == 422
    assert "needs the signatures of at least 10 deputies; it has 3" in response.content.decode()
    world["draft"].refresh_from_db()
    assert world["draft"].status == "draft"


def test_a_deputy_signs_with_one_click_and_staff_enter_a_paper_signature(world):
    draft = world["draft"]
    response = client_as(world, "other_deputy").post(reverse("bills:bill-sign", args=[draft.pk]))
    assert response.status_code == 302
    assert draft.signatures.filter(deputy=world["deputies"][13]).exists()
    staff = client_as(world, "staff")
    assert "测试代表05" in staff.get(reverse("bills:bill-sign", args=[draft.pk])).content.decode()
    response = staff.post(reverse("bills:bill-sign", args=[draft.pk]), {"deputy": world["deputies"][5].pk})
    assert response.status_code == 302
    assert draft.signatures.count() == 5


def test_bill_6_filing_after_the_deadline_is_refused_with_409(world):
    live = world["live"]
    live.parameters = {"bill_deadline": (timezone.localdate() - timezone.timedelta(days=1)).isoformat()}
    live.save()
    bill = draft_bill(world, signers=10, session=live, now=timezone.now())
    response = client_as(world, "lead").post(reverse("bills:bill-file", args=[bill.pk]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bills for this session had to be filed by" in page
    assert "BILL-6" not in page  # rule IDs are for staff and code, not for deputies


def test_bill_4_staff_record_not_on_the_agenda_and_the_suggestion_follows(world):
    response = client_as(world, "staff").post(reverse("bills:bill-decide", args=[world["filed"].pk]),
                                              {"decision": "not_on_agenda"})
    assert response.status_code == 302
    world["filed"].refresh_from_db()
    assert world["filed"].status == "not_on_agenda"
    assert Suggestion.objects.get().source == "bill"
    page = client_as(world, "lead").get(reverse("bills:bill-detail", args=[world["filed"].pk])).content.decode()
    assert "Handled as a suggestion" in page


def test_bill_2_the_decision_page_offers_an_organs_bill_no_leaving_off(world):
    organ = services.create_bill(by=world["staff"], session=world["live"], filer_kind="government", subject="预算",
                                 grounds="依法", proposal="批准")
    page = client_as(world, "staff").get(reverse("bills:bill-decide", args=[organ.pk])).content.decode()
    assert "Put it to the plenary" in page and "not_on_agenda" not in page
    response = client_as(world, "staff").post(reverse("bills:bill-decide", args=[organ.pk]),
                                              {"decision": "not_on_agenda"})
    assert response.status_code == 422


def test_bill_5_the_presidiums_consent_on_the_page(world):
    agenda = world["agenda"]
    response = client_as(world, "staff").post(reverse("bills:bill-withdraw", args=[agenda.pk]), {"consent": "yes"})
    assert response.status_code == 302
    agenda.refresh_from_db()
    assert agenda.status == "withdrawn"
    response = client_as(world, "staff").post(reverse("bills:bill-result", args=[agenda.pk]), {"adopted": "yes"})
    assert response.status_code == 409  # BILL-5: no vote on a withdrawn bill


def test_a_deputy_sees_the_actions_theirs_to_take(world):
    page = client_as(world, "lead").get(reverse("bills:bill-detail", args=[world["draft"].pk])).content.decode()
    assert "File the bill" in page and "Record the presidium" not in page
    page = client_as(world, "staff").get(reverse("bills:bill-detail", args=[world["filed"].pk])).content.decode()
    assert "Record the presidium" in page and "Sign this bill" not in page


def test_the_list_filters_with_htmx(world):
    response = client_as(world, "staff").get(reverse("bills:bill-list"), {"status": "on_agenda"},
                                             HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text
    assert text.count("case-item") == 1


# --- the API ----------------------------------------------------------------------------------------------

API = "/api/bills"

#: (method, path, object, roles allowed at the door).
OPERATIONS = [
    ("get", "", None, READERS),
    ("post", "", None, READERS),
    ("get", "/{id}", "draft", READERS),
    ("patch", "/{id}", "draft", READERS),
    ("post", "/{id}/sign", "draft", READERS),
    ("post", "/{id}/unsign", "draft", READERS),
    ("post", "/{id}/file", "draft", READERS),
    ("post", "/{id}/abandon", "draft", READERS),
    ("post", "/{id}/refer", "filed", {"staff"}),
    ("post", "/{id}/advice", "filed", {"staff"}),
    ("post", "/{id}/decision", "filed", {"staff"}),
    ("post", "/{id}/withdrawal-request", "agenda", READERS),
    ("post", "/{id}/withdrawal", "agenda", {"staff"}),
    ("post", "/{id}/result", "agenda", {"staff"}),
]


@pytest.mark.parametrize(("method", "path", "obj", "allowed"), OPERATIONS, ids=[f"{o[0]} {o[1]}" for o in OPERATIONS])
def test_api_permission_matrix(world, method, path, obj, allowed):
    url = API + path.replace("{id}", str(world[obj].pk) if obj else "")
    problems = []
    for role in ROLES:
        if role in allowed and method != "get":
            continue  # allowed callers change data: their cases are tested one by one below
        response = client_as(world, role).generic(method.upper(), url, data="{}", content_type="application/json")
        expected = {401} if role == "anonymous" else ({200} if role in allowed else {403})
        if role not in allowed and obj and method == "get" and role != "anonymous":
            expected = {403, 404}  # past the door, an object the caller may not see is not found
        if response.status_code not in expected:
            problems.append(f"{role}: {response.status_code}")
    assert not problems, f"{method} {url}: " + ", ".join(problems)


def test_api_object_refusals(world):
    """The door lets deputies in; the bill decides: only its lead files or edits it."""
    signer = client_as(world, "signer")
    assert signer.post(f"{API}/{world['draft'].pk}/file", "{}", content_type="application/json").status_code == 403
    assert signer.patch(f"{API}/{world['draft'].pk}", '{"subject": "x"}',
                        content_type="application/json").status_code == 403
    outsider = Client()
    other_term_staff_free = client_as(world, "clerk")
    assert other_term_staff_free.get(f"{API}/{world['draft'].pk}").status_code == 403
    assert outsider.get(f"{API}/{world['draft'].pk}").status_code == 401


def test_api_bill_1_too_few_signers_is_422_naming_the_signatures(world):
    response = client_as(world, "lead").post(f"{API}/{world['draft'].pk}/file", "{}", content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and "signatures" in body["details"]


def test_api_draft_sign_file_decide(world):
    lead = client_as(world, "lead")
    created = lead.post(API, {"session_id": world["live"].pk, "subject": "API议案", "grounds": "案据",
                              "proposal": "方案"}, content_type="application/json")
    assert created.status_code == 201
    bill_id = created.json()["id"]
    assert created.json()["signatures_needed"] == 10
    for deputy in world["deputies"][1:10]:
        client = Client()
        client.force_login(deputy.user)
        assert client.post(f"{API}/{bill_id}/sign", "{}", content_type="application/json").status_code == 200
    filed = lead.post(f"{API}/{bill_id}/file", "{}", content_type="application/json")
    assert filed.status_code == 200 and filed.json()["status"] == "filed"
    staff = client_as(world, "staff")
    decided = staff.post(f"{API}/{bill_id}/decision", {"decision": "not_on_agenda"}, content_type="application/json")
    assert decided.status_code == 200
    assert decided.json()["unplaced_handling"] == "convert_to_suggestion" and decided.json()["suggestion_id"]
    again = staff.post(f"{API}/{bill_id}/decision", {"decision": "on_agenda"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_api_list_is_paginated_and_scoped(world):
    body = client_as(world, "other_deputy").get(API, {"page_size": 2}).json()
    assert (body["count"], body["page_size"], len(body["items"])) == (3, 2, 2)
    assert {"id", "subject", "status", "signature_count"} <= set(body["items"][0])


def test_api_staff_record_an_organs_bill_and_the_vote(world):
    staff = client_as(world, "staff")
    created = staff.post(API, {"session_id": world["live"].pk, "filer_kind": "standing_committee",
                               "subject": "关于修改条例的议案", "grounds": "依法", "proposal": "修改"},
                         content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "filed"
    bill_id = created.json()["id"]
    staff.post(f"{API}/{bill_id}/decision", {"decision": "on_agenda"}, content_type="application/json")
    voted = staff.post(f"{API}/{bill_id}/result", {"adopted": True, "for_votes": 280},
                       content_type="application/json")
    assert voted.json()["status"] == "adopted"
    assert audit("bill.record_result", Bill.objects.get(pk=bill_id)).exists()


def test_bill_1_staff_record_a_deputys_paper_signature_and_the_page_says_so(world):
    """Staff sign nothing themselves: their page records a deputy's paper signature; a
    deputy's page asks for their own."""
    url = reverse("bills:bill-sign", args=[world["draft"].pk])
    staff_page = client_as(world, "staff").get(url).content.decode()
    assert "Record the signature of a deputy who signed this deputies&#x27; bill on paper." in staff_page
    assert "Your signature joins" not in staff_page
    deputy_page = client_as(world, "other_deputy").get(url).content.decode()
    assert "Your signature joins this deputies&#x27; bill." in deputy_page
    response = client_as(world, "staff").post(url, {"deputy": world["deputies"][5].pk})
    assert response.status_code == 302
    assert world["draft"].signatures.filter(deputy=world["deputies"][5]).exists()
