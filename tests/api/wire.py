"""A small GSTN client for the API tests: httpx, json and Decimal — nothing of gstims.

The tests drive `gstims serve --sandbox` over real HTTP, as a GSP or an ERP would: the sandbox
API registers taxpayers, issues tokens and moves the clock; a `Taxpayer` makes the taxpayer
calls of `shared/spec/api.md` with its `auth-token` and `gstin` headers. Every call checks the
one promise that holds for any input: no answer is a 5xx.

    >>> gstin("29AABCR1718E1Z")
    '29AABCR1718E1ZL'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import httpx
from tests.api.gstn_transport import GSTN_CODES, MARK, GstnTransport

# -- GSTIN check character (formats.md §5.2) --------------------------------------------------

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_character(first14: str) -> str:
    total = 0
    for index, char in enumerate(first14):
        product = ALPHABET.index(char) * (1 if index % 2 == 0 else 2)
        total += product // 36 + product % 36
    return ALPHABET[(36 - total % 36) % 36]


def gstin(first14: str) -> str:
    """A GSTIN with its check character."""
    return first14 + check_character(first14)


def wrong_check(valid: str) -> str:
    """The same GSTIN with a wrong check character."""
    return valid[:14] + ("0" if valid[14] != "0" else "1")


# -- JSON with exact amounts ------------------------------------------------------------------

_MARK = re.compile(r'"\\u0000(-?[0-9.]+)\\u0000"')


def dumps(body: Any) -> bytes:
    """JSON text of a body whose amounts may be `Decimal` (written as bare numbers)."""
    text = json.dumps(body, default=lambda d: f"\x00{d}\x00" if isinstance(d, Decimal) else d)
    return _MARK.sub(r"\1", text).encode()


def parse(response: httpx.Response) -> Any:
    return json.loads(response.text, parse_float=Decimal)


def ok(response: httpx.Response) -> Any:
    """The `data` of a successful answer (HTTP 200, `status_cd` "1")."""
    assert response.status_code == 200, f"{response.status_code}: {response.text[:2000]}"
    body = parse(response)
    assert body["status_cd"] == "1", body
    return body["data"]


def refused(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The `error` of a refused request: its 4xx envelope, checked in full. Through the GSTN
    protocol every refusal is HTTP 200, and a caller's refusal has GSTN's code."""
    if response.headers.get(MARK) == "gstn":
        status, code = 200, GSTN_CODES.get(code or "", code)
    assert response.status_code == status, f"{response.status_code}: {response.text[:2000]}"
    assert response.headers["content-type"].startswith("application/json")
    body = parse(response)
    assert body["status_cd"] == "0", body
    error = body["error"]
    assert isinstance(error["error_cd"], str) and error["error_cd"], body
    assert isinstance(error["message"], str) and error["message"], body
    assert isinstance(error["details"], list), body
    if code is not None:
        assert error["error_cd"] == code, body
    return error


def authorised(response: httpx.Response) -> bool:
    """The call got past authentication and authorisation (its answer may still refuse it)."""
    if response.headers.get(MARK) == "gstn":
        error = parse(response).get("error") or {}
        return error.get("error_cd") not in GSTN_CODES.values()
    return response.status_code not in (401, 403)


# -- GSTR-1 documents -------------------------------------------------------------------------


def item(rate: Any, taxable: Any, iamt: Any = 0, camt: Any = 0, samt: Any = 0, csamt: Any = 0):
    return {
        "num": 1,
        "itm_det": {
            "rt": rate,
            "txval": taxable,
            "iamt": iamt,
            "camt": camt,
            "samt": samt,
            "csamt": csamt,
        },
    }


def invoice(
    number: str,
    when: str,
    *,
    pos: str,
    rate: Any,
    taxable: Any,
    iamt: Any = 0,
    camt: Any = 0,
    samt: Any = 0,
    rchrg: str = "N",
    original: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A GSTR-1 `inv` element; its value is taxable value plus tax."""
    doc = {
        "inum": number,
        "idt": when,
        "val": Decimal(taxable) + Decimal(iamt) + Decimal(camt) + Decimal(samt),
        "pos": pos,
        "rchrg": rchrg,
        "inv_typ": "R",
        "itms": [item(rate, taxable, iamt, camt, samt)],
    }
    if original:
        doc["oinum"], doc["oidt"] = original
    return doc


def note(
    number: str,
    when: str,
    *,
    pos: str,
    rate: Any,
    taxable: Any,
    iamt: Any = 0,
    camt: Any = 0,
    samt: Any = 0,
    ntty: str = "C",
) -> dict[str, Any]:
    """A GSTR-1 `nt` element (credit note unless `ntty` is D)."""
    return {
        "ntty": ntty,
        "nt_num": number,
        "nt_dt": when,
        "val": Decimal(taxable) + Decimal(iamt) + Decimal(camt) + Decimal(samt),
        "pos": pos,
        "rchrg": "N",
        "inv_typ": "R",
        "itms": [item(rate, taxable, iamt, camt, samt)],
    }


def b2b(ctin: str, *invoices: dict[str, Any]) -> dict[str, Any]:
    return {"ctin": ctin, "inv": list(invoices)}


def cdnr(ctin: str, *notes: dict[str, Any]) -> dict[str, Any]:
    return {"ctin": ctin, "nt": list(notes)}


# -- reading answers --------------------------------------------------------------------------


def numbers(getinv: Mapping[str, list[Mapping[str, Any]]], section: str | None = None) -> list[str]:
    """Document numbers in a GETINV `data` (one section, or all)."""
    sections = [section] if section else list(getinv)
    return sorted(
        r.get("inum") or r.get("nt_num") or r.get("boenum") for s in sections for r in getinv[s]
    )


def by_number(getinv: Mapping[str, list[Mapping[str, Any]]]) -> dict[str, Mapping[str, Any]]:
    return {r.get("inum") or r.get("nt_num"): r for records in getinv.values() for r in records}


def docs_2b(content: Mapping[str, Any], part: str, section: str) -> dict[str, list[str]]:
    """{supplier: sorted document numbers} of one section of `docdata` / `docRejdata`."""
    out: dict[str, list[str]] = {}
    for wrapper in content.get(part, {}).get(section, []):
        docs = wrapper.get("inv") or wrapper.get("nt") or []
        out.setdefault(wrapper["ctin"], []).extend(d.get("inum") or d.get("ntnum") for d in docs)
    return {ctin: sorted(found) for ctin, found in out.items()}


def doc_2b(content: Mapping[str, Any], part: str, section: str, number: str) -> dict[str, Any]:
    """One document of a 2B section, with its supplier wrapper's `ctin` and `supprd` beside it."""
    for wrapper in content.get(part, {}).get(section, []):
        for doc in wrapper.get("inv") or wrapper.get("nt") or []:
            if (doc.get("inum") or doc.get("ntnum")) == number:
                return {**doc, "ctin": wrapper["ctin"], "supprd": wrapper.get("supprd")}
    raise AssertionError(f"{number} not in {part}.{section}")


def table(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """A GSTR-3B `itc_avl` / `itc_rev` / `itc_inelg` list by its `ty`."""
    return {row["ty"]: row for row in rows}


# -- the sandbox and its taxpayers ------------------------------------------------------------


class Sandbox:
    """The sandbox API of one served gstims (`admin-token`)."""

    def __init__(self, base_url: str, admin_token: str, protocol: str = "plain") -> None:
        self.base_url = base_url
        self.admin_token = admin_token
        self.http = httpx.Client(base_url=base_url, timeout=120)
        self.protocol = protocol  # "gstn": taxpayer calls go through the GSTN protocol
        self._gstn: GstnTransport | None = None

    def close(self) -> None:
        if self._gstn is not None:
            self._gstn.close()
        self.http.close()

    def gstn(self) -> GstnTransport:
        if self._gstn is None:
            credentials = ok(self.admin("POST", "/gstn/clients", {"name": "the API tests"}))
            certificate = self.http.get("/gstims/v1/gstn-certificate.pem").content
            self._gstn = GstnTransport(
                self.base_url,
                credentials["client_id"],
                credentials["client_secret"],
                certificate,
            )
        return self._gstn

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Any request; whatever it carries, the answer is never a 5xx."""
        if self.protocol == "gstn" and path.startswith(RETURNS + "/"):
            endpoint = path[len(RETURNS) :]
            return self.gstn().request(method, endpoint, headers or {}, params, body, content)
        sent = dict(headers or {})
        if body is not None:
            content = dumps(body)
        if content is not None:
            sent.setdefault("content-type", "application/json")
        response = self.http.request(method, path, headers=sent, params=params, content=content)
        assert response.status_code < 500, f"{method} {path}: {response.text[:2000]}"
        return response

    def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.request(
            method, f"/sandbox/v1{path}", headers={"admin-token": self.admin_token}, body=body
        )

    def register(self, gstin: str, frequency: str = "M", name: str = "") -> dict[str, Any]:
        body = {"gstin": gstin, "legal_name": name or f"Taxpayer {gstin}"}
        body["filing_frequency"] = frequency
        return ok(self.admin("POST", "/taxpayers", body))

    def user(self, name: str, *gstins: str, role: str | None = None) -> str:
        body: dict[str, Any] = {"name": name, "gstins": list(gstins)}
        if role is not None:
            body["role"] = role
        token = ok(self.admin("POST", "/users", body))["token"]
        if self.protocol == "gstn":
            self.gstn().login(token, name)
        return token

    def taxpayer(self, gstin: str, token: str | None = None) -> Taxpayer:
        """A taxpayer acting with its own token (or a CA firm's that holds it)."""
        return Taxpayer(self, gstin, token or self.user(f"user-{gstin}", gstin))

    def today(self, when: str) -> list[dict[str, Any]]:
        """Move the clock (R-CAL-5); the events it ran."""
        data = ok(self.admin("PUT", "/clock", {"today": when}))
        assert data["today"] == when
        return data["events"]


RETURNS = "/plain/taxpayerapi/v1.0/returns"


class Taxpayer:
    """The taxpayer calls of one GSTIN, with its headers."""

    def __init__(self, sandbox: Sandbox, gstin: str, token: str) -> None:
        self.sandbox = sandbox
        self.gstin = gstin
        self.token = token

    @property
    def headers(self) -> dict[str, str]:
        return {"auth-token": self.token, "gstin": self.gstin}

    def get(self, path: str, **params: Any) -> httpx.Response:
        query = {"gstin": self.gstin, **{k: v for k, v in params.items() if v is not None}}
        return self.sandbox.request("GET", RETURNS + path, headers=self.headers, params=query)

    def send(self, method: str, path: str, body: Any) -> httpx.Response:
        return self.sandbox.request(method, RETURNS + path, headers=self.headers, body=body)

    # supplier returns
    def retsave(self, period: str, form: str = "gstr1", **sections: Any) -> httpx.Response:
        data = {"gstin": self.gstin, "fp": period, **sections}
        return self.send("PUT", f"/{form}", {"action": "RETSAVE", "data": data})

    def retfile(self, period: str, form: str = "gstr1") -> httpx.Response:
        data = {"gstin": self.gstin, "ret_period": period}
        return self.send("POST", f"/{form}", {"action": "RETFILE", "data": data})

    def retsum(self, period: str, form: str = "gstr1") -> httpx.Response:
        return self.get(f"/{form}", action="RETSUM", ret_period=period)

    # IMS
    def getinv(self, section: str | None = None, **filters: Any) -> httpx.Response:
        return self.get("/ims", action="GETINV", section=section, **filters)

    def getcnt(self) -> httpx.Response:
        return self.get("/ims", action="GETCNT")

    def save(self, **invdata: Any) -> httpx.Response:
        data = {"rtin": self.gstin, "reqtyp": "SAVE", "invdata": invdata}
        return self.send("PUT", "/ims", {"action": "SAVE", "data": data})

    def reset(self, **invdata: Any) -> httpx.Response:
        data = {"rtin": self.gstin, "reqtyp": "RESET", "invdata": invdata}
        return self.send("PUT", "/ims", {"action": "RESETIMS", "data": data})

    def reqsts(self, reference_id: str) -> httpx.Response:
        return self.get("/ims", action="REQSTS", int_tran_id=reference_id)

    def supview(
        self, period: str, section: str | None = None, rtn_typ: str = "GSTR1"
    ) -> httpx.Response:
        return self.get(
            "/ims", action="SUPVIEW", ret_period=period, section=section, rtn_typ=rtn_typ
        )

    # GSTR-2B and GSTR-3B
    def gen2b(self, period: str) -> httpx.Response:
        data = {"rtin": self.gstin, "itcprd": period}
        return self.send("PUT", "/gstr2b", {"action": "GEN2B", "data": data})

    def get2b(self, period: str) -> httpx.Response:
        return self.get("/gstr2b", action="GET2B", rtnprd=period)

    def gensts2b(self, reference_id: str) -> httpx.Response:
        return self.get("/gstr2b", action="GENSTS2B", int_tran_id=reference_id)

    def autoliab(self, period: str) -> httpx.Response:
        return self.get("/gstr3b", action="AUTOLIAB", ret_period=period)

    def file3b(self, period: str) -> httpx.Response:
        data = {"gstin": self.gstin, "ret_period": period}
        return self.send("POST", "/gstr3b", {"action": "RETFILE", "data": data})


def act(record: Mapping[str, Any], action: str, **extra: Any) -> dict[str, Any]:
    """A SAVE record built from a GETINV record: its identity, the action and `prev_status`."""
    keys = ("stin", "inum", "idt", "nt_num", "nt_dt", "oinum", "oidt", "ont_num", "ont_dt")
    out = {k: record[k] for k in keys if k in record}
    out.update({"rtnprd": record["rtnprd"], "action": action, "prev_status": record["action"]})
    out.update(extra)
    return out


def undo(record: Mapping[str, Any]) -> dict[str, Any]:
    """A RESETIMS record built from a GETINV record."""
    out = act(record, "N")
    del out["action"]
    return out
