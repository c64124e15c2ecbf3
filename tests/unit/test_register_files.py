"""Purchase-register files: header, profiles and every bad file refused (R-REC-1, R-REC-4)."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from gstims.formats.register import (
    GENERIC,
    MAX_BYTES,
    PROFILES,
    RegisterError,
    read_register,
)

GENERIC_CSV = (
    "Purchase register, Oct 2024\n"
    "\n"
    "GSTIN of supplier,Invoice No,Invoice Date,Taxable Value,CGST,SGST,Voucher No\n"
    '24AABCR6898M1ZN,INV-1,05-11-2024,"1,000.00",90,90,V1\n'
)


def xlsx(rows, mutate=None) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if mutate is None:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, mutate(info.filename, src.read(info)))
        extra = mutate("(extra)", b"")
        if extra:
            dst.writestr("xl/extra.bin", extra)
    return out.getvalue()


TALLY_HEADER = [
    "Date",
    "Particulars",
    "Voucher Type",
    "Voucher No.",
    "Supplier Invoice No.",
    "Supplier Invoice Date",
    "GSTIN/UIN",
    "Taxable Value",
    "Integrated Tax Amount",
    "Central Tax Amount",
    "State Tax Amount",
    "Gross Total",
]


def tally_workbook(*rows) -> bytes:
    """Tally's purchase-register export: a title block, then the header and the vouchers."""
    title = [["Company Ltd"], ["Purchase Register"], ["1-Oct-2024 to 31-Oct-2024"], []]
    return xlsx([*title, TALLY_HEADER, *rows])


def test_r_rec_1_the_header_is_found_below_a_title_block_and_columns_keep_their_names():
    register = read_register(GENERIC_CSV.encode(), "register.csv", GENERIC)
    (row,) = register.rows
    assert row.row == 4
    assert row.cells["number"] == "INV-1" and row.cells["taxable"] == "1,000.00"
    assert register.columns["supplier_gstin"] == "GSTIN of supplier"


def test_r_rec_1_a_file_without_a_header_is_refused():
    with pytest.raises(RegisterError, match="no header row"):
        read_register(b"a,b,c\n1,2,3\n", "register.csv", GENERIC)


def test_r_rec_1_a_tally_export_maps_through_its_profile():
    data = tally_workbook(
        [
            "2024-11-07",
            "Acme",
            "Purchase",
            "P/12",
            "INV-1",
            "05-11-2024",
            "24AABCR6898M1ZN",
            1000.1,
            0,
            90.01,
            90.01,
            1180.12,
        ]
    )
    register = read_register(data, "tally.xlsx", PROFILES["tally"])
    (row,) = register.rows
    assert row.cells["number"] == "INV-1" and row.cells["posting_date"] == "2024-11-07"
    assert row.cells["taxable"] == Decimal("1000.1") and row.cells["cgst"] == Decimal("90.01")
    assert row.cells["ref"] == "P/12" and row.cells["kind"] == "Purchase"


def test_r_rec_1_a_zoho_export_maps_through_its_profile():
    data = (
        b"Bill Date,Bill ID,Bill Number,Vendor Name,GST Identification Number (GSTIN),"
        b"SubTotal,CGST,SGST,IGST,Total\n"
        b"2024-11-05,77,BL-9,Acme,24AABCR6898M1ZN,1000,90,90,0,1180\n"
    )
    (row,) = read_register(data, "bills.csv", PROFILES["zoho"]).rows
    assert (row.cells["number"], row.cells["taxable"], row.cells["ref"]) == ("BL-9", "1000", "77")


def test_r_rec_4_a_file_of_another_type_is_refused_with_415():
    with pytest.raises(RegisterError, match=r"not a \.csv or \.xlsx") as exc:
        read_register(b"%PDF-1.4", "register.pdf", GENERIC)
    assert exc.value.status == 415


def test_r_rec_4_an_xlsx_that_is_not_a_zip_is_refused():
    with pytest.raises(RegisterError, match="not a zip"):
        read_register(b"not a workbook", "register.xlsx", GENERIC)


def test_r_rec_4_an_over_large_file_is_refused_with_413_before_reading():
    with pytest.raises(RegisterError, match="at most") as exc:
        read_register(b" " * (MAX_BYTES + 1), "register.csv", GENERIC)
    assert exc.value.status == 413


def test_r_rec_4_a_csv_that_is_not_utf8_is_refused_naming_the_byte():
    with pytest.raises(RegisterError, match="not UTF-8"):
        read_register(
            GENERIC_CSV.replace("Invoice", "Facture é").encode("latin-1"), "r.csv", GENERIC
        )


def test_r_rec_4_a_zip_bomb_inside_an_xlsx_is_refused():
    bomb = xlsx(
        [["Invoice No"]], lambda name, data: b"\0" * 50_000_000 if name == "(extra)" else data
    )
    assert len(bomb) < MAX_BYTES
    with pytest.raises(RegisterError, match="compressed suspiciously well"):
        read_register(bomb, "bomb.xlsx", GENERIC)


def test_r_rec_4_an_xml_entity_bomb_inside_an_xlsx_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def poison(name, data):
        if name.startswith("xl/worksheets/sheet"):
            return laughs + data.split(b"?>", 1)[-1]
        return data

    with pytest.raises(RegisterError, match="declares a DTD or entities"):
        read_register(xlsx([["Invoice No"]], poison), "laughs.xlsx", GENERIC)
