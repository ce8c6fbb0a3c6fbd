"""Quorum (SESS-1), adoption on a majority of all deputies (SESS-4, RES-1), joint filing."""

from hypothesis import given
from hypothesis import strategies as st

from plenary import rules


def test_sess_1_500_deputies_334_may_sit_333_may_not():
    assert rules.quorum_needed(500) == 334
    assert rules.has_quorum(334, 500) is True
    assert rules.has_quorum(333, 500) is False


@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_sess_1_quorum_is_exactly_two_thirds_or_more(all_deputies, present):
    assert rules.has_quorum(present, all_deputies) is (3 * present >= 2 * all_deputies)
    assert rules.has_quorum(rules.quorum_needed(all_deputies), all_deputies) is True
    assert rules.has_quorum(rules.quorum_needed(all_deputies) - 1, all_deputies) is False


def test_sess_4_250_for_of_500_fails_whatever_the_others():
    """SESS-4: 470 present, 250 FOR, 150 AGAINST, 70 ABSTAIN → fails."""
    assert rules.is_adopted(250, 500) is False


def test_res_1_251_for_of_500_adopts():
    assert rules.is_adopted(251, 500) is True


def test_elec_19_a_recall_motion_needs_a_tenth_of_all_deputies():
    """ELEC-19: 500 deputies → 50 co-signers; RES-4 the same for an investigation committee."""
    assert rules.signatures_needed("recall", 500) == 50
    assert rules.signatures_needed("investigation_committee", 500) == 50
    assert rules.signatures_needed("recall", 336) == 34


def test_elec_19_a_secret_recall_is_never_a_show_of_hands():
    assert rules.voting_method("recall", {"vote_method": "hands", "recall_secret": True}) == ("paper", True)
    assert rules.voting_method("recall", {"vote_method": "hands", "recall_secret": False}) == ("hands", False)
    assert rules.voting_method("resolution", {"vote_method": "electronic"}) == ("electronic", False)
