"""The column-by-column GSTR-2B equals the plain one (issue 13; ADR 0021).

`services/gstr2b_build.build_2b` builds the usual record (an invoice or note with no sparse
column) straight from its row and writes its document from a template; the plain build makes
a `Record`, an `Entry` and a `DocLine` of every row (`build_gstr2b`) and writes dicts
(`gstr2b_json`). For random rows as stored — every kind, route and action, amendments of
consumed and unconsumed originals, declarations, remarks, SEZ and ICEGATE bills of entry,
e-commerce operators, unfiled and later-period records, another recipient's, odd document
numbers and names, amounts up to crores of crores — and random Rule 37A lines, on SQLite and
PostgreSQL, the two give the same content byte for byte once encoded (what the store keeps)
and the same Table 4.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, true
from tests.integration.harness import S1, S2, R
from tests.integration.test_fast_paths import amended_and_declared

from gstims.codec import document_bytes
from gstims.domain.calendar import Period
from gstims.domain.gstr2b import Rule37A
from gstims.domain.money import PAISA, Tax
from gstims.domain.records import Action, Kind, Route
from gstims.formats.gstr2b import usual_document
from gstims.services.gstr2b_build import build_2b
from gstims.store.bulk import insert_rows
from gstims.store.records.mapping import select_record_rows
from gstims.store.tables import records

_SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
PERIOD = Period(2025, 10)
OTHER = S2  # a row of another recipient
DAY0 = date(2025, 9, 1)
_days = st.integers(0, 90).map(lambda n: DAY0 + timedelta(days=n))
_small = st.integers(0, 10**7)
_paise = st.one_of(_small, _small, st.just(0), st.integers(0, 10**15), st.integers(-999, -1))
_heads = st.tuples(_paise, _paise, _paise, _paise)
_text = st.text(st.characters(min_codepoint=32, exclude_categories=["Cs"]), min_size=1, max_size=12)
NAMES = {S1: 'Alpha "Traders" \\ ₹', S2: ""}


@st.composite
def _row(draw, i: int) -> dict:
    igst, cgst, sgst, cess = draw(_heads)
    kind = draw(st.sampled_from([Kind.INV, Kind.INV, Kind.CN, Kind.DN, Kind.ECO, Kind.BOE]))
    usual = draw(st.booleans())  # half the rows fill no sparse column, as most records do
    row = {
        "recipient": draw(st.sampled_from([R, R, R, R, OTHER])),
        "supplier": draw(st.sampled_from([S1, S1, S2, ""])),
        "kind": kind.value,
        "number": f"N{i}",
        "fy": 2025,
        "origin": draw(st.sampled_from(["R1", "R1A", "R5", "R6"])),
        "source_period": draw(st.sampled_from([202509, 202510, 202510, 202511])),
        "supplier_frequency": draw(st.sampled_from(["M", "Q"])),
        "doc_number": draw(st.sampled_from([f"n-{i}", f"INV/{i}"]) | _text),
        "doc_date": draw(_days),
        "pos": draw(st.sampled_from(["29", "27", "96"])),
        "supply_type": draw(st.sampled_from(["R", "SEWP", "SEWOP", "DE", "CBW"])),
        "rchrg": draw(st.booleans()),
        "rate": draw(st.sampled_from([None, "18", "0.25"])),
        "value": draw(_paise),
        "taxable": draw(_paise),
        "igst": igst,
        "cgst": cgst,
        "sgst": sgst,
        "cess": cess,
        "filed_on": draw(st.none() | _days | _days | _days),
        "hash": "0" * 64,
        "route": draw(st.sampled_from([*Route, Route.IMS, Route.IMS])).value,
        "period_2b": 202510,
        "time_barred": draw(st.booleans()),
        "action": draw(st.sampled_from(list(Action))).value,
    }
    if usual:
        return row
    row |= {
        "diff_percent": draw(st.sampled_from([None, "65"])),
        "remarks": draw(st.none() | _text),
        "actual_supplier": draw(st.none() | st.just(S2)),
        "port_code": draw(st.none() | st.just("INMAA4")),
        "ref_date": draw(st.none() | _days),
    }
    if kind is Kind.BOE and row["port_code"] and draw(st.booleans()):
        row["doc_number"] = f"INMAA4/{i}"
    return row | draw(amended_and_declared(i, _heads, _days, (None, "N", "Y", "Y")))


_adjustment = st.builds(
    lambda supplier, month, heads, reclaim: Rule37A(
        supplier,
        Period(2025, month),
        Tax(*(PAISA * h for h in heads)),
        reclaim,
        NAMES.get(supplier, ""),
    ),
    st.sampled_from([S1, S2]),
    st.integers(1, 9),
    _heads,
    st.booleans(),
)
_months = st.tuples(
    st.integers(0, 30).flatmap(lambda n: st.tuples(*(_row(i) for i in range(n)))),
    st.lists(_adjustment, max_size=3),
)


@_SETTINGS
@given(_months)
def test_the_column_by_column_2b_is_the_plain_2b_byte_for_byte(db, month) -> None:
    rows, adjustments = month
    with db.transaction() as uow:
        uow.conn.execute(delete(records))
        columns = sorted({name for row in rows for name in row})  # one layout for every row
        insert_rows(uow.conn, records, [{c: row.get(c) for c in columns} for row in rows])
    with db.uow(write=False) as uow:
        selected = select_record_rows(uow.conn, true(), ("route", "id"))
    selected.sort(key=lambda r: r[0][-1])
    built = {
        quick: build_2b(
            R,
            PERIOD,
            selected,
            NAMES,
            adjustments,
            generated_on=date(2025, 11, 14),
            version=3,
            quick=quick,
        )
        for quick in (True, False)
    }
    assert document_bytes(built[True].content) == document_bytes(built[False].content)
    assert built[True].table4 == built[False].table4


def test_a_usual_document_refuses_what_it_cannot_write() -> None:
    """Negative amounts and sections other than b2b / cdnr / isd go the plain way."""
    terms = ("R", "01-10-2025", 100, "29", False, None, 100, 18, 0, 0, 0)
    assert document_bytes(usual_document("b2b", False, "I-1", *terms)) == (
        b'{"inum":"I-1","typ":"R","dt":"01-10-2025","val":1.00,"pos":"29","rev":"N",'
        b'"itcavl":"Y","rsn":"","diffprcnt":1,"txval":1.00,"igst":0.18,"cgst":0.00,'
        b'"sgst":0.00,"cess":0.00}'
    )
    for name, values in (("b2ba", terms), ("b2b", (*terms[:-1], -1))):
        try:
            usual_document(name, False, "I-1", *values)
        except ValueError:
            continue
        raise AssertionError(f"{name} {values} written")
