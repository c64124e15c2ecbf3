"""IMS files: the GETINV and offline-tool downloads, and an actions file read back into a SAVE.

Downloads (written as a stream, one record at a time, so an IMS of any size fits in memory):

    GETINV file         {"b2b": [record, ...], "b2ba": [...], ...}   the GETINV `data` object,
                        the shape of the portal sample (formats.md §3.3)
    offline download    {"rtin": GSTIN, "imsDetails": {"b2b": [...], ...}}   formats.md §3.7;
                        each record also carries `prev_status`, the action it had when
                        downloaded **(decision)**, so that the edited file is a SAVE body

An actions file is either of these after the user set `action` (and `remarks`, `itcRedReq`,
`decl*`) on some records, or a SAVE / RESETIMS body itself. Envelopes read: the API body
`{"action": "SAVE"|"RESETIMS", "data": {...}}`, its `data` `{rtin, reqtyp, invdata}`, the
offline `{rtin?, imsDetails}`, the GETINV response `{"data": {sections}}` and a plain section
map. Records are read by `gstims.formats.ims.parse_action_request`, the API's own reader, so a
file means exactly what the same records in a SAVE mean (R-ACT-9).

How a record is checked against what happened since the file was read **(decision)**:
- with `prev_status` (a SAVE body, the offline download): exactly as the API does — a
  different current action is stale, `IMSSAV0010`;
- without it (a GETINV file): by `hash` — a record the supplier changed since the download
  is stale; otherwise the latest action wins, as uploads of the portal's offline tool replace
  what is there (ims-research.md §10).
A record asking for the state it already has is left out (the offline tool's "nothing
changed, nothing uploaded"); `action` N asks for a RESET (R-ACT-10).

GSTINs that fail the check character (the GSTN samples are full of them: `24MAYAS0100J1JD`)
are warnings, not problems: such a record simply will not be found in IMS (R-ACT-9).

Example: the portal sample `ims_getinv_india_compliance.json` reads as six lines — b2b `b1`
(action R, where `b2b[0]`), b2ba `b1a` (A), b2bdn `dn2`, b2bdna `dna2`, b2bcn `cn2`, b2bcna
`cna2` — no problem, and six warnings `b2b b1 b2b[0].stin: GSTIN 24MAYAS0100J1JD: ...`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from gstims.codec import to_json_bytes
from gstims.domain.documents import Problem
from gstims.domain.gstin import gstin_problems
from gstims.domain.ims import ActionItem, ImsRecord
from gstims.domain.records import Section
from gstims.formats.ims import getinv_record, parse_action_request
from gstims.formats.reading import kind_of

__all__ = [
    "ActionLine",
    "ActionsFile",
    "offline_record",
    "read_action_sections",
    "read_actions",
    "write_getinv",
]

_ENVELOPES = ("invdata", "imsDetails")
Locate = Callable[[str, int, str | None], str]
"""`locate(section, index, key)`: where a record (or one of its fields) sits in the source."""
_PATH = re.compile(r"invdata\.([A-Za-z0-9]+)\[(\d+)\](?:\.(.*))?")


# -- downloads --------------------------------------------------------------------------------


def offline_record(r: ImsRecord) -> dict[str, Any]:
    """A record of the offline download: GETINV's, plus the action it has now as prev_status."""
    return {**getinv_record(r), "prev_status": r.state.action.value}


def write_getinv(
    out: BinaryIO, records: Iterable[ImsRecord], *, offline: bool = False, rtin: str = ""
) -> int:
    """Write records (grouped by section, as `ims.list_records` per section gives them).

    The GETINV `data` object, or with `offline` the offline-tool download. Returns how many
    records were written.
    """
    if offline:
        out.write(b'{"rtin":' + to_json_bytes(rtin) + b',"imsDetails":{')
    else:
        out.write(b"{")
    section: Section | None = None
    count = 0
    first_in_section = True
    for r in records:
        if r.section is not section:
            if section is not None:
                out.write(b"],")
            section = r.section
            out.write(to_json_bytes(section.value) + b":[")
            first_in_section = True
        if not first_in_section:
            out.write(b",")
        out.write(to_json_bytes(offline_record(r) if offline else getinv_record(r)))
        first_in_section = False
        count += 1
    if section is not None:
        out.write(b"]")
    out.write(b"}}" if offline else b"}")
    return count


# -- actions files ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionLine:
    """One record of an actions file: what it asks and where it sits (`b2b[3]`, a row, ...)."""

    item: ActionItem
    where: str
    hash: str | None = None


@dataclass(frozen=True, slots=True)
class ActionsFile:
    """An actions file read: its lines, or the problems that refuse it whole, and warnings."""

    rtin: str | None
    lines: tuple[ActionLine, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    reset: bool = False  # a RESETIMS body: every line asks for No action


def read_actions(obj: Any) -> ActionsFile:
    """An actions file (decoded JSON, read with `codec.loads`) in any envelope above."""
    if not isinstance(obj, Mapping):
        problem = Problem("file", "", "(file)", f"expected an object, got {kind_of(obj)}")
        return ActionsFile(None, (), (problem,), ())
    base, reset = "", False
    if obj.get("action") in ("SAVE", "RESETIMS") and "data" in obj:
        reset = obj["action"] == "RESETIMS"
        obj, base = obj["data"], "data."
    elif isinstance(obj.get("data"), Mapping) and not any(k in obj for k in _ENVELOPES):
        obj, base = obj["data"], "data."
    if not isinstance(obj, Mapping):
        problem = Problem("file", "", base.rstrip("."), f"expected an object, got {kind_of(obj)}")
        return ActionsFile(None, (), (problem,), ())
    rtin = obj.get("rtin") if isinstance(obj.get("rtin"), str) else None
    envelope = next((k for k in _ENVELOPES if k in obj), None)
    problems: list[Problem] = []
    if envelope is None:
        sections: Any = obj
    else:
        sections, base = obj[envelope], f"{base}{envelope}."
        reqtyp = obj.get("reqtyp")
        if reqtyp not in (None, "SAVE", "RESET"):
            problems.append(Problem("", "", "reqtyp", f"expected SAVE or RESET, got {reqtyp!r}"))
        reset = reset or reqtyp == "RESET"

    def locate(section: str, index: int, key: str | None) -> str:
        return f"{base}{section}[{index}]" + (f".{key}" if key else "")

    found = read_action_sections(sections, locate=locate, reset=reset, whole=base.rstrip("."))
    return ActionsFile(
        rtin, found.lines, tuple(problems) + found.problems, found.warnings, reset=reset
    )


def read_action_sections(
    sections: Any,
    *,
    locate: Locate,
    reset: bool = False,
    whole: str = "",
) -> ActionsFile:
    """`{section: [record, ...]}` read with the API's SAVE reader; `locate(section, index, key)`
    names a place in the source (a JSON path, or a workbook's sheet, row and column)."""
    rtin, items, found = parse_action_request({"rtin": "-", "invdata": sections}, reset=reset)
    del rtin
    problems = [_relocated(p, locate, whole) for p in found]
    if problems:
        return ActionsFile(None, (), tuple(problems), ())
    lines: list[ActionLine] = []
    warnings: list[Problem] = []
    raw = [
        (name, index, record)
        for name, records in sections.items()
        if isinstance(records, list)
        for index, record in enumerate(records)
        if isinstance(record, Mapping)
    ]
    for item, (name, index, record) in zip(items, raw, strict=True):
        hash_ = record.get("hash")
        lines.append(ActionLine(item, locate(name, index, None), hash_ or None))
        if item.supplier:
            key = "sgstin" if name.startswith("impgsez") else "stin"
            for message in gstin_problems(item.supplier):
                where = locate(name, index, key)
                text = f"GSTIN {item.supplier}: {message} (kept as given: a warning, not an error)"
                warnings.append(Problem(name, item.number, where, text))
    return ActionsFile(None, tuple(lines), (), tuple(warnings))


def _relocated(problem: Problem, locate: Locate, whole: str) -> Problem:
    match = _PATH.fullmatch(problem.field)
    if match is not None:
        name, index, key = match.group(1), int(match.group(2)), match.group(3)
        return Problem(problem.section, problem.number, locate(name, index, key), problem.message)
    if problem.field.startswith("invdata."):  # an unknown section: invdata.<name>
        name = problem.field[len("invdata.") :]
        where = f"{whole}.{name}" if whole else name
        return Problem(problem.section, problem.number, where, problem.message)
    if problem.field == "invdata":
        return Problem(problem.section, problem.number, whole or "(file)", problem.message)
    return problem
