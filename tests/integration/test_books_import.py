"""Importing a purchase register, on SQLite and PostgreSQL (R-REC-1 … R-REC-4)."""

from datetime import date

import pytest
import sqlalchemy as sa
from tests.unit.test_register_files import tally_workbook, xlsx

from gstims.domain.money import money
from gstims.formats.register import MAX_BYTES
from gstims.services import books
from gstims.services.books import BooksInvalid, FileRefused
from gstims.store.books_tables import books_documents, books_imports

R = "29AABCR1718E1ZL"
S = "24AABCR6898M1ZN"
BAD = S[:-1] + "A"
HEADER = "GSTIN of supplier,Invoice No,Invoice Date,Document Type,Taxable Value,IGST,CGST,SGST\n"
NOV = (date(2024, 11, 1), date(2024, 11, 30))


def register(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


GOOD = [
    f'{S},INV-1,05-11-2024,Invoice,"1,000.00",180,0,0',
    f"{S},INV-2,06-11-2024,Invoice,500,90,0,0",
    f"{S},INV-2,06-11-2024,Invoice,500,90,0,0",
]
EVERY_PROBLEM = [
    f"{BAD},INV-3,05-11-2024,Invoice,100,18,0,0",
    f"{S},INV-4,31-02-2024,Invoice,100,18,0,0",
    f"{S},INV-5,05-11-2024,Invoice,abc,18,0,0",
    f"{S},,05-11-2024,Invoice,100,18,0,0",
    f"{S},INV-6,05-11-2024,Proforma,100,18,0,0",
    f"{S},INV-7,05-11-2024,Invoice,100,18,0,0",
    f"{S},INV-7,07-11-2024,Invoice,100,18,0,0",
]


def count(db, table) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def run(db, data: bytes, filename="register.csv", **kw):
    with db.transaction() as uow:
        outcome = books.import_file(uow, R, data, filename, **kw)
    return outcome


def current(db):
    with db.uow(write=False) as uow:
        return books.current_books(uow, [R], *NOV)


def test_r_rec_4_a_register_with_every_problem_is_refused_at_once_and_stores_nothing(db):
    with pytest.raises(BooksInvalid) as refused:
        run(db, register(*GOOD, *EVERY_PROBLEM))
    where = [(p.row, p.field) for p in refused.value.problems]
    assert where == [
        (5, "GSTIN of supplier"),
        (6, "Invoice Date"),
        (7, "Taxable Value"),
        (8, "Invoice No"),
        (9, "Document Type"),
        (10, "Invoice No"),
        (11, "Invoice No"),
    ]
    assert refused.value.status == 422
    assert count(db, books_imports) == count(db, books_documents) == 0


def test_r_rec_4_skip_invalid_stores_only_the_good_documents_and_reports_the_rest(db):
    outcome = run(db, register(*GOOD, *EVERY_PROBLEM), skip_invalid=True)
    assert (outcome.documents, len(outcome.problems), outcome.changed) == (2, 7, True)
    assert sorted(d.number for d in current(db)) == ["INV-1", "INV-2"]


def test_r_rec_3_rows_of_one_document_are_stored_as_one_summed_document(db):
    run(db, register(*GOOD))
    inv2 = next(d for d in current(db) if d.number == "INV-2")
    assert (inv2.taxable, inv2.tax.igst) == (money("1000"), money("180"))


def test_r_rec_4_the_same_content_twice_changes_nothing_whatever_the_row_order(db):
    first = run(db, register(*GOOD))
    again = run(db, register(*reversed(GOOD)))
    assert (again.changed, again.import_id, again.version) == (False, first.import_id, 1)
    assert count(db, books_imports) == 1 and count(db, books_documents) == 2


def test_r_rec_4_a_new_import_of_the_month_is_a_new_version_and_the_old_stays(db):
    run(db, register(*GOOD))
    second = run(db, register(f"{S},INV-9,09-11-2024,Invoice,100,18,0,0"))
    assert (second.version, second.changed) == (2, True)
    assert [d.number for d in current(db)] == ["INV-9"]
    assert count(db, books_documents) == 3  # version 1 kept as history


def test_r_rec_1_a_tally_workbook_imports_with_the_tally_profile(db):
    data = tally_workbook(
        [
            "07-11-2024",
            "Acme",
            "Purchase",
            "P/1",
            "INV-1",
            "05-11-2024",
            S,
            1000.5,
            180.09,
            0,
            0,
            1180.59,
        ]
    )
    outcome = run(db, data, "tally.xlsx", profile="tally")
    (d,) = current(db)
    assert outcome.documents == 1
    assert (d.taxable, d.tax.igst, d.posting_date) == (
        money("1000.50"),
        money("180.09"),
        date(2024, 11, 7),
    )


def test_r_rec_1_a_zoho_export_imports_with_the_zoho_profile(db):
    data = (
        "Bill Date,Bill ID,Bill Number,GST Identification Number (GSTIN),SubTotal,IGST,Total\n"
        f"05-11-2024,77,BL-9,{S},1000,180,1180\n"
    ).encode()
    run(db, data, "bills.csv", profile="zoho")
    (d,) = current(db)
    assert (d.number, d.value) == ("BL-9", money("1180"))


def test_r_rec_1_a_users_saved_profile_maps_its_own_headers(db):
    with db.transaction() as uow:
        books.save_profile(
            uow,
            R,
            "ours",
            {"supplier_gstin": ["party"], "number": ["ref no"], "date": ["dt"], "taxable": ["amt"]},
        )
    run(db, f"party,ref no,dt,amt\n{S},X-1,05-11-2024,100\n".encode(), profile="ours")
    assert [d.number for d in current(db)] == ["X-1"]


def _zip_bomb() -> bytes:
    return xlsx(
        [["Invoice No"]], lambda name, data: b"\0" * 50_000_000 if name == "(extra)" else data
    )


def _entity_bomb() -> bytes:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def poison(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/sheet"):
            return laughs + data.split(b"?>", 1)[-1]
        return data

    return xlsx([["Invoice No"]], poison)


@pytest.mark.parametrize(
    ("data", "filename", "status"),
    [
        (b"%PDF-1.4", "register.pdf", 415),
        (HEADER.replace("Invoice", "Facture é").encode("latin-1"), "register.csv", 400),
        (b"not a zip", "register.xlsx", 400),
        (b" " * (MAX_BYTES + 1), "huge.csv", 413),
        (_zip_bomb(), "bomb.xlsx", 400),
        (_entity_bomb(), "laughs.xlsx", 400),
    ],
    ids=["wrong type", "not utf-8", "not a zip", "over-large", "zip bomb", "entity bomb"],
)
def test_r_rec_4_a_bad_file_gets_a_clear_4xx_and_stores_nothing(db, data, filename, status):
    with pytest.raises(FileRefused) as refused:
        run(db, data, filename)
    assert refused.value.status == status and filename in refused.value.message
    assert count(db, books_imports) == 0
