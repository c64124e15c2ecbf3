"""The protocol's plain HTTP calls: gstims' certificate, the large-download files, and the
sandbox's client registration and OTP delivery.

    GET  /gstims/v1/gstn-certificate.pem | .der        no authentication
    GET  /gstims/v1/gstn-files/<token>/<part>?expires=&md5=   no authentication (the signature is)
    POST /sandbox/v1/gstn/clients   {"name"}           → {client_id, client_secret}
    GET  /sandbox/v1/gstn/otps                         → the latest OTP of each kind per user
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gstims.api.auth import require_admin
from gstims.api.body import read_json
from gstims.api.envelope import RESPONSES, BadRequest, JsonResponse, failure, ok
from gstims.gstn import files
from gstims.gstn.gateway import PLAIN, now_utc
from gstims.gstn.sessions import GstnRefusal, latest_otps, register_client

CERTIFICATE_PEM = "/gstims/v1/gstn-certificate.pem"
CERTIFICATE_DER = "/gstims/v1/gstn-certificate.der"

public = APIRouter(tags=["GSTN protocol"], responses=RESPONSES)
sandbox = APIRouter(prefix="/sandbox/v1/gstn", responses=RESPONSES, tags=["GSTN protocol"])


def _binary(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {media_type: {}}}}


def _certificate_route(path: str, media_type: str, form: str) -> None:
    @public.get(
        path,
        summary=f"gstims' X.509 certificate ({form.upper()}), to encrypt app keys with",
        responses=_binary(media_type, "The certificate"),
    )
    async def certificate(request: Request) -> Response:
        return Response(getattr(request.app.state.gstn_key, form), media_type=media_type)


_certificate_route(CERTIFICATE_PEM, "application/x-pem-file", "pem")
_certificate_route(CERTIFICATE_DER, "application/pkix-cert", "der")


@public.get(
    files.FILES_PATH + "/{token}/{part}",
    summary="One part of a large download (a refused URL answers a status_cd 0 envelope)",
    responses={
        200: {
            "description": "The tar.gz, or the GSTN error envelope",
            "content": {"application/gzip": {}, "application/json": {}},
        }
    },
)
async def download(
    request: Request, token: str, part: int, expires: str = "", md5: str = ""
) -> Response:
    def work() -> bytes:
        request.app.state.gstn_signer.check(token, part, expires, md5, now_utc())
        with request.app.state.db.uow(write=False) as uow:
            return files.file_content(uow, token, part)

    try:
        content = await run_in_threadpool(work)
    except GstnRefusal as refusal:
        return failure(200, refusal.code, refusal.message)
    return Response(content, media_type="application/gzip")


@sandbox.post("/clients", summary="Register a GSP's client id and secret")
async def new_client(request: Request) -> JsonResponse:
    require_admin(request.app.state.settings.admin_token, request)
    body = await read_json(request, request.app.state.settings)
    name = body.get("name")
    if not isinstance(name, str) or not 0 < len(name) <= 100:
        raise BadRequest("name: a client's name of 1 to 100 characters")
    client_id, secret = await _write(request, register_client, name)
    return ok({"client_id": client_id, "client_secret": secret})


@sandbox.get("/otps", summary="The latest OTP of each kind (LOGIN, EVC) per user")
async def otps(request: Request) -> JsonResponse:
    require_admin(request.app.state.settings.admin_token, request)

    def work() -> list[dict[str, str]]:
        with request.app.state.db.uow(write=False) as uow:
            return latest_otps(uow)

    return ok(await run_in_threadpool(work))


def document_plain_prefix(app: FastAPI) -> None:
    """With the protocol on, the plain routes are reached under /plain: the OpenAPI says so."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema["paths"] = {
                (PLAIN + path if path.startswith("/taxpayerapi/") else path): item
                for path, item in schema["paths"].items()
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _write(request: Request, fn: Any, *args: Any) -> Any:
    def work() -> Any:
        with request.app.state.db.transaction() as uow:
            return fn(uow, *args)

    return await run_in_threadpool(work)
