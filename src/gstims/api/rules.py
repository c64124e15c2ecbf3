"""Auto-action rules and the supplier follow-up under `/gstims/v1` (issue 17).

Same `auth-token` and `gstin` headers and envelope as the reconciliation API. A rule set is
kept for the GSTIN (`"scope": "gstin"`, the default) or for the calling user, to act on every
GSTIN granted to them (`"scope": "user"`).

    PUT  /gstims/v1/rules              {"gstin", "scope"?, "rules": {rule set}}  import
    GET  /gstims/v1/rules?scope=       the kept rule set                          export
    POST /gstims/v1/rules/dry-run      {"gstin", "scope"?, "rules"?}  what each rule would do
    POST /gstims/v1/rules/apply        {"gstin", "scope"?}           through SAVE, per rule
    GET  /gstims/v1/follow-up          per supplier: asks, ITC at risk, the e-mail text
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request

from gstims.api.auth import Caller, guard
from gstims.api.body import read_json
from gstims.api.edge import caller as _caller
from gstims.api.edge import in_transaction as _work
from gstims.api.envelope import RESPONSES, BadRequest, JsonResponse, ok
from gstims.domain.auto_rules import RuleSet
from gstims.domain.follow_up import message
from gstims.services import auto_actions, auto_schedule
from gstims.services.follow_up import supplier_follow_up
from gstims.services.taxpayers import Principal
from gstims.store.db import UnitOfWork

router = APIRouter(
    prefix="/gstims/v1",
    responses=RESPONSES,
    tags=["auto-actions"],
    dependencies=[Depends(guard)],  # the role, checked before any body is read (issue 17)
)


def _scope(caller: Caller, value: object) -> str:
    if value in (None, "gstin"):
        return auto_actions.gstin_scope(caller.gstin)
    if value == "user":
        return auto_actions.user_scope(caller.principal.name)
    raise BadRequest('scope must be "gstin" or "user"')


def plan_json(plan: auto_actions.Plan) -> dict[str, Any]:
    return {
        "gstin": plan.gstin,
        "changes": plan.changes,
        "rules": [
            {
                "name": r.name,
                "action": r.action,
                "claimed": r.claimed,
                "changes": r.changes,
                "unchanged": r.unchanged,
                "taxable": r.taxable,
                "tax": r.tax,
                "itc_effect": r.itc_effect,
                "refused": [
                    {
                        "id": x.id,
                        "supplier": x.supplier,
                        "number": x.number,
                        "code": x.code,
                        "message": x.message,
                    }
                    for x in r.refused
                ],
            }
            for r in plan.rules
        ],
    }


def client_plan_json(found: auto_schedule.ClientPlan) -> dict[str, Any]:
    """A user's rule set on one of their GSTINs: the dry run, the role held there and what
    applying does there (apply / propose under maker-checker / refuse: skipped)."""
    return {
        **plan_json(found.plan),
        "role": found.role.value if found.role else None,
        "maker_checker": found.maker_checker,
        "handling": found.handling.value,
    }


def _apply_for_user(
    uow: UnitOfWork, who: Principal, rules: RuleSet
) -> tuple[list[auto_actions.Applied], list[str]]:
    return auto_schedule.apply_for_user(uow, who, rules), auto_schedule.skipped_for(uow, who)


def applied_json(done: auto_actions.Applied) -> dict[str, Any]:
    return {
        "gstin": done.gstin,
        "applied": done.applied,
        "refused": done.refused,
        "rules": [
            {
                "name": name,
                "reference_id": result.reference_id if result else None,
                "applied": result.applied if result else 0,
                "refused": len(result.errors) if result else 0,
            }
            for name, result in done.rules
        ],
        "proposals": [{"name": name, "proposal_id": pid} for name, pid in done.proposals],
    }


@router.put("/rules", summary="Import (save) an auto-action rule set")
async def put_rules(request: Request) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    caller.require(body.get("gstin"))
    scope = _scope(caller, body.get("scope"))
    saved = await _work(
        request, auto_actions.save_rule_set, scope, body.get("rules"), caller.principal.name
    )
    return ok({"scope": scope, "rules": len(saved.rules), "on_day": saved.on_day})


@router.get("/rules", summary="Export the kept auto-action rule set")
async def get_rules(request: Request, scope: str | None = None) -> JsonResponse:
    caller = await _caller(request)
    kept = await _work(request, auto_actions.export_rule_set, _scope(caller, scope))
    return ok(kept)


async def _rules(request: Request, caller: Caller, body: Mapping[str, Any]) -> tuple[str, RuleSet]:
    scope = _scope(caller, body.get("scope"))
    if body.get("rules") is not None:
        return scope, auto_actions.read_rule_set(body["rules"])
    return scope, await _work(request, auto_actions.rule_set, scope)


@router.post("/rules/dry-run", summary="What each rule would do; changes nothing")
async def dry_run(request: Request) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    caller.require(body.get("gstin"))
    scope, rules = await _rules(request, caller, body)
    if scope.startswith("user:"):
        plans = await _work(request, auto_schedule.dry_run_as, caller.principal, rules)
        return ok({"gstins": [client_plan_json(p) for p in plans]})
    plan = await _work(request, auto_actions.dry_run, caller.gstin, rules)
    return ok(plan_json(plan))


@router.post("/rules/apply", summary="Apply the kept rule set through SAVE")
async def apply(request: Request) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    caller.require(body.get("gstin"))
    scope = _scope(caller, body.get("scope"))
    rules = await _work(request, auto_actions.rule_set, scope)
    who = caller.principal
    if scope.startswith("user:"):
        done, skipped = await _work(request, _apply_for_user, who, rules)
        return ok({"gstins": [applied_json(d) for d in done], "skipped": skipped})
    applied = await _work(request, auto_actions.apply, caller.gstin, rules, who.name, who)
    return ok(applied_json(applied))


@router.get("/follow-up", summary="Per supplier: what to ask, the ITC at risk, a message")
async def follow_up(request: Request) -> JsonResponse:
    caller = await _caller(request)
    found = await _work(request, supplier_follow_up, caller.gstin)
    return ok(
        {
            "gstin": found.gstin,
            "run_id": found.run_id,
            "itc_at_risk": found.at_risk,
            "suppliers": [
                {
                    "supplier": s.supplier,
                    "itc_at_risk": s.at_risk,
                    "asks": [
                        {
                            "kind": a.kind,
                            "number": a.number,
                            "date": a.doc_date,
                            "books_tax": a.books_tax,
                            "portal_tax": a.portal_tax,
                            "at_risk": a.at_risk,
                            "why": a.why,
                        }
                        for a in s.asks
                    ],
                    "message": message(s, found.gstin, found.name),
                }
                for s in found.suppliers
            ],
        }
    )
