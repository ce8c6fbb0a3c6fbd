"""Quorum (SESS-1), adoption on a majority of all deputies (SESS-4, RES-1), joint filing."""

import datetime

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


def test_elec_19_336_deputies_30_signed_4_more_needed():
    assert rules.signatures_still_needed(rules.signatures_needed("recall", 336), 30) == 4
    assert rules.signatures_still_needed(34, 40) == 0


@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_elec_19_enough_signers_exactly_when_none_still_needed(all_deputies, signed):
    needed = rules.signatures_needed("recall", all_deputies)
    still = rules.signatures_still_needed(needed, signed)
    assert still >= 0
    assert (still == 0) is (signed >= needed)
    assert signed + still >= needed


def test_elec_19_signatures_change_on_a_joint_draft_until_the_session_ends():
    last_day = datetime.date(2026, 1, 22)
    collects = rules.collects_signatures
    assert collects(filed_by="deputies", status="draft", today=last_day, session_ends_on=last_day) is True
    assert collects(
        filed_by="deputies", status="draft", today=last_day + datetime.timedelta(days=1), session_ends_on=last_day
    ) is False
    assert collects(filed_by="deputies", status="submitted", today=last_day, session_ends_on=last_day) is False
    assert collects(filed_by="presidium", status="draft", today=last_day, session_ends_on=last_day) is False
