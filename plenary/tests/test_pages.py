"""The session desk: the roster (SESS-4), check-in and the quorum (SESS-1), the presidium
(SESS-3) and motions decided on a majority of all deputies (RES-1). Staff use it; other
roles are refused; a refused form comes back with the reason and status 422."""

import pytest
from django.urls import reverse

from balloting import services as balloting
from core.accounts.roles import Role
from plenary import services
from plenary.models import Attendance, Motion, PresidiumMember, SessionRoster

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def roster(session, staff, deputies):
    return services.open_session_roster(by=staff, session=session)


def detail(session):
    return reverse("plenary:session-detail", args=[session.pk])


def check_in(desk, session, number):
    return desk.post(reverse("plenary:attendance-check-in", args=[session.pk]), {"deputy": number})


# --- who may use the desk --------------------------------------------------------------------


def test_staff_see_the_sessions_and_open_one(desk, session):
    page = desk.get(reverse("plenary:session-list")).content.decode()
    assert detail(session) in page
    assert desk.get(detail(session)).status_code == 200


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
def test_other_roles_are_refused_the_desk(client, users, session, roster, role):
    client.force_login(users[role])
    assert client.get(reverse("plenary:session-list")).status_code == 403
    assert client.get(detail(session)).status_code == 403
    assert client.get(reverse("plenary:motion-list", args=[session.pk])).status_code == 403
    assert client.post(reverse("plenary:roster-refresh", args=[session.pk])).status_code == 403
    assert client.post(reverse("plenary:presidium-set", args=[session.pk]), {"members": "D0001"}).status_code == 403


def test_a_deputy_cannot_check_in_someone_else(client, session, roster, deputies):
    """The code lets deputies check in; the service refuses anyone but themselves."""
    client.force_login(deputies[0].user)
    response = check_in(client, session, deputies[1].code)
    assert response.status_code == 403
    assert not Attendance.objects.exists()


# --- roster, check-in and quorum -------------------------------------------------------------


def test_sess_4_staff_take_the_roster_from_the_page(desk, session, deputies):
    assert "Take the roster" in desk.get(detail(session)).content.decode()
    assert desk.post(reverse("plenary:roster-open", args=[session.pk])).status_code == 302
    assert SessionRoster.objects.get(session=session).entries.count() == 6
    page = desk.get(detail(session)).content.decode()
    assert "deputies in office" in page and "<dd>6</dd>" in page


def test_the_roster_basis_is_one_sentence_with_its_punctuation_translated(desk, session, roster):
    """The full stops are inside the translated text (Chinese takes 。), not after it."""
    page = desk.get(detail(session)).content.decode()
    assert "Basis: deputies in office. Taken " in page
    desk.post(reverse("plenary:roster-refresh", args=[session.pk]))
    page = desk.get(detail(session)).content.decode()
    assert "; brought up to date " in page and ". Every vote records the number it had when it opened." in page


def test_taking_the_roster_twice_is_refused_with_a_message(desk, session, roster):
    response = desk.post(reverse("plenary:roster-open", args=[session.pk]), follow=True)
    assert "already been taken" in response.content.decode()


def test_sess_1_check_in_by_number_until_the_quorum_is_met(desk, session, roster, deputies):
    """Six deputies: two-thirds is 4."""
    for deputy in deputies[:3]:
        assert check_in(desk, session, deputy.code).status_code == 302
    page = desk.get(detail(session)).content.decode()
    assert "No quorum: at least 4 deputies must be present." in page
    check_in(desk, session, deputies[3].code)
    page = desk.get(detail(session)).content.decode()
    assert "Quorum met" in page
    assert Attendance.objects.filter(session=session).count() == 4


def test_the_page_lists_who_has_not_checked_in(desk, session, roster, deputies):
    check_in(desk, session, deputies[0].code)
    page = desk.get(detail(session)).content.decode()
    not_in = page.split("Not checked in")[1].split("Checked in (")[0]
    assert deputies[1].name in not_in and deputies[0].name not in not_in


def test_an_unknown_number_is_shown_on_the_form(desk, session, roster):
    response = check_in(desk, session, "X9999")
    assert response.status_code == 422
    assert "X9999" in response.content.decode()


def test_a_deputy_out_of_office_cannot_check_in(desk, session, roster, deputies):
    gone = deputies[5]
    gone.in_office, gone.left_office_on = False, session.starts_on
    gone.save()
    response = check_in(desk, session, gone.code)
    assert response.status_code == 422
    assert "Only a deputy in office" in response.content.decode()


def test_checking_in_before_the_roster_is_refused(desk, session, deputies):
    response = check_in(desk, session, deputies[0].code)
    assert response.status_code == 422
    assert "Take the session" in response.content.decode()


# --- presidium -------------------------------------------------------------------------------


def test_sess_3_the_presidium_is_recorded_by_deputy_number(desk, session, deputies):
    url = reverse("plenary:presidium-set", args=[session.pk])
    response = desk.post(url, {"executive_chairs": deputies[0].code, "members": f"{deputies[1].code}，{deputies[2].code}"})
    assert response.status_code == 302
    roles = dict(PresidiumMember.objects.values_list("deputy_id", "role"))
    assert roles == {deputies[0].pk: "executive_chair", deputies[1].pk: "member", deputies[2].pk: "member"}
    assert deputies[0].code in desk.get(url).content.decode()  # the form shows the recorded presidium


def test_an_empty_presidium_is_refused_on_the_form(desk, session):
    response = desk.post(reverse("plenary:presidium-set", args=[session.pk]), {"executive_chairs": "", "members": ""})
    assert response.status_code == 422
    assert "The presidium needs members." in response.content.decode()


# --- motions ---------------------------------------------------------------------------------


def create(desk, session, **data):
    data.setdefault("kind", "resolution")
    data.setdefault("title", "关于政府工作报告的决议")
    data.setdefault("filed_by", "presidium")
    return desk.post(reverse("plenary:motion-create", args=[session.pk]), data)


def test_elec_19_a_recall_names_the_office_holder(desk, session):
    response = create(desk, session, kind="recall", title="罢免案")
    assert response.status_code == 422
    assert "ELEC-19" in response.content.decode()
    assert not Motion.objects.exists()


def test_res_1_a_show_of_hands_is_adopted_with_a_majority_of_all_deputies(desk, session, roster, deputies):
    """Six deputies, all present: 4 FOR adopts whatever the others (RES-1)."""
    for deputy in deputies:
        check_in(desk, session, deputy.code)
    response = create(desk, session, method="hands")
    motion = Motion.objects.get()
    assert response["Location"] == reverse("plenary:motion-detail", args=[motion.pk])
    desk.post(reverse("plenary:motion-submit", args=[motion.pk]))
    desk.post(reverse("plenary:motion-open", args=[motion.pk]))
    response = desk.post(
        reverse("plenary:motion-record-hands", args=[motion.pk]), {"for_votes": 4, "against": 1, "abstain": 1}
    )
    assert response.status_code == 302
    page = desk.get(reverse("plenary:motion-detail", args=[motion.pk])).content.decode()
    assert "Adopted" in page and "<dd>4</dd>" in page and "<dd>6</dd>" in page


def test_more_hands_than_deputies_present_are_refused_on_the_form(desk, session, roster, deputies):
    for deputy in deputies[:4]:
        check_in(desk, session, deputy.code)
    create(desk, session, method="hands")
    motion = Motion.objects.get()
    desk.post(reverse("plenary:motion-submit", args=[motion.pk]))
    desk.post(reverse("plenary:motion-open", args=[motion.pk]))
    response = desk.post(
        reverse("plenary:motion-record-hands", args=[motion.pk]), {"for_votes": 4, "against": 1, "abstain": 0}
    )
    assert response.status_code == 422
    motion.refresh_from_db()
    assert motion.status == Motion.Status.VOTING


def test_sess_1_a_vote_cannot_open_without_a_quorum(desk, session, roster, deputies):
    check_in(desk, session, deputies[0].code)
    create(desk, session)
    motion = Motion.objects.get()
    desk.post(reverse("plenary:motion-submit", args=[motion.pk]))
    response = desk.post(reverse("plenary:motion-open", args=[motion.pk]), follow=True)
    assert "SESS-1" in response.content.decode()
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED


def test_res_1_an_electronic_vote_is_closed_counted_and_decided_from_the_page(desk, session, roster, deputies):
    """Three FOR of six is not a majority of all deputies: not adopted."""
    for deputy in deputies:
        check_in(desk, session, deputy.code)
    create(desk, session, method="electronic")
    motion = Motion.objects.get()
    desk.post(reverse("plenary:motion-submit", args=[motion.pk]))
    desk.post(reverse("plenary:motion-open", args=[motion.pk]))
    motion.refresh_from_db()
    page = desk.get(reverse("plenary:motion-detail", args=[motion.pk])).content.decode()
    assert "Counts are shown only once the vote is counted." in page
    for deputy, mark in zip(deputies, ["for", "for", "for", "against", "abstain", "abstain"], strict=True):
        balloting.cast_vote(by=deputy.user, round=motion.round, marks={"motion": mark})
    for step in ("motion-close", "motion-count", "motion-decide"):
        assert desk.post(reverse(f"plenary:{step}", args=[motion.pk])).status_code == 302
    motion.refresh_from_db()
    assert (motion.status, motion.for_votes, motion.threshold) == (Motion.Status.REJECTED, 3, 4)
    page = desk.get(reverse("plenary:motion-detail", args=[motion.pk])).content.decode()
    assert "Not adopted" in page


def test_the_motion_list_shows_decided_results(desk, session, roster, deputies):
    create(desk, session)
    page = desk.get(reverse("plenary:motion-list", args=[session.pk])).content.decode()
    assert "关于政府工作报告的决议" in page
