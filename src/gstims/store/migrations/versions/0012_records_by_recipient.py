"""Records by recipient: hash partitions on PostgreSQL, every key holding its tenant (issue 13)

PostgreSQL: `records` becomes a table partitioned by a hash of the recipient GSTIN,
GSTIMS_RECORDS_PARTITIONS partitions (default 8), each with fillfactor 70 (migration 0003).
A partitioned table's primary key and unique constraints must hold the partition key — and
Citus imposes the same on a table distributed by the recipient (docs/SCALE.md) — so:

    primary key      (id, recipient)          was (id): id leads, a lookup by id alone still
                                              finds its row by index in each partition
    uq_records_key   (supplier, kind, number, fy, amend_no, recipient)

The number rule that the old key held — a supplier's document number is used once per kind
and financial year *whoever the recipient* (R-IN-4) — is held by a new table `record_keys`
(primary key supplier, kind, number, fy, amend_no), kept by triggers on `records` in the
same statement: an INSERT of a key already held fails as before. The other tables that the
Citus design distributes get primary keys that hold their distribution column
(`DISTRIBUTED_KEYS`). SQLite: `record_keys` and its triggers, and the new unique key; its
primary keys stay as they are (an autoincrement id is a single-column key there).

The conversion works on a filled table: the rows are copied into the partitioned table, the
id sequence is kept (same sequence, same next value), indexes are built after the copy.
ADR 17 and docs/SCALE.md say why.

Revision ID: 0012
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from gstims.settings import environment

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEY = ("supplier", "kind", "number", "fy", "amend_no")
OLD_KEY = KEY
NEW_KEY = (*KEY, "recipient")
RECORD_INDEXES = {
    "ix_records_recipient_ims": ("recipient", "live", "consumed_in", "route", "kind"),
    "ix_records_recipient_period": ("recipient", "period_2b"),
    "ix_records_supplier_period": ("supplier", "source_period", "origin"),
}
# the tables docs/SCALE.md distributes, and their primary key holding the distribution column
# (PostgreSQL only: on SQLite an autoincrement id must be the whole key)
DISTRIBUTED_KEYS = {
    "audit_log": ("id", "recipient"),
    "itc_adjustments": ("id", "recipient"),
    "addbacks": ("id", "supplier"),
    "requests": ("reference_id", "gstin"),
    "books_imports": ("id", "gstin"),
    "books_documents": ("id", "gstin"),
    "recon_runs": ("id", "gstin"),
    "recon_manual": ("id", "gstin"),
    "gstn_downloads": ("token", "gstin"),
    "gstn_return_saves": ("reference_id", "gstin"),
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "record_keys",
        sa.Column("supplier", sa.String(15), nullable=False),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("fy", sa.Integer(), nullable=False),
        sa.Column("amend_no", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name="pk_record_keys"),
    )
    columns = ", ".join(KEY)
    op.execute(f"INSERT INTO record_keys ({columns}) SELECT {columns} FROM records")  # nosec B608
    if postgres:
        _partition_records(environment().records_partitions)
        _primary_keys({t: key for t, key in DISTRIBUTED_KEYS.items()})
        _postgres_triggers()
    else:
        with op.batch_alter_table("records") as batch:
            batch.drop_constraint("uq_records_key", type_="unique")
            batch.create_unique_constraint("uq_records_key", list(NEW_KEY))
        _sqlite_triggers()


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER records_keys_insert ON records")
        op.execute("DROP TRIGGER records_keys_delete ON records")
        op.execute("DROP TRIGGER records_keys_update ON records")
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP FUNCTION record_keys_{name}()")
        _primary_keys({t: key[:1] for t, key in DISTRIBUTED_KEYS.items()})
        _unpartition_records()
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER records_keys_{name}")
        with op.batch_alter_table("records") as batch:
            batch.drop_constraint("uq_records_key", type_="unique")
            batch.create_unique_constraint("uq_records_key", list(OLD_KEY))
    op.drop_table("record_keys")


# -- PostgreSQL -------------------------------------------------------------------------------


def _partition_records(partitions: int) -> None:
    """records → a table partitioned by hash of the recipient, rows, sequence and all."""
    op.execute(
        "CREATE TABLE records_new (LIKE records INCLUDING DEFAULTS) PARTITION BY HASH (recipient)"
    )
    for i in range(partitions):
        op.execute(
            f"CREATE TABLE records_p{i} PARTITION OF records_new "
            f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {i}) WITH (fillfactor = 70)"
        )
    _swap_records()
    op.execute("ALTER TABLE records ADD CONSTRAINT pk_records PRIMARY KEY (id, recipient)")
    _record_keys_and_indexes(NEW_KEY)


def _unpartition_records() -> None:
    op.execute("CREATE TABLE records_new (LIKE records INCLUDING DEFAULTS) WITH (fillfactor = 70)")
    _swap_records()
    op.execute("ALTER TABLE records ADD CONSTRAINT pk_records PRIMARY KEY (id)")
    _record_keys_and_indexes(OLD_KEY)


def _swap_records() -> None:
    """Copy records into records_new, hand it the id sequence, and put it in records' place
    (the constraints and indexes are made afterwards: faster than row by row)."""
    op.execute("INSERT INTO records_new SELECT * FROM records")
    op.execute("ALTER SEQUENCE records_id_seq OWNED BY records_new.id")
    op.execute("DROP TABLE records")
    op.execute("ALTER TABLE records_new RENAME TO records")


def _record_keys_and_indexes(key: tuple[str, ...]) -> None:
    op.execute(f"ALTER TABLE records ADD CONSTRAINT uq_records_key UNIQUE ({', '.join(key)})")
    for name, columns in RECORD_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON records ({', '.join(columns)})")


def _primary_keys(keys: dict[str, tuple[str, ...]]) -> None:
    for table, columns in keys.items():
        op.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
            f"ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(columns)})"
        )


def _postgres_triggers() -> None:
    """record_keys follows records: set-based statement triggers for INSERT and DELETE (one
    INSERT ... SELECT over the statement's new rows), a row trigger for the rare UPDATE that
    changes a key (none in gstims today; it keeps the table true if one ever does)."""
    columns = ", ".join(KEY)
    matches = " AND ".join(f"k.{c} = gone.{c}" for c in KEY)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in KEY)
    sets = ", ".join(f"{c} = NEW.{c}" for c in KEY)
    old = " AND ".join(f"{c} = OLD.{c}" for c in KEY)
    # every name below is one of this module's constants: no input reaches the SQL
    bodies = {
        "insert": f"INSERT INTO record_keys ({columns}) SELECT {columns} FROM added",  # nosec B608
        "delete": f"DELETE FROM record_keys k USING removed gone WHERE {matches}",  # nosec B608
        "update": f"UPDATE record_keys SET {sets} WHERE {old}",  # nosec B608
    }
    for name, body in bodies.items():
        op.execute(
            f"CREATE FUNCTION record_keys_{name}() RETURNS trigger AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
    op.execute(
        "CREATE TRIGGER records_keys_insert AFTER INSERT ON records REFERENCING NEW TABLE AS "
        "added FOR EACH STATEMENT EXECUTE FUNCTION record_keys_insert()"
    )
    op.execute(
        "CREATE TRIGGER records_keys_delete AFTER DELETE ON records REFERENCING OLD TABLE AS "
        "removed FOR EACH STATEMENT EXECUTE FUNCTION record_keys_delete()"
    )
    op.execute(
        f"CREATE TRIGGER records_keys_update AFTER UPDATE OF {columns} ON records "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION record_keys_update()"
    )


# -- SQLite -----------------------------------------------------------------------------------


def _sqlite_triggers() -> None:
    # every name below is one of this module's constants: no input reaches the SQL
    columns = ", ".join(KEY)
    new = ", ".join(f"NEW.{c}" for c in KEY)
    old = " AND ".join(f"{c} = OLD.{c}" for c in KEY)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in KEY)
    sets = ", ".join(f"{c} = NEW.{c}" for c in KEY)
    insert = f"INSERT INTO record_keys ({columns}) VALUES ({new})"  # nosec B608
    delete = f"DELETE FROM record_keys WHERE {old}"  # nosec B608
    update = f"UPDATE record_keys SET {sets} WHERE {old}"  # nosec B608
    op.execute(f"CREATE TRIGGER records_keys_insert AFTER INSERT ON records BEGIN {insert}; END")
    op.execute(f"CREATE TRIGGER records_keys_delete AFTER DELETE ON records BEGIN {delete}; END")
    op.execute(
        f"CREATE TRIGGER records_keys_update AFTER UPDATE OF {columns} ON records "
        f"WHEN {changed} BEGIN {update}; END"
    )
