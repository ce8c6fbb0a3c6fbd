"""Motions deputies file jointly (ELEC-19 recall, RES-4 investigation committee): a deputy
starts one and is its first signer, other deputies of the term open it, sign it and take
their signature back while it is a draft and the session lasts; staff enter paper signatures
and submit it once at least one-tenth of all deputies have signed. Other roles are refused."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balloting.tests.factories import deputies_for, session_today
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import DeadlinePassed, InvalidTransition, NotAllowed, ValidationFailed
from core.notify.models import Notification
from core.organisation.tests.factories import DeputyFactory, SessionFactory
from plenary import selectors, services
from plenary.models import Motion, MotionSignature

pytestmark = pytest.mark.django_db

RECALL = {
    "kind": Motion.Kind.RECALL,
    "title": "关于罢免某副市长的议案",
    "filed_by": Motion.FiledBy.DEPUTIES,
    "recall_of": "某副市长",
}


@pytest.fixture
def eleven(session):
    """Eleven deputies in office: one-tenth, rounded up, is 2 signers (ELEC-19)."""
    return deputies_for(session, 11)


@pytest.fixture
def recall(session, eleven):
    """A recall started by the first deputy, who has signed it."""
    return services.create_motion(by=eleven[0].user, session=session, **RECALL)


def signatures_url(motion):
    return reverse("plenary:motion-signatures", args=[motion.pk])


def signed_ids(motion):
    return set(MotionSignature.objects.filter(motion=motion).values_list("deputy_id", flat=True))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the services --------------------------------------------------------------------------


def test_the_deputy_who_starts_a_joint_motion_is_its_first_signer(recall, eleven):
    assert signed_ids(recall) == {eleven[0].pk}
    count = selectors.signature_count(recall)
    assert (count.signed, count.needed, count.still_needed, count.all_deputies) == (1, 2, 1, 11)
    assert AuditEntry.objects.get(action="motion.create").data == {"first_signer_id": eleven[0].pk}


def test_elec_19_the_motion_is_submitted_once_a_tenth_of_all_deputies_signed(recall, eleven, staff):
    with pytest.raises(ValidationFailed):
        services.submit_motion(by=staff, motion=recall)
    services.sign_motion(by=eleven[1].user, motion=recall, deputy=eleven[1])
    assert services.submit_motion(by=staff, motion=recall).status == Motion.Status.SUBMITTED


def test_a_signature_is_audited_and_the_starter_is_told_the_count(recall, eleven):
    services.sign_motion(by=eleven[1].user, motion=recall, deputy=eleven[1])
    entry = AuditEntry.objects.get(action="motion.sign")
    assert entry.data == {"deputy_id": eleven[1].pk, "signatures": 2, "needed": 2}
    notice = Notification.objects.get(recipient=eleven[0].user, action="motion.sign")
    assert "2 of 2" in notice.title and notice.url == signatures_url(recall)
    assert not Notification.objects.filter(recipient=eleven[1].user).exists()


def test_a_signer_takes_back_their_signature_while_it_is_a_draft(recall, eleven):
    services.sign_motion(by=eleven[1].user, motion=recall, deputy=eleven[1])
    services.unsign_motion(by=eleven[1].user, motion=recall, deputy=eleven[1])
    assert signed_ids(recall) == {eleven[0].pk}
    assert AuditEntry.objects.get(action="motion.unsign").data["signatures"] == 1
    assert Notification.objects.filter(recipient=eleven[0].user, action="motion.unsign").exists()


def test_taking_back_a_signature_never_given_is_refused(recall, eleven):
    with pytest.raises(ValidationFailed):
        services.unsign_motion(by=eleven[2].user, motion=recall, deputy=eleven[2])


def test_signing_twice_is_refused(recall, eleven):
    with pytest.raises(InvalidTransition):
        services.sign_motion(by=eleven[0].user, motion=recall, deputy=eleven[0])


def test_a_deputy_cannot_sign_or_take_back_for_someone_else(recall, eleven):
    with pytest.raises(NotAllowed):
        services.sign_motion(by=eleven[1].user, motion=recall, deputy=eleven[2])
    with pytest.raises(NotAllowed):
        services.unsign_motion(by=eleven[1].user, motion=recall, deputy=eleven[0])
    assert signed_ids(recall) == {eleven[0].pk}


def test_signatures_are_fixed_once_the_motion_is_submitted(recall, eleven, staff):
    services.sign_motion(by=eleven[1].user, motion=recall, deputy=eleven[1])
    services.submit_motion(by=staff, motion=recall)
    with pytest.raises(InvalidTransition):
        services.sign_motion(by=eleven[2].user, motion=recall, deputy=eleven[2])
    with pytest.raises(InvalidTransition):
        services.unsign_motion(by=eleven[1].user, motion=recall, deputy=eleven[1])


def test_signatures_are_fixed_once_the_session_is_over(staff):
    """ELEC-19: filed during the session; after its last day nothing changes."""
    today = timezone.localdate()
    session = SessionFactory(starts_on=today - datetime.timedelta(days=5), ends_on=today - datetime.timedelta(days=1))
    deputies = deputies_for(session, 3)
    motion = services.create_motion(by=staff, session=session, **RECALL)
    with pytest.raises(DeadlinePassed):
        services.sign_motion(by=deputies[0].user, motion=motion, deputy=deputies[0])
    with pytest.raises(DeadlinePassed):
        services.create_motion(by=deputies[0].user, session=session, **RECALL)
    assert not MotionSignature.objects.exists()


def test_only_a_deputy_of_the_term_in_office_signs(recall, session, staff):
    outsider = DeputyFactory()  # another term
    with pytest.raises(ValidationFailed):
        services.sign_motion(by=staff, motion=recall, deputy=outsider)
    gone = deputies_for(session, 1)[0]
    gone.in_office, gone.left_office_on = False, timezone.localdate()
    gone.save()
    with pytest.raises(ValidationFailed):
        services.sign_motion(by=gone.user, motion=recall, deputy=gone)
    with pytest.raises(ValidationFailed):
        services.create_motion(by=gone.user, session=session, **RECALL)


def test_a_resolution_collects_no_signatures(session, staff, eleven):
    motion = services.create_motion(by=staff, session=session, kind=Motion.Kind.RESOLUTION, title="决议")
    with pytest.raises(InvalidTransition):
        services.sign_motion(by=eleven[0].user, motion=motion, deputy=eleven[0])


# --- the pages: the walk the tester took -----------------------------------------------------


def test_elec_19_deputies_start_and_sign_a_recall_and_staff_submit_it(client, session, eleven, staff):
    """The deputy who starts it lands on its page (not the secretariat's desk), another deputy
    signs there, and staff submit it once 2 of 11 deputies have signed."""
    starter = signed_in(eleven[0].user)
    assert starter.get(reverse("plenary:motion-create", args=[session.pk])).status_code == 200
    response = starter.post(reverse("plenary:motion-create", args=[session.pk]), RECALL)
    motion = Motion.objects.get()
    assert response.status_code == 302 and response["Location"] == signatures_url(motion)
    page = starter.get(signatures_url(motion)).content.decode()
    assert eleven[0].name in page and "You have signed this motion." in page
    assert "1 more deputy must sign" in page

    desk = signed_in(staff)
    refused = desk.post(reverse("plenary:motion-submit", args=[motion.pk]), follow=True).content.decode()
    assert "2 deputies must sign; 1 have." in refused

    other = signed_in(eleven[1].user)
    page = other.get(signatures_url(motion)).content.decode()
    assert reverse("plenary:motion-sign", args=[motion.pk]) in page
    assert other.post(reverse("plenary:motion-sign", args=[motion.pk])).status_code == 302
    page = other.get(signatures_url(motion)).content.decode()
    assert eleven[1].name in page and "Enough deputies have signed" in page

    assert desk.post(reverse("plenary:motion-submit", args=[motion.pk])).status_code == 302
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED
    page = other.get(signatures_url(motion)).content.decode()
    assert "This motion is not collecting signatures." in page
    assert reverse("plenary:motion-unsign", args=[motion.pk]) not in page


def test_a_deputy_takes_back_their_signature_from_the_page(recall, eleven):
    services.sign_motion(by=eleven[1].user, motion=recall, deputy=eleven[1])
    other = signed_in(eleven[1].user)
    assert reverse("plenary:motion-unsign", args=[recall.pk]) in other.get(signatures_url(recall)).content.decode()
    assert other.post(reverse("plenary:motion-unsign", args=[recall.pk])).status_code == 302
    assert signed_ids(recall) == {eleven[0].pk}


def test_the_deputy_finds_the_motion_on_the_list_and_at_home(recall, eleven):
    other = signed_in(eleven[1].user)
    listing = other.get(reverse("plenary:joint-motion-list")).content.decode()
    assert signatures_url(recall) in listing
    home = other.get("/").content.decode()
    assert signatures_url(recall) in home and "1 of 2 signatures" in home


def test_staff_enter_a_paper_signature_by_deputy_number(recall, eleven, staff):
    desk = signed_in(staff)
    page = desk.get(signatures_url(recall)).content.decode()
    assert "Paper signatures" in page
    desk.post(reverse("plenary:motion-sign", args=[recall.pk]), {"deputy": eleven[4].code})
    assert signed_ids(recall) == {eleven[0].pk, eleven[4].pk}
    desk.post(reverse("plenary:motion-unsign", args=[recall.pk]), {"deputy": eleven[4].code})
    assert signed_ids(recall) == {eleven[0].pk}


def test_the_desk_shows_how_many_more_must_sign(recall, staff):
    page = signed_in(staff).get(reverse("plenary:motion-detail", args=[recall.pk])).content.decode()
    assert "Still needed" in page and signatures_url(recall) in page


def test_a_deputy_of_another_term_does_not_find_the_motion(recall):
    outsider = deputies_for(session_today(), 1)[0]  # a session of another term
    client = signed_in(outsider.user)
    assert client.get(signatures_url(recall)).status_code == 404
    assert client.post(reverse("plenary:motion-sign", args=[recall.pk])).status_code == 404
    assert signatures_url(recall) not in client.get(reverse("plenary:joint-motion-list")).content.decode()


def test_deputies_do_not_open_a_motion_of_the_presidium_on_the_signatures_page(session, staff, eleven):
    motion = services.create_motion(by=staff, session=session, kind=Motion.Kind.RESOLUTION, title="决议")
    assert signed_in(eleven[0].user).get(signatures_url(motion)).status_code == 404


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
def test_other_roles_are_refused_the_joint_motion_pages(recall, users, role):
    client = signed_in(users[role])
    assert client.get(reverse("plenary:joint-motion-list")).status_code == 403
    assert client.get(signatures_url(recall)).status_code == 403
    assert client.post(reverse("plenary:motion-sign", args=[recall.pk])).status_code == 403
    assert client.post(reverse("plenary:motion-unsign", args=[recall.pk])).status_code == 403
    assert MotionSignature.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(recall):
    client = Client()
    for response in (
        client.get(reverse("plenary:joint-motion-list")),
        client.get(signatures_url(recall)),
        client.post(reverse("plenary:motion-sign", args=[recall.pk])),
        client.post(reverse("plenary:motion-unsign", args=[recall.pk])),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert MotionSignature.objects.count() == 1


# --- the API -------------------------------------------------------------------------------


def post(client, path, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def api_path(motion, what):
    return f"/api/plenary/motions/{motion.pk}/{what}"


def test_a_deputy_signs_and_takes_back_by_the_api_with_a_token(recall, eleven):
    from core.accounts import services as accounts

    _token, key = accounts.create_token(name="手机", by=eleven[1].user)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    body = client.get(api_path(recall, "signatures")).json()
    assert (body["signed"], body["needed"], body["still_needed"], body["collecting"]) == (1, 2, 1, True)
    signed = post(client, api_path(recall, "sign"))
    assert signed.status_code == 200 and signed.json()["still_needed"] == 0
    assert [s["deputy_id"] for s in signed.json()["signers"]] == [eleven[0].pk, eleven[1].pk]
    assert post(client, api_path(recall, "sign")).status_code == 409
    assert post(client, api_path(recall, "unsign")).json()["signed"] == 1


def test_by_the_api_a_deputy_cannot_sign_for_another_but_staff_can(recall, eleven, staff):
    assert post(signed_in(eleven[1].user), api_path(recall, "sign"), {"deputy_id": eleven[2].pk}).status_code == 403
    assert post(signed_in(staff), api_path(recall, "sign"), {"deputy_id": eleven[2].pk}).status_code == 200
    assert signed_ids(recall) == {eleven[0].pk, eleven[2].pk}


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC, None])
def test_other_roles_are_refused_the_signature_api(recall, users, role):
    client = Client() if role is None else signed_in(users[role])
    expected = 401 if role is None else 403
    assert client.get(api_path(recall, "signatures")).status_code == expected
    assert post(client, api_path(recall, "sign")).status_code == expected
    assert post(client, api_path(recall, "unsign")).status_code == expected
    assert MotionSignature.objects.count() == 1


def test_the_api_hides_a_motion_of_another_term(recall):
    other_session = session_today()
    stranger = deputies_for(other_session, 1)[0]
    assert signed_in(stranger.user).get(api_path(recall, "signatures")).status_code == 404
    assert post(signed_in(stranger.user), api_path(recall, "sign")).status_code == 404
