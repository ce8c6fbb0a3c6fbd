"""voices.rules: the law of citizens' messages, with the examples of rules.md."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.rules import DAYS, WORKING_DAYS, Period
from core.organisation.rules import defaults_for
from core.workcalendar.source import LayeredCalendar
from voices import rules

CAL = LayeredCalendar.build([], [])
PARAMS = defaults_for("city")


def due(start, period):
    return rules.handling_due(start, period, PARAMS, CAL)


# --- MSG-3 / MSG-6 / TIME-* deadlines -------------------------------------------------------------


@pytest.mark.parametrize(("nature", "days"), [("consultation", 2), ("help", 10), ("suggestion", 10),
                                              ("complaint", 15), ("report", 15)])
def test_msg_3_hotline_limits_by_nature_in_working_days(nature, days):
    assert rules.reply_period(PARAMS, regime="hotline", nature=nature) == Period(WORKING_DAYS, days, "MSG-3")


def test_msg_3_urgent_hotline_order_is_due_the_same_day():
    period = rules.reply_period(PARAMS, regime="hotline", nature="help", is_urgent=True)
    assert period == Period(WORKING_DAYS, 0, "MSG-3")
    assert due(date(2026, 3, 4), period) == date(2026, 3, 4)


def test_msg_3_time_4_example_five_working_days_over_spring_festival():
    """TIME-4: received Thu 2026-02-12, 5 working days → 2026-02-26 (02-14 is a make-up day)."""
    params = PARAMS | {"msg_limits": {**PARAMS["msg_limits"], "help": 5}}
    period = rules.reply_period(params, regime="hotline", nature="help")
    assert due(date(2026, 2, 12), period) == date(2026, 2, 26)


def test_msg_3_configured_limits_win_and_missing_natures_fall_back():
    params = PARAMS | {"msg_limits": {"help": 3}}
    assert rules.hotline_limit_wd(params, "help") == 3
    assert rules.hotline_limit_wd(params, "consultation") == 2
    assert rules.hotline_limit_wd(params | {"msg_limits": {"report": 7}}, "report") == 7


def test_msg_6_petition_sixty_calendar_days_rolled_past_labour_day():
    """MSG-6 example: accepted 2026-03-02 → day 60 is 2026-05-01 (holiday) → 2026-05-06 (TIME-3)."""
    period = rules.reply_period(PARAMS, regime="petition", nature="complaint")
    assert period == Period(DAYS, 60, "MSG-6")
    assert due(date(2026, 3, 2), period) == date(2026, 5, 6)


def test_msg_6_petition_acceptance_within_fifteen_days():
    assert rules.acceptance_period(PARAMS) == Period(DAYS, 15, "MSG-6")
    # 2026-03-02 + 15 days = 2026-03-17, a Tuesday.
    assert rules.acceptance_due(date(2026, 3, 2), PARAMS, CAL) == date(2026, 3, 17)


def test_msg_6_a_acceptance_due_rolls_past_a_sunday():
    """MSG-6(a), TIME-2/3: received Sat 2026-10-24 → day 15 is Sunday 2026-11-08 → 2026-11-09."""
    deadline = rules.acceptance_deadline(date(2026, 10, 24), PARAMS, CAL)
    assert (deadline.date, deadline.provisional) == (date(2026, 11, 9), False)
    assert rules.acceptance_due(date(2026, 10, 24), PARAMS, CAL) == date(2026, 11, 9)


def test_msg_6_a_acceptance_due_rolls_past_the_national_day_holiday():
    """Received 2026-09-16 → day 15 is 2026-10-01, inside the 10-01…07 holiday → 2026-10-08."""
    assert rules.acceptance_due(date(2026, 9, 16), PARAMS, CAL) == date(2026, 10, 8)


def test_msg_6_a_acceptance_period_is_the_configured_xf_ack_days():
    params = PARAMS | {"xf_ack_days": 10}
    assert rules.acceptance_period(params) == Period(DAYS, 10, "MSG-6")
    assert rules.acceptance_due(date(2026, 3, 2), params, CAL) == date(2026, 3, 12)


def test_msg_6_a_acceptance_due_in_a_year_without_a_schedule_is_provisional():
    """TIME-4: chinese-calendar 1.11.0 stops at 2026; a 2027 date is only provisional."""
    assert rules.acceptance_deadline(date(2027, 3, 1), PARAMS, CAL).provisional is True


@pytest.mark.parametrize(("regime", "status", "merged", "awaits"), [
    ("petition", "received", False, True),
    ("petition", "accepted", False, False),  # decided: routed
    ("petition", "not_accepted", False, False),  # decided: not accepted (MSG-5)
    ("petition", "received", True, False),  # merged: the other message's decision answers it
    ("hotline", "received", False, False),  # MSG-3: 12345 limits run from routing
    ("deputy_voice", "received", False, False),  # no legal category, no acceptance period
])
def test_msg_6_a_only_a_received_petition_awaits_the_decision_to_accept(regime, status, merged, awaits):
    assert rules.awaits_acceptance(regime=regime, status=status, merged=merged) is awaits


def test_msg_6_a_the_tester_s_petition_is_overdue_34_days_after_receipt():
    """Received 2026-10-24, still received 34 days later (2026-11-27): overdue since 11-10."""
    through = rules.acceptance_overdue_through(date(2026, 11, 27), PARAMS, CAL)
    assert date(2026, 10, 24) <= through
    assert rules.acceptance_overdue_through(date(2026, 11, 9), PARAMS, CAL) < date(2026, 10, 24)
    assert rules.acceptance_overdue_through(date(2026, 11, 10), PARAMS, CAL) >= date(2026, 10, 24)


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
       st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 31)),
       st.integers(1, 15), st.booleans())
def test_msg_6_a_time_6_overdue_exactly_when_received_on_or_before_the_cut_off(received, today, days, weekends):
    """The list filters by receipt alone: a petition is overdue on `today` (its due date has
    passed, TIME-6) exactly when it was received on or before `acceptance_overdue_through`."""
    params = PARAMS | {"xf_ack_days": days, "weekend_is_rest_day": weekends}
    overdue = rules.acceptance_due(received, params, CAL) < today
    assert overdue is (received <= rules.acceptance_overdue_through(today, params, CAL))


def test_msg_6_extension_at_most_thirty_more_days_and_review_thirty_days():
    assert rules.extended_period(PARAMS, regime="petition") == Period(DAYS, 90, "MSG-6")
    assert rules.rehandle_period(PARAMS, regime="petition") == Period(DAYS, 30, "MSG-6")


def test_msg_3_extension_adds_msg_extension_max_wd():
    assert rules.extended_period(PARAMS, regime="hotline", nature="help") == Period(WORKING_DAYS, 20, "MSG-3")
    assert rules.rehandle_period(PARAMS, regime="hotline", nature="help") == Period(WORKING_DAYS, 10, "MSG-3")


def test_deputy_voice_period_is_configurable():
    assert rules.reply_period(PARAMS, regime="deputy_voice") == Period(WORKING_DAYS, 15, "practice")
    assert rules.reply_period(PARAMS | {"voice_reply_wd": 20}, regime="deputy_voice").count == 20


# --- MSG-5 ---------------------------------------------------------------------------------------------


def test_msg_5_refusal_needs_a_configured_ground_and_directions():
    grounds = PARAMS["msg_nonacceptance_grounds"]
    assert rules.check_nonacceptance("litigation_or_arbitration", "请向法院起诉", grounds) == {}
    assert rules.check_nonacceptance("dislike", "x", grounds) == {"reason": "unknown_ground"}
    assert rules.check_nonacceptance("lawfully_concluded", "  ", grounds) == {"note": "directions_required"}


# --- MSG-7 / SEC-15 / SEC-8 ------------------------------------------------------------------------------


def test_msg_7_report_never_routed_to_the_accused_unit():
    assert rules.routing_blocked_units(nature="report", accused_unit_id=5, unit_ids=[5, 6]) == [5]
    assert rules.routing_blocked_units(nature="report", accused_unit_id=5, unit_ids=[6]) == []
    assert rules.routing_blocked_units(nature="complaint", accused_unit_id=None, unit_ids=[5]) == []


def test_msg_7_sec_15_reporter_hidden_from_accused_unit_and_when_confidential():
    assert rules.identity_hidden_from_unit(nature="report", is_confidential=False, accused_unit_id=5, unit_id=5)
    assert not rules.identity_hidden_from_unit(nature="report", is_confidential=False, accused_unit_id=5, unit_id=6)
    assert rules.identity_hidden_from_unit(nature="help", is_confidential=True, accused_unit_id=None, unit_id=6)


def test_sec_8_mask_for_each_role():
    own = rules.mask_for(rules.Viewer("citizen", is_submitter=True))
    assert set(own.values()) == {rules.FULL}
    assert rules.mask_for(rules.Viewer("staff")) == dict.fromkeys(rules.PERSONAL_FIELDS, rules.MASKED)
    assert rules.mask_for(rules.Viewer("staff"), revealed=True)["phone"] == rules.FULL
    clerk = rules.mask_for(rules.Viewer("unit_clerk", unit_id=3))
    assert clerk == {"name": rules.MASKED, "phone": rules.MASKED, "id_number": rules.HIDDEN}
    assert set(rules.mask_for(rules.Viewer("unit_clerk", unit_id=3), nature="report",
                              accused_unit_id=3).values()) == {rules.HIDDEN}
    assert rules.mask_for(rules.Viewer("deputy")) == {"name": rules.MASKED, "phone": rules.HIDDEN,
                                                       "id_number": rules.HIDDEN}
    assert set(rules.mask_for(rules.Viewer("deputy"), is_confidential=True).values()) == {rules.HIDDEN}
    for role in ("public", "administrator", None, "citizen"):
        assert set(rules.mask_for(rules.Viewer(role)).values()) == {rules.HIDDEN}
    assert rules.mask_for(rules.Viewer("staff"), is_anonymous=True)["name"] == rules.HIDDEN


def test_sec_8_apply_mask():
    assert rules.apply_mask("phone", "13812341234", rules.MASKED) == "138****1234"
    assert rules.apply_mask("name", "张三丰", rules.MASKED) == "张**"
    assert rules.apply_mask("phone", "13812341234", rules.HIDDEN) == ""
    assert rules.apply_mask("phone", "13812341234", rules.FULL) == "13812341234"
    assert rules.may_reveal("staff") and not rules.may_reveal("unit_clerk")


# --- SEC-7 ----------------------------------------------------------------------------------------------


def test_sec_7_under_14_identifying_data_needs_guardian_consent():
    check = rules.check_minor
    assert check(age_band="under_14", guardian_consent=False, is_anonymous=False,
                 has_identifying_data=True) == "guardian_consent_required"
    assert check(age_band="under_14", guardian_consent=False, is_anonymous=True,
                 has_identifying_data=True) == "guardian_consent_required"
    assert check(age_band="under_14", guardian_consent=False, is_anonymous=True, has_identifying_data=False) is None
    assert check(age_band="under_14", guardian_consent=True, is_anonymous=False, has_identifying_data=True) is None
    assert check(age_band="14_17", guardian_consent=False, is_anonymous=False, has_identifying_data=True) is None


def test_sec_7_health_and_id_content_flagged_sensitive():
    assert "id_number" in rules.sensitive_reasons("我的身份证 11010519491231002X 被冒用")
    assert "health:住院" in rules.sensitive_reasons("母亲住院报销问题")
    assert rules.sensitive_reasons("路灯坏了") == []


# --- intake checks ----------------------------------------------------------------------------------------


def _intake(**kw):
    data = {"subject": "路灯", "body": "路灯坏了", "regime": "hotline", "nature": "help", "channel": "web",
            "age_band": ""}
    return rules.check_intake(data | kw)


def test_intake_checks():
    assert _intake() == {}
    assert _intake(subject="", body="")["subject"] == "required"
    assert _intake(subject="x" * 201)["subject"] == "too_long"
    assert _intake(regime="other")["regime"] == "choice"
    assert _intake(is_anonymous=True, name="张三")["name"] == "anonymous_named"
    assert _intake(accused_unit=3, nature="complaint")["accused_unit"] == "accused_not_report"  # MSG-7
    assert _intake(accused_unit=3, nature="report") == {}
    assert _intake(phone="12")["phone"] == "phone_invalid"
    assert _intake(phone="+86 138-1234-1234") == {}
    assert _intake(id_number="110105194912310021")["id_number"] == "id_number_invalid"
    assert _intake(id_number="11010519491231002X") == {}
    assert _intake(age_band="under_14", name="小明")["guardian_consent"] == "guardian_consent_required"
    assert _intake(consent_to_publish_name=True)["consent_to_publish_name"] == "publish_needs_name"
    # SEC-15 and SEC-6 asked for at once: keep me confidential, and name me when published.
    named = {"consent_to_publish_name": True, "name": "张三"}
    assert _intake(**named) == {}
    assert _intake(**named, is_confidential=True)["consent_to_publish_name"] == "confidential_named"
    assert _intake(regime="deputy_voice")["gathered_by_deputy"] == "voice_needs_gatherer"
    assert _intake(latitude=40.1)["latitude"] == "coordinates"
    assert _intake(latitude=95, longitude=10)["latitude"] == "coordinates"


# --- tracking numbers --------------------------------------------------------------------------------------


def test_tracking_number_format():
    number = rules.make_tracking_number(date(2026, 3, 2), "K7Q2ZD")
    assert number.startswith("M260302K7Q2ZD") and len(number) == 14
    assert rules.normalise_tracking_number(number) == number
    assert rules.display_tracking_number(number) == f"M260302-K7Q2ZD-{number[-1]}"


def test_tracking_number_tolerates_spaces_case_dashes_and_confusable_letters():
    number = rules.make_tracking_number(date(2026, 3, 2), "K7Q20D")
    typed = " m260302-k7q2od " + number[-1].lower()
    assert rules.normalise_tracking_number(typed) == number


def test_tracking_number_refuses_wrong_check_length_or_date():
    number = rules.make_tracking_number(date(2026, 3, 2), "K7Q2ZD")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert rules.normalise_tracking_number(wrong) is None
    assert rules.normalise_tracking_number(number[:-2]) is None
    assert rules.normalise_tracking_number("") is None
    bad_date = "M261332K7Q2ZD"
    assert rules.normalise_tracking_number(bad_date + rules.check_char(bad_date[1:])) is None


@given(st.text(alphabet=rules.ALPHABET, min_size=6, max_size=6), st.integers(0, 12), st.data())
def test_tracking_number_check_catches_any_single_change(random_part, position, data):
    number = rules.make_tracking_number(date(2026, 11, 25), random_part)
    index = 1 + position + 1 if position < 12 else 13
    index = min(index, 13)
    replacement = data.draw(st.sampled_from([c for c in rules.ALPHABET if c != number[index]]))
    changed = number[:index] + replacement + number[index + 1:]
    assert rules.normalise_tracking_number(changed) != number


def test_sec_10_unit_suggestion_from_category_unless_model_confident():
    assert rules.suggested_unit(category_unit_id=1, model_unit_id=2, model_confidence=0.9) == 2
    assert rules.suggested_unit(category_unit_id=1, model_unit_id=2, model_confidence=0.3) == 1
    assert rules.suggested_unit(category_unit_id=None, model_unit_id=2, model_confidence=0.1) == 2
    assert rules.suggested_unit(category_unit_id=1, model_unit_id=None, model_confidence=0.0) == 1


@pytest.mark.parametrize(("nature", "not_accepted", "taken_up", "refusal"), [
    ("help", False, False, None),
    ("report", False, False, "report"),  # MSG-7: never, whatever else holds
    ("report", True, True, "report"),
    ("complaint", False, True, "taken_up"),
    ("suggestion", True, False, "not_accepted"),
])
def test_msg_7_a_report_is_never_taken_up_and_a_message_only_once(nature, not_accepted, taken_up, refusal):
    assert rules.take_up_refusal(nature=nature, not_accepted=not_accepted, taken_up=taken_up) == refusal
