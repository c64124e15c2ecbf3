"""One shape for "a problem", and every error code named once (issue 11, ADR 0023).

A problem is a code, a place and a message. The place (`Where`) is a record — its section,
number and GSTN field (and, for an IMS item, its supplier and return period) — or a file's row
and column. Validation (`domain/documents.py`), refusals (`services/errors.py`), the per-item
errors of a SAVE (`domain/ims.ItemError`), the books register's rows
(`domain/reconcile/books.RowProblem`) and file reports (`services/file_refusal.py`) all speak
it; the API's envelope and the CLI's file reports render it with `detail` and `report_line`.

Every code gstims answers is named here exactly once, with the HTTP status of a whole-request
refusal where it has one and what it means; `docs/API.md`'s "Error codes" tables list the
same codes (a test holds the two together, and another that no code is spelled anywhere else
in `src/`). Example: `Problem("b2b", "INV-1", "itms[0].iamt", "IGST 0.00 is not 18% ...")`
renders in the envelope as `{"section": "b2b", "number": "INV-1", "field": "itms[0].iamt",
"message": "IGST 0.00 is not 18% ..."}` and in a file report as
`itms[0].iamt: b2b INV-1: IGST 0.00 is not 18% ...`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    """An error code: the HTTP statuses it answers with on the plain API (none: it is a
    per-record code of REQSTS, or a refusal of the GSTN protocol, answered with HTTP 200),
    and what it means."""

    code: str
    statuses: tuple[int, ...]
    meaning: str


CODES: dict[str, Code] = {}
"""Every code, by its text."""


def _named(code: str, statuses: tuple[int, ...], meaning: str) -> str:
    if code in CODES:  # pragma: no cover - a typo caught at import
        raise ValueError(f"{code} is named twice")
    CODES[code] = Code(code, statuses, meaning)
    return code


# -- gstims' request codes (plain API; GSTN mode answers them unchanged) ----------------------
GSTIMS400 = _named("GSTIMS400", (400,), "malformed request")
GSTIMS401 = _named("GSTIMS401", (401,), "no or bad auth-token / admin-token")
GSTIMS403 = _named("GSTIMS403", (403,), "GSTIN not granted, role refused, own proposal")
GSTIMS404 = _named("GSTIMS404", (404,), "unknown request id, unregistered GSTIN, unknown path")
GSTIMS405 = _named("GSTIMS405", (405,), "method not allowed on the path")
GSTIMS409 = _named("GSTIMS409", (409,), "state conflict (exists, clock moved back, a race)")
GSTIMS413 = _named("GSTIMS413", (413,), "body over the limit")
GSTIMS422 = _named("GSTIMS422", (422,), "validation; details lists every problem")
GSTIMS500 = _named("GSTIMS500", (500,), "an internal error; nothing of the request stored")
BOOKS400 = _named("BOOKS400", (400, 413, 415), "a register file refused whole, or bad input")
BOOKS404 = _named("BOOKS404", (404,), "unknown mapping profile")
BOOKS422 = _named("BOOKS422", (422,), "a register with bad rows; details names each")
RECON400 = _named("RECON400", (400,), "a run without periods, unknown outcome, nothing to do")
RECON404 = _named("RECON404", (404,), "no such run for the caller's GSTIN")
RULES404 = _named("RULES404", (404,), "no rule set kept for the GSTIN (or user)")
RULES422 = _named("RULES422", (422,), "a bad rule set; details names each rule and field")

# -- GSTN's own, used as named ----------------------------------------------------------------
RET2B1023 = _named("RET2B1023", (404, 409), "GSTR-2B not generated")
IMS2B009 = _named("IMS2B009", (409,), "GSTR-2B cannot be generated yet")
IMS2B007 = _named("IMS2B007", (409,), "GSTR-3B already filed for that period")
IMSSAV0010 = _named("IMSSAV0010", (), "stale prev_status (per record, in REQSTS)")

# -- the filing sequence (domain/sequence.py), HTTP 409 --------------------------------------
RET0001 = _named("RET0001", (409,), "the period is before October 2024 (R-CAL-4)")
RET0002 = _named("RET0002", (409,), "the return is already filed")
RET0003 = _named("RET0003", (409,), "GSTR-1 / IFF filed only after its period ends")
RET0004 = _named("RET0004", (409,), "the previous period's GSTR-1 is unfiled (s.37(4))")
RET0005 = _named("RET0005", (409,), "the previous period's GSTR-3B is unfiled (rule 59(6))")
RET0006 = _named("RET0006", (409,), "not a return period of this taxpayer")
RET0007 = _named("RET0007", (409,), "GSTR-1A needs the period's GSTR-1 filed first")
RET0008 = _named("RET0008", (409,), "the period's GSTR-3B is filed: GSTR-1A is closed")
RET0009 = _named("RET0009", (409,), "GSTR-3B needs the period's GSTR-1 filed first")

# -- per-record refusals in REQSTS (domain/actions.py) ----------------------------------------
IMSACT001 = _named("IMSACT001", (), "Pending is not allowed on this record (R-ACT-3)")
IMSACT002 = _named("IMSACT002", (), "the Pending period of a specified record is over")
IMSACT003 = _named("IMSACT003", (), "Reject is not allowed (a bill of entry, R-ACT-6)")
IMSACT004 = _named("IMSACT004", (), "an ITC-reduction declaration is not allowed here")
IMSACT005 = _named("IMSACT005", (), "the declaration is invalid")
IMSACT006 = _named("IMSACT006", (), "a partial or nil declaration requires remarks")
IMSACT007 = _named("IMSACT007", (), "remarks over 250 characters")
IMSACT008 = _named("IMSACT008", (), "the record is consumed by a filed GSTR-3B")
IMSACT009 = _named("IMSACT009", (), "no such record in this recipient's IMS")
IMSACT010 = _named("IMSACT010", (), "the record is not in IMS (R-IN-5)")
IMSACT011 = _named("IMSACT011", (), "SAVE takes A, R or P")
IMSACT012 = _named("IMSACT012", (), "prev_status is missing")
IMSACT013 = _named("IMSACT013", (), "remarks carry an invisible character")

# -- refusals of the GSTN protocol (gstn/), HTTP 200 with status_cd 0 -------------------------
GSTIMSCLIENT = _named("GSTIMSCLIENT", (), "clientid / client-secret not a registered pair")
TEC4002 = _named("TEC4002", (), "app_key does not open")
AUTH4033 = _named("AUTH4033", (), "no auth-token, an unknown one, or another username's")
AUTH4034 = _named("AUTH4034", (), "wrong or expired login OTP")
AUTH4038 = _named("AUTH4038", (), "the session has expired")
RET11400 = _named("RET11400", (), "a required header or body field is missing")
RET11402 = _named("RET11402", (), "the GSTIN is not the user's, or differs from the header")
RET11403 = _named("RET11403", (), "an action or endpoint the protocol does not serve")
RET11404 = _named("RET11404", (), "state-cd is not the GSTIN's state")
RET11409 = _named("RET11409", (), "the username is not a user")
RET11416 = _named("RET11416", (404,), "no such download (FILEDET); no GSTR-3B draft (RETSUM)")
RET13506 = _named("RET13506", (), "the EVC OTP in sid is wrong or expired")
GSTIMSHMAC = _named("GSTIMSHMAC", (), "data does not open under the sek, or its hmac differs")
GSTIMSSIGN = _named("GSTIMSSIGN", (), "a filing without a valid EVC signature")
GSTIMSFILE = _named("GSTIMSFILE", (), "a file URL gstims did not sign, or that has expired")


def request_code(status: int) -> str:
    """gstims' code of a bare HTTP status (a route not found, a method not allowed): GSTIMS
    and the status, as listed above (a status listed nowhere keeps the same shape)."""
    return f"GSTIMS{status}"


# -- the place of a problem, and the problem ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Where:
    """Where a problem is: a record (section, number, and for an IMS item its supplier and
    return period) and its field, or a file's row (`row`) and column (`field`). Empty parts
    are not known or not relevant."""

    section: str = ""
    number: str = ""
    field: str = ""
    supplier: str = ""
    rtnprd: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, naming where (section, number, GSTN field) and why; `code` is the
    code of the refusal it is part of, when it has one of its own."""

    section: str
    number: str
    field: str
    message: str
    code: str = ""

    @property
    def where(self) -> Where:
        return Where(self.section, self.number, self.field)

    def __str__(self) -> str:
        return f"{self.section} {self.number} {self.field}: {self.message}"


def detail(problem: Problem) -> dict[str, str]:
    """The problem as one entry of the envelope's `details` (every API refusal)."""
    return {
        "section": problem.section,
        "number": problem.number,
        "field": problem.field,
        "message": problem.message,
    }


def report_line(problem: Problem) -> str:
    """The problem as a file report's line: `field: [section number: ]message` (a file's
    own problems, under the section "file" or "return", name no record)."""
    label = " ".join(x for x in (problem.section, problem.number) if x and x not in _NO_RECORD)
    return f"{problem.field}: " + (f"{label}: " if label else "") + problem.message


_NO_RECORD = ("file", "return")
