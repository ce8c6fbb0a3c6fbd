"""The law of a plenary session at work: quorum, adoption, who may file a motion.

Pure functions, integers only (TIME-7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from balloting.rules import majority_of_all
from core.organisation.rules import at_least_fraction, parse_fraction

QUORUM_FRACTION = "2/3"  # SESS-1, fixed by law
RECALL_FRACTION = "1/10"  # ELEC-19
INVESTIGATION_FRACTION = "1/10"  # RES-4


def quorum_needed(all_deputies: int, fraction: Any = QUORUM_FRACTION) -> int:
    """SESS-1: deputies who must attend for the session to sit ("三分之二以上", ≥ 2/3).
    500 deputies → 334."""
    return at_least_fraction(all_deputies, fraction)


def has_quorum(present: int, all_deputies: int, fraction: Any = QUORUM_FRACTION) -> bool:
    """SESS-1 with integer arithmetic: present/all ≥ 2/3 ⇔ 3·present ≥ 2·all."""
    if all_deputies < 1:
        return False
    share = parse_fraction(fraction)
    return present * share.denominator >= share.numerator * all_deputies


@dataclass(frozen=True)
class QuorumStatus:
    all_deputies: int
    present: int
    needed: int
    met: bool


def quorum_status(present: int, all_deputies: int, fraction: Any = QUORUM_FRACTION) -> QuorumStatus:
    return QuorumStatus(
        all_deputies=all_deputies,
        present=present,
        needed=quorum_needed(all_deputies, fraction),
        met=has_quorum(present, all_deputies, fraction),
    )


def is_adopted(for_votes: int, all_deputies: int) -> bool:
    """RES-1 / SESS-4 (also ELEC-16 lists, ELEC-19 recalls, RES-4 committees): adopted with
    FOR votes from more than half of ALL deputies, whatever the AGAINST and ABSTAIN counts.
    500 deputies: 251 FOR adopts, 250 does not."""
    return for_votes >= majority_of_all(all_deputies)


#: Kinds deputies may file jointly, and the share of all deputies needed (以上: ≥).
DEPUTY_FILED = {"recall": RECALL_FRACTION, "investigation_committee": INVESTIGATION_FRACTION}


def may_be_filed_by_deputies(kind: str) -> bool:
    return kind in DEPUTY_FILED


def signatures_needed(kind: str, all_deputies: int, parameters: Mapping[str, Any] | None = None) -> int:
    """ELEC-19 (recall) and RES-4 (investigation committee): at least one-tenth of all
    deputies jointly. 500 deputies → 50. Raises KeyError for kinds deputies cannot file."""
    fraction = DEPUTY_FILED[kind]
    if kind == "recall" and parameters and parameters.get("recall_min_fraction"):
        fraction = parameters["recall_min_fraction"]
    return at_least_fraction(all_deputies, fraction)


def voting_method(kind: str, parameters: Mapping[str, Any]) -> tuple[str, bool]:
    """RES-1: the session's `vote_method`; ELEC-19: a recall is secret when `recall_secret`
    (default), and a secret vote is never a show of hands. Returns (method, is_secret)."""
    method = parameters.get("vote_method", "electronic")
    secret = kind == "recall" and bool(parameters.get("recall_secret", True))
    if secret and method == "hands":
        method = "paper"
    return method, secret


def signatures_still_needed(needed: int, signed: int) -> int:
    """ELEC-19 / RES-4: how many more deputies must sign before the motion may be submitted
    (zero once there are enough). 336 deputies → 34 needed; 30 signed → 4 more."""
    return max(0, needed - signed)


def session_is_over(today, session_ends_on) -> bool:
    """ELEC-19 / RES-4: a joint motion is filed during the session; after its last day it can
    no longer be started or signed."""
    return today > session_ends_on


def collects_signatures(*, filed_by: str, status: str, today, session_ends_on) -> bool:
    """ELEC-19 / RES-4: a motion deputies file jointly is signed, and a signature may be taken
    back, while it is a draft (once submitted, its signers are fixed) and until its session
    ends (such a motion is filed during a session)."""
    return filed_by == "deputies" and status == "draft" and not session_is_over(today, session_ends_on)
