"""What each route needs (issue 17): the capability of every API call and dashboard page
that acts for a GSTIN, by method and route path. `authenticate` (API) and `granted`
(dashboard) look the route up here and ask the one guard, `services.access.require`.

A route missing here is refused (fail closed); `tests/api/test_roles.py` enumerates every
route of the app and fails when one is classified nowhere, so a new route cannot slip by.
"""

from __future__ import annotations

from starlette.requests import Request

from gstims.domain.roles import Capability

READ, PREPARE, APPROVE, ADMINISTER = tuple(Capability)
_T = "/taxpayerapi/v1.0/returns"
_G = "/gstims/v1"
_W = "/g/{gstin}"

NEEDS: dict[tuple[str, str], Capability] = {
    # the taxpayer API (plain and GSTN protocol alike)
    **{("GET", f"{_T}/{form}"): READ for form in ("gstr1", "gstr1a", "ims", "gstr2b", "gstr3b")},
    **{("PUT", f"{_T}/{form}"): PREPARE for form in ("gstr1", "gstr1a", "ims", "gstr3b")},
    **{("POST", f"{_T}/{form}"): APPROVE for form in ("gstr1", "gstr1a", "gstrptf", "gstr3b")},
    ("PUT", f"{_T}/gstr2b"): APPROVE,  # GEN2B
    # the gstims namespace
    ("PUT", f"{_G}/books"): PREPARE,
    ("POST", f"{_G}/books/upload"): PREPARE,
    ("POST", f"{_G}/reconciliations"): PREPARE,
    ("GET", f"{_G}/reconciliations/{{run_id}}"): READ,
    ("POST", f"{_G}/reconciliations/{{run_id}}/apply"): PREPARE,  # under maker-checker: APPROVE
    # work by hand answers a new run; it changes what a run suggests, no IMS record
    **{("POST", f"{_G}/reconciliations/{{run_id}}/{d}"): PREPARE for d in ("pair", "unpair")},
    ("POST", f"{_G}/reconciliations/{{run_id}}/override"): PREPARE,
    # auto-action rules: saving a rule set changes no record (applying it does, through the
    # maker-checker seam); a dry run changes nothing, so a viewer may ask it
    ("GET", f"{_G}/rules"): READ,
    ("PUT", f"{_G}/rules"): PREPARE,
    ("POST", f"{_G}/rules/dry-run"): READ,
    ("POST", f"{_G}/rules/apply"): PREPARE,  # under maker-checker: APPROVE, else proposals
    ("GET", f"{_G}/follow-up"): READ,
    ("GET", f"{_G}/proposals"): READ,
    ("GET", f"{_G}/proposals/{{proposal_id}}"): READ,
    ("POST", f"{_G}/proposals/{{proposal_id}}/approve"): APPROVE,
    ("POST", f"{_G}/proposals/{{proposal_id}}/send-back"): APPROVE,
    ("GET", f"{_G}/settings"): READ,
    ("PUT", f"{_G}/settings"): ADMINISTER,
    ("GET", f"{_G}/notifications"): READ,
    # the dashboard: pages over all the user's GSTINs act on those whose role holds the
    # capability (`web.security.granted_all`); the others, on the GSTIN of the path
    ("GET", "/switch"): READ,
    ("GET", "/reconcile"): READ,  # every granted GSTIN by PAN (any role reads)
    ("GET", "/rules"): READ,  # the user's own rule set, its dry run on every granted GSTIN
    ("POST", "/rules"): PREPARE,  # saving changes no record
    ("POST", "/rules/apply"): PREPARE,  # per GSTIN as its role: preparer or more, proposals
    ("GET", f"{_W}/ims"): READ,
    ("POST", f"{_W}/ims/actions"): PREPARE,
    ("GET", f"{_W}/ims/records/{{record_id}}"): READ,
    ("POST", f"{_W}/ims/records/{{record_id}}"): PREPARE,
    ("GET", f"{_W}/reconcile"): READ,
    ("POST", f"{_W}/reconcile/books"): PREPARE,
    ("POST", f"{_W}/reconcile/run"): PREPARE,
    ("POST", f"{_W}/reconcile/{{decision}}"): PREPARE,  # pair, unpair, override
    ("POST", f"{_W}/reconcile/apply"): PREPARE,  # under maker-checker: APPROVE
    ("GET", f"{_W}/rules"): READ,
    ("POST", f"{_W}/rules"): PREPARE,
    ("POST", f"{_W}/rules/apply"): PREPARE,  # under maker-checker: APPROVE, else proposals
    ("GET", f"{_W}/follow-up"): READ,
    ("GET", f"{_W}/follow-up.xlsx"): READ,
    ("GET", f"{_W}/outward"): READ,
    ("GET", f"{_W}/gstr2b"): READ,
    ("POST", f"{_W}/gstr2b/recompute"): APPROVE,
    ("GET", f"{_W}/gstr2b/{{code}}/download.{{kind}}"): READ,
    ("GET", f"{_W}/gstr3b"): READ,
    ("POST", f"{_W}/gstr3b/file"): APPROVE,
    ("GET", f"{_W}/approvals"): READ,
    ("GET", f"{_W}/approvals/{{proposal_id}}"): READ,
    ("POST", f"{_W}/approvals/{{proposal_id}}/approve"): APPROVE,
    ("POST", f"{_W}/approvals/{{proposal_id}}/send-back"): APPROVE,
    ("GET", f"{_W}/settings"): READ,
    ("POST", f"{_W}/settings"): ADMINISTER,
}

# needs more than READ but acts on IMS: under maker-checker only an approver applies directly
DIRECT_IMS = {
    ("POST", f"{_G}/reconciliations/{{run_id}}/apply"),
    ("POST", f"{_W}/reconcile/apply"),
    ("POST", f"{_G}/rules/apply"),
    ("POST", f"{_W}/rules/apply"),
    ("POST", "/rules/apply"),
}

# the dashboard's routes that act on all the user's GSTINs, not on one of the path
ALL_GSTINS = frozenset({"/reconcile", "/rules", "/rules/apply"})


def dashboard(path: str) -> bool:
    """Whether a classified route is a dashboard page (not an API call)."""
    return path.startswith(f"{_W}/") or path == "/switch" or path in ALL_GSTINS


def route_key(request: Request) -> tuple[str, str]:
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    return request.method, str(path)


def needed(request: Request) -> Capability | None:
    """The capability the request's route needs; None: classified nowhere (refuse it)."""
    return NEEDS.get(route_key(request))
