"""GSTR-2B use cases: generate or recompute (GEN2B), read (GET2B) (R-2B-1..8).

Generation selects, in one query, the recipient's live records not yet consumed whose 2B
period is at most T, builds the statement (`gstr2b_build.build_2b`: column by column, held
equal to the pure `build_gstr2b` and its writer) and keeps it as a new version, with the records it held by the action it recorded (`members`), so that filing the
GSTR-3B consumes exactly what that 2B held (R-3B-3). Nothing is written to the records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gstims.domain.calendar import Period
from gstims.domain.errors import GSTIMS404
from gstims.domain.gstr2b import Rule37A
from gstims.domain.gstr3b import (
    ItcAvailable,
    ItcIneligible,
    ItcReversed,
    SupplyTotals,
    Table4,
)
from gstims.domain.money import Tax
from gstims.domain.records import Route
from gstims.domain.sequence import NOT_GENERATED, gen2b_refusal
from gstims.services.context import (
    cyclic_gc_paused,
    filing_facts,
    filing_facts_of,
    new_reference,
    taxpayer,
    taxpayers_by_gstin,
)
from gstims.services.errors import Conflict, NotFound
from gstims.services.gstr2b_build import build_2b
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import (
    DECLARED_COLUMNS,
    DENSE_COLUMNS,
    SPARSE_COLUMNS,
    from_paise,
    period_of,
    tax_of,
    to_paise,
)

HEADS = ("igst", "cgst", "sgst", "cess")


@dataclass(frozen=True, slots=True)
class Generated:
    reference_id: str
    recipient: str
    period: Period
    version: int
    records: int = 0  # how many records the generation selected


def generate_2b(uow: UnitOfWork, recipient: str, period: Period) -> Generated:
    """GEN2B: (re)compute the 2B of a period (R-2B-1), answering IMS2B009 / IMS2B007."""
    uow.lock([recipient])
    return generate(uow, recipient, period)


def generate(uow: UnitOfWork, recipient: str, period: Period) -> Generated:
    # A lakh of records make a few million small objects, none of them in a cycle: the
    # cyclic collector would only rescan them again and again (about a third of the time).
    # Reference counting frees them as before; the collector resumes when we are done.
    with cyclic_gc_paused():
        return _generate(uow, recipient, period)


def _generate(uow: UnitOfWork, recipient: str, period: Period) -> Generated:
    tp = taxpayer(uow, recipient)
    today = uow.today()
    refusal = gen2b_refusal(filing_facts(uow, tp), period, today)
    if refusal:
        raise Conflict(refusal.code, refusal.message)
    rows = uow.records.for_2b(recipient, period, ("route", "id"))
    rows.sort(key=_by_id)  # the statement's order is the records' (not the database plan's)
    names = uow.taxpayers.names({r[0] for r, _ in rows})  # supplier: the first column
    version = 1 + uow.gstr2b.latest_version(recipient, period)
    built = build_2b(
        recipient,
        period,
        rows,
        names,
        _adjustments(uow, recipient, period, names),
        generated_on=today,
        version=version,
    )
    reference = new_reference()
    uow.gstr2b.add(
        recipient,
        period,
        version=version,
        generated_on=today,
        ims_version=uow.taxpayers.ims_version(recipient),
        reference_id=reference,
        content=built.content,
        table4=table4_json(built.table4),
        members=_members(rows),
        declarations=_declarations(rows),
    )
    uow.requests.record(reference, recipient, "GEN2B", processed=len(rows), errors=[], day=today)
    return Generated(reference, recipient, period, version, len(rows))


GROUP_RECORDS = 20_000
"""`generate_many` reads the records of several recipients together up to this many; a
recipient with more is generated alone, by `generate`: memory is bounded by the largest
recipient (or this), never by how many recipients there are."""


def generate_many(uow: UnitOfWork, wanted: Sequence[tuple[str, Period]]) -> list[Generated]:
    """`generate` of each (recipient, period), with a few queries for the lot instead of ten
    each: their facts, records (recipients of a period together, `GROUP_RECORDS` at a time),
    suppliers' names, versions, IMS versions and adjustments; then one INSERT of the
    generations and one of their requests. A test holds it equal to `generate` one by one."""
    with cyclic_gc_paused():
        out: list[Generated] = []
        by_period: dict[Period, list[str]] = {}
        for recipient, period in wanted:
            by_period.setdefault(period, []).append(recipient)
        for period, recipients in by_period.items():
            sizes = uow.records.count_for_2bs(recipients, period)
            group: list[str] = []
            held = 0
            for recipient in recipients:
                size = sizes.get(recipient, 0)
                if size > GROUP_RECORDS:
                    out.append(_generate(uow, recipient, period))
                    continue
                if held + size > GROUP_RECORDS:
                    out += _generate_group(uow, group, period)
                    group, held = [], 0
                group.append(recipient)
                held += size
            out += _generate_group(uow, group, period)
        return out


def _generate_group(uow: UnitOfWork, recipients: list[str], period: Period) -> list[Generated]:
    if not recipients:
        return []
    today = uow.today()
    tps = taxpayers_by_gstin(uow, recipients)
    facts = filing_facts_of(uow, tps)
    for recipient in recipients:
        if recipient not in tps:
            raise NotFound(GSTIMS404, f"GSTIN {recipient} is not registered")
        if refusal := gen2b_refusal(facts[recipient], period, today):
            raise Conflict(refusal.code, refusal.message)
    rows_of: dict[str, list[tuple[Sequence[Any], Sequence[Any]]]] = {r: [] for r in recipients}
    for row, sparse in uow.records.for_2bs(recipients, period, ("recipient", "route", "id")):
        rows_of[row[-3]].append((row, sparse))
    names = uow.taxpayers.names({r[0] for rows in rows_of.values() for r, _ in rows})
    versions = uow.gstr2b.latest_versions(recipients, period)
    ims_versions = uow.taxpayers.ims_versions(recipients)
    adjustments = uow.gstr2b.open_adjustments_of(recipients, period)
    out, kept, asked = [], [], []
    for recipient in recipients:
        rows = rows_of.pop(recipient)
        rows.sort(key=_by_id)
        version = 1 + versions.get(recipient, 0)
        built = build_2b(
            recipient,
            period,
            rows,
            names,
            _rule_37a(adjustments.get(recipient, []), names),
            generated_on=today,
            version=version,
        )
        reference = new_reference()
        kept.append(
            {
                "recipient": recipient,
                "period": period,
                "version": version,
                "generated_on": today,
                "ims_version": ims_versions[recipient],
                "reference_id": reference,
                "content": built.content,
                "table4": table4_json(built.table4),
                "members": _members(rows),
                "declarations": _declarations(rows),
            }
        )
        asked.append((reference, recipient, "GEN2B", len(rows), today))
        out.append(Generated(reference, recipient, period, version, len(rows)))
    uow.gstr2b.add_many(kept)
    uow.requests.record_many(asked)
    return out


def _by_id(row: tuple[Sequence[Any], Sequence[Any]]) -> Any:
    return row[0][-1]  # the record id, the last extra column


_ACTION = DENSE_COLUMNS.index("action")
_PENDING, _IMS = "P", Route.IMS.value


def _members(rows: Sequence[tuple[Sequence[Any], Any]]) -> dict[str, list[int]]:
    """{action: [record ids]} of the selection (`..., route, id` last), but for the IMS
    records kept Pending, which stay in IMS (R-2B-3): what the 3B will consume."""
    members: dict[str, list[int]] = {}
    for row, _ in rows:
        action = row[_ACTION]
        if action != _PENDING or row[-2] != _IMS:
            ids = members.get(action)
            if ids is None:
                ids = members[action] = []
            ids.append(row[-1])
    return members


_DECLARATION = [SPARSE_COLUMNS.index(c) for c in ("itc_red_req", *DECLARED_COLUMNS)]


def _declarations(rows: Sequence[tuple[Sequence[Any], Sequence[Any]]]) -> dict[str, list[Any]]:
    """{record id: [Y/N, igst, cgst, sgst, cess]} of the selected records with a declaration:
    what the 3B consumes them with (R-3B-3). Only sparse rows can have one."""
    return {
        str(row[-1]): [sparse[i] for i in _DECLARATION]
        for row, sparse in rows
        if sparse[_DECLARATION[0]] is not None
    }


def _adjustments(
    uow: UnitOfWork, recipient: str, period: Period, names: dict[str, str]
) -> list[Rule37A]:
    return _rule_37a(uow.gstr2b.open_adjustments(recipient, period), names)


def _rule_37a(rows: Sequence[Mapping[Any, Any]], names: dict[str, str]) -> list[Rule37A]:
    return [
        Rule37A(
            r["supplier"],
            period_of(r["supplier_period"]),
            tax_of(r),
            r["kind"] == "reclaim",
            names.get(r["supplier"], ""),
        )
        for r in rows
    ]


def latest(
    uow: UnitOfWork, recipient: str, period: Period, *, content: bool = True
) -> dict[str, Any] | None:
    """The latest generation's row; without `content` (megabytes of JSON for a lakh of
    documents) when the caller needs only its version, Table 4 and dates."""
    return uow.gstr2b.latest(recipient, period, content=content)


def get_2b_json(uow: UnitOfWork, recipient: str, period: Period) -> bytes:
    """GET2B as the JSON text kept: what `get_2b` answers, without reading a lakh of
    documents into objects only to write them out again."""
    taxpayer(uow, recipient)
    kept = uow.gstr2b.latest_json(recipient, period)
    if kept is None:
        raise NotFound(NOT_GENERATED, f"GSTR-2B for {period} has not been generated")
    return kept


def get_2b(uow: UnitOfWork, recipient: str, period: Period) -> dict[str, Any]:
    """GET2B: the latest generation's GSTN data object; RET2B1023 when there is none."""
    taxpayer(uow, recipient)
    row = uow.gstr2b.latest(recipient, period)
    if row is None:
        raise NotFound(NOT_GENERATED, f"GSTR-2B for {period} has not been generated")
    content: dict[str, Any] = row["content"]
    return content


# -- Table 4 kept beside each generation ----------------------------------------------------

_ROWS = ("IMPG", "IMPS", "ISRC", "ISD", "OTH", "REV_RUL", "REV_OTH", "INELG_RUL", "INELG_OTH")


def table4_json(t: Table4) -> dict[str, Any]:
    a, r, d = t.available, t.reversed_itc, t.ineligible
    cells = (
        a.import_of_goods,
        a.import_of_services,
        a.inward_reverse_charge,
        a.isd,
        a.all_other,
        r.rules,
        r.others,
        d.rules,
        d.others,
    )
    out: dict[str, Any] = {
        name: [to_paise(h) for h in tax.heads] for name, tax in zip(_ROWS, cells, strict=True)
    }
    out["RC_TAXABLE"] = to_paise(t.inward_reverse_charge.taxable)
    out["RC_TAX"] = [to_paise(h) for h in t.inward_reverse_charge.tax.heads]
    return out


def table4_of(data: dict[str, Any] | None) -> Table4:
    if not data:
        return Table4()

    def tax(name: str) -> Tax:
        return Tax(*(from_paise(v) for v in data[name]))

    return Table4(
        ItcAvailable(tax("IMPG"), tax("IMPS"), tax("ISRC"), tax("ISD"), tax("OTH")),
        ItcReversed(tax("REV_RUL"), tax("REV_OTH")),
        ItcIneligible(tax("INELG_RUL"), tax("INELG_OTH")),
        SupplyTotals(from_paise(data["RC_TAXABLE"]), tax("RC_TAX")),
    )
