"""Migrations that move data: what a database holds survives an upgrade and a downgrade."""

import sqlalchemy as sa
from tests.integration.harness import S1, R, Sandbox, doc

from gstims.domain.records import Action
from gstims.store.tables import gstr2b, records


def members(db) -> dict[int, dict]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(gstr2b.c.version, gstr2b.c.members).order_by("version"))
        return {version: held for version, held in rows}


def ids(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return dict(conn.execute(sa.select(records.c.number, records.c.id)).all())


def test_0004_moves_what_a_2b_held_from_marked_records_to_the_generation_and_back(db):
    """Rule: R-3B-3 — the 3B consumes what the latest 2B held, across migration 0004."""
    box = Sandbox(db)
    box.register(S1)
    box.register(R)
    box.today("05-11-2024")
    box.save(S1, "102024", *(doc(f"INV-{i}", "10-10-2024") for i in (1, 2, 3)))
    box.file(S1, "102024")
    box.act("INV-1", Action.ACCEPT)
    box.act("INV-2", Action.REJECT)
    box.act("INV-3", Action.PENDING)
    box.today("14-11-2024")  # the clock drafts the 2B
    box.gen2b("102024")  # recomputed: the latest version is the one the 3B will consume
    number = ids(db)
    held = {"A": [number["INV-1"]], "R": [number["INV-2"]]}  # Pending stays in IMS
    assert members(db) == {1: held, 2: held}

    db.downgrade("0003")
    with db.engine.connect() as conn:
        marks = conn.execute(
            sa.text("SELECT number, in_2b_period, in_2b_version, in_2b_action FROM records")
        ).all()
    assert sorted(marks) == [
        ("INV-1", 202410, 2, "A"),
        ("INV-2", 202410, 2, "R"),
        ("INV-3", None, None, None),
    ]

    db.migrate()
    assert members(db) == {1: {}, 2: held}  # only the latest can still be told from marks
    box.file(R, "102024")
    box.file3b("102024")
    with db.engine.connect() as conn:
        consumed = conn.execute(
            sa.select(records.c.number, records.c.consumed_action).where(
                records.c.consumed_in.is_not(None)
            )
        ).all()
    assert sorted(consumed) == [("INV-1", "A"), ("INV-2", "R")]


def test_0013_makes_every_existing_grant_an_approver_and_goes_back(db):
    """Issue 17: a grant made before roles keeps all it did (approver); down and up again."""
    from gstims.domain.roles import Role
    from gstims.services import taxpayers

    box = Sandbox(db)
    box.register(R)
    db.downgrade("0010")
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, name, token_hash, is_admin) VALUES (7, 'old', 'h', false)"
            )
        )
        conn.execute(sa.text("INSERT INTO grants (user_id, gstin) VALUES (7, :g)"), {"g": R})
    db.migrate()
    with db.uow(write=False) as uow:
        found = taxpayers.principal_named(uow, "old")
        assert found is not None and found.roles == {R: Role.APPROVER}
        assert uow.taxpayers.maker_checker(R) is False
    db.downgrade("0010")
    db.migrate()
