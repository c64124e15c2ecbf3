"""A reconciliation run, its dry run and its apply through SAVE, on SQLite and PostgreSQL.

Rule: R-REC-19 — dry run, then apply through SAVE with remarks and audit; a record changed
since the run is refused as stale; applying twice changes nothing.
Rule: R-REC-16 — Pending on an era E1 credit note falls back to Reject.
Rule: R-REC-13 — each run is a snapshot.
"""

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, R, doc, supplier_and_recipient

from gstims.domain.actions import Code
from gstims.domain.calendar import Period
from gstims.domain.money import money
from gstims.domain.records import Action, Kind
from gstims.services import books, ims, reconcile, reconcile_portal
from gstims.services.context import taxpayer
from gstims.services.errors import NotFound
from gstims.store.books_tables import recon_manual
from gstims.store.tables import audit_log, records

OCT = Period.parse("102024")
HEADER = "GSTIN of supplier,Invoice No,Invoice Date,Document Type,Taxable Value,IGST\n"
REGISTER = (
    HEADER
    + f"{S1},INV-1,10-10-2024,Invoice,10000,1800\n"
    + f"{S1},INV-2,11-10-2024,Invoice,10000,1000\n"
    + f"{S1},INV-9,12-10-2024,Invoice,5000,900\n"
).encode()


@pytest.fixture
def box(db):
    box = supplier_and_recipient(db)
    box.save(
        S1,
        "102024",
        doc("INV-1", "10-10-2024"),
        doc("INV-2", "11-10-2024"),
        doc("INV-3", "12-10-2024"),
        doc("CN-1", "13-10-2024", kind=Kind.CN, taxable=1000),
    )
    box.file(S1, "102024")
    with db.transaction() as uow:
        books.import_file(uow, R, REGISTER, "register.csv")
    return box


def new_run(db) -> int:
    with db.transaction() as uow:
        run_id = reconcile.run_reconciliation(uow, R, [OCT], user="tester")
    return run_id


def apply(db, run_id: int):
    """As the edge applies: one transaction, whether or not SAVE commits on its own."""
    with db.transaction() as uow:
        result = reconcile.apply_run(uow, run_id, "tester")
    return result


def state(db) -> dict[str, tuple[str, int]]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(records.c.doc_number, records.c.action, records.c.version))
        return {number: (action, version) for number, action, version in rows}


def audits(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()


def test_a_run_explains_every_document_and_suggests_an_action(box, db):
    with db.uow(write=False) as uow:
        run = reconcile.get_run(uow, new_run(db))
    by_number = {
        (r["books"] or r["portal"])[0]["number"]: (r["outcome"], r["suggested_action"])
        for r in run.results
    }
    assert by_number == {
        "INV-1": ("matched", "A"),
        "INV-2": ("value_mismatch", "P"),
        "INV-3": ("only_in_portal", "P"),
        "CN-1": ("only_in_portal", "R"),
        "INV-9": ("only_in_books", None),
    }
    cn = next(r for r in run.results if r["portal"] and r["portal"][0]["number"] == "CN-1")
    assert cn["portal"][0]["note"] == "pending not allowed"
    assert cn["portal"][0]["refusal"] == Code.PENDING_NOT_ALLOWED.value
    assert run.summary["only_in_books"]["books_tax"] == money("900")


def test_the_dry_run_counts_and_values_each_outcome_and_action(box, db):
    run_id = new_run(db)
    with db.uow(write=False) as uow:
        dry = reconcile.dry_run(uow, run_id)
    assert [(line.outcome, line.action, line.records, line.itc_effect) for line in dry.lines] == [
        ("matched", "A", 1, money("0")),
        ("only_in_portal", "P", 1, money("-1800")),
        ("only_in_portal", "R", 1, money("180")),
        ("value_mismatch", "P", 1, money("-1800")),
    ]
    assert state(db)["INV-1"] == ("N", 0)  # a dry run changes nothing


def test_apply_saves_through_save_refuses_a_stale_record_and_a_second_apply_changes_nothing(
    box, db
):
    run_id = new_run(db)
    box.act("INV-3", "R", remarks="not ours")  # changed between the dry run and apply
    first = apply(db, run_id)
    with db.uow(write=False) as uow:
        status = ims.request_status(uow, R, first.reference_id)
    assert status.status == "PE"
    assert [(e.number, e.code) for e in status.errors] == [("INV-3", Code.STALE.value)]
    after = state(db)
    assert {n: a for n, (a, _) in after.items()} == {
        "INV-1": "A",
        "INV-2": "P",
        "INV-3": "R",
        "CN-1": "R",
    }
    inv1 = box.find("INV-1")
    assert inv1.state.remarks.startswith(f"gstims reconciliation {run_id}: matched: exact")
    with db.uow(write=False) as uow:
        trail = list(ims.history(uow, R, inv1.id))
    assert trail[-1]["actor"] == f"tester (reconciliation {run_id})"
    assert trail[-1]["request_id"] == first.reference_id

    seen = audits(db)
    apply(db, run_id)
    assert state(db) == after
    assert audits(db) == seen


def test_r_rec_13_a_later_run_never_changes_an_earlier_one(box, db):
    first = new_run(db)
    box.act("INV-3", "A")
    second = new_run(db)
    with db.uow(write=False) as uow:
        old, new = reconcile.get_run(uow, first), reconcile.get_run(uow, second)
    action_of = {
        run.id: next(
            r["portal"][0]["action"]
            for r in run.results
            if r["portal"] and r["portal"][0]["number"] == "INV-3"
        )
        for run in (old, new)
    }
    assert action_of == {first: Action.NO_ACTION.value, second: Action.ACCEPT.value}


def _outcome_of(db, run_id: int, number: str) -> tuple[str, str | None]:
    with db.uow(write=False) as uow:
        run = reconcile.get_run(uow, run_id)
    found = next(
        r for r in run.results if number in [d["number"] for d in r["books"] + r["portal"]]
    )
    return found["outcome"], found["pass"]


def test_r_rec_18_manual_pairs_unpairs_and_overrides_survive_a_rerun_with_who_and_when(box, db):
    """R-REC-18."""
    first = new_run(db)
    with db.uow(write=False) as uow:
        run = reconcile.get_run(uow, first)
    inv9 = next(r for r in run.results if r["outcome"] == "only_in_books")["books"][0]["ref"]
    inv3 = next(r for r in run.results if r["portal"] and r["portal"][0]["number"] == "INV-3")
    inv1 = next(r for r in run.results if r["outcome"] == "matched")
    with db.transaction() as uow:
        reconcile.pair_by_hand(uow, R, inv9, inv3["portal"][0]["id"], "asha")
        reconcile.unpair_by_hand(uow, R, inv1["books"][0]["ref"], inv1["portal"][0]["id"], "asha")
        reconcile.override_suggestion(uow, R, inv1["portal"][0]["id"], Action.PENDING, "asha")
    second = new_run(db)
    assert _outcome_of(db, second, "INV-9") == ("value_mismatch", "by hand")
    assert _outcome_of(db, second, "INV-1")[0] in ("only_in_books", "only_in_portal")
    with db.uow(write=False) as uow:
        run = reconcile.get_run(uow, second)
    portal_inv1 = next(
        r for r in run.results if r["portal"] and r["portal"][0]["number"] == "INV-1"
    )
    assert portal_inv1["portal"][0]["suggested_action"] == "P"
    assert portal_inv1["portal"][0]["note"].startswith("overridden by hand")
    with db.engine.connect() as conn:
        made = conn.execute(sa.select(recon_manual.c.made_by, recon_manual.c.made_at)).all()
    assert len(made) == 3 and all(by == "asha" and at is not None for by, at in made)


def test_r_rec_18_a_document_of_another_gstin_cannot_be_paired(box, db):
    """R-REC-18."""
    with db.uow() as uow, pytest.raises(NotFound):
        reconcile.pair_by_hand(uow, R, f"{S1}/INV/X/1/01-10-2024", 1, "asha")


@pytest.mark.parametrize("run_id", [0, -1, reconcile.MAX_ID + 1, 132908985120])
def test_a_run_number_no_run_can_have_is_not_found(db, run_id):
    with db.uow(write=False) as uow, pytest.raises(NotFound):
        reconcile.get_run(uow, run_id)


def test_r_rec_13_the_portal_read_by_position_equals_the_plain_read(box, db):
    """The lakh path (`portal_documents`, by position) gives the Documents and rule-table
    views `ims.ims_record` gives; after an apply the records carry remarks (sparse columns)."""
    apply(db, new_run(db))
    with db.uow(write=False) as uow:
        taxpayers = {R: taxpayer(uow, R)}
        today = uow.today()
        fast = reconcile_portal.portal_documents(uow, [R], [OCT], taxpayers, today)
        plain = reconcile_portal.portal_documents_plain(uow, [R], [OCT], taxpayers, today)
    assert len(fast[0]) == 4
    assert any(view.state.remarks for view in fast[1].values())
    assert fast == plain


def test_r_rec_20_the_overview_reads_each_gstins_latest_run_grouped_by_pan(box, db):
    first, second = new_run(db), new_run(db)
    with db.uow(write=False) as uow:
        groups = reconcile.overview(uow, [R, S1])
    assert [g.pan for g in groups] == sorted([R[2:12], S1[2:12]])
    lines = {line.gstin: line for g in groups for line in g.lines}
    assert lines[R].latest is not None and lines[R].latest.run_id == second != first
    assert lines[S1].latest is None and lines[S1].groups["matched"] == 0
    tiles = next(g for g in groups if g.pan == R[2:12]).tiles
    with db.uow(write=False) as uow:
        summary = reconcile.get_run(uow, second).summary
    assert {o: t.count for o, t in tiles.items()} == {o: t["count"] for o, t in summary.items()}
    assert lines[R].groups["matched"] + lines[R].groups["mismatch"] == 2
