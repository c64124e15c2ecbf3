"""Files out of the store (`gstims export`) and a portal GSTR-2B compared with gstims' own
(`gstims compare-2b`): each opens its own read-only unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gstims.codec import loads, to_json_bytes
from gstims.domain.calendar import Period
from gstims.domain.documents import Problem
from gstims.domain.ims import ImsFilter, ImsRecord
from gstims.domain.records import Section
from gstims.formats.compare import Comparison, compare_2b, portal_warnings
from gstims.formats.excel import gstr2b_workbook, ims_workbook
from gstims.formats.gstr2b_reader import ParsedGstr2B, read_gstr2b
from gstims.formats.limits import json_problems
from gstims.formats.offline import write_getinv
from gstims.formats.returns import gstr2b_file, gstr3b_file
from gstims.services import gstr2b, gstr3b, ims
from gstims.services.file_refusal import FileRefused
from gstims.store.db import Database, UnitOfWork

PAGE = 5000
"""IMS records read per query while exporting."""


def ims_records(uow: UnitOfWork, gstin: str, section: Section) -> Iterator[ImsRecord]:
    """A section's IMS records, a page at a time (bounded memory for a large IMS)."""
    page = 1
    while True:
        rows = ims.list_records(uow, gstin, ImsFilter(section=section, page=page, page_size=PAGE))
        yield from rows
        if len(rows) < PAGE:
            return
        page += 1


def export_ims(
    db: Database, gstin: str, path: Path | str, *, offline: bool = False, actions: bool = False
) -> int:
    """The IMS of `gstin`: GETINV JSON, the offline download (`offline`), or a workbook.

    `.xlsx` gives the IMS list, or with `actions` the actions workbook. Returns the records.
    """
    with db.uow(write=False) as uow:
        if str(path).lower().endswith(".xlsx"):
            sections = ((s, ims_records(uow, gstin, s)) for s in Section)
            return ims_workbook(path, sections, gstin=gstin, actions=actions)
        records = (r for s in Section for r in ims_records(uow, gstin, s))
        with open(path, "wb") as out:
            return write_getinv(out, records, offline=offline, rtin=gstin)


def export_gstr2b(db: Database, gstin: str, period: Period, path: Path | str) -> int:
    """The latest GSTR-2B of the period: JSON (GET2B envelope, R-2B-7) or the portal workbook."""
    with db.uow(write=False) as uow:
        content = gstr2b.get_2b(uow, gstin, period)
    if str(path).lower().endswith(".xlsx"):
        return gstr2b_workbook(path, read_gstr2b(content))
    Path(path).write_bytes(to_json_bytes(gstr2b_file(content), indent=1))
    return len(read_gstr2b(content).documents)


def export_gstr3b(db: Database, gstin: str, period: Period, path: Path | str) -> bool:
    """The auto-populated GSTR-3B return JSON (R-3B-5); answers whether the 2B is stale."""
    with db.uow(write=False) as uow:
        liability = gstr3b.auto_liability(uow, gstin, period)
    data = gstr3b_file(gstin, period, liability.table4, liability.outward)
    Path(path).write_bytes(to_json_bytes(data, indent=1))
    return liability.stale_2b


# -- comparing a portal GSTR-2B -----------------------------------------------------------------


def read_portal_2b(path: Path | str) -> ParsedGstr2B:
    """A GSTR-2B JSON file (v1, v4 or gstims'); `FileRefused` when it cannot be read."""
    if too_big := json_problems(path):
        raise FileRefused(path, too_big)
    try:
        obj = loads(Path(path).read_bytes())
    except ValueError as exc:
        raise FileRefused(path, [Problem("file", "", "(file)", f"not valid JSON: {exc}")]) from exc
    parsed = read_gstr2b(obj)
    if parsed.problems:
        raise FileRefused(path, parsed.problems)
    return parsed


def compare_2b_file(
    db: Database, gstin: str, period: Period, path: Path | str
) -> tuple[Comparison, list[Problem]]:
    """The portal's GSTR-2B file against gstims' latest 2B: (comparison, warnings)."""
    portal = read_portal_2b(path)
    if (portal.gstin, portal.period) != (gstin, period.code):
        message = (
            f"the file is the GSTR-2B of {portal.gstin} for {portal.period}, "
            f"not of {gstin} for {period.code}"
        )
        raise FileRefused(path, [Problem("file", "", "gstin / rtnprd", message)])
    with db.uow(write=False) as uow:
        ours = read_gstr2b(gstr2b.get_2b(uow, gstin, period))
    return compare_2b(portal, ours), portal_warnings(portal)
