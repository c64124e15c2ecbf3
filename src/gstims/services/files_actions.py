"""Importing an IMS actions file (`gstims import actions`): the equivalent SAVE and RESET of
the file's lines, in one transaction (R-ACT-9); a line whose record's hash changed since the
file was downloaded is refused as stale. See `formats.offline` for what a file holds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gstims.codec import loads
from gstims.domain.actions import Code
from gstims.domain.documents import Problem
from gstims.domain.ims import ActionItem, ImsRecord, ItemError
from gstims.domain.records import Action, Section, normalise_number
from gstims.domain.state import ImsState
from gstims.formats.excel import read_actions_workbook
from gstims.formats.limits import json_problems
from gstims.formats.offline import ActionLine, ActionsFile, read_actions
from gstims.services import approvals, ims
from gstims.services.file_refusal import FileRefused
from gstims.services.taxpayers import Principal
from gstims.store.db import Database


@dataclass(frozen=True, slots=True)
class ActionsImport:
    """What an actions file did: records changed, left as they were, and refused (R-ACT-9)."""

    applied: int
    unchanged: int
    errors: list[tuple[str, ItemError]]  # (where in the file, the refusal)
    references: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    proposals: list[int] = field(default_factory=list)  # filed under maker-checker


def read_actions_file(path: Path | str) -> ActionsFile:
    """An actions file: a workbook (.xlsx) or JSON in any envelope `offline` reads."""
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        return read_actions_workbook(path)
    if too_big := json_problems(path):
        return ActionsFile(None, (), tuple(too_big), ())
    try:
        obj = loads(Path(path).read_bytes())
    except ValueError as exc:  # json.JSONDecodeError says line and column
        return ActionsFile(None, (), (Problem("file", "", "(file)", f"not valid JSON: {exc}"),), ())
    return read_actions(obj)


def import_actions(
    db: Database,
    gstin: str,
    path: Path | str,
    *,
    actor: str,
    principal: Principal | None = None,
) -> ActionsImport:
    """Apply an actions file as the equivalent SAVE (and RESET) of `gstin`; see `offline`.
    With `principal` (a user, not the operator) it goes through the maker-checker seam: the
    user's role decides, and under maker-checker a preparer's file becomes proposals."""
    source = read_actions_file(path)
    problems = list(source.problems)
    if source.rtin not in (None, gstin):
        problems.append(Problem("file", "", "rtin", f"the file is for {source.rtin}, not {gstin}"))
    if problems:
        raise FileRefused(path, problems)
    with db.transaction() as uow:
        current = {_identity(r): r for r in ims.list_records(uow, gstin)}
        saves, resets, errors, unchanged = _plan(source, current)
        results, proposed = [], []
        for kind, lines in (("SAVE", saves), ("RESET", resets)):
            if not lines:
                continue
            items = [line.item for line in lines]
            if principal is None:
                use_case = ims.reset_actions if kind == "RESET" else ims.save_actions
                results.append(use_case(uow, gstin, items, actor))
                continue
            submitted = approvals.submit_actions(uow, principal, gstin, items, kind=kind)
            if isinstance(submitted, approvals.Proposed):
                proposed.append(submitted.proposal_id)
            else:
                results.append(submitted.result)
    where = {_label(line.item): line.where for line in (*saves, *resets)}
    for result in results:
        errors += [(where.get(_label(e), ""), e) for e in result.errors]
    return ActionsImport(
        applied=sum(r.applied for r in results),
        unchanged=unchanged,
        errors=errors,
        references=[r.reference_id for r in results],
        warnings=list(source.warnings),
        proposals=proposed,
    )


def _identity(r: ImsRecord) -> tuple[str, str, str, Any]:
    record = r.record
    return (r.section.value, record.key.supplier, normalise_number(record.number), record.doc_date)


def _label(item: ActionItem | ItemError) -> tuple[str, str, str]:
    section = item.section.value if isinstance(item.section, Section) else item.section
    return (section, item.supplier, normalise_number(item.number))


def _plan(
    source: ActionsFile, current: dict[tuple[str, str, str, Any], ImsRecord]
) -> tuple[list[ActionLine], list[ActionLine], list[tuple[str, ItemError]], int]:
    saves: list[ActionLine] = []
    resets: list[ActionLine] = []
    errors: list[tuple[str, ItemError]] = []
    unchanged = 0
    for line in source.lines:
        item = line.item
        if source.reset:
            item = replace(item, action=Action.NO_ACTION)
        found = current.get(
            (item.section.value, item.supplier, normalise_number(item.number), item.doc_date)
        )
        if found is not None:
            if _wanted(item) == found.state:
                unchanged += 1
                continue
            if item.prev_status is None:
                if line.hash and line.hash != found.hash:
                    errors.append((line.where, _stale(item)))
                    continue
                item = replace(item, prev_status=found.state.action)
        target = resets if item.action is Action.NO_ACTION else saves
        target.append(replace(line, item=item))
    return saves, resets, errors, unchanged


def _wanted(item: ActionItem) -> ImsState:
    if item.action is Action.NO_ACTION:
        return ImsState()
    remarks = item.remarks.strip() if item.remarks and item.remarks.strip() else None
    return ImsState(item.action, remarks, item.declaration)


def _stale(item: ActionItem) -> ItemError:
    message = "the supplier changed the record since the file was downloaded (its hash differs)"
    return ItemError(
        item.section.value, item.supplier, item.number, item.rtnprd, Code.STALE.value, message
    )
