"""An independent client reads gstims' GETINV and GET2B as it reads the GSTN samples.

The reader below is written only from `shared/reference/formats.md` (§0, §2, §3) and
`shared/samples/`: plain `json` with `Decimal` numbers, no gstims module (the last test checks
this file's imports). If gstims wrote its JSON its own way — a renamed key, a float amount, a
document in the wrong wrapper — this reader, which also reads india-compliance's fixtures,
would not find what a GSP would look for.

GSTR-2B (formats.md §2): sections of `docdata` / `docRejdata` wrap documents per supplier
(`ctin`, `supprd`, `supfildt`) under `inv` (b2b, b2ba, ecom, ecoma), `nt` (cdnr, cdnra) or
`doclist` (isd, isda); `impg` is a flat list and `impgsez` wraps `boe`. Amounts are `igst`,
`cgst`, `sgst`, `cess`, at document level (v4) or in `items` (v1). GETINV (§3.3): `{section:
[record]}` with `iamt`, `camt`, `samt` and IMS's own `cess`.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api.wire import b2b, cdnr, invoice, note, ok
from tests.shared import SAMPLES

HEADS = ("igst", "cgst", "sgst", "cess")
ZERO = Decimal(0)

# -- the reader -------------------------------------------------------------------------------


def decode(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)


def unwrap(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `data` object of a GET2B answer, a GSTN download (`chksum` + `data`) or itself."""
    return document.get("data", document)


@dataclass(frozen=True)
class Heads:
    igst: Decimal = ZERO
    cgst: Decimal = ZERO
    sgst: Decimal = ZERO
    cess: Decimal = ZERO

    @classmethod
    def of(cls, node: Mapping[str, Any]) -> Heads:
        return cls(*(Decimal(str(node.get(h, 0) or 0)) for h in HEADS))

    def __add__(self, other: Heads) -> Heads:
        return Heads(*(getattr(self, h) + getattr(other, h) for h in HEADS))


@dataclass(frozen=True)
class Document2B:
    part: str  # docdata / docRejdata
    section: str
    supplier: str | None
    supplier_period: str | None
    number: str
    date: str
    kind: str | None  # typ / doctyp
    itc_available: str | None  # itcavl / itcelg
    reason: str | None
    reverse_charge: str | None
    tax: Heads


_LISTS = {
    "inv": ("inum", "dt"),
    "nt": ("ntnum", "dt"),
    "doclist": ("docnum", "docdt"),
    "boe": ("boenum", "boedt"),
}


def _tax(doc: Mapping[str, Any]) -> Heads:
    """Document-level amounts (v4), else the sum of its rate-wise `items` (v1)."""
    if any(h in doc for h in HEADS):
        return Heads.of(doc)
    total = Heads()
    for item in doc.get("items", []):
        total = total + Heads.of(item)
    return total


def _document(
    part: str,
    section: str,
    wrapper: Mapping[str, Any],
    doc: Mapping[str, Any],
    keys: tuple[str, str],
) -> Document2B:
    return Document2B(
        part=part,
        section=section,
        supplier=wrapper.get("ctin"),
        supplier_period=wrapper.get("supprd"),
        number=doc[keys[0]],
        date=doc[keys[1]],
        kind=doc.get("typ") or doc.get("doctyp"),
        itc_available=doc.get("itcavl") or doc.get("itcelg"),
        reason=doc.get("rsn") or None,
        reverse_charge=doc.get("rev"),
        tax=_tax(doc),
    )


def documents_2b(statement: Mapping[str, Any]) -> Iterator[Document2B]:
    for part in ("docdata", "docRejdata"):
        for section, entries in statement.get(part, {}).items():
            if not isinstance(entries, list):
                continue
            for entry in entries:
                if "boenum" in entry:  # impg: a flat list of bills of entry
                    yield _document(part, section, {}, entry, _LISTS["boe"])
                    continue
                for list_key, keys in _LISTS.items():
                    for doc in entry.get(list_key, []):
                        yield _document(part, section, entry, doc, keys)


def summary(statement: Mapping[str, Any], *path: str) -> Heads:
    node: Any = statement["itcsumm"]
    for key in path:
        node = node[key]
    return Heads.of(node)


@dataclass(frozen=True)
class ImsRecord:
    section: str
    supplier: str
    number: str
    date: str
    action: str
    pending_blocked: str
    source_filed: bool
    taxable: Decimal
    tax: Heads


def ims_records(getinv: Mapping[str, Any]) -> Iterator[ImsRecord]:
    """GETINV records; IMS amounts are `iamt`, `camt`, `samt` and `cess` (formats.md §0)."""
    for section, records in getinv.items():
        for r in records:
            number = r.get("inum") or r.get("nt_num")
            yield ImsRecord(
                section=section,
                supplier=r["stin"],
                number=number,
                date=r.get("idt") or r.get("nt_dt"),
                action=r["action"],
                pending_blocked=r["ispendactblocked"],
                source_filed=r["srcfilstatus"] != "Not Filed",
                taxable=Decimal(str(r["txval"])),
                tax=Heads(*(Decimal(str(r[k])) for k in ("iamt", "camt", "samt", "cess"))),
            )


def fetch(base_url: str, path: str, token: str, gstin: str, **params: str) -> Mapping[str, Any]:
    """One GSTN GET: plain httpx, the envelope checked, `data` decoded with Decimal amounts."""
    answer = httpx.get(
        f"{base_url}/plain/taxpayerapi/v1.0/returns/{path}",
        params={"gstin": gstin, **params},
        headers={"auth-token": token, "gstin": gstin},
        timeout=60,
    )
    body = decode(answer.content)
    assert answer.status_code == 200 and body["status_cd"] == "1", answer.text
    return body["data"]


def by_number(documents) -> dict[str, Any]:
    return {d.number: d for d in documents}


# -- the GSTN samples -------------------------------------------------------------------------


def sample(name: str) -> Mapping[str, Any]:
    return decode((SAMPLES / name).read_bytes())


def test_the_reader_finds_the_documents_of_the_v4_sample_with_document_level_amounts():
    """formats.md §2.5, §2.6 — india-compliance's IMS-era GSTR-2B fixture."""
    statement = unwrap(sample("gstr2b_v4_ims_india_compliance.json"))
    assert (statement["rtnprd"], statement["gendt"]) == ("032020", "14-04-2020")
    docs = list(documents_2b(statement))
    available = [d for d in docs if d.part == "docdata"]
    s008400 = by_number(d for d in available if d.section == "b2b")["S008400"]
    assert (s008400.supplier, s008400.itc_available, s008400.reason) == (
        "01AABCE2207R1Z5",
        "N",
        "P",
    )
    assert s008400.tax == Heads(igst=Decimal(183))
    note_ = by_number(d for d in available if d.section == "cdnr")["533515"]
    assert (note_.kind, note_.reason) == ("C", "C")
    isd = [d for d in available if d.section == "isd"]
    assert sorted(d.number for d in isd) == ["S0080", "S9001", "S9002", "S9003", "S9010", "S9010"]
    assert sum((d.tax for d in isd), Heads()) == Heads(cgst=Decimal(880), sgst=Decimal(880))
    assert [d.kind for d in isd if d.number == "S9003"] == ["ISDC"]
    (impg,) = [d for d in available if d.section == "impg"]
    assert (impg.number, impg.supplier, impg.tax) == (
        "2566282",
        None,
        Heads(igst=Decimal("123.02"), cess=Decimal("0.5")),
    )
    ecom = [d for d in available if d.section == "ecom"]
    assert [(d.supplier, d.number) for d in ecom] == [
        ("07USERR0205A1ZS", "doc1"),
        ("07USERR0205A1ZS", "E123"),
    ]
    rejected = [d for d in docs if d.part == "docRejdata" and d.section == "b2b"]
    assert [d.number for d in rejected] == ["S008400"]
    assert summary(statement, "itcavl", "nonrevsup") == Heads(
        *(Decimal(v) for v in (1600, 800, 800, 400))
    )
    assert summary(statement, "itcRejected", "nonrevsup", "b2b").igst == 400


def test_the_reader_sums_the_rate_wise_items_of_the_v1_sample():
    """formats.md §2.5: "Parse both" — v1 documents carry `items` instead of totals."""
    statement = unwrap(sample("gstr2b_v1_india_compliance.json"))
    docs = by_number(d for d in documents_2b(statement) if d.section == "b2b")
    assert docs["S008400"].tax == Heads(cgst=Decimal(200), sgst=Decimal(200))
    cdnr_ = by_number(d for d in documents_2b(statement) if d.section == "cdnr")
    assert cdnr_["533515"].tax == Heads(igst=Decimal(400))


def test_the_reader_reads_the_getinv_sample():
    """formats.md §3.3 — india-compliance's GETINV fixture."""
    records = list(ims_records(sample("ims_getinv_india_compliance.json")))
    b1 = next(r for r in records if r.section == "b2b")
    assert (b1.supplier, b1.number, b1.action, b1.source_filed) == (
        "24MAYAS0100J1JD",
        "b1",
        "R",
        False,
    )
    assert b1.tax == Heads(igst=Decimal(20), cgst=Decimal(20), sgst=Decimal(20))
    assert {r.section for r in records} >= {"b2b", "b2ba", "b2bdn"}


# -- gstims over HTTP -------------------------------------------------------------------------

S1, S2, R = "27AAPFU0939F1ZV", "24AANFA2641L1ZF", "29AABCR1718E1ZL"


@dataclass
class Served:
    base_url: str
    token: str
    getinv: Mapping[str, Any]
    get2b: Mapping[str, Any]


@pytest.fixture(scope="module")
def served_month(server, sandbox) -> Served:
    """example-month.md's October, driven through the sandbox; GETINV on 09-11, GET2B on 14-11."""
    for gstin in (S1, S2, R):
        sandbox.register(gstin)
    s1, s2, r = sandbox.taxpayer(S1), sandbox.taxpayer(S2), sandbox.taxpayer(R)
    sandbox.today("05-11-2024")
    ok(
        s1.retsave(
            "102024",
            b2b=[
                b2b(
                    R,
                    invoice("INV-101", "10-10-2024", pos="29", rate=18, taxable=10000, iamt=1800),
                    invoice("INV-102", "12-10-2024", pos="29", rate=12, taxable=5000, iamt=600),
                    invoice(
                        "RCM-1", "22-10-2024", pos="29", rate=5, taxable=2000, iamt=100, rchrg="Y"
                    ),
                )
            ],
            cdnr=[cdnr(R, note("CN-11", "20-10-2024", pos="29", rate=18, taxable=1000, iamt=180))],
        )
    )
    ok(s1.retfile("102024"))
    sandbox.today("08-11-2024")
    ok(
        s2.retsave(
            "102024",
            b2b=[
                b2b(
                    R,
                    invoice(
                        "INV-201", "15-10-2024", pos="24", rate=18, taxable=5000, camt=450, samt=450
                    ),
                    invoice("INV-202", "16-10-2024", pos="29", rate=28, taxable=20000, iamt=5600),
                )
            ],
        )
    )
    ok(s2.retfile("102024"))
    sandbox.today("09-11-2024")
    getinv = fetch(server.base_url, "ims", r.token, R, action="GETINV")
    sandbox.today("10-11-2024")
    # R's actions of 10-11-2024: INV-102 Reject, INV-202 Pending, CN-11 Accept
    listed = {x.get("inum") or x.get("nt_num"): x for rs in getinv.values() for x in rs}

    def acting(number: str, action: str, **extra: str) -> dict[str, str]:
        keys = ("stin", "inum", "idt", "nt_num", "nt_dt")
        record = {k: listed[number][k] for k in keys if k in listed[number]}
        return {**record, "action": action, "prev_status": "N", **extra}

    ok(
        r.save(
            b2b=[acting("INV-102", "R", remarks="not ordered"), acting("INV-202", "P")],
            b2bcn=[acting("CN-11", "A")],
        )
    )
    sandbox.today("14-11-2024")
    get2b = fetch(server.base_url, "gstr2b", r.token, R, action="GET2B", rtnprd="102024")
    return Served(server.base_url, r.token, getinv, get2b)


def test_the_reader_finds_example_months_records_in_gstims_getinv(served_month):
    """example-month.md "What the IMS shows R on 09-11-2024", read by the independent client."""
    records = {r.number: r for r in ims_records(served_month.getinv)}
    assert sorted(records) == ["CN-11", "INV-101", "INV-102", "INV-202"]
    assert records["CN-11"].section == "b2bcn" and records["CN-11"].pending_blocked == "Y"
    assert records["CN-11"].tax == Heads(igst=Decimal(180))  # positive on the wire
    assert records["INV-202"].supplier == S2 and records["INV-202"].tax.igst == 5600
    assert all(r.source_filed and r.action == "N" for r in records.values())
    assert sum((r.tax for r in records.values()), Heads()) == Heads(igst=Decimal(8180))


def test_the_reader_finds_example_months_documents_and_sums_in_gstims_get2b(served_month):
    """example-month.md "GSTR-2B for 102024", and R-2B-6: totals are sums of their documents."""
    statement = unwrap(served_month.get2b)
    assert (statement["gstin"], statement["rtnprd"]) == (R, "102024")
    docs = list(documents_2b(statement))
    found = {(d.part, d.section, d.supplier, d.number) for d in docs}
    assert found == {
        ("docdata", "b2b", S1, "INV-101"),
        ("docdata", "b2b", S1, "RCM-1"),
        ("docdata", "b2b", S2, "INV-201"),
        ("docdata", "cdnr", S1, "CN-11"),
        ("docRejdata", "b2b", S1, "INV-102"),
    }
    doc = by_number(docs)
    assert (doc["INV-101"].itc_available, doc["INV-101"].reverse_charge) == ("Y", "N")
    assert doc["RCM-1"].reverse_charge == "Y"
    assert (doc["INV-201"].itc_available, doc["INV-201"].reason) == ("N", "P")
    assert doc["CN-11"].kind == "C" and doc["INV-101"].supplier_period == "102024"

    def total(part: str, section: str, **flags: str) -> Heads:
        chosen = [
            d
            for d in docs
            if d.part == part
            and d.section == section
            and all(getattr(d, k) == v for k, v in flags.items())
        ]
        return sum((d.tax for d in chosen), Heads())

    assert summary(statement, "itcavl", "nonrevsup", "b2b") == total(
        "docdata", "b2b", itc_available="Y", reverse_charge="N"
    )
    assert summary(statement, "itcavl", "revsup", "b2b") == total(
        "docdata", "b2b", reverse_charge="Y"
    )
    assert summary(statement, "itcunavl", "nonrevsup", "b2b") == total(
        "docdata", "b2b", itc_available="N"
    )
    assert summary(statement, "itcavl", "othersup", "cdnr") == total("docdata", "cdnr")
    assert summary(statement, "itcRejected", "nonrevsup", "b2b") == total("docRejdata", "b2b")
    assert summary(statement, "itcavl", "nonrevsup").igst == 1800
    assert summary(statement, "itcRejected", "nonrevsup").igst == 600
    rows = {(row["ctin"]): row["ttldocs"] for row in statement["cpsumm"]["b2b"]}
    assert rows == {S1: 2, S2: 1}


def test_the_reader_is_independent_of_gstims():
    """This file imports no gstims module: the reader knows only formats.md and the samples."""
    tree = ast.parse(Path(__file__).read_text())
    imported = [
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imported if name.split(".")[0] == "gstims"]
