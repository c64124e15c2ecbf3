"""Bulk reads and writes for volume: a lakh of rows without a lakh of SQLAlchemy round trips.

Core's `conn.execute(insert(table), list_of_dicts)` spends most of its time processing
parameters row by row in Python (about 60 µs a row for the 65-column records table: seconds
for a lakh). These helpers hand the driver plain tuples instead:

- SQLite (in-process): one `executemany` of tuples through `exec_driver_sql`, each column
  through its type's own bind processor, so a value is stored exactly as Core stores it (a
  `Date` is the text Core writes and reads back).
- PostgreSQL: a per-row `executemany` costs a statement execution per row on the server, so
  a large batch is COPYed into a temporary table of the same columns (in binary, for an
  insert) and written by ONE `INSERT ... SELECT` / `UPDATE ... FROM` (the usual staging-table
  load).

    insert_rows(conn, records, rows)             INSERT every row
    update_rows(conn, records, rows)             UPDATE each row by its key
    update_grouped(conn, records, groups)        the same, set-based: rows grouped by new values
                                                 (each update may take a `scope`: columns
                                                 all its rows have, e.g. the recipient)
    update_where_in(conn, records, ids, values)  one UPDATE ... WHERE id IN (...), same values
    in_values(conn, column, values)              `column IN (values)` with one parameter
    fetch_dicts(conn, query)                     a query's rows as plain dicts

Every value travels as a bound parameter or through COPY; only table and column names from
the schema are written into SQL text. The helpers run on the caller's connection, inside
its transaction: a failure anywhere rolls all of it back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Executable,
    Integer,
    Table,
    any_,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.types import UserDefinedType

Row = Mapping[str, Any]
_Processor = Callable[[Any], Any] | None
STAGE_FROM = 1000  # PostgreSQL: from this many rows, COPY into a staging table
_GROUP = 50  # update_grouped: smaller groups of equal values go in the per-row write


def insert_rows(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """INSERT every row (mappings with the same keys).

    A column missing from the rows gets its scalar Python-side default, as Core would give
    it. A column that is NULL in every row is left out: it is NULL anyway (no column has a
    server default), and sending a lakh of NULLs is measurable time. Each value is of its
    column's Python type (a large PostgreSQL batch travels in binary, see `_stage`).
    """
    if not rows:
        return
    rows = _with_defaults(table, rows)
    names = _not_all_null(rows, [name for name in rows[0] if name in table.c])
    if not names:
        return
    columns = ", ".join(_quote(conn, n) for n in names)
    target = _quote(conn, table.name)
    if _stages(conn, rows):
        stage = _stage(conn, table, rows, names, binary=True)
        conn.exec_driver_sql(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {stage}")
        conn.exec_driver_sql(f"DROP TABLE {stage}")
        return
    names, data = _driver_rows(conn, table, rows, names)
    marks = ", ".join([_mark(conn)] * len(names))
    columns = ", ".join(_quote(conn, n) for n in names)
    conn.exec_driver_sql(f"INSERT INTO {target} ({columns}) VALUES ({marks})", data)


def update_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[Row],
    key: str = "id",
    increment: Sequence[str] = (),
    scope: Row | None = None,
) -> None:
    """UPDATE each row: a mapping of `key` and new values, the same keys in every row.

    A column named in `increment` is not set but increased by the row's value (a version
    counter: `version = version + 1`). `scope`: columns every updated row has, by value (the
    recipient of records: PostgreSQL then reads one partition).
    """
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    target = _quote(conn, table.name)
    fixed = list((scope or {}).items())

    def new(name: str, value: str) -> str:
        column = _quote(conn, name)
        base = f"{target}.{column} + " if name in increment else ""
        return f"{column} = {base}{value}"

    within = "".join(f" AND {target}.{_quote(conn, n)} = {_mark(conn)}" for n, _ in fixed)
    values = tuple(v for _, v in fixed)
    if _stages(conn, rows):
        stage = _stage(conn, table, rows, [*names, key])
        sets = ", ".join(new(n, f"{stage}.{_quote(conn, n)}") for n in names)
        k = _quote(conn, key)
        conn.exec_driver_sql(
            f"UPDATE {target} SET {sets} FROM {stage} WHERE {target}.{k} = {stage}.{k}{within}",
            values,
        )
        conn.exec_driver_sql(f"DROP TABLE {stage}")
        return
    names, data = _driver_rows(conn, table, rows, names, last=key)
    mark = _mark(conn)
    sets = ", ".join(new(n, mark) for n in names[:-1])
    conn.exec_driver_sql(
        f"UPDATE {target} SET {sets} WHERE {target}.{_quote(conn, key)} = {mark}{within}",
        [row + values for row in data] if values else data,
    )


def update_grouped(
    conn: Connection,
    table: Table,
    groups: Mapping[tuple[tuple[str, Any], ...], Sequence[Any]],
    key: str = "id",
    increment: Sequence[str] = (),
    scope: Row | None = None,
) -> None:
    """UPDATE rows grouped by their new values (`((name, value), ...)` → keys): a group of at
    least `_GROUP` keys is one UPDATE ... WHERE key IN (...); the rows of smaller groups
    (nearly unique values) go together through `update_rows`. The statement count stays
    below rows / `_GROUP` + 1."""
    rest: list[Row] = []
    for values, keys in groups.items():
        if len(keys) < _GROUP:
            rest += [{key: k, **dict(values)} for k in keys]
            continue
        assigned = {n: table.c[n] + v if n in increment else v for n, v in values}
        update_where_in(conn, table, keys, assigned, key, scope)
    update_rows(conn, table, rest, key, increment, scope)


def update_where_in(
    conn: Connection,
    table: Table,
    keys: Iterable[Any],
    values: Mapping[str, Any],
    key: str = "id",
    scope: Row | None = None,
) -> int:
    """Give every row whose `key` is in `keys` the same `values` (SQL expressions allowed):
    one UPDATE, whatever the number of keys. Answers the number of rows updated."""
    wanted = list(keys)
    if not wanted:
        return 0
    within = [also(conn, table.c[n] == v) for n, v in (scope or {}).items()]
    statement = update(table).where(in_values(conn, table.c[key], wanted), *within).values(values)
    return int(conn.execute(statement).rowcount)


def in_values(conn: Connection, column: ColumnElement[Any], values: Sequence[Any]) -> Any:
    """`column IN (values)` with ONE bound parameter, however many values.

    Core's `in_()` binds one parameter per value (tens of microseconds each to compile and
    process, and SQLite allows at most 32,766 of them). Here the values travel as one array
    text (PostgreSQL, `= ANY(...)`, see `_ArrayText`) or one JSON array read by `json_each`
    (SQLite). For strings and integers, which compare the same way on both sides.
    """
    if conn.dialect.name == "postgresql":
        integers = isinstance(column.type, Integer)
        return column == any_(literal(list(values), _ArrayText(integers)))
    listed = func.json_each(literal(json.dumps(list(values)))).table_valued("value")
    return column.in_(select(listed.c.value))


def also(conn: Connection, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """A condition that only checks the rows another one selects (`in_values` of their ids):
    on SQLite wrapped in `unlikely()`, which no index serves, so the planner reaches the rows
    by their ids and does not walk, say, every record of the recipient through an index on
    it to test each id (ADR 0020). PostgreSQL prunes its partitions by it as it is."""
    if conn.dialect.name == "sqlite":
        return func.unlikely(condition, type_=Boolean)
    return condition


def fetch_dicts(conn: Connection, query: Executable) -> list[dict[str, Any]]:
    """The rows of a query as plain, mutable dicts (one `zip` each: a lakh of `RowMapping`
    conversions costs seconds)."""
    result = conn.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


# -- helpers ----------------------------------------------------------------------------------


def _with_defaults(table: Table, rows: Sequence[Row]) -> Sequence[Row]:
    defaults = {
        c.name: _scalar_default(c)
        for c in table.columns
        if c.name not in rows[0] and _scalar_default(c) is not None
    }
    return [{**defaults, **row} for row in rows] if defaults else rows


def _not_all_null(rows: Sequence[Row], names: list[str]) -> list[str]:
    """The names of the columns with a value in some row."""
    maybe_null = [n for n in names if rows[0][n] is None]
    if not maybe_null:
        return names
    if set(map(_getter(maybe_null), rows)) == {(None,) * len(maybe_null)}:
        null = set(maybe_null)
    else:
        null = {n for n in maybe_null if all(row[n] is None for row in rows)}
    return [n for n in names if n not in null]


def _stages(conn: Connection, rows: Sequence[Row]) -> bool:
    return conn.dialect.name == "postgresql" and len(rows) >= STAGE_FROM


def _stage(
    conn: Connection, table: Table, rows: Sequence[Row], names: Sequence[str], binary: bool = False
) -> str:
    """COPY the rows' `names` columns into a new temporary table of the same column types
    (no constraints, no indexes); answers its name. The caller drops it.

    `binary`: each value goes in the binary format of its column's type as the server reports
    it (half the client's time of the text format); a value must then be of its column's
    Python type (an `int` for an integer, a `date` for a date: no text is cast).
    """
    stage = f"stage_{table.name}_{uuid.uuid4().hex[:12]}"
    columns = ", ".join(_quote(conn, n) for n in names)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {stage} AS SELECT {columns} FROM {_quote(conn, table.name)} "
        "WITH NO DATA"
    )
    get = _getter(names)
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        types = None
        if binary:
            # identifiers quoted by the dialect, the stage name made above: no input in it
            cursor.execute(f"SELECT {columns} FROM {stage} LIMIT 0")  # nosec B608
            types = [column.type_code for column in cursor.description]
        with cursor.copy(
            f"COPY {stage} ({columns}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
        ) as copy:
            if types is not None:
                copy.set_types(types)
            for row in rows:
                copy.write_row(get(row))
    return stage


def _driver_rows(
    conn: Connection, table: Table, rows: Sequence[Row], names: list[str], last: str = ""
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The rows as tuples for `executemany`, and the column order of those tuples.

    Columns whose type has a bind processor (SQLite dates and flags) are processed
    column-wise and placed after the others (then `last`, if given); the tuples are built by
    C-level `itemgetter` and tuple concatenation, never value by value in Python.
    """
    processors = {n: _processor(conn, table.c[n]) for n in [*names, *([last] if last else [])]}
    plain = [n for n in names if processors[n] is None]
    cooked = [n for n in names if processors[n] is not None] + ([last] if last else [])
    heads = list(map(_getter(plain), rows)) if plain else [()] * len(rows)
    if not cooked:
        return plain, heads
    columns = [_processed(processors[n], [row[n] for row in rows]) for n in cooked]
    return [*plain, *cooked], list(map(tuple.__add__, heads, zip(*columns, strict=True)))


def _getter(names: Sequence[str]) -> Callable[[Row], tuple[Any, ...]]:
    """`row → tuple of its names' values` (itemgetter answers a bare value for one name)."""
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    return itemgetter(*names)


def _processed(process: _Processor, values: list[Any]) -> list[Any]:
    """A column through its type's bind processor; once per distinct value when few."""
    if process is None:
        return values
    distinct = set(values)
    if len(distinct) * 4 < len(values):
        done = {v: process(v) for v in distinct}
        return list(map(done.__getitem__, values))
    return list(map(process, values))


def _processor(conn: Connection, column: Column[Any]) -> _Processor:
    dialect = conn.dialect
    processor: _Processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor


def _scalar_default(column: Column[Any]) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None  # type: ignore[attr-defined]


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


# -- long lists ---------------------------------------------------------------------------------


class _ArrayText(UserDefinedType[list[Any]]):
    """A list bound as ONE text parameter, `'{...}'::BIGINT[]` or `'{"..."}'::VARCHAR[]`.

    psycopg dumps a Python list element by element (a lakh of values: a tenth of a second); the
    text is one `str.join`, and the server reads it as the declared type: a constant, so
    `= ANY(...)` is still hashed. (Not `CAST(text AS ...[])`: the planner does not fold that
    cast, and `= ANY` then searches the whole array for every row.)
    """

    cache_ok = True
    render_bind_cast = True

    def __init__(self, integers: bool) -> None:
        self.integers = integers

    def get_col_spec(self, **kw: Any) -> str:
        return "BIGINT[]" if self.integers else "VARCHAR[]"

    def bind_processor(self, dialect: Any) -> Callable[[list[Any] | None], str | None]:
        return _integers_text if self.integers else _strings_text


def _integers_text(values: list[int] | None) -> str | None:
    return None if values is None else "{" + ",".join(map(str, map(int, values))) + "}"


def _strings_text(values: list[str] | None) -> str | None:
    """Every element quoted, its `\\` and `"` escaped: no value reads as NULL or splits."""
    if values is None:
        return None
    quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return '{"' + '","'.join(quoted) + '"}' if values else "{}"
