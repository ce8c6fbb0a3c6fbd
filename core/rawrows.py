"""Model instances read by a hand-written WHERE clause, for the few hot paths where the
ORM's query building costs more than the database's answer (the vote in the room,
bench/bench_voting.py; docs/decisions/0003-voting-throughput.md).

    rounds = rawrows.load(Round, "id = %s", [round_id])

Table and column names come from the model; every value is a parameter. The instances are
ordinary model instances (built with `Model.from_db`, as the ORM builds them).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import connection
from django.db.models import Field


def columns(model) -> tuple[str, tuple[str, ...]]:
    """The quoted select list of `model`'s concrete fields and their attribute names."""
    select, attnames, _converters = _shape(model, connection.vendor)
    return select, attnames


@functools.cache
def _shape(model, vendor: str):
    # Per process and database kind: a model's fields do not change while it runs.
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    table = model._meta.db_table
    select = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(table)
        # The same converters the ORM applies (the backend's, then the field's).
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((index, col, found))
    return select, tuple(f.attname for f in fields), tuple(converters)


def from_row(model, row) -> object:
    """One instance from a row in `columns(model)` order (database converters applied)."""
    _select, attnames, converters = _shape(model, connection.vendor)
    values = list(row)
    for index, col, found in converters:
        for converter in found:
            values[index] = converter(values[index], col, connection)
    return model.from_db(connection.alias, attnames, values)


def value(model, name: str, raw):
    """One column's value as the ORM would give it (SQLite hands back dates as text)."""
    col = model._meta.get_field(name).get_col(model._meta.db_table)
    for converter in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
        raw = converter(raw, col, connection)
    return raw


def execute(sql: str, params) -> tuple[list[tuple], int]:
    """Run one hot, hand-written statement: (rows, rowcount).

    On PostgreSQL the statement is prepared on the server once per connection and then
    only executed: Django's cursors bind parameters on the client, so the server plans
    every statement anew, and for these short statements planning costs more than running
    them (a vote's four statements: 1.5 ms of server time unprepared, 0.8 ms prepared;
    docs/decisions/0003-voting-throughput.md). The statement runs on Django's own
    connection, in its transaction, with its type adapters. Elsewhere: Django's cursor.
    """
    params = list(params)
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        raw = connection.connection
        if raw.prepare_threshold is None:
            # Django turns automatic preparation off; its own (client-binding) cursors never
            # prepare anyway. Only the statements sent here, asked to, are prepared.
            raw.prepare_threshold = 2**31 - 1
        # settings.DATONG_DB_PREPARE off: behind a pooler that cannot keep a session's
        # prepared statements (PgBouncer in transaction mode before 1.21).
        prepare = bool(getattr(settings, "DATONG_DB_PREPARE", True))
        with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params, prepare=prepare)
            # pgresult.nfields, not description: that builds a column object per column.
            result = cursor.pgresult
            return (cursor.fetchall() if result is not None and result.nfields else []), cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return (cursor.fetchall() if cursor.description else []), cursor.rowcount


def load(model, where: str, params, *, limit: int | None = None, for_update: bool = False) -> list:
    """Instances of `model` whose rows satisfy `where` (a parameterised SQL condition);
    `for_update` locks them till the transaction ends where the database locks rows (as
    `select_for_update`: SQLite locks the whole database on its first write instead)."""
    select, _attnames = columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT {select} FROM {table} WHERE {where}"  # noqa: S608 - names from the model
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    rows, _count = execute(sql, params)
    return [from_row(model, row) for row in rows]


#: Field kinds whose value is sent as the attribute holds it, when it is of the plain types.
_TEXT = (str, type(None))
_NUMBER = (int, type(None))
_PLAIN = {
    "CharField": _TEXT, "TextField": _TEXT, "SlugField": _TEXT, "EmailField": _TEXT,
    "IntegerField": _NUMBER, "BigIntegerField": _NUMBER, "SmallIntegerField": _NUMBER,
    "PositiveIntegerField": _NUMBER, "PositiveSmallIntegerField": _NUMBER, "PositiveBigIntegerField": _NUMBER,
    "BooleanField": (bool, type(None)), "ForeignKey": _NUMBER, "OneToOneField": _NUMBER,
}


def insert(objs: list) -> list:
    """Insert new instances of one model as `QuerySet.bulk_create` does (no signals, no
    `save()`, no manager in the way) and set their primary keys; returns `objs`.

    On PostgreSQL this is one hand-written `INSERT … SELECT * FROM unnest(column arrays) …
    RETURNING`, one binary array a column, bound and prepared on the server: the statement's
    text is the same whatever the number of rows. Django's bulk insert spent more of a message's
    intake building its statement and quoting each value into it than the database spent
    inserting, and a statement of many placeholders is parsed anew on every call by the
    driver (bench/bench_voices_intake.py; docs/decisions/0005). Values go through the fields'
    own preparation (`pre_save`, `get_db_prep_save`) except plain text, numbers and ids, which
    are sent as they are. Elsewhere: bulk_create.
    """
    if not objs:
        return objs
    model = type(objs[0])
    shape = _insert_shape(model) if connection.vendor == "postgresql" else None
    if shape is None:
        from django.db.models import QuerySet

        QuerySet(model).bulk_create(objs)
        return objs
    sql, fields, plain = shape
    columns: list[list] = [[] for _ in fields]
    for obj in objs:
        for values, field, types in zip(columns, fields, plain, strict=True):
            value = getattr(obj, field.attname)
            if types is None or not isinstance(value, types):
                value = field.get_db_prep_save(field.pre_save(obj, True), connection)
            values.append(value)
    rows, _count = execute(sql, columns)
    attname = model._meta.pk.attname
    for obj, (pk_value,) in zip(objs, rows, strict=True):
        setattr(obj, attname, pk_value)
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


@functools.cache
def _insert_shape(model):
    # The INSERT statement, its fields and the plain types each may be sent as (None: always
    # the field's own preparation); None when a column's type cannot be sent as an array
    # (then bulk_create does it).
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [
        f for f in meta.local_concrete_fields
        if not getattr(f, "generated", False) and not (f.primary_key and f.db_returning)
    ]
    casts = []
    for f in fields:
        kind = (f.target_field if f.is_relation else f).get_internal_type()
        if kind not in connection.data_types or hasattr(f, "get_placeholder"):
            return None
        # Without the size (varchar, not varchar(50)): the column checks it. In binary (%b):
        # psycopg writes a text array element by element in Python, escaping each; the binary
        # array costs it an eighth of that.
        casts.append(f"%b::{f.db_type(connection).split('(')[0]}[]")
    plain = tuple(
        _PLAIN.get(f.get_internal_type()) if type(f).pre_save is Field.pre_save else None for f in fields
    )
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608
        f" SELECT * FROM unnest({', '.join(casts)}) RETURNING {quote(meta.pk.column)}"
    )
    return sql, tuple(fields), plain
