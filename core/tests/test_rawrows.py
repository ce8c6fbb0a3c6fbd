"""Hand-written reads (core.rawrows) give what the ORM gives: same values, same types, on
SQLite and on PostgreSQL (where the statement is prepared on the server)."""

import datetime

import pytest
from django.utils import timezone

from core import rawrows
from core.accounts.models import ApiToken, User
from core.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_load_builds_the_same_instances_as_the_orm(make_user):
    user = make_user(Role.DEPUTY, first_name="王", language="en")
    [loaded] = rawrows.load(User, "id = %s", [user.pk])
    orm = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(orm, field.attname), field.name
    assert isinstance(loaded.date_joined, datetime.datetime) and timezone.is_aware(loaded.date_joined)
    assert loaded.is_active is True and loaded.role == Role.DEPUTY
    assert rawrows.load(User, "id = %s", [user.pk + 1000]) == []


def test_execute_runs_the_same_statement_again_with_new_values(make_user):
    users = [make_user(Role.STAFF) for _ in range(3)]
    table = User._meta.db_table
    for user in users * 2:  # the second round runs the prepared statement on PostgreSQL
        rows, _count = rawrows.execute(f'SELECT username FROM "{table}" WHERE id = %s', [user.pk])
        assert rows == [(user.username,)]


def test_execute_reports_rows_written_and_returns_no_rows_for_a_write(make_user):
    user = make_user(Role.STAFF)
    token = ApiToken.objects.create(user=user, name="t", key_hash="x" * 64, prefix="dt_x")
    rows, count = rawrows.execute(
        f'UPDATE "{ApiToken._meta.db_table}" SET name = %s WHERE id = %s', ["renamed", token.pk]
    )
    assert (rows, count) == ([], 1)
    token.refresh_from_db()
    assert token.name == "renamed"
    assert rawrows.value(ApiToken, "last_used_at", None) is None


# --- insert: what the ORM's bulk insert stores, with primary keys set --------------------------


def _stored(model, pk) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    row.pop("id")
    return row


def test_insert_stores_what_the_orms_bulk_insert_stores_and_sets_the_keys(make_user):
    from django.db.models import QuerySet
    from django.utils.translation import gettext_lazy

    from core.audit.models import AuditEntry
    from core.notify.models import Notification

    user = make_user(Role.STAFF, email="a@example.org")
    when = timezone.now() - datetime.timedelta(days=3)

    def notifications():
        # A lazy title (prepared by its field), a default time, a null, a foreign key, booleans.
        return [Notification(recipient=user, action="x.y", title=gettext_lazy("Cancel"), body="正文",
                             send_email=False, send_sms=True, read_at=None),
                Notification(recipient=user, action="x.z", title="第二条", created_at=when)]

    def entries(first_seq):
        # JSON with dates and decimals (the field's own encoder), a big integer, empty strings.
        import decimal

        data = {"day": datetime.date(2026, 11, 26), "amount": decimal.Decimal("1.50"), "名字": ["甲", None]}
        return [AuditEntry(seq=first_seq + i, at=when, actor_id=2**40, actor_label="系统", action="test.insert",
                           data=data, before=None, after={"n": i}, prev_hash="0" * 64, hash=f"{first_seq + i:064d}")
                for i in range(2)]

    for make in (notifications, lambda: entries(10_001)):
        made = make()
        assert rawrows.insert(made) is made
        assert all(obj.pk and not obj._state.adding for obj in made)
        assert made[0].pk < made[1].pk  # in the order given
    reference = QuerySet(Notification).bulk_create(notifications())
    for ours, theirs in zip(Notification.objects.filter(action__in=["x.y", "x.z"]).order_by("pk")[:2], reference,
                            strict=True):
        assert {k: v for k, v in _stored(Notification, ours.pk).items() if k != "created_at"} == {
            k: v for k, v in _stored(Notification, theirs.pk).items() if k != "created_at"}
    assert Notification.objects.get(action="x.z", pk__lt=reference[0].pk).created_at == when
    ours = entries(10_001)
    theirs = QuerySet(AuditEntry).bulk_create(entries(20_001))
    for mine, reference_entry in zip(ours, theirs, strict=True):
        stored = _stored(AuditEntry, AuditEntry.objects.get(seq=mine.seq).pk)
        expected = _stored(AuditEntry, reference_entry.pk)
        for key in ("seq", "hash"):
            stored.pop(key), expected.pop(key)
        assert stored == expected
    assert Notification.objects.get(action="x.y", pk__lt=reference[0].pk).title == "Cancel"
    assert rawrows.insert([]) == []


def test_insert_stores_many_rows_and_rows_with_only_nulls_in_a_column(make_user):
    from core.notify.models import Notification

    user = make_user(Role.STAFF)
    # The same statement whatever the number of rows (one array a column on PostgreSQL).
    for count in (1, 3, 2500):
        made = rawrows.insert([Notification(recipient=user, action=f"n{count}", title=f"第{n}条", read_at=None)
                               for n in range(count)])
        assert len({n.pk for n in made}) == count
        stored = Notification.objects.filter(action=f"n{count}").order_by("pk")
        assert [n.title for n in stored] == [f"第{n}条" for n in range(count)]
        assert [n.pk for n in stored] == [n.pk for n in made]
        assert all(n.read_at is None for n in stored)


def test_load_for_update_reads_the_rows(make_user):
    user = make_user(Role.STAFF)
    [locked] = rawrows.load(User, "id = %s", [user.pk], for_update=True)
    assert locked.pk == user.pk


@pytest.mark.postgres
@pytest.mark.skipif(rawrows.connection.vendor != "postgresql", reason="needs PostgreSQL: prepared statements")
@pytest.mark.parametrize("prepare", [True, False])
def test_statements_are_prepared_on_the_server_unless_turned_off(make_user, settings, prepare):
    settings.DATONG_DB_PREPARE = prepare
    user = make_user(Role.STAFF)
    marker = f"prepared_{int(prepare)}"
    sql = f'SELECT username AS {marker} FROM "{User._meta.db_table}" WHERE id = %s'
    for _ in range(2):
        assert rawrows.execute(sql, [user.pk])[0] == [(user.username,)]
    rows, _count = rawrows.execute(
        "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{marker}%"])
    assert rows == [(1 if prepare else 0,)]
