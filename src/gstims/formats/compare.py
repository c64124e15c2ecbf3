"""The portal's GSTR-2B against the one gstims computed: record by record, head by head.

Both sides are read by the one reader, `gstr2b_reader.read_gstr2b` (v1 with `items`, v4,
gstims' own output), so a difference is a difference of content, never of spelling.

Documents are matched on (section, supplier GSTIN, document number upper-cased and trimmed,
financial year of the document date) — the record key of rules.md §0 — with the note or ISD
document type added for `cdnr`, `cdnra`, `isd` and `isda` (a credit and a debit note are
different records). Rejected and accepted documents are matched across `docdata` and
`docRejdata`: where a document sits is a compared field (`part`), as that is exactly what an
IMS action changes (R-2B-3). Compared fields: part, date, type, value, taxable value, the four
heads, POS, reverse charge, ITC availability and reason, applicable percentage (absent = 1),
original number and date, supplier period and filing date, `isamd`, port code. Trade names and
remarks are not compared (each system names suppliers its own way).

Head by head: every amount of `itcsumm` by dotted path (`itcavl.nonrevsup.b2b.igst`); an
amount one side does not print counts as 0 (the v1 2B has no `itcRejected`).

Example (worked example 2 of rules.md §9 gone wrong): the portal rejected INV-1 (IGST 1,800)
but gstims deemed it accepted. The report lists INV-1 as "different", `part` docRejdata
(portal) vs docdata (gstims), and the heads `itcavl.nonrevsup.igst` 0.00 vs 1800.00,
`itcRejected.nonrevsup.igst` 1800.00 vs 0.00 (and their `b2b` leaves).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.documents import Problem
from gstims.domain.gstin import gstin_problems
from gstims.domain.money import ZERO
from gstims.domain.records import normalise_number
from gstims.formats.encoding import day
from gstims.formats.gstr2b_reader import Document2B, ItcTree, ParsedGstr2B

__all__ = [
    "Comparison",
    "FieldDifference",
    "HeadDifference",
    "RecordDifference",
    "compare_2b",
    "comparison_json",
    "portal_warnings",
]

ONLY_PORTAL = "only on the portal"
ONLY_GSTIMS = "only in gstims"
DIFFERENT = "different"
_TYPED_SECTIONS = frozenset({"cdnr", "cdnra", "isd", "isda"})
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class HeadDifference:
    path: str  # itcsumm dotted path, e.g. "itcavl.nonrevsup.igst"
    portal: Decimal
    gstims: Decimal

    @property
    def difference(self) -> Decimal:
        """gstims minus portal."""
        return self.gstims - self.portal


@dataclass(frozen=True, slots=True)
class FieldDifference:
    field: str
    portal: str
    gstims: str


@dataclass(frozen=True, slots=True)
class RecordDifference:
    status: str  # ONLY_PORTAL, ONLY_GSTIMS or DIFFERENT
    section: str
    supplier: str
    number: str
    doc_date: date
    fields: tuple[FieldDifference, ...] = ()


@dataclass(frozen=True, slots=True)
class Comparison:
    gstin: str
    period: str
    heads: tuple[HeadDifference, ...]
    records: tuple[RecordDifference, ...]
    matched: int  # documents on both sides, equal in every compared field
    portal_documents: int
    gstims_documents: int

    @property
    def same(self) -> bool:
        return not self.heads and not self.records

    def count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)


def compare_2b(portal: ParsedGstr2B, gstims: ParsedGstr2B) -> Comparison:
    """What differs between the portal's 2B and gstims' 2B of the same recipient and period."""
    records, matched = _compare_documents(portal.documents, gstims.documents)
    return Comparison(
        gstin=gstims.gstin or portal.gstin,
        period=gstims.period or portal.period,
        heads=tuple(_compare_heads(portal.itcsumm, gstims.itcsumm)),
        records=tuple(records),
        matched=matched,
        portal_documents=len(portal.documents),
        gstims_documents=len(gstims.documents),
    )


# -- heads ------------------------------------------------------------------------------------


def _leaves(tree: ItcTree, prefix: str = "") -> Iterator[tuple[str, Decimal]]:
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _leaves(value, path + ".")
        else:
            yield path, value


def _compare_heads(portal: ItcTree, gstims: ItcTree) -> list[HeadDifference]:
    ours = dict(_leaves(gstims))
    theirs = dict(_leaves(portal))
    paths = list(theirs) + [p for p in ours if p not in theirs]
    return [
        HeadDifference(path, theirs.get(path, ZERO), ours.get(path, ZERO))
        for path in paths
        if theirs.get(path, ZERO) != ours.get(path, ZERO)
    ]


# -- documents --------------------------------------------------------------------------------

_Key = tuple[str, str, str, str, int]


def _key(doc: Document2B) -> _Key:
    base = doc.section.removeprefix("itcrev.")
    doc_type = doc.doc_type if base in _TYPED_SECTIONS else ""
    number = f"{doc.port_code}/{doc.number}" if base in ("impg", "impgsez") else doc.number
    fy = _financial_year(doc.doc_date)
    return (doc.section, doc.supplier.upper(), normalise_number(number), doc_type, fy)


def _financial_year(day_: date) -> int:
    """The starting year of a date's financial year (any year: portal samples date from 2016)."""
    return day_.year if day_.month >= 4 else day_.year - 1


def _by_key(documents: Iterable[Document2B]) -> dict[_Key, list[Document2B]]:
    out: dict[_Key, list[Document2B]] = defaultdict(list)
    for doc in documents:
        out[_key(doc)].append(doc)
    return out


def _compare_documents(
    portal: Iterable[Document2B], gstims: Iterable[Document2B]
) -> tuple[list[RecordDifference], int]:
    theirs, ours = _by_key(portal), _by_key(gstims)
    differences: list[RecordDifference] = []
    matched = 0
    for key in list(theirs) + [k for k in ours if k not in theirs]:
        left, right = theirs.get(key, []), ours.get(key, [])
        for a, b in zip(left, right, strict=False):
            fields = _field_differences(a, b)
            if fields:
                differences.append(_difference(DIFFERENT, b, fields))
            else:
                matched += 1
        differences.extend(_difference(ONLY_PORTAL, a) for a in left[len(right) :])
        differences.extend(_difference(ONLY_GSTIMS, b) for b in right[len(left) :])
    return differences, matched


def _difference(
    status: str, doc: Document2B, fields: tuple[FieldDifference, ...] = ()
) -> RecordDifference:
    return RecordDifference(status, doc.section, doc.supplier, doc.number, doc.doc_date, fields)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, date):
        return day(value)
    return str(value)


def _compared(doc: Document2B) -> dict[str, Any]:
    return {
        "part": doc.part,
        "dt": doc.doc_date,
        "typ": doc.doc_type,
        "val": doc.value,
        "txval": doc.taxable,
        "igst": doc.tax.igst,
        "cgst": doc.tax.cgst,
        "sgst": doc.tax.sgst,
        "cess": doc.tax.cess,
        "pos": doc.pos,
        "rev": doc.reverse_charge,
        "itcavl": doc.itc_available,
        "rsn": doc.reason,
        "diffprcnt": _ONE if doc.diff_percent is None else doc.diff_percent,
        "original number": doc.original_number,
        "original date": doc.original_date,
        "supprd": doc.supplier_period,
        "supfildt": doc.supplier_filed,
        "isamd": doc.amended,
        "portcode": doc.port_code,
    }


def _field_differences(portal: Document2B, gstims: Document2B) -> tuple[FieldDifference, ...]:
    theirs, ours = _compared(portal), _compared(gstims)
    return tuple(
        FieldDifference(name, _shown(theirs[name]), _shown(ours[name]))
        for name in theirs
        if theirs[name] != ours[name]
    )


# -- warnings and the JSON report ---------------------------------------------------------------


def portal_warnings(parsed: ParsedGstr2B) -> list[Problem]:
    """GSTINs that fail their check (GSTN's own samples do): warned about, never refused."""
    warnings: list[Problem] = []
    seen: set[str] = set()
    for gstin, where in [(parsed.gstin, "gstin")] + [
        (d.supplier, f"{d.part}.{d.section}") for d in parsed.documents
    ]:
        if not gstin or gstin in seen:
            continue
        seen.add(gstin)
        for message in gstin_problems(gstin):
            text = f"GSTIN {gstin}: {message} (a warning: the file is read as given)"
            warnings.append(Problem(where, "", "ctin" if where != "gstin" else "gstin", text))
    return warnings


def comparison_json(c: Comparison) -> dict[str, Any]:
    """The difference report as JSON: counts, then head and record differences."""
    return {
        "gstin": c.gstin,
        "rtnprd": c.period,
        "same": c.same,
        "counts": {
            "portal_documents": c.portal_documents,
            "gstims_documents": c.gstims_documents,
            "matched": c.matched,
            "different": c.count(DIFFERENT),
            "only_portal": c.count(ONLY_PORTAL),
            "only_gstims": c.count(ONLY_GSTIMS),
            "heads_different": len(c.heads),
        },
        "heads": [
            {"path": h.path, "portal": h.portal, "gstims": h.gstims, "difference": h.difference}
            for h in c.heads
        ],
        "records": [
            {
                "status": r.status,
                "section": r.section,
                "ctin": r.supplier,
                "number": r.number,
                "dt": day(r.doc_date) if r.doc_date != date.min else "",
                "fields": [
                    {"field": f.field, "portal": f.portal, "gstims": f.gstims} for f in r.fields
                ],
            }
            for r in c.records
        ],
    }
