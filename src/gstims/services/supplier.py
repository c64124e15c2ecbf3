"""Supplier use cases: save and file GSTR-1 / IFF / GSTR-1A, the return summary, the supplier view.

A save is one transaction (R-IN-4): every document is validated first, every problem is
reported, and nothing is stored if there is one. Then, set-based: new documents are inserted
in one statement, changed ones updated in one, deleted ones deleted in one; a recipient's
action on a changed or deleted record returns to No action with an audit entry (R-IN-2).
Saving the same payload again changes nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from gstims.domain.actions import view_of
from gstims.domain.calendar import (
    Frequency,
    Period,
    financial_year_of,
    months_of,
    section_16_4_limit,
)
from gstims.domain.documents import (
    AMENDMENT_SECTIONS,
    NumberKey,
    Problem,
    ReturnContext,
    SupplierDocument,
    validate_documents,
)
from gstims.domain.records import Kind, Origin, Record, period_2b, route
from gstims.domain.sequence import Refusal, gstr1_refusal, gstr1a_refusal, period_refusal
from gstims.domain.state import NO_ACTION
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import (
    SYSTEM,
    filing_facts,
    gc_paused,
    new_reference,
    return_status,
    taxpayer,
    taxpayers_by_gstin,
)
from gstims.services.errors import Conflict, Invalid
from gstims.store.bulk import fetch_dicts, in_values, insert_rows, update_rows, update_where_in
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.mapping import (
    NO_ACTION_COLUMNS,
    ORIGINAL_COLUMNS,
    period_int,
    record_of,
    to_paise,
)
from gstims.store.tables import records, returns

FORMS = {"GSTR1": Origin.GSTR1, "GSTR1A": Origin.GSTR1A}


@dataclass(frozen=True, slots=True)
class SaveResult:
    reference_id: str
    saved: int
    deleted: int
    unchanged: int


@gc_paused
def save_return(
    uow: UnitOfWork, gstin: str, form: str, period: Period, docs: Sequence[SupplierDocument]
) -> SaveResult:
    """RETSAVE of a GSTR-1 / IFF (form GSTR1) or GSTR-1A: insert, replace or delete documents."""
    supplier = taxpayer(uow, gstin)
    today = uow.today()
    _check_open(uow, supplier, form, period)
    existing, filed = _existing_rows(uow, gstin, docs)
    recipients = taxpayers_by_gstin(uow, {d.recipient for d in docs})
    ctx = _context(supplier, period, today, recipients, filed)
    problems = validate_documents(docs, ctx) + _cross_return_problems(docs, existing, form, period)
    if problems:
        raise Invalid(problems)
    uow.lock([gstin, *recipients])
    plan = _plan(docs, existing, supplier, form, period, recipients, today)
    plan.restore = _replaced_originals(plan.deleted_amendments, filed)
    _apply(uow, plan, gstin, form, period, today)
    return SaveResult(new_reference(), plan.saved, len(plan.deletes), plan.unchanged)


@gc_paused
def file_return(uow: UnitOfWork, gstin: str, form: str, period: Period) -> date:
    """RETFILE: file the return on the clock's today (nothing saved = a nil return)."""
    supplier = taxpayer(uow, gstin)
    today = uow.today()
    if refusal := filing_refusal(uow, supplier, form, period, today):
        raise Conflict(refusal.code, refusal.message)
    uow.lock([gstin])
    _upsert_return(uow, gstin, form, period, status="filed", filed_on=today)
    _file_records(uow, supplier, FORMS[form], period, today)
    return today


def filing_refusal(
    uow: UnitOfWork, supplier: Taxpayer, form: str, period: Period, today: date
) -> Refusal | None:
    """Why the return may not be filed today (None: it may): RETFILE's and RETNEWPTF's check."""
    facts = filing_facts(uow, supplier)
    if form == "GSTR1":
        return gstr1_refusal(facts, period, today)
    return gstr1a_refusal(facts, period)


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
    return (key.supplier, str(key.kind), key.number, key.fy)  # str() of a StrEnum: its value


_Rows = dict[tuple[str, str, str, int], dict[str, Any]]


def _existing_rows(
    uow: UnitOfWork, gstin: str, docs: Sequence[SupplierDocument]
) -> tuple[_Rows, _Rows]:
    """The latest row of each record key the request names, and its latest FILED row (one
    query): while an amendment is saved, unfiled, its chain's filed original still counts."""
    keys = [d.key for d in docs]
    numbers = sorted({k.number for k in keys})
    kinds = sorted({str(k.kind) for k in keys})
    latest: _Rows = {}
    filed: _Rows = {}
    if not numbers:
        return latest, filed
    query = select(records).where(
        records.c.supplier == gstin,
        records.c.kind.in_(kinds),  # with the supplier, leads the record-key index
        in_values(uow.conn, records.c.number, numbers),
    )
    for row in fetch_dicts(uow.conn, query):
        k = (row["supplier"], row["kind"], row["number"], row["fy"])
        if k not in latest or row["amend_no"] > latest[k]["amend_no"]:
            latest[k] = row
        if row["filed_on"] is not None and (
            k not in filed or row["amend_no"] > filed[k]["amend_no"]
        ):
            filed[k] = row
    return latest, filed


def _context(
    supplier: Taxpayer,
    period: Period,
    today: date,
    recipients: Mapping[str, Taxpayer],
    filed: Mapping[tuple[str, str, str, int], Mapping[str, Any]],
) -> ReturnContext:
    quarterly_return = supplier.frequency is Frequency.QUARTERLY and period.is_quarter_end
    months = months_of(period, supplier.frequency) if quarterly_return else [period]
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
        row = existing.get(_key_tuple(doc)) if existing else None
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
    deleted_amendments: list[tuple[str, str, str, int]] = field(default_factory=list)
    restore: list[int] = field(default_factory=list)


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
    amends = not AMENDMENT_SECTIONS.isdisjoint({doc.section for doc in docs})
    facts = _ReturnFacts(origin.value, source, supplier.frequency.value, amends)
    derive = Derivations(recipients, today)
    for doc in docs:
        row = existing.get(_key_tuple(doc)) if existing else None
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
                if row["orig_number"] is not None:
                    plan.deleted_amendments.append(_key_tuple(doc))
                if row["action"] != "N":
                    plan.audit.append(_system_audit(row, today, "deleted by the supplier"))
            continue
        digest = document_hash(doc)
        if ours and row is not None and row["hash"] == digest:
            plan.unchanged += 1
            continue
        values = _row_values(doc, facts, row, digest)
        values.update(derive(values))
        if ours and row is not None:
            plan.updates.append({"id": row["id"], **_NO_ORIGINAL, **values, **_reset_columns()})
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


def _replaced_originals(deleted: Sequence[tuple[str, str, str, int]], filed: _Rows) -> list[int]:
    """R-IN-2, R-IN-7: the filed records that the deleted unfiled amendments had replaced.

    Saving the amendment took its unconsumed original out of IMS (with an audit entry to No
    action); deleting it, unfiled, brings the original back, at No action **(decision)**.
    """
    restored = (filed.get(key) for key in deleted)
    return [
        r["id"] for r in restored if r is not None and r["consumed_in"] is None and not r["live"]
    ]


def _system_audit(row: Mapping[Any, Any], day: date, note: str) -> dict[str, Any]:
    return audit_entry(row, "N", actor=SYSTEM, day=day, note=note)


def _reset_columns() -> dict[str, Any]:
    return dict(NO_ACTION_COLUMNS)


def document_hash(doc: SupplierDocument) -> str:
    """What a re-save compares: the document's fields joined by US (\\x1f), then each item's
    rate, taxable value and heads (one f-string of `str()`s: it runs once per document)."""
    text = (
        f"{doc.section}\x1f{doc.kind.value}\x1f{doc.recipient}\x1f{doc.number}\x1f"
        f"{doc.doc_date.isoformat()}\x1f{doc.value!s}\x1f{doc.pos}\x1f{doc.supply_type}\x1f"
        f"{doc.reverse_charge!s}\x1f{doc.diff_percent!s}\x1f{doc.original_number!s}\x1f"
        f"{doc.original_date!s}\x1f{doc.actual_supplier!s}"
    )
    for item in doc.items:
        tax = item.tax
        text += (
            f"\x1f{item.rate!s}\x1f{item.taxable!s}"
            f"\x1f{tax.igst!s}\x1f{tax.cgst!s}\x1f{tax.sgst!s}\x1f{tax.cess!s}"
        )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class _ReturnFacts:
    """What every row of one save request shares; `amends`: whether any of its documents is
    an amendment (only then do its rows carry the `orig_*` columns, NULL otherwise)."""

    origin: str
    source_period: int
    supplier_frequency: str
    amends: bool


def _row_values(
    doc: SupplierDocument, facts: _ReturnFacts, previous: Mapping[str, Any] | None, digest: str
) -> dict[str, Any]:
    """The row of a document, but for its derived columns (`Derivations`) and, when the
    request amends nothing, its `orig_*` columns. Its `hash` is `digest`."""
    key = doc.key
    items = doc.items
    rates = {item.rate for item in items}
    # one item (the usual document): its own amounts, the same paise as the summed ones
    tax, taxable = (items[0].tax, items[0].taxable) if len(items) == 1 else (doc.tax, doc.taxable)
    diff_percent = doc.diff_percent
    values = {
        "recipient": doc.recipient,
        "supplier": key.supplier,
        "kind": str(key.kind),
        "number": key.number,
        "fy": key.fy,
        "amend_no": previous["amend_no"] if previous is not None else 0,
        "live": True,
        "origin": facts.origin,
        "source_period": facts.source_period,
        "supplier_frequency": facts.supplier_frequency,
        "doc_number": doc.number,
        "doc_date": doc.doc_date,
        "pos": doc.pos,
        "supply_type": doc.supply_type,
        "rchrg": doc.reverse_charge,
        "diff_percent": str(diff_percent) if diff_percent is not None else None,
        "rate": str(rates.pop()) if len(rates) == 1 else None,
        "value": to_paise(doc.value),
        "taxable": to_paise(taxable),
        "igst": to_paise(tax.igst),
        "cgst": to_paise(tax.cgst),
        "sgst": to_paise(tax.sgst),
        "cess": to_paise(tax.cess),
        "filed_on": None,
        "actual_supplier": doc.actual_supplier,
        "port_code": None,
        "ref_date": None,
        "hash": digest,
        "time_barred": False,
        "action": "N",
        "version": 0,
    }
    if facts.amends:
        values.update(_original_columns(doc, previous))
    return values


_HEADS = ("igst", "cgst", "sgst", "cess")
_NO_ORIGINAL: Mapping[str, Any] = dict.fromkeys(ORIGINAL_COLUMNS)


def _original_columns(
    doc: SupplierDocument, previous: Mapping[str, Any] | None
) -> Mapping[str, Any]:
    if not doc.is_amendment or previous is None:
        return _NO_ORIGINAL
    # Replacing an unfiled amendment of this very return, or an unconsumed amendment of a
    # consumed original: measured, as it was, against what the chain gave (R-2B-5).
    replaces_amendment = previous["orig_number"] is not None and previous["consumed_in"] is None
    if replaces_amendment and (previous["filed_on"] is None or previous["orig_consumed"]):
        return {k: previous[k] for k in _NO_ORIGINAL}
    return original_columns_of(previous)


def original_columns_of(previous: Mapping[str, Any]) -> dict[str, Any]:
    """The `orig_*` columns of an amendment of the row `previous`: its number, date and tax,
    and, if consumed, the action it was consumed with and the effect it gave (R-2B-5)."""
    consumed = previous["consumed_in"] is not None
    return {
        "orig_number": previous["doc_number"],
        "orig_date": previous["doc_date"],
        "orig_consumed": consumed,
        "orig_action": previous["consumed_action"] if consumed else previous["action"],
        **{f"orig_{h}": previous[h] for h in _HEADS},
        **{f"orig_eff_{h}": (previous[f"eff_{h}"] if consumed else 0) for h in _HEADS},
    }


def derived_columns(values: Mapping[str, Any], recipient: Taxpayer, today: date) -> dict[str, Any]:
    """Route, 2B period, specified flag, pending deadline and 16(4) limit of a row (one
    without `orig_*` columns amends nothing)."""
    record: Record = record_of({**_NO_ORIGINAL, **values, "id": 0})
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


# What decides the derived columns of a record that amends nothing: the domain functions
# behind `derived_columns` (period_2b, route, view_of, section_16_4_limit) read only these
# facts of it. An amendment is also judged against its original, so it is derived on its own.
SIGNATURE_COLUMNS = (
    "recipient",  # its state and frequency
    "kind",
    "origin",
    "source_period",
    "supplier_frequency",
    "filed_on",
    "rchrg",
    "pos",
    "supplier",  # its state, unless an e-commerce record names the actual supplier
    "actual_supplier",
    "time_barred",
    "ref_date",
    "doc_date",  # its financial year: the 16(4) limit
    "orig_number",  # set on an amendment
)


def derivation_signature(values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The facts that decide a row's derived columns (None for an amendment, derived alone):
    rows sharing them share the result."""
    if values.get("orig_number") is not None:
        return None
    return (
        values["recipient"],
        values["kind"],
        values["origin"],
        values["source_period"],
        values["supplier_frequency"],
        values["filed_on"],
        bool(values["rchrg"]),
        values["pos"],
        (values["actual_supplier"] or values["supplier"])[:2],
        bool(values["time_barred"]),
        values["ref_date"],
        financial_year_of(values["doc_date"]),
    )


class Derivations:
    """`derived_columns` once per distinct signature: a lakh of invoices to one recipient in
    one return mostly share one result, and the rules still come only from the domain."""

    def __init__(self, recipients: Mapping[str, Taxpayer], today: date) -> None:
        self.recipients = recipients
        self.today = today
        self._known: dict[tuple[Any, ...], dict[str, Any]] = {}

    def __call__(self, values: Mapping[str, Any]) -> Mapping[str, Any]:
        signature = derivation_signature(values)
        found = self._known.get(signature) if signature is not None else None
        if found is None:
            found = derived_columns(values, self.recipients[values["recipient"]], self.today)
            if signature is not None:
                self._known[signature] = found
        return found


def _apply(
    uow: UnitOfWork, plan: _Plan, gstin: str, form: str, period: Period, today: date
) -> None:
    conn = uow.conn
    uow.audit.write(plan.audit)
    if plan.deletes:
        conn.execute(delete(records).where(in_values(conn, records.c.id, plan.deletes)))
    update_where_in(conn, records, plan.supersede, {"live": False})
    back = {"live": True, **_reset_columns(), "version": records.c.version + 1}
    update_where_in(conn, records, plan.restore, back)
    update_rows(conn, records, plan.updates)
    insert_rows(conn, records, plan.inserts)
    if plan.recipients:
        uow.records.bump_ims_version(plan.recipients)
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
    """Stamp the filing date and settle each record's 2B period, route and deadline (R-2B-2).

    Set-based: the records are grouped by what decides their derived columns, each group's
    columns are derived once from one full row of it, and each distinct result is written by
    one UPDATE over its records.
    """
    selection = and_(
        records.c.supplier == supplier.gstin,
        records.c.origin == origin.value,
        records.c.source_period == period_int(period),
        records.c.filed_on.is_(None),
    )
    columns = [records.c.id, *(records.c[c] for c in SIGNATURE_COLUMNS if c != "filed_on")]
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row in uow.conn.execute(select(*columns).where(selection)).mappings():
        signature = derivation_signature({**row, "filed_on": today})
        groups[signature or ("amendment", row["id"])].append(row["id"])
    if not groups:
        return
    samples = _full_rows(uow, [ids[0] for ids in groups.values()])
    recipients = taxpayers_by_gstin(uow, {r["recipient"] for r in samples.values()})
    by_result: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for ids in groups.values():
        sample = {**samples[ids[0]], "filed_on": today}
        derived = derived_columns(sample, recipients[sample["recipient"]], today)
        by_result[tuple(derived.items())] += ids
    for result, ids in by_result.items():
        values = {"filed_on": today, **dict(result)}
        if len(by_result) == 1:  # the usual return: one result, written by the selection
            uow.conn.execute(update(records).where(selection).values(values))
        else:
            update_where_in(uow.conn, records, ids, values)
    uow.records.bump_ims_version(recipients)


def _full_rows(uow: UnitOfWork, ids: list[int]) -> dict[int, dict[str, Any]]:
    query = select(records).where(in_values(uow.conn, records.c.id, ids))
    return {row["id"]: row for row in fetch_dicts(uow.conn, query)}
