"""What the IMS use cases take and give, as plain values: the items of a SAVE or RESET, a
refused item, a record as IMS shows it, a GETINV filter, a record as its supplier sees it.

The formats read and write these (GSTN JSON, Excel, offline files) and the services make
them; neither knows the other. Example: accepting invoice INV-1 of 05-10-2025 from
29AABCU9603R1ZJ is `ActionItem(Section.B2B, "29AABCU9603R1ZJ", "INV-1", date(2025, 10, 5),
Action.ACCEPT, prev_status=Action.NO_ACTION)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gstims.domain.actions import RecordView
from gstims.domain.errors import Problem, Where
from gstims.domain.records import Action, Record, Section
from gstims.domain.state import Declaration, ImsState


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One record of a SAVE or RESET, as the client identified it."""

    section: Section
    supplier: str  # stin; for a bill of entry the SEZ supplier, or ""
    number: str  # inum / nt_num; for a bill of entry "PORTCODE/BOENUM"
    doc_date: date
    action: Action = Action.NO_ACTION
    prev_status: Action | None = None
    remarks: str | None = None
    declaration: Declaration | None = None
    rtnprd: str | None = None


@dataclass(frozen=True, slots=True)
class ItemError:
    """One refused item of a SAVE or RESET, as REQSTS reports it: a `Problem` of the record
    (section, supplier, number, return period) with its own code."""

    section: str
    supplier: str
    number: str
    rtnprd: str | None
    code: str
    message: str

    @property
    def where(self) -> Where:
        return Where(self.section, self.number, supplier=self.supplier, rtnprd=self.rtnprd)

    @property
    def problem(self) -> Problem:
        return Problem(self.section, self.number, "", self.message, self.code)


@dataclass(frozen=True, slots=True)
class ImsRecord:
    """A record as the recipient's IMS shows it (GETINV)."""

    id: int
    record: Record
    state: ImsState
    section: Section
    view: RecordView
    pending_blocked: bool
    declaration_blocked: bool
    hash: str


@dataclass(frozen=True, slots=True)
class ImsFilter:
    section: Section | None = None
    supplier: str | None = None
    action: Action | None = None
    page: int = 1
    page_size: int | None = None


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    """One outward record with the recipient's current action and remarks (R-SUP-1)."""

    record: Record
    state: ImsState
    consumed: bool
