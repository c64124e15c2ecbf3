"""A GSTR-1 save stores each document's row as the record key and its original say (R-IN-2,
R-IN-7), whether or not the request carries amendments."""

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, doc, supplier_and_recipient

from gstims.services.errors import Invalid
from gstims.store.tables import records


@pytest.fixture
def box(db):
    box = supplier_and_recipient(db, today="05-12-2024")
    box.save(S1, "102024", doc("INV-1", "10-10-2024", taxable=10000))
    box.file(S1, "102024")
    return box


def rows(db) -> list[tuple]:
    columns = (
        records.c.doc_number,
        records.c.amend_no,
        records.c.live,
        records.c.orig_number,
        records.c.orig_igst,
        records.c.igst,
    )
    with db.engine.connect() as conn:
        return sorted(conn.execute(sa.select(*columns)).all())


def test_only_the_amendment_of_a_mixed_request_names_an_original(box, db):
    """Rule: R-IN-7 — the amendment keeps its original's tax; a new invoice names nothing."""
    november = [
        doc("INV-1A", "05-11-2024", taxable=5000, original=("INV-1", "10-10-2024")),
        doc("INV-2", "06-11-2024", taxable=2000),
    ]
    box.save(S1, "112024", *november)
    assert rows(db) == [
        ("INV-1", 0, False, None, None, 180000),
        ("INV-1A", 1, True, "INV-1", 180000, 90000),
        ("INV-2", 0, True, None, None, 36000),
    ]


def test_a_request_without_amendments_leaves_an_earlier_amendment_as_it_was(box, db):
    """Rule: R-IN-2 — changing another document of the return touches only that one."""
    box.save(S1, "112024", doc("INV-1A", "05-11-2024", original=("INV-1", "10-10-2024")))
    box.save(S1, "112024", doc("INV-2", "06-11-2024", taxable=2000))
    box.save(S1, "112024", doc("INV-2", "06-11-2024", taxable=3000))
    assert rows(db) == [
        ("INV-1", 0, False, None, None, 180000),
        ("INV-1A", 1, True, "INV-1", 180000, 180000),
        ("INV-2", 0, True, None, None, 54000),
    ]


def test_saving_the_same_amendment_again_changes_nothing(box, db):
    """Rule: R-IN-2 — idempotent re-save, also while the amendment itself is unfiled."""
    november = doc("INV-1A", "05-11-2024", taxable=5000, original=("INV-1", "10-10-2024"))
    box.save(S1, "112024", november)
    before = rows(db)
    box.save(S1, "112024", november)  # the chain's latest row is the unfiled amendment
    assert rows(db) == before


def test_an_original_amended_but_unfiled_is_still_filed_for_a_new_invoice(box):
    """Rule: R-IN-2 — a filed invoice changes only through an amendment, even once one is
    saved: a plain invoice of its number and year is refused."""
    box.save(S1, "112024", doc("INV-1A", "05-11-2024", original=("INV-1", "10-10-2024")))
    with pytest.raises(Invalid, match="already filed"):
        box.save(S1, "112024", doc("INV-1", "12-10-2024", taxable=700))
