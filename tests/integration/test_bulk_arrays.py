"""`in_values`: a long list in one parameter selects exactly the rows whose value it names."""

import pytest
import sqlalchemy as sa

from gstims.store.bulk import in_values

AWKWARD = ['a"b', "a\\b", "a,b", "{x}", " padded ", "NULL", "", "ü€", "it's", '\\"', "a\\", '"']


@pytest.fixture
def table(db):
    metadata = sa.MetaData()
    table = sa.Table(
        "awkward", metadata, sa.Column("text", sa.String(40)), sa.Column("n", sa.BigInteger)
    )
    with db.engine.begin() as conn:
        table.create(conn)
        rows = [{"text": t, "n": n} for n, t in enumerate(AWKWARD)]
        conn.execute(table.insert(), [*rows, {"text": "other", "n": 10**12}])
    return table


def selected(db, table, column, values):
    with db.engine.connect() as conn:
        return sorted(
            conn.execute(sa.select(column).where(in_values(conn, column, values))).scalars()
        )


def test_strings_with_quotes_commas_braces_and_backslashes_match_only_themselves(db, table):
    assert selected(db, table, table.c.text, AWKWARD) == sorted(AWKWARD)
    assert selected(db, table, table.c.text, ["NULL"]) == ["NULL"]
    assert selected(db, table, table.c.text, []) == []


def test_integer_keys_match_only_themselves(db, table):
    assert selected(db, table, table.c.n, [1, 3, 10**12, 99]) == [1, 3, 10**12]
    assert selected(db, table, table.c.n, []) == []
