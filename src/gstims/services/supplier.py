"""Supplier use cases: save and file GSTR-1 / IFF / GSTR-1A, the return summary, the supplier view.

A save is one transaction (R-IN-4): every document is validated first, every problem is
reported, and nothing is stored if there is one. Then, set-based: new documents are inserted
in one statement, changed ones updated in one, deleted ones deleted in one; a recipient's
action on a changed or deleted record returns to No action with an audit entry (R-IN-2).
Saving the same payload again changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gstims.domain.calendar import Frequency, Period, months_of
from gstims.domain.documents import (
    AMENDMENT_SECTIONS,
    NumberKey,
    Problem,
    ReturnContext,
    SupplierDocument,
    validate_documents,
)
from gstims.domain.errors import RET0002
from gstims.domain.records import Kind, Origin
from gstims.domain.sequence import Refusal, gstr1_refusal, gstr1a_refusal, period_refusal
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
from gstims.services.supplier_rows import (
    NO_ORIGINAL,
    SIGNATURE_COLUMNS,
    Derivations,
    ReturnFacts,
    derivation_signature,
    derived_columns,
    document_hash,
    original_columns_of,
    row_values,
)
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.mapping import NO_ACTION_COLUMNS, period_int, record_of
from gstims.store.records.supplied import SaveWrites

__all__ = [  # the row helpers, where the GSTN feeds, the demo and the tests have taken them
    "Derivations",
    "SaveResult",
    "derivation_signature",
    "derived_columns",
    "document_hash",
    "file_return",
    "filing_refusal",
    "original_columns_of",
    "save_return",
]

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
    uow.returns.save(gstin, form, period, status="filed", filed_on=today)
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
        raise Conflict(RET0002, f"{form} for {period} is already filed")
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
    for row in uow.supplied.of_keys(gstin, kinds, numbers):
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
    facts = ReturnFacts(origin.value, source, supplier.frequency.value, amends)
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
        values = row_values(doc, facts, row, digest)
        values.update(derive(values))
        if ours and row is not None:
            plan.updates.append({"id": row["id"], **NO_ORIGINAL, **values, **_reset_columns()})
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


def _apply(
    uow: UnitOfWork, plan: _Plan, gstin: str, form: str, period: Period, today: date
) -> None:
    uow.audit.write(plan.audit)
    writes = SaveWrites(plan.deletes, plan.supersede, plan.restore, plan.updates, plan.inserts)
    uow.supplied.write(writes)
    if plan.recipients:
        uow.records.bump_ims_version(plan.recipients)
    uow.returns.save(gstin, form, period, status="saved", filed_on=None)


# -- filing -----------------------------------------------------------------------------------


def _file_records(
    uow: UnitOfWork, supplier: Taxpayer, origin: Origin, period: Period, today: date
) -> None:
    """Stamp the filing date and settle each record's 2B period, route and deadline (R-2B-2).

    Set-based: the records are grouped by what decides their derived columns, each group's
    columns are derived once from one full row of it, and each distinct result is written by
    one UPDATE over its records.
    """
    columns = [c for c in SIGNATURE_COLUMNS if c != "filed_on"]
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row in uow.supplied.unfiled(supplier.gstin, origin, period, columns):
        signature = derivation_signature({**row, "filed_on": today})
        groups[signature or ("amendment", row["id"])].append(row["id"])
    if not groups:
        return
    samples = uow.supplied.rows([ids[0] for ids in groups.values()])
    recipients = taxpayers_by_gstin(uow, {r["recipient"] for r in samples.values()})
    by_result: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for ids in groups.values():
        sample = {**samples[ids[0]], "filed_on": today}
        derived = derived_columns(sample, recipients[sample["recipient"]], today)
        by_result[tuple(derived.items())] += ids
    results = [({"filed_on": today, **dict(r)}, ids) for r, ids in by_result.items()]
    uow.supplied.file(supplier.gstin, origin, period, results)
    uow.records.bump_ims_version(recipients)
