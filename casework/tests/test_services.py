"""casework.services: each event writes its change, its audit entry and its notifications,
and refuses the wrong person, the wrong state and the wrong input (with nothing written)."""

from datetime import date

import pytest

from casework import rules, services
from casework.models import Assignment, Case, Feedback, Recipient, Reply
from core.audit.models import AuditEntry
from core.errors import DeadlinePassed, InvalidTransition, NotAllowed, ValidationFailed
from core.notify.models import Notification

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

MARCH_31 = at("2026-03-31")
#: What a dissatisfied filer found unsatisfactory (SUGG-7: required with the rating).
WHY = "答复没有说明何时解决。"


def audit(action, case):
    return AuditEntry.objects.filter(action=action, target_type="casework.case", target_id=str(case.pk))


def inbox(user, action=None):
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(action=action) if action else rows


@pytest.fixture
def assigned(open_case, people, units):
    """A drill case assigned on 2026-03-31: unit 0 leads, unit 1 assists."""

    def make(**kwargs):
        case = open_case(**kwargs)
        return services.assign_case(
            by=people["staff"], case=case, lead=units[0], assisting=[units[1]], now=MARCH_31
        )

    return make


def lead_of(case):
    return Assignment.objects.get(case=case, role=rules.LEAD, round=case.round)


def reply(case, people, *, assignment=None, reply_class="A", now=None, **kwargs):
    assignment = assignment or lead_of(case)
    clerk = next(c for c in people["clerks"] if c.handling_unit_id == assignment.unit_id)
    defaults = {"body": "已答复。", "reply_class": reply_class, "letter": pdf(), "signed_by": "局长"}
    if assignment.role == rules.ASSISTING:
        defaults.update(reply_class="", letter=None, signed_by="")
    return services.submit_reply(by=clerk, assignment=assignment, now=now or at("2026-05-10"), **(defaults | kwargs))


# --- assignment (SUGG-2, SUGG-3, SUGG-5) ------------------------------------------------------


def test_sugg_3_assignment_sets_each_units_due_date_audits_and_tells_clerks_and_filer(
    open_case, people, units
):
    """SUGG-3: assigned 2026-03-31 → the lead unit's reply is due 2026-06-30; SUGG-5: the
    assisting unit's view is due 30 days later, 2026-04-30."""
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], assisting=[units[1]], now=MARCH_31)
    case.refresh_from_db()
    assert (case.status, case.handling_mode) == (rules.ASSIGNED, rules.LEAD_ASSISTING)
    lead = Assignment.objects.get(case=case, role=rules.LEAD)
    assisting = Assignment.objects.get(case=case, role=rules.ASSISTING)
    assert (lead.unit, lead.due_on, lead.due_rule) == (units[0], date(2026, 6, 30), "SUGG-3")
    assert (assisting.unit, assisting.due_on, assisting.due_rule) == (units[1], date(2026, 4, 30), "SUGG-5")
    entry = audit("drill.assign", case).get()
    assert entry.actor_id == people["staff"].pk
    assert entry.before["status"] == rules.REGISTERED and entry.after["status"] == rules.ASSIGNED
    assert [a["unit"] for a in entry.data["assignments"]] == [units[0].pk, units[1].pk]
    assert inbox(people["clerks"][0], "drill.assign").get().title.endswith("2026-06-30")
    assert inbox(people["clerks"][1], "drill.assign").exists()
    assert not inbox(people["clerks"][2]).exists()
    assert inbox(people["filer"], "drill.assign").exists()


def test_sugg_3_national_day_moves_the_due_date(open_case, people, units):
    """SUGG-3: assigned 2026-07-01 → nominal 2026-10-01 in the holiday → due 2026-10-08."""
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], now=at("2026-07-01"))
    assert lead_of(case).due_on == date(2026, 10, 8)


def test_sugg_5_separate_handling_gives_each_unit_the_reply_period(open_case, people, units):
    case = open_case()
    services.assign_case(by=people["staff"], case=case, separate=units[:3], now=MARCH_31)
    rows = Assignment.objects.filter(case=case)
    assert {r.role for r in rows} == {rules.SEPARATE_UNIT}
    assert {r.due_on for r in rows} == {date(2026, 6, 30)}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "lead"),
        ({"lead": 0, "separate": [1]}, "separate"),
        ({"lead": 0, "assisting": [0]}, "assisting"),
        ({"assisting": [1]}, "assisting"),
    ],
)
def test_sugg_5_refused_assignments_write_nothing(open_case, people, units, kwargs, field):
    case = open_case()
    args = {k: ([units[i] for i in v] if isinstance(v, list) else units[v]) for k, v in kwargs.items()}
    with pytest.raises(ValidationFailed) as refused:
        services.assign_case(by=people["staff"], case=case, now=MARCH_31, **args)
    assert field in refused.value.details
    case.refresh_from_db()
    assert case.status == rules.REGISTERED
    assert not Assignment.objects.filter(case=case).exists()
    assert not audit("drill.assign", case).exists()


def test_an_inactive_unit_cannot_be_assigned(open_case, people, units):
    units[0].is_active = False
    units[0].save()
    with pytest.raises(ValidationFailed):
        services.assign_case(by=people["staff"], case=open_case(), lead=units[0], now=MARCH_31)


def test_a_case_is_assigned_once(assigned, people, units):
    case = assigned()
    with pytest.raises(InvalidTransition) as refused:
        services.assign_case(by=people["staff"], case=case, lead=units[2], now=MARCH_31)
    assert refused.value.details["state"] == rules.ASSIGNED


@pytest.mark.parametrize("who", ["filer", "deputy", "administrator", "public"])
def test_only_staff_assign(open_case, people, units, who):
    case = open_case()
    with pytest.raises(NotAllowed):
        services.assign_case(by=people[who], case=case, lead=units[0], now=MARCH_31)


def test_a_clerk_cannot_assign(open_case, people, units):
    with pytest.raises(NotAllowed):
        services.assign_case(by=people["clerks"][0], case=open_case(), lead=units[0], now=MARCH_31)


# --- SUGG-4: the approved extension -----------------------------------------------------------


def test_sugg_4_approved_extension_gives_six_months_from_assignment(assigned, people):
    case = assigned()
    row = services.approve_extension(by=people["staff"], assignment=lead_of(case), note="涉及面广",
                                     now=at("2026-06-01"))
    assert (row.due_on, row.due_rule, row.extension_approved_by) == (date(2026, 9, 30), "SUGG-4", people["staff"])
    entry = audit("drill.approve_extension", case).get()
    assert entry.data["from"] == "2026-06-30" and entry.data["to"] == "2026-09-30"
    assert inbox(people["clerks"][0], "drill.approve_extension").exists()
    assert inbox(people["filer"], "drill.approve_extension").exists()


def test_sugg_4_extension_refused_after_the_three_month_date(assigned, people):
    case = assigned()
    with pytest.raises(DeadlinePassed):
        services.approve_extension(by=people["staff"], assignment=lead_of(case), now=at("2026-07-01", "00:00"))
    assert lead_of(case).due_on == date(2026, 6, 30)
    assert not audit("drill.approve_extension", case).exists()


def test_sugg_4_extension_still_possible_on_the_due_date_itself(assigned, people):
    case = assigned()
    row = services.approve_extension(by=people["staff"], assignment=lead_of(case), now=at("2026-06-30", "23:59"))
    assert row.due_on == date(2026, 9, 30)


def test_sugg_4_extension_given_once_and_not_to_an_assisting_unit(assigned, people):
    case = assigned()
    services.approve_extension(by=people["staff"], assignment=lead_of(case), now=at("2026-05-01"))
    with pytest.raises(InvalidTransition):
        services.approve_extension(by=people["staff"], assignment=lead_of(case), now=at("2026-05-02"))
    assisting = Assignment.objects.get(case=case, role=rules.ASSISTING)
    with pytest.raises(InvalidTransition):
        services.approve_extension(by=people["staff"], assignment=assisting, now=at("2026-04-02"))


def test_sugg_4_the_unit_needs_staff_approval_by_default(assigned, people):
    case = assigned()
    with pytest.raises(NotAllowed):
        services.approve_extension(by=people["clerks"][0], assignment=lead_of(case), now=at("2026-05-01"))


def test_sugg_4_where_no_approval_is_needed_the_units_clerk_takes_the_longer_period(assigned, people, congress):
    congress.parameters = {"sugg_extension_needs_approval": False}
    congress.save()
    case = assigned()
    row = services.approve_extension(by=people["clerks"][0], assignment=lead_of(case), now=at("2026-05-01"))
    assert row.due_on == date(2026, 9, 30)
    with pytest.raises(NotAllowed):  # another unit's clerk still may not
        services.approve_extension(
            by=people["clerks"][2], assignment=Assignment.objects.get(case=case, role=rules.ASSISTING)
        )


# --- replies (SUGG-5, SUGG-6) -----------------------------------------------------------------


def test_sugg_6_lead_reply_moves_the_case_to_replied_and_asks_the_filer_to_rate(assigned, people):
    case = assigned()
    answer = reply(case, people, reply_class="B")
    case.refresh_from_db()
    assert case.status == rules.REPLIED
    assert (answer.reply_class, answer.signed_by, answer.letter.name.endswith(".pdf")) == ("B", "局长", True)
    row = lead_of(case)
    assert (row.status, row.replied_on) == (rules.DONE, date(2026, 5, 10))
    entry = audit("drill.reply", case).get()
    assert entry.data["on_time"] is True and entry.data["complete"] is True
    titles = list(inbox(people["filer"], "drill.reply").values_list("title", flat=True))
    assert len(titles) == 2 and any(t.startswith("Please rate") for t in titles)


def test_sugg_5_an_assisting_view_goes_to_the_lead_unit_not_to_the_filer(assigned, people):
    case = assigned()
    assisting = Assignment.objects.get(case=case, role=rules.ASSISTING)
    reply(case, people, assignment=assisting)
    case.refresh_from_db()
    assert case.status == rules.ASSIGNED
    assert inbox(people["clerks"][0], "drill.reply").exists()
    assert not inbox(people["filer"], "drill.reply").exists()


def test_sugg_5_separate_units_each_reply_before_the_case_is_replied(open_case, people, units):
    case = open_case()
    services.assign_case(by=people["staff"], case=case, separate=units[:2], now=MARCH_31)
    first, second = Assignment.objects.filter(case=case).order_by("pk")
    reply(case, people, assignment=first)
    case.refresh_from_db()
    assert case.status == rules.ASSIGNED
    reply(case, people, assignment=second)
    case.refresh_from_db()
    assert case.status == rules.REPLIED


def test_clerk_of_another_unit_cannot_reply(assigned, people):
    case = assigned()
    with pytest.raises(NotAllowed):
        services.submit_reply(by=people["clerks"][2], assignment=lead_of(case), body="x", reply_class="A",
                              letter=pdf(), signed_by="局长")
    assert not Reply.objects.exists()


@pytest.mark.parametrize("who", ["staff", "filer", "deputy", "administrator"])
def test_only_the_units_clerk_replies(assigned, people, who):
    case = assigned()
    with pytest.raises(NotAllowed):
        services.submit_reply(by=people[who], assignment=lead_of(case), body="x", reply_class="A",
                              letter=pdf(), signed_by="局长")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reply_class": "C"}, "class_reason"),  # SUGG-6: reasons for C/D
        ({"reply_class": "E"}, "reply_class"),
        ({"letter": None}, "letter"),
        ({"signed_by": ""}, "signed_by"),
        ({"body": "  "}, "body"),
    ],
)
def test_sugg_6_incomplete_replies_are_refused(assigned, people, kwargs, field):
    case = assigned()
    with pytest.raises(ValidationFailed) as refused:
        reply(case, people, **kwargs)
    assert field in refused.value.details
    assert lead_of(case).status == rules.PENDING


def test_sugg_6_d_with_a_reason_is_accepted(assigned, people):
    case = assigned()
    answer = reply(case, people, reply_class="D", class_reason="留作参考，已作说明")
    assert answer.class_reason == "留作参考，已作说明"


def test_a_letter_that_is_not_a_document_is_refused(assigned, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        reply(assigned(), people, letter=fake)


def test_a_unit_replies_once(assigned, people):
    case = assigned()
    reply(case, people)
    with pytest.raises(InvalidTransition):
        reply(case, people)


# --- feedback, re-handling and closing (SUGG-7) --------------------------------------------------


def test_sugg_7_satisfied_closes_the_case(assigned, people):
    case = assigned()
    answer = reply(case, people)
    feedback = services.rate_reply(by=people["filer"], reply=answer, satisfaction="satisfied", now=at("2026-05-20"))
    case.refresh_from_db()
    assert case.status == rules.CLOSED
    assert feedback.recipient.user == people["filer"]
    assert audit("drill.rate", case).get().data["satisfaction"] == "satisfied"
    assert audit("drill.close", case).get().after["status"] == rules.CLOSED
    assert inbox(people["clerks"][0], "drill.rate").exists()
    assert inbox(people["clerks"][0], "drill.close").exists()


def test_sugg_7_dissatisfied_sends_it_back_to_the_lead_unit_with_a_new_deadline(assigned, people, units):
    """SUGG-7: dissatisfied on 2026-07-03 → re-handled by the lead unit within one month:
    2026-08-03."""
    case = assigned()
    answer = reply(case, people)
    services.rate_reply(by=people["filer"], reply=answer, satisfaction="dissatisfied", comment=WHY, now=at("2026-07-03"))
    case.refresh_from_db()
    assert (case.status, case.round) == (rules.REHANDLING, 2)
    again = lead_of(case)
    assert (again.unit, again.round, again.due_on, again.due_rule) == (units[0], 2, date(2026, 8, 3), "SUGG-7")
    assert audit("drill.rehandle", case).exists()
    assert inbox(people["clerks"][0], "drill.rehandle").exists()
    assert inbox(people["staff"], "drill.rehandle").exists()
    assert inbox(people["filer"], "drill.rehandle").exists()


@pytest.mark.parametrize("comment", ["", "   "])
def test_sugg_7_a_dissatisfied_rating_without_a_comment_is_refused_and_nothing_changes(assigned, people, comment):
    """SUGG-7: re-handling starts from what the filer found unsatisfactory; without it the
    rating is refused on its comment, and the case still waits for a rating."""
    case = assigned()
    answer = reply(case, people)
    with pytest.raises(ValidationFailed) as refused:
        services.rate_reply(by=people["filer"], reply=answer, satisfaction="dissatisfied", comment=comment,
                            now=at("2026-07-03"))
    assert list(refused.value.details) == ["comment"]
    case.refresh_from_db()
    assert (case.status, case.round) == (rules.REPLIED, 1)
    assert not Feedback.objects.exists()
    assert not audit("drill.rate", case).exists() and not audit("drill.rehandle", case).exists()


def test_sugg_7_the_unit_receives_what_the_filer_found_unsatisfactory(assigned, people):
    case = assigned()
    answer = reply(case, people)
    services.rate_reply(by=people["filer"], reply=answer, satisfaction="dissatisfied", comment=f"  {WHY}\n",
                        now=at("2026-07-03"))
    assert Feedback.objects.get(reply=answer).comment == WHY
    case.refresh_from_db()
    assert case.status == rules.REHANDLING


def test_sugg_7_satisfied_needs_no_comment(assigned, people):
    case = assigned()
    services.rate_reply(by=people["filer"], reply=reply(case, people), satisfaction="basically_satisfied",
                        now=at("2026-07-03"))
    case.refresh_from_db()
    assert case.status == rules.CLOSED


def test_sugg_7_after_re_handling_the_case_closes_whatever_the_rating(assigned, people):
    case = assigned()
    services.rate_reply(by=people["filer"], reply=reply(case, people), satisfaction="dissatisfied", comment=WHY,
                        now=at("2026-07-03"))
    case.refresh_from_db()
    second = reply(case, people, now=at("2026-07-20"))
    case.refresh_from_db()
    assert case.status == rules.REPLIED
    services.rate_reply(by=people["filer"], reply=second, satisfaction="dissatisfied", comment=WHY, now=at("2026-07-25"))
    case.refresh_from_db()
    assert case.status == rules.CLOSED


def test_sugg_7_staff_close_after_re_handling_without_a_second_rating(assigned, people):
    case = assigned()
    services.rate_reply(by=people["filer"], reply=reply(case, people), satisfaction="dissatisfied", comment=WHY,
                        now=at("2026-07-03"))
    case.refresh_from_db()
    reply(case, people, now=at("2026-07-20"))
    services.close_case(by=people["staff"], case=case)
    case.refresh_from_db()
    assert case.status == rules.CLOSED


def test_sugg_7_no_case_is_closed_without_a_rating_in_the_first_round(assigned, people):
    case = assigned()
    with pytest.raises(InvalidTransition):
        services.close_case(by=people["staff"], case=case)
    reply(case, people)
    with pytest.raises(InvalidTransition):
        services.close_case(by=people["staff"], case=case)
    case.refresh_from_db()
    assert case.status == rules.REPLIED


def test_sugg_7_a_merged_case_waits_for_every_filer(assigned, people, open_case):
    case = assigned(filers=[people["filer"], people["other_filer"]])
    answer = reply(case, people)
    services.rate_reply(by=people["filer"], reply=answer, satisfaction="satisfied")
    case.refresh_from_db()
    assert case.status == rules.REPLIED
    services.rate_reply(by=people["other_filer"], reply=answer, satisfaction="basically_satisfied")
    case.refresh_from_db()
    assert case.status == rules.CLOSED


def test_sugg_7_staff_may_re_handle_on_one_dissatisfied_filer_without_waiting(assigned, people):
    case = assigned(filers=[people["filer"], people["other_filer"]])
    answer = reply(case, people)
    services.rate_reply(by=people["filer"], reply=answer, satisfaction="dissatisfied", comment=WHY)
    case.refresh_from_db()
    assert case.status == rules.REPLIED
    services.rehandle_case(by=people["staff"], case=case, now=at("2026-07-03"))
    case.refresh_from_db()
    assert case.status == rules.REHANDLING


def test_staff_cannot_re_handle_a_satisfied_case(assigned, people):
    case = assigned(filers=[people["filer"], people["other_filer"]])
    services.rate_reply(by=people["filer"], reply=reply(case, people), satisfaction="satisfied")
    with pytest.raises(InvalidTransition):
        services.rehandle_case(by=people["staff"], case=case)


def test_sugg_7_deputy_not_a_recipient_cannot_rate(assigned, people):
    case = assigned()
    answer = reply(case, people)
    for who in ("outsider", "other_filer", "deputy"):
        with pytest.raises(NotAllowed):
            services.rate_reply(by=people[who], reply=answer, satisfaction="satisfied")
    with pytest.raises(NotAllowed):
        services.rate_reply(by=people["clerks"][0], reply=answer, satisfaction="satisfied")
    assert not Feedback.objects.exists()


def test_sugg_7_a_rating_off_the_scale_is_refused(assigned, people):
    case = assigned()
    with pytest.raises(ValidationFailed):
        services.rate_reply(by=people["filer"], reply=reply(case, people), satisfaction="thrilled")


def test_sugg_7_a_filer_rates_a_reply_once(assigned, people):
    case = assigned(filers=[people["filer"], people["other_filer"]])
    answer = reply(case, people)
    services.rate_reply(by=people["filer"], reply=answer, satisfaction="satisfied")
    with pytest.raises(InvalidTransition):
        services.rate_reply(by=people["filer"], reply=answer, satisfaction="dissatisfied", comment=WHY)


def test_sugg_7_staff_enter_a_paper_feedback_form_for_a_named_filer(assigned, people):
    case = assigned()
    answer = reply(case, people)
    with pytest.raises(ValidationFailed):
        services.rate_reply(by=people["staff"], reply=answer, satisfaction="satisfied")
    filer = Recipient.objects.get(case=case, user=people["filer"])
    feedback = services.rate_reply(by=people["staff"], reply=answer, satisfaction="satisfied", recipient=filer)
    assert (feedback.recipient, feedback.entered_by) == (filer, people["staff"])


# --- SUGG-9: key supervision ------------------------------------------------------------------


def test_sugg_9_staff_mark_a_key_supervised_item_and_the_unit_is_told(assigned, people):
    case = assigned()
    services.supervise_case(by=people["staff"], case=case, note="主任会议决定", now=at("2026-04-02"))
    case.refresh_from_db()
    assert (case.is_key_supervised, case.supervised_by) == (True, people["staff"])
    assert audit("drill.supervise", case).get().after["is_key_supervised"] is True
    assert inbox(people["clerks"][0], "drill.supervise").exists()
    services.supervise_case(by=people["staff"], case=case)  # already: nothing written
    assert audit("drill.supervise", case).count() == 1


@pytest.mark.parametrize("who", ["filer", "deputy", "administrator"])
def test_sugg_9_only_staff_supervise(assigned, people, who):
    with pytest.raises(NotAllowed):
        services.supervise_case(by=people[who], case=assigned())


def test_sugg_9_a_closed_case_is_not_supervised(assigned, people):
    case = assigned()
    services.rate_reply(by=people["filer"], reply=reply(case, people), satisfaction="satisfied")
    with pytest.raises(InvalidTransition):
        services.supervise_case(by=people["staff"], case=case)


# --- SUGG-11: merging -------------------------------------------------------------------------


def test_sugg_11_merge_keeps_every_filer_owed_a_reply(assigned, open_case, people, units):
    target = assigned(title="道路积水")
    source = open_case(title="路面积水", filers=[people["other_filer"]])
    services.assign_case(by=people["staff"], case=source, lead=units[2], now=MARCH_31)
    services.merge_cases(by=people["staff"], target=target, sources=[source], note="内容相同")
    source.refresh_from_db()
    assert (source.status, source.merged_into) == (rules.MERGED, target)
    assert Assignment.objects.get(case=source).status == rules.CANCELLED
    owed = Recipient.objects.filter(case=target, withdrawn_at__isnull=True)
    assert {r.user for r in owed} == {people["filer"], people["other_filer"]}
    assert Recipient.objects.get(user=people["other_filer"]).source_case == source
    assert audit("drill.merge", target).get().data["recipients_moved"] == 1
    assert audit("drill.merge", source).get().after["status"] == rules.MERGED
    assert inbox(people["other_filer"], "drill.merge").exists()
    assert inbox(people["clerks"][2], "drill.merge").exists()
    # The reply to the target reaches both filers, and both rate it.
    answer = reply(target, people)
    assert inbox(people["other_filer"], "drill.reply").exists()
    services.rate_reply(by=people["other_filer"], reply=answer, satisfaction="satisfied")
    target.refresh_from_db()
    assert target.status == rules.REPLIED


def test_sugg_11_cases_merged_earlier_follow_their_case(open_case, people):
    a, b, c = open_case(title="一"), open_case(title="二", filers=[people["other_filer"]]), open_case(title="三")
    services.merge_cases(by=people["staff"], target=b, sources=[a])
    services.merge_cases(by=people["staff"], target=c, sources=[b])
    a.refresh_from_db()
    assert a.merged_into == c
    assert Recipient.objects.filter(case=c).count() == 3


def test_sugg_11_the_target_must_be_open(assigned, open_case, people):
    target = assigned()
    services.rate_reply(by=people["filer"], reply=reply(target, people), satisfaction="satisfied")
    with pytest.raises(InvalidTransition):
        services.merge_cases(by=people["staff"], target=target, sources=[open_case()])


def test_sugg_11_a_case_is_not_merged_into_itself(open_case, people):
    case = open_case()
    with pytest.raises(ValidationFailed):
        services.merge_cases(by=people["staff"], target=case, sources=[case])


def test_sugg_11_a_key_supervised_source_keeps_the_target_supervised(open_case, people):
    target, source = open_case(), open_case()
    services.supervise_case(by=people["staff"], case=source)
    services.merge_cases(by=people["staff"], target=target, sources=[source])
    target.refresh_from_db()
    assert target.is_key_supervised is True


@pytest.mark.parametrize("who", ["filer", "deputy", "administrator"])
def test_sugg_11_only_staff_merge(open_case, people, who):
    with pytest.raises(NotAllowed):
        services.merge_cases(by=people[who], target=open_case(), sources=[open_case()])


# --- withdrawal ---------------------------------------------------------------------------------


def test_the_filer_withdraws_and_the_units_are_told(assigned, people):
    case = assigned()
    services.withdraw_case(by=people["filer"], case=case, note="书面撤回")
    case.refresh_from_db()
    assert case.status == rules.WITHDRAWN
    assert set(Assignment.objects.filter(case=case).values_list("status", flat=True)) == {rules.CANCELLED}
    assert audit("drill.withdraw", case).get().data["case_withdrawn"] is True
    assert inbox(people["clerks"][0], "drill.withdraw").exists()
    assert Recipient.objects.get(case=case).withdrawn_at is not None  # kept, marked


def test_withdrawing_one_filer_of_a_merged_case_leaves_it_to_the_others(open_case, people):
    target, source = open_case(), open_case(filers=[people["other_filer"]])
    services.merge_cases(by=people["staff"], target=target, sources=[source])
    live = services.withdraw_case(by=people["other_filer"], case=source)
    assert (live, live.status) == (target, rules.REGISTERED)
    assert Recipient.objects.filter(case=target, withdrawn_at__isnull=True).get().user == people["filer"]


def test_someone_else_cannot_withdraw(assigned, people):
    case = assigned()
    for who in ("outsider", "deputy", "administrator"):
        with pytest.raises(NotAllowed):
            services.withdraw_case(by=people[who], case=case)
    with pytest.raises(NotAllowed):
        services.withdraw_case(by=people["clerks"][0], case=case)


def test_a_closed_case_cannot_be_withdrawn(assigned, people):
    case = assigned()
    services.rate_reply(by=people["filer"], reply=reply(case, people), satisfaction="satisfied")
    with pytest.raises(InvalidTransition):
        services.withdraw_case(by=people["filer"], case=case)


def test_nothing_remains_of_a_refused_change(assigned, people):
    """A refusal inside the transaction leaves no audit entry and no inbox row."""
    case = assigned()
    before = (AuditEntry.objects.count(), Notification.objects.count())
    with pytest.raises(ValidationFailed):
        reply(case, people, reply_class="C")
    assert (AuditEntry.objects.count(), Notification.objects.count()) == before
    assert Case.objects.get(pk=case.pk).status == rules.ASSIGNED
