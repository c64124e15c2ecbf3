"""Filing a GSTR-3B consumes each record as the filed 2B held it (R-3B-3): with the
declaration that 2B was computed with, not one changed since, and the credit-note add-backs
(R-3B-4) follow what that consumption gave."""

import sqlalchemy as sa
from tests.integration.harness import S1, R, Sandbox, doc

from gstims.domain.money import Tax
from gstims.domain.records import Kind
from gstims.domain.state import Declaration
from gstims.store.tables import addbacks, audit_log, records

NOVEMBER = 202511


def _month(db):
    box = Sandbox(db, today="01-11-2025")
    box.register(S1, on="01-11-2025")
    box.register(R, on="01-11-2025")
    box.today("30-11-2025")
    box.save(S1, "112025", doc("CN-X", "13-11-2025", kind=Kind.CN, taxable=100000))
    box.today("10-12-2025")
    box.file(S1, "112025")
    return box


def _consumed(db):
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(records.c.consumed_in, records.c.consumed_action, records.c.eff_igst).where(
                records.c.doc_number == "CN-X"
            )
        ).one()
        adds = conn.execute(sa.select(addbacks.c.igst)).scalars().all()
    return tuple(row), adds


def test_a_declaration_reset_after_the_2b_is_consumed_as_the_2b_held_it(db):
    """Rule: R-3B-3, R-3B-4 — CN-X (IGST 18,000) accepted with a declared reduction of 9,000
    is in the 2B (othersup 9,000). After the 2B the recipient resets it (No action, the
    declaration cleared) and files the 3B from that 2B: CN-X is consumed as the 2B held it,
    accepted with the 9,000 reduction, and the undeclared 9,000 is added back to S1."""
    box = _month(db)
    box.act("CN-X", "A", declaration=Declaration(True, Tax.of(igst=9000)), remarks="half")
    box.today("14-12-2025")
    box.get2b("112025")
    box.act("CN-X", "N")  # RESET after the 2B: action and declaration both change
    box.file(R, "112025")
    box.file3b("112025")
    assert _consumed(db) == ((NOVEMBER, "A", 900000), [900000])


def test_a_nil_declaration_made_after_the_2b_does_not_change_what_is_consumed(db):
    """Rule: R-3B-3, R-3B-4 — CN-X accepted plainly is in the 2B with its full 18,000
    reduction (Table 4 reduces ITC by 18,000). After the 2B the recipient re-accepts it with a
    nil declaration (itcRedReq N + remarks; the action stays A). Filing the 3B from that 2B
    consumes it as the 2B held it: effect 18,000, no add-back, and the declaration goes back,
    audited."""
    box = _month(db)
    box.act("CN-X", "A")
    box.today("14-12-2025")
    box.get2b("112025")
    box.act("CN-X", "A", declaration=Declaration(False, None), remarks="not availed")
    box.file(R, "112025")
    box.file3b("112025")
    assert _consumed(db) == ((NOVEMBER, "A", 1800000), [])
    with db.engine.connect() as conn:
        declared = conn.execute(sa.select(records.c.itc_red_req)).scalar_one()
        notes = conn.execute(sa.select(audit_log.c.note)).scalars().all()
    assert declared is None
    assert "declaration as the filed 2B held it" in notes
