"""The supplier (outward) view, GSTR-2B (summary, suppliers, documents, recompute,
downloads) and GSTR-3B (Table 4, 3.1(a), 3.1(d), filing)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from gstims.codec import to_json_bytes
from gstims.domain.calendar import Period, PeriodError
from gstims.formats.gstr2b import read_gstr2b
from gstims.services import dashboard, gstr2b, gstr3b, views
from gstims.services.errors import ServiceError
from gstims.web.charts import columns
from gstims.web.excel import gstr2b_workbook
from gstims.web.forms import read_action
from gstims.web.render import HEADERS, flash, page, period_label, redirect, shell, url
from gstims.web.security import PageNotFound, check_csrf, granted, signed_in

router = APIRouter()
PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUCKETS = (
    ("itcavl", "ITC available"),
    ("itcunavl", "ITC not available"),
    ("itcrev", "ITC reversal"),
    ("itcRejected", "ITC rejected in IMS"),
)
GROUPS = (
    ("nonrevsup", "All other ITC – supplies from registered persons"),
    ("isdsup", "Inward supplies from ISD"),
    ("revsup", "Inward supplies liable to reverse charge"),
    ("imports", "Import of goods"),
    ("othersup", "Others (credit notes and their amendments)"),
)


def _period(text: object, fallback: Period) -> Period:
    return _posted_period(text) or fallback


def _posted_period(text: object) -> Period | None:
    try:
        return Period.parse(text) if isinstance(text, str) and text else None
    except PeriodError:
        return None


def _page_no(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else 1


# -- supplier (outward) view ------------------------------------------------------------------


@router.get("/g/{gstin}/outward")
def outward_page(request: Request, gstin: str) -> Response:
    params = request.query_params
    form = "GSTR1A" if params.get("form") == "GSTR1A" else "GSTR1"
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        periods = dashboard.outward_periods(uow, gstin)
        period = _period(params.get("period"), periods[0] if periods else Period.of(uow.today()))
        rows = views.supplier_view(uow, gstin, period, form)
        recipients = dashboard.names(uow, {r.record.key.recipient for r in rows})
        frame = shell(uow, user, gstin, "outward")
    tally = Counter(r.state.action for r in rows)
    wanted = read_action(params.get("action"))
    if wanted is not None:
        rows = [r for r in rows if r.state.action is wanted]
    pages = max(1, -(-len(rows) // PAGE))
    number = min(_page_no(params.get("page")), pages)
    return page(
        request,
        "outward.html",
        title="Outward supplies – recipients' actions",
        shell=frame,
        periods=periods,
        period=period,
        form=form,
        rows=rows[(number - 1) * PAGE : number * PAGE],
        total=len(rows),
        tally=tally,
        recipients=recipients,
        wanted=wanted,
        page_no=number,
        pages=pages,
        base=f"/g/{gstin}/outward",
    )


# -- GSTR-2B ----------------------------------------------------------------------------------


@router.get("/g/{gstin}/gstr2b")
def gstr2b_page(request: Request, gstin: str) -> Response:
    params = request.query_params
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        period = _period(params.get("period"), dashboard.default_period(uow, gstin))
        state = dashboard.gstr2b_state(uow, gstin, period)
        months = dashboard.itc_over_months(uow, gstin)
        periods = dashboard.gstr2b_periods(uow, gstin)
        frame = shell(uow, user, gstin, "gstr2b")
    parsed = read_gstr2b(state.content) if state.content else None
    view = params.get("view") if params.get("view") in ("suppliers", "documents") else "summary"
    docs, pages, number, section, part = _documents(parsed, params)
    chart = columns(
        "ITC available (Table 4(A)) and net ITC (4(C)) by GSTR-2B period",
        [(period_label(m.period), [m.available.total, m.net.total]) for m in months],
        [("ITC available 4(A)", "c-a"), ("Net ITC 4(C)", "c-net")],
    )
    return page(
        request,
        "gstr2b.html",
        title=f"GSTR-2B {period_label(period)}",
        shell=frame,
        state=state,
        parsed=parsed,
        periods=periods if period in periods else [period, *periods],
        period=period,
        view=view,
        buckets=BUCKETS,
        groups=GROUPS,
        docs=docs,
        pages=pages,
        page_no=number,
        section=section,
        part=part,
        chart=chart,
        months=months,
        base=f"/g/{gstin}/gstr2b",
    )


def _documents(parsed: Any, params: Any) -> tuple[list[Any], int, int, str, str]:
    if parsed is None:
        return [], 1, 1, "", "docdata"
    part = "docRejdata" if params.get("part") == "docRejdata" else "docdata"
    section = params.get("section") or ""
    chosen = [
        d for d in parsed.documents if d.part == part and (not section or d.section == section)
    ]
    pages = max(1, -(-len(chosen) // PAGE))
    number = min(_page_no(params.get("page")), pages)
    return chosen[(number - 1) * PAGE : number * PAGE], pages, number, section, part


@router.post("/g/{gstin}/gstr2b/recompute")
async def recompute(request: Request, gstin: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_recompute, request, gstin, form)


def _recompute(request: Request, gstin: str, form: FormData) -> Response:
    db = request.app.state.db
    gstin, period = _posted_form(request, gstin, form)
    try:
        with db.transaction() as uow:
            made = gstr2b.generate_2b(uow, gstin, period)
        flash(
            request,
            f"GSTR-2B for {period_label(period)} computed: version {made.version}.",
        )
    except ServiceError as exc:
        flash(request, f"Not computed ({exc.code}): {exc.message}", "error")
    return redirect(url(f"/g/{gstin}/gstr2b", period=period.code))


@router.get("/g/{gstin}/gstr2b/{code}/download.{kind}")
def download(request: Request, gstin: str, code: str, kind: str) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        gstin = granted(signed_in(request, uow), gstin, request)
        period = _period(code, Period.of(uow.today()))
        try:
            content = gstr2b.get_2b(uow, gstin, period)
        except ServiceError as exc:
            raise PageNotFound(exc.message) from exc
    name = f"GSTR2B_{gstin}_{period.code}"
    if kind == "json":
        body, media = to_json_bytes({"data": content}, indent=2), "application/json"
    elif kind == "xlsx":
        body, media = gstr2b_workbook(read_gstr2b(content)), XLSX
    else:
        raise PageNotFound("Downloads are JSON or Excel (xlsx).")
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{kind}"'}
    return Response(body, media_type=media, headers={**HEADERS, **disposition})


# -- GSTR-3B ----------------------------------------------------------------------------------


@router.get("/g/{gstin}/gstr3b")
def gstr3b_page(request: Request, gstin: str) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        period = _period(request.query_params.get("period"), dashboard.default_period(uow, gstin))
        liability = gstr3b.auto_liability(uow, gstin, period)
        filed = dashboard.filed_on(uow, gstin, "GSTR3B", period)
        periods = dashboard.gstr2b_periods(uow, gstin)
        frame = shell(uow, user, gstin, "gstr3b")
    return page(
        request,
        "gstr3b.html",
        title=f"GSTR-3B {period_label(period)}",
        shell=frame,
        liab=liability,
        t4=liability.table4,
        filed=filed,
        period=period,
        periods=periods if period in periods else [period, *periods],
        base=f"/g/{gstin}/gstr3b",
    )


@router.post("/g/{gstin}/gstr3b/file")
async def file_3b(request: Request, gstin: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_file_3b, request, gstin, form)


def _file_3b(request: Request, gstin: str, form: FormData) -> Response:
    db = request.app.state.db
    gstin, period = _posted_form(request, gstin, form)
    try:
        with db.transaction() as uow:
            day = gstr3b.file_3b(uow, gstin, period)
        flash(request, f"GSTR-3B for {period_label(period)} filed on {day:%d-%m-%Y}.")
    except ServiceError as exc:
        flash(request, f"Not filed ({exc.code}): {exc.message}", "error")
    return redirect(url(f"/g/{gstin}/gstr3b", period=period.code))


def _posted_form(request: Request, gstin: str, form: FormData) -> tuple[str, Period]:
    """A return form's POST: the signed-in user holds the GSTIN, the CSRF token, the period."""
    with request.app.state.db.uow(write=False) as uow:
        gstin = granted(signed_in(request, uow), gstin, request)
    check_csrf(request, form)
    period = _posted_period(form.get("period"))
    if period is None:
        raise PageNotFound("The form names no tax period (MMYYYY).")
    return gstin, period
