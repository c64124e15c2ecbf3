"""Supplier use cases: save and file GSTR-1 / IFF / GSTR-1A, the return summary, the supplier view.

A save is one transaction (R-IN-4): every document is validated first, every problem is
reported, and nothing is stored if there is one. Then, set-based: new documents are inserted
in one statement, changed ones updated in one, deleted ones deleted in one; a recipient's
action on a changed or deleted record returns to No action with an audit entry (R-IN-2).
Saving the same payload again changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, update

from gstims.domain.actions import view_of
from gstims.domain.calendar import Frequency, Period, months_of, section_16_4_limit
from gstims.domain.documents import (
    NumberKey,
    Problem,
    ReturnContext,
    SupplierDocument,
    validate_documents,
)
from gstims.domain.records import Kind, Origin, Record, period_2b, route
from gstims.domain.sequence import gstr1_refusal, gstr1a_refusal, period_refusal
from gstims.domain.state import NO_ACTION
from gstims.services.context import (
    SYSTEM,
    Taxpayer,
    audit_entry,
    bump_ims_version,
    filing_facts,
    new_reference,
    return_status,
    taxpayer,
    taxpayers_by_gstin,
    write_audit,
)
from gstims.services.errors import Conflict, Invalid
from gstims.services.rows import (
    period_int,
    record_of,
    tax_paise,
    to_paise,
)
from gstims.store.db import UnitOfWork
from gstims.store.tables import records, returns

FORMS = {"GSTR1": Origin.GSTR1, "GSTR1A": Origin.GSTR1A}
CHUNK = 500


@dataclass(frozen=True, slots=True)
class SaveResult:
    reference_id: str
    saved: int
    deleted: int
    unchanged: int


def save_return(
    uow: UnitOfWork, gstin: str, form: str, period: Period, docs: Sequence[SupplierDocument]
) -> SaveResult:
    """RETSAVE of a GSTR-1 / IFF (form GSTR1) or GSTR-1A: insert, replace or delete documents."""
    supplier = taxpayer(uow, gstin)
    today = uow.today()
    _check_open(uow, supplier, form, period)
    existing = _existing_rows(uow, gstin, docs)
    recipients = taxpayers_by_gstin(uow, {d.recipient for d in docs})
    ctx = _context(supplier, period, today, recipients, existing, form)
    problems = validate_documents(docs, ctx) + _cross_return_problems(docs, existing, form, period)
    if problems:
        raise Invalid(problems)
    uow.lock([gstin, *recipients])
    plan = _plan(docs, existing, supplier, form, period, recipients, today)
    _apply(uow, plan, gstin, form, period, today)
    uow.commit()
    return SaveResult(new_reference(), plan.saved, len(plan.deletes), plan.unchanged)


def file_return(uow: UnitOfWork, gstin: str, form: str, period: Period) -> date:
    """RETFILE: file the return on the clock's today (nothing saved = a nil return)."""
    supplier = taxpayer(uow, gstin)
    today = uow.today()
    facts = filing_facts(uow, supplier)
    refusal = (
        gstr1_refusal(facts, period, today) if form == "GSTR1" else gstr1a_refusal(facts, period)
    )
    if refusal:
        raise Conflict(refusal.code, refusal.message)
    uow.lock([gstin])
    _upsert_return(uow, gstin, form, period, status="filed", filed_on=today)
    _file_records(uow, supplier, FORMS[form], period, today)
    uow.commit()
    return today


# -- saving -----------------------------------------------------------------------------------


def _check_open(uow: UnitOfWork, supplier: Taxpayer, form: str, period: Period) -> None:
    if refusal := period_refusal(period):
        raise Conflict(refusal.code, refusal.message)
    status = return_status(uow, supplier.gstin, form, period)
    if status is not None and status["status"] == "filed":
        raise Conflict("RET0002", f"{form} for {period} is already filed")
    if form == "GSTR1A":
        refusal = gstr1a_refusal(filing_facts(uow, supplier), period)
        if refusal:
            raise Conflict(refusal.code, refusal.message)


def _key_tuple(doc: SupplierDocument) -> tuple[str, str, str, int]:
    key = doc.key
    return (key.supplier, key.kind.value, key.number, key.fy)


def _existing_rows(
    uow: UnitOfWork, gstin: str, docs: Sequence[SupplierDocument]
) -> dict[tuple[str, str, str, int], dict[str, Any]]:
    """The latest row of each record key the request names (one query per chunk of numbers)."""
    numbers = sorted({d.key.number for d in docs})
    latest: dict[tuple[str, str, str, int], dict[str, Any]] = {}
    for start in range(0, len(numbers), CHUNK):
        rows = uow.conn.execute(
            select(records).where(
                records.c.supplier == gstin,
                records.c.number.in_(numbers[start : start + CHUNK]),
            )
        ).mappings()
        for row in rows:
            k = (row["supplier"], row["kind"], row["number"], row["fy"])
            if k not in latest or row["amend_no"] > latest[k]["amend_no"]:
                latest[k] = dict(row)
    return latest


def _context(
    supplier: Taxpayer,
    period: Period,
    today: date,
    recipients: Mapping[str, Taxpayer],
    existing: Mapping[tuple[str, str, str, int], Mapping[str, Any]],
    form: str,
) -> ReturnContext:
    quarterly_return = supplier.frequency is Frequency.QUARTERLY and period.is_quarter_end
    months = months_of(period, supplier.frequency) if quarterly_return else [period]
    filed = {k: r for k, r in existing.items() if r["filed_on"] is not None}
    return ReturnContext(
        supplier=supplier.gstin,
        supplier_state=supplier.state,
        return_period=period,
        period_first_day=months[0].first_day,
        today=today,
        registered=frozenset(recipients),
        taken_numbers={
            NumberKey(k[0], Kind(k[1]), k[2], k[3]): r["recipient"] for k, r in filed.items()
        },
        filed_originals=frozenset(record_of(r).key for r in filed.values()),
    )


def _cross_return_problems(
    docs: Sequence[SupplierDocument],
    existing: Mapping[tuple[str, str, str, int], Mapping[str, Any]],
    form: str,
    period: Period,
) -> list[Problem]:
    """A number saved, unfiled, in ANOTHER return of the supplier is not free either."""
    problems = []
    origin, source = FORMS[form].value, period_int(period)
    for doc in docs:
        row = existing.get(_key_tuple(doc))
        if row is None or row["filed_on"] is not None:
            continue
        if (row["origin"], row["source_period"]) != (origin, source):
            field = "inum" if doc.kind in (Kind.INV, Kind.ECO) else "nt_num"
            problems.append(
                Problem(
                    doc.section,
                    doc.number,
                    field,
                    f"number already saved in the {row['origin']} return for "
                    f"{row['source_period'] % 100:02d}{row['source_period'] // 100}; "
                    "delete it there first",
                )
            )
    return problems


@dataclass
class _Plan:
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    deletes: list[int]
    supersede: list[int]
    audit: list[dict[str, Any]]
    recipients: set[str]
    saved: int = 0
    unchanged: int = 0


def _plan(
    docs: Sequence[SupplierDocument],
    existing: Mapping[tuple[str, str, str, int], Mapping[str, Any]],
    supplier: Taxpayer,
    form: str,
    period: Period,
    recipients: Mapping[str, Taxpayer],
    today: date,
) -> _Plan:
    plan = _Plan([], [], [], [], [], set())
    origin, source = FORMS[form], period_int(period)
    for doc in docs:
        row = existing.get(_key_tuple(doc))
        ours = (
            row is not None
            and row["filed_on"] is None
            and (
                row["origin"],
                row["source_period"],
            )
            == (origin.value, source)
        )
        if doc.delete:
            if ours and row is not None:
                plan.deletes.append(row["id"])
                plan.recipients.add(row["recipient"])
                if row["action"] != "N":
                    plan.audit.append(_system_audit(row, today, "deleted by the supplier"))
            continue
        values = _row_values(doc, supplier, origin, period, recipients[doc.recipient], today, row)
        if ours and row is not None:
            if row["hash"] == values["hash"]:
                plan.unchanged += 1
                continue
            plan.updates.append({"_id": row["id"], **values, **_reset_columns()})
            plan.recipients |= {row["recipient"], doc.recipient}
            if row["action"] != "N":
                plan.audit.append(_system_audit(row, today, "changed by the supplier"))
        else:
            if row is not None:  # an amendment of a filed record: a new row in the chain
                values["amend_no"] = row["amend_no"] + 1
                if row["consumed_in"] is None:
                    plan.supersede.append(row["id"])
                    if row["action"] != "N":
                        plan.audit.append(_system_audit(row, today, "replaced by an amendment"))
            plan.inserts.append(values)
            plan.recipients.add(doc.recipient)
        plan.saved += 1
    return plan


def _system_audit(row: Mapping[str, Any], day: date, note: str) -> dict[str, Any]:
    return audit_entry(row, "N", actor=SYSTEM, day=day, note=note)


def _reset_columns() -> dict[str, Any]:
    return {
        "action": "N",
        "remarks": None,
        "itc_red_req": None,
        "decl_igst": None,
        "decl_cgst": None,
        "decl_sgst": None,
        "decl_cess": None,
        "acted_by": None,
        "acted_at": None,
    }


def document_hash(doc: SupplierDocument) -> str:
    parts = [
        doc.section,
        doc.kind.value,
        doc.recipient,
        doc.number,
        doc.doc_date.isoformat(),
        str(doc.value),
        doc.pos,
        doc.supply_type,
        str(doc.reverse_charge),
        str(doc.diff_percent),
        str(doc.original_number),
        str(doc.original_date),
        str(doc.actual_supplier),
    ]
    for item in doc.items:
        parts += [str(item.rate), str(item.taxable), *map(str, item.tax.heads)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _row_values(
    doc: SupplierDocument,
    supplier: Taxpayer,
    origin: Origin,
    period: Period,
    recipient: Taxpayer,
    today: date,
    previous: Mapping[str, Any] | None,
) -> dict[str, Any]:
    key = doc.key
    rates = {item.rate for item in doc.items}
    values: dict[str, Any] = {
        "recipient": doc.recipient,
        "supplier": key.supplier,
        "kind": key.kind.value,
        "number": key.number,
        "fy": key.fy,
        "amend_no": previous["amend_no"] if previous is not None else 0,
        "live": True,
        "origin": origin.value,
        "source_period": period_int(period),
        "supplier_frequency": supplier.frequency.value,
        "doc_number": doc.number,
        "doc_date": doc.doc_date,
        "pos": doc.pos,
        "supply_type": doc.supply_type,
        "rchrg": doc.reverse_charge,
        "diff_percent": str(doc.diff_percent) if doc.diff_percent is not None else None,
        "rate": str(rates.pop()) if len(rates) == 1 else None,
        "value": to_paise(doc.value),
        "taxable": to_paise(doc.taxable),
        **tax_paise(doc.tax),
        "filed_on": None,
        "actual_supplier": doc.actual_supplier,
        "port_code": None,
        "ref_date": None,
        "hash": document_hash(doc),
        "time_barred": False,
        "action": "N",
        "version": 0,
        **_original_columns(doc, previous),
    }
    values.update(derived_columns(values, recipient, today))
    return values


def _original_columns(doc: SupplierDocument, previous: Mapping[str, Any] | None) -> dict[str, Any]:
    names = ("igst", "cgst", "sgst", "cess")
    empty: dict[str, Any] = {
        "orig_number": None,
        "orig_date": None,
        "orig_consumed": None,
        "orig_action": None,
        **{f"orig_{h}": None for h in names},
        **{f"orig_eff_{h}": None for h in names},
    }
    if not doc.is_amendment or previous is None:
        return empty
    if previous["orig_number"] is not None and previous["filed_on"] is None:
        # replacing an unfiled amendment of this very return: keep what it amends
        return {k: previous[k] for k in empty}
    consumed = previous["consumed_in"] is not None
    return {
        "orig_number": previous["doc_number"],
        "orig_date": previous["doc_date"],
        "orig_consumed": consumed,
        "orig_action": previous["consumed_action"] if consumed else previous["action"],
        **{f"orig_{h}": previous[h] for h in names},
        **{f"orig_eff_{h}": (previous[f"eff_{h}"] if consumed else 0) for h in names},
    }


def derived_columns(values: Mapping[str, Any], recipient: Taxpayer, today: date) -> dict[str, Any]:
    """Route, 2B period, specified flag, pending deadline and 16(4) limit of a row."""
    record: Record = record_of({**values, "id": 0})
    p2b = period_2b(record, recipient.frequency, today)
    where = route(record, recipient.state, p2b, today)
    view = view_of(record, NO_ACTION, p2b, recipient.frequency, recipient.state)
    limit_date = record.original.doc_date if record.original else record.doc_date
    return {
        "route": where.value,
        "period_2b": period_int(p2b),
        "specified": view.specified,
        "pending_until": view.pending_until,
        "limit_16_4": section_16_4_limit(limit_date),
    }


def _apply(
    uow: UnitOfWork, plan: _Plan, gstin: str, form: str, period: Period, today: date
) -> None:
    conn = uow.conn
    write_audit(uow, plan.audit)
    if plan.deletes:
        for start in range(0, len(plan.deletes), CHUNK):
            conn.execute(
                delete(records).where(records.c.id.in_(plan.deletes[start : start + CHUNK]))
            )
    if plan.supersede:
        conn.execute(
            update(records).where(records.c.id == bindparam("_id")).values(live=False),
            [{"_id": i} for i in plan.supersede],
        )
    if plan.updates:
        columns = {k: bindparam(k) for k in plan.updates[0] if k != "_id"}
        conn.execute(
            update(records).where(records.c.id == bindparam("_id")).values(columns), plan.updates
        )
    if plan.inserts:
        conn.execute(insert(records), plan.inserts)
    if plan.recipients:
        bump_ims_version(uow, plan.recipients)
    _upsert_return(uow, gstin, form, period, status="saved", filed_on=None)


def _upsert_return(
    uow: UnitOfWork, gstin: str, form: str, period: Period, *, status: str, filed_on: date | None
) -> None:
    key = and_(
        returns.c.gstin == gstin, returns.c.form == form, returns.c.period == period_int(period)
    )
    found = uow.conn.execute(select(returns.c.status).where(key)).scalar()
    if found is None:
        uow.conn.execute(
            insert(returns).values(
                gstin=gstin, form=form, period=period_int(period), status=status, filed_on=filed_on
            )
        )
    elif status == "filed":
        uow.conn.execute(update(returns).where(key).values(status=status, filed_on=filed_on))


# -- filing -----------------------------------------------------------------------------------


def _file_records(
    uow: UnitOfWork, supplier: Taxpayer, origin: Origin, period: Period, today: date
) -> None:
    """Stamp the filing date and settle each record's 2B period, route and deadline (R-2B-2)."""
    rows = uow.conn.execute(
        select(records).where(
            records.c.supplier == supplier.gstin,
            records.c.origin == origin.value,
            records.c.source_period == period_int(period),
            records.c.filed_on.is_(None),
        )
    ).mappings()
    rows = [dict(r) for r in rows]
    if not rows:
        return
    recipients = taxpayers_by_gstin(uow, {r["recipient"] for r in rows})
    updates = []
    for row in rows:
        row["filed_on"] = today
        derived = derived_columns(row, recipients[row["recipient"]], today)
        updates.append({"_id": row["id"], "filed_on": today, **derived})
    columns = {k: bindparam(k) for k in updates[0] if k != "_id"}
    uow.conn.execute(
        update(records).where(records.c.id == bindparam("_id")).values(columns), updates
    )
    bump_ims_version(uow, recipients)
