"""Sign in and out, the home page (each GSTIN's counts) and the GSTIN switcher."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gstims.services import dashboard
from gstims.services.taxpayers import principal_by_password
from gstims.web.render import page, redirect, shell, url
from gstims.web.security import check_csrf, granted, safe_next, sign_in, signed_in

router = APIRouter()
PAGES = ("ims", "outward", "gstr2b", "gstr3b")


@router.get("/")
def root(request: Request) -> Response:
    return redirect("/home" if request.session.get("uid") else "/login")


@router.get("/login")
def login_form(request: Request) -> Response:
    return page(
        request,
        "login.html",
        title="Sign in",
        next=safe_next(request.query_params.get("next")),
        error="",
    )


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    name, password = form.get("username"), form.get("password")
    target = safe_next(form.get("next"))
    db = request.app.state.db

    def check() -> Any:
        if not isinstance(name, str) or not isinstance(password, str) or not name:
            return None
        with db.uow(write=False) as uow:
            return principal_by_password(uow, name.strip(), password)

    principal = await run_in_threadpool(check)
    if principal is None:
        return page(
            request,
            "login.html",
            401,
            title="Sign in",
            next=target,
            error="The user name or password is wrong.",
        )
    sign_in(request, principal)
    return redirect(target)


@router.post("/logout")
async def logout(request: Request) -> Response:
    check_csrf(request, await request.form())
    request.session.clear()
    return redirect("/login")


@router.get("/home")
def home(request: Request) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        rows = dashboard.home(uow, user.gstins)
        frame = shell(uow, user, None, "home")
        today = uow.today()
    return page(request, "home.html", title="Your GSTINs", shell=frame, rows=rows, today=today)


@router.get("/switch")
def switch(request: Request) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
    gstin = granted(user, request.query_params.get("gstin", ""))
    to = request.query_params.get("to", "ims")
    return redirect(url(f"/g/{gstin}/{to if to in PAGES else 'ims'}"))
