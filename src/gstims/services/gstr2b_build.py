"""A GSTR-2B from the records the store selected: its GSTN content and its Table 4 (issue 13).

    build_2b(recipient, period, rows, names, adjustments, generated_on=, version=, quick=True)

`rows` are `select_record_rows` rows (`..., route, id` last) in the statement's order;
`names` the suppliers' trade names. Two builders, one answer:

- **plain** (`quick=False`), the reference: each row becomes a `Record`, an `ImsState` and an
  `Entry`; the pure `build_gstr2b` places them and `gstr2b_json` writes the statement.
- **quick** (the default), column by column: the usual row — an invoice or note that fills
  no sparse column (no original, remarks, declaration, differential percentage; so not
  amended, and its effect is its own tax) — is placed by its raw kind, route and action
  (`placement`, once per distinct triple), counted in paise in its `itcsumm` cell and its
  counterparty row, and written by `usual_document` straight into its `docdata` wrapper:
  no `Record`, `Entry` or `DocLine`, no `Decimal` but the amounts printed. Any other row (a
  lakh holds a few) goes the plain way, one row at a time (`doc_line`), into the same
  accumulators and wrappers, so the documents keep their order.

`tests/integration/test_gstr2b_build.py` holds the two equal, byte for byte once encoded, for
generated months on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from gstims.domain.calendar import Period
from gstims.domain.gstr2b import (
    SLOTS,
    Bucket,
    Entry,
    Group,
    Gstr2B,
    Placement,
    Rule37A,
    Section2B,
    SupplierRow,
    build_gstr2b,
    counts_reverse_charge,
    doc_line,
    ordered_rows,
    placement,
    rule_37a_slot,
    summary_of,
)
from gstims.domain.gstr3b import Table4, table4
from gstims.domain.money import NO_TAX, PAISA, ZERO, Tax
from gstims.domain.records import Action, Kind, Route
from gstims.formats.encoding import day
from gstims.formats.gstr2b import Docdata, gstr2b_json, gstr2b_json_of, usual_document
from gstims.store.records.mapping import (
    DENSE_COLUMNS,
    NO_SPARSE,
    period_int,
    period_of,
    record_and_state_of,
    route_of,
    stored_date,
    to_paise,
)

Rows = Sequence[tuple[Sequence[Any], Sequence[Any]]]


@dataclass(frozen=True, slots=True)
class Built2B:
    content: dict[str, Any]  # the GSTN `data` object (R-2B-7)
    table4: Table4  # what the GSTR-3B takes from it (R-3B-1)


def build_2b(
    recipient: str,
    period: Period,
    rows: Rows,
    names: dict[str, str],
    adjustments: Sequence[Rule37A],
    *,
    generated_on: date,
    version: int,
    quick: bool = True,
) -> Built2B:
    """The 2B of `recipient` for `period` from the selected `rows` (R-2B-2..8)."""
    build = _quick if quick else _plain
    return build(recipient, period, rows, names, adjustments, generated_on, version)


_entry = partial(tuple.__new__, Entry)  # Entry(record, state, route, trade name), a lakh times


def _plain(
    recipient: str,
    period: Period,
    rows: Rows,
    names: dict[str, str],
    adjustments: Sequence[Rule37A],
    generated_on: date,
    version: int,
) -> Built2B:
    entries = [
        _entry((*record_and_state_of(r, sparse), route_of(r[-2]), names.get(r[0], "")))
        for r, sparse in rows
    ]
    statement = build_gstr2b(
        recipient, period, entries, adjustments, generated_on=generated_on, version=version
    )
    return Built2B(gstr2b_json(statement), table4(statement))


# -- quick -----------------------------------------------------------------------------------

_USUAL_COLUMNS = (
    "supplier",
    "recipient",
    "kind",
    "doc_number",
    "doc_date",
    "source_period",
    "taxable",
    "value",
    "igst",
    "cgst",
    "sgst",
    "cess",
    "pos",
    "supply_type",
    "rchrg",
    "filed_on",
    "action",
)
_usual = itemgetter(*(DENSE_COLUMNS.index(c) for c in _USUAL_COLUMNS))
_KIND = DENSE_COLUMNS.index("kind")
_KINDS = {k.value: k for k in (Kind.INV, Kind.CN, Kind.DN)}  # the usual rows' kinds
_ITCAVL, _REJECTED, _REVSUP = Bucket.ITCAVL, Bucket.ITC_REJECTED, Group.REVSUP
_DOCDATA_NAME = {s: s.value for s in Section2B}


class _Places(dict[tuple[str, str, str], Placement | None]):
    """(kind, route, action) as stored → `placement` of a usual row (not amended, not SEZ)."""

    def __missing__(self, key: tuple[str, str, str]) -> Placement | None:
        kind, route, action = key
        found = self[key] = placement(_KINDS[kind], Route(route), Action(action), False, False)
        return found


class _Days(dict[Any, str]):
    """A stored date (SQLite's text or a `date`) → its wire spelling, once per distinct day."""

    def __missing__(self, value: Any) -> str:
        spelled = day(stored_date(value))
        if len(self) < 65536:
            self[value] = spelled
        return spelled


def _amount(paise: int) -> Decimal:
    """`amount(from_paise(paise))`: what the plain writer prints for a stored amount."""
    return PAISA * paise if paise else ZERO


class _Totals:
    """The quick build's accumulators: `itcsumm` cells and counterparty rows in paise."""

    __slots__ = ("cells", "rc_taxable", "rows")

    def __init__(self) -> None:
        self.cells = [0] * (4 * len(SLOTS))  # igst, cgst, sgst, cess of each slot
        self.rows: dict[tuple[bool, Section2B, str, Kind], list[Any]] = {}
        self.rc_taxable = 0

    def add_cell(self, slot: int, igst: int, cgst: int, sgst: int, cess: int) -> None:
        cells, i = self.cells, 4 * slot
        cells[i] += igst
        cells[i + 1] += cgst
        cells[i + 2] += sgst
        cells[i + 3] += cess

    def add_row(
        self,
        key: tuple[bool, Section2B, str, Kind],
        values: tuple[int, int, int, int, int],  # taxable, igst, cgst, sgst, cess
        period: int,
        filed_on: date | None,
        trade_name: str,
    ) -> None:
        """As `_RowTotals`: count and sums; the latest period and filing date; a name."""
        row = self.rows.get(key)
        if row is None:
            self.rows[key] = [1, *values, period, filed_on, trade_name]
            return
        row[0] += 1
        row[1] += values[0]
        row[2] += values[1]
        row[3] += values[2]
        row[4] += values[3]
        row[5] += values[4]
        if period > row[6]:
            row[6] = period
        if filed_on is not None and (row[7] is None or filed_on > row[7]):
            row[7] = filed_on
        if not row[8]:
            row[8] = trade_name

    def supplier_rows(self, *, rejected: bool) -> tuple[SupplierRow, ...]:
        return ordered_rows(
            SupplierRow(
                section,
                supplier,
                kind,
                r[8],
                period_of(r[6]),
                r[7],
                r[0],
                PAISA * r[1],
                Tax(*(PAISA * r[i] for i in range(2, 6))),
            )
            for (is_rejected, section, supplier, kind), r in self.rows.items()
            if is_rejected is rejected
        )


def _quick(
    recipient: str,
    period: Period,
    rows: Rows,
    names: dict[str, str],
    adjustments: Sequence[Rule37A],
    generated_on: date,
    version: int,
) -> Built2B:
    last = period_int(period)
    totals = _Totals()
    documents, rejected = Docdata(), Docdata()
    places, days = _Places(), _Days()
    add_row, names_get, cells = totals.add_row, names.get, totals.cells
    for row, sparse in rows:
        route = row[-2]
        if sparse is not NO_SPARSE or row[_KIND] not in _KINDS:
            _one_plain(recipient, period, row, sparse, names, totals, documents, rejected)
            continue
        (
            supplier,
            record_recipient,
            kind,
            number,
            doc_date,
            supplier_period,
            taxable,
            value,
            igst,
            cgst,
            sgst,
            cess,
            pos,
            supply_type,
            rchrg,
            filed_on,
            action,
        ) = _usual(row)
        if record_recipient != recipient or filed_on is None or supplier_period > last:
            continue  # R-2B-2, as `doc_line`
        place = places[kind, route, action]
        if place is None:
            continue  # Pending: stays in IMS (R-2B-3)
        if value | taxable | igst | cgst | sgst | cess < 0:  # never stored; the plain way
            _one_plain(recipient, period, row, sparse, names, totals, documents, rejected)
            continue
        slot = 4 * place.slot  # its effect is its own tax
        cells[slot] += igst
        cells[slot + 1] += cgst
        cells[slot + 2] += sgst
        cells[slot + 3] += cess
        bucket = place.bucket
        if bucket is _ITCAVL and place.group is _REVSUP:
            totals.rc_taxable += taxable
        is_rejected = bucket is _REJECTED
        filed = stored_date(filed_on)
        trade_name = names_get(supplier, "")
        section = place.section
        add_row(
            (is_rejected, section, supplier, _KINDS[kind]),
            (taxable, igst, cgst, sgst, cess),
            supplier_period,
            filed,
            trade_name,
        )
        name = _DOCDATA_NAME[section]
        (rejected if is_rejected else documents).documents(
            name, supplier, trade_name, period_of(supplier_period), filed
        ).append(
            usual_document(
                name,
                kind == "CN",
                number,
                supply_type,
                days[doc_date],
                value,
                pos,
                bool(rchrg),
                place.reason,
                taxable,
                igst,
                cgst,
                sgst,
                cess,
            )
        )
    for adjustment in adjustments:
        totals.add_cell(rule_37a_slot(adjustment), *_paise(adjustment.tax))
    statement = Gstr2B(  # its documents are written into `documents` and `rejected`
        recipient=recipient,
        period=period,
        generated_on=generated_on,
        version=version,
        itc=summary_of([_tax(cells, i) for i in range(0, len(cells), 4)]),
        documents=(),
        rejected_documents=(),
        suppliers=totals.supplier_rows(rejected=False),
        rejected_suppliers=totals.supplier_rows(rejected=True),
        rule_37a=tuple(adjustments),
        reverse_charge_taxable=PAISA * totals.rc_taxable,
    )
    return Built2B(gstr2b_json_of(statement, documents, rejected), table4(statement))


def _tax(cells: list[int], i: int) -> Tax:
    """The Tax of the paise at `cells[i : i + 4]`; `NO_TAX` for none (most cells)."""
    igst, cgst, sgst, cess = cells[i : i + 4]
    if not (igst or cgst or sgst or cess):
        return NO_TAX
    return Tax(_amount(igst), _amount(cgst), _amount(sgst), _amount(cess))


def _paise(tax: Tax) -> tuple[int, int, int, int]:
    return to_paise(tax.igst), to_paise(tax.cgst), to_paise(tax.sgst), to_paise(tax.cess)


def _one_plain(
    recipient: str,
    period: Period,
    row: Sequence[Any],
    sparse: Sequence[Any],
    names: dict[str, str],
    totals: _Totals,
    documents: Docdata,
    rejected: Docdata,
) -> None:
    """A row that is not usual, the plain way (`doc_line`), into the quick accumulators."""
    entry = _entry((*record_and_state_of(row, sparse), route_of(row[-2]), names.get(row[0], "")))
    line = doc_line(entry, recipient, (period.year, period.month))
    if line is None:
        return
    record, place = entry.record, line.placement
    totals.add_cell(place.slot, *_paise(line.effect))
    if counts_reverse_charge(line):
        totals.rc_taxable += to_paise(record.taxable)
    is_rejected = place.bucket is _REJECTED
    totals.add_row(
        (is_rejected, place.section, record.key.supplier, record.key.kind),
        (to_paise(record.taxable), *_paise(record.tax)),
        period_int(record.supplier_period),
        record.filed_on,
        entry.trade_name,
    )
    (rejected if is_rejected else documents).add(line)
