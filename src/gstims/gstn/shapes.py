"""Where the GSTN wire differs from the plain API's answers (gstn-protocol.md §8, decision 4).

GETCNT is `{all_oth: {...}, imp_gds: {...}}` (no `invoicecount` list), GET2B is
`{chksum, data: {gstin, rtnprd, ...}}`, a filing answers its `ack_num`; IMS sections may be
named short (`CN`, `DNA`) or long (`B2BCN`), in any case. Everything else is the plain `data`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from gstims.codec import to_json_bytes
from gstims.domain.errors import GSTIMS400, GSTIMS404
from gstims.domain.records import Section
from gstims.gstn.sessions import GstnRefusal
from gstims.gstn.tables import gstn_return_saves
from gstims.store.db import UnitOfWork

SHORT_SECTIONS = {"CN": "b2bcn", "CNA": "b2bcna", "DN": "b2bdn", "DNA": "b2bdna"}
FORMS = {"gstr1": "GSTR1", "gstr1a": "GSTR1A", "gstr3b": "GSTR3B"}
# the requests of the `requests` table that RETSTATUS reports, by kind: their GSTN action
RETURN_REQUESTS = {"R1RESET": "RESET", "RETNEWPTF": "RETNEWPTF"}


def ims_section(name: str) -> str:
    """`CN` → `b2bcn`, `B2B` → `b2b`; an unknown name is passed on for the route to refuse."""
    upper = name.strip().upper()
    return SHORT_SECTIONS.get(upper) or (upper.lower() if upper.lower() in set(Section) else name)


def gstn_data(endpoint: str, action: str, gstin: str, data: Any) -> Any:
    if action == "GETCNT":
        return data["invoicecount"][0]
    if action == "GET2B":
        return _with_checksum(data)
    if action == "RETFILE":
        return {**data, "ack_num": ack_number(FORMS[endpoint], gstin, data["ret_period"])}
    return data


def _with_checksum(data: dict[str, Any]) -> dict[str, Any]:
    return {"chksum": hashlib.sha256(to_json_bytes(data)).hexdigest(), "data": data}


IDENTITY_2B = ("gstin", "rtnprd", "version", "gendt")
DOCUMENT_PARTS_2B = ("docdata", "docRejdata")


def gstr2b_answer(content: dict[str, Any], file_num: str | None, size: int) -> dict[str, Any]:
    """GET2B: whole, or above `size` documents split into files (gstn-protocol.md §7).

    Asked without `file_num`, a split 2B answers its identity and `fc`; `file_num` 1..fc then
    answers each file: the first with the summaries, every one with its share of the
    documents (a supplier's documents may continue in the next file, under the same `ctin`).
    """
    parts = split_2b(content, size)
    if len(parts) == 1 and file_num in (None, "", "1"):
        return _with_checksum(content)
    if len(parts) > 1 and not file_num:
        return _with_checksum(
            {**{k: content[k] for k in IDENTITY_2B if k in content}, "fc": len(parts)}
        )
    number = int(file_num) if file_num and file_num.isdigit() else 0
    if not 1 <= number <= len(parts):
        raise GstnRefusal(GSTIMS400, f"file_num must be from 1 to {len(parts)}")
    return _with_checksum({**parts[number - 1], "fc": len(parts)})


def split_2b(content: dict[str, Any], size: int) -> list[dict[str, Any]]:
    """The 2B cut into parts of at most `size` documents (one part when it is small)."""
    identity = {k: content[k] for k in IDENTITY_2B if k in content}
    first = {k: v for k, v in content.items() if k not in DOCUMENT_PARTS_2B}
    parts: list[dict[str, Any]] = [first]
    room = size
    for part_name in DOCUMENT_PARTS_2B:
        for section, entries in (content.get(part_name) or {}).items():
            for entry in entries:
                docs_key = _documents_key(entry)
                docs = entry[docs_key] if docs_key else [entry]
                start = 0
                while start < len(docs):
                    if room == 0:
                        parts.append(dict(identity))
                        room = size
                    chunk = docs[start : start + room]
                    start, room = start + len(chunk), room - len(chunk)
                    target = parts[-1].setdefault(part_name, {}).setdefault(section, [])
                    if docs_key is None:
                        target.extend(chunk)
                    else:
                        target.append({**entry, docs_key: chunk})
    return parts


def _documents_key(entry: dict[str, Any]) -> str | None:
    """The key of a supplier wrapper's document list (`inv`, `nt`, ...); None for a document."""
    keys = [k for k, v in entry.items() if isinstance(v, list)]
    return keys[0] if len(keys) == 1 else None


def ack_number(form: str, gstin: str, period: str) -> str:
    """A filing's acknowledgement: stable for the filing, 15 characters like GSTN's."""
    digest = hashlib.sha256(f"{form}|{gstin}|{period}".encode()).hexdigest().upper()
    return f"AA{gstin[:2]}{period}{digest[:5]}"


def remember_save(
    uow: UnitOfWork, gstin: str, endpoint: str, reference_id: str, now: datetime
) -> None:
    uow.conn.execute(
        insert(gstn_return_saves).values(
            reference_id=reference_id, gstin=gstin, form=FORMS[endpoint], saved_at=now
        )
    )


def return_status(uow: UnitOfWork, gstin: str, reference_id: str) -> dict[str, Any]:
    """RETSTATUS of a GSTR-1 / 1A RETSAVE (processed, `P`, once it has a reference id), a RESET,
    a RETNEWPTF (`P`, or `ER` with its refusal) or a GSTR-3B RETSAVE."""
    form = uow.conn.execute(
        select(gstn_return_saves.c.form).where(
            gstn_return_saves.c.reference_id == reference_id, gstn_return_saves.c.gstin == gstin
        )
    ).scalar()
    if form is not None:
        return {"status_cd": "P", "form_typ": form, "action": "SAVE", "ref_id": reference_id}
    request = uow.requests.find(gstin, reference_id)
    if request is None or request["kind"] not in RETURN_REQUESTS:
        raise GstnRefusal(GSTIMS404, f"no return request {reference_id} for {gstin}")
    answer = {
        "status_cd": request["status"],
        "action": RETURN_REQUESTS[request["kind"]],
        "ref_id": reference_id,
    }
    if request["error_report"]:
        answer["error_report"] = request["error_report"]
    return answer
