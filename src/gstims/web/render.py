"""Templates, their filters, the page shell and the security headers of every page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gstims.domain.calendar import Period
from gstims.domain.money import money
from gstims.domain.records import Action, Section
from gstims.services.dashboard import names
from gstims.services.taxpayers import Principal
from gstims.store.db import UnitOfWork
from gstims.web.security import (
    CSRF_FIELD,
    PageForbidden,
    PageNotFound,
    SignInRequired,
    csrf_token,
)

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

ACTION_NAMES = {
    Action.NO_ACTION: "No action",
    Action.ACCEPT: "Accepted",
    Action.REJECT: "Rejected",
    Action.PENDING: "Pending",
}
ACTION_VERBS = {
    Action.NO_ACTION: "Reset",
    Action.ACCEPT: "Accept",
    Action.REJECT: "Reject",
    Action.PENDING: "Pending",
}
SECTION_NAMES = {
    Section.B2B: "B2B – Invoices",
    Section.B2BA: "B2B – Invoices (Amendment)",
    Section.B2BDN: "B2B – Debit notes",
    Section.B2BDNA: "B2B – Debit notes (Amendment)",
    Section.B2BCN: "B2B – Credit notes",
    Section.B2BCNA: "B2B – Credit notes (Amendment)",
    Section.ECOM: "ECO – Documents",
    Section.ECOMA: "ECO – Documents (Amendment)",
    Section.IMPG: "Import of goods",
    Section.IMPGA: "Import of goods (Amendment)",
    Section.IMPGSEZ: "Import of goods from SEZ",
    Section.IMPGSEZA: "Import of goods from SEZ (Amendment)",
}
RULE_ID = re.compile(r"\b(R-[A-Z0-9]+-\d+[a-z]?)\b")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def inr(value: Decimal | int | None) -> str:
    """Indian digit grouping: 12,34,567.89."""
    if value is None:
        return ""
    amount = money(value)
    sign = "-" if amount < 0 else ""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    if len(whole) > 3:
        head, groups = whole[:-3], [whole[-3:]]
        while head:
            groups.insert(0, head[-2:])
            head = head[:-2]
        whole = ",".join(groups)
    return f"{sign}{whole}.{fraction}"


def rule_of(message: str) -> str:
    """The rule a refusal message cites, e.g. "R-ACT-3"; "" if none."""
    found = RULE_ID.findall(message)
    return found[-1] if found else ""


def period_label(period: Period | None) -> str:
    return "" if period is None else f"{MONTHS[period.month - 1]} {period.year}"


def day_label(value: date | None) -> str:
    return "" if value is None else value.strftime("%d-%m-%Y")


def url(path: str, params: Mapping[str, str] | None = None, **changes: object) -> str:
    """`path` with the query `params`, some changed (None or "" drops a parameter)."""
    query = {k: v for k, v in (params or {}).items() if v != ""}
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    return f"{path}?{urlencode(query)}" if query else path


ENV = Environment(
    loader=PackageLoader("gstims.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(inr=inr, period=period_label, day=day_label, rule=rule_of)
ENV.globals.update(
    url=url,
    ACTION_NAMES=ACTION_NAMES,
    ACTION_VERBS=ACTION_VERBS,
    SECTION_NAMES=SECTION_NAMES,
    Action=Action,
    Section=Section,
    CSRF_FIELD=CSRF_FIELD,
)


@dataclass(frozen=True, slots=True)
class Shell:
    """What the header shows: the user, the GSTIN in use and the GSTINs to switch to."""

    user: Principal
    gstin: str | None
    gstins: list[tuple[str, str]]  # (GSTIN, name), sorted
    here: str  # the page kind, for the switcher: ims / outward / gstr2b / gstr3b / home

    @property
    def name(self) -> str:
        return dict(self.gstins).get(self.gstin or "", "")


def shell(uow: UnitOfWork, user: Principal, gstin: str | None, here: str) -> Shell:
    known = names(uow, user.gstins)
    return Shell(user, gstin, sorted((g, known.get(g, "")) for g in user.gstins), here)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = ENV.get_template(template).render(
        csrf=csrf_token(request),
        flashes=request.session.pop("flash", []),
        **{"shell": None, "notices": (), **context},
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A message for the next page (kinds: ok, error, warn)."""
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})


def compile_templates() -> None:
    """Compile every template once at start-up, so no user waits for it."""
    for name in ENV.list_templates(extensions=["html"]):
        ENV.get_template(name)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(_: Request, exc: SignInRequired) -> Response:
        return redirect(url("/login", next=exc.next_url))

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> Response:
        return page(request, "error.html", 403, title="Not allowed", message=exc.message)

    @app.exception_handler(PageNotFound)
    async def _not_found(request: Request, exc: PageNotFound) -> Response:
        return page(request, "error.html", 404, title="Not found", message=exc.message)
