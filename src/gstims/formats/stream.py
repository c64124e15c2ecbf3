"""A GSTR-1 JSON file read as a stream: documents in chunks, each with its JSON path.

A supplier's GSTR-1 can hold a million documents, often under a handful of recipients, so a
single `b2b` group (`{"ctin": ..., "inv": [...]}`) may itself be huge. `Gstr1Stream` reads the
file with ijson's event parser and builds ONE document object at a time; documents are handed
to `gstims.formats.gstr1.parse_gstr1` in chunks of `CHUNK` (a group cut into pieces), so the
spellings stay in one place and memory stays bounded whatever the file's size.

Accepted envelopes: the portal / offline-tool file `{"gstin", "fp", "b2b": [...], ...}` and the
API body `{"action": "RETSAVE", "data": {...}}` (paths then start with `data.`). Sections read:
`gstr1.READ_SECTIONS` (b2b, b2ba, cdnr, cdnra, ecomb2b, ecomab2b); every other member is
skipped, but the whole file must still be valid JSON.

Problems are values, with the JSON path of the document or field:

    b2b  b2b: expected a list, got an object                   (a section of the wrong type)
    b2b INV-7 b2b[0].inv[6].idt: a date must be dd-mm-yyyy     (a bad field)
    file  after b2b[0].inv[41]: the JSON is cut short or broken near byte 16384: premature EOF

Example: for the file `{"gstin": "27AAPFU0939F1ZV", "fp": "102024", "b2b": [{"ctin":
"29AABCR1718E1ZL", "inv": [<INV-101>, <INV-102>]}]}` one chunk comes out, holding the two
documents with paths `b2b[0].inv[0]` and `b2b[0].inv[1]`; afterwards `stream.gstin` is
"27AAPFU0939F1ZV" and `stream.fp` "102024".

A group whose party keys (`ctin`, or `rtin` and `stin`) come AFTER its document list is held
until its end, as the documents cannot be read without them; real files put them first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

import ijson
from ijson.common import ObjectBuilder

from gstims.domain.documents import Problem, SupplierDocument
from gstims.formats.gstr1 import READ_SECTIONS, parse_gstr1

__all__ = ["CHUNK", "Chunk", "CountingReader", "Gstr1Stream", "Readable"]

CHUNK = 1000
"""Documents handed to `parse_gstr1` at a time."""

_DOC_LISTS = {"b2b": "inv", "b2ba": "inv", "cdnr": "nt", "cdnra": "nt"}
_PARTIES = {"ecomb2b": ("rtin", "stin"), "ecomab2b": ("rtin", "stin")}
_ENVELOPE = ("gstin", "fp", "ret_period")
_EVENT_KINDS = {
    "start_map": "an object",
    "start_array": "a list",
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}
_SECTION, _GROUP, _PARTY, _DOCS, _DOC = range(5)


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


class CountingReader:
    """A binary file that reports how many bytes were read so far (for a progress bar)."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        self.raw = raw
        self.position = 0
        self.on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.position += len(data)
        if self.on_read is not None:
            self.on_read(self.position)
        return data


@dataclass(slots=True)
class Chunk:
    """Documents read in one piece; `paths[i]` is the JSON path of `documents[i]`.

    When `problems` is not empty, the documents with problems are left out and `paths` is
    empty (a file with problems is refused whole, so nobody needs them).
    """

    documents: list[SupplierDocument]
    paths: list[str]
    problems: list[Problem]


@dataclass(slots=True)
class _Group:
    section: str
    index: int
    path: str
    party: dict[str, Any] = field(default_factory=dict)
    pending: list[tuple[int, Any]] = field(default_factory=list)
    flushed: bool = False

    def ready(self) -> bool:
        return all(key in self.party for key in _PARTIES.get(self.section, ("ctin",)))


class Gstr1Stream:
    """One reading of a GSTR-1 JSON file; `chunks()` may be called once.

    `build=False` checks the structure only — valid JSON, each read section a list of groups,
    each group's document list a list of objects, the envelope strings — without building or
    parsing a document: the quick first pass of an import. `documents` counts what was read.
    """

    def __init__(self, source: Readable, *, filer: str = "", build: bool = True) -> None:
        self.source = source
        self.filer = filer
        self.build = build
        self.documents = 0
        self.gstin: str | None = None
        self.fp: str | None = None
        self.envelope_problems: list[Problem] = []
        self.base = ""
        self.last_path = ""
        self._roles = _roles()
        self._groups: dict[str, int] = {}

    def chunks(self) -> Iterator[Chunk]:
        try:
            yield from self._walk(ijson.parse(self.source, use_float=False))
        except ijson.JSONError as exc:
            yield Chunk([], [], [self._broken(exc)])

    def _broken(self, exc: Exception) -> Problem:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        near = getattr(self.source, "position", None)
        where = f" near byte {near:,}" if near is not None else ""
        after = f"after {self.last_path}" if self.last_path else "at the start"
        return Problem("file", "", after, f"the JSON is cut short or broken{where}: {reason}")

    def _walk(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[Chunk]:
        # One loop over every parse event (some 36 per document, 36 million for a million
        # documents): the dispatch stays inline, as a call per event would double the time.
        roles = self._roles
        build = self.build
        group: _Group | None = None
        builder: ObjectBuilder | None = None
        inside = False  # within a document (built, or skipped when only checking structure)
        doc_prefix = ""
        doc_index = -1
        problems: list[Problem] = []
        _, event, _ = next(events)
        if event != "start_map":
            yield Chunk([], [], [_wrong("file", "", "(file)", event, "a GSTR-1 return object")])
            return
        for prefix, event, value in events:
            if inside:
                if builder is not None:
                    builder.event(event, value)
                if event == "end_map" and prefix == doc_prefix:
                    inside = False
                    if group is None:  # cannot happen: a document starts inside a group
                        continue
                    self.documents += 1
                    self.last_path = f"{group.path}.{_doc_list(group.section)}[{doc_index}]"
                    if builder is not None:
                        group.pending.append((doc_index, builder.value))
                        builder = None
                        if len(group.pending) >= CHUNK and group.ready():
                            yield self._flush(group, problems)
                            problems = []
                continue
            path = prefix
            if prefix == "data" or prefix.startswith("data."):
                self.base = "data."
                path = prefix[5:]
            if path in _ENVELOPE:
                self._envelope(path, event, value)
                continue
            role = roles.get(path)
            if role is None:
                continue
            kind, section = role[0], role[1]
            if kind == _SECTION:
                if event not in ("start_array", "end_array", "null", "map_key", "end_map"):
                    problems.append(_wrong(section, "", self.base + section, event, "a list"))
            elif kind == _GROUP:
                if event == "start_map":
                    index = self._group_index(section)
                    group = _Group(section, index, f"{self.base}{section}[{index}]")
                elif event == "end_map" and group is not None:
                    if build and (group.pending or not group.flushed):
                        yield self._flush(group, problems)
                        problems = []
                    group = None
                elif event not in ("map_key", "end_array"):
                    index = self._group_index(section)
                    where = f"{self.base}{section}[{index}]"
                    problems.append(_wrong(section, "", where, event, "an object"))
            elif kind == _PARTY and group is not None:
                if event in ("string", "number", "boolean", "null"):
                    group.party[role[2]] = value
                elif event in ("start_map", "start_array"):
                    group.party[role[2]] = {} if event == "start_map" else []
            elif kind == _DOCS and group is not None:
                if event == "start_array":
                    doc_index = -1
                elif event not in ("end_array", "map_key", "end_map"):
                    where = f"{group.path}.{_doc_list(section)}"
                    problems.append(_wrong(section, "", where, event, "a list"))
            elif kind == _DOC and group is not None:
                if event in ("end_map", "map_key", "end_array"):
                    continue
                doc_index += 1
                if event == "start_map":
                    inside = True
                    doc_prefix = prefix
                    if build:
                        builder = ObjectBuilder()
                        builder.event(event, value)
                else:
                    where = f"{group.path}.{_doc_list(section)}[{doc_index}]"
                    problems.append(_wrong(section, "", where, event, "an object"))
        if problems:
            yield Chunk([], [], problems)

    def _group_index(self, section: str) -> int:
        self._groups[section] = self._groups.get(section, -1) + 1
        return self._groups[section]

    def _envelope(self, key: str, event: str, value: Any) -> None:
        if event in ("map_key", "end_map", "end_array"):
            return
        if event != "string":
            expected = "a string" if key == "gstin" else "an MMYYYY string"
            self.envelope_problems.append(_wrong("return", "", self.base + key, event, expected))
            return
        if key == "gstin":
            self.gstin = value
        elif key == "fp" or self.fp is None:
            self.fp = value

    def _flush(self, group: _Group, extra: list[Problem]) -> Chunk:
        """Parse the group's pending documents with the one GSTR-1 reader."""
        section, docs_key = group.section, _doc_list(group.section)
        pending, group.pending = group.pending, []
        data = {section: [{**group.party, docs_key: [doc for _, doc in pending]}]}
        documents, found = parse_gstr1(data, gstin=self.filer)
        problems = list(extra)
        head = f"{section}[0]"
        for problem in found:
            where = problem.field
            if where.startswith(f"{head}.{docs_key}["):
                local, _, tail = where[len(head) + len(docs_key) + 2 :].partition("]")
                where = f"{group.path}.{docs_key}[{pending[int(local)][0]}]{tail}"
            elif where.startswith(head):
                if group.flushed:
                    continue  # a party problem is reported once per group
                where = group.path + where[len(head) :]
            problems.append(Problem(problem.section, problem.number, where, problem.message))
        group.flushed = True
        paths = [] if problems else [f"{group.path}.{docs_key}[{i}]" for i, _ in pending]
        return Chunk(documents, paths, problems)


def _doc_list(section: str) -> str:
    return _DOC_LISTS.get(section, "inv")


def _roles() -> dict[str, tuple[Any, ...]]:
    roles: dict[str, tuple[Any, ...]] = {}
    for section in READ_SECTIONS:
        docs = _doc_list(section)
        roles[section] = (_SECTION, section)
        roles[f"{section}.item"] = (_GROUP, section)
        for key in _PARTIES.get(section, ("ctin",)):
            roles[f"{section}.item.{key}"] = (_PARTY, section, key)
        roles[f"{section}.item.{docs}"] = (_DOCS, section)
        roles[f"{section}.item.{docs}.item"] = (_DOC, section)
    return roles


def _wrong(section: str, number: str, where: str, event: str, expected: str = "") -> Problem:
    found = _EVENT_KINDS.get(event, event)
    message = f"expected {expected}, got {found}" if expected else f"expected {found}"
    return Problem(section, number, where, message)
