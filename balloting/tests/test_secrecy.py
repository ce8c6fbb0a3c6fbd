"""SEC-1 by construction: the schema and the audit log cannot link a ballot to a deputy.

(a) eligibility and ballot contents in separate tables: no foreign key, no shared sequence,
    no timestamp finer than the round; (b) stored order shuffled; (c) no IP, device or user
    with ballot contents; (d) the audit log says "a ballot was cast in round R".
"""

import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

from balloting import services
from balloting.models import Ballot, Eligibility, PaperEntry, Round
from balloting.rules import AGAINST, FOR
from core.audit.models import AuditEntry
from core.organisation.models import Deputy

pytestmark = pytest.mark.django_db

PERSON_MODELS = {Deputy, apps.get_model(settings.AUTH_USER_MODEL)}
TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)
IDENTIFYING_WORDS = ("ip", "addr", "device", "agent", "user", "deputy", "voter", "session", "cookie", "created", "time", "seq")


def ballot_content_models():
    """Every model in balloting that holds what a voter marked (named *ballot*, or
    carrying marks) and is not a scrutineer's reading of an anonymous paper sheet."""
    found = []
    for model in apps.get_app_config("balloting").get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if model is PaperEntry or model._meta.model_name == "sheetresolution":
            continue  # a paper sheet is anonymous; these hold a scrutineer's reading of it
        if "ballot" in model._meta.model_name or "marks" in names:
            found.append(model)
    return found


def test_sec_1_ballot_content_has_no_link_to_a_person_or_eligibility():
    """(a), (c): no foreign key (or other relation) to a deputy, a user or eligibility."""
    assert Ballot in ballot_content_models()
    for model in ballot_content_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model not in PERSON_MODELS | {Eligibility}, (model, field.name)
                assert field.related_model is Round, (model, field.name)


def test_sec_1_ballot_columns_carry_no_identifying_data():
    """(c): the stored table has the round, the marks and the write-ins, and a random key."""
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)}
    assert columns == {"id", "round_id", "marks", "write_ins"}
    for model in ballot_content_models():
        for field in model._meta.concrete_fields:
            if field.name in ("id", "round", "marks", "write_ins"):
                continue
            assert not any(word in field.name.lower() for word in IDENTIFYING_WORDS), (model, field.name)


def test_sec_1_no_timestamp_on_ballots_or_eligibility():
    """(a): no timestamp finer than the round on either side (the round has its own)."""
    for model in ballot_content_models() + [Eligibility]:
        assert not [f.name for f in model._meta.concrete_fields if isinstance(f, TIME_FIELDS)], model


def test_sec_1_a_ballots_key_is_random_not_a_sequence():
    """(a), (b): a UUID key, not an auto-incrementing integer shared with anything."""
    pk = Ballot._meta.pk
    assert isinstance(pk, models.UUIDField)
    assert not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
    assert Ballot._meta.ordering == ["id"]
    assert pk.default() != pk.default() and isinstance(pk.default(), uuid.UUID)


def test_sec_1_eligibility_does_not_point_at_ballots():
    """(a): who voted knows nothing of what was marked, and no model joins the two."""
    for field in Eligibility._meta.get_fields():
        if field.is_relation:
            assert field.related_model is not Ballot
    for model in apps.get_models():
        # Forward links only: the round is shared by both, as the round (never finer).
        relations = {
            f.related_model for f in model._meta.get_fields() if f.is_relation and (f.concrete or f.many_to_many)
        }
        assert not ({Ballot, Eligibility} <= relations), model


def test_sec_1_the_audit_log_says_only_that_a_ballot_was_cast(session, staff, deputies, everyone_present):
    """(d): after a vote, the ballot entries name the round only: no actor, no deputy, no
    user, no ballot id, no marks; and nothing in the whole log carries a ballot's key."""
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")],
        method=Round.Method.ELECTRONIC,
    )
    services.open_round(by=staff, round=round_)
    for deputy, mark in zip(deputies, [FOR, AGAINST, FOR, FOR, AGAINST, FOR], strict=True):
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": mark})
    services.close_round(by=staff, round=round_)
    services.count_round(by=staff, round=round_)

    casts = AuditEntry.objects.filter(action="ballot.cast")
    assert casts.count() == 1  # one per round, at the close (decision 0003)
    deputy_ids = {str(d.pk) for d in deputies}
    user_ids = {d.user_id for d in deputies}
    for entry in casts:
        assert entry.actor_id is None and entry.actor_label == "ballot box"
        assert entry.data == {"round_id": round_.pk, "count": 6}
        assert entry.before is None and entry.after is None
        assert entry.target_type == "balloting.round"
    ballot_ids = {str(pk) for pk in Ballot.objects.values_list("id", flat=True)}
    for entry in AuditEntry.objects.all():
        text = f"{entry.data} {entry.before} {entry.after} {entry.target_id} {entry.target_label}"
        assert not any(pk in text for pk in ballot_ids)
        assert entry.actor_id not in user_ids
        if entry.action.startswith(("ballot.", "round.")):
            assert entry.target_type != "organisation.deputy"
            assert not (entry.target_id in deputy_ids and entry.target_type == "organisation.deputy")
            assert "marks" not in (entry.data or {}) and "deputy_id" not in (entry.data or {})


def test_sec_1_d_no_audit_entry_per_ballot_only_the_count_when_voting_ends(
    session, staff, deputies, everyone_present
):
    """(d), decision 0003: while the round is open the log holds nothing per ballot (no time
    of any single vote); the close writes one entry "N ballots were cast in round R" by the
    ballot box, and the hash chain still verifies (manage.py audit_verify)."""
    from django.core.management import call_command

    from core.audit.verify import verify_chain

    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")],
        method=Round.Method.ELECTRONIC,
    )
    services.open_round(by=staff, round=round_)
    entries_before = AuditEntry.objects.count()
    for deputy, mark in zip(deputies[:4], [FOR, AGAINST, FOR, AGAINST], strict=True):
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": mark})
    assert AuditEntry.objects.count() == entries_before

    services.close_round(by=staff, round=round_)
    cast = AuditEntry.objects.get(action="ballot.cast")
    assert (cast.actor_id, cast.actor_label) == (None, "ballot box")
    assert (cast.target_type, cast.target_id) == ("balloting.round", str(round_.pk))
    assert cast.data == {"round_id": round_.pk, "count": 4}
    assert cast.before is None and cast.after is None
    assert verify_chain().ok
    call_command("audit_verify")


def test_sec_1_d_a_round_voided_while_voting_records_the_ballots_cast(session, staff, deputies, everyone_present):
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")],
        method=Round.Method.ELECTRONIC,
    )
    services.open_round(by=staff, round=round_)
    for deputy in deputies[:2]:
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})
    services.void_round(by=staff, round=round_, reason="表决器故障")
    assert AuditEntry.objects.get(action="ballot.cast").data == {"round_id": round_.pk, "count": 2}


def test_sec_1_b_each_vote_goes_into_the_box_among_ballots_rewritten_with_it(session, staff, monkeypatch):
    """(b): a vote is not stored alone: the ballots already in the box are partly taken out
    and written again with it, with fresh random keys, so the rows the vote wrote (its keys,
    its position, on PostgreSQL its transaction) are shared by MIX + 1 ballots. Nothing is
    lost or doubled on the way."""
    from collections import Counter

    from .factories import FakeRoll, deputies_for, install_roll

    voters = deputies_for(session, services.MIX + 5)
    options = [(f"o{n}", f"候选人{n}") for n in range(len(voters))]
    install_roll(monkeypatch, FakeRoll(len(voters), voters))
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.ELECTION, title="选举", options=options,
        method=Round.Method.ELECTRONIC,
    )
    services.open_round(by=staff, round=round_)
    *earlier, last = voters
    for deputy, (key, _label) in zip(earlier, options, strict=False):
        services.cast_vote(by=deputy.user, round=round_, marks={key: FOR})
    before = dict(Ballot.objects.filter(round=round_).values_list("id", "marks"))
    last_key = options[len(earlier)][0]
    services.cast_vote(by=last.user, round=round_, marks={last_key: FOR})
    after = dict(Ballot.objects.filter(round=round_).values_list("id", "marks"))

    removed, added = set(before) - set(after), set(after) - set(before)
    assert len(removed) == services.MIX and len(added) == services.MIX + 1
    assert Counter(str(after[pk]) for pk in added) == Counter(
        [str(before[pk]) for pk in removed] + [str({last_key: FOR})]
    )
    stored = Counter(key for marks in after.values() for key in marks)
    assert stored == Counter(key for key, _label in options)  # each vote exactly once


def test_sec_1_b_a_round_voided_while_voting_has_its_ballots_rewritten(session, staff, deputies, everyone_present):
    round_ = services.create_round(
        by=staff, session=session, kind=Round.Kind.MOTION, title="决议", options=[("motion", "决议")],
        method=Round.Method.ELECTRONIC,
    )
    services.open_round(by=staff, round=round_)
    for deputy in deputies[:3]:
        services.cast_vote(by=deputy.user, round=round_, marks={"motion": FOR})
    before = set(Ballot.objects.filter(round=round_).values_list("id", flat=True))
    services.void_round(by=staff, round=round_, reason="表决器故障")
    after = set(Ballot.objects.filter(round=round_).values_list("id", flat=True))
    assert len(after) == 3 and not (before & after)
