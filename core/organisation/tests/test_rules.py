"""The parameter registry of rules.md §11: national defaults, per-level defaults, and values
refused outside the limits of the law."""

from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.organisation import rules
from core.organisation.rules import Context, ParameterError

CITY = Context(level="city", population=3_000_000)


@pytest.mark.parametrize(
    ("size", "population", "allowed"),
    [(28, 3_000_000, False), (29, 3_000_000, True), (51, 3_000_000, True), (52, 3_000_000, False),
     (61, 8_000_001, True), (62, 8_000_001, False), (52, 8_000_000, False)],
)
def test_elec_2_standing_committee_size_bounds(size, population, allowed):
    """ELEC-2: 29 to 51 members for a 设区的市; up to 61 only above ("超过") 8 million people."""
    if allowed:
        rules.validate_sc_size(size, level="city", population=population)
    else:
        with pytest.raises(ParameterError) as caught:
            rules.validate_sc_size(size, level="city", population=population)
        assert "ELEC-2" in caught.value.message


def test_elec_2_an_unknown_population_gets_the_ordinary_cap():
    assert rules.sc_size_bounds("city", None) == (29, 51)


@pytest.mark.parametrize(("level", "figure"), [("city", 20), ("province", 30), ("county", 10)])
def test_elec_4_nomination_figure_by_level(level, figure):
    """ELEC-4: 20 deputies for a city, 30 for a province, 10 for a county."""
    values = rules.effective_parameters(SimpleNamespace(level=level, parameters={}))
    assert values["nomination_min_deputies"] == figure
    assert rules.validate_parameter("nomination_min_deputies", figure, context=Context(level=level)) == figure


def test_elec_4_the_county_figure_is_refused_for_a_city():
    """ELEC-4: "≥10" is the county figure and is not correct for a city."""
    with pytest.raises(ParameterError) as caught:
        rules.validate_parameter("nomination_min_deputies", 10, context=CITY)
    assert "20" in caught.value.message and "ELEC-4" in caught.value.message


def test_sess_1_the_quorum_is_fixed_by_law():
    with pytest.raises(ParameterError):
        rules.validate_parameter("quorum_fraction", "1/2", context=CITY)
    assert rules.validate_parameter("quorum_fraction", "4/6", context=CITY) == "2/3"


@pytest.mark.parametrize(
    ("key", "value"),
    [("margin_deputy_office", 4), ("margin_single_office", 2), ("sugg_reply_months", 4),
     ("xf_decide_days", 61), ("draft_comment_min_days", 29), ("deliberation_min_days", 1),
     ("all_deputies_basis", "present"), ("msg_limits", {"help": -1}), ("reply_classes", [])],
)
def test_values_outside_the_law_are_refused_with_a_reason(key, value):
    with pytest.raises(ParameterError) as caught:
        rules.validate_parameter(key, value, context=CITY)
    assert caught.value.message


def test_values_are_normalised_for_storage():
    assert rules.validate_parameter("sugg_reply_months", "2", context=CITY) == 2
    assert rules.validate_parameter("recall_secret", "否", context=CITY) is False
    assert rules.validate_parameter("reply_classes", "A, B、C", context=CITY) == ["A", "B", "C"]
    assert rules.validate_parameter("msg_limits", {"help": "5"}, context=CITY) == {"help": 5}
    assert rules.validate_parameter("proj_dissatisfied_threshold", "2/4", context=CITY) == "1/2"


def test_an_unknown_parameter_is_refused():
    cleaned, errors = rules.validate_parameters({"no_such_thing": 1}, context=CITY)
    assert cleaned == {} and "no_such_thing" in errors


def test_sugg_3_the_extended_period_cannot_be_the_shorter():
    _, errors = rules.validate_parameters({"sugg_reply_months": 3, "sugg_reply_months_extended": 2}, context=CITY)
    assert "sugg_reply_months_extended" in errors


def test_a_session_may_only_set_session_rules():
    _, errors = rules.validate_parameters({"vote_method": "paper"}, context=CITY, scope=rules.SESSION)
    assert errors == {}
    _, errors = rules.validate_parameters({"sugg_reply_months": 2}, context=CITY, scope=rules.SESSION)
    assert "sugg_reply_months" in errors


def test_effective_parameters_merge_defaults_congress_and_session():
    congress = SimpleNamespace(level="county", parameters={"sugg_reply_months": 2, "vote_method": "hands"})
    session = SimpleNamespace(parameters={"vote_method": "paper"})
    values = rules.effective_parameters(congress, session)
    assert values["nomination_min_deputies"] == 10
    assert values["sugg_reply_months"] == 2
    assert values["vote_method"] == "paper"
    assert values["quorum_fraction"] == "2/3"
    assert rules.effective_parameters(congress)["vote_method"] == "hands"


def test_every_parameter_cites_a_rule_and_its_default_is_lawful():
    for p in rules.PARAMETERS:
        assert p.rules, p.key
        for level in rules.LEVELS:
            default = p.default_for(level)
            if default is not None and p.kind != rules.TABLE:
                rules.validate_parameter(p.key, default, context=Context(level=level))


def test_time_7_thresholds_use_integer_arithmetic():
    """TIME-7 examples: 500 deputies → 334 for two-thirds, 50 for one-tenth."""
    values = rules.defaults_for("city")
    assert rules.quorum(500, values) == 334
    assert rules.recall_motion_min(500, values) == 50
    assert rules.extra_session_min(500, values) == 100


@given(st.integers(min_value=0, max_value=10_000), st.integers(1, 20), st.integers(1, 20))
def test_at_least_fraction_is_the_smallest_count_reaching_the_share(total, numerator, denominator):
    share = Fraction(numerator, denominator)
    needed = rules.at_least_fraction(total, share)
    assert needed >= total * share
    assert needed - 1 < total * share
