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
