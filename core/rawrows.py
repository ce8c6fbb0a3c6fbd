"""Model instances read by a hand-written WHERE clause, for the few hot paths where the
ORM's query building costs more than the database's answer (the vote in the room,
bench/bench_voting.py; docs/decisions/0003-voting-throughput.md).

    rounds = rawrows.load(Round, "id = %s", [round_id])

Table and column names come from the model; every value is a parameter. The instances are
ordinary model instances (built with `Model.from_db`, as the ORM builds them).
"""

from __future__ import annotations

import functools

from django.db import connection


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
        with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params, prepare=True)
            # pgresult.nfields, not description: that builds a column object per column.
            result = cursor.pgresult
            return (cursor.fetchall() if result is not None and result.nfields else []), cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return (cursor.fetchall() if cursor.description else []), cursor.rowcount


def load(model, where: str, params, *, limit: int | None = None) -> list:
    """Instances of `model` whose rows satisfy `where` (a parameterised SQL condition)."""
    select, _attnames = columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT {select} FROM {table} WHERE {where}"  # noqa: S608 - names from the model
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows, _count = execute(sql, params)
    return [from_row(model, row) for row in rows]
