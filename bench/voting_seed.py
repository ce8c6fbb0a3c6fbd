"""Database side of the voting benchmark (bench/bench_voting.py), run in its own process
under bench.settings against the benchmark's throwaway database:

    python -m bench.voting_seed setup OUT.json [DEPUTIES]   # a session in a big invented city
    python -m bench.voting_seed motion OUT.json             # put one more motion to the vote
    python -m bench.voting_seed inspect ROUND_ID            # what is stored (JSON on stdout)
    python -m bench.voting_seed paper OUT.json [SHEETS]     # time the count of paper ballots

Setting up is not what is measured, so the deputies, their accounts, tokens and check-ins
are created in bulk; the motion is put to the vote through the plenary services, as staff
would (roster, motion, round, eligibility of everyone checked in).
"""

from __future__ import annotations

import datetime
import json
import sys
import time

import django


def _setup_django() -> None:
    django.setup()


def _staff():
    from core.accounts.models import User
    from core.accounts.roles import Role

    staff, _created = User.objects.get_or_create(username="bench-voting-staff", defaults={"role": Role.STAFF})
    return staff


def _session():
    from core.organisation.models import Session

    return Session.objects.select_related("term__congress").get(term__congress__name=CONGRESS)


CONGRESS = "基准市人民代表大会"


def setup(out: str, deputies: int) -> None:
    """An invented city with `deputies` deputies in office, each with an account and an API
    token, all checked in today at a session that meets today; its roster is taken."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from core.accounts.models import ApiToken, User
    from core.accounts.roles import Role
    from core.organisation.models import Congress, Delegation, Deputy, District, Session, Term
    from plenary import services as plenary
    from plenary.models import Attendance

    started = time.perf_counter()
    today = timezone.localdate()
    staff = _staff()
    unusable = make_password(None)
    tokens: list[str] = []
    with transaction.atomic():
        congress = Congress.objects.create(name=CONGRESS, region_name="基准市", level=Congress.Level.CITY)
        term = Term.objects.create(
            congress=congress, number=1, starts_on=today - datetime.timedelta(days=365), is_current=True
        )
        session = Session.objects.create(
            term=term, number=1, starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=3)
        )
        district = District.objects.create(congress=congress, name="基准区", code="990001")
        delegation = Delegation.objects.create(term=term, name="基准区代表团", district=district)
        users = User.objects.bulk_create(
            [
                User(username=f"bench-deputy-{n:05d}", role=Role.DEPUTY, password=unusable, language="zh-hans")
                for n in range(deputies)
            ],
            batch_size=500,
        )
        if users and users[0].pk is None:  # backends that do not return keys from bulk inserts
            users = list(User.objects.filter(username__startswith="bench-deputy-").order_by("username"))
        Deputy.objects.bulk_create(
            [
                Deputy(term=term, code=f"B{n:05d}", name=f"基准代表{n:05d}", delegation=delegation, district=district, user=user)
                for n, user in enumerate(users)
            ],
            batch_size=500,
        )
        rows = []
        for user in users:
            key = ApiToken.new_key()
            tokens.append(key)
            rows.append(ApiToken(user=user, name="bench", key_hash=ApiToken.hash_key(key), prefix=key[:8]))
        ApiToken.objects.bulk_create(rows, batch_size=500)
        staff_key = ApiToken.new_key()
        ApiToken.objects.create(user=staff, name="bench", key_hash=ApiToken.hash_key(staff_key), prefix=staff_key[:8])
    plenary.open_session_roster(by=staff, session=session)
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, deputy_id=pk, day=today, checked_in_at=now)
            for pk in Deputy.objects.filter(term=term).values_list("pk", flat=True)
        ],
        batch_size=500,
    )
    with open(out, "w") as handle:
        json.dump(
            {
                "session_id": session.pk,
                "tokens": tokens,
                "staff_token": staff_key,
                "deputies": deputies,
                "setup_seconds": round(time.perf_counter() - started, 2),
            },
            handle,
        )


def motion(out: str) -> None:
    """A resolution put to the vote electronically through the plenary services."""
    from plenary import services as plenary
    from plenary.models import Motion

    staff = _staff()
    session = _session()
    number = Motion.objects.filter(session=session).count() + 1
    started = time.perf_counter()
    item = plenary.create_motion(
        by=staff,
        session=session,
        kind=Motion.Kind.RESOLUTION,
        title=f"关于基准测试的第{number}号决议",
        method=Motion.Method.ELECTRONIC,
    )
    plenary.submit_motion(by=staff, motion=item)
    item = plenary.open_motion_vote(by=staff, motion=item)
    with open(out, "w") as handle:
        json.dump(
            {"motion_id": item.pk, "round_id": item.round_id, "open_seconds": round(time.perf_counter() - started, 3)},
            handle,
        )


def inspect(round_id: int) -> None:
    """What the database holds for a round: ballots, eligibility, counts once counted."""
    from balloting.models import Ballot, Eligibility, Option, Round

    round_ = Round.objects.get(pk=round_id)
    marks: dict[str, int] = {}
    for ballot_marks in Ballot.objects.filter(round=round_).values_list("marks", flat=True):
        for mark in ballot_marks.values():
            marks[mark] = marks.get(mark, 0) + 1
    option = Option.objects.filter(round=round_, key="motion").first()
    print(
        json.dumps(
            {
                "status": round_.status,
                "ballots": Ballot.objects.filter(round=round_).count(),
                "admitted": Eligibility.objects.filter(round=round_).count(),
                "has_voted": Eligibility.objects.filter(round=round_, has_voted=True).count(),
                "marks": marks,
                "counted": None
                if option is None or round_.counted_at is None
                else {"for": option.for_votes, "against": option.against_votes, "abstain": option.abstain_votes},
            }
        )
    )


def _timed(function, *args, repeat: int = 1, **kwargs):
    best = None
    value = None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function(*args, **kwargs)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return value, best


def paper(out: str, sheets: int) -> None:
    """The tally of `sheets` paper ballots: a motion (one line) and a standing-committee
    style election (13 names for 11 seats, write-ins allowed), each entered twice by two
    counters (double entry, readings agreeing), then counted by the balloting service.
    Times: the pure count (balloting.rules.count_round), the reconciliation of the double
    entry (selectors.paper_readings), and the whole service path (services.count_round:
    reconciliation, anonymous ballots stored in random order, count, counts stored)."""
    import random

    from balloting import rules, selectors, services
    from balloting.models import PaperEntry, Round
    from core.accounts.models import User
    from core.accounts.roles import Role

    staff = _staff()
    session = _session()
    counters = [
        User.objects.get_or_create(username=f"bench-counter-{n}", defaults={"role": Role.STAFF})[0] for n in (1, 2)
    ]
    generator = random.Random(4)
    figures = {}
    shapes = {
        "motion": {"options": [("motion", "关于纸质选票计票的决议")], "seats": 1, "kind": Round.Kind.MOTION},
        "election": {
            "options": [(f"c{n}", f"候选人{n:02d}") for n in range(1, 14)],
            "seats": 11,
            "kind": Round.Kind.ELECTION,
        },
    }
    for name, shape in shapes.items():
        round_ = services.create_round(
            by=staff,
            session=session,
            kind=shape["kind"],
            title=f"基准纸质选票（{name}）",
            options=shape["options"],
            seats=shape["seats"],
            method=Round.Method.PAPER,
            write_ins=Round.WriteIns.ANYONE if name == "election" else Round.WriteIns.NONE,
        )
        services.open_round(by=staff, round=round_)
        services.issue_ballots(by=staff, round=round_, count=sheets)
        services.close_round(by=staff, round=round_)
        for counter in counters:
            services.appoint_round_scrutineer(by=staff, round=round_, user=counter)
        keys = [key for key, _label in shape["options"]]
        readings = []
        for _sheet in range(sheets):
            if name == "motion":
                marks = {"motion": generator.choices(["for", "against", "abstain"], weights=[7, 2, 1])[0]}
                write_ins: list[str] = []
            else:
                chosen = set(generator.sample(keys, generator.randint(8, 11)))
                marks = {key: ("for" if key in chosen else generator.choice(["against", "abstain"])) for key in keys}
                write_ins = ["另选人"] if len(chosen) < 11 and generator.random() < 0.05 else []
            readings.append((marks, write_ins))
        PaperEntry.objects.bulk_create(
            [
                PaperEntry(round=round_, sheet_number=number, slot=slot, entered_by=counters[slot - 1], marks=m, write_ins=w)
                for number, (m, w) in enumerate(readings, start=1)
                for slot in (1, 2)
            ],
            batch_size=1000,
        )
        ballots = [rules.Ballot(marks=m, write_ins=tuple(w)) for m, w in readings]
        _count, pure = _timed(
            rules.count_round,
            ballots,
            candidates=keys,
            seats=shape["seats"],
            ballots_issued=sheets,
            ambiguous_mark_policy=round_.ambiguous_mark_policy,
            repeat=5,
        )
        (_readings, problems), reconcile = _timed(selectors.paper_readings, round_, repeat=3)
        count, service = _timed(services.count_round, by=staff, round=round_)
        figures[name] = {
            "sheets": sheets,
            "lines": len(keys),
            "entries": 2 * sheets,
            "unresolved": len(problems),
            "pure_count_ms": round(pure * 1000, 1),
            "double_entry_reconcile_ms": round(reconcile * 1000, 1),
            "service_count_ms": round(service * 1000, 1),
            "ballots_valid": count.ballots_valid,
            "ballots_void": count.ballots_void,
            "round_valid": count.round_valid,
        }
    with open(out, "w") as handle:
        json.dump(figures, handle)


def main(argv: list[str]) -> None:
    _setup_django()
    command = argv[0]
    if command == "setup":
        setup(argv[1], int(argv[2]) if len(argv) > 2 else 3000)
    elif command == "motion":
        motion(argv[1])
    elif command == "inspect":
        inspect(int(argv[1]))
    elif command == "paper":
        paper(argv[1], int(argv[2]) if len(argv) > 2 else 3000)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
