"""proposals.bill_rules: the law of bills (BILL-1..6) and interpellations (RES-2), pure."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workcalendar.rules import LEGAL_ZONE
from proposals import bill_rules as rules


def test_bill_1_nine_signers_are_not_enough_ten_are():
    """BILL-1 / TIME-7: "十人以上" includes 10; a motion signed by 9 is a suggestion at most."""
    minimum = rules.min_bill_signers({"bill_min_deputies": 10})
    assert rules.enough_signers(10, minimum) is True
    assert rules.enough_signers(9, minimum) is False


def test_bill_1_a_single_deputy_cannot_file_alone():
    assert rules.enough_signers(1, rules.min_bill_signers({})) is False


def test_bill_1_the_three_parts_are_required():
    assert rules.missing_bill_parts(subject="案由", grounds="案据", proposal="方案") == []
    assert rules.missing_bill_parts(subject=" ", grounds="", proposal="方案") == ["subject", "grounds"]


def test_bill_1_organs_and_deputies_may_file():
    assert set(rules.FILER_KINDS) == {"presidium", "standing_committee", "special_committee", "government",
                                      "deputies"}
    assert rules.is_organ_filer("government") is True
    assert rules.is_organ_filer("deputies") is False


def test_bill_1_filed_during_the_session_both_ends_included():
    span = {"starts_on": date(2026, 1, 20), "ends_on": date(2026, 1, 23)}
    assert rules.during_session(date(2026, 1, 20), **span) is True
    assert rules.during_session(date(2026, 1, 23), **span) is True
    assert rules.during_session(date(2026, 1, 24), **span) is False
    assert rules.during_session(date(2026, 1, 19), **span) is False


def test_bill_2_an_organs_bill_is_always_put_to_the_plenary():
    assert rules.decisions_for("government") == ("on_agenda",)


def test_bill_3_a_deputies_bill_is_placed_on_the_agenda_or_not():
    assert rules.decisions_for("deputies") == ("on_agenda", "not_on_agenda")


def test_bill_3_states():
    """BILL-3: filed → (referred) → on_agenda | not_on_agenda; on_agenda → adopted | rejected | withdrawn."""
    assert rules.bill_can("refer", "filed") and not rules.bill_can("refer", "referred")
    assert rules.bill_can("decide", "filed") and rules.bill_can("decide", "referred")
    assert not rules.bill_can("decide", "on_agenda")
    assert rules.decision_needs_advice("referred") and not rules.decision_needs_advice("filed")
    for action in ("record_result", "withdraw", "request_withdrawal"):
        assert rules.bill_can(action, "on_agenda")
        assert not any(rules.bill_can(action, state) for state in ("adopted", "rejected", "withdrawn",
                                                                   "not_on_agenda", "filed"))


def test_bill_4_default_converts_to_a_suggestion_and_the_other_value_keeps_it():
    assert rules.unplaced_handling({}) == "convert_to_suggestion"
    assert rules.unplaced_handling({"unplaced_bill_handling": "standing_committee"}) == "standing_committee"
    assert rules.suggestion_content(grounds="案据", proposal="方案") == "案据\n\n方案"


def test_bill_5_withdrawal_only_on_the_agenda_before_the_vote():
    assert rules.bill_can("withdraw", "on_agenda") is True
    assert rules.bill_can("withdraw", "adopted") is False
    assert rules.bill_can("request_withdrawal", "filed") is False


def test_bill_6_a_day_deadline_runs_to_midnight_a_timed_one_to_its_minute():
    day = rules.parse_bill_deadline("2026-01-21")
    assert rules.before_bill_deadline(datetime(2026, 1, 21, 23, 59, tzinfo=LEGAL_ZONE), day) is True
    assert rules.before_bill_deadline(datetime(2026, 1, 22, 0, 0, tzinfo=LEGAL_ZONE), day) is False
    timed = rules.parse_bill_deadline("2026-01-21 18:00")
    assert rules.before_bill_deadline(datetime(2026, 1, 21, 18, 0, tzinfo=LEGAL_ZONE), timed) is True
    assert rules.before_bill_deadline(datetime(2026, 1, 21, 18, 1, tzinfo=LEGAL_ZONE), timed) is False


def test_bill_6_no_deadline_means_always_in_time_and_a_garbled_one_is_refused():
    assert rules.parse_bill_deadline("") is None
    assert rules.before_bill_deadline(datetime(2030, 1, 1, tzinfo=LEGAL_ZONE), None) is True
    with pytest.raises(rules.DeadlineUnreadable):
        rules.parse_bill_deadline("next Tuesday")


def test_bill_6_the_deadline_binds_deputies_bills():
    assert rules.deadline_applies("deputies") is True
    assert rules.deadline_applies("government") is False


def test_res_2_twelve_signers_six_dissatisfied_may_demand_five_may_not():
    """RES-2 / TIME-7: "半数以上" includes half."""
    assert rules.may_demand_further_reply(signers=12, dissatisfied=6) is True
    assert rules.may_demand_further_reply(signers=12, dissatisfied=5) is False


def test_res_2_one_further_reply_only():
    assert rules.further_reply_possible(round_number=1, signers=12, dissatisfied=12) is True
    assert rules.further_reply_possible(round_number=2, signers=12, dissatisfied=12) is False


def test_res_2_nine_signers_are_not_enough():
    minimum = rules.min_interpellation_signers({"interpellation_min_deputies": 10})
    assert rules.enough_signers(9, minimum) is False
    assert rules.enough_signers(10, minimum) is True


def test_res_2_targets_and_parts():
    assert rules.may_be_interpellated("government") and rules.may_be_interpellated("state_organ")
    assert not rules.may_be_interpellated("district")
    assert rules.missing_interpellation_parts(target=None, question="", content="内容") == ["target", "question"]


def test_res_2_organs_of_a_district_or_county_are_not_interpellated():
    """RES-2: (id, parent, kind, district). The city government (1) and its department (2),
    the court (3) may be; the district government (4), its department (5) and a sub-unit of
    it (6), and a court of the district (7) may not."""
    units = [
        (1, None, "government", None), (2, 1, "government", None), (3, None, "state_organ", None),
        (4, 1, "district", 10), (5, 4, "government", 10), (6, 5, "government", None),
        (7, None, "state_organ", 10), (8, None, "enterprise", None),
    ]
    assert rules.interpellable_units(units) == {1, 2, 3}
    assert rules.may_be_interpellated("government", local=True) is False


def test_res_2_oral_and_written_forms():
    assert [rules.is_oral(f) for f in rules.REPLY_FORMS] == [True, True, True, False]


def test_res_2_the_last_value_of_the_scale_is_dissatisfied():
    scale = ["satisfied", "basically_satisfied", "dissatisfied"]
    assert rules.count_dissatisfied(["dissatisfied", "satisfied", "dissatisfied"], scale) == 2


@given(signers=st.integers(min_value=1, max_value=3000), dissatisfied=st.integers(min_value=0, max_value=3000))
def test_time_7_half_or_more_matches_exact_arithmetic(signers, dissatisfied):
    dissatisfied = min(dissatisfied, signers)
    assert rules.may_demand_further_reply(signers=signers, dissatisfied=dissatisfied) is (
        2 * dissatisfied >= signers
    )
