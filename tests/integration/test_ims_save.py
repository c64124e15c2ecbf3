"""A bulk SAVE or RESET: each record judged on its own, written and audited set-based."""

from datetime import date

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, R, doc, supplier_and_recipient

from gstims.domain.ims import ActionItem
from gstims.domain.records import Action, Section
from gstims.services import ims
from gstims.store.tables import audit_log, records

INVOICE_DAY = date(2024, 10, 10)
MANY = 60  # more than a group the audit writes entry by entry


@pytest.fixture
def box(db):
    box = supplier_and_recipient(db)
    box.save(S1, "102024", *(doc(f"INV-{i}", "10-10-2024") for i in range(MANY)))
    return box


def item(number: str, action: Action, prev: Action | None, remarks: str | None = None):
    return ActionItem(Section.B2B, S1, number, INVOICE_DAY, action, prev, remarks)


def accept_all(box, numbers=range(MANY), user="bulk") -> ims.ActionResult:
    items = [item(f"INV-{i}", Action.ACCEPT, Action.NO_ACTION) for i in numbers]
    return box.run(ims.save_actions, R, items, user)


def audit(db) -> list[dict]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id)).mappings()
        return [dict(r) for r in rows]


def record_rows(db) -> dict[str, dict]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(records)).mappings()
        return {r["doc_number"]: dict(r) for r in rows}


def test_a_bulk_accept_audits_each_record_once_with_its_own_identity(box, db):
    """Rule: R-ACT-9, R-ACT-11 — one entry per change, naming the record it changed."""
    result = accept_all(box)
    assert (result.applied, result.errors) == (MANY, [])
    rows = record_rows(db)
    entries = audit(db)
    assert len(entries) == MANY
    by_record = {e["record_id"]: e for e in entries}
    for number, row in rows.items():
        entry = by_record[row["id"]]
        assert (entry["recipient"], entry["supplier"], entry["kind"]) == (R, S1, "INV")
        assert (entry["number"], entry["fy"]) == (row["number"], row["fy"])
        assert (entry["old_action"], entry["new_action"]) == ("N", "A"), number
        assert (entry["actor"], entry["request_id"]) == ("bulk", result.reference_id)
        assert (entry["day"], entry["remarks"], entry["note"]) == (date(2024, 11, 5), None, None)
        assert entry["at"] == row["acted_at"]
        assert (row["action"], row["version"], row["acted_by"]) == ("A", 1, "bulk")


def test_a_few_rejections_with_their_own_remarks_are_audited_like_the_bulk(box, db):
    """Rule: R-ACT-11 — the same entry whether written one by one or for a whole group."""
    items = [item(f"INV-{i}", Action.ACCEPT, Action.NO_ACTION) for i in range(3, MANY)]
    items += [item(f"INV-{i}", Action.REJECT, Action.NO_ACTION, f"short by {i}") for i in range(3)]
    result = box.run(ims.save_actions, R, items, "mixed")
    assert result.applied == MANY
    rows = record_rows(db)
    entries = {e["record_id"]: e for e in audit(db)}
    for i in range(MANY):
        row = rows[f"INV-{i}"]
        entry = entries[row["id"]]
        new = "R" if i < 3 else "A"
        remarks = f"short by {i}" if i < 3 else None
        assert (row["action"], row["remarks"], row["version"]) == (new, remarks, 1)
        assert (entry["new_action"], entry["remarks"], entry["number"]) == (
            new,
            remarks,
            f"INV-{i}",
        )
        assert (entry["actor"], entry["request_id"]) == ("mixed", result.reference_id)
        assert type(entry["at"]) is type(row["acted_at"])
        assert type(entry["day"]) is date


def test_a_record_named_twice_in_one_save_changes_twice_in_order(box, db):
    """Rule: R-ACT-9, R-ACT-11 — the second item sees the first's action; two entries, two
    version steps."""
    items = [item(f"INV-{i}", Action.ACCEPT, Action.NO_ACTION) for i in range(MANY)]
    items.append(item("INV-7", Action.REJECT, Action.ACCEPT, "damaged"))
    result = box.run(ims.save_actions, R, items, "twice")
    assert (result.applied, result.errors) == (MANY + 1, [])
    record = box.find("INV-7")
    trail = box.run(lambda uow: list(ims.history(uow, R, record.id)), write=False)
    history = [(h["old_action"], h["new_action"], h["remarks"]) for h in trail]
    assert history == [("N", "A", None), ("A", "R", "damaged")]
    row = record_rows(db)["INV-7"]
    assert (row["action"], row["version"]) == ("R", 2)
    assert record_rows(db)["INV-8"]["version"] == 1


def test_a_stale_previous_status_is_refused_record_by_record(box, db):
    """Rule: R-ACT-9 — IMSSAV0010 for the items whose record moved on; the others apply."""
    accept_all(box, range(10))
    items = [item(f"INV-{i}", Action.REJECT, Action.NO_ACTION) for i in range(MANY)]
    result = box.run(ims.save_actions, R, items, "late")
    assert result.applied == MANY - 10
    assert sorted(e.number for e in result.errors) == sorted(f"INV-{i}" for i in range(10))
    assert {e.code for e in result.errors} == {"IMSSAV0010"}
    assert {e.rtnprd for e in result.errors} == {"102024"}
    assert record_rows(db)["INV-3"]["action"] == "A"
    assert len(audit(db)) == MANY


def test_saving_the_same_actions_again_changes_nothing(box, db):
    """Rule: R-ACT-9 — no entry and no version step for a record already in that state."""
    accept_all(box)
    before, entries = record_rows(db), len(audit(db))
    again = accept_all(box)
    assert (again.applied, again.errors) == (0, [])
    assert len(audit(db)) == entries
    assert record_rows(db) == before


def test_a_bulk_reset_returns_every_record_to_no_action_audited_as_a_reset(box, db):
    """Rule: R-ACT-10, R-ACT-11."""
    accept_all(box)
    items = [item(f"INV-{i}", Action.NO_ACTION, Action.ACCEPT) for i in range(MANY)]
    result = box.run(ims.reset_actions, R, items, "undo")
    assert (result.applied, result.errors) == (MANY, [])
    resets = [e for e in audit(db) if e["request_id"] == result.reference_id]
    assert len(resets) == MANY
    assert {(e["old_action"], e["new_action"], e["note"]) for e in resets} == {("A", "N", "reset")}
    assert {(r["action"], r["version"]) for r in record_rows(db).values()} == {("N", 2)}


def test_an_unknown_number_is_refused_among_known_ones(box):
    """Rule: R-ACT-9."""
    items = [item(f"INV-{i}", Action.ACCEPT, Action.NO_ACTION) for i in range(MANY)]
    items.insert(5, item("NOPE-1", Action.ACCEPT, Action.NO_ACTION))
    result = box.run(ims.save_actions, R, items, "bulk")
    assert result.applied == MANY
    assert [(e.number, e.rtnprd) for e in result.errors] == [("NOPE-1", None)]
