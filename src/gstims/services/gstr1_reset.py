"""GSTR-1 / 1A RESET and RETNEWPTF ("proceed to file"), each one transaction.

RESET discards everything the supplier saved and has not filed in the return of `period`:
the unfiled records go (one DELETE), a recipient's action on one of them returns to No action
in the audit log, a filed original that a discarded amendment had replaced comes back to IMS
at No action (R-IN-2, R-IN-7, as a save's delete does), the return's "saved" row goes, and the
recipients' IMS version moves. A filed return refuses (`RET0002`).

RETNEWPTF runs RETFILE's checks without filing: its request is recorded `P`, or `ER` with the
refusal, for RETSTATUS. Both answer a reference id.
"""

from __future__ import annotations

from dataclasses import dataclass

from gstims.domain.calendar import Period
from gstims.domain.errors import RET0002
from gstims.services.context import SYSTEM, new_reference, return_status, taxpayer
from gstims.services.errors import Conflict
from gstims.services.supplier import FORMS, filing_refusal
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry

RESET_KIND = "R1RESET"
PTF_KIND = "RETNEWPTF"


@dataclass(frozen=True, slots=True)
class ResetResult:
    reference_id: str
    discarded: int
    restored: int


def reset_return(uow: UnitOfWork, gstin: str, form: str, period: Period) -> ResetResult:
    """RESET of a GSTR-1 / IFF (form GSTR1) or GSTR-1A: discard what is saved and not filed."""
    supplier = taxpayer(uow, gstin)
    status = return_status(uow, gstin, form, period)
    if status is not None and status["status"] == "filed":
        raise Conflict(RET0002, f"{form} for {period} is already filed: nothing to reset")
    uow.lock([gstin])
    today = uow.today()
    unfiled = uow.drafts.unfiled(gstin, FORMS[form], period)
    amended = [
        (r["supplier"], r["kind"], r["number"], r["fy"])
        for r in unfiled
        if r["orig_number"] is not None
    ]
    heads = uow.drafts.filed_chain_heads(gstin, amended).values()
    restore = [h["id"] for h in heads if h["consumed_in"] is None and not h["live"]]
    uow.audit.write(
        [
            audit_entry(r, "N", actor=SYSTEM, day=today, note="discarded by the supplier's RESET")
            for r in unfiled
            if r["action"] != "N"
        ]
    )
    uow.drafts.discard([r["id"] for r in unfiled])
    uow.drafts.restore(restore)
    uow.drafts.forget_saved(gstin, form, period)
    recipients = {r["recipient"] for r in unfiled} | {
        h["recipient"] for h in heads if h["id"] in set(restore)
    }
    if recipients:
        uow.records.bump_ims_version(recipients)
    reference = new_reference()
    uow.requests.record(
        reference, supplier.gstin, RESET_KIND, processed=len(unfiled), errors=[], day=today
    )
    return ResetResult(reference, len(unfiled), len(restore))


def proceed_to_file(uow: UnitOfWork, gstin: str, form: str, period: Period) -> str:
    """RETNEWPTF: RETFILE's checks, no filing; the outcome is kept for RETSTATUS."""
    supplier = taxpayer(uow, gstin)
    today = uow.today()
    refusal = filing_refusal(uow, supplier, form, period, today)
    errors = [] if refusal is None else [{"error_cd": refusal.code, "error_msg": refusal.message}]
    reference = new_reference()
    uow.requests.record(
        reference,
        gstin,
        PTF_KIND,
        processed=0 if errors else 1,
        errors=errors,
        day=today,
        status="ER" if errors else "P",
    )
    return reference
