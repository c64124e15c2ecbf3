"""The sandbox API: register taxpayers, issue tokens, move the clock, feed other sources.

Enabled by `gstims serve --sandbox`; every call needs the `admin-token` header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from gstims.api import examples
from gstims.api.auth import require_admin
from gstims.api.body import read_json
from gstims.api.envelope import RESPONSES, BadRequest, JsonResponse, ok
from gstims.domain.calendar import Frequency, Period
from gstims.domain.clock import Event
from gstims.domain.documents import Problem
from gstims.domain.money import Tax
from gstims.formats.encoding import day
from gstims.formats.gstr1 import parse_gstr1
from gstims.formats.reading import Fields, date_of
from gstims.services import clock, feeds, taxpayers

router = APIRouter(prefix="/sandbox/v1", responses=RESPONSES)


async def _admin_body(request: Request, *, body: bool = True) -> Mapping[str, Any]:
    require_admin(request.app.state.settings.admin_token, request)
    return await read_json(request, request.app.state.settings) if body else {}


async def _run(
    request: Request, fn: Callable[..., Any], *args: Any, write: bool = True, **kw: Any
) -> Any:
    db = request.app.state.db

    def work() -> Any:
        with db.transaction(write=write) as uow:
            return fn(uow, *args, **kw)

    return await run_in_threadpool(work)


def _fields(data: Mapping[str, Any], section: str) -> tuple[Fields, list[Problem]]:
    problems: list[Problem] = []
    return Fields(data, "", problems, section), problems


# the widths the database keeps (a longer name is refused here, not by the database as a 500)
MAX_TAXPAYER_NAME = 200
MAX_USER_NAME = 100


def _at_most(f: Fields, key: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        f.report(key, f"at most {limit} characters, got {len(value):,}")


def _filer(f: Fields) -> tuple[str, Period | None]:
    """A feed's filer GSTIN (upper-cased) and return period; problems go to `f`'s list."""
    gstin = (f.text("gstin", blank=False) or "").upper()
    code = f.period("ret_period")
    return gstin, Period.parse(code) if code else None


@router.post(
    "/taxpayers", summary="Register a taxpayer", openapi_extra=examples.body(examples.TAXPAYER)
)
async def register(request: Request) -> JsonResponse:
    data = await _admin_body(request)
    f, problems = _fields(data, "taxpayer")
    gstin = f.text("gstin", blank=False)
    legal = f.text("legal_name", blank=False)
    trade = f.text("trade_name", required=False)
    freq = f.choice("filing_frequency", ("M", "Q"))
    registered = f.date("registered_on", required=False)
    _at_most(f, "legal_name", legal, MAX_TAXPAYER_NAME)
    _at_most(f, "trade_name", trade, MAX_TAXPAYER_NAME)
    if problems or gstin is None or legal is None or freq is None:
        raise BadRequest("the taxpayer is malformed", problems)
    on = await _run(
        request,
        taxpayers.register_taxpayer,
        gstin.upper(),
        legal,
        Frequency(freq),
        registered,
        trade_name=trade,
    )
    return ok(
        {
            "gstin": gstin.upper(),
            "legal_name": legal,
            "trade_name": trade,
            "filing_frequency": freq,
            "registered_on": day(on),
        }
    )


@router.post(
    "/users", summary="Create a user and its token", openapi_extra=examples.body(examples.USER)
)
async def create_user(request: Request) -> JsonResponse:
    data = await _admin_body(request)
    f, problems = _fields(data, "user")
    name = f.text("name", blank=False)
    password = f.text("password", required=False)
    role = f.text("role", required=False) or "approver"  # of every GSTIN it is granted
    _at_most(f, "name", name, MAX_USER_NAME)
    gstins = data.get("gstins")
    if not isinstance(gstins, list) or not all(isinstance(g, str) for g in gstins):
        problems.append(Problem("user", name or "", "gstins", "expected a list of GSTINs"))
    if problems or name is None or not isinstance(gstins, list):
        raise BadRequest("the user is malformed", problems)
    make = partial(taxpayers.create_user, role=role)
    user = await _run(request, make, name, [g.upper() for g in gstins], password)
    return ok({"name": user.name, "token": user.token})


@router.get("/clock", summary="Today, as the sandbox sees it")
async def get_clock(request: Request) -> JsonResponse:
    await _admin_body(request, body=False)
    db = request.app.state.db

    def today() -> Any:
        with db.uow(write=False) as uow:
            return uow.today()

    return ok({"today": day(await run_in_threadpool(today))})


@router.put(
    "/clock",
    summary="Move the clock forward, running each day's events",
    openapi_extra=examples.body(examples.CLOCK),
)
async def put_clock(request: Request) -> JsonResponse:
    data = await _admin_body(request)
    f, problems = _fields(data, "clock")
    target = f.date("today")
    if problems or target is None:
        raise BadRequest("the clock request is malformed", problems)
    db = request.app.state.db
    # each batch of taxpayers in its own transaction, committed as it goes (services/clock.py)
    runs = await run_in_threadpool(clock.move_clock, db.transaction, target)
    return ok(
        {
            "today": day(target),
            "events": [
                {
                    "day": day(r.day),
                    "event": r.event.value,
                    "summary": r.summary,
                    "counts": dict(r.counts),
                }
                for r in runs
            ],
        }
    )


MAX_RESULTS_PAGE = 1000
_EVENTS = tuple(e.value for e in Event)


@router.get(
    "/clock/results",
    summary="What the clock's events did to each taxpayer, a page at a time",
)
async def get_clock_results(request: Request) -> JsonResponse:
    await _admin_body(request, body=False)
    f, problems = _fields(dict(request.query_params), "clock results")
    on = f.date("day", required=False)
    event = f.choice("event", _EVENTS, required=False)
    gstin = f.text("gstin", required=False, blank=False)
    if gstin is not None and not (len(gstin) == 15 and gstin.isalnum()):
        f.report("gstin", "expected a 15-character GSTIN")
    after = _results_key(f, f.text("after", required=False, blank=False))
    limit = _page_size(f, f.text("limit", required=False, blank=False))
    if problems:
        raise BadRequest("the clock results query is malformed", problems)
    rows = await _run(
        request,
        clock.results,
        day=on,
        event=Event(event) if event else None,
        gstin=gstin.upper() if gstin else None,
        after=after,
        limit=limit,
        write=False,
    )
    out = [
        {
            "day": day(r["day"]),
            "event": r["event"],
            "gstin": r["gstin"],
            "outcome": r["outcome"],
            "period": r["period"],
            "count": r["count"],
        }
        for r in rows
    ]
    last = out[-1] if len(out) == limit else None
    following = f"{last['day']}/{last['event']}/{last['gstin']}" if last else None
    return ok({"results": out, "next": following})


def _results_key(f: Fields, text: str | None) -> tuple[date, str, str] | None:
    """The `next` of the previous page, `dd-mm-yyyy/event/GSTIN`."""
    if text is None:
        return None
    parts = text.split("/")
    when = date_of(parts[0]) if len(parts) == 3 else None
    if len(parts) != 3 or not isinstance(when, date) or parts[1] not in _EVENTS:
        f.report("after", "expected the `next` of the previous page, dd-mm-yyyy/event/GSTIN")
        return None
    return when, parts[1], parts[2].upper()[:15]


def _page_size(f: Fields, text: str | None) -> int:
    if text is None:
        return 100
    if not text.isdigit() or not 1 <= int(text) <= MAX_RESULTS_PAGE:
        f.report("limit", f"expected a whole number from 1 to {MAX_RESULTS_PAGE}")
        return 100
    return int(text)


@router.put(
    "/feeds/gstr5",
    summary="GSTR-5 documents of a non-resident supplier",
    openapi_extra=examples.body(examples.GSTR5),
)
async def feed_gstr5(request: Request) -> JsonResponse:
    data = await _admin_body(request)
    f, problems = _fields(data, "gstr5")
    gstin, period = _filer(f)
    docs, shape = parse_gstr1({"b2b": data.get("b2b") or []}, gstin=gstin)
    if problems or shape or period is None:
        raise BadRequest("the GSTR-5 feed is malformed", problems + shape)
    stored = await _run(request, feeds.feed_gstr5, gstin, period, docs)
    return ok({"stored": stored})


@router.put(
    "/feeds/gstr6",
    summary="GSTR-6 distributions of an ISD",
    openapi_extra=examples.body(examples.GSTR6),
)
async def feed_gstr6(request: Request) -> JsonResponse:
    data = await _admin_body(request)
    f, problems = _fields(data, "gstr6")
    gstin, period = _filer(f)
    docs = []
    for doc in f.children("doclist"):
        kind = doc.choice("doctyp", ("ISDI", "ISDC"))
        number, when, recipient = (
            doc.text("docnum", blank=False),
            doc.date("docdt"),
            doc.text("ctin", blank=False),
        )
        tax = Tax.of(*(doc.amount(h) or Decimal(0) for h in ("igst", "cgst", "sgst", "cess")))
        if kind and number and when and recipient:
            docs.append(feeds.IsdDocument(recipient.upper(), kind == "ISDC", number, when, tax))
    if problems or period is None:
        raise BadRequest("the GSTR-6 feed is malformed", problems)
    stored = await _run(request, feeds.feed_gstr6, gstin, period, docs)
    return ok({"stored": stored})


@router.put(
    "/feeds/icegate",
    summary="Bills of entry from ICEGATE",
    openapi_extra=examples.body(examples.ICEGATE),
)
async def feed_icegate(request: Request) -> JsonResponse:
    data = await _admin_body(request)
    f, problems = _fields(data, "icegate")
    boes = []
    for b in f.children("boes"):
        recipient, port, number = (
            b.text("rtin", blank=False),
            b.text("portcode", blank=False),
            b.text("boenum", blank=False),
        )
        boe_date, ref_date = b.date("boedt"), b.date("refdt")
        sez = b.yes_no("sez") if isinstance(b.obj.get("sez"), str) else bool(b.obj.get("sez"))
        supplier = b.text("sgstin", required=sez)
        taxable = b.amount("txval") or Decimal(0)
        tax = Tax.of(igst=b.amount("igst") or 0, cess=b.amount("cess") or 0)
        if recipient and port and number and boe_date and ref_date:
            boes.append(
                feeds.BillOfEntry(
                    recipient.upper(),
                    port,
                    number,
                    boe_date,
                    ref_date,
                    taxable,
                    tax,
                    supplier.upper() if sez and supplier else None,
                )
            )
    if problems:
        raise BadRequest("the ICEGATE feed is malformed", problems)
    stored = await _run(request, feeds.feed_icegate, boes)
    return ok({"stored": stored})
