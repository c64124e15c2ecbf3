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

from gstims.domain.records import Section
from gstims.formats.encoding import to_json_bytes
from gstims.gstn.sessions import GstnRefusal
from gstims.gstn.tables import gstn_return_saves
from gstims.store.db import UnitOfWork

SHORT_SECTIONS = {"CN": "b2bcn", "CNA": "b2bcna", "DN": "b2bdn", "DNA": "b2bdna"}
FORMS = {"gstr1": "GSTR1", "gstr1a": "GSTR1A", "gstr3b": "GSTR3B"}


def ims_section(name: str) -> str:
    """`CN` → `b2bcn`, `B2B` → `b2b`; an unknown name is passed on for the route to refuse."""
    upper = name.strip().upper()
    return SHORT_SECTIONS.get(upper) or (upper.lower() if upper.lower() in set(Section) else name)


def gstn_data(endpoint: str, action: str, gstin: str, data: Any) -> Any:
    if action == "GETCNT":
        return data["invoicecount"][0]
    if action == "GET2B":
        return {"chksum": hashlib.sha256(to_json_bytes(data)).hexdigest(), "data": data}
    if action == "RETFILE":
        return {**data, "ack_num": ack_number(FORMS[endpoint], gstin, data["ret_period"])}
    return data


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
    """RETSTATUS of a GSTR-1 / 1A RETSAVE: processed (`P`) once it has a reference id."""
    form = uow.conn.execute(
        select(gstn_return_saves.c.form).where(
            gstn_return_saves.c.reference_id == reference_id, gstn_return_saves.c.gstin == gstin
        )
    ).scalar()
    if form is None:
        raise GstnRefusal("GSTIMS404", f"no return request {reference_id} for {gstin}")
    return {"status_cd": "P", "form_typ": form, "action": "SAVE", "ref_id": reference_id}
