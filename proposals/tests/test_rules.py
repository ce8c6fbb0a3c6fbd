"""proposals.rules: SUGG-1, 3, 4, 5, 7, 10, 11, BILL-4 and the SEC-6 scrubber, without a database."""

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from casework.rules import DAYS, MONTHS, due_date
from core.organisation.rules import defaults_for
from core.workcalendar.source import LayeredCalendar
from proposals import rules

PARAMS = defaults_for("city")
CAL = LayeredCalendar.build()


# --- SUGG-1 -------------------------------------------------------------------------------------


def test_sugg_1_any_deputy_in_office_may_file_alone():
    assert rules.may_file(in_office=True) is True
    assert rules.may_file(in_office=False) is False


def test_sugg_1_a_suggestion_must_be_specific():
    assert rules.check_content("") == "required"
    assert rules.check_content("修路") == "too_short"
    assert rules.check_content("建议在测试市第一中学门前增设人行横道和信号灯，保障学生安全。") is None
    assert rules.check_subject("") == "required"
    assert rules.check_subject("路" * 201) == "too_long"


def test_sugg_1_filed_during_a_session_or_between_sessions():
    sessions = [("5th", date(2026, 1, 20), date(2026, 1, 23))]
    assert rules.session_at(date(2026, 1, 20), sessions) == "5th"
    assert rules.session_at(date(2026, 1, 23), sessions) == "5th"
    assert rules.session_at(date(2026, 1, 24), sessions) is None


# --- SUGG-3/4/5/7: the periods from the congress's parameters -----------------------------------


def test_sugg_3_three_months_by_default():
    period = rules.reply_period(PARAMS)
    assert (period.unit, period.count, period.rule) == (MONTHS, 3, "SUGG-3")
    assert due_date(date(2026, 3, 31), period, CAL).date == date(2026, 6, 30)
    assert due_date(date(2026, 7, 1), period, CAL).date == date(2026, 10, 8)


def test_sugg_4_six_months_once_approved_and_approval_needed_by_default():
    assert (rules.extended_period(PARAMS).unit, rules.extended_period(PARAMS).count) == (MONTHS, 6)
    assert rules.extension_needs_approval(PARAMS) is True


def test_sugg_5_assisting_unit_days_are_calendar_days():
    period = rules.assisting_period(PARAMS)
    assert (period.unit, period.count) == (DAYS, 30)
    assert rules.assisting_period({**PARAMS, "assisting_unit_days": 15}).count == 15


def test_sugg_7_rehandle_months():
    assert (rules.rehandle_period(PARAMS).unit, rules.rehandle_period(PARAMS).count) == (MONTHS, 1)


# --- SUGG-10 ------------------------------------------------------------------------------------


def test_sugg_10_the_default_exclusions_all_have_labels():
    for code in PARAMS["sugg_exclusions"]:
        assert rules.exclusion_label(code) != code
        assert rules.is_exclusion(code, PARAMS["sugg_exclusions"])
    assert not rules.is_exclusion("i_do_not_like_it", PARAMS["sugg_exclusions"])
    assert rules.exclusion_label("city_own_reason") == "city_own_reason"


# --- SUGG-11 ------------------------------------------------------------------------------------


def test_sugg_11_joint_reply_to_all():
    plan = rules.recipients_for(filer="张", cosigners=["李", "王"], joint_reply_to="all")
    assert [(p.deputy, p.is_lead, p.owed_reply) for p in plan] == [("张", True, True), ("李", False, True),
                                                                    ("王", False, True)]


def test_sugg_11_joint_reply_to_the_lead_with_copies():
    plan = rules.recipients_for(filer="张", cosigners=["李", "张"], joint_reply_to="lead")
    assert [(p.deputy, p.is_lead, p.owed_reply) for p in plan] == [("张", True, True), ("李", False, False)]


# --- BILL-4 ------------------------------------------------------------------------------------


def test_bill_4_unplaced_bills_become_suggestions_by_default():
    assert rules.bill_becomes_suggestion(PARAMS) is True
    assert rules.bill_becomes_suggestion({**PARAMS, "unplaced_bill_handling": "standing_committee"}) is False


# --- SEC-6: the scrubber ------------------------------------------------------------------------


def test_sec_6_scrub_removes_phones_ids_emails_and_names():
    text = "张三代表（13912345678，0352-1234567，zhang@example.org，身份证140202198001011234）反映李四家门前积水"
    scrubbed = rules.scrub(text, names=["张三", "李四"])
    for secret in ("13912345678", "0352-1234567", "zhang@example.org", "140202198001011234", "张三", "李四"):
        assert secret not in scrubbed
    assert "张某" in scrubbed and "李某" in scrubbed and "积水" in scrubbed


def test_sec_6_scrub_keeps_ordinary_numbers():
    assert rules.scrub("建议新建3所学校，投资2000万元") == "建议新建3所学校，投资2000万元"


@given(
    prefix=st.text(alphabet="道路学校积水，。 ", max_size=10),
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    suffix=st.text(alphabet="道路学校积水，。 ", max_size=10),
)
def test_sec_6_no_mobile_number_survives(prefix, mobile, suffix):
    assert not re.search(r"1[3-9]\d{9}", rules.scrub(prefix + mobile + suffix))


def test_sugg_10_only_the_filer_withdraws_without_noting_a_written_request():
    assert rules.withdrawal_needs_request_note(by_filer=True) is False
    assert rules.withdrawal_needs_request_note(by_filer=False) is True
