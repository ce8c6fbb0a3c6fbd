"""The offline count (`manage.py tally`) on the examples of rules.md."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from balloting.rules import majority_of_all
from elections.tally import tally

ROOT = Path(__file__).resolve().parents[2]


def ballots(*specs):
    """Build ballots from (count, marks, write_ins) triples."""
    out = []
    for count, marks, write_ins in specs:
        out += [{"marks": dict(marks), "write_ins": list(write_ins)} for _ in range(count)]
    return out


def by_name(result):
    return {r["name"]: r for r in result["results"]}


def test_sess_4_threshold_is_a_majority_of_all_deputies():
    """SESS-4: 500 deputies → 251, whatever the number present."""
    assert majority_of_all(500) == 251
    assert majority_of_all(336) == 169
    assert majority_of_all(1) == 1


def test_sess_4_250_for_out_of_470_present_fails():
    """SESS-4 example: 250 FOR, 150 AGAINST, 70 ABSTAIN of 500 deputies → not elected."""
    result = tally(
        {
            "all_deputies": 500,
            "seats": 1,
            "candidates": ["甲"],
            "ballots_issued": 470,
            "ballots": ballots((250, {"甲": "for"}, ()), (150, {"甲": "against"}, ()), (70, {"甲": "abstain"}, ())),
        }
    )
    assert result["threshold"] == 251
    assert result["elected"] == []
    assert result["seats_unfilled"] == 1
    assert by_name(result)["甲"] == {"name": "甲", "for": 250, "against": 150, "abstain": 70}


def test_elec_11_more_ballots_returned_than_issued_voids_the_round():
    """ELEC-11: 480 issued, 481 returned → invalid, nobody elected."""
    result = tally(
        {
            "all_deputies": 500,
            "seats": 1,
            "candidates": ["甲"],
            "ballots_issued": 480,
            "ballots": ballots((481, {"甲": "for"}, ())),
        }
    )
    assert result["round_valid"] is False
    assert result["reason"]
    assert result["elected"] == []
    assert result["tie_break"] is None


def test_elec_11_fewer_returned_than_issued_is_valid():
    result = tally(
        {
            "all_deputies": 500,
            "seats": 1,
            "candidates": ["甲"],
            "ballots_issued": 480,
            "ballots": ballots((479, {"甲": "for"}, ())),
        }
    )
    assert result["round_valid"] is True
    assert result["reason"] is None
    assert result["elected"] == ["甲"]


def test_elec_12_ballot_choosing_more_persons_than_seats_is_void():
    """ELEC-12: 2 seats; A FOR, B FOR, write-in D → void; A FOR, B FOR, C AGAINST → valid;
    A FOR, B AGAINST, C AGAINST → valid."""
    result = tally(
        {
            "all_deputies": 5,
            "seats": 2,
            "candidates": ["A", "B", "C"],
            "ballots_issued": 3,
            "ballots": [
                {"marks": {"A": "for", "B": "for", "C": "against"}},
                {"marks": {"A": "for", "B": "for"}, "write_ins": ["D"]},
                {"marks": {"A": "for", "B": "against", "C": "against"}},
            ],
        }
    )
    assert result["ballots_valid"] == 2
    assert result["ballots_void"] == 1
    assert by_name(result)["A"]["for"] == 2
    assert "D" not in by_name(result)


def test_elec_12_blank_ballot_is_valid_and_abstains_for_everyone():
    result = tally(
        {"all_deputies": 5, "seats": 1, "candidates": ["A", "B"], "ballots_issued": 1, "ballots": [{}]}
    )
    assert result["ballots_valid"] == 1
    assert by_name(result)["A"]["abstain"] == 1
    assert by_name(result)["B"]["abstain"] == 1


def test_elec_12_unclear_mark_counts_as_abstention_by_default():
    result = tally(
        {
            "all_deputies": 5,
            "seats": 1,
            "candidates": ["A", "B"],
            "ballots_issued": 1,
            "ballots": [{"marks": {"A": "unclear", "B": "for"}}],
        }
    )
    assert result["ballots_valid"] == 1
    assert by_name(result)["A"]["abstain"] == 1
    assert by_name(result)["B"]["for"] == 1


def test_elec_12_unclear_mark_voids_the_ballot_under_the_void_policy():
    result = tally(
        {
            "all_deputies": 5,
            "seats": 1,
            "candidates": ["A", "B"],
            "ballots_issued": 1,
            "ambiguous_mark_policy": "void_ballot",
            "ballots": [{"marks": {"A": "unclear", "B": "for"}}],
        }
    )
    assert result["ballots_void"] == 1
    assert by_name(result)["B"]["for"] == 0


def test_elec_13_most_votes_win_when_more_pass_than_seats():
    """ELEC-13: 500 deputies, 2 seats; A 300, B 260, C 255 → A and B."""
    result = tally(
        {
            "all_deputies": 500,
            "seats": 2,
            "candidates": ["A", "B", "C"],
            "ballots_issued": 500,
            "ballots": ballots(
                (255, {"A": "for", "B": "for", "C": "against"}, ()),
                (5, {"A": "for", "B": "for"}, ()),
                (40, {"A": "for", "C": "for"}, ()),
                (200, {"C": "for"}, ()),
            ),
        }
    )
    assert [by_name(result)[n]["for"] for n in "ABC"] == [300, 260, 240]
    assert result["elected"] == ["A", "B"]
    assert result["seats_unfilled"] == 0


def test_elec_14_tie_at_the_last_seat_goes_to_a_tie_break():
    """ELEC-14: 2 seats; A 300, B 255, C 255 → A elected; B and C to a tie-break for 1 seat."""
    result = tally(
        {
            "all_deputies": 500,
            "seats": 2,
            "candidates": ["A", "B", "C"],
            "ballots_issued": 500,
            "ballots": ballots(
                (150, {"A": "for", "B": "for"}, ()),
                (150, {"A": "for", "C": "for"}, ()),
                (105, {"B": "for", "C": "for"}, ()),
            ),
        }
    )
    assert [by_name(result)[n]["for"] for n in "ABC"] == [300, 255, 255]
    assert result["elected"] == ["A"]
    assert result["tie_break"] == {"candidates": ["B", "C"], "seats": 1}
    assert result["seats_unfilled"] == 0


def test_elec_15_unfilled_seat_goes_to_a_run_off():
    """ELEC-15: 2 seats; A 300, B 240, C 200 → only A; one seat left for a run-off."""
    result = tally(
        {
            "all_deputies": 500,
            "seats": 2,
            "candidates": ["A", "B", "C"],
            "ballots_issued": 500,
            "ballots": ballots(
                (240, {"A": "for", "B": "for"}, ()),
                (60, {"A": "for", "C": "for"}, ()),
                (140, {"C": "for"}, ()),
            ),
        }
    )
    assert [by_name(result)[n]["for"] for n in "ABC"] == [300, 240, 200]
    assert result["elected"] == ["A"]
    assert result["seats_unfilled"] == 1
    assert result["tie_break"] is None


def test_write_ins_appear_in_results_with_their_for_count():
    result = tally(
        {
            "all_deputies": 3,
            "seats": 1,
            "candidates": ["甲"],
            "ballots_issued": 3,
            "ballots": ballots((2, {"甲": "against"}, ("丁",)), (1, {"甲": "for"}, ())),
        }
    )
    assert by_name(result)["丁"] == {"name": "丁", "for": 2, "against": 0, "abstain": 0}
    assert result["elected"] == ["丁"]


def test_tally_command_reads_a_file_and_prints_json(tmp_path):
    path = tmp_path / "round.json"
    path.write_text(
        json.dumps(
            {
                "all_deputies": 336,
                "seats": 2,
                "candidates": ["甲", "乙", "丙"],
                "ballots_issued": 300,
                "ballots": [{"marks": {"甲": "for", "乙": "against", "丙": "abstain"}, "write_ins": ["丁"]}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("tally", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert result["threshold"] == 169
    assert result["ballots_returned"] == 1
    assert by_name(result)["丁"]["for"] == 1


def test_tally_command_reads_stdin_and_refuses_bad_input():
    env_python = sys.executable
    good = json.dumps({"all_deputies": 3, "seats": 1, "candidates": ["A"], "ballots_issued": 1, "ballots": [{}]})
    done = subprocess.run(
        [env_python, "manage.py", "tally", "-"], input=good, capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ballots_valid"] == 1
    bad = json.dumps({"all_deputies": 3, "seats": 1, "candidates": ["A"], "ballots_issued": 1,
                      "ballots": [{"marks": {"Z": "for"}}]})
    done = subprocess.run(
        [env_python, "manage.py", "tally", "-"], input=bad, capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode != 0
    assert "Z" in done.stderr


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"all_deputies": 0, "seats": 1, "candidates": [], "ballots_issued": 0, "ballots": []},
        {"all_deputies": 5, "seats": 1, "candidates": ["A", "A"], "ballots_issued": 0, "ballots": []},
        {"all_deputies": 5, "seats": 1, "candidates": ["A"], "ballots_issued": 1, "ballots": [{"marks": {"A": "yes"}}]},
        {"all_deputies": 5, "seats": 1, "candidates": ["A"], "ballots_issued": 1, "ballots": [],
         "ambiguous_mark_policy": "guess"},
    ],
)
def test_tally_refuses_malformed_rounds(data, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("tally", str(path), stdout=io.StringIO())


# --- properties of the tally (hypothesis) ---------------------------------------------------

NAMES = ["甲", "乙", "丙", "丁"]
mark = st.sampled_from(["for", "against", "abstain", "unclear"])
ballot = st.fixed_dictionaries(
    {
        "marks": st.dictionaries(st.sampled_from(NAMES), mark, max_size=4),
        "write_ins": st.lists(st.sampled_from(["戊", "己"]), max_size=2),
    }
)
round_data = st.fixed_dictionaries(
    {
        "all_deputies": st.integers(1, 40),
        "seats": st.integers(1, 3),
        "candidates": st.just(NAMES),
        "ballots_issued": st.integers(0, 40),
        "ballots": st.lists(ballot, max_size=40),
    }
)


@given(round_data)
def test_never_more_elected_than_seats_and_all_elected_reach_the_threshold(data):
    result = tally(data)
    votes = {r["name"]: r["for"] for r in result["results"]}
    assert len(result["elected"]) <= data["seats"]
    assert all(votes[name] >= result["threshold"] for name in result["elected"])
    tied = (result["tie_break"] or {}).get("seats", 0)
    assert len(result["elected"]) + tied + result["seats_unfilled"] == data["seats"] or not result["round_valid"]
    assert result["ballots_valid"] + result["ballots_void"] == result["ballots_returned"]


@given(round_data)
def test_a_void_round_elects_no_one(data):
    result = tally(data)
    if not result["round_valid"]:
        assert result["elected"] == [] and result["tie_break"] is None


@given(round_data, st.data())
def test_adding_a_for_vote_to_an_elected_candidate_never_unelects_them(data, more):
    result = tally(data)
    if not result["elected"]:
        return
    winner = more.draw(st.sampled_from(result["elected"]))
    extra = {"marks": {winner: "for"}} if winner in NAMES else {"write_ins": [winner]}
    again = tally({**data, "ballots": [*data["ballots"], extra], "ballots_issued": data["ballots_issued"] + 1})
    assert winner in again["elected"]
