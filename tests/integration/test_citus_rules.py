"""The schema as migrated on PostgreSQL keeps the rules Citus imposes on its design (issue 13).

Citus is not installed here; docs/SCALE.md designs gstims on it, and this test holds the
PostgreSQL schema that `alembic upgrade head` builds to what Citus would accept of that
design, so the design cannot silently rot. The design is data: `ROLES` gives each table its
role (distributed by a column, reference, or local to the coordinator); a table in the
metadata without a role fails `test_every_table_has_a_role_in_the_citus_design`.

The rules, with their source (Citus documentation, docs.citusdata.com):

    C1  a distributed table's primary key, unique constraints and unique indexes contain its
        distribution column ("Citus imposes primary key constraint only if the distribution
        column is a part of the primary key" — FAQ, "Can I create primary keys on distributed
        tables?"; the same for UNIQUE: "Creating and Modifying Distributed Objects (DDL)",
        Adding/Removing Constraints)
    C2  an EXCLUDE constraint of a distributed table contains the distribution column with
        the equality operator (same page)
    C3  a foreign key between distributed tables only when they are colocated and the key
        includes the distribution column on both sides; a distributed table may reference a
        reference table; a reference table may not reference a distributed table; a local
        (coordinator) table may reference only reference tables and local tables (same page,
        "Foreign keys"; "Citus local tables")
    C4  the distribution column is NOT NULL (Citus refuses a row whose distribution column is
        NULL: "cannot perform an INSERT with NULL in the partition column")
    C5  tables colocated with one another have distribution columns of one type
        (create_distributed_table's colocate_with: "the distribution column types must
        match")
    C6  a distributed table's triggers are ones the design knows (Citus runs triggers on
        shards only with citus.enable_unsafe_triggers, and a trigger on one shard that
        writes another table's shard is not safe): `TRIGGERS_BEFORE_SHARDING` lists the
        triggers docs/SCALE.md says must be replaced before the first shard is added
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import gstims.gstn.tables
import gstims.store.books_tables
from gstims.store.tables import metadata

assert gstims.gstn.tables.metadata is gstims.store.books_tables.metadata is metadata  # all

pytestmark = pytest.mark.postgres

RECIPIENT = "recipient"  # the colocation group of every tenant's own data
SUPPLIER = "supplier"  # the supplier-side group (hash-colocated with RECIPIENT: same type)

# table → ("distributed", column, group) | ("reference",) | ("local",)
ROLES: dict[str, tuple[str, ...]] = {
    # a recipient's (a taxpayer's own) data: distributed by its GSTIN, colocated
    "records": ("distributed", "recipient", RECIPIENT),
    "audit_log": ("distributed", "recipient", RECIPIENT),
    "gstr2b": ("distributed", "recipient", RECIPIENT),
    "itc_adjustments": ("distributed", "recipient", RECIPIENT),
    "returns": ("distributed", "gstin", RECIPIENT),
    "gstr3b_drafts": ("distributed", "gstin", RECIPIENT),
    "requests": ("distributed", "gstin", RECIPIENT),
    "books_imports": ("distributed", "gstin", RECIPIENT),
    "books_documents": ("distributed", "gstin", RECIPIENT),
    "books_profiles": ("distributed", "gstin", RECIPIENT),
    "recon_runs": ("distributed", "gstin", RECIPIENT),
    "recon_manual": ("distributed", "gstin", RECIPIENT),
    "gstn_downloads": ("distributed", "gstin", RECIPIENT),
    "gstn_return_saves": ("distributed", "gstin", RECIPIENT),
    "clock_results": ("distributed", "gstin", RECIPIENT),  # what a clock event did to each
    "auto_rule_runs": ("distributed", "gstin", RECIPIENT),  # a rule set's run per GSTIN and month
    # maker-checker (migration 0013): a GSTIN's proposals; an item carries its proposal's GSTIN
    "proposals": ("distributed", "gstin", RECIPIENT),
    "proposal_items": ("distributed", "gstin", RECIPIENT),
    # the supplier side: what must be unique or read per supplier across recipients
    "record_keys": ("distributed", "supplier", SUPPLIER),
    "addbacks": ("distributed", "supplier", SUPPLIER),
    # small, read with everything: a copy on every node
    "taxpayers": ("reference",),
    "users": ("reference",),
    "grants": ("reference",),
    "api_tokens": ("reference",),
    "clock": ("reference",),
    "clock_runs": ("reference",),
    "auto_rule_sets": ("reference",),  # small: one per GSTIN or CA user that keeps rules
    "gstn_clients": ("reference",),
    # the coordinator's own: sign-in and protocol state, never joined with tenant data
    "sessions": ("local",),
    "login_failures": ("local",),
    "security_log": ("local",),
    "gstn_otps": ("local",),
    "gstn_sessions": ("local",),
    "gstn_files": ("local",),
}

# C6: triggers on distributed tables that docs/SCALE.md replaces before the first shard
TRIGGERS_BEFORE_SHARDING = {
    ("records", "records_keys_insert"),
    ("records", "records_keys_delete"),
    ("records", "records_keys_update"),
    ("audit_log", "audit_log_append_only"),
    ("audit_log", "audit_log_no_truncate"),
}


def test_every_table_has_a_role_in_the_citus_design():
    """A new table fails here until docs/SCALE.md's design gives it a role."""
    assert set(metadata.tables) - set(ROLES) == set()
    assert set(ROLES) - set(metadata.tables) == set()  # no role for a table that is gone


def test_the_migrated_schema_keeps_the_citus_rules(pg_db):
    with pg_db.engine.connect() as conn:
        schema = Schema(conn)
        assert schema.tables == set(ROLES)  # what the migrations build, every table classified
        problems = [
            *schema.keys_hold_the_distribution_column(),  # C1, C2
            *schema.foreign_keys_allowed(),  # C3
            *schema.distribution_columns_not_null(),  # C4
            *schema.colocated_types_match(),  # C5
            *schema.known_triggers(),  # C6
        ]
    assert problems == []


def test_the_checks_catch_what_citus_refused(pg_db):
    """The test can fail: on today's schema before migration 0012 (what a Citus 13.2 cluster
    refused), rule C1 names records' primary key and uq_records_key."""
    pg_db.downgrade("0010")
    with pg_db.engine.connect() as conn:
        problems = Schema(conn).keys_hold_the_distribution_column()
    assert "records: primary key pk_records (id) lacks recipient" in problems
    assert (
        "records: unique uq_records_key (supplier, kind, number, fy, amend_no) lacks recipient"
        in problems
    )
    pg_db.migrate()


def test_a_foreign_key_from_a_reference_to_a_distributed_table_is_named(pg_db):
    """C3 can fail: a reference table pointing into a distributed one is reported."""
    with pg_db.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE gstr2b ADD CONSTRAINT uq_probe UNIQUE (recipient)"))
        conn.execute(
            sa.text(
                "ALTER TABLE taxpayers ADD CONSTRAINT fk_probe FOREIGN KEY (gstin) "
                "REFERENCES gstr2b (recipient)"
            )
        )
        problems = Schema(conn).foreign_keys_allowed()
        conn.rollback()
    assert problems == ["taxpayers: foreign key fk_probe → gstr2b: reference → distributed"]


class Schema:
    """The PostgreSQL catalogue of the connection's schema, read for the rules."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.inspector = sa.inspect(conn)
        partitions = self.conn.execute(
            sa.text(
                "SELECT relname FROM pg_class WHERE relispartition "
                "AND relnamespace = current_schema()::regnamespace"
            )
        ).scalars()
        names = set(self.inspector.get_table_names())
        self.tables = names - {"alembic_version", *partitions}

    def distributed(self) -> dict[str, tuple[str, str]]:
        return {
            t: (r[1], r[2]) for t, r in ROLES.items() if r[0] == "distributed" and t in self.tables
        }

    def keys_hold_the_distribution_column(self) -> list[str]:
        problems = []
        for table, (column, _) in self.distributed().items():
            pk = self.inspector.get_pk_constraint(table)
            if column not in pk["constrained_columns"]:
                cols = ", ".join(pk["constrained_columns"])
                problems.append(f"{table}: primary key {pk['name']} ({cols}) lacks {column}")
            for uq in self.inspector.get_unique_constraints(table):
                if column not in uq["column_names"]:
                    cols = ", ".join(uq["column_names"])
                    problems.append(f"{table}: unique {uq['name']} ({cols}) lacks {column}")
            for ix in self.inspector.get_indexes(table):
                if ix["unique"] and column not in ix["column_names"]:
                    problems.append(f"{table}: unique index {ix['name']} lacks {column}")
            for name, definition in self._excludes(table):
                if f"{column} WITH =" not in definition:
                    problems.append(f"{table}: exclusion {name} lacks {column} WITH =")
        return problems

    def foreign_keys_allowed(self) -> list[str]:
        problems = []
        for table in sorted(self.tables):
            role = ROLES[table]
            for fk in self.inspector.get_foreign_keys(table):
                target = ROLES[fk["referred_table"]]
                why = _foreign_key_problem(role, target, fk)
                if why:
                    problems.append(
                        f"{table}: foreign key {fk['name']} → {fk['referred_table']}: {why}"
                    )
        return problems

    def distribution_columns_not_null(self) -> list[str]:
        problems = []
        for table, (column, _) in self.distributed().items():
            found = {c["name"]: c for c in self.inspector.get_columns(table)}
            if column not in found:
                problems.append(f"{table}: no column {column}")
            elif found[column]["nullable"]:
                problems.append(f"{table}: {column} is nullable")
        return problems

    def colocated_types_match(self) -> list[str]:
        kinds: dict[str, set[str]] = {}
        for table, (column, group) in self.distributed().items():
            found = {c["name"]: c for c in self.inspector.get_columns(table)}
            if column in found:
                kinds.setdefault(group, set()).add(str(found[column]["type"]))
        # the supplier group is hash-colocated with the recipient one: one GSTIN type in all
        every = set().union(*kinds.values())
        return [] if len(every) == 1 else [f"distribution column types differ: {sorted(every)}"]

    def known_triggers(self) -> list[str]:
        rows = self.conn.execute(
            sa.text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgparentid = 0 "
                "AND c.relnamespace = current_schema()::regnamespace"
            )
        ).all()
        distributed = self.distributed()
        return [
            f"{table}: trigger {name} is not in the design"
            for table, name in rows
            if table in distributed and (table, name) not in TRIGGERS_BEFORE_SHARDING
        ]

    def _excludes(self, table: str) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            sa.text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'x' AND conrelid = CAST(:table AS regclass)"
            ),
            {"table": table},
        ).all()
        return [(name, definition) for name, definition in rows]


def _foreign_key_problem(role: tuple[str, ...], target: tuple[str, ...], fk: dict) -> str | None:
    """C3: why Citus would refuse this foreign key (None: it would not)."""
    kind, to = role[0], target[0]
    if to == "reference":
        return None  # any table may reference a reference table
    if kind == "reference":
        return f"reference → {to}"
    if kind == "local":
        return None if to == "local" else "local → distributed"
    if to != "distributed" or role[2] != target[2]:
        return "distributed → a table not colocated with it"
    if role[1] not in fk["constrained_columns"] or target[1] not in fk["referred_columns"]:
        return "the key does not hold both distribution columns"
    return None
