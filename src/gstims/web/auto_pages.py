"""The auto-action rules page and the supplier follow-up page of a GSTIN (issue 17).

    GET  /g/{gstin}/rules                  the GSTIN's rule set (JSON), `?dry=1` its dry run
    POST /g/{gstin}/rules                  save (import) a rule set
    POST /g/{gstin}/rules/apply            apply the kept rule set through SAVE
    GET  /g/{gstin}/follow-up              per supplier: what to ask, ITC at risk, a message
    GET  /g/{gstin}/follow-up.xlsx         the same as a workbook, one sheet per supplier

The rule set of a user, for all their GSTINs, has its own page (`web/user_rules_pages.py`).

Every POST carries the CSRF token and acts only on the signed-in user's own GSTIN; the use
cases are the API's and the CLI's.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gstims.codec import loads, to_json_bytes
from gstims.domain.auto_rules import rule_set_json
from gstims.domain.follow_up import ASK, KINDS, message
from gstims.formats.follow_up_excel import follow_up_workbook, sheet_name
from gstims.services import auto_actions
from gstims.services.errors import NotFound, ServiceError
from gstims.services.follow_up import supplier_follow_up
from gstims.web.render import HEADERS, flash, page, redirect, shell
from gstims.web.return_pages import XLSX
from gstims.web.security import granted, posted, signed_in

router = APIRouter()
SHOWN_REFUSED = 50  # refused records listed per rule on the page
MAX_RULES_TEXT = 256_000  # characters of a rule set pasted into the form


@router.get("/g/{gstin}/rules")
def rules_page(request: Request, gstin: str) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        frame = shell(uow, user, gstin, "rules")
        scope = auto_actions.gstin_scope(gstin)
        try:
            kept = auto_actions.rule_set(uow, scope)
        except NotFound:
            kept = None
        plan = None
        if kept is not None and request.query_params.get("dry"):
            plan = auto_actions.dry_run(uow, gstin, kept)
    text = "" if kept is None else to_json_bytes(rule_set_json(kept), indent=2).decode()
    return page(
        request,
        "rules.html",
        title="Auto-action rules",
        shell=frame,
        base=f"/g/{gstin}/rules",
        kept=kept,
        text=text,
        plan=plan,
        shown_refused=SHOWN_REFUSED,
    )


def in_one_transaction(request: Request, fn: Any, *args: Any) -> Any:
    with request.app.state.db.transaction() as uow:
        return fn(uow, *args)


def read_rules_text(request: Request, form: Any) -> tuple[bool, Any]:
    """(True, the rule set pasted into the form as JSON data), or (False, None) and a message
    for the next page when it is not JSON."""
    text = str(form.get("rules") or "")[: MAX_RULES_TEXT + 1]
    try:
        if len(text) > MAX_RULES_TEXT:
            raise ValueError(f"the rule set is longer than {MAX_RULES_TEXT:,} characters")
        return True, loads(text.encode())
    except ValueError as exc:
        flash(request, f"Not saved: the rules are not JSON ({str(exc)[:200]})", "error")
        return False, None


def refused(request: Request, exc: ServiceError) -> None:
    """A rule set not saved: the code, then each problem (rule, field, reason)."""
    flash(request, f"Not saved ({exc.code}):", "error")
    for problem in getattr(exc, "problems", [])[:50]:
        flash(
            request,
            f"{problem.section} {problem.number}: {problem.field}: {problem.message}",
            "error",
        )


@router.post("/g/{gstin}/rules")
async def save_rules(request: Request, gstin: str) -> Response:
    gstin, form, user = await posted(request, gstin)
    is_json, data = read_rules_text(request, form)
    if not is_json:
        return redirect(f"/g/{gstin}/rules")
    try:
        saved = await run_in_threadpool(
            in_one_transaction,
            request,
            auto_actions.save_rule_set,
            auto_actions.gstin_scope(gstin),
            data,
            user.name,
        )
    except ServiceError as exc:
        refused(request, exc)
        return redirect(f"/g/{gstin}/rules")
    flash(request, f"Saved {len(saved.rules)} rule(s).")
    return redirect(f"/g/{gstin}/rules")


@router.post("/g/{gstin}/rules/apply")
async def apply_rules(request: Request, gstin: str) -> Response:
    gstin, _, user = await posted(request, gstin)

    def work(uow: Any) -> auto_actions.Applied:
        kept = auto_actions.rule_set(uow, auto_actions.gstin_scope(gstin))
        return auto_actions.apply(uow, gstin, kept, user.name, user)

    try:
        done = await run_in_threadpool(in_one_transaction, request, work)
    except ServiceError as exc:
        flash(request, f"Not applied ({exc.code}): {exc.message}", "error")
        return redirect(f"/g/{gstin}/rules")
    flash(request, f"Applied through SAVE: {done.applied} changed, {done.refused} refused.")
    for name, result in done.rules:
        if result is not None:
            flash(
                request,
                f"{name}: reference {result.reference_id}, {result.applied} changed, "
                f"{len(result.errors)} refused.",
            )
    for name, proposal_id in done.proposals:  # maker-checker: an approver applies them
        flash(request, f"{name}: proposal {proposal_id} awaits an approver.")
    return redirect(f"/g/{gstin}/rules?dry=1")


@router.get("/g/{gstin}/follow-up")
def follow_up_page(request: Request, gstin: str) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        frame = shell(uow, user, gstin, "follow-up")
        found = supplier_follow_up(uow, gstin)
    return page(
        request,
        "follow_up.html",
        title="Supplier follow-up",
        shell=frame,
        base=f"/g/{gstin}/follow-up",
        found=found,
        kinds=KINDS,
        ask=ASK,
        sheet_name=sheet_name,
        messages={s.supplier: message(s, gstin, found.name) for s in found.suppliers},
    )


@router.get("/g/{gstin}/follow-up.xlsx")
def follow_up_download(request: Request, gstin: str) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        gstin = granted(signed_in(request, uow), gstin, request)
        found = supplier_follow_up(uow, gstin)
    body = follow_up_workbook(gstin, found.suppliers)
    disposition = {"Content-Disposition": f'attachment; filename="follow-up_{gstin}.xlsx"'}
    return Response(body, media_type=XLSX, headers={**HEADERS, **disposition})
