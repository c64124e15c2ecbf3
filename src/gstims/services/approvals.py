"""Maker-checker of IMS actions (issue 17): the one seam every IMS change passes.

    submit_actions(uow, principal, gstin, items, ...)  -> Saved | Proposed
        a viewer is refused; under the GSTIN's maker-checker a preparer's SAVE / RESET /
        bulk action becomes a proposal (its reference's REQSTS says "awaiting approval");
        otherwise it applies through the SAVE use case at once
    queue / batch                      what awaits an approver; one batch with its ITC effect
    approve(uow, principal, gstin, id) the proposal through the SAVE use case, in the
                                       caller's transaction: a record changed since the
                                       proposal (its version moved on) is refused as stale
                                       (IMSSAV0010, R-ACT-9) and counted; the audit entries
                                       name the approver (`actor`) and the maker (`proposed_by`)
    send_back(uow, principal, gstin, id, comment)

A proposal keeps each item as asked and the record's id, action and version when proposed
(`proposal_items`): proposing 1,000 items is one query to find the records, one to read their
versions and one bulk INSERT; approving them is one query for the stale ones and one SAVE.
Nobody decides their own proposal. These use cases do not commit: the edge does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.documents import Problem
from gstims.domain.errors import GSTIMS403, GSTIMS404, GSTIMS409, IMSSAV0010
from gstims.domain.ims import ActionItem, ItemError
from gstims.domain.money import Tax
from gstims.domain.records import Action, Kind, Section
from gstims.domain.roles import Capability, Handling, itc_effect, may_decide, route_of_change
from gstims.domain.state import Declaration
from gstims.domain.text import canonical_text, text_problem
from gstims.services import ims
from gstims.services.access import RoleRefused, require
from gstims.services.context import new_reference, taxpayer
from gstims.services.errors import Conflict, Invalid, NotFound
from gstims.services.ims_save import Found, save_found
from gstims.services.reconcile_apply import suggested_items
from gstims.services.sessions import utc_now
from gstims.services.taxpayers import Principal
from gstims.services.tokens import log
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import from_paise

AWAITING, APPROVED, SENT_BACK = "awaiting", "approved", "sent_back"
AWAITING_APPROVAL = "AA"  # a request's status while its proposal awaits an approver
SENT_BACK_STATUS = "SB"
MAX_COMMENT = 250


@dataclass(frozen=True, slots=True)
class Saved:
    """Applied at once: the SAVE use case's answer."""

    result: ims.ActionResult

    @property
    def reference_id(self) -> str:
        return self.result.reference_id


@dataclass(frozen=True, slots=True)
class Proposed:
    """Filed as a proposal awaiting an approver."""

    proposal_id: int
    reference_id: str
    items: int


def submit_actions(
    uow: UnitOfWork,
    principal: Principal,
    gstin: str,
    items: Sequence[ActionItem] | Found,
    remarks: str | None = None,
    *,
    kind: str = "SAVE",
    label: str | None = None,
) -> Saved | Proposed:
    """THE seam of every IMS change (SAVE, RESET, bulk, auto-actions): applied through the
    SAVE use case, or under maker-checker for a preparer filed as a proposal. `label` is the
    actor the audit trail shows (default: the user's name); `remarks` the batch's note.
    `Found`: a SAVE of records the caller found under the lock (`save_found`, its items')."""
    tp = taxpayer(uow, gstin)
    handling = route_of_change(principal.role(tp.gstin), uow.taxpayers.maker_checker(tp.gstin))
    if handling is Handling.REFUSE:
        require(principal, tp.gstin, Capability.PREPARE)  # raises, naming the role
    actor = (label or principal.name)[:100]
    if handling is Handling.PROPOSE:  # the maker is the person (nobody decides their own)
        asked = items.items() if isinstance(items, Found) else items
        return _propose(uow, principal.name[:100], tp.gstin, asked, remarks, kind)
    if isinstance(items, Found):
        return Saved(save_found(uow, tp.gstin, items, actor))
    use_case = ims.reset_actions if kind == "RESET" else ims.save_actions
    return Saved(use_case(uow, tp.gstin, items, actor))


def _propose(
    uow: UnitOfWork,
    maker: str,
    gstin: str,
    items: Sequence[ActionItem],
    remarks: str | None,
    kind: str,
) -> Proposed:
    uow.lock([gstin])
    day, reference = uow.today(), new_reference()
    found = ims.records_named(uow, gstin, items)
    known = [f[0] for f in found if f is not None]
    versions = {rid: v for rid, v in uow.records.facts(known, ("version",), gstin)} if known else {}
    proposal_id = uow.proposals.add(
        gstin=gstin,
        kind=kind,
        reference_id=reference,
        maker=maker,
        remarks=_note(remarks, "remarks"),
        created_at=utc_now(),
        day=day,
        items=len(items),
        status=AWAITING,
    )
    uow.proposals.add_items(
        gstin,
        proposal_id,
        [
            _item_row(seq, item, None if f is None else (f[0], versions[f[0]], f[1]))
            for seq, (item, f) in enumerate(zip(items, found, strict=True))
        ],
    )
    uow.requests.record(
        reference, gstin, kind, processed=0, errors=[], day=day, status=AWAITING_APPROVAL
    )
    return Proposed(proposal_id, reference, len(items))


def _item_row(seq: int, item: ActionItem, held: tuple[int, int, str] | None) -> dict[str, Any]:
    return {
        "seq": seq,
        "record_id": held and held[0],
        "version": held and held[1],
        "held_action": held and held[2],
        "section": item.section.value,
        "supplier": item.supplier,
        "number": item.number,
        "doc_date": item.doc_date,
        "action": item.action.value,
        "prev_status": item.prev_status.value if item.prev_status else None,
        "remarks": item.remarks,
        "declaration": _declaration_text(item.declaration),
        "rtnprd": item.rtnprd,
    }


def _declaration_text(declaration: Declaration | None) -> str | None:
    if declaration is None:
        return None
    if not declaration.required:
        return "N"
    if declaration.amounts is None:
        return "Y"
    t = declaration.amounts
    return ":".join(["Y", *(str(v) for v in (t.igst, t.cgst, t.sgst, t.cess))])


def _declaration_of(text: str | None) -> Declaration | None:
    if text is None:
        return None
    required, *amounts = text.split(":")
    return Declaration(required == "Y", Tax.of(*amounts) if amounts else None)


def _action_item(row: Any) -> ActionItem:
    return ActionItem(
        section=Section(row["section"]),
        supplier=row["supplier"],
        number=row["number"],
        doc_date=row["doc_date"],
        action=Action(row["action"]),
        prev_status=Action(row["prev_status"]) if row["prev_status"] else None,
        remarks=row["remarks"],
        declaration=_declaration_of(row["declaration"]),
        rtnprd=row["rtnprd"],
    )


def submit_run(
    uow: UnitOfWork,
    principal: Principal,
    gstin: str,
    run_id: int,
    outcomes: Sequence[str] | None = None,
) -> Saved | Proposed:
    """A reconciliation run's suggestions (R-REC-19) through the seam."""
    _, items = suggested_items(uow, run_id, outcomes, [gstin])
    label = f"{principal.name} (reconciliation {run_id})"
    return submit_actions(uow, principal, gstin, items, f"reconciliation {run_id}", label=label)


# -- the approver's side ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """A proposal as an approver opens it."""

    id: int
    gstin: str
    kind: str
    reference_id: str
    maker: str
    remarks: str | None
    day: date
    status: str
    checker: str | None
    comment: str | None
    items: list[ActionItem]
    stale: frozenset[int]  # the seqs of items whose record changed since
    itc_effect: Decimal  # what the items not stale would change of the ITC
    applied: int | None
    refused: int | None


@dataclass(frozen=True, slots=True)
class Decision:
    proposal_id: int
    reference_id: str  # the SAVE the approval made (empty when sent back)
    applied: int
    stale: int
    refused: int


def queue(uow: UnitOfWork, gstin: str, status: str | None = AWAITING) -> list[Any]:
    """The GSTIN's proposals (awaiting approval unless `status` says), newest first."""
    return uow.proposals.of(gstin, status)


def batch(uow: UnitOfWork, gstin: str, proposal_id: int) -> Batch:
    row = _proposal(uow, gstin, proposal_id)
    items = [_action_item(r) for r in uow.proposals.items(proposal_id)]
    stale = (
        frozenset(uow.proposals.stale(proposal_id)) if row["status"] == AWAITING else frozenset()
    )
    effect = sum(
        (
            itc_effect(kind == Kind.CN.value, from_paise(i + c + s + x), held, new)
            for seq, new, kind, held, i, c, s, x in uow.proposals.effect(proposal_id)
            if seq not in stale
        ),
        Decimal("0.00"),
    )
    return Batch(
        row["id"],
        row["gstin"],
        row["kind"],
        row["reference_id"],
        row["maker"],
        row["remarks"],
        row["day"],
        row["status"],
        row["checker"],
        row["comment"],
        items,
        stale,
        effect,
        row["applied"],
        row["refused"],
    )


def approve(uow: UnitOfWork, principal: Principal, gstin: str, proposal_id: int) -> Decision:
    """Apply the proposal through SAVE; its stale items refused (IMSSAV0010), counted."""
    row = _decidable(uow, principal, gstin, proposal_id)
    uow.lock([row["gstin"]])
    stale = uow.proposals.stale(proposal_id)
    rows = uow.proposals.items(proposal_id)
    fresh = [_action_item(r) for r in rows if r["seq"] not in stale]
    stale_errors = [_stale(r, proposal_id) for r in rows if r["seq"] in stale]
    use_case = ims.reset_actions if row["kind"] == "RESET" else ims.save_actions
    result = use_case(uow, row["gstin"], fresh, principal.name, proposed_by=row["maker"])
    errors = stale_errors + result.errors
    uow.requests.resolve(
        row["reference_id"],
        row["gstin"],
        status="PE" if errors else "P",
        processed=len(rows) - len(errors),
        errors=[asdict(e) for e in errors],
    )
    uow.proposals.decide(
        proposal_id,
        status=APPROVED,
        checker=principal.name,
        decided_at=utc_now(),
        applied=result.applied,
        stale=len(stale_errors),
        refused=len(result.errors),
    )
    return Decision(
        proposal_id, result.reference_id, result.applied, len(stale_errors), len(result.errors)
    )


def send_back(
    uow: UnitOfWork, principal: Principal, gstin: str, proposal_id: int, comment: str
) -> Decision:
    """Return the proposal to its maker with a comment; nothing is applied."""
    text = _note(comment, "comment")
    if not text:
        raise Invalid([_problem(proposal_id, "comment", "say why it is sent back")])
    row = _decidable(uow, principal, gstin, proposal_id)
    uow.requests.resolve(
        row["reference_id"], row["gstin"], status=SENT_BACK_STATUS, processed=0, errors=[]
    )
    uow.proposals.decide(
        proposal_id,
        status=SENT_BACK,
        checker=principal.name,
        decided_at=utc_now(),
        comment=text,
    )
    return Decision(proposal_id, "", 0, 0, 0)


def _proposal(uow: UnitOfWork, gstin: str, proposal_id: int) -> Any:
    row = uow.proposals.find(gstin, proposal_id)
    if row is None:
        raise NotFound(GSTIMS404, f"no proposal {proposal_id} for {gstin}")
    return row


def _decidable(uow: UnitOfWork, principal: Principal, gstin: str, proposal_id: int) -> Any:
    require(principal, gstin, Capability.APPROVE)
    row = _proposal(uow, gstin, proposal_id)
    if not may_decide(principal.role(row["gstin"]), principal.name, row["maker"]):
        raise RoleRefused(GSTIMS403, "nobody approves or sends back their own proposal")
    if row["status"] != AWAITING:
        raise Conflict(GSTIMS409, f"proposal {proposal_id} was already {row['status']}")
    return row


def _stale(row: Any, proposal_id: int) -> ItemError:
    message = f"the record changed after proposal {proposal_id} was made; propose it again"
    return ItemError(
        row["section"], row["supplier"], row["number"], row["rtnprd"], IMSSAV0010, message
    )


def _note(text: str | None, field: str) -> str | None:
    if text is None:
        return None
    clean = canonical_text(text)
    problem = text_problem(clean)
    if problem or len(clean) > MAX_COMMENT:
        why = problem or f"at most {MAX_COMMENT} characters"
        raise Invalid([_problem(0, field, f"the {field} {why}")])
    return clean or None


def _problem(proposal_id: int, field: str, message: str) -> Problem:
    return Problem("proposal", str(proposal_id), field, message)


# -- the GSTIN's setting ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamSettings:
    gstin: str
    maker_checker: bool
    people: list[tuple[str, str]]  # (user, role) of everyone granted the GSTIN


def team_settings(uow: UnitOfWork, gstin: str) -> TeamSettings:
    tp = taxpayer(uow, gstin)
    return TeamSettings(tp.gstin, uow.taxpayers.maker_checker(tp.gstin), uow.users.holders(gstin))


def set_maker_checker(uow: UnitOfWork, principal: Principal, gstin: str, on: bool) -> None:
    """Turn maker-checker on or off (an admin of the GSTIN); kept in the security log."""
    tp = taxpayer(uow, require(principal, gstin, Capability.ADMINISTER))
    if uow.taxpayers.maker_checker(tp.gstin) != on:
        uow.taxpayers.set_maker_checker(tp.gstin, on)
        log(uow, principal.name, "maker_checker." + ("on" if on else "off"), tp.gstin)
