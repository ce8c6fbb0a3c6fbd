"""A registered suggestion handled to the end, with the rules.md examples (SUGG-2..9, 11) and
the handling report to the next session without personal data (SUGG-8, SEC-6)."""

import json
from datetime import date

import pytest

from casework import rules as case_rules
from casework.models import Assignment, Recipient
from core.audit.models import AuditEntry
from core.errors import DeadlinePassed, NotAllowed
from core.notify.models import Notification
from proposals import selectors, services
from proposals.models import Suggestion

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(city, content):
    """A registered suggestion by deputy `index`, co-signed by `cosigners` (indexes)."""

    def make(index=0, cosigners=(), subject="关于学校门前增设信号灯的建议", day="2026-03-20"):
        filer = city["deputies"][index]
        draft = services.create_draft(by=filer.user, subject=subject, content=content, now=at(day))
        for other in cosigners:
            invitation = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=city["deputies"][other])
            services.confirm_cosignature(by=city["deputies"][other].user, cosignature=invitation)
        services.submit_suggestion(by=filer.user, suggestion=draft, now=at(day))
        return services.register_suggestion(by=city["staff"], suggestion=draft, now=at(day))

    return make


def lead(suggestion, round_number=1):
    return Assignment.objects.get(case=suggestion.case, role=case_rules.LEAD, round=round_number)


def answer(city, assignment, *, reply_class="A", day="2026-05-10", **kwargs):
    clerk = city["clerks"][city["units"].index(assignment.unit)]
    return services.reply_to_suggestion(by=clerk, assignment=assignment, body="经研究，已落实。", reply_class=reply_class,
                                        letter=pdf(), signed_by="局长", now=at(day), **kwargs)


def test_sugg_2_between_sessions_assigned_within_five_working_days(city, content):
    """SUGG-2 (`sugg_assign_within_wd` = 5) with the TIME-4 example: received Thursday
    2026-02-12 → the Spring Festival is skipped → assign by 2026-02-26."""
    draft = services.create_draft(by=city["deputies"][0].user, subject="春节前的建议", content=content)
    services.submit_suggestion(by=city["deputies"][0].user, suggestion=draft, now=at("2026-02-12"))
    registered = services.register_suggestion(by=city["staff"], suggestion=draft, now=at("2026-02-13"))
    assert selectors.assign_by(registered).date == date(2026, 2, 26)
    assert list(selectors.to_assign(city["staff"])) == [registered]
    during = services.create_draft(by=city["deputies"][1].user, subject="会议期间的建议", content=content)
    services.submit_suggestion(by=city["deputies"][1].user, suggestion=during, now=at("2026-01-21"))
    assert selectors.assign_by(during) is None


def test_sugg_3_assigned_2026_03_31_due_2026_06_30_and_07_01_due_10_08(register, city):
    first, second = register(), register(subject="另一件建议")
    services.assign_suggestion(by=city["staff"], suggestion=first, lead=city["units"][0], now=at("2026-03-31"))
    services.assign_suggestion(by=city["staff"], suggestion=second, lead=city["units"][0], now=at("2026-07-01"))
    assert lead(first).due_on == date(2026, 6, 30)
    assert lead(second).due_on == date(2026, 10, 8)
    assert AuditEntry.objects.filter(action="suggestion.assign").count() == 2
    assert Notification.objects.filter(recipient=city["clerks"][0], action="suggestion.assign").count() == 2
    assert Notification.objects.filter(recipient=city["deputies"][0].user, action="suggestion.assign").count() == 2


def test_sugg_4_six_months_with_approval_before_the_three_month_date_only(register, city):
    suggestion = register()
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    with pytest.raises(NotAllowed):  # the unit cannot grant itself the longer period
        services.approve_suggestion_extension(by=city["clerks"][0], assignment=lead(suggestion), now=at("2026-06-01"))
    with pytest.raises(DeadlinePassed):
        services.approve_suggestion_extension(by=city["staff"], assignment=lead(suggestion), now=at("2026-07-01", "00:00"))
    late = register(subject="晚到的延期")
    services.assign_suggestion(by=city["staff"], suggestion=late, lead=city["units"][1], now=at("2026-03-31"))
    row = services.approve_suggestion_extension(by=city["staff"], assignment=lead(late), now=at("2026-06-30"))
    assert row.due_on == date(2026, 9, 30)
    assert AuditEntry.objects.get(action="suggestion.approve_extension").data["to"] == "2026-09-30"


def test_sugg_5_lead_and_assisting_units(register, city):
    suggestion = register()
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0],
                               assisting=[city["units"][1]], now=at("2026-03-31"))
    assisting = Assignment.objects.get(case=suggestion.case, role=case_rules.ASSISTING)
    assert assisting.due_on == date(2026, 4, 30)
    services.reply_to_suggestion(by=city["clerks"][1], assignment=assisting, body="会办意见：同意。",
                                 now=at("2026-04-20"))
    assert Notification.objects.filter(recipient=city["clerks"][0], action="suggestion.reply").exists()
    answer(city, lead(suggestion))
    suggestion.case.refresh_from_db()
    assert suggestion.case.status == case_rules.REPLIED


def test_sugg_6_c_class_reply_needs_a_reason(register, city):
    from core.errors import ValidationFailed

    suggestion = register()
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    with pytest.raises(ValidationFailed):
        answer(city, lead(suggestion), reply_class="C")
    reply = answer(city, lead(suggestion), reply_class="C", class_reason="受财力限制，列入明年计划")
    assert reply.reply_class == "C"


def test_sugg_6_a_citys_own_reply_classes(register, city):
    """SUGG-6: the class list is configurable; with A/B/C, D is refused and C needs a reason."""
    from core.errors import ValidationFailed

    city["congress"].parameters = {"reply_classes": ["A", "B", "C"]}
    city["congress"].save()
    suggestion = register()
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    with pytest.raises(ValidationFailed) as refused:
        answer(city, lead(suggestion), reply_class="D", class_reason="参考")
    assert "reply_class" in refused.value.details
    assert answer(city, lead(suggestion), reply_class="C", class_reason="以后解决").reply_class == "C"


def test_sugg_7_a_citys_own_satisfaction_scale(register, city):
    """SUGG-7: the scale is configurable; its last value asks for re-handling."""
    city["congress"].parameters = {"satisfaction_scale": ["very_satisfied", "satisfied", "not_satisfied"]}
    city["congress"].save()
    suggestion = register()
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    services.rate_suggestion_reply(by=city["deputies"][0].user, reply=answer(city, lead(suggestion)),
                                   satisfaction="not_satisfied", comment="未说明何时解决", now=at("2026-06-01"))
    suggestion.case.refresh_from_db()
    assert suggestion.case.status == case_rules.REHANDLING
    assert selectors.satisfaction_choices(city["congress"])[0][0] == "very_satisfied"


def test_sugg_7_dissatisfied_re_handled_then_closed(register, city):
    suggestion = register()
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    first = answer(city, lead(suggestion))
    services.rate_suggestion_reply(by=city["deputies"][0].user, reply=first, satisfaction="dissatisfied",
                                   comment="未解决", now=at("2026-07-03"))
    suggestion.case.refresh_from_db()
    assert suggestion.case.status == case_rules.REHANDLING
    assert lead(suggestion, 2).due_on == date(2026, 8, 3)
    second = answer(city, lead(suggestion, 2), day="2026-07-28")
    services.rate_suggestion_reply(by=city["deputies"][0].user, reply=second, satisfaction="basically_satisfied")
    suggestion.case.refresh_from_db()
    assert suggestion.case.status == case_rules.CLOSED
    assert selectors.display_status(suggestion) == case_rules.CLOSED


def test_sugg_7_a_cosigner_receives_the_reply_but_the_filer_rates(register, city):
    suggestion = register(cosigners=[1])
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    reply = answer(city, lead(suggestion))
    assert Notification.objects.filter(recipient=city["deputies"][1].user, action="suggestion.reply").exists()
    with pytest.raises(NotAllowed):
        services.rate_suggestion_reply(by=city["deputies"][1].user, reply=reply, satisfaction="satisfied")
    with pytest.raises(NotAllowed):
        services.rate_suggestion_reply(by=city["deputies"][2].user, reply=reply, satisfaction="satisfied")
    services.rate_suggestion_reply(by=city["deputies"][0].user, reply=reply, satisfaction="satisfied")
    suggestion.case.refresh_from_db()
    assert suggestion.case.status == case_rules.CLOSED


def test_sugg_9_key_supervision(register, city):
    suggestion = register()
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0], now=at("2026-03-31"))
    services.supervise_suggestion(by=city["staff"], suggestion=suggestion, note="主任会议确定")
    suggestion.case.refresh_from_db()
    assert suggestion.case.is_key_supervised is True
    assert Notification.objects.filter(recipient=city["clerks"][0], action="suggestion.supervise").exists()
    assert list(selectors.suggestions_for(city["staff"], key_supervised=True)) == [suggestion]
    with pytest.raises(NotAllowed):
        services.supervise_suggestion(by=city["deputies"][0].user, suggestion=suggestion)


def test_sugg_11_merged_suggestions_each_filer_still_receives_a_reply(register, city):
    target = register(index=0, subject="学校门前交通安全")
    source = register(index=1, cosigners=[2], subject="学校门口交通安全")
    services.assign_suggestion(by=city["staff"], suggestion=target, lead=city["units"][0], now=at("2026-03-31"))
    services.merge_suggestions(by=city["staff"], target=target, sources=[source], note="内容相同")
    source.refresh_from_db()
    assert selectors.handling_case(source) == target.case
    owed = {r.deputy for r in Recipient.objects.filter(case=target.case, owed_reply=True, withdrawn_at__isnull=True)}
    assert owed == set(city["deputies"][:3])
    reply = answer(city, lead(target))
    for deputy in city["deputies"][:3]:
        assert Notification.objects.filter(recipient=deputy.user, action="suggestion.reply").exists()
    # The clerk handling the target now sees the merged suggestion too.
    assert set(selectors.suggestions_for(city["clerks"][0])) == {target, source}
    # Both filers rate; the case closes only then.
    services.rate_suggestion_reply(by=city["deputies"][0].user, reply=reply, satisfaction="satisfied")
    target.case.refresh_from_db()
    assert target.case.status == case_rules.REPLIED
    services.rate_suggestion_reply(by=city["deputies"][1].user, reply=reply, satisfaction="satisfied")
    target.case.refresh_from_db()
    assert target.case.status == case_rules.CLOSED


def test_sugg_11_a_merged_filer_withdraws_without_ending_the_others_case(register, city):
    target, source = register(index=0), register(index=1, subject="相同内容")
    services.merge_suggestions(by=city["staff"], target=target, sources=[source])
    services.withdraw_suggestion(by=city["deputies"][1].user, suggestion=source)
    source.refresh_from_db()
    target.case.refresh_from_db()
    assert source.status == Suggestion.Status.WITHDRAWN
    assert target.case.status == case_rules.REGISTERED


# --- SUGG-8 / SEC-6: the report -----------------------------------------------------------------


def test_sugg_8_report_to_the_next_session_has_figures_and_no_personal_data(register, city, content):
    suggestion = register(subject="张三反映学校门前积水，电话13912345678")
    services.assign_suggestion(by=city["staff"], suggestion=suggestion, lead=city["units"][0],
                               assisting=[city["units"][1]], now=at("2026-03-31"))
    services.rate_suggestion_reply(by=city["deputies"][0].user, reply=answer(city, lead(suggestion), reply_class="B"),
                                   satisfaction="satisfied")
    other = register(index=1, subject="另一件")
    services.assign_suggestion(by=city["staff"], suggestion=other, lead=city["units"][2], now=at("2026-03-31"))
    draft = services.create_draft(by=city["deputies"][2].user, subject="草稿", content=content)
    declined = services.create_draft(by=city["deputies"][3].user, subject="不予立案", content=content)
    services.submit_suggestion(by=city["deputies"][3].user, suggestion=declined)
    services.decline_suggestion(by=city["staff"], suggestion=declined, reason="outside_powers")
    report = services.prepare_handling_report(by=city["staff"], term=city["term"], title="建议办理情况的报告",
                                              now=at("2026-07-10"))
    data = report.data
    assert data["totals"]["suggestions"] == 3 and data["totals"]["registered"] == 2
    assert data["totals"]["declined"] == 1
    units = {u["unit"]: u for u in data["units"]}
    assert units[city["units"][0].name]["reply_classes"] == {"B": 1}
    assert units[city["units"][0].name]["satisfaction"] == {"satisfied": 1}
    assert units[city["units"][1].name]["assisting"] == 1
    assert units[city["units"][2].name]["overdue"] == 1
    published_text = json.dumps(data, ensure_ascii=False)
    for secret in ("13912345678", "张三", "李四", "王五", "赵六", draft.subject):
        assert secret not in published_text
    assert "张某" in published_text
    assert AuditEntry.objects.filter(action="suggestion.report").exists()
    services.publish_handling_report(by=city["staff"], report=report)
    assert list(selectors.published_reports()) == [report]
    with pytest.raises(NotAllowed):
        services.prepare_handling_report(by=city["deputies"][0].user, term=city["term"])
