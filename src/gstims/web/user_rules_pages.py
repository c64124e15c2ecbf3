"""The auto-action rules of a user, for all of their GSTINs (issue 17: a CA user's clients).

    GET  /rules                  the user's own rule set (`user:<name>`), `?dry=1` its dry run
                                 on every GSTIN granted to them, each with what apply does there
    POST /rules                  save (import) the user's rule set
    POST /rules/apply            apply it on each GSTIN, as the role the user holds there

The role checks are the GSTIN page's, GSTIN by GSTIN (`api/access.py`, `granted_all`): any
role reads and dry-runs; saving needs preparer or more on at least one GSTIN; applying acts
on each GSTIN where the user is preparer or more (through the maker-checker seam: a preparer
of a GSTIN under maker-checker files proposals an approver decides) and skips, and says so,
each GSTIN where the user is a viewer. The use cases are the API's and the CLI's
(`services.auto_schedule`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gstims.codec import to_json_bytes
from gstims.domain.auto_rules import RuleSet, rule_set_json
from gstims.services import auto_actions, auto_schedule
from gstims.services.errors import NotFound, ServiceError
from gstims.web.auto_pages import SHOWN_REFUSED, in_one_transaction, read_rules_text, refused
from gstims.web.render import flash, page, redirect, shell
from gstims.web.security import granted_all, posted_all, signed_in

router = APIRouter()
HERE = "/rules"


@router.get("/rules")
def user_rules_page(request: Request) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstins = granted_all(user, request)
        frame = shell(uow, user, None, "rules-all")
        try:
            kept: RuleSet | None = auto_actions.rule_set(uow, auto_actions.user_scope(user.name))
        except NotFound:
            kept = None
        plans = None
        if kept is not None and request.query_params.get("dry"):
            wanted = set(gstins)
            plans = [p for p in auto_schedule.dry_run_as(uow, user, kept) if p.gstin in wanted]
    text = "" if kept is None else to_json_bytes(rule_set_json(kept), indent=2).decode()
    return page(
        request,
        "rules_all.html",
        title="Auto-action rules for all your GSTINs",
        shell=frame,
        base=HERE,
        kept=kept,
        text=text,
        plans=plans,
        names=dict(frame.gstins),
        shown_refused=SHOWN_REFUSED,
    )


@router.post("/rules")
async def save_user_rules(request: Request) -> Response:
    _, form, user = await posted_all(request)
    is_json, data = read_rules_text(request, form)
    if not is_json:
        return redirect(HERE)
    scope = auto_actions.user_scope(user.name)
    try:
        saved = await run_in_threadpool(
            in_one_transaction, request, auto_actions.save_rule_set, scope, data, user.name
        )
    except ServiceError as exc:
        refused(request, exc)
        return redirect(HERE)
    when = f"; scheduled on day {saved.on_day} of each month" if saved.on_day else ""
    flash(request, f"Saved {len(saved.rules)} rule(s) for all your GSTINs{when}.")
    return redirect(HERE)


@router.post("/rules/apply")
async def apply_user_rules(request: Request) -> Response:
    _, _, user = await posted_all(request)

    def work(uow: Any) -> tuple[list[auto_actions.Applied], list[str]]:
        kept = auto_actions.rule_set(uow, auto_actions.user_scope(user.name))
        done = auto_schedule.apply_for_user(uow, user, kept)
        return done, auto_schedule.skipped_for(uow, user)

    try:
        done, skipped = await run_in_threadpool(in_one_transaction, request, work)
    except ServiceError as exc:
        flash(request, f"Not applied ({exc.code}): {exc.message}", "error")
        return redirect(HERE)
    changed, refusals = sum(d.applied for d in done), sum(d.refused for d in done)
    flash(request, f"Applied on {len(done)} GSTIN(s): {changed} changed, {refusals} refused.")
    for d in done:
        proposed = "".join(f"; {rule}: proposal {n} awaits an approver" for rule, n in d.proposals)
        flash(request, f"{d.gstin}: {d.applied} changed, {d.refused} refused{proposed}.")
    for gstin in skipped:
        flash(request, f"{gstin}: skipped: your role there may not change IMS.", "warn")
    return redirect(f"{HERE}?dry=1")
