"""/api/proposals: every action and list of the suggestion pages, scoped reads, the error
format, and the permission matrix of each operation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casework.models import Reply
from core.accounts.roles import Role
from proposals.models import Suggestion

from . import flows
from .factories import CONTENT

pytestmark = pytest.mark.django_db

API = "/api/proposals"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, data=None):
    return client.post(API + path, data or {}, content_type="application/json")


def test_a_suggestion_walks_through_the_api_to_its_close(city):
    deputy, cosigner = signed_in(city["deputies"][0].user), signed_in(city["deputies"][1].user)
    staff, clerk = signed_in(city["staff"]), signed_in(city["clerks"][0])

    created = post(deputy, "/suggestions", {"subject": "关于增设信号灯的建议", "content": CONTENT})
    assert created.status_code == 201
    sid = created.json()["id"]
    assert created.json()["actions"]["submit"] is True
    invited = post(deputy, f"/suggestions/{sid}/cosignatures", {"deputy_id": city["deputies"][1].pk})
    assert invited.status_code == 201
    assert [i["suggestion_id"] for i in cosigner.get(API + "/invitations").json()] == [sid]
    assert post(cosigner, f"/cosignatures/{invited.json()['id']}/confirm").json()["status"] == "confirmed"
    assert post(deputy, f"/suggestions/{sid}/submit").json()["status"] == "submitted"

    assert [r["id"] for r in staff.get(API + "/queues/register").json()["items"]] == [sid]
    assert post(staff, f"/suggestions/{sid}/register", {"note": ""}).json()["status"] == "registered"
    assigned = post(staff, f"/suggestions/{sid}/assign", {"lead_id": city["units"][0].pk,
                                                          "assisting_ids": [city["units"][1].pk]}).json()
    assert assigned["status"] == "assigned"
    lead = next(a for a in assigned["handling"]["assignments"] if a["role"] == "lead")

    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    replied = clerk.post(f"{API}/assignments/{lead['id']}/reply", {
        "body": "经研究，已落实。", "reply_class": "B", "signed_by": "王局长", "letter": letter,
    })
    assert replied.status_code == 201, replied.content
    reply_id = replied.json()["id"]
    assert [r["reply_id"] for r in deputy.get(API + "/replies-to-rate").json()] == [reply_id]

    rated = post(deputy, f"/replies/{reply_id}/rate", {"satisfaction": "dissatisfied",
                                                       "comment": "信号灯何时安装没有说明。"}).json()
    assert (rated["status"], rated["handling"]["round"]) == ("rehandling", 2)
    again = next(a for a in rated["handling"]["assignments"] if a["round"] == 2)
    second = clerk.post(f"{API}/assignments/{again['id']}/reply", {
        "body": "已重新办理。", "reply_class": "A", "signed_by": "王局长",
        "letter": SimpleUploadedFile("letter2.pdf", b"%PDF-1.4\n%%EOF\n"),
    }).json()
    closed = post(deputy, f"/replies/{second['id']}/rate", {"satisfaction": "satisfied"}).json()
    assert closed["status"] == "closed"
    assert [e["text"] for e in closed["timeline"]][-1] == "Closed"


def test_sugg_7_the_api_refuses_a_dissatisfied_rating_without_a_comment(city):
    suggestion = flows.replied(city)
    reply_id = suggestion.case.replies.get().pk
    refused = post(signed_in(city["deputies"][0].user), f"/replies/{reply_id}/rate", {"satisfaction": "dissatisfied"})
    assert refused.status_code == 422
    assert list(refused.json()["details"]) == ["comment"]
    assert flows.reread(suggestion).case.status == "replied"


def test_sugg_10_the_api_refuses_staff_withdrawal_without_the_deputys_request(city):
    suggestion = flows.assigned(city)
    staff = signed_in(city["staff"])
    assert post(staff, f"/suggestions/{suggestion.pk}/withdraw", {"note": ""}).status_code == 422
    done = post(staff, f"/suggestions/{suggestion.pk}/withdraw", {"note": "代表书面申请撤回（2026-05-06 来函）"})
    assert done.json()["status"] == "withdrawn"


def test_sugg_5_the_api_says_how_the_suggestion_is_handled(city):
    alone = post(signed_in(city["staff"]), f"/suggestions/{flows.registered(city).pk}/assign",
                 {"lead_id": city["units"][0].pk}).json()
    assert (alone["handling"]["handling_mode"], alone["handling"]["handling_arrangement"]) == (
        "lead_assisting", "lead_alone")


def test_errors_come_as_code_message_and_details(city):
    suggestion = flows.submitted(city)
    staff = signed_in(city["staff"])
    invalid = post(staff, f"/suggestions/{suggestion.pk}/decline", {"reason": "dislike"})
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "invalid" and "reason" in invalid.json()["details"]
    assert post(staff, f"/suggestions/{suggestion.pk}/assign", {"lead_id": city["units"][0].pk}).status_code == 409
    again = post(signed_in(city["deputies"][0].user), f"/suggestions/{suggestion.pk}/submit")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_reads_are_scoped_and_others_get_404(city):
    mine = flows.assigned(city)
    other = flows.submitted(city, filer=2, subject="别人的建议")
    deputy = signed_in(city["deputies"][0].user)
    assert [r["id"] for r in deputy.get(API + "/suggestions").json()["items"]] == [mine.pk]
    assert deputy.get(f"{API}/suggestions/{other.pk}").status_code == 404
    clerk = signed_in(city["clerks"][1])
    assert clerk.get(API + "/suggestions").json()["count"] == 0
    assert clerk.get(f"{API}/suggestions/{mine.pk}").status_code == 404
    lead = flows.lead_assignment(mine)
    assert post(clerk, f"/assignments/{lead.pk}/reply").status_code in (404, 422)
    assert not Reply.objects.exists()


def test_list_filters_match_the_pages(city):
    flows.assigned(city, subject="甲")
    flows.submitted(city, filer=1, subject="乙")
    staff = signed_in(city["staff"])
    assert [r["subject"] for r in staff.get(API + "/suggestions?status=submitted").json()["items"]] == ["乙"]
    assert [r["subject"] for r in staff.get(API + "/suggestions?sort=subject").json()["items"]] == ["乙", "甲"]
    page = staff.get(API + "/suggestions?page_size=1&page=2").json()
    assert (page["count"], len(page["items"])) == (2, 1)


def test_sec_14_an_attachment_bearing_a_secrecy_mark_is_refused(city):
    suggestion = flows.draft(city)
    response = signed_in(city["deputies"][0].user).post(
        f"{API}/suggestions/{suggestion.pk}/attachments",
        {"file": SimpleUploadedFile("绝密.pdf", b"%PDF-1.4\n%%EOF\n")},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "secret_mark"
    accepted = signed_in(city["deputies"][0].user).post(
        f"{API}/suggestions/{suggestion.pk}/attachments", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert accepted.status_code == 201


def test_draft_is_changed_and_merged_and_supervised(city):
    draft = flows.draft(city)
    deputy = signed_in(city["deputies"][0].user)
    changed = deputy.patch(f"{API}/suggestions/{draft.pk}", {"subject": "新标题"}, content_type="application/json")
    assert changed.json()["subject"] == "新标题"
    target, source = flows.assigned(city, subject="甲"), flows.registered(city, filer=1, subject="乙")
    staff = signed_in(city["staff"])
    assert post(staff, f"/suggestions/{target.pk}/supervise", {"supervised": True}).json()["is_key_supervised"]
    merged = post(staff, f"/suggestions/{source.pk}/merge", {"into_id": target.pk}).json()
    assert merged["status"] == "merged"
    assert merged["handling"]["merged_into_suggestion_id"] == target.pk


def test_choices_list_the_congress_lists(city):
    body = signed_in(city["deputies"][0].user).get(API + "/choices").json()
    assert "personal_matter" in [c["value"] for c in body["exclusions"]]
    assert [c["value"] for c in body["reply_classes"]] == ["A", "B", "C", "D"]
    assert [c["value"] for c in body["satisfaction_scale"]] == ["satisfied", "basically_satisfied", "dissatisfied"]


# --- the permission matrix --------------------------------------------------------------------------

OPERATIONS = [
    # (method, path template, roles allowed at the door)
    ("POST", "/suggestions", {Role.STAFF, Role.DEPUTY}),
    ("POST", "/suggestions/{sid}/submit", {Role.STAFF, Role.DEPUTY}),
    ("POST", "/suggestions/{sid}/withdraw", {Role.STAFF, Role.DEPUTY}),
    ("POST", "/suggestions/{sid}/cosignatures", {Role.STAFF, Role.DEPUTY}),
    ("POST", "/cosignatures/1/confirm", {Role.DEPUTY}),
    ("POST", "/cosignatures/1/decline", {Role.DEPUTY}),
    ("POST", "/suggestions/{sid}/register", {Role.STAFF}),
    ("POST", "/suggestions/{sid}/decline", {Role.STAFF}),
    ("POST", "/suggestions/{sid}/assign", {Role.STAFF}),
    ("POST", "/assignments/1/extend", {Role.STAFF, Role.UNIT_CLERK}),
    ("POST", "/assignments/1/reply", {Role.UNIT_CLERK}),
    ("POST", "/replies/1/rate", {Role.STAFF, Role.DEPUTY}),
    ("POST", "/suggestions/{sid}/rehandle", {Role.STAFF}),
    ("POST", "/suggestions/{sid}/close", {Role.STAFF}),
    ("POST", "/suggestions/{sid}/supervise", {Role.STAFF}),
    ("POST", "/suggestions/{sid}/merge", {Role.STAFF}),
    ("GET", "/suggestions", {Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK}),
    ("GET", "/suggestions/{sid}", {Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK}),
    ("GET", "/queues/register", {Role.STAFF}),
    ("GET", "/queues/assign", {Role.STAFF}),
    ("GET", "/invitations", {Role.DEPUTY}),
    ("GET", "/replies-to-rate", {Role.STAFF, Role.DEPUTY}),
    ("GET", "/choices", {Role.STAFF, Role.DEPUTY, Role.UNIT_CLERK}),
]


@pytest.mark.parametrize(("method", "path", "allowed"), OPERATIONS, ids=lambda v: v if isinstance(v, str) else "")
def test_every_operation_refuses_the_roles_it_does_not_allow(client_for, users, method, path, allowed):
    """Refused roles get 403 not_allowed before anything is read; allowed roles get past the
    door (no object 1 exists, so 404 or 422, never 403); anonymous callers 401."""
    from core.organisation.tests.factories import DeputyFactory

    DeputyFactory(user=users[Role.DEPUTY])  # a deputy in office: SUGG-1's door
    url = API + path.format(sid=1)
    for role in Role.values:
        response = client_for(role).generic(method, url, data="{}", content_type="application/json")
        if role in allowed:
            assert response.status_code not in (401, 403), (role, response.status_code)
        else:
            assert (response.status_code, response.json()["code"]) == (403, "not_allowed"), role
    assert client_for(None).generic(method, url).status_code == 401


def test_every_operation_is_in_the_openapi_schema_with_its_permission(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    ours = {(m.upper(), p) for p, ops in paths.items() for m in ops if p.startswith(API)}
    expected = {(m, API + p.replace("{sid}", "{suggestion_id}").replace("/1/", "/{x}/")) for m, p, _a in OPERATIONS}
    normalise = {
        (m, p.replace("{cosignature_id}", "{x}").replace("{assignment_id}", "{x}").replace("{reply_id}", "{x}"))
        for m, p in ours
    }
    assert expected <= normalise
    for path, ops in paths.items():
        if path.startswith(API):
            assert all(op.get("x-permission") for op in ops.values())


def test_an_unknown_suggestion_is_not_found(city):
    assert signed_in(city["staff"]).get(f"{API}/suggestions/999999").status_code == 404
    assert Suggestion.objects.count() == 0
