"""Database side of the intake benchmark (bench/bench_voices_intake.py), run in its own
process under bench.settings against the benchmark's throwaway database:

    python -m bench.voices_intake_seed setup OUT.json          # categories, units, models, a token
    python -m bench.voices_intake_seed inspect SENT.json OUT.json  # what is stored for what was sent

Setting up is not what is measured: the demo city (loaded by bench.seed) gets the invented
demo messages of voices.demo, most of them routed by a demo staff account, and its text
models are trained and activated on them (category and unit), so that every message that
comes in afterwards is classified. The client system gets an account of its own (role
"public": a system, not a person) and an API token; voices/api.py makes the authenticated
caller the submitter, so the reply is owed to that account (no contact stand-in account per
message, as there would be for an anonymous caller).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

import django

CLIENT = "bench-intake-client"
HISTORY = 300  # demo messages the models are trained on


def setup(out: str) -> None:
    from core.accounts.models import ApiToken, User
    from core.accounts.roles import Role
    from core.organisation.models import District, HandlingUnit
    from core.organisation.selectors import current_congress
    from voices.demo import write_demo_messages
    from voices.models import Message, MessageCategory, TextModel

    started = time.perf_counter()
    congress = current_congress()
    if congress is None or not HandlingUnit.objects.filter(congress=congress).exists():
        raise SystemExit("no congress with handling units: bench.seed did not load the demo city")
    written = write_demo_messages(congress, count=HISTORY)
    models = list(TextModel.objects.filter(congress=congress, is_active=True).values_list("purpose", flat=True))
    if "category" not in models:
        raise SystemExit(f"the category model was not trained (active models: {models})")
    client, _created = User.objects.get_or_create(username=CLIENT, defaults={"role": Role.PUBLIC})
    client.set_unusable_password()
    client.save(update_fields=["password"])
    key = ApiToken.new_key()
    ApiToken.objects.create(user=client, name="bench intake", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "congress_id": congress.pk,
                "congress": str(congress),
                "token": key,
                "history": written["created"],
                "routed": written["routed"],
                "models": sorted(models),
                "districts": list(District.objects.filter(congress=congress).order_by("pk").values_list("pk", "name")),
                "categories": MessageCategory.objects.filter(congress=congress, is_active=True).count(),
                "units": HandlingUnit.objects.filter(congress=congress, is_active=True).count(),
                "messages_before": Message.objects.filter(congress=congress).count(),
                "setup_seconds": round(time.perf_counter() - started, 2),
            },
            handle,
        )


def inspect(sent_path: str, out: str) -> None:
    """For the messages sent (their bodies, each distinct, and the tracking numbers the 201
    answers carried): how many are stored on the API channel, how many twice, and whether
    each stored one has its case, its tracking number and a suggested category."""
    from voices.models import Channel, Message

    with open(sent_path, encoding="utf-8") as handle:
        sent = json.load(handle)
    bodies = set(sent["bodies"])
    answered = set(sent["tracking_numbers"])
    rows = list(
        Message.objects.filter(channel=Channel.API, body__in=bodies).values_list(
            "body", "tracking_number", "case_id", "suggested_category_id", "suggested_unit_id"
        )
    )
    per_body = Counter(body for body, *_rest in rows)
    stored_numbers = {number for _body, number, *_rest in rows}
    figures = {
        "sent": len(bodies),
        "rows": len(rows),
        "stored": len(per_body),
        "lost": len(bodies - set(per_body)),
        "doubled": sum(count - 1 for count in per_body.values()),
        "with_case": sum(1 for row in rows if row[2] is not None),
        "distinct_cases": len({row[2] for row in rows if row[2] is not None}),
        "with_tracking_number": sum(1 for row in rows if row[1]),
        "classified": sum(1 for row in rows if row[3] is not None),
        "unit_suggested": sum(1 for row in rows if row[4] is not None),
        "answered": len(answered),
        "answered_not_stored": len(answered - stored_numbers),
        "stored_not_answered": len(stored_numbers - answered),
        "api_messages_total": Message.objects.filter(channel=Channel.API).count(),
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(figures, handle)


def main(argv: list[str]) -> None:
    django.setup()
    command = argv[0] if argv else ""
    if command == "setup":
        setup(argv[1])
    elif command == "inspect":
        inspect(argv[1], argv[2])
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
