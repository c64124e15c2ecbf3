"""A purchase register's values and rows (R-REC-2, R-REC-3, R-REC-4)."""

from datetime import date
from decimal import Decimal

import pytest
from tests.unit.recon_builders import RECIPIENT, SUPPLIER

from gstims.domain.money import money
from gstims.domain.reconcile.books import (
    RegisterRow,
    documents_from_rows,
    parse_amount,
    parse_date,
)
from gstims.domain.records import Kind

BAD_CHECK_CHAR = SUPPLIER[:-1] + ("A" if SUPPLIER[-1] != "A" else "B")


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("1,23,456.78", "123456.78"),
        ("₹ 1,23,456.78", "123456.78"),
        ("Rs. 500", "500.00"),
        ("-1,000.50", "-1000.50"),
        ("(2,000)", "-2000.00"),
        ("", "0.00"),
        (None, "0.00"),
        (Decimal("18.5"), "18.50"),
        (7, "7.00"),
    ],
)
def test_r_rec_2_amounts_in_indian_formats_become_decimals(cell, amount):
    assert parse_amount(cell) == money(amount)


@pytest.mark.parametrize("cell", ["12.3.4", "abc", "NaN", 1.5])
def test_r_rec_2_an_unreadable_amount_is_refused(cell):
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "05-11-2024",
        "05/11/2024",
        "05/11/24",
        "5-Nov-2024",
        "05-NOV-24",
        "2024-11-05",
        45601,
        "45601",
    ],
)
def test_r_rec_2_dates_in_every_register_spelling(cell):
    assert parse_date(cell) == date(2024, 11, 5)


@pytest.mark.parametrize("cell", ["31-02-2024", "2024/11", "tomorrow", 12, "5-Foo-2024"])
def test_r_rec_2_an_unreadable_date_is_refused(cell):
    with pytest.raises(ValueError, match="not a date"):
        parse_date(cell)


COLUMNS = {"supplier_gstin": "GSTIN of supplier", "number": "Invoice No", "date": "Invoice Date"}


def row(n, number="INV-1", day="05-11-2024", taxable="1,000", cgst="90", sgst="90", **more):
    cells = {
        "supplier_gstin": SUPPLIER,
        "number": number,
        "date": day,
        "taxable": taxable,
        "cgst": cgst,
        "sgst": sgst,
    }
    cells.update(more)
    return RegisterRow(n, cells)


def test_r_rec_3_rows_of_one_document_are_summed_and_keep_their_rows():
    documents, problems = documents_from_rows(
        RECIPIENT,
        [row(2, ref="V1"), row(3, taxable="500", cgst="45", sgst="45", ref="V2")],
        COLUMNS,
    )
    assert problems == []
    (b,) = documents
    assert (b.document.taxable, b.document.tax.total) == (money("1500"), money("270"))
    assert (b.rows, b.vouchers) == ((2, 3), ("V1", "V2"))


def test_r_rec_2_a_credit_note_by_type_or_by_negative_amounts_is_kept_positive_as_cn():
    documents, _ = documents_from_rows(
        RECIPIENT,
        [
            row(2, "CN-1", kind="Credit Note"),
            row(3, "CN-2", taxable="(1,000)", cgst="-90", sgst="-90"),
        ],
        COLUMNS,
    )
    assert [(b.document.kind, b.document.taxable) for b in documents] == [
        (Kind.CN, money("1000")),
        (Kind.CN, money("1000")),
    ]


def test_r_rec_4_every_problem_of_every_row_is_reported_with_row_and_column():
    rows = [
        row(2, supplier_gstin=BAD_CHECK_CHAR),
        row(3, "INV-3", day="31-02-2024"),
        row(4, "INV-4", taxable="12.3.4"),
        row(5, ""),
        row(6, "INV-6", kind="Proforma"),
        row(7, "INV-7", day="05-11-2024"),
        row(8, "INV-7", day="06-11-2024"),
        row(9, "INV-9"),
    ]
    documents, problems = documents_from_rows(RECIPIENT, rows, COLUMNS)
    assert [b.document.number for b in documents] == ["INV-9"]
    where = [(p.row, p.field) for p in problems]
    assert where == [
        (2, "GSTIN of supplier"),
        (3, "Invoice Date"),
        (4, "taxable"),
        (5, "Invoice No"),
        (6, "kind"),
        (7, "Invoice No"),
        (8, "Invoice No"),
    ]
    assert "check character" in problems[0].message
    assert "duplicate document INV-7" in problems[5].message


def test_r_rec_4_an_amount_too_large_or_a_number_too_long_is_a_problem_not_a_crash():
    from gstims.domain.reconcile.books import MAX_AMOUNT, MAX_NUMBER

    documents, problems = documents_from_rows(
        RECIPIENT,
        [
            row(2, taxable=str(MAX_AMOUNT)),
            row(3, "N" * (MAX_NUMBER + 1)),
            row(4, port_code="X" * 11),
        ],
        COLUMNS,
    )
    assert documents == []
    assert [(p.row, p.field) for p in problems] == [
        (2, "taxable"),
        (3, "Invoice No"),
        (4, "port_code"),
    ]
