"""`generate`: bulk synthetic GSTR-1 filings that are exactly what the use cases would store.

On both backends (the `db` fixture): the bulk path uses temporary tables and the driver's own
parameter style.
"""

import random
from datetime import date

import pytest
import sqlalchemy as sa
from tests.integration.test_demo import problems_of

from gstims.demo.generate import Plan, generate_filings
from gstims.domain.calendar import Frequency, Period
from gstims.domain.documents import Item, ReturnContext, SupplierDocument, validate_documents
from gstims.domain.records import Kind
from gstims.services import clock, gstr2b, ims
from gstims.services.context import taxpayers_by_gstin
from gstims.services.supplier import derived_columns, document_hash
from gstims.store.db import Database
from gstims.store.records.mapping import record_of
from gstims.store.tables import records, returns

PLAN = Plan(records=3_000, recipients=3, suppliers=7, period=Period(2025, 10), seed=7)
DERIVED = ("route", "period_2b", "specified", "pending_until", "limit_16_4")
SECTION = {"INV": "b2b", "CN": "cdnr", "DN": "cdnr"}


def rows_of(db: Database) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(records)).mappings()]


def monthly_recipient(db: Database) -> str:
    """A recipient whose 2B for the period is drafted on 14-11-2025 (a quarterly one waits)."""
    recipients = {r["recipient"] for r in rows_of(db)}
    with db.uow(write=False) as uow:
        found = taxpayers_by_gstin(uow, recipients)
    return min(g for g, tp in found.items() if tp.frequency is Frequency.MONTHLY)


def as_document(row: dict) -> SupplierDocument:
    """The stored row as the supplier would have saved it in GSTR-1."""
    record = record_of(row)
    return SupplierDocument(
        section=SECTION[row["kind"]],
        kind=Kind(row["kind"]),
        supplier=row["supplier"],
        recipient=row["recipient"],
        number=row["doc_number"],
        doc_date=row["doc_date"],
        value=record.value,
        pos=row["pos"],
        reverse_charge=row["rchrg"],
        items=(Item(record.rate, record.taxable, record.tax),),
    )


def test_generate_files_every_suppliers_gstr1_with_the_records_asked_for(db):
    result = generate_filings(db, PLAN)
    rows = rows_of(db)
    assert result.records == len(rows) == 3_000
    assert result.filed_on == date(2025, 11, 10)
    assert {r["filed_on"] for r in rows} == {date(2025, 11, 10)}
    assert len({r["supplier"] for r in rows}) == 7 and len({r["recipient"] for r in rows}) == 3
    with db.engine.connect() as conn:
        filed = conn.execute(
            sa.select(returns.c.gstin, returns.c.status).where(returns.c.form == "GSTR1")
        ).all()
    assert len(filed) == 7 and {s for _, s in filed} == {"filed"}
    assert {r["kind"] for r in rows} == {"INV", "CN", "DN"}
    assert any(r["rchrg"] for r in rows) and any(r["route"] == "POS" for r in rows)


def test_generated_records_pass_validation_and_carry_the_services_derived_columns(db):
    """Rule: R-IN-4 — a spot check of 200 records, rebuilt as documents."""
    generate_filings(db, PLAN)
    rows = random.Random(3).sample(rows_of(db), 200)
    with db.uow(write=False) as uow:
        parties = taxpayers_by_gstin(
            uow, {r["supplier"] for r in rows} | {r["recipient"] for r in rows}
        )
    for row in rows:
        doc = as_document(row)
        supplier = parties[row["supplier"]]
        ctx = ReturnContext(
            supplier=supplier.gstin,
            supplier_state=supplier.state,
            return_period=PLAN.period,
            period_first_day=PLAN.period.first_day,
            today=row["filed_on"],
            registered=frozenset(parties),
            taken_numbers={},
            filed_originals=frozenset(),
        )
        assert validate_documents([doc], ctx) == [], row["doc_number"]
        assert row["hash"] == document_hash(doc)
        derived = derived_columns(row, parties[row["recipient"]], row["filed_on"])
        assert {k: row[k] for k in DERIVED} == derived


def test_generated_records_reach_ims_and_a_2b_that_passes_the_totals_check(db):
    """Rule: R-IN-1, R-2B-1, R-2B-6."""
    generate_filings(db, PLAN)
    recipient = monthly_recipient(db)
    with db.uow(write=False) as uow:
        in_ims = ims.list_records(uow, recipient)
    assert in_ims and all(r.record.filed_on == date(2025, 11, 10) for r in in_ims)
    with db.transaction() as uow:
        clock.advance_clock(uow, date(2025, 11, 14))
    with db.uow(write=False) as uow:
        content = gstr2b.get_2b(uow, recipient, PLAN.period)
    assert content["docdata"]["b2b"]
    assert problems_of(content) == []


def test_the_totals_check_catches_a_group_that_is_not_the_sum_of_its_sections(db):
    generate_filings(db, PLAN)
    recipient = monthly_recipient(db)
    with db.transaction() as uow:
        clock.advance_clock(uow, date(2025, 11, 14))
    with db.uow(write=False) as uow:
        content = gstr2b.get_2b(uow, recipient, PLAN.period)
    content["itcsumm"]["itcavl"]["nonrevsup"]["igst"] += 1
    assert any("itcavl.nonrevsup.igst" in p for p in problems_of(content))


def test_generating_the_same_period_twice_is_refused_and_changes_nothing(db):
    generate_filings(db, PLAN)
    with pytest.raises(ValueError, match="already in this database"):
        generate_filings(db, PLAN)
    assert len(rows_of(db)) == 3_000


def test_generate_refuses_a_period_before_october_2024(db):
    """Rule: R-CAL-4."""
    with pytest.raises(ValueError, match="before October 2024"):
        generate_filings(db, Plan(10, 1, 1, Period(2024, 9)))
