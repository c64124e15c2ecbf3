"""The IMS inward pages: the filtered table with bulk actions, and one record with its history.

Every action goes through the maker-checker seam (`approvals.submit_actions`: SAVE or RESET at
once, or under maker-checker a preparer's proposal) once per form post, so
the rule table decides each record and the refusals (code and message) are shown as they
come back in the request's error report.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from gstims.domain.ims import ActionItem
from gstims.domain.records import Action
from gstims.domain.state import Declaration
from gstims.services import approvals, dashboard, ims
from gstims.services.context import ims_version
from gstims.services.errors import NotFound
from gstims.web.approval_pages import submitted_message
from gstims.web.charts import bars
from gstims.web.forms import MAX_ID, read_action, read_declaration, read_filter, read_picks
from gstims.web.render import ACTION_NAMES, flash, page, redirect, shell, url
from gstims.web.security import PageNotFound, check_csrf, granted, signed_in

router = APIRouter()
MAX_FIELDS = 5000  # a page of 500 rows posts 500 checkboxes and a few fields
MAX_REMARKS_FIELD = 1000
SHOWN_ERRORS = 200
VERBS = {Action.ACCEPT: "Accept", Action.REJECT: "Reject", Action.PENDING: "Pending"}
# Issue 14 item 8: "all matching" acts on the records the page showed, never on later arrivals
CHANGED_SINCE_SHOWN = (
    "Nothing was done: the records matching the filter changed since the page was shown "
    "(new, changed or acted on). Review the list below and choose again."
)
CHART_CLASSES = {
    Action.NO_ACTION: "c-n",
    Action.ACCEPT: "c-a",
    Action.REJECT: "c-r",
    Action.PENDING: "c-p",
}


@router.get("/g/{gstin}/ims")
def ims_page(request: Request, gstin: str) -> Response:
    form = read_filter(request.query_params)
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        version = ims_version(uow, gstin)  # before the rows: a change after it shows as stale
        found = dashboard.ims_page(uow, gstin, form.query)
        result = _result(uow, gstin, request.query_params.get("done"))
        frame = shell(uow, user, gstin, "ims")
    chart = bars(
        "ITC by action (net of credit notes), open IMS records",
        [(ACTION_NAMES[a], found.summary.itc_by_action[a], CHART_CLASSES[a]) for a in Action],
    )
    return page(
        request,
        "ims.html",
        title="IMS – inward supplies",
        shell=frame,
        form=form,
        found=found,
        periods=found.summary.periods,
        result=result,
        chart=chart,
        base=f"/g/{gstin}/ims",
        version=version,
    )


def _result(uow: Any, gstin: str, reference: str | None) -> ims.RequestStatus | None:
    if not reference or not reference.isalnum() or len(reference) > 40:
        return None
    try:
        return ims.request_status(uow, gstin, reference)
    except NotFound:
        return None


@router.post("/g/{gstin}/ims/actions")
async def bulk_action(request: Request, gstin: str) -> Response:
    form = await request.form(max_fields=MAX_FIELDS)
    return await run_in_threadpool(_bulk_action, request, gstin, form)


def _bulk_action(request: Request, gstin: str, form: FormData) -> Response:
    db = request.app.state.db
    with db.uow(write=False) as uow:
        user = signed_in(request, uow)
    gstin = granted(user, gstin, request)
    check_csrf(request, form)
    filters = read_filter(form)
    listing = f"/g/{gstin}/ims"
    back = url(listing, filters.params, page=filters.query.page)
    action = read_action(form.get("do"))
    remarks = _remarks(form)
    if action is None:
        flash(request, "Choose Accept, Reject, Pending or Reset.", "error")
        return redirect(back)
    with db.uow(write=False) as uow:
        if form.get("scope") == "matching":
            items = dashboard.matching_items(uow, gstin, filters.query, action, remarks)
            # read after the rows: a change they include has bumped the version already
            if form.get("ims_version") != str(ims_version(uow, gstin)):
                flash(request, CHANGED_SINCE_SHOWN, "error")
                return redirect(back)
        else:
            picks = read_picks(form.getlist("pick"))
            items = dashboard.selected_items(uow, gstin, picks, action, remarks)
    if not items:
        flash(request, "No record was selected: tick some rows or choose all matching.", "error")
        return redirect(back)
    with db.transaction() as uow:
        outcome = approvals.submit_actions(uow, user, gstin, items, remarks, kind=_kind(action))
    if isinstance(outcome, approvals.Proposed):
        flash(request, submitted_message(outcome))
    return redirect(
        url(listing, filters.params, page=filters.query.page, done=outcome.reference_id)
    )


def _kind(action: Action) -> str:
    return "RESET" if action is Action.NO_ACTION else "SAVE"


def _remarks(form: FormData) -> str | None:
    text = form.get("remarks")
    if not isinstance(text, str) or not text.strip():
        return None
    return text.strip()[:MAX_REMARKS_FIELD]  # the rule table refuses more than 250 (R-ACT-8)


@router.get("/g/{gstin}/ims/records/{record_id}")
def record_page(request: Request, gstin: str, record_id: int) -> Response:
    if not 0 < record_id <= MAX_ID:  # issue 14 item 11: beyond 64 bits names no record
        raise PageNotFound("There is no such record in this GSTIN's IMS.")
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        detail = dashboard.record_detail(uow, gstin, record_id)
        frame = shell(uow, user, gstin, "ims")
    if detail is None:
        raise PageNotFound("There is no such record in this GSTIN's IMS.")
    return page(
        request,
        "record.html",
        title=f"Record {detail.record.record.number}",
        shell=frame,
        d=detail,
        verbs=VERBS,
        back=safe_back(request.query_params.get("back"), gstin),
    )


def safe_back(value: str | None, gstin: str) -> str:
    """The IMS list the user came from (only that page of this GSTIN)."""
    base = f"/g/{gstin}/ims"
    if value and (value == base or value.startswith(base + "?")):
        return value
    return base


@router.post("/g/{gstin}/ims/records/{record_id}")
async def record_action(request: Request, gstin: str, record_id: int) -> Response:
    if not 0 < record_id <= MAX_ID:
        raise PageNotFound("There is no such record in this GSTIN's IMS.")
    form = await request.form()
    return await run_in_threadpool(_record_action, request, gstin, record_id, form)


def _record_action(request: Request, gstin: str, record_id: int, form: FormData) -> Response:
    db = request.app.state.db
    with db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        check_csrf(request, form)
        detail = dashboard.record_detail(uow, gstin, record_id)
    if detail is None:
        raise PageNotFound("There is no such record in this GSTIN's IMS.")
    here = url(f"/g/{gstin}/ims/records/{record_id}", back=form.get("back") or None)
    action, seen = read_action(form.get("do")), read_action(form.get("seen"))
    declaration = read_declaration(form) if action is Action.ACCEPT else None
    if action is None or isinstance(declaration, str):
        flash(
            request, declaration if isinstance(declaration, str) else "Choose an action.", "error"
        )
        return redirect(here)
    rec = detail.record
    item = ActionItem(
        section=rec.section,
        supplier=rec.record.key.supplier,
        number=rec.record.number,
        doc_date=rec.record.doc_date,
        action=action,
        prev_status=seen or rec.state.action,
        remarks=_remarks(form),
        declaration=declaration if isinstance(declaration, Declaration) else None,
    )
    with db.transaction() as uow:
        submitted = approvals.submit_actions(uow, user, gstin, [item], kind=_kind(action))
    if isinstance(submitted, approvals.Proposed):
        flash(request, submitted_message(submitted))
        return redirect(here)
    outcome = submitted.result
    for error in outcome.errors:
        flash(request, f"Refused ({error.code}): {error.message}", "error")
    if not outcome.errors:
        flash(request, f"Saved: {rec.record.number} is now {ACTION_NAMES[action]}.")
    return redirect(here)
