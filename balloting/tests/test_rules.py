"""Pure helpers of the double entry and ballot reading (ELEC-10, ELEC-12)."""

from hypothesis import given
from hypothesis import strategies as st

from balloting import rules
from balloting.rules import ABSTAIN, AGAINST, FOR, UNCLEAR

KEYS = ["c1", "c2", "c3"]
marks = st.dictionaries(st.sampled_from(KEYS), st.sampled_from([FOR, AGAINST, ABSTAIN, UNCLEAR]))
names = st.lists(st.sampled_from(["丁", " 丁", "戊", ""]), max_size=3)


def test_a_blank_reads_as_an_abstention():
    assert rules.normalise_reading({}, [], keys=KEYS) == rules.normalise_reading(
        {"c1": ABSTAIN, "c2": ABSTAIN, "c3": ABSTAIN}, [], keys=KEYS
    )


def test_differences_name_the_lines_that_differ():
    first = rules.normalise_reading({"c1": FOR}, ["丁"], keys=KEYS)
    second = rules.normalise_reading({"c1": AGAINST}, [], keys=KEYS)
    assert rules.reading_differences(first, second) == ("c1", "write_ins")


@given(marks, names, marks, names)
def test_readings_differ_symmetrically_and_never_from_themselves(m1, w1, m2, w2):
    a = rules.normalise_reading(m1, w1, keys=KEYS)
    b = rules.normalise_reading(m2, w2, keys=KEYS)
    assert rules.reading_differences(a, a) == ()
    assert set(rules.reading_differences(a, b)) == set(rules.reading_differences(b, a))


def test_elec_12_chosen_counts_for_marks_and_write_ins():
    """ELEC-12: AGAINST and ABSTAIN are not choices; write-ins are."""
    assert rules.chosen_count({"c1": FOR, "c2": FOR, "c3": AGAINST}, []) == 2
    assert rules.chosen_count({"c1": FOR, "c2": FOR}, ["丁"]) == 3


def test_elec_10_ineligible_write_ins_are_left_out():
    ballot = rules.Ballot(marks={"c1": FOR}, write_ins=("代表甲", "路人"))
    kept, dropped = rules.drop_ineligible_write_ins(ballot, eligible=frozenset({"代表甲"}))
    assert (kept.write_ins, dropped) == (("代表甲",), 1)
    kept, dropped = rules.drop_ineligible_write_ins(ballot, eligible=None, allowed=False)
    assert (kept.write_ins, dropped) == ((), 2)
    kept, dropped = rules.drop_ineligible_write_ins(ballot, eligible=None)
    assert (kept, dropped) == (ballot, 0)
